"""The flat layout's splitter: one reference per line, or per wrapped paragraph.

What users paste from a PDF, Word, PubMed or Google Scholar:

* **numbered** lists (``1.``, ``1 ``, ``[1]``, ``(1)``, ``1)`` at the start of
  a line): as on a journal page, the longest run of consecutive labels among
  the first few decides where the list starts, then each next number starts
  the next reference and any other line continues the current one (a
  wrapped line); a next number inside a line (references glued together)
  starts the next reference there;
* **unnumbered** lists (author–date, alphabetical): a line that starts with
  a name (or an organisation in capitals, or a same-author dash) starts a
  reference; a line that does not, after a line cut at the wrap width or
  ending in a hyphen, continues it. Blank lines between paragraphs separate
  references when the list has them.

Before the list: the preface (an abstract, a heading such as "References"
or "Referências"); after it, page furniture (``grammars/noise.txt``), both
kept out of the references as on a journal page. Lines are joined with a
space; a word cut by a hyphen at a line's end is rejoined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ...noise import is_noise
from ...read import Line
from ..base import Block, Split
from .names import scan_authors

#: A label at a line's start: "12.", "12 ", "[12]", "(12)", "12)".
_LABEL = re.compile(r"(?:\[(\d{1,7})\]|\((\d{1,7})\)|(\d{1,7})(?:[.)](?!\d)|(?=\s)))\s*(?=\S)")
#: Headings that open a reference list; never references themselves.
_HEADING = re.compile(
    r"(?i)(?:\d+\.?\s*)?(?:references?(?: and notes)?|bibliography|bibliografia|bibliografía|literature cited"
    r"|literatur(?:verzeichnis)?|works cited|referências(?: bibliográficas)?|referencias(?: bibliográficas)?"
    r"|références(?: bibliographiques)?|riferimenti bibliografici|cited literature|sources)\s*:?"
)
#: A same-author dash at a reference's start ("———.", "______.", "--.").
SAME_AUTHOR = re.compile(r"(?:[\u2014\u2013\u2012_-]\s?){2,}[.,]?")
#: A word in capitals then a comma or full stop: an ABNT surname or an organisation ("SILVA,", "BRASIL.").
_CAPS = r"[A-Z\u00c0-\u00de][A-Z\u00c0-\u00de'\u2019-]+"
_CAPS_START = re.compile(rf"{_CAPS}(?: {_CAPS})*[,.]")


def label_of(text: str) -> tuple[int, int] | None:
    """The label number at a line's start and where its text begins, or ``None``."""
    m = _LABEL.match(text)
    if m is None:
        return None
    number = next(g for g in m.groups() if g is not None)
    return int(number), m.end()


def is_heading(text: str) -> bool:
    """Whether a line is a reference list's heading ("References", "Referências bibliográficas")."""
    return len(text) <= 60 and _HEADING.fullmatch(text) is not None


def starts_reference(text: str) -> bool:
    """Whether a line can be the start of an unnumbered reference."""
    if SAME_AUTHOR.match(text) or _CAPS_START.match(text):
        return True
    names, end = scan_authors(text)
    return bool(names) and end < len(text)


def _ends_cut(text: str) -> bool:
    """A line cut mid-word or mid-identifier: the next line continues it."""
    return text.endswith("-") or text.endswith("/")


def join_lines(lines: Iterable[Line]) -> tuple[str, list[int], list[int]]:
    """A reference's lines as one text; where each line starts in it, and its number.

    Lines are joined with a space; a line ending in a hyphen after a letter,
    followed by one starting with a lower-case letter, is a word cut in two
    and rejoined without the hyphen; after a slash or another hyphen, without
    a space (a URL or a hyphenated name).
    """
    out = ""
    starts: list[int] = []
    numbers: list[int] = []
    for number, text in lines:
        if out:
            if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and text[:1].islower():
                out = out[:-1]
            elif not _ends_cut(out):
                out += " "
        starts.append(len(out))
        numbers.append(number)
        out += text
    return out, starts, numbers


class FlatStream(Split):
    """Split a flat list's lines into reference blocks (see the module docstring).

    The first :attr:`window` lines decide whether the list is numbered; the
    rest streams, one reference held at a time.
    """

    #: Lines read before deciding how the list is laid out.
    window = 400
    #: Label lines among them that decide where a numbered list starts.
    window_labels = 12

    def __init__(self, lines: Iterable[Line]) -> None:
        self._lines = iter(lines)
        self.preface: tuple[Line, ...] = ()
        self.noise: tuple[Line, ...] = ()
        self.restarts: list[int] = []

    def __iter__(self) -> Iterator[Block]:
        head: list[Line] = []
        for line in self._lines:
            head.append(line)
            if len(head) >= self.window:
                break
        numbered = self._numbered_start(head)
        if numbered is not None:
            yield from self._numbered(head, numbered)
        else:
            yield from self._unnumbered(head)

    # ------------------------------------------------------------------ numbered
    def _numbered_start(self, head: list[Line]) -> tuple[int, int] | None:
        """(line index, number) where the longest run of consecutive labels starts, if it has two or more."""
        candidates: list[tuple[int, int]] = []
        for i, line in enumerate(head):
            found = label_of(line.text)
            if found is not None:
                candidates.append((i, found[0]))
        best: dict[int, tuple[int, int]] = {}  # number -> (run length, first index)
        top: tuple[int, int, int] | None = None  # (length, first index, first number)
        for i, n in candidates:
            length, first = best.get(n - 1, (0, i))
            length += 1
            if length >= best.get(n, (0, 0))[0]:
                best[n] = (length, first)
            if top is None or length > top[0]:
                top = (length, first, n - length + 1)
        if top is None or top[0] < 2:
            if top is not None and len(candidates) == 1 and top[2] == 1:
                return top[1], 1  # a list of one numbered reference
            return None
        return top[1], top[2]

    def _numbered(self, head: list[Line], start: tuple[int, int]) -> Iterator[Block]:
        first, number = start
        self.preface = tuple(line for line in head[:first] if line.text)
        lines: Iterator[Line] = _chain(head[first:], self._lines)
        body: list[Line] = []
        label_line = 0
        current: int | None = None
        for line in lines:
            text = line.text
            found = label_of(text)
            expected = number if current is None else current + 1
            if found is not None and found[0] == expected:
                if current is not None:
                    yield from self._glued(current, label_line, body)
                current, label_line = expected, line.number
                body = [Line(line.number, text[found[1] :])] if found[1] < len(text) else []
            elif current is not None:
                body.append(line)
        if current is None:
            return
        while body and is_noise(body[-1].text):
            self.noise = (body.pop(), *self.noise)
        yield from self._glued(current, label_line, body)

    def _glued(self, number: int, label_line: int, body: list[Line]) -> Iterator[Block]:
        """The block, or several when the next numbers are glued into its lines ("… 2003. 2. Kim …")."""
        lines = list(body)
        while True:
            cut = _glued_label(lines, number + 1)
            if cut is None:
                yield Block(number, label_line, tuple(lines))
                return
            k, at, rest = cut
            head = [*lines[:k], Line(lines[k].number, lines[k].text[:at].rstrip())] if at else lines[:k]
            yield Block(number, label_line, tuple(x for x in head if x.text))
            number, label_line = number + 1, lines[k].number
            lines = [Line(lines[k].number, rest), *lines[k + 1 :]]

    # ------------------------------------------------------------------ unnumbered
    def _unnumbered(self, head: list[Line]) -> Iterator[Block]:
        start = next((i for i, line in enumerate(head) if starts_reference(line.text) and not is_heading(line.text)),
                     None)
        if start is None:
            self.preface = tuple(head)
            for line in self._lines:
                self.preface += (line,)
            return
        self.preface = tuple(head[:start])
        wrap = _wrap_width(head[start:])
        lines = _chain(head[start:], self._lines)
        number = 0
        body: list[Line] = []
        previous: Line | None = None
        for line in lines:
            if body and not self._continues(previous, line, wrap):
                number += 1
                yield Block(number, body[0].number, tuple(body))
                body = []
            body.append(line)
            previous = line
        while body and is_noise(body[-1].text):
            self.noise = (body.pop(), *self.noise)
        if body:
            number += 1
            yield Block(number, body[0].number, tuple(body))

    @staticmethod
    def _continues(previous: Line | None, line: Line, wrap: int | None) -> bool:
        """Whether ``line`` continues the reference ``previous`` belongs to."""
        if previous is None:
            return False
        if line.number > previous.number + 1:  # a blank line between them
            return False
        if _ends_cut(previous.text) or line.text[:1].islower():
            return True
        if starts_reference(line.text):
            return False
        return wrap is not None and len(previous.text) >= wrap


def _glued_label(lines: list[Line], number: int) -> tuple[int, int, str] | None:
    """Where label ``number`` starts a reference inside the block's lines: (line, offset, text after)."""
    pattern = re.compile(rf"(?<=[.\s])\s*(?:\[{number}\]|\({number}\)|{number}[.)])\s+(?=\S)")
    for k, line in enumerate(lines):
        for m in pattern.finditer(line.text):
            before = line.text[: m.start()].rstrip()
            rest = line.text[m.end() :]
            if (not before or before[-1] in ".)]") and starts_reference(rest):
                return k, m.start(), rest
    return None


def _wrap_width(lines: list[Line]) -> int | None:
    """The width lines were wrapped at, when they were (else ``None``).

    Wrapped text has many lines of about the same, greatest length; a list
    with one reference per line has lengths all over the place.
    """
    lengths = sorted(len(line.text) for line in lines[:200])
    if len(lengths) < 4:
        return None
    top = lengths[int(len(lengths) * 0.9)]
    near = sum(1 for n in lengths if top - 12 <= n <= top + 2)
    return top - 12 if near >= len(lengths) * 0.35 and top <= 140 else None


def _chain(first: list[Line], rest: Iterator[Line]) -> Iterator[Line]:
    yield from first
    yield from rest
