"""RIS export, read back by rispy (the RIS reader Python tools use)."""

from __future__ import annotations

from pathlib import Path

import pytest
import rispy

from export_roundtrip import FIXTURES, SEED, check_golden, citations_of, input_fixtures, make_citation
from refparse.export.common import flatten
from refparse.export.csljson import csl_given
from refparse.export.ris import RisOptions, ris_name, ris_record, to_ris
from refparse.models import Citation, Event, Organization, Pages, Person, PubDate


def expected_record(c: Citation) -> dict[str, object]:
    """What rispy must read for a citation, built from the model, not the writer."""
    out: dict[str, object] = {}
    if c.authors or c.et_al:
        out["authors"] = [ris_name(a) for a in c.authors] + (["et al."] if c.et_al else [])
    if c.title:
        out["title"] = flatten(c.title)
    if c.date:
        out["year"] = str(c.date.year)
    for key, value in (("volume", c.volume), ("number", c.issue), ("doi", c.doi), ("accession_number", c.pmid)):
        if value:
            out[key] = value
    if c.pages:
        out["start_page"] = c.pages.first
        if c.pages.last:
            out["end_page"] = c.pages.last
    if c.type == "article-journal" and c.container_title:
        out["journal_name"] = c.container_title_full or c.container_title
        out["alternate_title1"] = c.container_title
    return out


@pytest.mark.parametrize("fixture", input_fixtures(), ids=lambda p: p.stem)
def test_every_fixture_reads_back(fixture: Path) -> None:
    citations = citations_of(fixture)
    records = rispy.loads(to_ris(citations))
    assert len(records) == len(citations)
    for c, record in zip(citations, records, strict=True):
        expected = expected_record(c)
        assert {k: record.get(k) for k in expected} == expected, c.number
        assert "unknown_tag" not in record


def test_seed_acceptance_68_records() -> None:
    citations = citations_of(SEED)
    records = rispy.loads(to_ris(citations))
    assert len(records) == 68
    assert [r["type_of_reference"] for r in records].count("JOUR") == 67
    assert records[25]["type_of_reference"] == "CONF"


def test_seed_golden_ris() -> None:
    check_golden(FIXTURES / "seed000.expected.ris", to_ris(citations_of(SEED)))


def test_seed_record_one() -> None:
    record = ris_record(citations_of(SEED)[0], "gupta2025blinatumomab")
    assert record == [
        ("TY", "JOUR"),
        ("ID", "gupta2025blinatumomab"),
        ("AU", "Gupta, S."),
        ("AU", "Rau, R. E."),
        ("AU", "Kairalla, J. A."),
        ("AU", "et al."),
        ("TI", "Blinatumomab in standard-risk B-cell acute lymphoblastic leukemia in children"),
        ("T2", "N Engl J Med"),
        ("JO", "N Engl J Med"),
        ("J2", "N Engl J Med"),
        ("PY", "2025"),
        ("VL", "392"),
        ("IS", "9"),
        ("SP", "875"),
        ("EP", "891"),
        ("ER", ""),
    ]


def test_seed_conference_and_particles() -> None:
    citations = citations_of(SEED)
    conference = dict(ris_record(citations[25]))
    assert conference["T2"] == "EHA Library"
    assert conference["CY"] == "Madrid, Spain"
    assert conference["DA"] == "2024/06/13"
    assert ris_record(citations[2])[2] == ("AU", "van der Sluis, I. M.")


@pytest.mark.parametrize(
    ("csl_type", "ty"),
    [
        pytest.param("article-journal", "JOUR", id="journal"),
        pytest.param("paper-conference", "CONF", id="conference"),
        pytest.param("book", "BOOK", id="book"),
        pytest.param("chapter", "CHAP", id="chapter"),
        pytest.param("report", "RPRT", id="report"),
        pytest.param("thesis", "THES", id="thesis"),
        pytest.param("webpage", "ELEC", id="webpage"),
        pytest.param("document", "GEN", id="generic"),
    ],
)
def test_types(csl_type: str, ty: str) -> None:
    assert ris_record(make_citation(type=csl_type))[0] == ("TY", ty)


def test_chapter_fields() -> None:
    c = make_citation(
        type="chapter",
        editors=(Person(family="Brown", given="DD", initials="D.D."),),
        container_title="Developmental Biology",
        publisher="Academic Press",
        publisher_place="New York",
        isbn="978-0-12-000000-0",
        edition="2",
    )
    record = rispy.loads(to_ris([c]))[0]
    assert record["secondary_authors"] == ["Brown, D. D."]
    assert record["secondary_title"] == "Developmental Biology"
    assert (record["publisher"], record["place_published"]) == ("Academic Press", "New York")
    assert (record["issn"], record["edition"]) == ("978-0-12-000000-0", "2")


def test_names() -> None:
    assert ris_name(Organization(name="World Health Organization")) == "World Health Organization"
    assert ris_name(Person(family="King", given="ML", initials="M.L.", suffix="Jr")) == "King, M. L., Jr"
    person = Person(family="Sluis", given="IM", initials="I.M.", particle="van der")
    assert ris_name(person) == f"van der Sluis, {csl_given(person)}"


def test_notes_keep_what_has_no_tag() -> None:
    c = make_citation(
        et_al=True,
        type="paper-conference",
        container_title="Proceedings",
        event=Event(title="EHA", date="13 June 2024", session="Session 1"),
        article_number="e5",
        pages=Pages(first="1", printed="1"),
        pmcid="PMC1",
        status="recovered",
        raw="the raw\ntext",
    )
    record = rispy.loads(to_ris([c]))[0]
    assert record["notes"] == ["Presented at EHA", "13 June 2024", "Session 1", "Article number e5", "PMCID: PMC1"]
    assert record["authors"][-1] == "et al."  # not a note: Zotero would attach one to every such item
    assert record["research_notes"].endswith("as printed: the raw text")  # diagnostics: a research note


def test_date_with_month_only() -> None:
    assert ("DA", "2020/03") in ris_record(make_citation(date=PubDate(year=2020, month=3)))


def test_crlf_option() -> None:
    text = to_ris([make_citation()], RisOptions(crlf=True))
    assert text.endswith("ER  - \r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert len(rispy.loads(text, newline="\r\n")) == 1


def test_empty_input_is_empty_file() -> None:
    assert to_ris([]) == ""
