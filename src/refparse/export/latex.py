r"""LaTeX escaping for BibTeX values: untrusted text in, text that can only print.

A title is untrusted input. Written into a ``.bib`` file it is read twice:
by BibTeX/biber, which count braces to find the end of a field, and by LaTeX,
which runs commands (``\input``, ``\write18``), comments out the rest of a
line at ``%`` and fails on ``#``, ``&``, ``$``, ``_``, ``^``. :func:`escape`
makes every character literal for both readers:

* the characters special to TeX become text commands; ``{`` and ``}`` become
  ``\ensuremath{\lbrace}`` / ``\ensuremath{\rbrace}``, never ``\{``,
  because BibTeX counts the brace in ``\{`` and an unbalanced one would end
  the field early. The output's only braces are the balanced pairs we write;
* TeX ligatures (``--``, ``''``, ``!```, ``<<``, ``,,``) are broken with
  ``{}`` so that ``--`` in a title stays two hyphens;
* line breaks and control characters are flattened to spaces (a blank line
  would end a paragraph).

``ascii=True`` additionally encodes non-ASCII characters with pylatexenc's
encoder (``{\'e}``, braced as BibTeX wants special characters); characters
pylatexenc has no LaTeX for fall back to anyascii's transliteration, so the
output is ASCII whatever the input.

The choices are the ones a standard LaTeX decoder (pylatexenc, which
bibtexparser uses) reads back to the original text; the one exception is
``^``: LaTeX's ``\textasciicircum`` is the ASCII circumflex, which pylatexenc
decodes as U+02C6 (see the round-trip tests).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

from anyascii import anyascii

from .common import flatten

if TYPE_CHECKING:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

#: How each ASCII character with a meaning in TeX or BibTeX is written as text.
#: ``<``, ``>`` and ``|`` print as other glyphs in LaTeX's default OT1 fonts.
SPECIALS: dict[int, str] = {
    ord("\\"): r"\textbackslash{}",
    ord("{"): r"\ensuremath{\lbrace}",
    ord("}"): r"\ensuremath{\rbrace}",
    ord("%"): r"\%",
    ord("#"): r"\#",
    ord("&"): r"\&",
    ord("$"): r"\$",
    ord("_"): r"\_",
    ord("~"): r"\textasciitilde{}",
    ord("^"): r"\textasciicircum{}",
    ord("<"): r"\ensuremath{<}",
    ord(">"): r"\ensuremath{>}",
    ord("|"): r"\ensuremath{|}",
}

#: First characters of TeX ligatures (``--``, ``````, ``''``, ``,,``, ``!```,
#: ``?```): a ``{}`` after them keeps both characters as printed.
_LIGATURE = re.compile(r"([-`',])(?=\1)|([!?])(?=`)")


def escape(text: str, ascii: bool = False) -> str:
    """One value as LaTeX text that prints exactly ``text``.

    Why: the value is untrusted; it must not close the field, run a command
    or comment out the rest of the entry, and it must read back unchanged.

    Args:
        text: the value (any Unicode).
        ascii: encode non-ASCII characters as LaTeX (classic BibTeX).

    Returns:
        Balanced-brace LaTeX on one line.
    """
    return _escape(flatten(text), ascii)


def _escape(text: str, ascii: bool) -> str:
    """Escape text that is already flat."""
    out = _LIGATURE.sub(lambda m: (m.group(1) or m.group(2)) + "{}", text.translate(SPECIALS))
    if ascii and not out.isascii():
        out = _encoder().unicode_to_latex(unicodedata.normalize("NFC", out))
    return out


def protect_case(text: str, ascii: bool = False) -> str:
    """A title escaped, with every word that holds a capital kept in braces.

    Why: BibTeX styles lower-case titles (``B-cell`` → ``b-cell``,
    ``COG`` → ``cog``); the printed case is the truth, so words with capitals
    are protected. The first word's initial capital needs no protection.

    Args:
        text: the title.
        ascii: encode non-ASCII characters as LaTeX.

    Returns:
        Escaped LaTeX, words with capitals wrapped in ``{...}``.
    """
    words = flatten(text).split(" ")
    out = []
    for i, word in enumerate(words):
        escaped = _escape(word, ascii)
        tail = word[1:] if i == 0 else word
        if any(ch.isupper() or unicodedata.category(ch) == "Lt" for ch in tail):
            # A group that starts with a backslash is a BibTeX "special
            # character", whose letters BibTeX still re-cases: lead with {}.
            escaped = "{" + ("{}" if escaped.startswith("\\") else "") + escaped + "}"
        out.append(escaped)
    return " ".join(out)


def _fallback(char: str) -> str:
    """LaTeX for a character pylatexenc cannot encode: its ASCII transliteration."""
    return escape(anyascii(char)) or "?"


@cache
def _encoder() -> UnicodeToLatexEncoder:
    """The pylatexenc encoder for non-ASCII characters, built once on first use."""
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        conversion_rules=["defaults"],
        replacement_latex_protection="braces-all",
        unknown_char_policy=_fallback,
        unknown_char_warning=False,
    )
