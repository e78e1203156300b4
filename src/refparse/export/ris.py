"""RIS, the tagged format EndNote, Zotero, Mendeley and RefWorks import.

One ``TAG  - value`` per line; a record starts with ``TY`` and ends with
``ER``. Choices worth knowing:

* ``TY`` is ``JOUR``, ``CONF``, ``BOOK``, ``CHAP``, ``RPRT``, ``THES``,
  ``ELEC`` (web page), ``DATA``, ``COMP`` (software), else ``GEN``;
* ``ID`` is the citation key every format shares (``gupta2025blinatumomab``);
* one ``AU`` per author as ``van der Sluis, I. M.``; an organization is its
  name without a comma; RIS has no "et al.", so a truncated list ends with
  ``AU  - et al.``, which Zotero and Mendeley read as a one-field name and
  print as "et al." — the same representation as CSL-JSON's
  (:data:`refparse.export.csljson.ET_AL`);
* the journal is ``T2`` and ``JO`` (the full title when known, else as
  printed) and ``J2`` as printed (the abbreviation);
* ``PY`` is the year, ``DA`` the date when more than the year is known
  (``2024/06/13``); ``SP``/``EP`` the first and last page; ``AN`` the PMID;
* ``N1`` (notes, which Zotero attaches to the item) holds only
  bibliographic text without a tag; what refparse has to say — a reference
  it could not fully parse, text no field took, warnings, then the raw
  text — is one ``RN`` (research notes, never printed); ``annotate`` writes
  it as ``N1`` instead;
* every value is flattened to one line, so a title holding a newline and
  ``ER  -`` cannot end the record early or inject a tag.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Citation, Organization, Person
from .common import Findings, findings, flatten
from .csljson import ET_AL, csl_given
from .keys import base_key, make_keys

#: RIS reference type for each CSL type refparse produces; others are GEN.
RIS_TYPES = {
    "article-journal": "JOUR",
    "paper-conference": "CONF",
    "book": "BOOK",
    "chapter": "CHAP",
    "report": "RPRT",
    "thesis": "THES",
    "webpage": "ELEC",
    "dataset": "DATA",
    "software": "COMP",
}


@dataclass(frozen=True)
class RisOptions:
    """Options for RIS output.

    Attributes:
        crlf: end lines with CR LF, as the original specification asks
            (every current importer also reads plain LF, the default).
        annotate: write refparse's diagnostics as a note (``N1``) instead of
            a research note (``RN``).
    """

    crlf: bool = False
    annotate: bool = False


def ris_name(name: Person | Organization) -> str:
    """One author as RIS writes it: ``Last, First[, Suffix]`` or an organization."""
    if isinstance(name, Organization):
        return flatten(name.name)
    parts = [" ".join(flatten(p) for p in (name.particle, name.family) if p)]
    given, suffix = flatten(csl_given(name) or ""), flatten(name.suffix or "")
    if given or suffix:
        parts.append(given)
    if suffix:
        parts.append(suffix)
    return ", ".join(parts)


def ris_record(c: Citation, key: str | None = None, options: RisOptions | None = None) -> list[tuple[str, str]]:
    """One citation as RIS (tag, value) pairs, ``TY`` first and ``ER`` last.

    Args:
        c: the citation.
        key: its ``ID`` (unique in the output); default its base key.
        options: ``annotate`` is used.

    Returns:
        The pairs in writing order; values are already on one line.
    """
    ty = RIS_TYPES.get(c.type, "GEN")
    pairs: list[tuple[str, str | None]] = [("TY", ty), ("ID", key if key is not None else base_key(c))]
    pairs += [("AU", ris_name(a)) for a in c.authors]
    if c.et_al:
        pairs.append(("AU", ET_AL["literal"]))
    pairs += [("A2", ris_name(e)) for e in c.editors]
    if c.editors_et_al:
        pairs.append(("A2", ET_AL["literal"]))
    pairs.append(("TI", c.title))
    container = c.container_title_full or c.container_title
    if ty == "CONF" and not container and c.event:
        container = c.event.title
    pairs.append(("T3" if ty == "BOOK" else "T2", container))  # a report's series is T2 (Zotero's seriesTitle)
    if ty == "JOUR":
        pairs += [("JO", container), ("J2", c.container_title)]
    if c.date:
        pairs.append(("PY", str(c.date.year)))
        if c.date.month and c.date.month <= 12:
            day = f"/{c.date.day:02d}" if c.date.day else ""
            pairs.append(("DA", f"{c.date.year:04d}/{c.date.month:02d}{day}"))
    pairs += [("VL", c.volume), ("IS", c.issue)]
    if c.pages:
        pairs += [("SP", c.pages.first), ("EP", c.pages.last)]
    elif c.article_number:
        pairs.append(("SP", c.article_number))
    place = c.publisher_place or (c.event.place if c.event else None)
    pairs += [("ET", c.edition), ("PB", c.publisher), ("CY", place), ("M3", c.genre)]
    pairs += [("DO", c.doi), ("AN", c.pmid), ("SN", c.isbn), ("UR", c.url), ("Y2", c.accessed)]
    pairs.append(("AB", c.abstract))
    pairs += [("KW", k) for k in c.keywords]
    found = findings(c)
    notes = [
        found.note,
        f"Presented at {c.event.title}" if c.event and c.event.title and container != c.event.title else None,
        c.event.date if c.event else None,
        c.event.session if c.event else None,
        f"Article number {c.article_number}" if c.article_number and c.pages else None,
        f"PMCID: {c.pmcid}" if c.pmcid else None,
    ]
    pairs += [("N1", n) for n in notes]
    if found:
        pairs.append(("N1" if options is not None and options.annotate else "RN", _research_note(found)))
    out = [(tag, flatten(value)) for tag, value in pairs if value and flatten(value)]
    out.append(("ER", ""))
    return out


def _research_note(found: Findings) -> str:
    """Refparse's diagnostics and the raw text, as one line."""
    parts = []
    if found.status is not None:
        parts.append(f"{found.state()} ({found.reason})")
    if found.unplaced is not None:
        parts.append(f"not placed in a field: {found.unplaced}")
    parts += found.other_warnings()
    parts.append(f"as printed: {found.raw}")
    return "refparse: " + "; ".join(parts)


def to_ris(citations: Sequence[Citation], options: RisOptions | None = None) -> str:
    """Citations as an RIS file.

    Why: RIS is what EndNote and most web reference managers import; every
    reference goes in, recovered ones with their raw text in ``N1``.

    Args:
        citations: the citations, in order.
        options: output options.

    Returns:
        The RIS text, one record per citation.
    """
    opts = options or RisOptions()
    eol = "\r\n" if opts.crlf else "\n"
    keys = make_keys(citations)
    lines = [f"{tag}  - {value}" for c, k in zip(citations, keys, strict=True) for tag, value in ris_record(c, k, opts)]
    return eol.join(lines) + eol if lines else ""
