"""The decoding rule's fallback: text that is UTF-8 stays UTF-8; only the bytes that are not are decoded otherwise.

A page saved as UTF-8 with a few Windows-1252 bytes pasted in (a curly quote,
an ``é`` from another program) used to be decoded wholly as cp1252, which
turned every accented letter of its valid UTF-8 into mojibake (``Ã©``).
Decoding as UTF-8 with the error handler :func:`fallback_errors` names keeps
the UTF-8 and hands only each invalid byte sequence to the fallback codec; a
file that is entirely cp1252 comes out as a cp1252 decoder reads it (each
byte above 127 is invalid UTF-8 on its own), except where its bytes happen
to form valid UTF-8 — which, in text, they almost never do.
"""

from __future__ import annotations

import codecs


def fallback_errors(codec: str) -> str:
    """The name of a codec error handler that decodes bytes UTF-8 rejects with ``codec``.

    Registered on first use (``refparse-fallback-cp1252``); use it as
    ``data.decode("utf-8", errors=fallback_errors("cp1252"))`` or in ``open()``.

    Args:
        codec: the fallback codec (``cp1252``, ``latin-1`` ...).

    Returns:
        The handler's name. The handler raises the fallback's own
        :class:`UnicodeDecodeError` for bytes the fallback cannot decode
        either (cp1252 leaves five bytes undefined).

    Raises:
        LookupError: the codec is unknown.
    """
    name = f"refparse-fallback-{codecs.lookup(codec).name}"
    try:
        codecs.lookup_error(name)
    except LookupError:

        def handler(error: UnicodeError) -> tuple[str, int]:
            if not isinstance(error, UnicodeDecodeError):
                raise error
            return error.object[error.start : error.end].decode(codec), error.end

        codecs.register_error(name, handler)
    return name
