"""The pipeline: read → split → lex → parse → assemble → validate.

:func:`parse` reads like the stages it calls; :class:`CitationStream` is the
streaming form the batch converter uses so that memory stays flat however
long the list is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from lark.exceptions import UnexpectedToken

from . import lexer
from .assemble import assemble
from .grammar import parse_tokens
from .models import Citation, Diagnostic, ParseResult
from .read import Line, iter_lines
from .recover import recover
from .split import Block, DocumentStream

_NO_SPACE_BEFORE = re.compile(r"^[,.;:)\]?!]")
_NO_SPACE_AFTER = re.compile(r"[(\[]$")


def flatten(lines: Sequence[Line]) -> str:
    """A reference's lines joined as the page displays them (one line of text)."""
    out = ""
    for line in lines:
        text = line.text
        if out and not _NO_SPACE_BEFORE.match(text) and not _NO_SPACE_AFTER.search(out) and not (
            text[0] in "-\u2013" or out[-1] in "-\u2013"
        ):
            out += " "
        out += text
    return out


def _reason(e: UnexpectedToken) -> str:
    token = e.token
    if token.type == "$END":
        return "the reference ends too early"
    expected = ", ".join(sorted(e.expected)[:6])
    return f"unexpected {token.type.lower()} {str(token)!r} at line {token.line} (expected {expected})"


def parse_block(block: Block) -> Citation:
    """Parse one reference block into a citation (never raises for bad text).

    Args:
        block: a numbered reference from :class:`refparse.split.DocumentStream`.

    Returns:
        The citation; ``status="recovered"`` with a ``grammar`` warning when
        the grammar rejected some or all of it.
    """
    tokens = list(lexer.tokens(block.lines))
    start, end = block.span
    warnings: list[dict[str, Any]] = []
    status = "parsed"
    try:
        children, errors = parse_tokens(tokens)
        fields, warnings = assemble(children)
        for e in errors:
            warnings.append({"code": "grammar", "message": "skipped: " + _reason(e), "line": e.token.line})
        if errors:
            status = "recovered"
    except UnexpectedToken as e:
        fields = recover(tokens)
        warnings = [{"code": "grammar", "message": "not parsed: " + _reason(e), "line": e.token.line or start}]
        status = "recovered"
    if not tokens:
        warnings = [{"code": "empty", "message": "the reference has no text", "line": start}]
        status = "recovered"
    return Citation.model_validate(
        {
            **fields,
            "number": block.number,
            "raw": flatten(block.lines),
            "span": {"start": start, "end": end},
            "status": status,
            "warnings": tuple(Diagnostic(**w) for w in warnings),
        }
    )


class CitationStream:
    """Citations of one input, parsed one reference at a time.

    Iterate it for the citations; afterwards :meth:`result` gives the
    document-level parts (preface, noise, warnings) without the citations
    having been held in memory.

    Example::

        with open("page.txt", encoding="utf-8") as f:
            stream = CitationStream(f)
            for citation in stream:
                write(citation)
    """

    def __init__(self, source: str | Iterable[str]) -> None:
        self._document = DocumentStream(iter_lines(source))
        self.count = 0

    def __iter__(self) -> Iterator[Citation]:
        for block in self._document:
            self.count += 1
            yield parse_block(block)

    def result(self, citations: tuple[Citation, ...] = ()) -> ParseResult:
        """The document's result; pass the citations to include them."""
        warnings = []
        if not self.count:
            warnings.append(Diagnostic(code="no-references", message="no numbered references found"))
        return ParseResult(
            citations=citations,
            preface=" ".join(line.text for line in self._document.preface) or None,
            noise=tuple(line.text for line in self._document.noise),
            format="linebroken",
            warnings=tuple(warnings),
        )


def parse(text: str | Iterable[str]) -> ParseResult:
    """Parse a page in the line-broken format into citations.

    Args:
        text: the whole page (preface, numbered references, page furniture),
            as a string or an iterable of lines.

    Returns:
        A :class:`ParseResult` with one citation per reference, in order.
    """
    stream = CitationStream(text)
    return stream.result(tuple(stream))
