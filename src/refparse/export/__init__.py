"""Stage 6 — export: one module per output format, each with an options object.

:data:`FORMATS` names every format; :func:`export` is the one verb the CLI
and the library call::

    from refparse.export import export
    bib = export(result.citations, "bibtex", ascii=True)
    text = export(result.citations, "text", style="apa")

Options are the fields of the format's options dataclass (``BibtexOptions``,
``RisOptions``, ``JsonlOptions``, ``TextOptions``, ``CslJsonOptions``); an
unknown format, option or style raises :class:`refparse.errors.OptionError`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from ..errors import OptionError
from ..models import Citation
from .bibtex import BibtexOptions, to_bibtex
from .csljson import CslJsonOptions, to_csl_json
from .jsonl import JsonlOptions, to_jsonl
from .ris import RisOptions, to_ris
from .text import TextOptions, available_styles, to_text


@dataclass(frozen=True)
class ExportFormat:
    """One output format.

    Attributes:
        name: the name users pass (``--to NAME``).
        write: ``write(citations, options) -> str``.
        options: the options dataclass ``write`` takes.
        extension: the usual file extension, without the dot.
        description: one line for help texts.
    """

    name: str
    write: Callable[[Sequence[Citation], Any], str]
    options: type
    extension: str
    description: str


def _csljson(citations: Sequence[Citation], options: CslJsonOptions) -> str:
    """:func:`to_csl_json` for any sequence (it takes a list or a tuple)."""
    return to_csl_json(list(citations), options)


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("csljson", _csljson, CslJsonOptions, "json", "CSL-JSON for pandoc, citeproc and Zotero"),
        ExportFormat("bibtex", to_bibtex, BibtexOptions, "bib", "BibTeX or BibLaTeX for LaTeX and biber"),
        ExportFormat("ris", to_ris, RisOptions, "ris", "RIS for EndNote, Zotero and Mendeley"),
        ExportFormat("jsonl", to_jsonl, JsonlOptions, "jsonl", "JSON Lines, every model field, one citation a line"),
        ExportFormat("text", to_text, TextOptions, "txt", "a bibliography formatted in a CSL style"),
    )
}


def export(citations: Sequence[Citation], fmt: str, **options: Any) -> str:
    """Citations in one output format.

    Why: one entry point by name lets the CLI (``--to``) and callers pick a
    format without importing each module, and reject bad options early.

    Args:
        citations: the citations, in order.
        fmt: a key of :data:`FORMATS`.
        **options: fields of that format's options dataclass
            (``ascii=True``, ``style="apa"`` ...).

    Returns:
        The exported text.

    Raises:
        OptionError: unknown format, unknown option, or (text) unknown style.
    """
    spec = FORMATS.get(fmt)
    if spec is None:
        raise OptionError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    known = {f.name for f in fields(spec.options)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise OptionError(
            f"unknown option(s) for {fmt}: {', '.join(unknown)}; known: {', '.join(sorted(known)) or 'none'}"
        )
    return spec.write(list(citations), spec.options(**options))


__all__ = [
    "FORMATS",
    "BibtexOptions",
    "CslJsonOptions",
    "ExportFormat",
    "JsonlOptions",
    "RisOptions",
    "TextOptions",
    "available_styles",
    "export",
    "to_bibtex",
    "to_csl_json",
    "to_jsonl",
    "to_ris",
    "to_text",
]
