"""refparse — reference lists copied from journal pages into exact citations.

The public API, one verb per stage::

    import refparse
    result = refparse.parse(text)            # read, split, parse, assemble
    print(refparse.to_csl_json(result.citations))
"""

from .errors import (
    CacheError,
    EnrichError,
    ExportError,
    InputError,
    InputTooLargeError,
    OptionError,
    ParseError,
    RefparseError,
)
from .export.csljson import CslJsonOptions, to_csl_json
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
from .cards import parse_cards
from .detect import detect_format, parse_any
from .pipeline import parse
from .read import decode

__version__ = "0.1.0"

__all__ = [
    "CacheError",
    "Citation",
    "CslJsonOptions",
    "Diagnostic",
    "EnrichError",
    "Event",
    "ExportError",
    "Failure",
    "InputError",
    "InputTooLargeError",
    "Match",
    "OptionError",
    "Organization",
    "Pages",
    "ParseError",
    "ParseResult",
    "Person",
    "PubDate",
    "Span",
    "decode",
    "detect_format",
    "parse_any",
    "parse_cards",
    "parse",
    "to_csl_json",
    "__version__",
]
