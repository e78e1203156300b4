"""Which input format a text is in, and parsing any of them.

Each format is registered with a recogniser (does this text look like it?)
and a parser. :func:`detect_format` asks the recognisers in order, most
specific first, so adding a format is one :class:`InputFormat` in
:data:`FORMATS`:

* ``card`` — article summary cards: at least two of the card's landmarks
  (a ``# Title`` line, an ``**Authors:**`` line, a ``· DOI:`` metadata line,
  a ``## Abstract`` or ``## Linked entities`` heading, a ``Source:`` URL);
  one landmark alone is any markdown document;
* ``linebroken`` — a journal page's reference list with one element per
  line: a run of reference labels (``1.``, ``[2]``) on lines of their own,
  found by the same splitter the parser uses.

Recognisers look at the content only, never at a file name: text arrives on
stdin as often as from a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from .errors import InputError, OptionError
from .models import ParseResult
from .pipeline import parse as parse_linebroken
from .read import iter_lines
from .split import DocumentStream

#: How many card landmarks make a text a card file.
CARD_MIN_LANDMARKS = 2

_CARD_LANDMARKS = (
    re.compile(r"^#[ \t]+\S", re.M),
    re.compile(r"^(?:\*\*)?authors?:?(?:\*\*)?:?[ \t]", re.M | re.I),
    re.compile(r"\u00b7[ \t]*DOI:", re.I),
    re.compile(r"^##[ \t]+(?:abstract|linked entities|tl;dr|key findings)[ \t]*$", re.M | re.I),
    re.compile(r"^source:[ \t]*https?://", re.M | re.I),
)


#: With this many landmarks a text is a card even if it also has a numbered list.
CARD_SURE_LANDMARKS = 3


def card_landmarks(text: str) -> int:
    """How many distinct landmarks of a summary card a text has."""
    return sum(1 for landmark in _CARD_LANDMARKS if landmark.search(text))


def looks_like_card(text: str) -> bool:
    """Whether a text has enough landmarks of a summary card.

    Args:
        text: the whole input.

    Returns:
        True when at least :data:`CARD_MIN_LANDMARKS` distinct landmarks occur.
    """
    return card_landmarks(text) >= CARD_MIN_LANDMARKS


def looks_like_linebroken(text: str) -> bool:
    """Whether a text holds a numbered reference list with labels on their own lines.

    Args:
        text: the whole input.

    Returns:
        True when the splitter finds at least one reference with some text.
    """
    return any(block.lines for block in DocumentStream(iter_lines(text)))


def _parse_cards(text: str) -> ParseResult:
    from .cards import parse_cards  # imported on use: name splitting loads nameparser

    return parse_cards(text)


class InputFormat(NamedTuple):
    """A readable input format: its name, recogniser and parser."""

    name: str
    recognise: Callable[[str], bool]
    parse: Callable[[str], ParseResult]


#: Known formats, in the order detection tries them (most specific first).
FORMATS: tuple[InputFormat, ...] = (
    InputFormat("card", looks_like_card, _parse_cards),
    InputFormat("linebroken", looks_like_linebroken, parse_linebroken),
)


def format_names() -> tuple[str, ...]:
    """Names of the known formats, in detection order (for ``--from`` choices)."""
    return tuple(f.name for f in FORMATS)


def detect_format(text: str, source: str | None = None) -> str:
    """Decide the input format from the content.

    Args:
        text: the whole input.
        source: a name for the input in error messages (a path, ``<stdin>``).

    Returns:
        ``card`` when the text has the marks of a card strongly
        (:data:`CARD_SURE_LANDMARKS`); else ``linebroken`` when it holds a
        numbered list; else ``card`` on weaker card evidence. Two weak marks
        (a markdown heading and an "Authors" line) must not turn a journal
        page of 68 references into one card.

    Raises:
        InputError: no known format matches; the message names those tried.
    """
    marks = card_landmarks(text)
    if marks >= CARD_SURE_LANDMARKS:
        return "card"
    if looks_like_linebroken(text):
        return "linebroken"
    if marks >= CARD_MIN_LANDMARKS:
        return "card"
    tried = ", ".join(format_names())
    raise InputError(f"not a known input format (tried: {tried})", source)


def parse_any(text: str, fmt: str | None = None, source: str | None = None) -> ParseResult:
    """Parse a text in any known format, detected unless given.

    Args:
        text: the whole input.
        fmt: a format name to force (``card``, ``linebroken``), or ``None``
            to detect it.
        source: a name for the input in error messages.

    Returns:
        The parser's :class:`ParseResult` (its ``format`` names the format used).

    Raises:
        InputError: ``fmt`` is ``None`` and no known format matches.
        OptionError: ``fmt`` names no known format.
    """
    name = fmt if fmt is not None else detect_format(text, source)
    for candidate in FORMATS:
        if candidate.name == name:
            return candidate.parse(text)
    raise OptionError(f"unknown input format {name!r} (known: {', '.join(format_names())})")
