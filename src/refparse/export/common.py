"""Helpers every exporter shares: flattening untrusted text, and what refparse has to say.

Reference text is untrusted. Line-oriented formats (RIS, BibTeX, a formatted
bibliography) must never let a value span lines: a newline followed by
``ER  -`` would end a RIS record, a blank line would end a BibTeX paragraph.
:func:`flatten` is the one place that decides what counts as a line break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


#: How the pipeline marks, in ``Citation.note``, the lines no field took.
UNPLACED_PREFIX = "refparse: not placed in a field: "
#: Every line refparse itself writes into a note starts so.
_OWN_PREFIX = "refparse:"


@dataclass(frozen=True)
class Findings:
    """What refparse has to say about one citation, apart from its fields.

    Why one object: every format must keep the same things out of the
    fields a style prints (the grammar's reason, text no field took, the
    raw text) and put them where a person or a program can still reach
    them (a CSL ``custom`` object, non-printing BibTeX fields, a RIS
    research note), or into the printed note when the user asks
    (``--annotate``).

    Attributes:
        note: the reference's own note, as printed ("in press", an arXiv
            id): bibliographic content, printed like any field.
        status: ``recovered`` when the grammar rejected the reference, ``suspect`` when
            its values failed a plausibility check, else ``None``.
        reason: why it was not fully parsed or is doubtful (``None`` when neither).
        unplaced: text the grammar accepted but no field took, or ``None``.
        warnings: every warning as ``(code, message)``.
        raw: the reference as printed, when there is anything above to say
            (``None`` for a clean parse: its fields say it all).
    """

    note: str | None
    status: str | None
    reason: str | None
    unplaced: str | None
    warnings: tuple[tuple[str, str], ...]
    raw: str | None

    def __bool__(self) -> bool:
        """Whether there is anything to say beyond the fields."""
        return self.raw is not None

    def state(self) -> str:
        """How the reference was read: "not fully parsed", or "parsed" (a suspect one's reason says "doubtful")."""
        return "parsed" if self.status == "suspect" else "not fully parsed"

    def other_warnings(self) -> list[str]:
        """The warnings' messages but those the state and the unplaced text already say."""
        return [message for code, message in self.warnings if code not in ("grammar", "unplaced", "suspect")]

    def annotation(self) -> str | None:
        """The diagnostics as note text, for ``--annotate`` (one line each).

        Returns:
            ``refparse: not fully parsed (reason). As printed: ...``, the
            unplaced text and other warnings, or ``None``.
        """
        lines = []
        if self.status is not None:
            lines.append(f"refparse: {self.state()} ({self.reason}). As printed: {self.raw}")
        if self.unplaced is not None:
            lines.append(UNPLACED_PREFIX + self.unplaced)
        lines += [f"refparse: {message}" for message in self.other_warnings()]
        return "\n".join(lines) or None


def findings(c: Citation) -> Findings:
    """Split a citation's note from refparse's own diagnostics.

    Args:
        c: the citation.

    Returns:
        Its :class:`Findings`.
    """
    if c.note is None and c.status == "parsed" and not c.warnings:
        return _NOTHING  # most references: no note, no warning (a frozen value, shared)
    note = c.note
    unplaced = None
    if note is not None and _OWN_PREFIX in note:
        lines = note.split("\n")
        own = [line for line in lines if line.startswith(_OWN_PREFIX)]
        kept = [line.removeprefix(UNPLACED_PREFIX) for line in own if line.startswith(UNPLACED_PREFIX)]
        unplaced = "; ".join(kept) or None
        note = "\n".join(line for line in lines if not line.startswith(_OWN_PREFIX)) or None
    recovered = c.status != "parsed"
    warnings = tuple((w.code, w.message) for w in c.warnings)
    say = recovered or unplaced is not None or bool(warnings)
    return Findings(
        note=note,
        status=c.status if recovered else None,
        reason=c.reason if recovered else None,
        unplaced=unplaced,
        warnings=warnings,
        raw=c.raw if say else None,
    )


#: The findings of a clean parse (no note, no warning), which :func:`findings` returns shared.
_NOTHING = Findings(note=None, status=None, reason=None, unplaced=None, warnings=(), raw=None)
