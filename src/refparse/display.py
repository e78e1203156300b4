"""Text shown on a terminal: control characters escaped, so that no name can forge a line.

File names, paths and other untrusted text end up in refparse's messages
(``refparse: NAME: empty file``). A name holding a newline would start a line
of its own — one that can pass for refparse's (``refparse: all inputs
converted``) — and escape sequences or bidi controls can move the cursor,
recolour the terminal or reorder what is read. Every message line goes
through :func:`printable` before it is written.
"""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, the Unicode line and paragraph separators, bidi embeddings, overrides and isolates,
#: and lone surrogates (undecodable bytes of a file name).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    r"""The text with every control character written as an escape (``\n``, ``\x1b``, ``\u202e``).

    Args:
        text: one message line, possibly holding file names.

    Returns:
        The same text, safe to print on one line; unchanged when it was already.
    """
    return _UNSAFE.sub(_escape, text)
