"""Stage 1 — read: bytes or text in, clean numbered lines out.

Pages copied from a browser arrive in any encoding, with Windows or old Mac
line ends, non-breaking spaces, zero-width characters and decomposed accents.
Everything after this stage can assume NFC text, one element per line, no
blank lines, and the original 1-based line number of every line (warnings
must point at the user's file, not at our cleaned copy).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from typing import NamedTuple

from .errors import InputError

#: Characters that never carry meaning in a copied reference and would
#: otherwise split or hide words: zero-width spaces and joiners, soft hyphens,
#: word joiner, BOM, bidi marks.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e]")
_NEWLINES = re.compile(r"\r\n|\r|\u2028|\u2029|\x85|\x0b|\x0c")


class Line(NamedTuple):
    """One non-blank input line: its 1-based number in the input and its text."""

    number: int
    text: str


_new_line = tuple.__new__  # skips NamedTuple's Python-level __new__: this runs once per input line


def decode(data: bytes, fallback: str = "cp1252", source: str | None = None) -> tuple[str, str]:
    """Decode input bytes by a fixed, documented rule.

    UTF-8 with a byte-order mark, then plain UTF-8, then UTF-16 when it has a
    BOM, then UTF-8 with ``fallback`` (default cp1252, what Windows browsers
    save) for the bytes that are not UTF-8: the valid UTF-8 of a file with a
    few cp1252 bytes is kept (:mod:`refparse.encoding`).

    Args:
        data: the raw bytes.
        fallback: a codec tried last; ``None`` disables it.
        source: a name for messages.

    Returns:
        ``(text, encoding)`` where encoding names the codec that worked
        (the fallback's name when some bytes needed it).

    Raises:
        InputError: binary data, or bytes no rule decodes.
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise InputError(f"invalid UTF-8 after a UTF-8 byte-order mark at byte {e.start + 3}", source) from e
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise InputError("invalid UTF-16", source) from e
    if b"\x00" in data[:8192]:
        raise InputError("binary data (NUL bytes), not a text file", source)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        if not fallback:
            raise InputError(f"invalid UTF-8 at byte {e.start}", source) from e
        from .encoding import fallback_errors

        try:
            return data.decode("utf-8", errors=fallback_errors(fallback)), fallback
        except UnicodeDecodeError as e2:  # cp1252 leaves 5 bytes undefined
            raise InputError(f"neither UTF-8 nor {fallback}", source) from e2


#: Lines up to this length are cached by the lexer: punctuation lines, names
#: and journal abbreviations recur throughout a list; titles rarely do, and a
#: cache of long lines would hold megabytes for nothing.
CACHED_LINE = 80


def _unify(text: str) -> str:
    """Invisible characters removed, then NFC; ASCII text as it is.

    Works on a line or a whole text alike: a newline neither composes with
    nor reorders around its neighbours, so normalizing a text at once gives
    the same lines as normalizing each line, in one pass at C speed.
    """
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", text))


def clean_line(text: str) -> str:
    """Normalize one line: NFC, invisible characters removed, spaces collapsed.

    Args:
        text: a raw line without its line end.

    Returns:
        The cleaned line (possibly empty).
    """
    return " ".join(_unify(text).split())


def clean_lines(text: str, indent: bool = False) -> list[str]:
    """Split a text into lines and clean each, as :func:`clean_line` does.

    Blank lines stay (as ``""``) so that a line's position gives its number.
    The whole text is normalized at once rather than line by line: per-line
    function calls were most of the cost of reading.

    Args:
        text: raw text, any line ends.
        indent: keep one space before the text of a line that was indented
            (a wrapped reference's hanging indent tells where it goes on).

    Returns:
        The cleaned lines, one per input line.
    """
    lines = _unify(_NEWLINES.sub("\n", text)).split("\n")
    if indent:
        return [_indented(line) for line in lines]
    return [" ".join(line.split()) for line in lines]


@lru_cache(maxsize=1)
def _cleaned(text: str, indent: bool) -> tuple[str, ...]:
    """:func:`clean_lines` of the last text asked for.

    Why: detecting a text's layout reads its lines, and parsing it reads them
    again; a text is cleaned once (a string caches its hash, so the lookup
    costs nothing; only the last text is held). The indented form is made
    from the plain one: detection asks for both (the line-broken layout reads
    plain lines, the flat one marks the indented), and collapsing each line's
    spaces was most of the cost of cleaning it.
    """
    unified, plain = _plain_lines(text)
    if not indent:
        return plain
    # what _indented does, from the line already cleaned (a cleaned line never starts with a space)
    return tuple(" " + c if c and raw[:1].isspace() else c for raw, c in zip(unified.split("\n"), plain, strict=True))


@lru_cache(maxsize=1)
def _plain_lines(text: str) -> tuple[str, tuple[str, ...]]:
    """The last text asked for, normalized (its line ends unified), and its cleaned lines without indents."""
    unified = _unify(_NEWLINES.sub("\n", text))
    return unified, tuple(" ".join(line.split()) for line in unified.split("\n"))


def _indented(line: str) -> str:
    cleaned = " ".join(line.split())
    return " " + cleaned if cleaned and line[:1].isspace() else cleaned


def iter_lines(source: str | Iterable[str], indent: bool = False) -> Iterator[Line]:
    """The non-blank lines of an input with their original line numbers.

    Args:
        source: the whole input as one string, or an iterable of raw lines
            (an open text file), which is read lazily so memory stays flat.
        indent: mark indented lines with one leading space (see :func:`clean_lines`).

    Returns:
        An iterator of :class:`Line` tuples, blank lines skipped.
    """
    if isinstance(source, str):
        return _numbered(_cleaned(source.removeprefix("\ufeff"), indent), 1)
    return _iter_chunks(source, indent)


def _numbered(lines: Iterable[str], start: int) -> Iterator[Line]:
    """Lines made one at a time as the consumer asks, numbered from ``start``, blank ones skipped.

    A map, not a loop: this runs for every line. One at a time, because a
    whole text's worth of tuples held at once only keeps the collector busy.
    """
    return map(_new_line, repeat(Line), filter(itemgetter(1), enumerate(lines, start)))


def _iter_chunks(chunks: Iterable[str], indent: bool = False) -> Iterator[Line]:
    number = 0
    first = True
    for chunk in chunks:
        if first:
            first = False
            if chunk.startswith("\ufeff"):
                chunk = chunk[1:]
        lines = clean_lines(chunk, indent)
        if _ends_line(chunk):
            lines.pop()  # a file's line ends with its newline: nothing follows it in this chunk
        yield from _numbered(lines, number + 1)
        number += len(lines)


def _ends_line(chunk: str) -> bool:
    """Whether a chunk is empty or ends with a line end (its last piece is then empty)."""
    return not chunk or chunk[-1] in "\n\r\u2028\u2029\x85\x0b\x0c"
