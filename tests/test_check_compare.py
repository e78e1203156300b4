"""The pure parts of a check, case by case: field comparisons, flags, identity rules, report cells."""

from __future__ import annotations

from typing import Any

import pytest

from refparse import Citation
from refparse.checks import flags
from refparse.checks.compare import JournalNames, compare, issue_verdict
from refparse.checks.match import identify, same_work
from refparse.checks.models import CheckResult, Flag
from refparse.checks.report import csv_row, csv_safe, summary_line


def cited(**fields: Any) -> Citation:
    base: dict[str, Any] = {
        "number": 1, "title": "Deep sea vents and their microbes", "container_title": "J Mar Biol",
        "authors": [{"kind": "person", "family": "Okafor", "given": "M"}, {"kind": "person", "family": "Lindqvist"}],
        "date": {"year": 2020}, "volume": "12", "issue": "3", "pages": {"first": "100", "last": "112", "printed": "100-12"},
    }
    base.update(fields)
    return Citation.model_validate(base)


def record(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "DOI": "10.5555/vents", "type": "journal-article", "title": ["Deep sea vents and their microbes"],
        "author": [{"family": "Okafor", "given": "Maria"}, {"family": "Lindqvist", "given": "Anna"}],
        "container-title": ["Journal of Marine Biology"], "short-container-title": ["J Mar Biol"],
        "published-print": {"date-parts": [[2020, 2]]}, "issued": {"date-parts": [[2020, 2]]},
        "volume": "12", "issue": "3", "page": "100-112",
    }
    base.update(fields)
    return base


def fields_of(c: Citation, r: dict[str, Any], journals: JournalNames | None = None) -> list[tuple[str, str, str]]:
    return [(d.field, d.printed, d.registry) for d in compare(c, r, journals)[0]]


@pytest.mark.parametrize(
    ("citation", "item", "expected"),
    [
        pytest.param(cited(), record(), [], id="same"),
        pytest.param(cited(), record(title=["Deep-sea <i>vents</i> and their Microbes."]), [], id="markup-and-case"),
        pytest.param(cited(title="Deep sea vents and their microbes: a survey"), record(), [], id="printed-subtitle"),
        pytest.param(cited(), record(title=["Deep sea vents and their microbes: a long survey of the Pacific"]), [],
                     id="deposited-subtitle"),
        pytest.param(cited(title="[Deep sea vents and their microbes]"), record(title=["Fontes hidrotermais e micróbios"]), [],
                     id="translated-title-in-brackets"),
        pytest.param(cited(title="Deep sea vents and their viruses"), record(),
                     [("title", "Deep sea vents and their viruses", "Deep sea vents and their microbes")], id="title-word"),
        pytest.param(cited(container_title="Proc Natl Acad Sci U S A"),
                     record(**{"container-title": ["Proceedings of the National Academy of Sciences"], "short-container-title": []}),
                     [], id="journal-abbreviation"),
        pytest.param(cited(container_title="Nature"), record(),
                     [("journal", "Nature", "Journal of Marine Biology")], id="journal-other"),
        pytest.param(cited(), record(page="100-12"), [], id="abbreviated-range-both-sides"),
        pytest.param(cited(pages={"first": "100", "last": "120", "printed": "100-20"}), record(),
                     [("last-page", "120", "112")], id="last-page"),
        pytest.param(cited(pages=None, article_number="e1001"), record(page=None, **{"article-number": "e1001"}), [],
                     id="article-number"),
        pytest.param(cited(pages=None, article_number="e1002"), record(page=None, **{"article-number": "e1001"}),
                     [("article-number", "e1002", "e1001")], id="article-number-differs"),
        pytest.param(cited(issue="suppl 1"), record(issue="Supplement_1"), [], id="supplement-issue"),
        pytest.param(cited(volume=None, issue=None, pages=None), record(), [], id="nothing-to-compare"),
        pytest.param(cited(), record(volume=None, issue=None, page=None), [], id="sparse-deposit"),
        pytest.param(cited(authors=[{"kind": "person", "family": "van der Sluis", "given": "IM"}]),
                     record(author=[{"family": "Sluis", "given": "Inge M."}]), [], id="particle"),
        pytest.param(cited(authors=[{"kind": "organization", "name": "WHO"}]),
                     record(author=[{"name": "World Health Organization"}]), [], id="organisation-never-a-conflict"),
        pytest.param(cited(authors=[{"kind": "person", "family": "Okafor"}, {"kind": "organization", "name": "VENTS Group"}]),
                     record(author=[{"family": "Okafor"}]), [], id="consortium-on-one-side"),
    ],
)
def test_compare(citation: Citation, item: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    assert fields_of(citation, item) == expected


@pytest.mark.parametrize(
    ("year", "dates", "expected"),
    [
        pytest.param(2020, {"published-print": [2020], "published-online": [2019]}, [], id="print"),
        pytest.param(2019, {"published-print": [2020], "published-online": [2019]}, [], id="online"),
        pytest.param(2020, {"published-online": [2019], "issued": [2019]}, [], id="online-first-next-year"),
        pytest.param(2019, {"published-print": [2020], "issued": [2020]}, [], id="print-only-year-before"),
        pytest.param(2021, {"published-online": [2019], "issued": [2019]}, [("year", "2021", "2019 (online)")],
                     id="two-after-online"),
        pytest.param(2021, {"issued": [2020]}, [("year", "2021", "2020")], id="issued-only-one-off"),
        pytest.param(2017, {"published-print": [2020], "published-online": [2019]},
                     [("year", "2017", "2020 (print), 2019 (online)")], id="three-off"),
        pytest.param(1997, {"published-print": [1997], "published-online": [2005]}, [], id="digitised-later"),
    ],
)
def test_year(year: int, dates: dict[str, list[int]], expected: list[tuple[str, str, str]]) -> None:
    item = {k: v for k, v in record().items() if k not in ("published-print", "issued")}
    item.update({k: {"date-parts": [v]} for k, v in dates.items()})
    assert fields_of(cited(date={"year": year}), item) == expected


@pytest.mark.parametrize(
    ("n", "et_al", "m", "expected"),
    [
        pytest.param(2, False, 2, [], id="equal"),
        pytest.param(3, True, 9, [], id="et-al-more"),
        pytest.param(3, True, 3, [], id="et-al-exactly"),
        pytest.param(3, True, 2, [("author-count", "3 et al.", "2")], id="et-al-fewer"),
        pytest.param(2, False, 5, [("author-count", "2", "5")], id="truncated-without-et-al"),
        pytest.param(4, False, 2, [("author-count", "4", "2")], id="more-printed"),
    ],
)
def test_author_count(n: int, et_al: bool, m: int, expected: list[tuple[str, str, str]]) -> None:
    people = [{"kind": "person", "family": f"Name{i}"} for i in range(n)]
    people[0]["family"] = "Okafor"
    item = record(author=[{"family": "Okafor"}] + [{"family": f"Other{i}"} for i in range(m - 1)])
    assert fields_of(cited(authors=people, et_al=et_al), item) == expected


@pytest.mark.parametrize(
    ("printed", "held", "verdict"),
    [("3", "3", "agree"), ("3-4", "3", "agree"), ("suppl 2", "S2", "agree"), ("2", "12", "conflict"),
     ("Spring", "Spring", "agree"), ("Spring", "2", "absent"), (None, "2", "absent")],
)
def test_issue_verdict(printed: str | None, held: str, verdict: str) -> None:
    assert issue_verdict(printed, held) == verdict


def test_a_journal_name_learned_from_another_record_of_the_same_issn() -> None:
    issn = {"ISSN": ["0962-8452"], "short-container-title": []}
    current = record(**{"container-title": ["Proceedings of the Royal Society B: Biological Sciences"],
                        "short-container-title": ["Proc. R. Soc. B"], "ISSN": ["0962-8452"]})
    older = record(DOI="10.5555/older", **{"container-title": ["Proceedings. Biological sciences"]}, **issn)
    printed = cited(container_title="Proc R Soc B")
    assert fields_of(printed, older) == [("journal", "Proc R Soc B", "Proceedings. Biological sciences")]
    journals = JournalNames().learn([(printed, current), (cited(container_title="Nature"), record())])
    assert fields_of(printed, older, journals) == []
    assert not journals.knows("Nature", older)


# ------------------------------------------------------------------ identity
def test_a_mistyped_volume_is_still_the_work() -> None:
    found = identify(cited(volume="21"), [record()])
    assert found is not None and found.rule.startswith("title+author")


@pytest.mark.parametrize(
    "look_alike",
    [
        pytest.param(record(DOI="10.5555/letter", author=[{"family": "Haddad"}], page="500"), id="same-title-letter"),
        pytest.param(record(DOI="10.5555/reprint", **{"container-title": ["Ocean Reviews"], "short-container-title": []},
                            volume="40", page="7-9", issued={"date-parts": [[2026]]}, **{"published-print": None}),
                     id="reprint-elsewhere"),
        pytest.param(record(DOI="10.5555/part2", title=["Deep sea vents and their microbes, part II"], page="300-320"),
                     id="part-two"),
        pytest.param(record(DOI="10.5555/erratum", title=["Erratum: Deep sea vents and their microbes"]), id="erratum"),
    ],
)
def test_look_alikes_are_not_the_work_even_for_a_check(look_alike: dict[str, Any]) -> None:
    assert identify(cited(volume="21"), [look_alike]) is None


@pytest.mark.parametrize(
    ("item", "why"),
    [
        pytest.param(record(), None, id="the-work"),
        pytest.param(record(title=["Fontes hidrotermais e seus micróbios"]), None, id="title-in-another-language"),
        pytest.param(record(title=["Glacier retreat"], author=[{"family": "Moreau"}], volume="44", page="9-20"),
                     "its title and author, volume, page differ", id="another-work"),
        pytest.param(record(title=["Correction: Deep sea vents and their microbes"],
                            **{"update-to": [{"DOI": "10.5555/vents", "type": "correction"}]}),
                     "it is not the work itself: update notice (correction)", id="a-notice"),
    ],
)
def test_same_work_for_a_printed_doi(item: dict[str, Any], why: str | None) -> None:
    assert same_work(cited(), item) == why


# ------------------------------------------------------------------ flags
@pytest.mark.parametrize(
    ("value", "kind"),
    [("retraction", "retracted"), ("partial_retraction", "retracted"), ("Correction", "corrected"),
     ("erratum", "corrected"), ("Expression of Concern", "expression-of-concern"), ("withdrawal", "withdrawn"),
     ("new_version", None), ("", None)],
)
def test_update_kind(value: str, kind: str | None) -> None:
    assert flags.update_kind(value) == kind


@pytest.mark.parametrize(
    ("title", "kind"),
    [("RETRACTED: Ocean acidification", "retracted"), ("Retracted article: X", "retracted"),
     ("WITHDRAWN: Rapid sequencing", "withdrawn"), ("Retraction of bones in mice", None),
     ("Retracted", None)],
)
def test_title_prefix(title: str, kind: str | None) -> None:
    assert [f.kind for f in flags.from_title([title])] == ([kind] if kind else [])


def test_flags_merge_keeps_one_per_notice_and_source() -> None:
    own = Flag(kind="retracted", notice="10.1/n", source="publisher", via="updated-by")
    seen_again = Flag(kind="retracted", notice="10.1/N", source="publisher", via="notice")
    watch = Flag(kind="retracted", notice="10.1/n", source="retraction-watch", via="updated-by")
    title = Flag(kind="retracted", source="title", via="title")
    assert flags.merge([seen_again, title, own, watch]) == (own, watch)


def test_date_text() -> None:
    assert [flags.date_text(v) for v in ({"date-parts": [[2012, 5, 8]]}, {"date-parts": [[2012]]},
                                         {"date-parts": [[None]]}, "2012")] == ["2012-05-08", "2012", None, None]


# ------------------------------------------------------------------ report
@pytest.mark.parametrize(
    ("value", "cell"),
    [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("Deep sea = vents", "Deep sea = vents"), (None, ""), (12, "12")],
)
def test_csv_cells_are_protected_against_formulas(value: object, cell: str) -> None:
    assert csv_safe(value) == cell


def test_every_csv_cell_of_a_hostile_reference_is_protected() -> None:
    r = CheckResult(number=3, title="=cmd|' /C calc'!A0", status="not-found", message="-not found in Crossref",
                    notes=("@note",))
    row = csv_row("+input.txt", r)
    assert row[0] == "'+input.txt" and row[10] == "'=cmd|' /C calc'!A0" and row[9].startswith("'-")
    assert row[12] == "'@note"


def test_summary_line_names_what_needs_a_look() -> None:
    results = [CheckResult(status="verified", message=""), CheckResult(status="mismatch", message=""),
               CheckResult(status="verified", message="", flags=(Flag(kind="retracted"),))]
    assert summary_line(results) == "3 references: 2 verified, 1 mismatch, 1 retracted"
    assert summary_line([]) == "0 references: 0 verified"


# ------------------------------------------------------------------ the matcher's relaxations and their hard negatives
def book(**fields: Any) -> Citation:
    base: dict[str, Any] = {"number": 1, "type": "book", "title": "The theory of branching processes",
                            "authors": [{"kind": "person", "family": "Harris", "given": "TE"}],
                            "date": {"year": 2002}, "publisher": "Dover"}
    base.update(fields)
    return Citation.model_validate(base)


def edited(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"DOI": "10.5555/branching", "type": "edited-book", "title": ["The theory of branching processes"],
                            "editor": [{"family": "Harris", "given": "T. E."}], "publisher": "Dover Publications",
                            "published-print": {"date-parts": [[2002]]}, "published-online": {"date-parts": [[2013]]},
                            "issued": {"date-parts": [[2002]]}}
    base.update(fields)
    return base


TRANSLATED = record(title=["Fontes hidrotermais profundas e seus micróbios"],
                    **{"container-title": ["Revista de Biologia Marinha"], "short-container-title": []})


@pytest.mark.parametrize(
    ("citation", "item", "rule"),
    [
        pytest.param(cited(), TRANSLATED, "author+year+volume+page (title differs)", id="translated-title"),
        pytest.param(cited(pages={"first": "1", "printed": "1"}), {**TRANSLATED, "page": "1-12"}, None,
                     id="translated-title-page-1-is-no-locator"),
        pytest.param(cited(), {**TRANSLATED, "volume": "13"}, None, id="translated-title-other-volume"),
        pytest.param(cited(pages=None), record(title=["Deep sea vents and their microbes: a long survey of the Pacific"]),
                     "main-title+author+year+volume+container", id="deposited-subtitle"),
        pytest.param(cited(pages=None), record(title=["Deep sea vents and their microbes: part II"]), None,
                     id="deposited-part-two"),
        pytest.param(book(), edited(), "title+author+year", id="edited-book-by-its-editor"),
        pytest.param(book(authors=[]), {**edited(), "editor": []}, "title+year (book)", id="book-no-author-to-compare"),
        pytest.param(book(), {**edited(), "issued": {"date-parts": [[2010]]}, "published-print": None,
                              "published-online": None}, None, id="another-edition"),
        pytest.param(book(), {**edited(), "type": "journal-article", "editor": [], "author": [{"family": "Reviewer"}],
                              "container-title": ["Book Reviews"], "issued": {"date-parts": [[2003]]}}, None,
                     id="book-review"),
        pytest.param(book(), {**edited(), "type": "posted-content", "subtype": "preprint"}, None, id="preprint-for-a-book"),
        pytest.param(book(date={"year": 2001}), {**edited(), "published-print": None, "published-online": None,
                                                   "issued": {"date-parts": [[2002]]}}, None,
                     id="issued-only-year-off-is-not-online-first"),
        pytest.param(cited(volume="12", pages=None, container_title=None),
                     record(**{"published-print": None, "published-online": {"date-parts": [[2019, 11]]},
                               "issued": {"date-parts": [[2019, 11]]}}, volume=None, page=None),
                     "title+author+year (online/print)", id="online-first-year"),
        pytest.param(cited(), record(volume="Vol. 12"), "title+author+year+volume+page+container", id="vol-prefix"),
        pytest.param(cited(pages={"first": "3", "printed": "3"}, container_title="v."), record(),
                     "title+author+year+volume", id="issue-read-as-page"),
        pytest.param(cited(), record(title=["RETRACTED: Deep sea vents and their microbes"]),
                     "title+author+year+volume+page+container", id="retracted-article-itself"),
    ],
)
def test_matching_rules(citation: Citation, item: dict[str, Any], rule: str | None) -> None:
    from refparse.enrich import assess

    a = assess(citation, item)
    assert (a.reason if a.accepted else None) == rule, a.reason
