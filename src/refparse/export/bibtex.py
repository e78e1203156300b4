"""BibTeX and BibLaTeX, the formats LaTeX, biber and most reference managers read.

Choices worth knowing:

* entry types follow the CSL type: ``@article``, ``@inproceedings``, ``@book``,
  ``@incollection``, ``@techreport``, ``@phdthesis`` (``@mastersthesis`` when
  the genre says so), else ``@misc`` (BibLaTeX: ``@online``, ``@dataset``,
  ``@software`` where they exist);
* names are ``von Last, Jr, First``: ``van der Sluis, I. M.``; et al. is
  ``and others`` (bibtex's styles and biber print "et al.", pandoc reads it
  as et al.); an organization is one braced name, ``{{World Health
  Organization}}``; name parts that BibTeX would split wrongly (commas, the
  word "and", spaces or hyphens in a family name) are braced;
* an entry with a particle gets ``options = {useprefix=true}``: biblatex,
  biber and pandoc then cite "van der Sluis", as CSL-JSON's
  ``non-dropping-particle`` does, not "Sluis" (classic styles ignore the
  field and print the particle anyway);
* ``journal`` is the full journal title when refparse knows it, else the
  journal as printed; the printed abbreviation is also kept as
  ``shortjournal`` when it differs;
* ``pages = {875--891}``; an article number without pages becomes ``pages``
  (BibLaTeX: ``eid``); ``month = jun`` as the standard macro (BibLaTeX:
  ``date = {2024-06-13}``);
* bibliographic text without a field (a conference session, an access
  date) goes to ``note``; what refparse has to say — a reference it could
  not fully parse, text no field took, warnings — goes to fields no style
  prints (``refparse-status``, ``refparse-unplaced``, ``refparse-warnings``)
  with the raw text in ``refparse-raw``; ``annotate`` also writes it into
  ``note``;
* every value goes through :mod:`refparse.export.latex`, so hostile text
  prints literally; words with capitals are braced (``{B}-cell``) so styles
  cannot re-case them (``BibtexOptions.protect_case``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Citation, Organization, Person
from .common import Findings, findings, flatten
from .csljson import csl_given
from .keys import make_keys
from .latex import escape, protect_case

#: Standard BibTeX month macros (``month = jun``), index 1-12.
MONTHS = ("", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_TYPES = {
    "article-journal": "article",
    "paper-conference": "inproceedings",
    "book": "book",
    "chapter": "incollection",
    "report": "techreport",
    "thesis": "phdthesis",
}
_BIBLATEX_TYPES = {**_TYPES, "webpage": "online", "dataset": "dataset", "software": "software"}

#: Fields readers take verbatim (not LaTeX): only characters that cannot end
#: the field or break a URL are changed (percent-encoded).
VERBATIM = frozenset({"doi", "url"})
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f{}\\\"<>^`|\u2028\u2029]")
_URL_UNSAFE_ASCII = re.compile(r"[^\x21-\x7e]|[{}\\\"<>^`|]")
_PLAIN_WORD = re.compile(r"[^\W\d_][\w'.]*")
_AND = re.compile(r"(?i)(?:^|\s)and(?:\s|$)")
_SHORT_ESCAPE = re.compile(r"\\[%#&$_]")
_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


@dataclass(frozen=True)
class BibtexOptions:
    r"""Options for BibTeX/BibLaTeX output.

    Attributes:
        ascii: encode non-ASCII characters as LaTeX (``Fo{\`a}``) for
            classic BibTeX; the default is Unicode, for biber.
        biblatex: write BibLaTeX fields (``journaltitle``, ``date``,
            ``location``, ``eprint``) instead of classic BibTeX ones.
        protect_case: brace words with capitals in titles.
        annotate: also write refparse's diagnostics into ``note``, which
            styles print (they are always in the ``refparse-*`` fields).
    """

    ascii: bool = False
    biblatex: bool = False
    protect_case: bool = True
    annotate: bool = False


@dataclass(frozen=True)
class BibField:
    """One field: what is written and what a LaTeX reader must read back.

    Attributes:
        name: the field name.
        latex: the value as written, without the enclosing braces.
        text: the plain text the value stands for (the round-trip target).
        braced: ``False`` for a bare macro such as ``month = jun``.
    """

    name: str
    latex: str
    text: str
    braced: bool = True


@dataclass(frozen=True)
class BibEntry:
    """One entry: its type, key and fields, in writing order."""

    entry_type: str
    key: str
    fields: tuple[BibField, ...]

    def render(self) -> str:
        """The entry as BibTeX text, ending with a newline."""
        lines = [f"@{self.entry_type}{{{self.key},"]
        width = max((len(f.name) for f in self.fields), default=0)
        for f in self.fields:
            value = f"{{{f.latex}}}" if f.braced else f.latex
            lines.append(f"  {f.name.ljust(width)} = {value},")
        lines.append("}")
        return "\n".join(lines) + "\n"


def entry_type(c: Citation, options: BibtexOptions) -> str:
    """The BibTeX entry type for a citation's CSL type."""
    if c.type == "thesis" and c.genre and "master" in c.genre.lower():
        return "mastersthesis"
    return (_BIBLATEX_TYPES if options.biblatex else _TYPES).get(c.type, "misc")


def verbatim(value: str, ascii: bool = False) -> str:
    r"""A DOI or URL with the characters that could end the field percent-encoded.

    Why: readers take ``doi`` and ``url`` verbatim (LaTeX escapes would become
    part of the link), and ``{ } \`` and spaces are not legal in a URL anyway.
    With ``ascii``, non-ASCII characters are percent-encoded as UTF-8 too.
    """
    unsafe = _URL_UNSAFE_ASCII if ascii else _URL_UNSAFE
    return unsafe.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), flatten(value))


def _name_part(text: str, ascii: bool) -> str:
    r"""A name part escaped, one-character escapes braced (``{\&}``).

    Why: bibtexparser's splitter skips the character after a backslash
    without ending the word, so ``\& and`` would swallow the ``\&``.
    """
    return _SHORT_ESCAPE.sub(r"{\g<0>}", escape(text, ascii))


def _name(name: Person | Organization, ascii: bool) -> tuple[str, str]:
    """One name as (latex, text) in BibTeX's ``von Last, Jr, First`` form.

    Parts BibTeX would split wrongly are braced. A brace group never starts
    with ``{}`` here: biber computes initials from a name's first group and
    would write an unbalanced ``familyi={}...}`` into the ``.bbl``.
    """
    if isinstance(name, Organization):
        return "{" + _name_part(name.name, ascii) + "}", flatten(name.name)
    particle, family_text = flatten(name.particle or ""), flatten(name.family)
    family = _name_part(family_text, ascii)
    von = _name_part(particle, ascii) if particle else ""
    if "," in particle + family_text or _AND.search(f"{particle} {family_text}"):
        # a comma or the word "and" would split the name (case-insensitively); and
        # biber miscounts the commas of "von {Last, x}, {First, y}": one group for both
        last = "{" + " ".join(p for p in (von, family) if p) + "}"
    else:
        if not _PLAIN_WORD.fullmatch(family_text) or family_text.lower() == "others":
            family = "{" + family + "}"
        last = " ".join(p for p in (von, family) if p)
    latex_parts = [last]
    text_parts = [" ".join(p for p in (particle, family_text) if p)]
    given = csl_given(name)
    given = given if given and flatten(given) else None
    suffix = name.suffix if name.suffix and flatten(name.suffix) else None
    for part in (suffix, given) if suffix else (given,):
        if part is None:
            continue
        latex = _name_part(part, ascii)
        latex_parts.append("{" + latex + "}" if "," in part or _AND.search(part) else latex)
        text_parts.append(flatten(part))
    if suffix and not given:
        latex_parts.append("")
        text_parts.append("")
    return ", ".join(latex_parts).rstrip(), ", ".join(text_parts).rstrip()


class _Fields:
    """Collects one entry's fields, escaping each value once."""

    def __init__(self, options: BibtexOptions) -> None:
        self.options = options
        self.items: list[BibField] = []
        self.notes: list[str] = []

    def add(self, name: str, value: str | None, title: bool = False) -> None:
        if value is None or not flatten(value):
            return
        if name in VERBATIM:
            link = verbatim(value, self.options.ascii)
            self.items.append(BibField(name, link, link))
            return
        ascii = self.options.ascii
        latex = protect_case(value, ascii) if title and self.options.protect_case else escape(value, ascii)
        self.items.append(BibField(name, latex, flatten(value)))

    def names(self, name: str, names: Sequence[Person | Organization], et_al: bool) -> None:
        pairs = [_name(n, self.options.ascii) for n in names]
        if et_al:
            pairs.append(("others", "others"))
        if pairs:
            self.items.append(BibField(name, " and ".join(p[0] for p in pairs), " and ".join(p[1] for p in pairs)))

    def raw(self, name: str, latex: str, text: str, braced: bool = True) -> None:
        self.items.append(BibField(name, latex, text, braced))


def _container(c: Citation, etype: str, f: _Fields) -> None:
    full = c.container_title_full or c.container_title
    if etype == "article":
        f.add("journaltitle" if f.options.biblatex else "journal", full)
        if c.container_title and c.container_title != full:
            f.add("shortjournal", c.container_title)
    elif etype in ("incollection", "inproceedings"):
        event = c.event.title if c.event else None
        f.add("booktitle", full or (None if f.options.biblatex else event))
        if f.options.biblatex:
            f.add("eventtitle", event)
        elif full and event:
            f.notes.append(f"Presented at {event}")
    elif etype in ("book", "techreport"):
        f.add("series", full)
    else:
        f.add("howpublished", full)


def _date(c: Citation, f: _Fields) -> None:
    d = c.date
    if d is None:
        return
    month = d.month if d.month and d.month <= 12 else None
    if f.options.biblatex:
        iso = f"{d.year:04d}"
        if d.month:  # EDTF seasons 21-24 for months 13-16
            iso += f"-{month:02d}" if month else f"-{d.month + 8:02d}"
            if month and d.day:
                iso += f"-{d.day:02d}"
        f.raw("date", iso, iso)
        return
    f.raw("year", str(d.year), str(d.year))
    if month:
        f.raw("month", MONTHS[month], MONTHS[month], braced=False)


def _pages(c: Citation, f: _Fields) -> None:
    ascii = f.options.ascii
    first, last = (flatten(p or "") for p in ((c.pages.first, c.pages.last) if c.pages else ("", "")))
    if first and last:  # "--" is the en dash a LaTeX reader prints
        f.raw("pages", f"{escape(first, ascii)}--{escape(last, ascii)}", f"{first}\u2013{last}")
    elif first:
        f.add("pages", first)
    if c.article_number:
        f.add("pages" if not (c.pages or f.options.biblatex) else "eid", c.article_number)


def _publisher(c: Citation, etype: str, f: _Fields) -> None:
    bl = f.options.biblatex
    who = {"techreport": "institution", "phdthesis": "school", "mastersthesis": "school"}.get(etype, "publisher")
    f.add("institution" if bl and who == "school" else who, c.publisher)
    place = c.publisher_place
    if etype == "inproceedings" and c.event and c.event.place:
        if bl:
            f.add("venue", c.event.place)
        else:
            place = place or c.event.place
    f.add("location" if bl else "address", place)


def _identifiers(c: Citation, f: _Fields) -> None:
    f.add("doi", c.doi)
    f.add("pmid", c.pmid)
    if f.options.biblatex and c.pmid:
        f.add("eprint", c.pmid)
        f.add("eprinttype", "pubmed")
    f.add("pmcid", c.pmcid)
    f.add("isbn", c.isbn)
    f.add("url", c.url)
    if c.accessed and f.options.biblatex and _ISO_DATE.fullmatch(c.accessed.strip()):
        f.add("urldate", c.accessed.strip())
    elif c.accessed:
        f.notes.append(f"Accessed {c.accessed}")


def bibtex_entry(c: Citation, key: str, options: BibtexOptions | None = None) -> BibEntry:
    """One citation as a BibTeX entry.

    Args:
        c: the citation.
        key: its citation key (see :func:`refparse.export.keys.make_keys`).
        options: output options.

    Returns:
        The entry, its fields in writing order.
    """
    opts = options or BibtexOptions()
    etype = entry_type(c, opts)
    f = _Fields(opts)
    f.names("author", c.authors, c.et_al)
    f.names("editor", c.editors, c.editors_et_al)
    f.add("title", c.title, title=True)
    _container(c, etype, f)
    _date(c, f)
    f.add("volume", c.volume)
    f.add("number", c.issue)
    _pages(c, f)
    f.add("edition", c.edition)
    _publisher(c, etype, f)
    f.add("type", c.genre)
    _identifiers(c, f)
    f.add("abstract", c.abstract)
    f.add("keywords", ", ".join(c.keywords) if c.keywords else None)
    if c.event and c.event.date:
        f.notes.append(c.event.date)
    if c.event and c.event.session:
        f.notes.append(c.event.session)
    found = findings(c)
    notes = [n for n in (found.note, *f.notes, found.annotation() if opts.annotate else None) if n]
    f.add("note", "; ".join(notes) if notes else None)
    if any(isinstance(n, Person) and n.particle for n in (*c.authors, *c.editors)):
        f.raw("options", "useprefix=true", "useprefix=true")
    _findings(found, f)
    return BibEntry(etype, key, tuple(f.items))


def _findings(found: Findings, f: _Fields) -> None:
    """Refparse's diagnostics in fields no style prints (BibTeX and biber ignore unknown fields)."""
    if not found:
        return
    f.add("refparse-status", found.status)
    f.add("refparse-unplaced", found.unplaced)
    f.add("refparse-warnings", "; ".join(f"{code}: {message}" for code, message in found.warnings) or None)
    f.add("refparse-raw", found.raw)


def bibtex_entries(citations: Sequence[Citation], options: BibtexOptions | None = None) -> list[BibEntry]:
    """The entries of one file, keys unique among them."""
    keys = make_keys(citations)
    return [bibtex_entry(c, k, options) for c, k in zip(citations, keys, strict=True)]


def to_bibtex(citations: Sequence[Citation], options: BibtexOptions | None = None) -> str:
    """Citations as a BibTeX (or BibLaTeX) file.

    Why: LaTeX users cite from ``.bib`` files; every reference goes in,
    including recovered ones (their raw text in ``note``), so nothing is lost.

    Args:
        citations: the citations, in order.
        options: output options (Unicode BibTeX by default).

    Returns:
        The ``.bib`` text: entries separated by blank lines.
    """
    return "\n".join(e.render() for e in bibtex_entries(citations, options))
