"""The line-broken layout's splitter: find the numbered reference blocks among a page's lines.

A copied page holds a preface (an abstract paragraph), the numbered list, and
page furniture after it. The list is recognised by its labels (``12.`` or
``[12]`` on a line of their own): the longest run of consecutive labels
among the first few decides where it starts, then each next number starts the
next reference, so a stray ``3.`` inside a reference cannot start a block.
:class:`DocumentStream` does this as lines arrive, for inputs of any size.
Trailing furniture ("Back to top", "Download PDF") is cut from the last block
by a phrase list kept as data in ``grammars/noise.txt`` (:mod:`refparse.noise`).

Several pages pasted into one text restart the numbering: a ``1.`` that is
followed by ``2.`` before the current list's next number starts a second
list; the furniture and preface between the lists are cut from the last
reference of the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from typing import NamedTuple

from ...noise import is_noise
from ...read import Line
from ..base import Block, Split

_LABEL = re.compile(r"\[?(\d{1,9})[.\]]")
_LABEL_MAX = 11  # "[123456789]": numbers of nine digits, past any list anyone holds


class Document(NamedTuple):
    """A page cut into its parts."""

    preface: tuple[Line, ...]
    blocks: tuple[Block, ...]
    noise: tuple[Line, ...]


def _label(text: str) -> int | None:
    return _label_number(text) if _may_be_label(text) else None  # most lines: no regex needed


def _label_number(text: str) -> int | None:
    m = _LABEL.fullmatch(text)
    return int(m.group(1)) if m else None


def _may_be_label(text: str) -> bool:
    """A cheap test that rules out most lines before the label regex.

    Why: a third of all lines are short marks such as ``.`` that end like a
    label; the first character (``[`` or a digit) rules them out.
    """
    return len(text) <= _LABEL_MAX and text[-1] in ".]" and (text[0] == "[" or text[0].isdecimal())


def _longest_chain(candidates: Sequence[tuple[int, int]]) -> list[int]:
    """Indices (into ``candidates``) of the longest run n, n+1, n+2 ... in order."""
    best_len: dict[int, tuple[int, int]] = {}  # number -> (chain length, candidate index)
    links: list[int] = []
    top = (0, -1)
    for i, (_, n) in enumerate(candidates):
        prev = best_len.get(n - 1)
        length = prev[0] + 1 if prev else 1
        links.append(prev[1] if prev else -1)
        if length >= best_len.get(n, (0, -1))[0]:
            best_len[n] = (length, i)
        if length >= top[0]:  # on a tie the later run wins (the references follow the preface)
            top = (length, i)
    chain, i = [], top[1]
    while i >= 0:
        chain.append(i)
        i = links[i]
    return chain[::-1]


def _trim_noise(body: list[Line]) -> tuple[list[Line], list[Line]]:
    noise: list[Line] = []
    while body and is_noise(body[-1].text):
        noise.insert(0, body.pop())
    return body, noise


def _split_page_end(body: list[Line], search: int) -> tuple[list[Line], list[Line], list[Line]]:
    """The last reference of a page, its page's furniture, and the next page's preface.

    The furniture is the last run of noise lines among the final ``search``
    lines; what follows it is the preface of the next page. Without such a
    run, everything stays with the reference (where it is reported as text
    no field took, never dropped).
    """
    end = len(body)
    floor = max(0, end - search)
    while end > floor and not is_noise(body[end - 1].text):
        end -= 1
    if end == floor:
        return (*_trim_noise(body), [])
    start = end
    while start > 0 and is_noise(body[start - 1].text):
        start -= 1
    return body[:start], body[start:end], body[end:]


class DocumentStream(Split):
    """Split a page's lines into blocks as they arrive, holding one block at a time.

    The first ``window_labels`` label lines decide where the list starts (the
    longest run of consecutive labels among them, so a list copied from its
    middle works too); after that each next number starts the next reference
    and anything else belongs to the current one. Memory stays bounded by the
    window and the longest reference, not the file.

    After iteration, :attr:`preface` and :attr:`noise` hold the lines before
    the list and the furniture cut from the end of the last reference.

    Example::

        stream = DocumentStream(iter_lines(text))
        for block in stream:
            ...
    """

    #: Label lines read before the list's start is decided.
    window_labels = 12
    #: Lines read at most before deciding, whatever the labels.
    max_preface_lines = 200_000
    #: Lines read ahead after a "1." to see whether a new list starts there.
    restart_lookahead = 400
    #: Lines at the end of a list searched for the furniture that ends its page.
    page_end_lines = 40

    def __init__(self, lines: Iterable[Line]) -> None:
        self._lines = iter(lines)
        self._ahead: list[Line] = []  # lines read ahead, in reverse order
        self.preface: tuple[Line, ...] = ()
        self.noise: tuple[Line, ...] = ()
        #: Input lines where the numbering restarted (a new list began).
        self.restarts: list[int] = []

    def _next(self) -> Line | None:
        return self._ahead.pop() if self._ahead else next(self._lines, None)

    def _starts_list(self, number: int) -> bool:
        """After a "1." line: whether "2." comes before ``number + 1`` (lines are put back)."""
        seen: list[Line] = []
        found = False
        while len(seen) < self.restart_lookahead:
            line = self._next()
            if line is None:
                break
            seen.append(line)
            n = _label(line.text)
            if n == 2 or n == number + 1:
                found = n == 2
                break
        self._ahead.extend(reversed(seen))
        return found

    def __iter__(self) -> Iterator[Block]:
        # A window of the first labels decides where the list starts: the
        # longest run of consecutive labels in it (the later one on a tie —
        # a "Key points 1. 2. 3." list in the preface loses to the references
        # that follow it; a stray "1." inside a reference does not break the
        # run around it). Then the list streams: each next number starts the
        # next reference.
        window: list[Line] = []
        candidates: list[tuple[int, int]] = []
        for line in self._lines:
            window.append(line)
            n = _label(line.text)
            if n is not None:
                candidates.append((len(window) - 1, n))
                if len(candidates) >= self.window_labels:
                    break
            if len(window) > self.max_preface_lines:
                break
        chain = [candidates[k] for k in _longest_chain(candidates)]
        if not chain:
            window.extend(self._lines)  # no list: everything is preface, kept
            self.preface = tuple(window)
            return
        self.preface = tuple(window[: chain[0][0]])
        for (i, n), (j, _) in pairwise(chain):
            yield Block(n, window[i].number, tuple(window[i + 1 : j]))
        last, number = chain[-1]
        label_line = window[last].number
        body: list[Line] = []
        self._ahead.extend(reversed(window[last + 1 :]))  # read again below, where a restart is seen
        list_number, noise = 1, []
        ahead, lines = self._ahead, self._lines  # self._next() inlined: this loop runs for every line
        while (current := ahead.pop() if ahead else next(lines, None)) is not None:
            text = current[1]
            # _label with _may_be_label inlined: this test runs for every line of the list
            n = None
            if len(text) <= _LABEL_MAX and text[-1] in ".]" and (text[0] == "[" or text[0].isdecimal()):
                n = _label_number(text)
            if n == number + 1:
                yield Block(number, label_line, tuple(body), list_number)
                number, label_line = number + 1, current.number
                body = []
            elif n == 1 and number > 1 and self._starts_list(number):
                body, page_end, preface = _split_page_end(body, self.page_end_lines)
                noise += page_end
                self.preface += tuple(preface)
                self.restarts.append(current.number)
                yield Block(number, label_line, tuple(body), list_number)
                number, label_line, list_number = 1, current.number, list_number + 1
                body = []
            else:
                body.append(current)
        body, tail = _trim_noise(body)
        self.noise = (*noise, *tail)
        yield Block(number, label_line, tuple(body), list_number)


def split_document(lines: Iterable[Line]) -> Document:
    """Cut a page's lines into preface, reference blocks and trailing noise.

    Args:
        lines: cleaned, numbered lines from :func:`refparse.read.iter_lines`.

    Returns:
        A :class:`Document`; ``blocks`` is empty when no numbered list exists.
    """
    stream = DocumentStream(lines)
    blocks = tuple(stream)
    return Document(stream.preface, blocks, stream.noise)
