"""Printed reference vs registry record, field by field: the differences a check reports.

Pure functions over a :class:`~refparse.models.Citation` and a Crossref work
record; the per-field verdicts of :mod:`refparse.enrich.fields` decide what
"the same" means (abbreviated journals, expanded page ranges, markup, initials),
and this module adds what a check needs beyond matching: the author count
(``et al.`` respected), the issue, the last page, and a year rule that forgives
exactly what an online-first publication explains.

Why a difference is reported only on a real contradiction: a field the
record does not hold, or the reference did not print, is not compared — a
check must not call a sound reference wrong because a deposit is sparse.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..enrich.fields import (
    Work,
    compare_container,
    compare_first_author,
    compare_page,
    compare_title,
    compare_volume,
    first_page,
    fold,
    last_page,
    page_key,
    record_mains,
    title_mains,
    title_variants,
    year_of,
)
from ..enrich.validate import first_page_of
from ..models import Citation, Organization, Person
from .models import FieldDifference

_DIGITS = re.compile(r"\d+")
_TAG = re.compile(r"<[^<>]+>")  # linear: no start inside a run of "<"
def _translated(title: str) -> bool:
    r"""A title printed in square brackets is a translation (NLM style): not the registry's wording.

    (String tests, not a regex: ``^\s*\[.*\]\s*\.?\s*$`` took time quadratic in a run of spaces.)
    """
    t = title.strip().removesuffix(".").rstrip()
    return len(t) >= 2 and t[0] == "[" and t[-1] == "]"
_JOURNAL_TYPES = frozenset({"article-journal"})
_CONTAINER_IS_BOOK = frozenset({"chapter", "paper-conference"})


def person_name(a: object) -> str:
    """A contributor as a person reads it in a report: ``van der Sluis IM``, ``WHO``."""
    if isinstance(a, Organization):
        return a.name
    if isinstance(a, Person):
        family = " ".join(p for p in (a.particle, a.family) if p)
        given = (a.initials or a.given or "").replace(".", "")
        return f"{family} {given}".strip()
    return str(a)


def record_name(a: Mapping[str, object]) -> str:
    """A Crossref author as ``Family G`` (initials of the given names), or the group's name."""
    family = str(a.get("family") or "").strip()
    if not family:
        return str(a.get("name") or "").strip()
    given = str(a.get("given") or "")
    initials = "".join(w[0] for w in re.split(r"[\s.\-]+", given) if w and w[0].isalpha())
    return f"{family} {initials}".strip()


def record_people(item: Work) -> list[dict[str, Any]]:
    """The record's authors as a list of objects (a malformed entry dropped)."""
    authors = item.get("author")
    return [a for a in authors if isinstance(a, dict)] if isinstance(authors, list) else []


def plain(text: str) -> str:
    """Markup removed, entities decoded and spaces collapsed (``<i>E. coli</i> &amp; …`` → ``E. coli & …``)."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def record_title(item: Work) -> str:
    """The record's title with its subtitle, as a person reads it (markup removed)."""
    titles = [plain(t) for t in item.get("title") or [] if isinstance(t, str) and t.strip()]
    subtitles = [plain(t) for t in item.get("subtitle") or [] if isinstance(t, str) and t.strip()]
    title = titles[0] if titles else ""
    if subtitles and fold(subtitles[0]) not in fold(title):
        title = f"{title}: {subtitles[0]}"
    return title


def record_container(item: Work) -> str:
    """The record's journal or book title."""
    names = [plain(t) for t in item.get("container-title") or [] if isinstance(t, str) and t.strip()]
    return names[0] if names else ""


def record_issns(item: Work) -> set[str]:
    """The record's ISSNs, upper-case (``1932-6203``)."""
    values = list(item.get("ISSN") or [])
    values += [i.get("value") for i in item.get("issn-type") or [] if isinstance(i, dict)]
    return {str(v).strip().upper() for v in values if v}


@dataclass
class JournalNames:
    """Printed journal names known to belong to an ISSN, learned from the records of one check.

    Why: a reference list names one journal in several ways (``PLoS ONE``,
    ``PLOS One``, ``Plos One``) and a record carries only one or two of them.
    Where a printed name agreed with a record of some ISSN, that name is
    accepted for every other record of the same ISSN.
    """

    by_issn: dict[str, set[str]] = field(default_factory=dict)

    def learn(self, pairs: Iterable[tuple[Citation, Work]]) -> JournalNames:
        """Record each printed name that agrees with its record's names, under the record's ISSNs."""
        for citation, item in pairs:
            printed = fold(citation.container_title)
            if printed and compare_container(citation.container_title, item) == "agree":
                for issn in record_issns(item):
                    self.by_issn.setdefault(issn, set()).add(printed)
        return self

    def knows(self, printed: str | None, item: Work) -> bool:
        """Whether ``printed`` is a name of one of the record's ISSNs."""
        name = fold(printed)
        return bool(name) and any(name in self.by_issn.get(issn, ()) for issn in record_issns(item))


def _first_author(c: Citation, item: Work) -> FieldDifference | None:
    people = record_people(item)
    if not c.authors or not people:
        return None
    if compare_first_author(c.authors[0], people) != "conflict":
        return None
    return FieldDifference(field="first-author", printed=person_name(c.authors[0]), registry=record_name(people[0]))


def _author_count(c: Citation, item: Work) -> FieldDifference | None:
    people = record_people(item)
    n, m = len(c.authors), len(people)
    if not n or not m:
        return None
    if c.et_al:
        # "A, B, C, et al." says there are more than three; a record listing exactly three is
        # forgiven (a collective author counted on one side only), fewer is not.
        if m >= n:
            return None
        return FieldDifference(field="author-count", printed=f"{n} et al.", registry=str(m),
                               note="the reference lists more authors than the record")
    if m == n:
        return None
    groups_printed = sum(isinstance(a, Organization) for a in c.authors)
    groups_record = sum(1 for a in people if a.get("name") and not a.get("family"))
    if n - groups_printed == m - groups_record:
        return None  # the same people; a consortium named on one side only
    note = "the record lists more authors (no et al. printed)" if m > n else "the record lists fewer authors"
    return FieldDifference(field="author-count", printed=str(n), registry=str(m), note=note)


def _title(c: Citation, item: Work, notes: list[str]) -> FieldDifference | None:
    variants = title_variants(item)
    if not c.title or not variants:
        return None
    _, similarity, grade = compare_title(c.title, variants, record_mains(item))
    if grade in ("exact", "close", "main-title", "short-main"):
        return None  # a subtitle on one side only is not an error of the reference
    if _translated(c.title):
        notes.append("the printed title is a translation (in brackets); not compared")
        return None
    return FieldDifference(field="title", printed=c.title, registry=record_title(item),
                           note=f"similarity {similarity:.2f}")


def _container(c: Citation, item: Work, journals: JournalNames | None) -> FieldDifference | None:
    printed, held = c.container_title, record_container(item)
    if not printed or not held:
        return None
    if c.type in _CONTAINER_IS_BOOK or item.get("type") in ("book-chapter", "proceedings-article"):
        # A book or proceedings title: compared as a title (a subtitle may be missing).
        _, similarity, grade = compare_title(printed, [fold(held)], title_mains(held))
        if grade != "low" or compare_container(printed, item) != "conflict":
            return None
        if c.type == "paper-conference" or item.get("type") == "proceedings-article":
            return None  # conference names are printed in too many forms to call one wrong
        return FieldDifference(field="book", printed=printed, registry=held, note=f"similarity {similarity:.2f}")
    if c.type not in _JOURNAL_TYPES or compare_container(printed, item) != "conflict":
        return None
    if c.container_title_full and compare_container(c.container_title_full, item) != "conflict":
        return None
    if journals is not None and journals.knows(printed, item):
        return None
    return FieldDifference(field="journal", printed=printed, registry=held)


def _dates(item: Work) -> dict[str, int]:
    keys = {"print": "published-print", "online": "published-online", "issued": "issued",
            "published": "published", "posted": "posted"}
    return {name: y for name, key in keys.items() if (y := year_of(item, key)) is not None}


def _year(c: Citation, item: Work, notes: list[str]) -> FieldDifference | None:
    printed = c.year
    dates = _dates(item)
    if printed is None or not dates:
        return None
    if printed in dates.values():
        return None
    online, printed_on_paper = dates.get("online"), dates.get("print")
    if online and printed_on_paper and min(online, printed_on_paper) <= printed <= max(online, printed_on_paper):
        return None
    if online and not printed_on_paper and printed == online + 1:
        notes.append(f"year {printed}: the record has only an online date ({online}); "
                     "a print issue the next year explains it")
        return None
    if printed_on_paper and not online and printed == printed_on_paper - 1:
        notes.append(f"year {printed}: the record has only a print date ({printed_on_paper}); "
                     "an online-first the year before explains it")
        return None
    shown = ", ".join(f"{y} ({name})" for name, y in dates.items() if name in ("print", "online")) or str(
        dates.get("issued") or next(iter(dates.values())))
    return FieldDifference(field="year", printed=str(printed), registry=shown)


def issue_verdict(printed: str | None, held: str | None) -> str:
    """``agree``, ``conflict`` or ``absent`` for a printed issue against the record's.

    Numbers decide (``suppl 1`` = ``Supplement_1``, ``3-4`` ∋ ``3``); issues
    without a number (``Spring``) are compared only when both sides have none.
    """
    a, b = fold(printed), fold(held)
    if not a or not b:
        return "absent"
    da, db = set(_DIGITS.findall(a)), set(_DIGITS.findall(b))
    if da and db:
        return "agree" if da & db else "conflict"
    if da or db:
        return "absent"
    return "agree" if a.startswith(b) or b.startswith(a) else "absent"


def _issue(c: Citation, item: Work) -> FieldDifference | None:
    held = item.get("issue")
    if issue_verdict(c.issue, str(held) if held else None) != "conflict":
        return None
    return FieldDifference(field="issue", printed=str(c.issue), registry=str(held))


def _pages(c: Citation, item: Work) -> list[FieldDifference]:
    cited = first_page_of(c)
    page, number = item.get("page"), item.get("article-number")
    verdict = compare_page(cited, item)
    if verdict == "conflict":
        name = "first-page" if c.pages is not None else "article-number"
        held = first_page(str(page)) if page and c.pages is not None else str(number or page)
        return [FieldDifference(field=name, printed=str(cited), registry=held or str(page))]
    if verdict != "agree" or c.pages is None or not c.pages.last:
        return []
    held_last = last_page(str(page)) if page else ""
    if held_last and page_key(held_last) != page_key(c.pages.last):
        return [FieldDifference(field="last-page", printed=c.pages.last, registry=held_last)]
    return []


def compare(
    citation: Citation, item: Work, journals: JournalNames | None = None
) -> tuple[list[FieldDifference], list[str]]:
    """Every field the record contradicts, in report order, and notes on what was forgiven.

    Args:
        citation: the printed reference.
        item: the Crossref record of the cited work.
        journals: printed journal names known per ISSN in this check (see :class:`JournalNames`).

    Returns:
        ``(differences, notes)``.
    """
    notes: list[str] = []
    found = [
        _first_author(citation, item),
        _author_count(citation, item),
        _title(citation, item, notes),
        _container(citation, item, journals),
        _year(citation, item, notes),
        None if compare_volume(citation.volume, item.get("volume")) != "conflict" else FieldDifference(
            field="volume", printed=str(citation.volume), registry=str(item.get("volume"))),
        _issue(citation, item),
    ]
    differences = [d for d in found if d is not None] + _pages(citation, item)
    return differences, notes
