"""Helpers every exporter shares: flattening untrusted text and the recovery note.

Reference text is untrusted. Line-oriented formats (RIS, BibTeX, a formatted
bibliography) must never let a value span lines: a newline followed by
``ER  -`` would end a RIS record, a blank line would end a BibTeX paragraph.
:func:`flatten` is the one place that decides what counts as a line break.
"""

from __future__ import annotations

import re

from ..models import Citation

#: ASCII whitespace and control characters (C0, DEL, C1 including NEL) and the
#: Unicode line and paragraph separators: everything a reader may treat as a
#: line break or that has no business in a field. No-break and thin spaces
#: are printed content and are kept.
_BREAKS = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]+")


def flatten(text: str) -> str:
    """Collapse line breaks, control characters and runs of spaces to one space.

    Why: every line-based format can be broken by a value that contains a
    newline; flattening at the edge makes that impossible whatever the
    parser let through.

    Args:
        text: any text.

    Returns:
        The text on one line, without leading or trailing spaces.
    """
    return _BREAKS.sub(" ", text).strip()


def recovery_note(c: Citation, flat: bool = True) -> str | None:
    """The note that keeps a reference the grammar rejected visible.

    Why: a bad reference is data; the user must see its raw text in every
    format, not only in JSON Lines. The wording matches the CSL-JSON note.

    Args:
        c: the citation.
        flat: on one line (the raw text's line breaks as spaces), for
            formats whose fields are lines; CSL-JSON keeps the raw text exact.

    Returns:
        ``refparse: recovered (reasons). Raw: ...`` or ``None`` for a parsed one.
    """
    if c.status == "parsed":
        return None
    note = f"refparse: {c.status} ({c.reason}). Raw: {c.raw}"
    return flatten(note) if flat else note
