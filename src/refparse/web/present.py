"""How a citation reads on the review page: its fields in words, its status and reasons.

Statuses are read from the citation, not from a list: a status the library
adds (``suspect``) is shown, counted and flagged with its reason in words
without a change here; the few this module knows get a friendlier phrase.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from ..models import Citation, Match, Organization
from .editing import label, text_fields

#: Phrases for the statuses the library has today; any other status is shown by its name.
STATUS_WORDS = {
    "parsed": "parsed",
    "recovered": "not fully parsed: the fields that were certain were recovered",
    "suspect": "suspect: parsed, but some fields look implausible",
}
#: The highlight colour (a :data:`refparse.web.spans.LEGEND` name) of each model field.
COLOUR = {
    "authors": "family", "editors": "editor", "title": "title", "container_title": "container", "date": "year",
    "volume": "volume", "issue": "issue", "pages": "pages", "article_number": "article_number",
    "publisher": "publisher", "publisher_place": "place", "doi": "doi", "pmid": "pmid", "pmcid": "pmcid",
    "url": "url", "isbn": "isbn",
}


class Shown(NamedTuple):
    """One field beside the raw text: its model name, label, value(s) in words, colour, and a note after them."""

    name: str
    label: str
    values: tuple[str, ...]
    colour: str | None
    after: str | None = None


def name_text(p: Any) -> str:
    """A name as a reader checks it: ``van der Sluis, IM``; an organisation as itself."""
    if isinstance(p, Organization):
        return p.name
    family = f"{p.particle} {p.family}" if p.particle else p.family
    rest = ", ".join(x for x in (p.given, p.suffix) if x)
    return f"{family}, {rest}" if rest else family


def date_text(c: Citation) -> str:
    """A date as the review shows it: ``2011a``, ``2020-03``, ``2020-03-15``."""
    d = c.date
    if d is None:
        return ""
    text = f"{d.year}{d.year_suffix or ''}"
    if d.month:
        text += f"-{d.month:02d}" + (f"-{d.day:02d}" if d.day else "")
    return text


def shown_fields(c: Citation) -> list[Shown]:
    """The citation's non-empty fields in the form's order, names first."""
    out = []
    for role in ("authors", "editors"):
        people = getattr(c, role)
        if people:
            names = tuple(name_text(p) for p in people)
            truncated = getattr(c, "et_al" if role == "authors" else f"{role}_et_al", False)
            out.append(Shown(role, label(role), names, COLOUR[role], "et al." if truncated else None))
    out.append(Shown("type", "Type", (c.type,), None))
    if c.date:
        out.append(Shown("date", "Year", (date_text(c),), COLOUR["date"]))
    for name in text_fields():
        value = c.pages.printed if name == "pages" and c.pages else getattr(c, name) if name != "pages" else None
        if value:
            out.append(Shown(name, label(name), (str(value),), COLOUR.get(name)))
    if c.event:
        parts = tuple(f"{k}: {v}" for k, v in c.event.model_dump(exclude_none=True).items())
        out.append(Shown("event", "Event", parts, None))
    if c.keywords:
        out.append(Shown("keywords", "Keywords", c.keywords, None))
    return out


def status_words(status: str) -> str:
    """A status in words (a status this module does not know is shown by its name)."""
    return STATUS_WORDS.get(status, status.replace("-", " "))


def reasons(c: Citation) -> list[str]:
    """Why a reference is flagged, in words: the status's reason, then each warning."""
    out = []
    reason = c.reason
    if reason:
        out.append(reason)
    out.extend(w.message for w in c.warnings if w.message != reason)
    return out


def evidence(match: Match) -> list[tuple[str, str]]:
    """A DOI match's evidence as (what, finding) lines."""
    rows = [("score", f"{match.score:.3f}"), ("source", match.source)]
    for key, value in match.evidence.items():
        if key == "others":
            for other in value or ():
                rows.append(("also considered", f"{other.get('doi')}: {other.get('reason')}"))
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        rows.append((key.replace("_", " "), text))
    return rows
