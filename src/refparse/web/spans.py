"""Where each parsed field was printed in a reference's raw text, for the highlighted view.

The models carry no character spans per field today, so :func:`field_spans`
finds each field's printed value in ``citation.raw``: the one place that
knows how, so that exact spans from the parser can replace it later without
touching the page. It never invents a span: a value that cannot be found
(normalised, expanded or reordered by the parser) is simply not highlighted,
and the parsed fields beside the raw text still show it.

Search order matters because short values recur: identifiers and long
strings first (a DOI holds digits a year search would take), then names in
order, then numbers, each from the container title onwards when it was found
(the volume of ``N Engl J Med. 2025; 392 (9)`` follows the journal).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from ..models import Citation, Organization

#: Field names the highlighting uses, in the order the legend lists them, with their labels.
LEGEND: tuple[tuple[str, str], ...] = (
    ("family", "family name"),
    ("given", "given name"),
    ("organization", "organisation"),
    ("title", "title"),
    ("container", "journal or book"),
    ("year", "year"),
    ("volume", "volume"),
    ("issue", "issue"),
    ("pages", "pages"),
    ("article_number", "article number"),
    ("publisher", "publisher"),
    ("place", "place"),
    ("editor", "editor"),
    ("doi", "DOI"),
    ("pmid", "PMID"),
    ("pmcid", "PMCID"),
    ("url", "URL"),
    ("isbn", "ISBN"),
)

#: How far from a family name its given name or initials may be printed.
_GIVEN_WINDOW = 8


class Segment(NamedTuple):
    """A run of raw text and the field it shows (``None``: no field)."""

    text: str
    field: str | None


@lru_cache(maxsize=4096)
def _pattern(value: str) -> re.Pattern[str]:
    """A case-insensitive pattern for a value as printed, any run of spaces matching any other.

    Word edges are required where the value begins or ends with a letter or
    digit, so volume ``9`` is not found inside ``1998``.
    """
    body = r"\s+".join(re.escape(part) for part in value.split())
    head = r"(?<![^\W_])" if value[:1].isalnum() else ""
    tail = r"(?![^\W_])" if value[-1:].isalnum() else ""
    return re.compile(head + body + tail, re.IGNORECASE)


class _Finder:
    """Claims non-overlapping stretches of one raw text, first come first served."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.spans: list[tuple[int, int, str]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in self.spans)

    def claim(self, value: str | None, field: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
        """Claim the first free occurrence of ``value`` in ``raw[start:end]``; its span, or None."""
        if value is None or not value.strip():
            return None
        stop = len(self.raw) if end is None else end
        for m in _pattern(value.strip()).finditer(self.raw, max(start, 0), stop):
            if self.free(m.start(), m.end()):
                self.spans.append((m.start(), m.end(), field))
                return m.start(), m.end()
        return None

    def claim_after(self, value: str | None, field: str, after: int) -> tuple[int, int] | None:
        """Claim ``value`` after position ``after`` if it is there, else anywhere."""
        return self.claim(value, field, after) or (self.claim(value, field) if after else None)


def _names(finder: _Finder, people: tuple[object, ...], family_field: str, given_field: str) -> int:
    """Claim each name in order; the end of the last one found (0 if none)."""
    cursor = 0
    for person in people:
        if isinstance(person, Organization):
            found = finder.claim_after(person.name, "organization" if family_field == "family" else family_field,
                                       cursor)
            cursor = found[1] if found else cursor
            continue
        family = getattr(person, "family", None)
        particle = getattr(person, "particle", None)
        printed = f"{particle} {family}" if particle and family else family
        found = finder.claim_after(printed, family_field, cursor) or finder.claim_after(family, family_field, cursor)
        if not found:
            continue
        cursor = found[1]
        given = getattr(person, "given", None)
        if given:
            window = (max(found[0] - len(given) - _GIVEN_WINDOW, 0), found[1] + len(given) + _GIVEN_WINDOW)
            near = finder.claim(given, given_field, *window)
            cursor = max(cursor, near[1]) if near else cursor
    return cursor


def field_spans(citation: Citation) -> list[tuple[int, int, str]]:
    """Where each field's value was printed in ``citation.raw``.

    Why one function: the parser does not record field positions yet; when it
    does, this is the only code to replace.

    Args:
        citation: a parsed or recovered citation.

    Returns:
        ``(start, end, field)`` character spans of ``citation.raw``, sorted and
        never overlapping; ``field`` is a name from :data:`LEGEND`. Values
        not found verbatim (allowing for spacing and case) have no span.
    """
    c = citation
    f = _Finder(c.raw)
    for value, field in ((c.doi, "doi"), (c.url, "url"), (c.pmcid, "pmcid"), (c.isbn, "isbn")):
        f.claim(value, field)
    if c.pmid:
        f.claim(c.pmid, "pmid")
    f.claim(c.title, "title")
    container = f.claim(c.container_title, "container")
    f.claim(c.publisher, "publisher")
    f.claim(c.publisher_place, "place")
    _names(f, c.authors, "family", "given")
    _names(f, c.editors, "editor", "editor")
    after = container[1] if container else 0
    if c.pages and not f.claim_after(c.pages.printed, "pages", after):
        f.claim_after(c.pages.first, "pages", after)
    volume = f.claim_after(c.volume, "volume", after)
    f.claim_after(c.issue, "issue", volume[1] if volume else after)
    f.claim_after(c.article_number, "article_number", after)
    if c.date:
        f.claim(f"{c.date.year}{c.date.year_suffix or ''}", "year")
    return sorted(f.spans)


def segments(raw: str, spans: list[tuple[int, int, str]]) -> Iterator[Segment]:
    """The raw text cut at the spans: plain runs and highlighted runs, in order.

    Args:
        raw: the reference's raw text.
        spans: sorted, non-overlapping spans (as :func:`field_spans` returns).

    Yields:
        :class:`Segment` runs that together are exactly ``raw``.
    """
    pos = 0
    for start, end, field in spans:
        if start > pos:
            yield Segment(raw[pos:start], None)
        yield Segment(raw[start:end], field)
        pos = end
    if pos < len(raw):
        yield Segment(raw[pos:], None)
