"""Retractions, corrections, expressions of concern and withdrawals of a cited work.

Crossref tells of them in three places, and a check reads all three because
each misses some:

* the work's own record, ``updated-by``: one entry per notice, with its
  ``DOI``, ``type``, ``label``, ``source`` (``publisher``, or
  ``retraction-watch`` for the Retraction Watch database Crossref took over)
  and ``updated`` date;
* the notices themselves: ``/works?filter=updates:{DOI}`` lists the records
  whose ``update-to`` points at the work — some publishers deposit the notice
  but the work's record never shows it;
* the title: publishers rename a retracted article ``RETRACTED: …``.

All functions are pure; :func:`merge` removes the duplicates the three give.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..enrich.fields import Work
from .models import Flag, FlagKind

#: Crossref's update types (and Retraction Watch's natures, folded) → the flag they raise.
UPDATE_KINDS: dict[str, FlagKind] = {
    "retraction": "retracted",
    "partial_retraction": "retracted",
    "retracted": "retracted",
    "correction": "corrected",
    "corrigendum": "corrected",
    "erratum": "corrected",
    "expression_of_concern": "expression-of-concern",
    "withdrawal": "withdrawn",
    "withdrawn": "withdrawn",
    "removal": "withdrawn",
}
_TITLE_PREFIX = re.compile(
    r"^\s*(?:(?P<retracted>retracted(?:\s+article)?|notice\s+of\s+retraction)|(?P<withdrawn>withdrawn))\s*[:.\-–—]",
    re.IGNORECASE,
)


def update_kind(value: object) -> FlagKind | None:
    """The flag an update type raises (``Expression of Concern`` → ``expression-of-concern``), or ``None``."""
    key = re.sub(r"[\s\-]+", "_", str(value or "").strip().lower())
    return UPDATE_KINDS.get(key)


def date_text(value: object) -> str | None:
    """``{"date-parts": [[2012, 5, 8]]}`` → ``2012-05-08`` (as far as the parts go)."""
    if not isinstance(value, Mapping):
        return None
    parts = value.get("date-parts")
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
        return None
    numbers = [p for p in parts[0] if isinstance(p, int)]
    if not numbers:
        return None
    return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:3])])


def entries(value: Any) -> list[Mapping[str, Any]]:
    """The objects of a list field (``updated-by``, ``update-to``); anything else gives none."""
    return [e for e in value if isinstance(e, Mapping)] if isinstance(value, list) else []


def from_record(item: Work) -> list[Flag]:
    """Flags from a record's ``updated-by`` entries and its title."""
    flags = []
    for entry in entries(item.get("updated-by")):
        kind = update_kind(entry.get("type"))
        if kind is None:
            continue
        flags.append(Flag(kind=kind, notice=_doi(entry.get("DOI")), date=date_text(entry.get("updated")),
                          source=str(entry.get("source") or "publisher"), label=_text(entry.get("label")),
                          via="updated-by"))
    flags += from_title(item.get("title"))
    return flags


def from_title(titles: object) -> list[Flag]:
    """A ``RETRACTED:`` or ``WITHDRAWN:`` title prefix (a string or Crossref's list of titles)."""
    values = titles if isinstance(titles, list) else [titles]
    for title in values:
        m = _TITLE_PREFIX.match(str(title or ""))
        if m:
            kind: FlagKind = "retracted" if m["retracted"] else "withdrawn"
            return [Flag(kind=kind, source="title", label=m.group(0).strip(" :.-–—"), via="title")]
    return []


def from_notices(doi: str, notices: Iterable[Work]) -> list[Flag]:
    """Flags from notice records whose ``update-to`` points at ``doi``.

    A notice whose ``update-to`` names another work (``filter=updates:`` of
    several DOIs at once answers for all of them) is not this work's.
    """
    target = doi.lower()
    flags = []
    for notice in notices:
        for entry in entries(notice.get("update-to")):
            if str(entry.get("DOI") or "").lower() != target:
                continue
            kind = update_kind(entry.get("type"))
            if kind is None:
                continue
            when = date_text(entry.get("updated")) or date_text(notice.get("issued"))
            flags.append(Flag(kind=kind, notice=_doi(notice.get("DOI")), date=when, source="publisher",
                              label=_text(entry.get("label")), via="notice"))
    return flags


def merge(flags: Iterable[Flag]) -> tuple[Flag, ...]:
    """Flags without repeats: one per kind, notice and source; the work's own record first."""
    order = {"updated-by": 0, "notice": 1, "title": 2}
    seen: dict[tuple[str, str | None, str | None], Flag] = {}
    for f in sorted(flags, key=lambda f: order[f.via]):
        key = (f.kind, (f.notice or "").lower() or None, f.source if f.via != "notice" else "publisher")
        if f.via == "title" and any(k[0] == f.kind for k in seen):
            continue  # the title only repeats what a notice already says
        if key not in seen:
            seen[key] = f
    return tuple(seen.values())


def _doi(value: object) -> str | None:
    text = str(value or "").strip()
    return text.lower() or None


def _text(value: object) -> str | None:
    text = str(value or "").strip()
    return text or None
