"""Stage 5 — the matcher's field comparisons and acceptance rules, table-driven.

Records are shaped like Crossref's (``fixtures/crossref/`` holds real ones);
each distractor kind the issue names has its own row: same-title
corrections, errata, retractions, replies and letters, reprints, preprints,
``journal-issue`` and ``component`` records.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from refparse import Citation
from refparse.enrich import assess, build_query, choose
from refparse.enrich import fields as f
from refparse.enrich.validate import gate

FIXTURES = __import__("pathlib").Path(__file__).resolve().parent.parent / "fixtures" / "crossref"


def cite(**fields: Any) -> Citation:
    """A parsed citation with sensible defaults (the seed's first reference)."""
    base: dict[str, Any] = {
        "authors": [{"kind": "person", "family": "Gupta", "given": "S"}, {"kind": "person", "family": "Rau", "given": "RE"}],
        "title": "Blinatumomab in standard-risk B-cell acute lymphoblastic leukemia in children",
        "container_title": "N Engl J Med",
        "date": {"year": 2025},
        "volume": "392",
        "pages": {"first": "875", "last": "891", "printed": "875-891"},
    }
    base.update(fields)
    return Citation.model_validate(base)


def work(**fields: Any) -> dict[str, Any]:
    """The Crossref record of that article, in the API's shape."""
    base: dict[str, Any] = {
        "DOI": "10.1056/nejmoa2411680",
        "type": "journal-article",
        "title": ["Blinatumomab in Standard-Risk B-Cell Acute Lymphoblastic Leukemia in Children"],
        "author": [
            {"given": "Sumit", "family": "Gupta", "sequence": "first", "affiliation": []},
            {"given": "Rachel E.", "family": "Rau", "sequence": "additional", "affiliation": []},
        ],
        "container-title": ["New England Journal of Medicine"],
        "short-container-title": ["N Engl J Med"],
        "published-online": {"date-parts": [[2024, 12, 7]]},
        "published-print": {"date-parts": [[2025, 2, 27]]},
        "issued": {"date-parts": [[2024, 12, 7]]},
        "volume": "392",
        "issue": "9",
        "page": "875-891",
        "score": 61.2,
    }
    base.update(fields)
    return base


# ------------------------------------------------------------------ fold / title
@pytest.mark.parametrize(
    ("text", "folded"),
    [
        pytest.param("<i>Drosophila</i> Hox\u2013genes", "drosophila hox genes", id="markup-and-dash"),
        pytest.param("M\u00fcller &amp; Fo\u00e0", "muller foa", id="accents-and-entities"),
        pytest.param("life\u2010history trade\u2010offs", "life history trade offs", id="unicode-hyphen"),
        pytest.param("<scp>T</scp>reebase:\n an R package", "t reebase an r package", id="scp-and-newline"),
        pytest.param(None, "", id="none"),
    ],
)
def test_fold(text: str | None, folded: str) -> None:
    assert f.fold(text) == folded


@pytest.mark.parametrize(
    ("cited", "candidate", "grade"),
    [
        pytest.param("A map of human genome variation", "A Map of Human Genome Variation.", "exact", id="case-and-period"),
        pytest.param("Tumour growth in vitro", "Tumor growth in vitro", "close", id="spelling"),
        pytest.param("Effects of malaria treatment on school performance: a trial", "Effects of malaria treatment on school performance", "main-title", id="subtitle-missing"),
        pytest.param("Malaria: a review of recent trials", "Malaria", "short-main", id="short-main-title-is-only-near"),
        pytest.param("Social learning in mice and rats", "Social learning in mice and bats", "fuzzy", id="one-word-substituted"),
        pytest.param("Gene regulation in plants", "Protein folding in bacteria", "low", id="different"),
    ],
)
def test_compare_title_grades(cited: str, candidate: str, grade: str) -> None:
    assert f.compare_title(cited, [f.fold(candidate)])[2] == grade


def test_title_variants_join_subtitle() -> None:
    variants = f.title_variants({"title": ["Effects of X on Y"], "subtitle": ["a trial"]})
    assert f.compare_title("Effects of X on Y: a trial", variants)[2] == "exact"


@pytest.mark.parametrize(
    ("a", "b", "substituted"),
    [
        pytest.param("growth in mice", "growth in rats", True, id="mice-rats"),
        pytest.param("model part i", "model part ii", True, id="part-numbers"),
        pytest.param("tumour growth", "tumor growth", False, id="spelling-is-not-substitution"),
        pytest.param("growth in mice", "growth in mice and rats", False, id="addition-only"),
    ],
)
def test_substitution(a: str, b: str, substituted: bool) -> None:
    assert f.substitution(a, b) is substituted


# ------------------------------------------------------------------ authors
@pytest.mark.parametrize(
    ("cited", "authors", "verdict"),
    [
        pytest.param("Gupta", [{"family": "Gupta"}], "agree", id="same"),
        pytest.param("Muller", [{"family": "M\u00fcller"}], "agree", id="accent"),
        pytest.param("van der Sluis", [{"family": "Sluis"}], "agree", id="particle"),
        pytest.param("Garcia", [{"family": "Garc\u00eda-L\u00f3pez"}], "agree", id="compound"),
        pytest.param("Wu", [{"family": "Wu-Tanaka"}], "agree", id="short-compound"),
        pytest.param("Rau", [{"family": "Gupta"}, {"family": "Rau"}], "agree", id="second-position"),
        pytest.param("Perkins", [{"family": "Alex Perkins", "given": "T."}], "agree", id="given-in-family"),
        pytest.param("Smith", [{"family": "Jones"}], "conflict", id="other-person"),
        pytest.param("Smith", [{"name": "1000 Genomes Consortium"}, {"family": "Jones"}], "absent", id="consortium-first"),
        pytest.param("Smith", [], "absent", id="no-authors"),
    ],
)
def test_compare_first_author(cited: str, authors: list[dict[str, str]], verdict: str) -> None:
    person = cite(authors=[{"kind": "person", "family": cited}]).authors[0]
    assert f.compare_first_author(person, authors) == verdict


def test_organisation_never_conflicts() -> None:
    org = cite(authors=[{"kind": "organization", "name": "WHO"}]).authors[0]
    assert f.compare_first_author(org, [{"name": "World Health Organization"}]) == "absent"
    assert f.compare_first_author(org, [{"name": "WHO"}]) == "agree"


# ------------------------------------------------------------------ year, volume, page, container
def _dates(**years: int) -> dict[str, Any]:
    return {k.replace("_", "-"): {"date-parts": [[y]]} for k, y in years.items()}


@pytest.mark.parametrize(
    ("cited", "dates", "verdict"),
    [
        pytest.param(2025, _dates(published_print=2025, published_online=2024, issued=2024), "agree", id="print-year"),
        pytest.param(2024, _dates(published_print=2025, published_online=2024, issued=2024), "agree", id="online-year"),
        pytest.param(2025, _dates(published_online=2024, issued=2024), "near", id="online-first-no-print"),
        pytest.param(2023, _dates(published_print=2024, issued=2024), "near", id="print-only-cited-earlier"),
        pytest.param(2025, _dates(published_print=2024, issued=2024), "conflict", id="print-only-cited-later"),
        pytest.param(2026, _dates(published_print=2025, published_online=2024, issued=2024), "conflict", id="both-known"),
        pytest.param(2010, _dates(issued=2011), "near", id="issued-only"),
        pytest.param(2015, _dates(posted=2015), "agree", id="posted"),
        pytest.param(2019, _dates(published_print=2012), "conflict", id="reprint-years"),
        pytest.param(None, _dates(issued=2011), "absent", id="no-cited-year"),
    ],
)
def test_compare_year(cited: int | None, dates: dict[str, Any], verdict: str) -> None:
    assert f.compare_year(cited, dates) == verdict


@pytest.mark.parametrize(
    ("cited", "volume", "verdict"),
    [
        pytest.param("392", "392", "agree", id="same"),
        pytest.param("12", "12 Suppl 1", "agree", id="supplement"),
        pytest.param("392", "393", "conflict", id="different"),
        pytest.param("15674880", "1", "absent", id="pmid-taken-for-volume"),
        pytest.param(None, "1", "absent", id="none"),
    ],
)
def test_compare_volume(cited: str | None, volume: str | None, verdict: str) -> None:
    assert f.compare_volume(cited, volume) == verdict


@pytest.mark.parametrize(
    ("cited", "item", "verdict"),
    [
        pytest.param("875", {"page": "875-891"}, "agree", id="range"),
        pytest.param("e33693", {"page": "e33693"}, "agree", id="elocator"),
        pytest.param("e1001418", {"article-number": "e1001418"}, "agree", id="article-number"),
        pytest.param("1001418", {"page": "e1001418"}, "agree", id="e-prefix-dropped"),
        pytest.param("875", {"page": "12-19"}, "conflict", id="different"),
        pytest.param("875", {}, "absent", id="no-pages"),
    ],
)
def test_compare_page(cited: str, item: dict[str, str], verdict: str) -> None:
    assert f.compare_page(cited, item) == verdict


@pytest.mark.parametrize(
    ("cited", "names", "verdict"),
    [
        pytest.param("N Engl J Med", ["New England Journal of Medicine"], "agree", id="abbreviation"),
        pytest.param("Proc Natl Acad Sci U S A", ["Proceedings of the National Academy of Sciences"], "agree", id="pnas"),
        pytest.param("PNAS", ["Proceedings National Academy Sciences"], "agree", id="acronym"),
        pytest.param("PLoS One", ["PLOS ONE"], "agree", id="case"),
        pytest.param("Lancet", ["The Lancet"], "agree", id="article-word"),
        pytest.param("Nature", ["Cell"], "conflict", id="different"),
        pytest.param("Nature", [], "absent", id="none"),
    ],
)
def test_compare_container(cited: str, names: list[str], verdict: str) -> None:
    assert f.compare_container(cited, {"container-title": names}) == verdict


# ------------------------------------------------------------------ gates and rules
@pytest.mark.parametrize(
    ("record", "accepted"),
    [
        pytest.param(work(), True, id="the-article"),
        pytest.param(work(title=["Correction: Blinatumomab in Standard-Risk B-Cell Acute Lymphoblastic Leukemia in Children"], author=[], volume="393", page="1012"), False, id="correction-prefix"),
        pytest.param(work(**{"update-to": [{"DOI": "10.1056/nejmoa2411680", "type": "correction"}]}), False, id="update-to-same-title"),
        pytest.param(work(title=['Retraction notice to "Blinatumomab in standard-risk B-cell acute lymphoblastic leukemia in children"']), False, id="retraction-notice"),
        pytest.param(work(title=["Blinatumomab in standard-risk B-cell acute lymphoblastic leukemia in children (vol 392, pg 875, 2025)"]), False, id="wos-style-erratum"),
        pytest.param(work(title=['Reply to "Blinatumomab in standard-risk B-cell acute lymphoblastic leukemia in children"']), False, id="reply-by-same-authors"),
        pytest.param(work(relation={"is-comment-on": [{"id": "10.1056/nejmoa2411680"}]}), False, id="comment-relation"),
        pytest.param(work(author=[{"family": "Okafor", "sequence": "first"}], volume="393", page="1101"), False, id="same-title-letter"),
        pytest.param(work(author=[], page="1101", **{"published-print": {"date-parts": [[2025]]}}), False, id="same-title-letter-no-authors"),
        pytest.param(work(**{"container-title": ["Pediatrics"], "short-container-title": [], "issued": {"date-parts": [[2029]]}, "published-print": {"date-parts": [[2029]]}, "published-online": None, "volume": "15", "page": "1-17"}), False, id="reprint-other-year"),
        pytest.param(work(type="posted-content", subtype="preprint", volume=None, page=None, **{"container-title": [], "institution": [{"name": "medRxiv"}]}), False, id="preprint"),
        pytest.param(work(type="journal-issue", title=[], page=None), False, id="journal-issue"),
        pytest.param(work(type="component", DOI="10.1056/nejmoa2411680.s001", author=[], page=None, volume=None), False, id="component"),
        pytest.param(work(title=["Blinatumomab in standard-risk B-cell acute lymphoblastic leukemia in adults"], page="1201"), False, id="companion-one-word"),
        pytest.param(work(page=None), True, id="record-without-pages"),
        pytest.param(work(author=[]), True, id="record-without-authors"),
        pytest.param(work(**{"published-online": None, "published-print": {"date-parts": [[2024]]}, "issued": {"date-parts": [[2024]]}}), True, id="year-typo-with-volume-and-page"),
    ],
)
def test_assess(record: dict[str, Any], accepted: bool) -> None:
    record = {k: v for k, v in record.items() if v is not None}
    result = assess(cite(), record)
    assert result.accepted is accepted, (result.reason, result.evidence)


def test_locator_rule_rescues_a_misparsed_title() -> None:
    wrong_title = cite(title="Rau", authors=[{"kind": "organization", "name": "Gupta S"}])
    result = assess(wrong_title, work())
    assert result.accepted and result.reason.startswith("locator")


def test_locator_rule_refuses_page_one() -> None:
    wrong_title = cite(title="Rau", pages={"first": "1", "printed": "1"})
    assert not assess(wrong_title, work(page="1-17")).accepted


def test_preprint_accepted_when_a_preprint_is_cited() -> None:
    preprint = work(type="posted-content", volume=None, page=None, **{"container-title": [], "institution": [{"name": "medRxiv"}]})
    preprint = {k: v for k, v in preprint.items() if v is not None}
    assert gate(cite(container_title="medRxiv", volume=None, pages=None), preprint) is None


def test_choose_ambiguous_between_two_dois() -> None:
    best, _, ambiguous = choose(cite(), [work(), work(DOI="10.1056/duplicate")])
    assert best is None and ambiguous


def test_choose_prefers_the_article_over_its_notices() -> None:
    notices = [work(DOI="10.1/c", title=["Correction: " + work()["title"][0]]), work(DOI="10.1/i", type="journal-issue")]
    best, assessments, ambiguous = choose(cite(), [*notices, work()])
    assert best is not None and best.doi == "10.1056/nejmoa2411680" and not ambiguous
    assert [a.accepted for a in assessments] == [False, False, True]


def test_real_worklist_article_beats_its_own_preprint() -> None:
    """The recorded Crossref answer holds a journal article and its bioRxiv preprint."""
    items = json.loads((FIXTURES / "works_query_ecology_author_boettiger.json").read_text())["message"]["items"]
    citation = cite(
        authors=[{"kind": "person", "family": "Perkins", "given": "TA"}, {"kind": "person", "family": "Boettiger", "given": "C"}],
        title="After the games are over: life-history trade-offs drive dispersal attenuation following range expansion",
        container_title="Ecol Evol",
        date={"year": 2016},
        volume="6",
        pages={"first": "6425", "last": "6434", "printed": "6425-34"},
    )
    best, assessments, _ = choose(citation, items)
    assert best is not None and best.doi == "10.1002/ece3.2314"
    preprint = next(a for a in assessments if a.doi == "10.1101/014852")
    assert not preprint.accepted and "preprint" in preprint.reason


# ------------------------------------------------------------------ query
def test_query_uses_fields_not_noise() -> None:
    c = cite(raw="Gupta S, Rau RE. Blinatumomab ... doi: 10.1056/x. PMID: 123. Accessed 2025.", pmid="123")
    q = build_query(c)
    assert q is not None
    assert q.startswith("Gupta Rau Blinatumomab") and "875" in q and "392" in q
    assert "doi" not in q.lower() and "PMID" not in q and "Accessed" not in q


def test_no_query_without_enough_fields() -> None:
    assert build_query(cite(title=None, container_title=None)) is None
    assert build_query(cite(title=None)) is not None  # author + journal + volume/page still identify a work
