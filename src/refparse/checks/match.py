"""Which registry record *is* the cited work — when some printed fields may be wrong.

Enrichment (:func:`refparse.enrich.choose`) adds a DOI only when nothing
contradicts the reference. A check must go further: a reference with a
mistyped volume is still the same work, and saying "not found" for it would
hide the typo. So a check identifies the work in two steps:

1. the enrichment's rules (:func:`~refparse.enrich.choose`), unchanged;
2. if they accept nothing, :func:`identity_rule` over the same candidates:
   strong agreement on what identifies a work, with at most one contradicted
   locator — the contradiction is then reported as a difference, never
   silently accepted.

:func:`same_work` judges the record a *printed DOI* resolves to, where the
DOI itself is the evidence and only a clear contradiction makes it another work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..enrich.fields import Verdict, Work, fold, significant_words, year_of
from ..enrich.validate import AMBIGUITY_MARGIN, BOOK_TYPES, Assessment, assess, first_page_of, gate, verdicts
from ..models import Citation
from .compare import record_container, record_name, record_people, record_title
from .models import WorkSummary

_LOCATORS = ("year", "volume", "page")


@dataclass(frozen=True)
class Identified:
    """The candidate a check compares with, and how it was chosen.

    Attributes:
        item: the Crossref record.
        score: the weighted agreement (see :mod:`refparse.enrich.validate`).
        rule: the rule that identified it.
        rivals: other DOIs that fitted nearly as well.
    """

    item: Work
    score: float
    rule: str
    rivals: tuple[str, ...] = ()


def identity_rule(v: dict[str, Verdict], grade: str, page: str | None, words: int = 3) -> str | None:
    """The rule identifying a candidate whose fields partly disagree, or ``None``.

    * ``title+author``: the title (identical when a locator is contradicted)
      and the first author agree, two of year/volume/page/journal agree, and
      at most one of year/volume/page is contradicted;
    * ``title+locator``: the identical title, and journal, year, volume and
      page all agree, the first author does not (a misspelt name);
    * ``author+locator``: the title does not agree (a translated or garbled
      title), but the first author, year, volume and a first page other than
      ``1`` do.

    ``words`` is the number of significant words in the cited title: with
    a contradiction, a title of fewer than three identifies nothing.
    """
    agree = [k for k in (*_LOCATORS, "container") if v[k] == "agree"]
    conflicts = [k for k in _LOCATORS if v[k] == "conflict"]
    # With a locator contradicted, only the identical title will do: a companion paper's
    # title differs by a word, and "close" would let it in.
    title_ok = grade == "exact" if conflicts or v["author"] == "conflict" else grade in ("exact", "close")
    if (conflicts or v["author"] == "conflict") and words < 3:
        title_ok = False  # a short title ("Obesity", "Malaria") is shared by many works
    if title_ok and v["author"] == "agree" and len(agree) >= 2 and len(conflicts) <= 1:
        return "title+author (" + "+".join(agree) + ")"
    if title_ok and v["author"] == "conflict" and len(agree) == 4:
        return "title+locator (author differs)"
    if v["author"] == "agree" and all(v[k] == "agree" for k in _LOCATORS) and page and page.strip() not in ("1", "i"):
        return "author+locator (title differs)"
    return None


def identify(citation: Citation, items: Sequence[Work]) -> Identified | None:
    """The search candidate that is the cited work, if one can be told.

    Args:
        citation: the printed reference.
        items: Crossref's candidates, best-ranked first.

    Returns:
        The identified record (with rivals when two accepted records fit
        about equally well — duplicate deposits), or ``None``.
    """
    by_doi = {str(i.get("DOI") or "").lower(): i for i in items if i.get("DOI")}
    assessments = [assess(citation, item) for item in items]
    accepted = sorted((a for a in assessments if a.accepted), key=lambda a: -a.score)
    if accepted:
        return _pick(accepted, by_doi)
    relaxed: list[Assessment] = []
    for item, a in zip(items, assessments, strict=True):
        if not a.doi or gate(citation, item):
            continue
        v, _, grade = verdicts(citation, item)
        if item.get("type") in BOOK_TYPES and v["year"] == "conflict":
            continue  # another edition of the book, not the cited one with a wrong year
        words = len(significant_words(fold(citation.title).split()))
        rule = identity_rule(v, grade, first_page_of(citation), words)
        if rule:
            relaxed.append(Assessment(a.doi, True, a.score, rule, a.evidence))
    if not relaxed:
        return None
    return _pick(sorted(relaxed, key=lambda a: -a.score), by_doi)


def _pick(ranked: list[Assessment], by_doi: dict[str, Work]) -> Identified:
    best = ranked[0]
    rivals = tuple(
        a.doi for a in ranked[1:] if a.doi.lower() != best.doi.lower() and best.score - a.score < AMBIGUITY_MARGIN
    )
    return Identified(by_doi[best.doi.lower()], best.score, best.reason, rivals)


def same_work(citation: Citation, item: Work) -> str | None:
    """Why the record a printed DOI resolves to is *not* the cited work, or ``None`` when it is.

    The DOI is itself strong evidence, so the record is the work unless it is
    a kind of record no reference cites (a notice, an issue, a component) or
    its title and the other fields clearly contradict the reference.
    """
    rejected = gate(citation, item)
    if rejected:
        return f"it is not the work itself: {rejected}"
    v, _, _ = verdicts(citation, item)
    if v["title"] in ("agree", "near"):
        return None
    agree = [k for k in ("author", *_LOCATORS, "container") if v[k] == "agree"]
    conflicts = [k for k in ("author", *_LOCATORS) if v[k] == "conflict"]
    if v["title"] == "absent":
        return None if len(conflicts) < 2 else "its authors and source contradict the reference"
    if len(agree) >= 3 and len(conflicts) <= 1:
        return None  # a title printed in another language, or garbled, with the rest agreeing
    return "its title and " + (", ".join(conflicts) if conflicts else "other fields") + " differ"


def summarize(item: Work) -> WorkSummary:
    """A :class:`WorkSummary` of a Crossref record."""
    people = record_people(item)
    years = [y for key in ("published-print", "published-online", "issued") if (y := year_of(item, key))]
    page = item.get("page") or item.get("article-number")
    return WorkSummary(
        doi=str(item.get("DOI") or "").lower(),
        type=str(item["type"]) if item.get("type") else None,
        title=record_title(item) or None,
        authors=tuple(record_name(a) for a in people[:3]),
        author_count=len(people),
        container=record_container(item) or None,
        year=min(years) if years else None,
        volume=str(item["volume"]) if item.get("volume") else None,
        issue=str(item["issue"]) if item.get("issue") else None,
        pages=str(page) if page else None,
    )
