"""The typed citation model every stage produces or consumes.

Models are pydantic v2 and frozen: a citation is a value, stages return new
values (``model_copy(update=...)``) instead of mutating shared state. They
are validated once, when the parser hands a finished reference over, not at
every intermediate step (that is what keeps parsing fast); a name or a date
that recurs is validated once and the same frozen value is shared by the
citations that hold it (see :mod:`refparse.fill`).

Validation never crashes on bad data from a page: an impossible year or an
empty family name becomes a :class:`Diagnostic` on the citation and the value
is dropped, because a reference list is untrusted text and the user needs
every reference back.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: CSL item types refparse produces.
CitationType = Literal[
    "article-journal",
    "book",
    "chapter",
    "paper-conference",
    "report",
    "thesis",
    "webpage",
    "dataset",
    "software",
    "article",
    "document",
]

#: Parse status of a reference: ``parsed`` when the grammar accepted it;
#: ``recovered`` when the grammar rejected it and fields were recovered by the
#: fallback (the citation then carries a ``grammar`` diagnostic); ``suspect``
#: when the grammar accepted it but its fields fail a plausibility check
#: (:mod:`refparse.plausible`; a ``suspect`` diagnostic says why).
Status = Literal["parsed", "recovered", "suspect"]

MIN_YEAR = 1450
MAX_YEAR = 2100


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Result(_Value):
    """A value a stream of citations (``refparse convert``) never makes: built on first use.

    Why: building a model's validator at import costs about a millisecond, and a one-file
    conversion is mostly import time; the validator is the same whenever it is built.
    """

    model_config = ConfigDict(defer_build=True)


class Diagnostic(_Value):
    """A warning attached to a citation or a document.

    Attributes:
        code: a stable machine-readable code (``grammar``, ``year-range`` ...).
        message: one human sentence.
        line: 1-based input line the warning is about, when known.
    """

    code: str
    message: str
    line: int | None = None


class Span(_Value):
    """Where a reference sits in the input: 1-based inclusive line numbers."""

    start: int
    end: int


class Person(_Value):
    """A personal name as printed, split into its parts.

    ``given`` keeps what the page printed (``RE``, ``R. S.``, ``Juan Luis``);
    ``initials`` is the canonical dotted form derived from it (``R.E.``).
    ``particle`` holds a non-dropping particle (``van der``) so that
    ``family`` sorts and matches on the core surname.
    """

    kind: Literal["person"] = "person"
    family: str
    given: str | None = None
    initials: str | None = None
    particle: str | None = None
    suffix: str | None = None

    @field_validator("family")
    @classmethod
    def _family_not_blank(cls, family: str) -> str:
        # A field validator, not a model one: it runs when a name is validated,
        # not again each time a citation takes the validated name as it is.
        if not family.strip():
            raise ValueError("empty family name")
        return family


class Organization(_Value):
    """A collective author (a committee, a consortium, a ministry)."""

    kind: Literal["organization"] = "organization"
    name: str


#: A plain union, not one discriminated by ``kind``: ``kind`` is a literal and
#: extra fields are forbidden, so a dict still validates as exactly one of the
#: two, and a model instance is accepted by an ``isinstance`` test (the
#: discriminator's lookup cost about 0.7 µs a name in every citation).
Contributor = Person | Organization


class PubDate(_Value):
    """A publication date as far as it was printed.

    ``year_suffix`` keeps the author–year disambiguation letter (``2011a``).
    """

    year: int
    month: int | None = None
    day: int | None = None
    year_suffix: str | None = None
    printed: str | None = None


class Pages(_Value):
    """A page range or locator.

    ``first``/``last`` are expanded (``1572-81`` gives last ``1581``); ``printed``
    keeps the range exactly as the page showed it.
    """

    first: str
    last: str | None = None
    printed: str


class Event(_Value):
    """The event a conference paper was presented at."""

    title: str | None = None
    place: str | None = None
    date: str | None = None
    session: str | None = None


class Match(_Value):
    """Evidence for a DOI found by enrichment, so a user can audit it."""

    doi: str
    score: float
    source: str = "crossref"
    evidence: dict[str, Any] = Field(default_factory=dict)


class Citation(_Value):
    """One reference, parsed (or recovered) from its raw text.

    Every reference that goes in comes out as a Citation: a reference the
    grammar rejected has ``status="recovered"``, the fields the fallback could
    find, its ``raw`` text, and a diagnostic naming the reason.
    """

    number: int | None = None
    #: 2, 3 ... when the input held several numbered lists (pages pasted
    #: together) and this reference belongs to a later one; None in the first.
    list_number: int | None = None
    type: CitationType = "article-journal"
    authors: tuple[Contributor, ...] = ()
    et_al: bool = False
    editors: tuple[Contributor, ...] = ()
    editors_et_al: bool = False
    title: str | None = None
    container_title: str | None = None
    container_title_full: str | None = None
    date: PubDate | None = None
    volume: str | None = None
    issue: str | None = None
    supplement: str | None = None
    pages: Pages | None = None
    article_number: str | None = None
    edition: str | None = None
    publisher: str | None = None
    publisher_place: str | None = None
    event: Event | None = None
    genre: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    isbn: str | None = None
    accessed: str | None = None
    abstract: str | None = None
    keywords: tuple[str, ...] = ()
    note: str | None = None
    raw: str = ""
    span: Span | None = None
    status: Status = "parsed"
    warnings: tuple[Diagnostic, ...] = ()
    match: Match | None = None

    @model_validator(mode="before")
    @classmethod
    def _drop_impossible(cls, data: Any) -> Any:
        """Turn impossible values into warnings instead of errors.

        Why: one bad element on a copied page must not cost the user the
        whole reference (nor the whole file).
        """
        if not isinstance(data, dict):
            return data
        notes: list[Diagnostic] = []
        date = data.get("date")
        year = date.get("year") if isinstance(date, dict) else getattr(date, "year", None)
        if isinstance(year, str) and year.strip().isdigit():
            year = int(year)
        if isinstance(year, int) and not isinstance(year, bool) and not (MIN_YEAR <= year <= MAX_YEAR):
            notes.append(Diagnostic(code="year-range", message=f"year {year} is impossible; dropped"))
            data = {**data, "date": None}
        for role in ("authors", "editors"):
            people = data.get(role)
            if people and not all(map(_has_name, people)):
                kept = tuple(p for p in people if _has_name(p))
                for _ in range(len(people) - len(kept)):
                    notes.append(Diagnostic(code="empty-name", message=f"an empty name in {role}; dropped"))
                data = {**data, role: kept}
        if notes:
            data = {**data, "warnings": (*data.get("warnings", ()), *notes)}
        return data

    @property
    def year(self) -> int | None:
        """The publication year, if printed."""
        return self.date.year if self.date else None

    @property
    def reason(self) -> str | None:
        """Why a recovered or suspect citation is not a clean parse; ``None`` when it is.

        The grammar's messages when it rejected something, the doubts when
        its fields are implausible, else the first warning (a card without a
        title, a DOI that is not a DOI).
        """
        if self.status == "parsed":
            return None
        grammar = [w.message for w in self.warnings if w.code in ("grammar", "suspect")]
        if grammar:
            return "; ".join(grammar)
        return self.warnings[0].message if self.warnings else "rejected"


def _has_name(p: Any) -> bool:
    """Whether a person or organisation (a dict or a model) has a non-blank name."""
    if type(p) is Person:  # validated: its family name is never blank (most names, checked at once)
        return True
    if isinstance(p, dict):
        name = p["family"] if "family" in p else p.get("name", "x")
    else:
        name = getattr(p, "family", None) or getattr(p, "name", "x")
    return bool(str(name).strip())


class Failure(_Result):
    """A reference the grammar rejected, as listed by :attr:`ParseResult.failures`."""

    number: int | None
    span: Span | None
    raw: str
    reason: str


class ParseResult(_Result):
    """Everything one input produced: citations in order plus what was skipped.

    Attributes:
        citations: one per reference, in input order, parsed or recovered.
        preface: text before the reference list (not a reference).
        noise: page furniture after the list ("Back to top" ...), not references.
        format: the input format that was read (``linebroken``, ``card`` ...).
        warnings: document-level diagnostics.
    """

    citations: tuple[Citation, ...] = ()
    preface: str | None = None
    noise: tuple[str, ...] = ()
    format: str = "linebroken"
    warnings: tuple[Diagnostic, ...] = ()

    @property
    def failures(self) -> list[Failure]:
        """References the grammar rejected (still present in ``citations``)."""
        return [
            Failure(number=c.number, span=c.span, raw=c.raw, reason=c.reason or "rejected")
            for c in self.citations
            if c.status == "recovered"
        ]
