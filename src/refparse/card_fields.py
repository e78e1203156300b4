"""Pure functions that read the fields inside one line of a summary card.

The card grammar (``grammars/card.lark``) says which line is the title, the
authors, the metadata line or a section's bullet; these functions read what
is *inside* such a line: the ``·``-separated metadata fields, the linked
entities with their identifiers, a trial-registry line, markdown escapes.
Each is pure and tested on its own, like :mod:`refparse.normalize`.
"""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple

from .normalize import doi as normalize_doi
from .normalize import nfc

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def unmarkdown(text: str) -> str:
    r"""Plain text of a markdown line: escapes resolved, strong markers removed.

    Emphasis with single ``*`` or ``_`` is kept, because in article titles
    it is as likely to be literal (``p*``, ``__init__``) as markup.

    Args:
        text: one line's text, block markers already removed.

    Returns:
        NFC text with ``\*`` → ``*`` and ``**x**`` → ``x``.
    """
    text = _STRONG.sub(r"\1", text)
    return nfc(_ESCAPE.sub(r"\1", text))


def strip_marker(text: str, kind: str) -> str:
    """A line's content without its block marker (``#``, ``-``, ``**Authors:**`` ...).

    Args:
        text: the line as lexed.
        kind: the line kind the grammar gave it (``title``, ``heading``,
            ``authors``, ``bullet``, ``footer``, ``meta`` or ``text``).

    Returns:
        The content, markdown removed.
    """
    if kind in ("title", "heading"):
        text = re.sub(r"^#+\s*", "", text)
        text = re.sub(r"(?<!\s)\s+#+\s*$", "", text)  # (?<!\s): linear on long runs of spaces
    elif kind == "authors":
        text = re.sub(r"^(?:\*\*)?authors?:?(?:\*\*)?:?\s*", "", text, flags=re.I)
    elif kind == "bullet":
        text = re.sub(r"^(?:[-*+]|\d{1,3}[.)])\s+", "", text)
    elif kind == "footer":
        text = re.sub(r"^source:\s*", "", text, flags=re.I)
    return unmarkdown(text)


# --------------------------------------------------------------------------- metadata line
class Meta(NamedTuple):
    """The fields of a card's metadata line (``PMC · DOI: 10.x/y · 2026-01-28``).

    Attributes:
        doi: the DOI as printed (``None`` when no DOI field was printed).
        date: the date as printed (``None`` when no date field was printed).
        others: the remaining fields as printed (``PMC``: the source database).
    """

    doi: str | None
    date: str | None
    others: tuple[str, ...]


_DATE_LIKE = re.compile(r"\d{4}(?:[-/.]\d{1,2}){0,2}")
_DOI_FIELD = re.compile(r"doi\s*:?\s*(?P<value>.*)", re.I)


def split_meta(text: str) -> Meta:
    """Split a metadata line into its fields by what each field looks like.

    Args:
        text: the line as printed.

    Returns:
        A :class:`Meta`; field order on the line does not matter.
    """
    found_doi: str | None = None
    found_date: str | None = None
    others: list[str] = []
    for field in (f.strip() for f in text.split("\u00b7")):
        if not field:
            continue
        m = _DOI_FIELD.fullmatch(field)
        if m and found_doi is None:
            found_doi = m.group("value").strip()
        elif field.startswith("10.") and found_doi is None:
            found_doi = field
        elif _DATE_LIKE.fullmatch(field) and found_date is None:
            found_date = field
        else:
            others.append(field)
    return Meta(found_doi, found_date, tuple(others))


def card_doi(printed: str) -> str | None:
    """The DOI of a card's ``DOI:`` field, or ``None`` when it is not a DOI.

    Stricter than :func:`refparse.normalize.doi`: the whole field must be
    the DOI (a bare DOI or a doi.org link), not merely contain one.
    """
    return normalize_doi(printed, whole=True)


def iso_date(printed: str) -> tuple[int, int | None, int | None] | None:
    """Year, month and day of an ISO date (``2026-01-28``, ``2026-01``, ``2026``).

    Returns:
        ``(year, month, day)`` with ``None`` for parts not printed, or ``None``
        when the text is not a real calendar date (``2026-13-45``).
    """
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", printed.strip())
    if not m:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    assert year is not None  # the pattern requires it
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return year, month, day


# --------------------------------------------------------------------------- entities
class Entity(NamedTuple):
    """One linked entity: ``acute lymphoblastic leukemia (MONDO:0004967)``.

    Attributes:
        name: the entity as printed.
        identifier: a CURIE (``MONDO:0004967``, ``NCBIGene:930``), if printed.
        qualifier: other printed detail (``CD19 molecule``, ``human, species``).
    """

    name: str
    identifier: str | None = None
    qualifier: str | None = None

    def keyword(self) -> str:
        """The keyword form refparse exports: ``MONDO:0004967 acute lymphoblastic leukemia``."""
        return f"{self.identifier} {self.name}" if self.identifier else self.name


_CURIE = re.compile(r"[A-Za-z][A-Za-z0-9_.]*:[A-Za-z0-9_.:-]+")
#: Bracketed identifiers the cards print in words, and their CURIE prefixes.
_WORDED_IDS = {"ncbi gene": "NCBIGene", "taxon": "NCBITaxon", "ncbi taxon": "NCBITaxon"}
_WORDED = re.compile(r"(?P<prefix>[A-Za-z]+(?: [A-Za-z]+)*)\s+(?P<local>\d+)")  # words: one way to split
_ENTITY = re.compile(
    r"(?P<name>.+?)(?:\s*\((?P<paren>[^()]*)\))?(?:\s*\[(?P<bracket>[^\[\]]*)\])?(?:\s*\{(?P<aka>[^{}]*)\})?"
)
_OPEN, _CLOSE = "([{", ")]}"
#: Longest list item read as a named entity; a longer one is kept whole as text. Why:
#: the entity pattern's lazy name takes time quadratic in the item's length.
MAX_ENTITY = 1_000


def _identifier(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip()
    if _CURIE.fullmatch(text):
        return text
    m = _WORDED.fullmatch(text)
    if m and m.group("prefix").casefold() in _WORDED_IDS:
        return f"{_WORDED_IDS[m.group('prefix').casefold()]}:{m.group('local')}"
    return None


def split_top_level(text: str) -> list[str]:
    """Split a list at ``, `` outside brackets (``Homo sapiens (human, species)`` stays whole).

    A comma not followed by a space is part of a name (``1,2-dichloroethane``).
    """
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0 and text[i + 1 : i + 2].isspace():
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [item.strip() for item in items if item.strip()]


def parse_entities(text: str) -> list[Entity]:
    """Entities of one linked-entities bullet, without its ``**Label:**``.

    Args:
        text: e.g. ``acute lymphoblastic leukemia (MONDO:0004967), CD19 (CD19 molecule)``.

    Returns:
        The entities in order; identifiers as CURIEs where one was printed.
    """
    out = []
    for item in split_top_level(text):
        m = _ENTITY.fullmatch(item) if len(item) <= MAX_ENTITY else None
        if not m:  # unbalanced brackets, or too long to be a name: keep the text whole
            out.append(Entity(item))
            continue
        paren, bracket = m.group("paren"), m.group("bracket")
        identifier = _identifier(paren) or _identifier(bracket)
        qualifiers = [q.strip() for q in (paren, bracket) if q and _identifier(q) is None and q.strip()]
        out.append(Entity(m.group("name").strip(), identifier, "; ".join(qualifiers) or None))
    return out


_LABELLED = re.compile(r"(?P<label>[^:(\[{]{1,60}):\s*(?P<rest>.*)")


def split_label(text: str) -> tuple[str | None, str]:
    """``(label, rest)`` of a bullet such as ``Diseases: a (X:1), b (X:2)``.

    Strong markers must already be removed (:func:`unmarkdown`).
    """
    m = _LABELLED.fullmatch(text)
    if not m:
        return None, text
    return m.group("label").strip(), m.group("rest").strip()


# --------------------------------------------------------------------------- registry
class Registration(NamedTuple):
    """A trial or review registration printed after an abstract."""

    identifier: str
    url: str | None


_REGISTRATION = re.compile(
    r"(?:(?P<label>[^:]{1,60}?):\s*)?(?P<url>https?://\S+?)[,;]?\s+identifiers?:?\s+(?P<id>[A-Za-z0-9][\w./-]*?)\.?"
)


def registration(text: str) -> Registration | None:
    """The registration in a line such as ``https://.../CRD420251110522, identifier CRD420251110522``.

    Args:
        text: one line of an abstract section.

    Returns:
        The :class:`Registration`, or ``None`` when the line is ordinary text.
    """
    m = _REGISTRATION.fullmatch(text.strip())
    if not m:
        return None
    return Registration(m.group("id"), m.group("url").rstrip(".,;"))


#: A PubMed Central id inside a URL (``https://…/paper/PMC12891086``).
PMCID_IN_URL = re.compile(r"(?<![A-Za-z0-9])PMC\d{4,9}(?!\d)", re.I)
