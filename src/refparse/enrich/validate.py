"""Deciding whether a Crossref candidate *is* the cited work, with evidence a user can audit.

Crossref's search ranks by relevance, not identity: a correction notice, a
reply, a same-title letter, a reprint or a preprint can rank first. So every
candidate goes through three steps:

1. **gates** reject kinds of record that are never the cited article
   (``journal-issue``, ``component``, update notices, replies and comments,
   titles that merely *contain* the cited title plus "Correction"/"Reply" …,
   preprints when a journal version is cited);
2. **field comparisons** (:mod:`.fields`) give a verdict per field;
3. **rules** accept only on strong evidence (:func:`_rule`, first match wins):

   ====================================  ==========================================
   rule                                  needs
   ====================================  ==========================================
   ``locator``                           journal, year, volume and page agree, page
                                         not ``1``, author not contradicted (the
                                         parsed title is wrong)
   ``author+year+volume+page``           the title contradicts (another language),
                                         the first author, year (or online-first),
                                         volume and a page other than ``1`` agree
   ``… (year differs)``                  title, author, volume and page agree; only
                                         the year contradicts (a typo on one side)
   any other conflict                    rejected (title, author, year, volume, page)
   a book without an agreeing year       rejected (editions share all but the year)
   ``title+author+…``                    title and first author agree, plus one of
                                         year/volume/page/journal
   ``title+author+year (online/print)``  the same, the year one off where the record
                                         has an online or print date
   ``title+…``                           title agrees, no authors on record: page
                                         and one more field
   ``exact-title+…``                     identical title, no authors on record:
                                         year, volume and journal
   ``title+year (book)``                 a book or chapter, title agrees, no author
                                         to compare: year, and the book title, the
                                         publisher or a title of three words
   ``main-title+author+…``               a subtitle on one side only (four words or
                                         more in common), author, year, and volume,
                                         page or journal (a book: nothing more)
   ``fuzzy-title+author+…``              title near, author agrees: page and one more
   ``author+…``                          no title: author, year, volume and page
   ====================================  ==========================================

   A journal name that contradicts counts only when volume or page agree
   (for a book or chapter it is not held against the record). The first
   author is compared with the record's editors when it lists no authors.

Among accepted candidates the best score wins; two different DOIs that are
accepted with nearly the same score are *ambiguous* and yield no DOI.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import Citation
from .fields import (
    Verdict,
    Work,
    compare_container,
    compare_first_author,
    compare_page,
    compare_publisher,
    compare_title,
    compare_volume,
    compare_year,
    fold,
    record_mains,
    significant_words,
    title_variants,
    unrenamed,
)

#: Record types that are never a citable work in a reference list.
REJECT_TYPES = frozenset(
    {
        "journal-issue",
        "journal-volume",
        "journal",
        "component",
        "book-series",
        "book-set",
        "book-track",
        "proceedings",
        "proceedings-series",
        "report-series",
        "report-component",
        "peer-review",
        "grant",
        "database",
    }
)
#: Record types of books and their parts: no volume or pages to agree on, often editors instead of authors.
BOOK_TYPES = frozenset({"book", "monograph", "edited-book", "reference-book", "book-chapter", "book-part",
                        "book-section", "reference-entry"})
#: ``update-to`` types that mark the record as a notice about another work.
NOTICE_UPDATES = frozenset(
    {
        "correction",
        "erratum",
        "corrigendum",
        "retraction",
        "partial_retraction",
        "withdrawal",
        "removal",
        "expression_of_concern",
        "addendum",
        "clarification",
        "comment",
    }
)
#: ``relation`` keys that make the record a response to another work.
RESPONSE_RELATIONS = frozenset({"is-review-of", "is-comment-on", "is-reply-to", "is-supplement-to"})
_NOTICE_START = re.compile(
    r"^(?:correction|corrigendum|corrigenda|erratum|errata|retraction|retracted|notice of retraction|"
    r"publisher correction|author correction|withdrawn|withdrawal|expression of concern|"
    r"editorial expression of concern|addendum|in reply|reply|authors reply|author reply|response|"
    r"re|comment|comments|commentary|letter|retraction note)\b"
)
_NOTICE_WORDS = frozenset(
    "correction corrigendum corrigenda erratum errata retraction retracted reply response comment comments "
    "commentary letter addendum withdrawn withdrawal concern vol re".split()
)
_PREPRINT_SERVERS = re.compile(
    r"\b(?:biorxiv|medrxiv|arxiv|chemrxiv|psyarxiv|socarxiv|ssrn|preprints?|research square|authorea|osf)\b"
)
#: How much each field weighs in the reported score (they add up to 1).
WEIGHTS = {"title": 0.45, "author": 0.2, "year": 0.1, "volume": 0.1, "page": 0.1, "container": 0.05}
#: Accepted candidates closer than this in score are ambiguous.
AMBIGUITY_MARGIN = 0.05


@dataclass(frozen=True)
class Assessment:
    """One candidate judged against one citation.

    Attributes:
        doi: the candidate's DOI.
        accepted: whether the evidence is strong enough.
        score: 0..1, the weighted agreement of the fields.
        reason: the rule that accepted it, or why it was rejected.
        evidence: per-field verdicts and the numbers behind them.
    """

    doi: str
    accepted: bool
    score: float
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)


def first_page_of(citation: Citation) -> str | None:
    """The cited first page, or the article number / e-locator when there are no pages."""
    return citation.pages.first if citation.pages else citation.article_number


def _notice(cited_title: str, item: Work) -> str | None:
    """Why the candidate is a notice or response rather than the work, or ``None``."""
    updates = {str(u.get("type", "")).lower() for u in item.get("update-to") or [] if isinstance(u, dict)}
    if updates & NOTICE_UPDATES:
        return "update notice (" + ", ".join(sorted(updates & NOTICE_UPDATES)) + ")"
    relations = set((item.get("relation") or {}).keys()) & RESPONSE_RELATIONS
    if relations:
        return "response to another work (" + ", ".join(sorted(relations)) + ")"
    cited = fold(cited_title)
    for title in title_variants(item):
        if title != unrenamed(title) and _same_title(cited, unrenamed(title)):
            continue  # the retracted or withdrawn article itself, renamed "RETRACTED: …": it is the work
        start = _NOTICE_START.match(title)
        if start and not cited.startswith(start.group(0)):
            return f"notice title ({start.group(0)!r})"
        if cited and cited in title and title != cited:
            extra = set(title.replace(cited, " ").split())
            if extra & _NOTICE_WORDS:
                return "title contains the cited title plus " + ", ".join(sorted(extra & _NOTICE_WORDS))
    return None


def _same_title(cited: str, title: str) -> bool:
    return bool(cited) and compare_title(cited, [title])[2] in ("exact", "close")


def _looks_preprint(citation: Citation) -> bool:
    if _PREPRINT_SERVERS.search(fold(citation.container_title)):
        return True
    if citation.type in ("book", "chapter") or citation.publisher:
        return False  # a book without volume or pages is still a book
    return not citation.container_title and not citation.volume and not citation.pages


def gate(citation: Citation, item: Work) -> str | None:
    """Reject kinds of record that cannot be the cited work.

    Returns:
        The reason for rejecting, or ``None`` when the candidate may be compared.
    """
    kind = str(item.get("type") or "")
    if kind in REJECT_TYPES:
        return f"type {kind}"
    if kind == "posted-content" and not _looks_preprint(citation):
        return "a preprint, but the reference cites a published version"
    if kind == "dataset" and citation.type != "dataset":
        return "a dataset, but the reference is not one"
    return _notice(citation.title or "", item)


def verdicts(citation: Citation, item: Work) -> tuple[dict[str, Verdict], float, str]:
    """Each field's verdict for one candidate, the title similarity and the title grade.

    The first author is compared with the record's authors, or with its
    editors when it lists none (an edited book); a reference that prints
    only editors is compared by its first editor.

    Returns:
        ``({"title", "author", "year", "volume", "page", "container", "publisher"}
        → verdict, similarity 0..1, grade)`` — what the rules and a check read.
    """
    t, sim, grade = compare_title(citation.title, title_variants(item), record_mains(item))
    people = citation.authors or citation.editors
    first = people[0] if people else None
    out = {
        "title": t,
        "author": compare_first_author(first, _people(item)),
        "year": compare_year(citation.year, item),
        "volume": compare_volume(citation.volume, item.get("volume")),
        "page": compare_page(first_page_of(citation), item),
        "container": compare_container(citation.container_title, item),
        "publisher": compare_publisher(citation.publisher, item),
    }
    return out, sim, grade


def _people(item: Work) -> list[Work]:
    for key in ("author", "editor"):
        value = item.get(key)
        if isinstance(value, list) and any(isinstance(a, dict) for a in value):
            return [a for a in value if isinstance(a, dict)]
    return []


def _score(v: dict[str, Verdict], title_sim: float) -> float:
    s = WEIGHTS["title"] * (title_sim if v["title"] != "absent" else 0.0)
    for name in ("author", "year", "volume", "page", "container"):
        if v[name] == "agree":
            s += WEIGHTS[name]
        elif v[name] == "near":
            s += WEIGHTS[name] / 2
    return round(s, 4)


@dataclass(frozen=True)
class _Context:
    """What the rules need beyond the verdicts.

    Attributes:
        page: the cited first page (a locator is weak when it is ``1``).
        book: the record is a book or a chapter (no volume, no pages to agree on).
        title_words: significant words in the cited title.
        dated: the record has a print or an online date (so a one-year gap can be online-first).
    """

    page: str | None
    book: bool
    title_words: int
    dated: bool = True


def _locator_page(page: str | None) -> bool:
    return bool(page) and (page or "").strip() not in ("1", "i")


def _rule(v: dict[str, Verdict], grade: str, ctx: _Context) -> tuple[bool, str]:
    """Apply the acceptance rules to the field verdicts (first match wins; see the module's table).

    ``grade`` is the title grade (``exact`` …). A journal/year/volume/page
    locator identifies an article even when the parsed or printed title is
    wrong (or in another language), but not when the page is ``1`` (many
    online journals start every article there).
    """
    locator = all(v[k] == "agree" for k in ("container", "year", "volume", "page")) and v["author"] != "conflict"
    if locator and v["title"] == "conflict" and _locator_page(ctx.page):
        return True, "locator: container+year+volume+page"
    if (v["title"] == "conflict" and v["author"] == "agree" and v["year"] in ("agree", "near")
            and v["volume"] == "agree" and v["page"] == "agree" and _locator_page(ctx.page)):
        # A title in another language (or garbled by the page): the first author and the
        # year/volume/page locator still name one article, whatever the journal is called.
        return True, "author+year+volume+page (title differs)"
    conflicts = [k for k in ("title", "author", "year", "volume", "page") if v[k] == "conflict"]
    if conflicts == ["year"] and all(v[k] == "agree" for k in ("title", "author", "volume", "page")):
        # Same title, author, volume and first page: one side got the year wrong.
        return True, "title+author+volume+page (year differs)"
    if conflicts:
        return False, "conflict: " + ", ".join(conflicts)
    support = [k for k in ("year", "volume", "page", "container") if v[k] == "agree"]
    if v["container"] == "conflict" and not ctx.book:
        # A different journal name is only tolerated with volume or page agreeing (a book's
        # title, series or publisher is printed in too many ways to hold against a book).
        support = [k for k in support if k != "container"] if {"volume", "page"} & set(support) else []
    if ctx.book and v["year"] not in ("agree", "near"):
        return False, "a book without an agreeing year (editions share title, authors and publisher)"
    if v["title"] == "agree" and v["author"] == "agree" and support:
        return True, "title+author+" + "+".join(support)
    if v["title"] == "agree" and v["author"] == "agree" and v["year"] == "near" and ctx.dated:
        return True, "title+author+year (online/print)"
    if v["title"] == "agree" and v["author"] == "absent" and "page" in support and len(support) >= 2:
        return True, "title+" + "+".join(support)
    if grade == "exact" and v["author"] == "absent" and {"year", "volume", "container"} <= set(support):
        return True, "exact-title+" + "+".join(support)
    if (ctx.book and v["title"] == "agree" and v["author"] == "absent" and v["year"] in ("agree", "near")
            and v["container"] != "conflict"
            and ("container" in support or v["publisher"] == "agree" or ctx.title_words >= 3)):
        # A book or chapter, no author to compare (only editors printed, or none deposited).
        return True, "title+year (book)"
    year_ok = v["year"] == "agree" or (v["year"] == "near" and ctx.dated)
    if (grade == "main-title" and v["author"] == "agree" and year_ok
            and ({"volume", "page", "container"} & set(support) or ctx.book)):
        return True, "main-title+author+" + "+".join(support or ["year"])
    if v["title"] == "near" and v["author"] == "agree" and "page" in support and len(support) >= 2:
        return True, "fuzzy-title+author+" + "+".join(support)
    if v["title"] == "absent" and v["author"] == "agree" and {"year", "volume", "page"} <= set(support):
        return True, "author+" + "+".join(support)
    return False, "weak evidence"


def assess(citation: Citation, item: Work) -> Assessment:
    """Judge one candidate against one citation (gates, field verdicts, rules).

    Args:
        citation: the parsed reference.
        item: one Crossref work record.

    Returns:
        The :class:`Assessment`, accepted or not, with its evidence.
    """
    doi = str(item.get("DOI") or "")
    kind = str(item.get("type") or "")
    evidence: dict[str, Any] = {"type": kind}
    if item.get("score") is not None:
        evidence["crossref_score"] = item["score"]
    if not doi:
        return Assessment(doi, False, 0.0, "no DOI in record", evidence)
    rejected = gate(citation, item)
    found, sim, grade = verdicts(citation, item)
    evidence.update(found)
    evidence["title_similarity"] = round(sim, 3)
    evidence["title_grade"] = grade
    score = _score(found, sim)
    if rejected:
        return Assessment(doi, False, score, rejected, evidence)
    dated = any(item.get(k) for k in ("published-print", "published-online"))
    words = len(significant_words(fold(citation.title).split()))
    ctx = _Context(first_page_of(citation), kind in BOOK_TYPES, words, dated)
    accepted, reason = _rule(found, grade, ctx)
    return Assessment(doi, accepted, score, reason, evidence)


def choose(citation: Citation, items: Sequence[Work]) -> tuple[Assessment | None, list[Assessment], bool]:
    """Pick the candidate that is the cited work, if the evidence allows one.

    Args:
        citation: the parsed reference.
        items: Crossref's candidates, best-ranked first.

    Returns:
        ``(chosen or None, every assessment in rank order, ambiguous)``;
        ``ambiguous`` is true when two different DOIs were accepted with
        scores closer than :data:`AMBIGUITY_MARGIN` (then nothing is chosen).
    """
    assessments = [assess(citation, item) for item in items]
    accepted = sorted((a for a in assessments if a.accepted), key=lambda a: -a.score)
    if not accepted:
        return None, assessments, False
    best = accepted[0]
    rivals = [a for a in accepted[1:] if a.doi.lower() != best.doi.lower()]
    if rivals and best.score - rivals[0].score < AMBIGUITY_MARGIN:
        return None, assessments, True
    return best, assessments, False
