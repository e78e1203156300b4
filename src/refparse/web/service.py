"""What the page and the JSON API share: reading texts, counting, exporting, re-parsing.

Every front end calls the library the same way (the project's rule: one code
path): the page and ``POST /api/parse`` both read through :func:`read_source`,
and downloads and ``POST /api/export`` both write through :func:`export_as`.
Nothing here knows HTML or HTTP.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..detect import format_names, parse_any
from ..errors import InputError, OptionError
from ..models import Citation, ParseResult
from ..read import decode
from .store import Document, Source, is_flagged

#: A single reference's text read as a list of one: what the line-broken reader needs (a label line).
_LABELLED = "{number}.\n{raw}"


def source_from_upload(name: str, data: bytes) -> Source:
    """A source from an uploaded file's bytes, decoded by the library's one rule (BOM, UTF-8, cp1252)."""
    try:
        text, encoding = decode(data, source=name)
    except InputError as e:
        return Source(name=name, text="", error=str(e))
    return Source(name=name, text=text, encoding=encoding)


def read_source(source: Source) -> tuple[Citation, ...]:
    """Parse one source in its forced format or the detected one, recording how it went.

    Args:
        source: the text; its ``format``, ``error``, ``warnings`` and
            ``details`` are set from the parse.

    Returns:
        Its citations, in order (none when it could not be read).
    """
    if source.error and not source.text:  # it could not even be decoded
        return ()
    try:
        result = parse_any(source.text, source.forced, source.name)
    except InputError as e:
        source.format, source.error, source.warnings, source.details = "", str(e), (), ()
        return ()
    source.format, source.error = result.format, None
    source.warnings, source.details = result.warnings, describe(result)
    return result.citations


def describe(result: ParseResult) -> tuple[tuple[str, str], ...]:
    """Facts about the input beyond its format that the parse reports (its layout or style).

    Read by name, so that the page shows them as soon as the library records
    them, without a change here.
    """
    out = []
    for name in ("layout", "style"):
        value = getattr(result, name, None)
        if isinstance(value, str) and value:
            out.append((name, value))
    return tuple(out)


def read_document(doc: Document) -> None:
    """Parse every source of a document into its entries, then mark it ready (or failed)."""
    try:
        for k, source in enumerate(doc.sources):
            doc.replace_source(k, read_source(source))
        if not doc.entries:
            doc.error = "No references were found. " + " ".join(s.error or "" for s in doc.sources).strip()
        doc.state = "ready" if doc.entries else "failed"
    except Exception as e:  # a bug must end in a message on the page, not a page that reads forever
        # Only the error's type: its message could quote the pasted text, which is never logged.
        doc.state, doc.error = "failed", f"internal error ({type(e).__name__}); please report it"
        if os.environ.get("REFPARSE_DEBUG") == "1":
            raise
    finally:
        doc.ready.set()


def check_format(fmt: str | None) -> str | None:
    """``None`` for "detect", else a known input format name (blank means detect)."""
    if not fmt:
        return None
    if fmt not in format_names():
        raise OptionError(f"unknown input format {fmt!r} (known: {', '.join(format_names())})")
    return fmt


def reparse_one(raw: str, fmt: str | None, number: int | None) -> Citation:
    """One reference read again from its (edited) input text.

    The text is read as it is first (the reference's lines with their label,
    a card, or a layout with one reference per line); a text that reads as no
    reference is read again as reference ``number`` of a list (a line-broken
    list needs its label line).

    Raises:
        InputError: the text holds no reference, or more than one.
    """
    if not raw.strip():
        raise InputError("the raw text is empty")
    citations: tuple[Citation, ...] = ()
    with contextlib.suppress(InputError):
        citations = parse_any(raw, fmt).citations
    if not citations:
        citations = parse_any(_LABELLED.format(number=number or 1, raw=raw.strip()), fmt).citations
    if len(citations) != 1:
        raise InputError(f"the text reads as {len(citations)} references, not one")
    return citations[0].model_copy(update={"number": number})


@dataclass(frozen=True)
class Counts:
    """What the top of the review says."""

    references: int
    parsed: int
    flagged: int
    with_warnings: int
    by_status: dict[str, int] = field(default_factory=dict)
    edited: int = 0
    reviewed: int = 0


def count(citations: Sequence[Citation], edited: int = 0, reviewed: int = 0) -> Counts:
    """Counts of references by status, flagged ones (not a clean parse, or with warnings), edits, reviews."""
    statuses = Counter(c.status for c in citations)
    return Counts(
        references=len(citations),
        parsed=statuses.get("parsed", 0),
        flagged=sum(map(is_flagged, citations)),
        with_warnings=sum(1 for c in citations if c.warnings),
        by_status={str(k): v for k, v in statuses.items()},
        edited=edited,
        reviewed=reviewed,
    )


@dataclass(frozen=True)
class Download:
    """A file the page offers: an export format with options, its label, extension and media type."""

    name: str
    label: str
    format: str
    options: dict[str, Any]
    extension: str
    media_type: str


#: Labels and media types of the formats people know by name; other formats get their description.
_KNOWN = {
    "bibtex": ("BibTeX", "application/x-bibtex"),
    "biblatex": ("BibLaTeX", "application/x-bibtex"),
    "ris": ("RIS", "application/x-research-info-systems"),
    "csljson": ("CSL-JSON", "application/vnd.citationstyles.csl+json"),
    "jsonl": ("JSON Lines", "application/jsonl"),
    "text": ("Bibliography", "text/plain"),
}


def downloads() -> dict[str, Download]:
    """Every download by name: each export format, and BibLaTeX (BibTeX with its option); known ones first."""
    from ..export import FORMATS

    out: dict[str, Download] = {}
    for name, spec in sorted(FORMATS.items(), key=lambda kv: (list(_KNOWN).index(kv[0]) if kv[0] in _KNOWN else 99)):
        label, media = _KNOWN.get(name, (spec.description, "text/plain"))
        out[name] = Download(name, label, name, {}, spec.extension, media)
        if name == "bibtex":
            label, media = _KNOWN["biblatex"]
            out["biblatex"] = Download("biblatex", label, "bibtex", {"biblatex": True}, spec.extension, media)
    return out


def styles() -> list[str]:
    """The shipped bibliography styles, by name."""
    from ..export.text import STYLES

    return list(STYLES)


def export_as(
    citations: Sequence[Citation], kind: str, style: str | None = None, locale: str | None = None,
    ascii: bool = False,
) -> tuple[str, Download]:
    """Citations written as one of :func:`downloads`, through :func:`refparse.export.export`.

    Args:
        citations: what is on screen, edits included, in order.
        kind: a key of :func:`downloads`.
        style: the bibliography style (``text`` only; default vancouver).
        locale: a CSL locale (``text`` only).
        ascii: ASCII output where the format has the option (BibTeX, CSL-JSON, JSON Lines).

    Returns:
        The text and the download it is.

    Raises:
        OptionError: an unknown kind, style or locale, or an option the format does not take.
    """
    from ..export import export

    spec = downloads().get(kind)
    if spec is None:
        raise OptionError(f"unknown download {kind!r}; choose one of {', '.join(downloads())}")
    options = dict(spec.options)
    if spec.format == "text":
        if style and style not in styles():  # shipped styles only: a .csl path would read the server's files
            raise OptionError(f"unknown style {style!r}; choose one of {', '.join(styles())}")
        options["style"] = style or "vancouver"
        if locale:
            options["locale"] = locale
    elif style or locale:
        raise OptionError(f"a style or locale applies to the bibliography only, not to {spec.label}")
    if ascii:
        options["ascii"] = True
    return export(citations, spec.format, **options), spec
