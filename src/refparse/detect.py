"""Which input format a text is in, and parsing any of them.

The formats and their recognisers live in one registry
(:mod:`refparse.layouts`); this module is the public face of it:
:func:`detect_format` names the format of a text, :func:`parse_any` parses a
text in whichever format it is (or is told it is).
"""

from __future__ import annotations

from . import layouts
from .layouts.card import CARD_MIN_LANDMARKS, CARD_SURE_LANDMARKS, card_landmarks, looks_like_card
from .models import ParseResult

__all__ = [
    "CARD_MIN_LANDMARKS",
    "CARD_SURE_LANDMARKS",
    "card_landmarks",
    "detect_format",
    "format_names",
    "looks_like_card",
    "parse_any",
]


def format_names() -> tuple[str, ...]:
    """Names of the known formats, in registry order (for ``--from`` choices)."""
    return layouts.names()


def detect_format(text: str, source: str | None = None) -> str:
    """Decide the input format from the content.

    Args:
        text: the whole input.
        source: a name for the input in error messages (a path, ``<stdin>``).

    Returns:
        The name of the surest format (see :func:`refparse.layouts.detect`):
        ``card`` when the text has the marks of a card strongly; else a
        layout that finds a reference list; else ``card`` on weaker card
        evidence. Two weak marks (a markdown heading and an "Authors" line)
        must not turn a journal page of 68 references into one card.

    Raises:
        InputError: no known format matches; the message names those tried.
    """
    return layouts.detect(text, source).name


def parse_any(text: str, fmt: str | None = None, source: str | None = None) -> ParseResult:
    """Parse a text in any known format, detected unless given.

    Args:
        text: the whole input.
        fmt: a format name to force (one of :func:`format_names`), or
            ``None`` to detect it.
        source: a name for the input in error messages.

    Returns:
        The parser's :class:`ParseResult` (its ``format`` names the format used).

    Raises:
        InputError: ``fmt`` is ``None`` and no known format matches.
        OptionError: ``fmt`` names no known format.
    """
    found = layouts.get(fmt) if fmt is not None else layouts.detect(text, source)
    if layouts.is_layout(found):
        from .pipeline import parse

        return parse(text, found)
    return found.parse(text)
