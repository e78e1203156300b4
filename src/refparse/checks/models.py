"""The result of checking one reference against the registry: a status, the differences, the flags.

A check result is its own value, not a field of :class:`~refparse.models.Citation`:
a citation is what the page printed; a check is what Crossref said about it
on one day, and may be repeated.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from .names import FLAGS as FLAGS
from .names import STATUSES as STATUSES
from .names import CheckStatus as CheckStatus
from .names import FlagKind as FlagKind

#: The fields compared, in the order they are reported.
FIELDS = (
    "first-author", "author-count", "title", "journal", "book", "year", "volume", "issue",
    "first-page", "last-page", "article-number",
)


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldDifference(_Value):
    """One printed field that the registry's record contradicts.

    Attributes:
        field: one of :data:`FIELDS`.
        printed: the value as the reference printed it.
        registry: the record's value.
        note: what the comparison saw (a title similarity, "online 2019, print 2020").
    """

    field: str
    printed: str
    registry: str
    note: str | None = None


class Flag(_Value):
    """A retraction, correction, expression of concern or withdrawal of the cited work.

    Attributes:
        kind: one of :data:`FLAGS`.
        notice: the DOI of the notice, when there is one.
        date: the notice's date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).
        source: who recorded it: ``publisher``, ``retraction-watch``, or ``title``
            (the record's title says ``RETRACTED:``).
        label: the registry's label (``Retraction``, ``Correction`` …).
        via: where refparse saw it: ``updated-by`` (the work's record),
            ``notice`` (a notice whose ``update-to`` points at the work, from
            ``filter=updates:{DOI}``) or ``title``.
    """

    kind: FlagKind
    notice: str | None = None
    date: str | None = None
    source: str | None = None
    label: str | None = None
    via: Literal["updated-by", "notice", "title"] = "updated-by"


class WorkSummary(_Value):
    """The registry record a reference was compared with, in a few fields a person reads.

    Attributes:
        doi: the record's DOI.
        type: Crossref's type (``journal-article``, ``book-chapter`` …).
        title: the title (with its subtitle).
        authors: the first few authors as ``Family G``.
        author_count: how many authors the record lists.
        container: the journal or book.
        year: the earliest of the print, online and issued years.
        volume: the volume.
        issue: the issue.
        pages: the page range or article number.
    """

    doi: str
    type: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    author_count: int = 0
    container: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None

    def cite(self) -> str:
        """A one-line description: ``'Title' (Family et al., Journal, 2019), doi:…``."""
        who = self.authors[0] if self.authors else None
        if who and self.author_count > 1:
            who += " et al."
        where = ", ".join(str(p) for p in (who, self.container, self.year) if p)
        title = repr(self.title) if self.title else "an untitled record"
        return f"{title} ({where}), doi:{self.doi}" if where else f"{title}, doi:{self.doi}"


class CheckResult(_Value):
    """What the registry says about one reference.

    Attributes:
        number: the reference's number in its list.
        list_number: 2, 3 … for a reference of a later list in the same input.
        line: the input line the reference starts on.
        title: the printed title (for reading the report).
        status: one of :data:`STATUSES`.
        message: one sentence saying what was found.
        printed_doi: the DOI the reference printed.
        doi: the DOI of the record that is the cited work (for ``doi-mismatch``
            and ``doi-invalid``: the one the search suggests, if any).
        matched_by: ``doi`` (the printed DOI's record) or ``search``.
        score: the agreement of the fields, 0..1 (search matches).
        differences: each printed field the record contradicts.
        flags: retractions, corrections … of the cited work.
        record: the record compared with (for ``doi-mismatch``: the work the
            printed DOI really is).
        suggestion: for ``doi-mismatch`` / ``doi-invalid``, the record the
            search found for the reference.
        notes: what else is worth knowing (an online-first year, several
            records fitting, notices that could not be looked up).
    """

    number: int | None = None
    list_number: int | None = None
    line: int | None = None
    title: str | None = None
    status: CheckStatus
    message: str
    printed_doi: str | None = None
    doi: str | None = None
    matched_by: Literal["doi", "search"] | None = None
    score: float | None = None
    differences: tuple[FieldDifference, ...] = ()
    flags: tuple[Flag, ...] = ()
    record: WorkSummary | None = None
    suggestion: WorkSummary | None = None
    notes: tuple[str, ...] = ()

    @property
    def flag_kinds(self) -> tuple[str, ...]:
        """The distinct flag kinds, in :data:`FLAGS` order."""
        kinds = {f.kind for f in self.flags}
        return tuple(k for k in FLAGS if k in kinds)

    def has(self, name: str) -> bool:
        """Whether the result has this status or this flag (what ``--fail-on`` asks)."""
        return self.status == name or name in self.flag_kinds
