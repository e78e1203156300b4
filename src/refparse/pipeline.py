"""The pipeline: read → split → lex → parse → assemble → validate.

:func:`parse` reads like the stages it calls; :class:`CitationStream` is the
streaming form the batch converter uses so that memory stays flat however
long the list is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from lark.exceptions import UnexpectedToken

from . import lexer
from .assemble import Plan, assemble
from .fill import fill
from .grammar import parse_tokens
from .lexer import Tokens
from .models import Citation, Diagnostic, ParseResult
from .read import Line, iter_lines
from .recover import recover
from .split import Block, DocumentStream

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


#: Plans by reference shape (the tuple of token types). Bounded: when full,
#: the oldest half is dropped, so memory stays flat on any input.
_PLANS: dict[tuple[str, ...], Plan] = {}
MAX_PLANS = 20_000


def plan_for(tokens: Tokens) -> Plan:
    """The field plan for a reference, from the cache when its shape was seen.

    The grammar, the assembler and the fallback read token types only, so
    references of the same shape share one plan; parsing a journal's list
    then runs the LALR parser once per distinct shape.
    """
    shape = tokens.types
    plan = _PLANS.get(shape)
    if plan is None:
        plan = _make_plan(tokens)
        if len(_PLANS) >= MAX_PLANS:
            for key in list(_PLANS)[: MAX_PLANS // 2]:
                del _PLANS[key]
        _PLANS[shape] = plan
    return plan


def _make_plan(tokens: Tokens) -> Plan:
    if not tokens.types:
        return Plan((), failed=True, reason="the reference has no text")
    try:
        children, rejections = parse_tokens(tokens.toks())
    except UnexpectedToken as e:
        if e.token.type == "$END":
            return recover(tokens.types, "not parsed: the reference ends too early")
        return recover(tokens.types, "not parsed: " + _unexpected(tokens, e.token.index, tuple(sorted(e.expected))))
    return assemble(children)._replace(rejections=tuple(rejections))


def _unexpected(tokens: Tokens, i: int, expected: tuple[str, ...]) -> str:
    text = f"unexpected {tokens.types[i].lower()} {tokens.values[i]!r} at line {tokens.lines[i]}"
    return f"{text} (expected {', '.join(expected[:6])})" if expected else f"{text} (cut from the end)"


def parse_block(block: Block) -> Citation:
    """Parse one reference block into a citation (never raises for bad text).

    Args:
        block: a numbered reference from :class:`refparse.split.DocumentStream`.

    Returns:
        The citation; ``status="recovered"`` with a ``grammar`` warning when
        the grammar rejected some or all of it.
    """
    tokens = lexer.tokens(block.lines)
    plan = plan_for(tokens)
    start, end = block.span
    warnings: list[Diagnostic] = []
    if plan.failed:
        code = "empty" if not tokens.types else "grammar"
        warnings.append(Diagnostic(code=code, message=plan.reason or "not parsed", line=start))
    for r in plan.rejections:
        warnings.append(
            Diagnostic(code="grammar", message="skipped: " + _unexpected(tokens, r.at, r.expected),
                       line=tokens.lines[r.at])
        )
    return Citation.model_validate(
        {
            **fill(plan, tokens.values),
            "number": block.number,
            "raw": flatten(block.lines),
            "span": {"start": start, "end": end},
            "status": "recovered" if warnings else "parsed",
            "warnings": tuple(warnings),
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
