"""Article summary cards as an input format: recognised by their landmarks, read whole.

A card (a markdown page: ``# Title``, ``**Authors:**``, ``PMC · DOI: …``, an
abstract, linked entities, a ``Source:`` URL) is one work, not a reference
list, so it has no splitter or tokenizer: :mod:`refparse.cards` reads the
whole text. One landmark alone is any markdown document; two make a card
unless a reference list says otherwise; three make a card whatever else the
text holds.
"""

from __future__ import annotations

import re

from ..models import ParseResult

#: How many card landmarks make a text a card file.
CARD_MIN_LANDMARKS = 2
#: With this many landmarks a text is a card even if it also has a numbered list.
CARD_SURE_LANDMARKS = 3
#: :meth:`Card.recognise` on sure and on weak evidence (see :mod:`refparse.layouts`).
SURE, WEAK = 3.0, 1.0

_CARD_LANDMARKS = (
    re.compile(r"^#[ \t]+\S", re.M),
    re.compile(r"^(?:\*\*)?authors?:?(?:\*\*)?:?[ \t]", re.M | re.I),
    re.compile(r"\u00b7[ \t]*DOI:", re.I),
    re.compile(r"^##[ \t]+(?:abstract|linked entities|tl;dr|key findings)[ \t]*$", re.M | re.I),
    re.compile(r"^source:[ \t]*https?://", re.M | re.I),
)


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


class Card:
    """The card input format: a document format, read whole (see the module docstring)."""

    name = "card"
    #: The most :meth:`recognise` returns (detection stops early once nothing can beat it).
    best = SURE

    def recognise(self, text: str) -> float:
        """:data:`SURE` with three landmarks, :data:`WEAK` with two, else 0.

        Two weak marks (a markdown heading and an "Authors" line) must not turn
        a journal page of 68 references into one card: a reference list found
        by a layout is surer than :data:`WEAK`.
        """
        marks = card_landmarks(text)
        if marks >= CARD_SURE_LANDMARKS:
            return SURE
        return WEAK if marks >= CARD_MIN_LANDMARKS else 0.0

    def parse(self, text: str) -> ParseResult:
        """Every card of the text (imported on use: name splitting loads nameparser)."""
        from ..cards import parse_cards

        return parse_cards(text)


FORMAT = Card()
