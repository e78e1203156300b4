"""CSL-JSON, the format citeproc-js (Zotero, Mendeley), pandoc and citeproc-py read.

Items validate against the CSL-JSON schema. Choices worth knowing:

* ``id`` is the citation key every format shares (``gupta2025blinatumomab``,
  :mod:`refparse.export.keys`);
* **et al.** is a final author ``{"literal": "et al."}`` (see
  :data:`ET_AL`) plus ``custom.et-al = true`` for programs that read the flag;
* particles are ``non-dropping-particle`` (``van der`` Sluis is cited as
  "van der Sluis", as from the BibTeX);
* ``container-title-short`` is the journal as printed; ``container-title`` is
  the full title when refparse knows it (after enrichment), else as printed;
* ``given`` holds initials spaced and dotted (``R. E.``) so that CSL
  processors initialise every letter, not only the first;
* ``note`` holds only what the reference printed as a note. What refparse
  has to say — the grammar's reason for a reference it could not fully
  parse, text no field took, other warnings — and then the raw text go into
  ``custom`` (``status``, ``reason``, ``unplaced``, ``warnings``, ``raw``),
  which no style prints; ``annotate`` also writes them into ``note``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any

import orjson

from ..models import Citation, Organization, Person
from .common import findings
from .keys import base_key, make_keys

#: The last "author" of a truncated list. Why a literal "et al." and not
#: ``{"literal": "others"}`` (BibTeX's ``and others``): citeproc-js, the engine
#: of Zotero and Mendeley, and citeproc-py print a literal "others" as an
#: author ("Gupta S, Rau RE, Kairalla JA, others."), and pandoc only treats it
#: as et al. in styles that set et-al options on the name element; every one
#: of them prints "et al." for this literal. Styles that join the last name
#: with "and" or "&" print "& et al."; no CSL data can do better, since CSL
#: has no way to say that a list was truncated.
ET_AL = {"literal": "et al."}


@dataclass(frozen=True)
class CslJsonOptions:
    """Options for CSL-JSON output.

    Attributes:
        indent: JSON indentation; ``None`` for one line.
        ascii: escape non-ASCII characters.
        id_prefix: put before every item id (the citation key).
        annotate: also write refparse's diagnostics into ``note``, which
            styles print (they are always in ``custom``).
    """

    indent: int | None = 2
    ascii: bool = False
    id_prefix: str = ""
    annotate: bool = False


_DEFAULT = CslJsonOptions()
_SPACE_AFTER_DOT = re.compile(r"\.(?=[^\s.-])")
_INITIALS_ONLY = re.compile(r"[A-Z\u00c0-\u00de\u0100-\u017f]{1,4}|(?:[A-Z\u00c0-\u00de][a-z]?\.?[\s-]*)+")


def csl_given(person: Person) -> str | None:
    """The ``given`` CSL field: initials spaced and dotted, full names as printed."""
    return _given(person.given, person.initials) if person.given else None


@lru_cache(maxsize=1 << 14)
def _given(given: str, initials: str | None) -> str:
    g = given.strip()
    if _INITIALS_ONLY.fullmatch(g) and initials:
        return _SPACE_AFTER_DOT.sub(". ", initials)
    return g


def csl_name(name: Person | Organization) -> dict[str, str]:
    """One CSL name object."""
    if isinstance(name, Organization):
        return {"literal": name.name}
    out = {"family": name.family}
    given = _given(name.given, name.initials) if name.given else None  # csl_given inlined: every name
    if given:
        out["given"] = given
    if name.particle:
        out["non-dropping-particle"] = name.particle
    if name.suffix:
        out["suffix"] = name.suffix
    return out


def _date(c: Citation) -> dict[str, Any] | None:
    if not c.date:
        return None
    parts = [c.date.year]
    if c.date.month and c.date.month <= 12:
        parts.append(c.date.month)
        if c.date.day:
            parts.append(c.date.day)
    out: dict[str, Any] = {"date-parts": [parts]}
    if c.date.month and c.date.month > 12:
        out["season"] = c.date.month - 12
    return out


#: Item keys filled from one citation field each, in output order.
_SIMPLE_FIELDS = (
    ("volume", "volume"),
    ("issue", "issue"),
    ("edition", "edition"),
    ("publisher", "publisher"),
    ("publisher-place", "publisher_place"),
    ("genre", "genre"),
    ("DOI", "doi"),
    ("PMID", "pmid"),
    ("PMCID", "pmcid"),
    ("URL", "url"),
    ("ISBN", "isbn"),
    ("abstract", "abstract"),
)


def _names(names: tuple[Person | Organization, ...], et_al: bool) -> list[dict[str, str]]:
    out = [csl_name(n) for n in names]
    if et_al:
        out.append(dict(ET_AL))
    return out


def to_csl_item(c: Citation, key: str | None = None, options: CslJsonOptions | None = None) -> dict[str, Any]:
    """One citation as a CSL-JSON item.

    Args:
        c: the citation.
        key: its id (unique in the output, see :func:`refparse.export.keys.make_keys`);
            default its base key.
        options: ``id_prefix`` and ``annotate`` are used.

    Returns:
        A dict that validates against the CSL-JSON schema.
    """
    opts = options or _DEFAULT
    item: dict[str, Any] = {"id": opts.id_prefix + (key if key is not None else base_key(c)), "type": c.type}
    if c.number is not None:
        item["citation-number"] = c.number
    if c.authors or c.et_al:
        item["author"] = _names(c.authors, c.et_al)
    if c.editors or c.editors_et_al:
        item["editor"] = _names(c.editors, c.editors_et_al)
    if c.title:
        item["title"] = c.title
    container = c.container_title_full or c.container_title
    if container:
        item["container-title"] = container
    for key, field in _SIMPLE_FIELDS:  # a loop, not a dict of all fields: most are empty
        value = getattr(c, field)
        if value:
            item[key] = value
    if c.type == "article-journal" and c.container_title:
        item["container-title-short"] = c.container_title
    if c.pages:
        item["page"] = f"{c.pages.first}-{c.pages.last}" if c.pages.last else c.pages.first
        item["page-first"] = c.pages.first
    if c.article_number:
        item["number"] = c.article_number
    issued = _date(c)
    if issued:
        item["issued"] = issued
        if c.date and c.date.year_suffix:
            item["year-suffix"] = c.date.year_suffix
    if c.event:
        if c.event.title:
            item["event-title"] = c.event.title
        if c.event.place:
            item["event-place"] = c.event.place
        if c.event.date:
            item["event-date"] = {"raw": c.event.date}
    if c.accessed:
        item["accessed"] = {"raw": c.accessed}
    if c.keywords:
        item["keyword"] = ", ".join(c.keywords)
    found = findings(c)
    notes = (found.note, found.annotation() if opts.annotate else None)
    if any(notes):
        item["note"] = "\n".join(n for n in notes if n)
    custom: dict[str, Any] = {}
    if c.et_al:
        custom["et-al"] = True
    if c.match:
        custom["doi-match"] = {"score": c.match.score, "source": c.match.source, "evidence": c.match.evidence}
    if found:
        for name in ("status", "reason", "unplaced"):
            if getattr(found, name) is not None:
                custom[name] = getattr(found, name)
        if found.warnings:
            custom["warnings"] = [{"code": code, "message": message} for code, message in found.warnings]
        custom["raw"] = found.raw
    if custom:
        item["custom"] = custom
    return item


def to_csl_json(citations: list[Citation] | tuple[Citation, ...], options: CslJsonOptions | None = None) -> str:
    """Citations as a CSL-JSON array (a string).

    Args:
        citations: the citations, in order.
        options: formatting options.

    Returns:
        The JSON text, ending with a newline.
    """
    opts = options or _DEFAULT
    pairs = zip(citations, make_keys(citations), strict=True)
    if len(citations) > _BATCH and not opts.ascii and opts.indent in (None, 2):  # orjson's cases (see dumps)
        return _dump_in_batches((to_csl_item(c, key, opts) for c, key in pairs), opts.indent)
    return dumps([to_csl_item(c, key, opts) for c, key in pairs], opts)


#: Items made and written at a time by :func:`_dump_in_batches`.
_BATCH = 500


def _dump_in_batches(items: Iterator[dict[str, Any]], indent: int | None) -> str:
    """A JSON array written :data:`_BATCH` items at a time, the bytes :func:`dumps` writes for it.

    Why: holding every item's dicts until one ``dumps`` call keeps a whole
    list's worth of containers alive, and the cyclic garbage collector walks
    them on each pass while more are made (on the 10,000 repeated seed
    references that was more than half the time of building the items). A
    batch dies once written; one ``dumps`` call per batch, not per item,
    keeps the calls' own cost out of short lists. orjson writes an array as
    ``[``, the items (indented by two, one a line) separated by ``,``, ``]``:
    each batch's array without its brackets, joined by the separator, is the
    whole array.
    """
    option = orjson.OPT_INDENT_2 if indent == 2 else 0
    cut, separator = (2, b",\n") if indent == 2 else (1, b",")  # "[\n" ... "\n]" or "[" ... "]"
    parts = []
    while batch := list(islice(items, _BATCH)):
        parts.append(orjson.dumps(batch, option=option)[cut:-cut])
    return (b"[\n"[:cut] + separator.join(parts) + b"\n]"[-cut:] + b"\n").decode("utf-8")


def dumps(value: Any, options: CslJsonOptions | None = None) -> str:
    """JSON text for CSL-JSON data, ending with a newline.

    orjson (C) writes the common cases — UTF-8, two-space indent or none —
    several times faster than the standard library's pure-Python indenting
    encoder; other indents and ``ascii`` use :mod:`json`.
    """
    opts = options or CslJsonOptions()
    if not opts.ascii and opts.indent in (None, 2):
        flags = orjson.OPT_INDENT_2 if opts.indent == 2 else 0
        return orjson.dumps(value, option=flags | orjson.OPT_APPEND_NEWLINE).decode("utf-8")
    return json.dumps(value, ensure_ascii=opts.ascii, indent=opts.indent) + "\n"
