"""Checking and decoding an input file before it is parsed, as a stream.

Every way a file can be unusable gets a :class:`RejectedInputError` with a stable
reason code (for the report) and one clear sentence (for the user), found
before any output is started: a bad byte at the end of a 20 MB file must not
cost a half-written conversion.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path
from typing import IO

from ..encoding import fallback_errors
from ..errors import InputError, InputTooLargeError

#: Inputs larger than this are refused unless ``max_size`` says otherwise:
#: a copied reference page is well under 1 MB; 20 MB is some 80,000 references.
DEFAULT_MAX_SIZE = 20 * 1024 * 1024
_CHUNK = 1 << 20


class RejectedInputError(InputError):
    """An input the batch cannot convert, with a stable reason code.

    Attributes:
        reason: ``missing``, ``unreadable``, ``not-a-file``, ``empty``,
            ``too-large``, ``binary``, ``encoding``, ``no-references`` or
            ``output``.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class TooLargeError(RejectedInputError, InputTooLargeError):
    """An input over the size limit (also an :class:`InputTooLargeError`)."""

    def __init__(self, message: str) -> None:
        super().__init__("too-large", message)


def size_text(n: int) -> str:
    """A size for messages: ``20.0 MB``, or bytes below a megabyte."""
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n:,} bytes"


def check_file(path: Path, max_size: int | None) -> os.stat_result:
    """Stat an input and refuse what cannot be a reference list.

    Raises:
        RejectedInputError: missing, unreadable, not a regular file, empty or too large.
    """
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            raise RejectedInputError("not-a-file", "cannot read: not a regular file")
        with path.open("rb"):  # permissions are only known by trying
            pass
    except FileNotFoundError as e:
        raise RejectedInputError("missing", "cannot read: no such file or directory") from e
    except OSError as e:
        raise RejectedInputError("unreadable", f"cannot read: {(e.strerror or str(e)).lower()}") from e
    if st.st_size == 0:
        raise RejectedInputError("empty", "empty file")
    if max_size and st.st_size > max_size:
        limit = size_text(max_size)
        raise TooLargeError(f"{size_text(st.st_size)} is over the --max-size limit of {limit}; raise it to convert")
    return st


def _validate(f: IO[bytes], first: bytes, codec: str, start: int = 0, errors: str = "strict") -> int | None:
    """Decode a stream incrementally; the byte offset of the first error, or ``None``."""
    decoder = codecs.getincrementaldecoder(codec)(errors)
    offset, chunk = start, first
    while True:
        pending = len(decoder.getstate()[0])
        final = not chunk
        try:
            decoder.decode(chunk, final=final)
        except UnicodeDecodeError as e:
            return offset - pending + e.start
        if final:
            return None
        offset += len(chunk)
        chunk = f.read(_CHUNK)


def sniff_encoding(path: Path, fallback: str | None = "cp1252") -> tuple[str, bool]:
    """The codec of a file, by the rule of :func:`refparse.read.decode`, read as a stream.

    UTF-8 with a byte-order mark, then UTF-16 with one, then binary data
    (NUL in the first 8 KB) is refused, then plain UTF-8, then UTF-8 with
    ``fallback`` for the bytes that are not UTF-8 (:func:`open_text` reads
    it so). The whole file is checked before any parsing, so a bad byte at
    the end cannot leave half a conversion.

    Returns:
        ``(codec, fell_back)``: ``utf-8-sig``, ``utf-16``, ``utf-8`` or
        ``fallback``, and whether it is the fallback.

    Raises:
        RejectedInputError: binary data, or bytes no rule decodes (reason
            ``binary`` or ``encoding``).
    """
    with path.open("rb") as f:
        head = f.read(_CHUNK)
        if head.startswith(codecs.BOM_UTF8):
            f.seek(3)
            bad = _validate(f, f.read(_CHUNK), "utf-8", 3)
            if bad is not None:
                raise RejectedInputError("encoding", f"invalid UTF-8 after a UTF-8 byte-order mark at byte {bad}")
            return "utf-8-sig", False
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            if _validate(f, head, "utf-16") is not None:
                raise RejectedInputError("encoding", "invalid UTF-16")
            return "utf-16", False
        if b"\x00" in head[:8192]:
            raise RejectedInputError("binary", "binary data (NUL bytes), not a text file")
        bad = _validate(f, head, "utf-8")
        if bad is None:
            return "utf-8", False
        if not fallback:
            raise RejectedInputError("encoding", f"invalid UTF-8 at byte {bad}")
        f.seek(0)
        # An error now is the fallback's: a byte it leaves undefined too.
        if _validate(f, f.read(_CHUNK), "utf-8", errors=fallback_errors(fallback)) is not None:
            raise RejectedInputError("encoding", f"neither UTF-8 (bad byte at {bad}) nor {fallback}")
        return fallback, True


def open_text(path: Path, encoding: str) -> IO[str]:
    """Open an input as text in the codec :func:`sniff_encoding` chose.

    A fallback codec means: UTF-8, with only the bytes that are not UTF-8
    decoded by the fallback, so a UTF-8 page with a few cp1252 bytes keeps
    its valid UTF-8 (:mod:`refparse.encoding`).
    """
    if encoding in ("utf-8", "utf-8-sig", "utf-16"):
        return path.open(encoding=encoding, errors="strict")
    return path.open(encoding="utf-8", errors=fallback_errors(encoding))


