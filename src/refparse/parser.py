"""Stage 3 — parse: a reference's tokens become a field plan.

The one verb is :func:`make_plan`: the LALR grammar (:mod:`refparse.grammar`)
reads the tokens into parts, the assembler (:mod:`refparse.assemble`) gives
them their roles, and when the grammar gives up the fallback
(:mod:`refparse.recover`) keeps what is certain. Every layout's tokens come
here; :mod:`refparse.plans` memoises the result per token shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .lexer import Tokens
from .parts import Plan, Rejection


def make_plan(tokens: Tokens) -> Plan:
    """The field plan for one reference's tokens: grammar, assembler, fallback.

    Reads the token *types* only (never their text), so the plan holds for
    every reference of the same shape; :mod:`refparse.plans` memoises it.

    Args:
        tokens: the reference's tokens.

    Returns:
        Its :class:`~refparse.parts.Plan`: the assembled steps with the
        grammar's rejections and the content no step reads, or the
        fallback's when the grammar gave up (``failed``).
    """
    # Imported here: only a new shape needs the parser (and Lark).
    from lark.exceptions import UnexpectedToken

    from .assemble import assemble
    from .grammar import parse_tokens
    from .recover import recover

    if not tokens.types:
        return Plan((), failed=True, reason="the reference has no text")
    try:
        children, rejections = parse_tokens(tokens.toks())
    except UnexpectedToken as e:
        if e.token.type == "$END":
            return recover(tokens.types, "not parsed: the reference ends too early")
        plan = recover(tokens.types, None)
        return plan._replace(failed_at=Rejection(e.token.index, tuple(sorted(e.expected))))
    plan = assemble(children)._replace(rejections=tuple(rejections))
    return plan._replace(unplaced=unplaced(plan, tokens.types))


#: Token types that mark content rather than carry it: punctuation, and
#: labels whose meaning the plan's structure already holds ("doi:" before a
#: DOI, "pp." before pages, "et al" as the truncated-list flag, "In:").
MARKERS = frozenset({
    "DOT", "COMMA", "SEMI", "COLON", "LPAR", "RPAR", "DASH", "QUOTE", "AND", "QMARK", "SLASH", "NOISE",
    "ETAL", "IN", "EDS", "DOIKW", "PMIDKW", "PP", "ARTNO", "NO", "VOL", "AVAIL", "ND", "SAME",
})


def unplaced(plan: Plan, types: tuple[str, ...]) -> tuple[int, ...]:
    """Positions of content tokens that no step of ``plan`` reads and the grammar did not reject.

    Builder arguments are token positions (ints, possibly nested in tuples);
    ``const`` steps hold values, not positions.
    """
    used: set[int] = {r.at for r in plan.rejections}
    for _, builder, args in plan.steps:
        if builder != "const":
            used.update(_positions(args))
    return tuple(i for i, t in enumerate(types) if i not in used and t not in MARKERS)


def _positions(value: Any) -> Iterator[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _positions(item)


def unexpected(tokens: Tokens, i: int, expected: tuple[str, ...], line: int) -> str:
    """One sentence about a rejected token: what, where (its input line), and what was expected."""
    text = f"unexpected {tokens.types[i].lower()} {tokens.values[i]!r} at line {line}"
    return f"{text} (expected {', '.join(expected[:6])})" if expected else f"{text} (cut from the end)"
