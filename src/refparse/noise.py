"""Page furniture: link labels and phrases that are not part of any reference.

Sites print link labels after each reference ("Google Scholar", "PubMed",
"CrossRef") and furniture after the list ("Back to top", "Comments (3)").
The phrases are data, kept in ``grammars/noise.txt``; every layout and the
lexer ask these two functions.
"""

from __future__ import annotations

import re
from functools import cache

from .grammar_files import read_sections

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
