"""Formatted bibliographies: citations rendered in a CSL style by citeproc-py.

The styles ship with refparse in ``styles/`` (CC BY-SA 3.0, from the CSL
project; see ``styles/README.md``): ``vancouver``, ``ama``, ``apa``,
``chicago-author-date``, ``ieee`` and ``nature``. A path to any other
independent ``.csl`` file works too.

Items are the CSL-JSON items of :mod:`refparse.export.csljson`, adapted to
what citeproc-py reads (``event-title`` is its ``event``). CSL has no way to
say "the printed list was truncated", so an et-al citation gets a placeholder
last author that is replaced by "et al." after rendering (``Gupta S, Rau RE,
Kairalla JA, et al.``), whatever the style's delimiters: unlike the CSL-JSON
a user renders elsewhere, no style's "and" or "&" lands before it. A
reference the grammar rejected is printed as it was printed on the page (its
raw text, after the style's number), not as a style rendering of the few
fields that were certain; ``annotate`` appends refparse's diagnostics in
brackets instead. Each entry is one line: values are flattened, so a newline
in a title cannot fake a second entry.
"""

from __future__ import annotations

import importlib.util
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree

from ..errors import ExportError, OptionError
from ..models import Citation
from .common import findings, flatten
from .csljson import ET_AL, to_csl_item

#: Style names and the shipped file each one uses.
STYLES = {
    "vancouver": "nlm-citation-sequence.csl",
    "ama": "american-medical-association.csl",
    "apa": "apa.csl",
    "chicago-author-date": "chicago-author-date.csl",
    "ieee": "ieee.csl",
    "nature": "nature.csl",
}
#: Other names people use for the same styles.
ALIASES = {
    "nlm": "vancouver",
    "nlm-citation-sequence": "vancouver",
    "american-medical-association": "ama",
    "chicago": "chicago-author-date",
}

_CSL_NS = "http://purl.org/net/xbiblio/csl"
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z]{2,4})?")

#: Placeholder author standing for "et al." (private-use characters: no style
#: can change their case, and no real name contains them).
_ETAL = "\ue000\ue001"
_UNSUPPORTED = ("custom", "citation-number", "note")
#: citeproc-py's HTML formatter escapes the style's own text but not the
#: data: ``<script>`` in a title would come out as a tag. Data characters
#: that mean something in HTML travel as private-use placeholders, which no
#: text-case transform touches, and become entities after rendering.
_HTML_IN = {ord("&"): "\ue010", ord("<"): "\ue011", ord(">"): "\ue012", ord('"'): "\ue013"}
_HTML_OUT = {0xE010: "&amp;", 0xE011: "&lt;", 0xE012: "&gt;", 0xE013: "&quot;"}
#: A range of e-locators (``e24-e34``, ``579e1-579e10``) travels with this
#: placeholder dash: citeproc-py would abbreviate it character by character
#: (``579e1-0``); CSL abbreviates numeric ranges only.
_RANGE = "\ue002"
#: Our placeholders never come from the data.
_RESERVED = {cp: None for cp in (0xE000, 0xE001, 0xE002, *_HTML_OUT)}
#: Punctuation doubled where a style's period follows a title's own ending.
_DOUBLED = re.compile(r"(?<=[?!])\.(?=\s|$)|(?<![.])\.(?=\.(?:\s|$))")


@dataclass(frozen=True)
class TextOptions:
    """Options for a formatted bibliography.

    Attributes:
        style: a shipped style name (see :data:`STYLES`) or a path to a
            ``.csl`` file.
        format: ``plain`` text or ``html`` (one entry per line either way).
        locale: a CSL locale such as ``en-GB``; default: the style's own.
        annotate: follow an entry with refparse's diagnostics in brackets
            (a reference not fully parsed, text no field took, warnings).
    """

    style: str = "vancouver"
    format: Literal["plain", "html"] = "plain"
    locale: str | None = None
    annotate: bool = False

    def __post_init__(self) -> None:
        """Refuse a style or locale that cannot work before any input is read.

        Raises:
            OptionError: unknown style name; a ``.csl`` file that is not a CSL
                style; a locale citeproc-py has no terms for; a format other
                than plain or html.
        """
        if self.format not in ("plain", "html"):
            raise OptionError(f"unknown text format {self.format!r}; choose plain or html")
        check_style_file(style_path(self.style))
        if self.locale is not None:
            check_locale(self.locale)


def available_styles() -> list[str]:
    """The style names :class:`TextOptions` accepts, shipped ones first."""
    return sorted(STYLES) + sorted(ALIASES)


def style_path(style: str) -> Path:
    """The ``.csl`` file for a style name or path.

    Raises:
        OptionError: the name is neither a shipped style nor a ``.csl`` file.
    """
    name = ALIASES.get(style, style)
    if name in STYLES:
        return Path(str(resources.files("refparse.export") / "styles" / STYLES[name]))
    path = Path(style)
    if path.suffix == ".csl" and path.is_file():
        return path
    raise OptionError(f"unknown style {style!r}; choose one of {', '.join(available_styles())} or a .csl file")


def citeproc_item(c: Citation, index: int, html: bool = False) -> dict[str, Any]:
    """A CSL-JSON item in the dialect citeproc-py reads.

    Args:
        c: the citation.
        index: its position (for the item id).
        html: encode HTML-significant characters as placeholders.

    Returns:
        The item: flattened strings, ``event`` for ``event-title``, et al.
        as a placeholder author, no keys citeproc-py rejects.
    """
    item = to_csl_item(c, f"item{index}")
    for key in _UNSUPPORTED:
        item.pop(key, None)
    if "event-title" in item:
        item["event"] = item.pop("event-title")
    for role, et_al in (("author", c.et_al), ("editor", c.editors_et_al)):
        if role in item:
            names = [_flat(n, html) for n in item[role]]
            if et_al and names and names[-1] == ET_AL:
                names[-1] = {"literal": _ETAL}
            item[role] = names
    out = {k: v if k in ("id", "author", "editor") else _flat(v, html) for k, v in item.items()}
    if c.pages and c.pages.last and not (c.pages.first.isdigit() and c.pages.last.isdigit()):
        out["page"] = _flat(c.pages.first, html) + _RANGE + _flat(c.pages.last, html)
    return out


def _flat(value: Any, html: bool) -> Any:
    """Strings flattened to one line, placeholders reserved, HTML encoded."""
    if isinstance(value, str):
        text = flatten(value.translate(_RESERVED))
        return text.translate(_HTML_IN) if html else text
    if isinstance(value, dict):
        return {k: _flat(v, html) for k, v in value.items()}
    if isinstance(value, list):
        return [_flat(v, html) for v in value]
    return value


_TERMS = {"and": "and", "et-al": "et al.", "page-range-delimiter": "\u2013"}


def check_style_file(path: Path) -> None:
    """Raise :class:`OptionError` unless ``path`` holds a CSL style (XML, root ``style``).

    A cheap standard-library parse: a typo'd or truncated file is a usage error
    naming the file, not an internal error deep inside citeproc-py.
    """
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError) as e:
        raise OptionError(f"style file {str(path)!r} is not readable CSL: {e}") from e
    if root.tag != f"{{{_CSL_NS}}}style":
        raise OptionError(f"style file {str(path)!r} is not a CSL style (its root element is {root.tag!r})")


def check_locale(locale: str) -> None:
    """Raise :class:`OptionError` unless citeproc-py ships terms for ``locale``'s language.

    citeproc-py quietly falls back to US English for a locale it lacks; a user
    who asked for ``--locale xx-YY`` should hear about it.
    """
    if not _LOCALE.fullmatch(locale):
        raise OptionError(f"not a locale: {locale!r} (say en-GB, de-DE or fr)")
    known = _citeproc_locales()
    language = locale.split("-")[0].lower()
    if known and not any(k.lower() == locale.lower() or k.split("-")[0].lower() == language for k in known):
        raise OptionError(f"citeproc-py has no locale {locale!r}")


def _citeproc_locales() -> list[str]:
    """Locale names citeproc-py ships (empty when it cannot be found: then nothing is refused)."""
    spec = importlib.util.find_spec("citeproc")  # finds the package without importing lxml
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "locales"
    return [p.name[len("locales-"):-len(".xml")] for p in folder.glob("locales-*.xml")]


def _render(items: list[dict[str, Any]], options: TextOptions) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(item id, rendered entry) in the style's order, and the locale terms refparse needs."""
    from citeproc import (  # imported here: citeproc-py (and lxml) load only when used
        Citation as CpCitation,
    )
    from citeproc import (
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    path = style_path(options.style)
    fmt = {"plain": formatter.plain, "html": formatter.html}.get(options.format)
    if fmt is None:
        raise OptionError(f"unknown text format {options.format!r}; choose plain or html")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about every field it ignores
        try:
            style = CitationStylesStyle(str(path), locale=options.locale, validate=False)
            bibliography = CitationStylesBibliography(style, CiteProcJSON(items), fmt)
            for item in items:
                bibliography.register(CpCitation([CitationItem(item["id"])]))
            bibliography.sort()  # the style's <sort>; numeric styles keep input order
            ids = [str(ref.key) for ref in bibliography.items]
            entries = [str(entry) for entry in bibliography.bibliography()]
            terms = {name: _term(style, name, default) for name, default in _TERMS.items()}
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ExportError(f"citeproc-py could not render style {options.style!r}: {e}") from e
    return list(zip(ids, entries, strict=True)), terms


def _term(style: Any, name: str, default: str) -> str:
    """A locale term of the style (``und`` for ``and`` in de-DE), or ``default``."""
    term = style.root.get_term(name)
    return str(term.text) if term is not None and term.text else default


def to_text(citations: Sequence[Citation], options: TextOptions | None = None) -> str:
    """Citations as a formatted bibliography, one entry per line.

    Why: people paste references into manuscripts; rendering the parsed
    fields in a journal's style is what AnyStyle and GROBID do not offer.

    Args:
        citations: the citations, in order (numeric styles number them so).
        options: style, output format and locale.

    Returns:
        The bibliography in the style's order, each entry ending with a newline.

    Raises:
        OptionError: unknown style or format.
        ExportError: citeproc-py failed on the style.
    """
    opts = options or TextOptions()
    html = opts.format == "html"
    items = [citeproc_item(c, i, html) for i, c in enumerate(citations)]
    by_id = {item["id"]: c for item, c in zip(items, citations, strict=True)}
    numeric = _numeric(style_path(opts.style))
    rendered, terms = _render(items, opts)
    # The placeholder with the delimiter and the "and" or "&" the style put before it. Written
    # so that a run of spaces is read once (each optional part starts with a non-space, and no
    # match starts inside a run): "\s*[,;]?\s*(and)?\s*" took time to the 4th power of the run.
    etal = re.compile(rf"(?<!\s)\s*(?:[,;]\s*)?(?:(?:&amp;|&|\b{re.escape(terms['and'])}\b)\s*)?{_ETAL}\.?")
    et_al = f", {terms['et-al']}".rstrip(".") + "."
    lines = []
    for position, (item_id, entry) in enumerate(rendered, start=1):
        entry = etal.sub(et_al, flatten(entry)).replace(_RANGE, terms["page-range-delimiter"])
        entry = _DOUBLED.sub("", entry).translate(_HTML_OUT)
        if numeric:  # citeproc-py glues the number to the text: "1.Gupta"
            entry = re.sub(rf"^(\[{position}\]|{position}\.)(?=\S)", r"\1 ", entry)
        entry = _diagnosed(entry, by_id[item_id], html, opts.annotate, position if numeric else None)
        lines.append(entry + "\n")
    return "".join(lines)


def _escaped(text: str, html: bool) -> str:
    text = flatten(text.translate(_RESERVED))
    return text.translate(_HTML_IN).translate(_HTML_OUT) if html else text


def _diagnosed(entry: str, c: Citation, html: bool, annotate: bool, number: int | None) -> str:
    """An entry as printed: the raw text for a reference not fully parsed, diagnostics when asked."""
    found = findings(c)
    if annotate:
        notes = []
        if found.status is not None:
            notes.append(f"{found.state()}; as printed: {_escaped(found.raw or '', html)}")
        if found.unplaced is not None:
            notes.append(f"not placed in a field: {_escaped(found.unplaced, html)}")
        notes += [_escaped(m, html) for m in found.other_warnings()]
        return entry + "".join(f" [refparse: {n}]" for n in notes)
    if found.status is None:
        return entry
    label = re.match(rf"\[{number}\] |{number}\. ", entry) if number is not None else None
    return (label.group() if label else "") + _escaped(c.raw, html)


def _numeric(path: Path) -> bool:
    """Whether a style numbers its entries (its info says citation-format numeric)."""
    head = path.read_text(encoding="utf-8")[:4000]
    return 'citation-format="numeric"' in head
