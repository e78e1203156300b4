"""Stage 2 — split: find the numbered reference blocks among a page's lines.

A copied page holds a preface (an abstract paragraph), the numbered list, and
page furniture after it. The list is recognised by its labels (``12.`` or
``[12]`` on a line of their own): the longest run of consecutive labels
among the first few decides where it starts, then each next number starts the
next reference, so a stray ``3.`` inside a reference cannot start a block.
:class:`DocumentStream` does this as lines arrive, for inputs of any size.
Trailing furniture ("Back to top", "Download PDF") is cut from the last block
by a phrase list kept as data in ``grammars/noise.txt``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from itertools import pairwise
from typing import NamedTuple

from .grammar_files import read_sections
from .read import Line

_LABEL = re.compile(r"\[?(\d{1,6})[.\]]")


class Block(NamedTuple):
    """The lines of one numbered reference, label line excluded."""

    number: int | None
    label_line: int
    lines: tuple[Line, ...]

    @property
    def span(self) -> tuple[int, int]:
        """1-based first and last input line, counting the label line."""
        last = self.lines[-1].number if self.lines else self.label_line
        return self.label_line, last


class Document(NamedTuple):
    """A page cut into its parts."""

    preface: tuple[Line, ...]
    blocks: tuple[Block, ...]
    noise: tuple[Line, ...]


_Phrases = tuple[frozenset[str], re.Pattern[str] | None]


@cache
def _noise_phrases() -> dict[str, _Phrases]:
    """Each section's phrases (case-folded) and its ``re:`` patterns joined into one regex.

    One alternation instead of a loop over patterns: this runs for every new
    line the lexer meets.
    """
    out: dict[str, _Phrases] = {}
    for name, entries in read_sections("noise.txt", "page").items():
        phrases = frozenset(e.casefold() for e in entries if not e.startswith("re:"))
        patterns = [f"(?:{e[3:].strip()})" for e in entries if e.startswith("re:")]
        out[name] = (phrases, re.compile("|".join(patterns), re.I) if patterns else None)
    return out


def _matches(text: str, section: str) -> bool:
    phrases, pattern = _noise_phrases()[section]
    folded = text.casefold()
    return (
        folded in phrases
        or folded.rstrip(" .") in phrases
        or (pattern is not None and pattern.fullmatch(text) is not None)
    )


def is_link_noise(text: str) -> bool:
    """Whether a line is a link label sites print after references ("Google Scholar")."""
    if len(text) > 80:
        return False
    if text[:1] == "[" and text[-1:] == "]":
        text = text[1:-1].strip()
    return _matches(text, "links")


def is_noise(text: str) -> bool:
    """Whether a line is page furniture rather than part of a reference.

    Args:
        text: a cleaned line.

    Returns:
        True for link labels and for phrases such as "Back to top" or
        "Comments (3)" (the latter are only trusted after the last reference).
    """
    return len(text) <= 80 and (is_link_noise(text) or _matches(text, "page"))


def _label(text: str) -> int | None:
    if not _may_be_label(text):  # most lines: no regex needed
        return None
    m = _LABEL.fullmatch(text)
    return int(m.group(1)) if m else None


def _may_be_label(text: str) -> bool:
    """A cheap test that rules out most lines before the label regex.

    Why: a third of all lines are short marks such as ``.`` that end like a
    label; the first character (``[`` or a digit) rules them out.
    """
    return len(text) <= 8 and text[-1] in ".]" and (text[0] == "[" or text[0].isdecimal())


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


class DocumentStream:
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

    def __init__(self, lines: Iterable[Line]) -> None:
        self._lines = iter(lines)
        self.preface: tuple[Line, ...] = ()
        self.noise: tuple[Line, ...] = ()

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
        body: list[Line] = list(window[last + 1 :])
        for line in self._lines:
            text = line[1]
            # _may_be_label inlined: this test runs for every line of the list
            if (
                len(text) <= 8
                and text[-1] in ".]"
                and (text[0] == "[" or text[0].isdecimal())
                and _label(text) == number + 1
            ):
                yield Block(number, label_line, tuple(body))
                number, label_line = number + 1, line.number
                body = []
            else:
                body.append(line)
        body, noise = _trim_noise(body)
        self.noise = tuple(noise)
        yield Block(number, label_line, tuple(body))


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
