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
from importlib import import_module
from os import PathLike
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from ..errors import OptionError

if TYPE_CHECKING:  # pragma: no cover
    from ..models import Citation
    from .bibtex import BibtexOptions, to_bibtex
    from .csljson import CslJsonOptions, to_csl_json
    from .jsonl import JsonlOptions, to_jsonl
    from .ris import RisOptions, to_ris
    from .text import TextOptions, available_styles, to_text


@dataclass(frozen=True)
class ExportFormat:
    """One output format; its module is imported only when it is used.

    Attributes:
        name: the name users pass (``--to NAME``).
        module: the module that writes it.
        writer: ``writer(citations, options) -> str`` in that module.
        options_class: the options dataclass in that module.
        extension: the usual file extension, without the dot.
        description: one line for help texts.
    """

    name: str
    module: str
    writer: str
    options_class: str
    extension: str
    description: str

    @property
    def write(self) -> Callable[[Sequence[Citation], Any], str]:
        """The writing function (imports the format's module)."""
        return getattr(import_module(self.module), self.writer)  # type: ignore[no-any-return]

    @property
    def options(self) -> type:
        """The options dataclass (imports the format's module)."""
        return getattr(import_module(self.module), self.options_class)  # type: ignore[no-any-return]


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("csljson", "refparse.export.csljson", "to_csl_json", "CslJsonOptions", "json",
                     "CSL-JSON for pandoc, citeproc and Zotero"),
        ExportFormat("bibtex", "refparse.export.bibtex", "to_bibtex", "BibtexOptions", "bib",
                     "BibTeX or BibLaTeX for LaTeX and biber"),
        ExportFormat("ris", "refparse.export.ris", "to_ris", "RisOptions", "ris",
                     "RIS for EndNote, Zotero and Mendeley"),
        ExportFormat("jsonl", "refparse.export.jsonl", "to_jsonl", "JsonlOptions", "jsonl",
                     "JSON Lines, every model field, one citation a line"),
        ExportFormat("text", "refparse.export.text", "to_text", "TextOptions", "txt",
                     "a bibliography formatted in a CSL style"),
    )
}

#: names importable from this package, and the module each lives in
_LAZY = {
    "BibtexOptions": "bibtex", "to_bibtex": "bibtex",
    "CslJsonOptions": "csljson", "to_csl_json": "csljson",
    "JsonlOptions": "jsonl", "to_jsonl": "jsonl",
    "RisOptions": "ris", "to_ris": "ris",
    "TextOptions": "text", "to_text": "text", "available_styles": "text",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'refparse.export' has no attribute {name!r}")
    return getattr(import_module(f"refparse.export.{module}"), name)


def format_for_path(path: str | PathLike[str]) -> str | None:
    """The format a file name's extension names (``refs.bib`` → ``bibtex``), or ``None``.

    Why: ``-o refs.bib`` without ``--to`` must write BibTeX, not CSL-JSON
    into a ``.bib``. The extensions are the formats' own (:data:`FORMATS`),
    compared without regard to case.
    """
    suffix = PurePath(path).suffix.lower().lstrip(".")
    return next((f.name for f in FORMATS.values() if f.extension == suffix), None) if suffix else None


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
    spec, opts = resolve(fmt, **options)
    return spec.write(list(citations), opts)


def resolve(fmt: str, **options: Any) -> tuple[ExportFormat, Any]:
    """A format and its options object, checked — the one place options are validated.

    Args:
        fmt: a key of :data:`FORMATS`.
        **options: fields of that format's options dataclass.

    Returns:
        ``(format, options instance)``.

    Raises:
        OptionError: unknown format, an option the format does not have (the
            message names the option, as ``--ascii does not apply to ris``),
            or a value the options class refuses.
    """
    spec = FORMATS.get(fmt)
    if spec is None:
        raise OptionError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    known = {f.name for f in fields(spec.options)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise OptionError(
            f"unknown option(s) for {fmt}: {', '.join(unknown)} does not apply to --to {fmt} "
            f"(known: {', '.join(sorted(known)) or 'none'})"
        )
    try:
        return spec, spec.options(**options)
    except (TypeError, ValueError) as e:
        raise OptionError(f"bad option for --to {fmt}: {e}") from e


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
    "format_for_path",
    "resolve",
    "to_bibtex",
    "to_csl_json",
    "to_jsonl",
    "to_ris",
    "to_text",
]
