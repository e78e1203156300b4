"""The data the parser's stages pass along: parts, rejections and plans.

Plain named tuples with no behaviour and no dependency on Lark, so that the
stages which only *use* plans (fill, the plan cache) can run without loading
the parser at all.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Part(NamedTuple):
    """One recognised piece of a reference, in token positions.

    Parts never hold text: ``value`` refers to tokens by their index in the
    reference, so what the grammar recognised depends only on the token
    *types* — which is what lets :mod:`refparse.plans` cache plans per
    reference shape.

    Attributes:
        kind: what the grammar recognised (``person``, ``segment``, ``pub`` ...).
        value: token indices (an int, a dict of ints, a list of parts ...).
        at: index of the part's first token.
        tail: the type of a separator the rule ended with, if any.
    """

    kind: str
    value: Any
    at: int = -1
    #: The separator a rule took after its content, when it took one (``COMMA``
    #: for "Journal," — the journal of "Journal, Place, v. 34").
    tail: str | None = None


class Rejection(NamedTuple):
    """A token the grammar rejected (skipped or cut), as data.

    Attributes:
        at: the token's position.
        expected: token types the grammar would have accepted there.
    """

    at: int
    expected: tuple[str, ...]


#: One instruction: (field it claims, builder name in refparse.fill, arguments).
Step = tuple[str, str, tuple[Any, ...]]


class Plan(NamedTuple):
    """How to build a citation from a reference's tokens.

    Attributes:
        steps: instructions in priority order; the first builder that yields
            a field wins it.
        rejections: tokens the grammar skipped or cut.
        failed: the grammar gave up; the steps come from the fallback.
        reason: why, for every reference of this shape ("ends too early"),
            when ``failed`` and no single token is to blame.
        failed_at: the token the grammar stopped at, when one is (the
            message is made from the reference's own tokens: a plan is
            shared by all references of its shape and holds no text).
        unplaced: tokens that carry content but that no step uses (a second
            title, "425 p", an epub date): the citation keeps them in its
            note and says so, instead of dropping them silently.
    """

    steps: tuple[Step, ...]
    rejections: tuple[Rejection, ...] = ()
    failed: bool = False
    reason: str | None = None
    failed_at: Rejection | None = None
    unplaced: tuple[int, ...] = ()
