"""The pipeline: read → split → lex → parse → assemble → validate.

:func:`parse` reads like the stages it calls; :class:`CitationStream` is the
streaming form the batch converter uses so that memory stays flat however
long the list is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from . import lexer
from .fill import fill
from .models import Citation, Diagnostic, ParseResult, Span
from .parts import Plan
from .plans import plan_for, unexpected
from .read import Line, iter_lines
from .split import Block, DocumentStream

#: ``Citation.model_validate`` without its Python wrapper (this runs once per reference).
_CITATION: Callable[[dict[str, Any]], Citation] = Citation.__pydantic_validator__.validate_python
_NO_SPACE_BEFORE = frozenset(",.;:)]?!-\u2013")
_NO_SPACE_AFTER = frozenset("([-\u2013")


def flatten(lines: Sequence[Line]) -> str:
    """A reference's lines joined as the page displays them (one line of text).

    No space before closing marks or after opening ones, none around range
    dashes: ``392 (9): 875-891``.
    """
    out: list[str] = []
    last = "("
    for _, text in lines:
        if not text:
            continue
        if text[0] not in _NO_SPACE_BEFORE and last not in _NO_SPACE_AFTER:
            out.append(" ")
        out.append(text)
        last = text[-1]
    return "".join(out)


def parse_block(block: Block) -> Citation:
    """Parse one reference block into a citation; never raises.

    Args:
        block: a numbered reference from :class:`refparse.split.DocumentStream`.

    Returns:
        The citation; ``status="recovered"`` with a ``grammar`` warning when
        the grammar rejected some or all of it. Should anything else go
        wrong (a bug), the reference is still returned, with its raw text
        and an ``internal`` warning, so one reference never costs the rest.
    """
    try:
        return _parse_block(block)
    except Exception as e:
        start, end = block.span
        warning = Diagnostic(code="internal", message=f"not parsed: internal error ({type(e).__name__}: {e})",
                             line=start)
        return Citation(number=block.number, list_number=block.list_number if block.list_number > 1 else None,
                        raw=flatten(block.lines), span=Span(start=start, end=end), status="recovered",
                        warnings=(warning,))


def _parse_block(block: Block) -> Citation:
    tokens = lexer.tokens(block.lines)
    plan = plan_for(tokens)
    start, end = block.span
    warnings: list[Diagnostic] = []
    if plan.failed:
        if not tokens.types:
            warnings.append(Diagnostic(code="empty", message="the reference has no text", line=start))
        elif plan.failed_at is not None:
            at = plan.failed_at.at
            message = "not parsed: " + unexpected(tokens, at, plan.failed_at.expected)
            warnings.append(Diagnostic(code="grammar", message=message, line=tokens.lines[at]))
        else:
            warnings.append(Diagnostic(code="grammar", message=plan.reason or "not parsed", line=start))
    for r in plan.rejections:
        warnings.append(
            Diagnostic(code="grammar", message="skipped: " + unexpected(tokens, r.at, r.expected),
                       line=tokens.lines[r.at])
        )
    fields = fill(plan, tokens.values)
    if plan.unplaced:
        fields = _keep_unplaced(fields, plan, tokens, block, warnings)
    return _CITATION(
        {
            **fields,
            "number": block.number,
            "list_number": block.list_number if block.list_number > 1 else None,
            "raw": flatten(block.lines),
            "span": {"start": start, "end": end},
            "status": "recovered" if any(w.code != "unplaced" for w in warnings) else "parsed",
            "warnings": tuple(warnings),
        }
    )


def _keep_unplaced(
    fields: dict[str, Any], plan: Plan, tokens: lexer.Tokens, block: Block, warnings: list[Diagnostic]
) -> dict[str, Any]:
    """Put the lines holding text no field took into the note, with one warning.

    Why: the grammar accepts some elements it has no field for (a page
    count "425 p", an epub date, a second title); dropping them would lose
    what the user pasted without a word. Whole lines, as printed, so that
    "425 p" keeps its "p".
    """
    numbers = dict.fromkeys(tokens.lines[i] for i in plan.unplaced)
    texts = [line.text for line in block.lines if line.number in numbers]
    shown = "; ".join(repr(t) for t in texts[:3]) + (f" and {len(texts) - 3} more" if len(texts) > 3 else "")
    warnings.append(Diagnostic(code="unplaced", message=f"kept in the note, no field for it: {shown}",
                               line=next(iter(numbers))))
    kept = "refparse: not placed in a field: " + "; ".join(texts)
    return {**fields, "note": f"{fields['note']}\n{kept}" if fields.get("note") else kept}


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
        for k, line in enumerate(self._document.restarts, start=2):
            warnings.append(Diagnostic(code="restart", line=line,
                                       message=f"the numbering starts again at line {line}: read as list {k}"))
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
