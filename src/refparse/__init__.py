"""refparse — reference lists copied from journal pages into exact citations.

The public API, one verb per stage::

    import refparse
    result = refparse.parse(text)                 # read, split, parse, assemble
    print(refparse.to_csl_json(result.citations))

Names are imported on first use (PEP 562), so ``import refparse`` is cheap and
a command that needs one stage does not pay for all of them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS = {
    "RefparseError": "refparse.errors",
    "InputError": "refparse.errors",
    "InputTooLargeError": "refparse.errors",
    "ParseError": "refparse.errors",
    "OptionError": "refparse.errors",
    "ExportError": "refparse.errors",
    "EnrichError": "refparse.errors",
    "CacheError": "refparse.errors",
    "ClusterError": "refparse.errors",
    "Citation": "refparse.models",
    "Diagnostic": "refparse.models",
    "Event": "refparse.models",
    "Failure": "refparse.models",
    "Match": "refparse.models",
    "Organization": "refparse.models",
    "Pages": "refparse.models",
    "ParseResult": "refparse.models",
    "Person": "refparse.models",
    "PubDate": "refparse.models",
    "Span": "refparse.models",
    "decode": "refparse.read",
    "parse": "refparse.pipeline",
    "CitationStream": "refparse.pipeline",
    "parse_cards": "refparse.cards",
    "detect_format": "refparse.detect",
    "parse_any": "refparse.detect",
    "CslJsonOptions": "refparse.export.csljson",
    "to_csl_json": "refparse.export.csljson",
    # The registry's export(citations, fmt) is refparse.export.export: the
    # subpackage owns the name "export".
    "FORMATS": "refparse.export",
    "BibtexOptions": "refparse.export.bibtex",
    "to_bibtex": "refparse.export.bibtex",
    "RisOptions": "refparse.export.ris",
    "to_ris": "refparse.export.ris",
    "JsonlOptions": "refparse.export.jsonl",
    "to_jsonl": "refparse.export.jsonl",
    "TextOptions": "refparse.export.text",
    "to_text": "refparse.export.text",
    # Crossref (imports requests on first use). The function is
    # refparse.enrich.enrich: the subpackage owns the name "enrich".
    "EnrichOptions": "refparse.enrich",
    "verify": "refparse.enrich",
    # Checking references against Crossref (imports requests on first use).
    "check": "refparse.checks",
    "CheckOptions": "refparse.checks",
    "CheckResult": "refparse.checks",
}

#: Subpackages reachable as attributes (``refparse.export.export(...)``)
#: without importing them first, as users expect of a package.
_SUBPACKAGES = ("batch", "checks", "enrich", "export")

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return import_module(f"refparse.{name}")  # the import binds it in this namespace
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'refparse' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, *_SUBPACKAGES])


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .cards import parse_cards
    from .checks import CheckOptions, CheckResult, check
    from .detect import detect_format, parse_any
    from .enrich import EnrichOptions, verify
    from .errors import (
        CacheError,
        ClusterError,
        EnrichError,
        ExportError,
        InputError,
        InputTooLargeError,
        OptionError,
        ParseError,
        RefparseError,
    )
    from .export import FORMATS
    from .export.bibtex import BibtexOptions, to_bibtex
    from .export.csljson import CslJsonOptions, to_csl_json
    from .export.jsonl import JsonlOptions, to_jsonl
    from .export.ris import RisOptions, to_ris
    from .export.text import TextOptions, to_text
    from .models import (
        Citation,
        Diagnostic,
        Event,
        Failure,
        Match,
        Organization,
        Pages,
        ParseResult,
        Person,
        PubDate,
        Span,
    )
    from .pipeline import CitationStream, parse
    from .read import decode
