"""The web page's pure parts: where fields were printed, edit drafts and their validation, counts."""

from __future__ import annotations

import glob
import itertools

import pytest

from conftest import FIXTURES
from export_roundtrip import make_citation
from refparse import InputError, parse_any
from refparse.models import Citation, Diagnostic, Organization, Pages, Person, PubDate
from refparse.web.editing import EditError, NameRow, apply_op, build, choices, draft_of, error_label, text_fields
from refparse.web.present import reasons, shown_fields, status_words
from refparse.web.service import count, downloads, reparse_one
from refparse.web.spans import LEGEND, field_spans, segments
from web_data import SEED_TEXT


def spans_of(c: Citation) -> list[tuple[str, str]]:
    return [(field, c.raw[s:e]) for s, e, field in field_spans(c)]


# --------------------------------------------------------------------------- spans
@pytest.mark.parametrize(
    ("citation", "expected"),
    [
        pytest.param(
            make_citation(raw="Gupta S. A title. J Test. 2020;9:1998-2001. doi:10.1000/2020.9",
                          volume="9", pages=Pages(first="1998", last="2001", printed="1998-2001"),
                          doi="10.1000/2020.9"),
            [("family", "Gupta"), ("given", "S"), ("title", "A title"), ("container", "J Test"), ("year", "2020"),
             ("volume", "9"), ("pages", "1998-2001"), ("doi", "10.1000/2020.9")],
            id="a-year-and-volume-inside-a-doi-or-pages-are-not-taken",
        ),
        pytest.param(
            make_citation(raw="Gupta  S ,  A   TITLE . j test (2020)", title="A title"),
            [("family", "Gupta"), ("given", "S"), ("title", "A   TITLE"), ("container", "j test"), ("year", "2020")],
            id="any-spacing-and-case",
        ),
        pytest.param(
            make_citation(raw="Smith J (2011a) Expanded. J Test 12: 1572-81", title="Expanded",
                          authors=(Person(family="Smith", given="J"),), date=PubDate(year=2011, year_suffix="a"),
                          volume="12", pages=Pages(first="1572", last="1581", printed="1572-81")),
            [("family", "Smith"), ("given", "J"), ("year", "2011a"), ("title", "Expanded"), ("container", "J Test"),
             ("volume", "12"), ("pages", "1572-81")],
            id="year-suffix-and-printed-page-range",
        ),
        pytest.param(
            make_citation(raw="WHO. Report on things. Geneva: WHO Press; 2019.", title="Report on things",
                          authors=(Organization(name="WHO"),), container_title=None, publisher="WHO Press",
                          publisher_place="Geneva", date=PubDate(year=2019)),
            [("organization", "WHO"), ("title", "Report on things"), ("place", "Geneva"), ("publisher", "WHO Press"),
             ("year", "2019")],
            id="organisation-publisher-place",
        ),
        pytest.param(
            make_citation(raw="Nothing of it is printed here", title="Absent", container_title="Missing"),
            [],
            id="values-not-printed-get-no-span",
        ),
    ],
)
def test_field_spans(citation: Citation, expected: list[tuple[str, str]]) -> None:
    assert spans_of(citation) == expected


def test_spans_never_overlap_cover_the_raw_text_and_use_legend_names() -> None:
    legend = {name for name, _ in LEGEND}
    pages = [FIXTURES / "seed000.txt", *map(FIXTURES.joinpath, sorted(glob.glob("dev/*.txt", root_dir=FIXTURES)))]
    found = 0
    for path in pages:
        for c in parse_any(path.read_text(encoding="utf-8")).citations:
            spans = field_spans(c)
            assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), (path.name, c.number)
            assert {f for *_, f in spans} <= legend
            assert "".join(s.text for s in segments(c.raw, spans)) == c.raw
            found += sum(1 for *_, f in spans if f == "title")
    assert found > 300  # most titles are found where they were printed


# --------------------------------------------------------------------------- drafts and validation
SEED = parse_any(SEED_TEXT).citations


def test_an_unchanged_draft_builds_the_same_citation() -> None:
    for c in SEED[:20]:
        assert build(c, draft_of(c)) == c


@pytest.mark.parametrize(
    ("op", "families"),
    [
        pytest.param("add:authors", ["Gupta", "Rau", "Kairalla", ""], id="add"),
        pytest.param("remove:authors:0", ["Rau", "Kairalla"], id="remove-first"),
        pytest.param("up:authors:0", ["Gupta", "Rau", "Kairalla"], id="up-first-does-nothing"),
        pytest.param("up:authors:2", ["Gupta", "Kairalla", "Rau"], id="up-last"),
        pytest.param("down:authors:2", ["Gupta", "Rau", "Kairalla"], id="down-last-does-nothing"),
        pytest.param("down:authors:9", ["Gupta", "Rau", "Kairalla"], id="out-of-range"),
        pytest.param("remove:nobody:0", ["Gupta", "Rau", "Kairalla"], id="unknown-role"),
        pytest.param("add:editors", ["Gupta", "Rau", "Kairalla"], id="other-role"),
    ],
)
def test_name_list_operations(op: str, families: list[str]) -> None:
    draft = apply_op(draft_of(SEED[0]), op)
    assert [r.family for r in draft.people["authors"]] == families


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        pytest.param({"year": "3025"}, "year", "year 3025 is impossible; dropped (not saved)", id="impossible-year"),
        pytest.param({"year": "MMXX"}, "year", "Input should be a valid integer", id="year-not-a-number"),
        pytest.param({"year": "", "month": "3"}, "year", "a month or day needs a year", id="month-without-year"),
        pytest.param({"day": "32"}, "day", "day must be a number from 1 to 31", id="day"),
        pytest.param({"doi": "doi: nothing"}, "doi", "not a DOI", id="doi"),
        pytest.param({"type": "novel"}, "type", "choose one of article-journal, book", id="type"),
    ],
)
def test_refused_values_name_their_field(change: dict[str, str], field: str, message: str) -> None:
    draft = draft_of(SEED[0])
    draft.values.update(change)
    with pytest.raises(EditError) as refused:
        build(SEED[0], draft)
    assert message in refused.value.errors[field]


def test_names_are_built_with_the_parsers_helpers() -> None:
    draft = draft_of(SEED[0])
    draft.people["authors"] = [NameRow("person", "van der Sluis", "I. M.", "Jr"), NameRow(),
                               NameRow("organization", "COG Investigators")]
    draft.values.update(pages="1572-81", doi="https://doi.org/10.1056/NEJMoa2411680.", year="2011a")
    c = build(SEED[0], draft)
    assert c.authors == (Person(family="Sluis", particle="van der", given="I. M.", initials="I.M.", suffix="Jr."),
                         Organization(name="COG Investigators"))
    assert c.pages == Pages(first="1572", last="1581", printed="1572-81")
    assert c.doi == "10.1056/NEJMoa2411680" and c.date == PubDate(year=2011, year_suffix="a")
    empty = draft_of(SEED[0])
    empty.people["authors"] = [NameRow("person", "", "S"), NameRow("organization", " ", "Ltd"), NameRow("person", " ")]
    with pytest.raises(EditError) as refused:
        build(SEED[0], empty)
    assert refused.value.errors == {"authors.0": "empty family name", "authors.1": "an organisation needs a name"}


def test_every_text_field_of_the_model_is_editable() -> None:
    fields = text_fields()
    assert fields[:3] == ["title", "container_title", "volume"]
    assert {"publisher", "pmid", "url", "note", "abstract", "accessed", "genre", "pages"} <= set(fields)
    assert {"raw", "span", "warnings", "match"}.isdisjoint(fields)
    assert {"parsed", "recovered"} <= set(choices("status"))  # read from the model: new statuses appear
    assert error_label("authors.2") == "Authors, name 3" and error_label("form") == "Reference"


def test_reparse_one_reads_lines_with_or_without_their_label() -> None:
    original = SEED[0]
    lines = "Gupta\nS\n.\nA new title\n.\nN Engl J Med\n.\n2019\n;\n17\n:\n1\n-\n2\n."
    for text in (lines, "1.\n" + lines):
        c = reparse_one(text, "linebroken", 7)
        assert (c.status, c.title, c.year, c.volume, c.number) == ("parsed", "A new title", 2019, "17", 7)
    assert original.title != "A new title"
    with pytest.raises(InputError, match="empty"):
        reparse_one("  ", None, 1)


# --------------------------------------------------------------------------- words and counts
def test_statuses_are_counted_and_shown_whatever_they_are() -> None:
    parsed = make_citation()
    recovered = make_citation(status="recovered", warnings=(Diagnostic(code="grammar", message="ends too early"),))
    warned = make_citation(warnings=(Diagnostic(code="unplaced", message="425 p was not placed"),))
    future = make_citation().model_copy(update={"status": "suspect"})  # a status the library may add
    counts = count([parsed, recovered, warned, future])
    assert (counts.references, counts.parsed, counts.flagged, counts.with_warnings) == (4, 2, 3, 2)
    assert counts.by_status == {"parsed": 2, "recovered": 1, "suspect": 1}
    assert reasons(recovered) == ["ends too early"] and reasons(warned) == ["425 p was not placed"]
    assert status_words("suspect").startswith("suspect") and status_words("odd-one") == "odd one"


def test_shown_fields_list_et_al_and_labels() -> None:
    shown = {f.name: f for f in shown_fields(SEED[0])}
    assert shown["authors"].values == ("Gupta, S", "Rau, RE", "Kairalla, JA") and shown["authors"].after == "et al."
    assert shown["pages"].values == ("875-891",) and shown["container_title"].label == "Journal or book"


def test_downloads_cover_every_export_format_and_biblatex() -> None:
    from refparse.export import FORMATS

    assert set(downloads()) == {*FORMATS, "biblatex"}
    assert list(downloads())[:2] == ["bibtex", "biblatex"]
