"""``refparse.check`` over real HTTP: every status, every flag, time-outs, the cache, the seed page.

A loopback Crossref (``tests/crossref_server.py``) serves hand-made records in
the shapes of the recorded answers (``fixtures/crossref/``): ``updated-by``
entries from the publisher and from Retraction Watch, notices carrying
``update-to`` found only through ``filter=updates:``, a DOI of another
registration agency, answers slower than the client waits. Each expected
status, difference and flag below was worked out by hand from the records.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import refparse
from crossref_server import CrossrefStub, Faults
from gold_registry import registry
from refparse import Citation
from refparse.checks import CheckOptions, CheckResult, check
from refparse.enrich import EnrichOptions

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MAILTO = "test@example.org"


def date(*parts: int) -> dict[str, Any]:
    return {"date-parts": [list(parts)]}


def person(family: str, given: str | None = None) -> dict[str, Any]:
    return {"kind": "person", "family": family, "given": given}


def cite(title: str, authors: list[str], journal: str, year: int, volume: str | None, pages: str | None,
         doi: str | None = None, issue: str | None = None, et_al: bool = False, number: int = 1) -> Citation:
    first, _, last = (pages or "").partition("-")
    return Citation.model_validate({
        "number": number, "title": title, "authors": [person(a) for a in authors], "et_al": et_al,
        "container_title": journal, "date": {"year": year}, "volume": volume, "issue": issue, "doi": doi,
        "pages": {"first": first, "last": last or None, "printed": pages} if pages else None,
    })


def revise(c: Citation, **change: Any) -> Citation:
    """A citation with some fields changed, validated like one the parser made."""
    return Citation.model_validate({**c.model_dump(), **change})


def work(doi: str, title: str, authors: list[str], journal: str, volume: str, page: str, **extra: Any) -> dict[str, Any]:
    rec = {"DOI": doi, "type": "journal-article", "title": [title], "volume": volume, "page": page,
           "author": [{"family": a, "given": "A.", "sequence": "first" if i == 0 else "additional"} for i, a in enumerate(authors)],
           "container-title": [journal], "issued": date(2020, 2), "published-print": date(2020, 2)}
    rec.update(extra)
    return rec


VENTS = work("10.5555/vents", "Deep sea vents and their microbes", ["Okafor", "Lindqvist"], "Journal of Marine Biology",
             "12", "100-112", issue="3", **{"short-container-title": ["J Mar Biol"]},
             **{"published-online": date(2019, 11, 3), "issued": date(2019, 11, 3)})
GLACIERS = work("10.5555/glaciers", "Glacier retreat and meltwater chemistry", ["Moreau", "Tanaka", "Silva"],
                "Journal of Glaciology", "44", "9-20")
ONLINE_ONLY = work("10.5555/online", "Coral bleaching under repeated heat waves", ["Haddad"], "Marine Ecology",
                   "8", "e1001", **{"published-online": date(2019, 12, 20), "issued": date(2019, 12, 20)})
del ONLINE_ONLY["published-print"]
RETRACTED_RW = work("10.5555/rw", "Soil fungi that eat plastic", ["Brennan"], "Soil Biology", "3", "55-60",
                    **{"updated-by": [{"DOI": "10.5555/rw.notice", "type": "retraction", "label": "Retraction",
                                       "source": "retraction-watch", "updated": date(2023, 5, 2), "record-id": 43012}]})
HIDDEN = work("10.5555/hidden", "A vaccine against every cold", ["Ivanova"], "Clinical Virology", "21", "301-309")
HIDDEN_NOTICE = {"DOI": "10.5555/hidden.retraction", "type": "journal-article",
                 "title": ["Retraction notice to: A vaccine against every cold"], "issued": date(2024, 1, 15),
                 "update-to": [{"DOI": "10.5555/hidden", "type": "retraction", "label": "Retraction",
                                "updated": date(2024, 1, 15)}]}
CONCERN = work("10.5555/concern", "Telepathy in laboratory mice", ["Novak"], "Behavioural Science", "2", "1-8")
CONCERN_NOTICE = {"DOI": "10.5555/concern.eoc", "type": "journal-article",
                  "title": ["Expression of concern: Telepathy in laboratory mice"], "issued": date(2022, 6),
                  "update-to": [{"DOI": "10.5555/concern", "type": "expression_of_concern",
                                 "label": "Expression of Concern", "updated": date(2022, 6, 30)}]}
WITHDRAWN = work("10.5555/withdrawn", "WITHDRAWN: Rapid sequencing of ancient grains", ["Kowalski"],
                 "Plant Genomics", "5", "70-79")
RETRACTED_TITLE = work("10.5555/retitle", "RETRACTED: Ocean acidification reverses itself", ["Silva"],
                       "Ocean Chemistry", "9", "10-19")
PLOS = json.loads((FIXTURES / "crossref" / "works_doi_pone.0033693.json").read_text())["message"]
RECORDS = [VENTS, GLACIERS, ONLINE_ONLY, RETRACTED_RW, HIDDEN, HIDDEN_NOTICE, CONCERN, CONCERN_NOTICE, WITHDRAWN,
           RETRACTED_TITLE, PLOS]
AGENCIES = {"10.5061/dryad.abc123": "datacite"}

CITED = {
    "vents": cite("Deep sea vents and their microbes", ["Okafor", "Lindqvist"], "J Mar Biol", 2020, "12", "100-112",
                  issue="3"),
    "glaciers": cite("Glacier retreat and meltwater chemistry", ["Moreau", "Tanaka", "Silva"], "J Glaciol", 2020,
                     "44", "9-20"),
    "plos": cite("Methylphenidate exposure induces dopamine neuron loss and activation of microglia in the basal "
                 "ganglia of mice", ["Sadasivan", "Pond", "Pani", "Qu", "Jiao", "Smeyne"], "PLoS One", 2012, "7",
                 "e33693", doi="10.1371/journal.pone.0033693", issue="3"),
}


def options(stub: CrossrefStub, tmp_path: Path, **kw: Any) -> CheckOptions:
    crossref = {"base_url": stub.url, "mailto": MAILTO, "cache_path": tmp_path / "cache.sqlite", "backoff": 0.01,
                "rate_limit": 1000.0}
    crossref.update(kw)
    return CheckOptions(EnrichOptions(**crossref))


@pytest.fixture
def stub() -> Any:
    with CrossrefStub(RECORDS, agencies=AGENCIES) as server:
        yield server


def one(stub: CrossrefStub, tmp_path: Path, citation: Citation, **kw: Any) -> CheckResult:
    [result] = check([citation], options(stub, tmp_path, **kw))
    return result


def diffs(r: CheckResult) -> list[tuple[str, str, str]]:
    return [(d.field, d.printed, d.registry) for d in r.differences]


# ------------------------------------------------------------------ statuses
def test_verified_by_search_keeps_the_record(stub: CrossrefStub, tmp_path: Path) -> None:
    r = one(stub, tmp_path, CITED["vents"])
    assert (r.status, r.doi, r.matched_by, r.differences, r.flags) == ("verified", "10.5555/vents", "search", (), ())
    assert r.record is not None and r.record.container == "Journal of Marine Biology" and r.record.author_count == 2


def test_verified_by_printed_doi_with_the_real_plos_record(stub: CrossrefStub, tmp_path: Path) -> None:
    r = one(stub, tmp_path, CITED["plos"])
    assert (r.status, r.matched_by, r.doi) == ("verified", "doi", "10.1371/journal.pone.0033693")
    # The recorded answer carries a correction in updated-by: a flag, not a status.
    assert [(f.kind, f.notice, f.date, f.source, f.via) for f in r.flags] == [
        ("corrected", "10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda", "2012-05-08", "publisher", "updated-by")]
    assert [e.path for e in stub.log] == ["/works/10.1371/journal.pone.0033693", "/works"]
    assert stub.log[1].params["filter"] == "updates:10.1371/journal.pone.0033693"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param({"volume": "13"}, [("volume", "13", "12")], id="volume"),
        pytest.param({"issue": "4"}, [("issue", "4", "3")], id="issue"),
        pytest.param({"pages": {"first": "101", "last": "112", "printed": "101-112"}}, [("first-page", "101", "100")],
                     id="first-page"),
        pytest.param({"pages": {"first": "100", "last": "121", "printed": "100-121"}}, [("last-page", "121", "112")],
                     id="last-page"),
        pytest.param({"authors": [person("Okonkwo"), person("Lindqvist")]}, [("first-author", "Okonkwo", "Okafor A")],
                     id="first-author"),
        pytest.param({"authors": [person("Okafor"), person("Lindqvist"), person("Tanaka")]},
                     [("author-count", "3", "2")], id="author-count"),
        pytest.param({"container_title": "Mar Geol"}, [("journal", "Mar Geol", "Journal of Marine Biology")], id="journal"),
        pytest.param({"title": "Deep sea vents and their viruses"},
                     [("title", "Deep sea vents and their viruses", "Deep sea vents and their microbes")], id="title"),
        pytest.param({"date": {"year": 2017}}, [("year", "2017", "2020 (print), 2019 (online)")], id="year-off-by-three"),
    ],
)
def test_each_differing_field_is_a_mismatch_with_both_values(
    stub: CrossrefStub, tmp_path: Path, change: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    r = one(stub, tmp_path, revise(CITED["vents"], **change))
    assert r.status == "mismatch" and r.doi == "10.5555/vents"
    assert diffs(r) == expected
    assert expected[0][0] in r.message and "10.5555/vents" in r.message


def test_et_al_is_respected_in_the_author_count(stub: CrossrefStub, tmp_path: Path) -> None:
    glaciers = CITED["glaciers"]
    fewer = revise(glaciers, authors=glaciers.authors[:1], et_al=True)
    too_many = revise(glaciers, authors=(*glaciers.authors, *glaciers.authors[:1]), et_al=True)
    truncated_silently = revise(glaciers, authors=glaciers.authors[:2])
    out = check([fewer, too_many, truncated_silently], options(stub, tmp_path))
    assert [(r.status, diffs(r)) for r in out] == [
        ("verified", []),
        ("mismatch", [("author-count", "4 et al.", "3")]),
        ("mismatch", [("author-count", "2", "3")]),
    ]


@pytest.mark.parametrize(
    ("year", "status", "note"),
    [
        pytest.param(2019, "verified", None, id="online-year"),
        pytest.param(2020, "verified", None, id="print-year"),
        pytest.param(2021, "mismatch", None, id="after-print"),
        pytest.param(2018, "mismatch", None, id="before-online"),
    ],
)
def test_year_with_online_and_print_dates(stub: CrossrefStub, tmp_path: Path, year: int, status: str, note: None) -> None:
    r = one(stub, tmp_path, revise(CITED["vents"], date={"year": year}))
    assert r.status == status
    assert diffs(r) == ([] if status == "verified" else [("year", str(year), "2020 (print), 2019 (online)")])


def test_a_year_off_by_one_that_online_first_explains_is_verified_with_a_note(stub: CrossrefStub, tmp_path: Path) -> None:
    coral = cite("Coral bleaching under repeated heat waves", ["Haddad"], "Mar Ecol", 2020, "8", None)
    coral = revise(coral, article_number="e1001")
    r = one(stub, tmp_path, coral)
    assert r.status == "verified" and r.doi == "10.5555/online"
    assert any("only an online date (2019)" in n for n in r.notes)
    three_off = one(stub, tmp_path, revise(coral, date={"year": 2022}))
    assert three_off.status == "mismatch" and diffs(three_off) == [("year", "2022", "2019 (online)")]


def test_doi_mismatch_says_which_work_the_doi_is_and_suggests_the_right_one(stub: CrossrefStub, tmp_path: Path) -> None:
    r = one(stub, tmp_path, revise(CITED["vents"], doi="10.5555/glaciers"))
    assert r.status == "doi-mismatch" and r.printed_doi == "10.5555/glaciers"
    assert r.record is not None and r.record.doi == "10.5555/glaciers" and r.record.title == GLACIERS["title"][0]
    assert "'Glacier retreat and meltwater chemistry' (Moreau A et al., Journal of Glaciology, 2020)" in r.message
    assert r.suggestion is not None and r.doi == r.suggestion.doi == "10.5555/vents"


def test_a_doi_typo_is_invalid_and_the_search_finds_the_work(stub: CrossrefStub, tmp_path: Path) -> None:
    r = one(stub, tmp_path, revise(CITED["plos"], doi="10.1371/journal.pone.0033639"))
    assert r.status == "doi-invalid" and "does not resolve" in r.message
    assert r.doi == "10.1371/journal.pone.0033693" and r.suggestion is not None
    assert [f.kind for f in r.flags] == ["corrected"]  # of the cited work, found by the search
    assert [e.path for e in stub.log[:2]] == ["/works/10.1371/journal.pone.0033639",
                                               "/works/10.1371/journal.pone.0033639/agency"]


def test_a_doi_of_another_agency_is_unknown_not_invalid(stub: CrossrefStub, tmp_path: Path) -> None:
    r = one(stub, tmp_path, revise(CITED["vents"], doi="10.5061/dryad.abc123"))
    assert r.status == "unknown" and "registered with DataCite, not Crossref" in r.message


def test_not_found_is_worded_as_not_found_in_crossref(stub: CrossrefStub, tmp_path: Path) -> None:
    ghost = cite("Quantum entanglement of migrating geese", ["Lindgren", "Haas"], "Avian Physics", 2021, "4", "33-41")
    r = one(stub, tmp_path, ghost)
    assert r.status == "not-found" and r.doi is None and r.record is None
    assert "not found in Crossref" in r.message and "fabricat" not in r.message.lower()


def test_lookups_that_time_out_are_unknown_and_the_others_are_checked(stub: CrossrefStub, tmp_path: Path) -> None:
    stub.reset(Faults(delay=3.0, delay_only=r"glacier"))
    out = check([CITED["vents"], CITED["glaciers"]], options(stub, tmp_path, timeout=1.0, max_retries=0))
    assert [r.status for r in out] == ["verified", "unknown"]
    assert "no answer within 1 s" in out[1].message and out[1].doi is None


def test_a_notice_lookup_that_times_out_keeps_a_match_from_being_verified(stub: CrossrefStub, tmp_path: Path) -> None:
    stub.reset(Faults(delay=3.0, delay_only=r"filter="))
    r = one(stub, tmp_path, CITED["vents"], timeout=1.0, max_retries=0)
    assert r.status == "unknown" and r.doi == "10.5555/vents"
    assert "notices of retraction or correction could not be looked up" in r.message


def test_a_service_error_is_unknown(stub: CrossrefStub, tmp_path: Path) -> None:
    stub.reset(Faults(fail_first=9, statuses=(503,), retry_after="0"))
    r = one(stub, tmp_path, CITED["vents"], max_retries=1)
    assert r.status == "unknown" and "HTTP 503" in r.message


def test_offline_with_an_empty_cache_is_unknown_and_asks_nothing(stub: CrossrefStub, tmp_path: Path) -> None:
    r = one(stub, tmp_path, CITED["vents"], offline=True)
    assert r.status == "unknown" and "offline" in r.message and stub.count == 0


def test_too_little_printed_and_web_pages_are_unknown_without_a_request(stub: CrossrefStub, tmp_path: Path) -> None:
    bare = Citation.model_validate({"number": 1, "title": "Data"})
    page = Citation.model_validate({"number": 2, "type": "webpage", "title": "Our lab's protocols page",
                                    "url": "https://example.org/protocols"})
    out = check([bare, page], options(stub, tmp_path))
    assert [r.status for r in out] == ["unknown", "unknown"] and stub.count == 0
    assert "too little printed" in out[0].message and "web page" in out[1].message


# ------------------------------------------------------------------ flags
@pytest.mark.parametrize(
    ("record", "title", "flags"),
    [
        pytest.param(RETRACTED_RW, "Soil fungi that eat plastic",
                     [("retracted", "10.5555/rw.notice", "2023-05-02", "retraction-watch", "updated-by")],
                     id="retracted-retraction-watch"),
        pytest.param(HIDDEN, "A vaccine against every cold",
                     [("retracted", "10.5555/hidden.retraction", "2024-01-15", "publisher", "notice")],
                     id="retracted-only-through-filter-updates"),
        pytest.param(CONCERN, "Telepathy in laboratory mice",
                     [("expression-of-concern", "10.5555/concern.eoc", "2022-06-30", "publisher", "notice")],
                     id="expression-of-concern"),
        pytest.param(WITHDRAWN, "Rapid sequencing of ancient grains",
                     [("withdrawn", None, None, "title", "title")], id="withdrawn-title"),
        pytest.param(RETRACTED_TITLE, "Ocean acidification reverses itself",
                     [("retracted", None, None, "title", "title")], id="retracted-title-prefix"),
    ],
)
def test_flags_with_their_notice_date_and_source(
    stub: CrossrefStub, tmp_path: Path, record: dict[str, Any], title: str, flags: list[tuple[Any, ...]]
) -> None:
    author = record["author"][0]["family"]
    journal, volume, page = record["container-title"][0], record["volume"], record["page"]
    r = one(stub, tmp_path, cite(title, [author], journal, 2020, volume, page))
    assert r.doi == record["DOI"] and r.status == "verified"
    assert [(f.kind, f.notice, f.date, f.source, f.via) for f in r.flags] == flags
    assert r.has(flags[0][0]) and flags[0][0] in r.message


def test_a_withdrawal_in_updated_by(tmp_path: Path) -> None:
    gone = work("10.5555/gone", "Bees that count to ten", ["Haas"], "Insect Cognition", "1", "5-9",
                **{"updated-by": [{"DOI": "10.5555/gone.w", "type": "withdrawal", "label": "Withdrawal",
                                   "source": "publisher", "updated": date(2021, 3)}]})
    with CrossrefStub([gone]) as server:
        r = one(server, tmp_path, cite("Bees that count to ten", ["Haas"], "Insect Cogn", 2020, "1", "5-9"))
    assert [(f.kind, f.notice, f.date) for f in r.flags] == [("withdrawn", "10.5555/gone.w", "2021-03")]


def test_notice_of_another_work_in_the_same_answer_is_not_this_ones(tmp_path: Path) -> None:
    # One filter=updates: request asks for several DOIs; each notice belongs to the DOI it names.
    with CrossrefStub(RECORDS) as server:
        out = check([CITED["vents"], cite("A vaccine against every cold", ["Ivanova"], "Clin Virol", 2020, "21",
                                          "301-309")], options(server, tmp_path))
        filters = [e.params["filter"] for e in server.log if "filter" in e.params]
    assert [r.flag_kinds for r in out] == [(), ("retracted",)]
    assert filters == ["updates:10.5555/hidden,updates:10.5555/vents"]


def test_the_same_notice_seen_twice_is_one_flag(tmp_path: Path) -> None:
    both = {**HIDDEN, "updated-by": [{"DOI": "10.5555/hidden.retraction", "type": "retraction", "label": "Retraction",
                                      "source": "publisher", "updated": date(2024, 1, 15)}]}
    with CrossrefStub([both, HIDDEN_NOTICE]) as server:
        r = one(server, tmp_path, cite("A vaccine against every cold", ["Ivanova"], "Clin Virol", 2020, "21", "301-309"))
    assert [(f.kind, f.via) for f in r.flags] == [("retracted", "updated-by")]


# ------------------------------------------------------------------ cache
def test_a_second_check_makes_no_request(stub: CrossrefStub, tmp_path: Path) -> None:
    cited = [*CITED.values(), revise(CITED["vents"], doi="10.5555/glaciers")]
    first = check(cited, options(stub, tmp_path))
    asked = stub.count
    stub.reset()
    second = check(cited, options(stub, tmp_path))
    assert asked > 0 and stub.count == 0 and second == first


# ------------------------------------------------------------------ acceptance: the seed page
def _seed_lines() -> list[str]:
    return (FIXTURES / "seed000.txt").read_text(encoding="utf-8").split("\n")


def _alter(lines: list[str], number: int, old: str, new: str) -> None:
    start = lines.index(f"{number}.")
    end = lines.index(f"{number + 1}.") if f"{number + 1}." in lines else len(lines)
    spot = lines.index(old, start, end)
    lines[spot] = new


@pytest.fixture(scope="module")
def seed_registry() -> Any:
    records, _ = registry(FIXTURES / "seed000.json")
    with CrossrefStub(records) as server:
        yield server


def test_the_seed_page_is_all_verified_and_five_altered_fields_are_exactly_reported(
    seed_registry: CrossrefStub, tmp_path: Path
) -> None:
    opts = options(seed_registry, tmp_path)
    clean = check(refparse.parse("\n".join(_seed_lines())).citations, opts)
    assert len(clean) == 68 and Counter(r.status for r in clean) == {"verified": 68}
    assert [r.doi for r in clean] == [f"10.5555/gold.{n}" for n in range(1, 69)]

    lines = _seed_lines()
    _alter(lines, 1, "2025", "2022")                   # year, three off
    _alter(lines, 3, "388", "383")                     # volume
    _alter(lines, 2, "833", "883")                     # first page
    _alter(lines, 13, "Maude", "Mandel")               # first author
    _alter(lines, 16, "N Engl J Med", "Lancet Oncol")  # journal
    altered = check(refparse.parse("\n".join(lines)).citations, opts)
    reported = {r.number: diffs(r) for r in altered if r.status != "verified"}
    assert reported == {
        1: [("year", "2022", "2025 (print)")],
        2: [("first-page", "883", "833")],
        3: [("volume", "383", "388")],
        13: [("first-author", "Mandel SL", "Maude SL")],
        16: [("journal", "Lancet Oncol", "N England Journal Medicine")],
    }
    assert all(r.status == "mismatch" for r in altered if r.number in reported)
    assert [r.doi for r in altered] == [r.doi for r in clean]  # every reference still found: the typos are reported


def test_two_records_fitting_equally_well_are_unknown_not_verified(tmp_path: Path) -> None:
    twin = {**VENTS, "DOI": "10.5555/vents.duplicate"}
    with CrossrefStub([VENTS, twin]) as server:
        r = one(server, tmp_path, CITED["vents"])
    assert r.status == "unknown" and r.doi is None
    assert "10.5555/vents" in r.message and "10.5555/vents.duplicate" in r.message
