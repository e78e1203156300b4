"""The flat layout: one reference per line or per wrapped paragraph.

What users paste from a PDF, Word, PubMed or Google Scholar, numbered or
not, in any of the major styles. The splitter (:mod:`.split`) finds the
references among the lines; the segmenter (:mod:`.segment`, with
:mod:`.names` for the author list) cuts each into the elements a journal
page prints on lines of their own, so the shared lexer and grammar read it
as they read a page.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from itertools import islice

from ... import lexer
from ...read import Line, iter_lines
from ..base import Block, Layout, Lexed
from .segment import cut
from .split import CITED, FlatStream, join_lines

#: How sure :meth:`Flat.recognise` is when it finds references (below labels on lines of their own).
SURE = 1.5
#: What nearly every reference prints and a list of other things seldom does: a year, "n.d.",
#: "in press", a DOI or a link.
_CITED = CITED
#: References looked at by :meth:`Flat.recognise`.
_SAMPLE = 20
#: The head of a text :meth:`Flat.recognise` reads (characters): a decision from the start, at any size.
_HEAD = 32_768


class _HeadStream(FlatStream):
    """The splitter deciding the layout from fewer lines: recognising needs the list's start only."""

    window = 80


class Flat(Layout):
    """One reference per line or paragraph (see the module docstring)."""

    name = "flat"
    best = SURE
    indented = True

    def recognise(self, text: str) -> float:
        """:data:`SURE` when the splitter finds references and most of them print a year, else 0.

        Why the year: a numbered list of anything (steps, notes) splits like a
        reference list; its items just do not carry dates.
        """
        blocks = [b for b in islice(_HeadStream(iter_lines(text[:_HEAD], indent=True)), _SAMPLE) if b.lines]
        cited = sum(1 for b in blocks if any(_CITED.search(line.text) for line in b.lines))
        return SURE if blocks and cited * 2 >= len(blocks) else 0.0

    def split(self, lines: Iterable[Line]) -> FlatStream:
        return FlatStream(lines)

    def tokenize(self, block: Block) -> Lexed:
        raw, line_starts, numbers = join_lines(block.lines)
        pieces = cut(raw)
        texts = [p.text for p in pieces]
        starts = [p.start for p in pieces]
        if len(numbers) == 1:  # most flat references: one line, every element on it
            lines = numbers * len(starts)
        else:
            lines = [numbers[max(0, bisect_right(line_starts, s) - 1)] for s in starts] if numbers else []
        return Lexed(raw, lexer.tokens(texts), starts, texts, lines)

    def raw_text(self, block: Block) -> str:
        return join_lines(block.lines)[0]


LAYOUT = Flat()
