"""The line-broken layout: a journal page copied from the browser, one element per line.

A publisher's page prints every element of a reference (a surname, the
initials, the title, a volume) and every text node between them (``, ``,
``):``) on a line of its own, under a label line (``12.``, ``[12]``). The
splitter (:mod:`.split`) finds the labels; an element is a line, so
tokenizing is the shared lexer over the block's lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import islice

from ... import lexer
from ...read import Line, iter_lines
from ..base import Block, Layout, Lexed
from .split import DocumentStream

_NO_SPACE_BEFORE = frozenset(",.;:)]?!-\u2013")
_NO_SPACE_AFTER = frozenset("([-\u2013")

#: How sure :meth:`LineBroken.recognise` is when it finds labels on lines of their own.
SURE = 2.0
#: References :meth:`LineBroken.recognise` looks at; a line this long or shorter is an
#: element; the share of such lines a line-broken page has at least (the seed: 0.97).
_SAMPLE, _ELEMENT, _SHORT_SHARE = 10, 40, 0.6
#: A line opening with a mark and a space (", ", ". ", "; "): the text node between two elements.
_MARK_FIRST = re.compile(r"[.,;:] ")


def flatten(lines: Sequence[Line]) -> str:
    """A reference's lines joined as the page displays them (one line of text).

    No space before closing marks or after opening ones, none around range
    dashes: ``392 (9): 875-891``. (:func:`join` also says where each line
    starts; this runs for every reference, that only when a span is asked.)
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


class _Starts(Sequence[int]):
    """Where each line starts in :func:`flatten`'s text, worked out on first use."""

    __slots__ = ("_lines", "_starts")

    def __init__(self, lines: Sequence[Line]) -> None:
        self._lines = lines
        self._starts: list[int] | None = None

    def _all(self) -> list[int]:
        if self._starts is None:
            self._starts = join(self._lines)[1]
        return self._starts

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        return self._all()[i]

    def __len__(self) -> int:
        return len(self._lines)


def join(lines: Sequence[Line]) -> tuple[str, list[int]]:
    """:func:`flatten`'s text and where each line starts in it."""
    out: list[str] = []
    starts: list[int] = []
    pos = 0
    last = "("
    for _, text in lines:
        if not text:
            starts.append(pos)
            continue
        if text[0] not in _NO_SPACE_BEFORE and last not in _NO_SPACE_AFTER:
            out.append(" ")
            pos += 1
        starts.append(pos)
        out.append(text)
        pos += len(text)
        last = text[-1]
    return "".join(out), starts


class LineBroken(Layout):
    """One element per line under label lines (see the module docstring)."""

    name = "linebroken"
    best = SURE

    def recognise(self, text: str) -> float:
        """:data:`SURE` when the splitter finds references whose lines are elements, else 0.

        Elements are short (a surname, initials, a mark); a wrapped flat list
        can hold a line that looks like a label ("2006.") but its lines are
        long, and a page that puts a whole reference on the line after its
        label is flat too (:mod:`refparse.layouts.flat` reads both).
        """
        lines = [line.text for block in islice(DocumentStream(iter_lines(text)), _SAMPLE) for line in block.lines]
        if any(_MARK_FIRST.match(line) for line in lines):
            return SURE  # ". Accessed 4 February 2016.": a text node after an element, which no flat list prints
        short = sum(1 for line in lines if len(line) <= _ELEMENT)
        return SURE if lines and short >= len(lines) * _SHORT_SHARE else 0.0

    def split(self, lines: Iterable[Line]) -> DocumentStream:
        return DocumentStream(lines)

    def tokenize(self, block: Block) -> Lexed:
        lines = block.lines
        texts = [line.text for line in lines]
        return Lexed(flatten(lines), lexer.tokens(texts), _Starts(lines), texts, [line.number for line in lines])

    def raw_text(self, block: Block) -> str:
        return flatten(block.lines)


LAYOUT = LineBroken()
