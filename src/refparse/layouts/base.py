"""What every layout provides, and what it hands the shared stages.

A *layout* is how a reference list sits in the text: one element per line
(``linebroken``, a journal page copied from the browser) or one reference per
line or paragraph (``flat``, pasted from a PDF, Word or PubMed). A layout
knows three things and nothing else:

* :meth:`Layout.recognise` — how sure it is that a text is in this layout;
* :meth:`Layout.split` — the references among the text's lines (with the
  preface before them and the furniture after them);
* :meth:`Layout.tokenize` — one reference's text cut into *elements* (the
  pieces a page would print on lines of their own: a surname, initials, a
  title, a mark), classified by the shared lexer into the grammar's
  vocabulary.

From the tokens on, every layout shares the grammar, the assembler, the fill
and the models: a new layout is a new way of cutting text, not a new parser.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from ..lexer import Tokens
from ..read import Line


class Block(NamedTuple):
    """The lines of one reference as a splitter found them, its label excluded."""

    number: int | None
    label_line: int
    lines: tuple[Line, ...]
    #: 1 for the page's list; 2, 3 ... for lists after a restart of the numbering.
    list_number: int = 1

    @property
    def span(self) -> tuple[int, int]:
        """1-based first and last input line, counting the label line."""
        last = self.lines[-1].number if self.lines else self.label_line
        return self.label_line, last


class Lexed(NamedTuple):
    """One reference cut into elements and classified into tokens.

    Elements are parallel sequences: ``starts[e]`` is element ``e``'s first
    character in ``raw``, ``texts[e]`` its text and ``lines[e]`` the input
    line it starts on. ``tokens.at[i]`` is the element token ``i`` came from,
    so a token's place in the raw text (for warnings, the text no field took,
    a field's highlight) never assumes that an element is a line.
    """

    raw: str
    tokens: Tokens
    starts: Sequence[int]
    texts: Sequence[str]
    lines: Sequence[int]

    def line_of(self, token: int) -> int:
        """The input line token ``token`` was read from."""
        return self.lines[self.tokens.at[token]]

    def element_span(self, element: int) -> tuple[int, int]:
        """Where element ``element`` sits in :attr:`raw` (start, end)."""
        start = self.starts[element]
        return start, start + len(self.texts[element])


class Split(ABC):
    """A layout's reference blocks, read as lines arrive.

    Iterate it for the blocks; afterwards :attr:`preface`, :attr:`noise` and
    :attr:`restarts` describe the rest of the document.
    """

    preface: tuple[Line, ...] = ()
    noise: tuple[Line, ...] = ()
    #: Input lines where the numbering started again (a further list began).
    restarts: list[int]

    @abstractmethod
    def __iter__(self) -> Iterator[Block]: ...


class Layout(ABC):
    """One way a reference list can sit in a text (see the module docstring)."""

    #: The name users pass (``--from NAME``) and results carry (``ParseResult.format``).
    name: str
    #: The most :meth:`recognise` returns (detection stops early once nothing can beat it).
    best: float
    #: Whether :meth:`split` wants indented lines marked (``iter_lines(..., indent=True)``).
    indented: bool = False

    @abstractmethod
    def recognise(self, text: str) -> float:
        """How sure this layout is that ``text`` is in it: 0 for no, higher for surer.

        :func:`refparse.layouts.detect` takes the surest; the scale is shared
        by every input format (see :mod:`refparse.layouts`).
        """

    @abstractmethod
    def split(self, lines: Iterable[Line]) -> Split:
        """The reference blocks among a text's cleaned lines."""

    @abstractmethod
    def tokenize(self, block: Block) -> Lexed:
        """One block's raw text, elements and tokens."""

    def raw_text(self, block: Block) -> str:
        """A block's text as the user sees it, without tokenizing (for a reference that failed)."""
        return " ".join(line.text for line in block.lines)
