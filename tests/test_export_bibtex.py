"""BibTeX/BibLaTeX export and citation keys, read back by bibtexparser v2."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

from export_roundtrip import (
    FIXTURES,
    SEED,
    ascii_reading,
    check_golden,
    citations_of,
    decode,
    input_fixtures,
    make_citation,
    read_bibtex,
)
from refparse.export.bibtex import BibtexOptions, bibtex_entries, bibtex_entry, to_bibtex
from refparse.export.keys import base_key, make_keys, suffix
from refparse.models import Citation, Event, Organization, Pages, Person, PubDate

MODES = [
    pytest.param(BibtexOptions(), id="unicode"),
    pytest.param(BibtexOptions(ascii=True), id="ascii"),
    pytest.param(BibtexOptions(biblatex=True), id="biblatex"),
]


def fields_of(c: Citation, options: BibtexOptions | None = None) -> dict[str, str]:
    """The written (LaTeX) value of each field of one citation's entry."""
    return {f.name: f.latex for f in bibtex_entry(c, "key", options).fields}


@pytest.mark.parametrize("options", MODES)
@pytest.mark.parametrize("fixture", input_fixtures(), ids=lambda p: p.stem)
def test_every_fixture_reads_back_field_for_field(fixture: Path, options: BibtexOptions) -> None:
    citations = citations_of(fixture)
    text = to_bibtex(citations, options)
    library, decoded = read_bibtex(text)
    written = bibtex_entries(citations, options)
    assert library.failed_blocks == []
    assert len(library.entries) == len(citations) == len(written)
    assert [e.key for e in library.entries] == [e.key for e in written]
    for entry, read in zip(written, library.entries, strict=True):
        assert read.entry_type == entry.entry_type
        expected = {f.name: ascii_reading(f.text) if options.ascii else f.text for f in entry.fields}
        assert decoded[entry.key] == expected, entry.key
    if options.ascii:
        assert text.isascii()


def test_seed_reads_back_exactly_in_ascii_too() -> None:
    citations = citations_of(SEED)
    _, decoded = read_bibtex(to_bibtex(citations, BibtexOptions(ascii=True)))
    for entry in bibtex_entries(citations):
        assert decoded[entry.key] == {f.name: f.text for f in entry.fields}


def test_seed_acceptance_68_entries_unique_keys_no_failed_blocks() -> None:
    citations = citations_of(SEED)
    library, _ = read_bibtex(to_bibtex(citations))
    keys = [e.key for e in library.entries]
    assert len(citations) == 68
    assert len(library.entries) == 68
    assert len(set(keys)) == 68
    assert all(k.isascii() and k.isalnum() and k.islower() for k in keys)
    assert library.failed_blocks == []


def test_seed_golden_bib() -> None:
    check_golden(FIXTURES / "seed000.expected.bib", to_bibtex(citations_of(SEED)))


@pytest.mark.parametrize(
    ("number", "field", "latex"),
    [
        pytest.param(1, "author", "Gupta, S. and Rau, R. E. and Kairalla, J. A. and others", id="et-al-as-others"),
        pytest.param(1, "pages", "875--891", id="page-range"),
        pytest.param(1, "journal", "N Engl J Med", id="journal-as-printed"),
        pytest.param(
            3, "author", "van der Sluis, I. M. and de Lorenzo, P. and Kotecha, R. S. and others", id="particles"
        ),
        pytest.param(8, "pages", "e24--e34", id="e-locator-range"),
        pytest.param(9, "number", "suppl 1", id="supplement-issue"),
        pytest.param(10, "author", "Foà, R. and Bassan, R. and Vitale, A. and others", id="unicode-name"),
        pytest.param(26, "booktitle", "EHA Library", id="conference-event"),
        pytest.param(26, "address", "Madrid, Spain", id="conference-place"),
        pytest.param(26, "month", "jun", id="month-macro"),
        pytest.param(26, "note", "13 June 2024; Session 422215", id="conference-note"),
        pytest.param(31, "pages", "73.e1--73.e9", id="article-pages"),
        pytest.param(
            44, "author", "Fong, D. and Tiwari, R. and Acker, C. and Clough, L. and Willert, J.", id="no-et-al"
        ),
        pytest.param(57, "journal", r"Pediatr Blood \& Cancer", id="ampersand"),
    ],
)
def test_seed_fields(number: int, field: str, latex: str) -> None:
    entry = bibtex_entries(citations_of(SEED))[number - 1]
    assert {f.name: f.latex for f in entry.fields}[field] == latex


def test_seed_conference_is_inproceedings_with_year_only_where_printed() -> None:
    entries = bibtex_entries(citations_of(SEED))
    assert entries[25].entry_type == "inproceedings"
    assert entries[0].key == "gupta2025blinatumomab"
    assert {f.name for f in entries[28].fields} == {"author", "title", "journal", "year"}


def test_title_protects_capitals_not_the_first_word() -> None:
    c = make_citation(title="Blinatumomab in B-cell ALL and COG study")
    assert fields_of(c)["title"] == "Blinatumomab in {B-cell} {ALL} and {COG} study"
    assert fields_of(c, BibtexOptions(protect_case=False))["title"] == "Blinatumomab in B-cell ALL and COG study"


@pytest.mark.parametrize(
    ("csl_type", "bibtex", "biblatex"),
    [
        pytest.param("article-journal", "article", "article", id="article"),
        pytest.param("paper-conference", "inproceedings", "inproceedings", id="conference"),
        pytest.param("book", "book", "book", id="book"),
        pytest.param("chapter", "incollection", "incollection", id="chapter"),
        pytest.param("report", "techreport", "techreport", id="report"),
        pytest.param("thesis", "phdthesis", "phdthesis", id="thesis"),
        pytest.param("webpage", "misc", "online", id="webpage"),
        pytest.param("dataset", "misc", "dataset", id="dataset"),
        pytest.param("document", "misc", "misc", id="document"),
    ],
)
def test_entry_types(csl_type: str, bibtex: str, biblatex: str) -> None:
    c = make_citation(type=csl_type)
    assert bibtex_entry(c, "k").entry_type == bibtex
    assert bibtex_entry(c, "k", BibtexOptions(biblatex=True)).entry_type == biblatex


def test_masters_thesis_by_genre() -> None:
    c = make_citation(type="thesis", genre="Master's thesis", publisher="Univ")
    entry = bibtex_entry(c, "k")
    assert entry.entry_type == "mastersthesis"
    assert {f.name: f.latex for f in entry.fields}["school"] == "Univ"


@pytest.mark.parametrize(
    ("authors", "latex"),
    [
        pytest.param((Organization(name="World Health Organization"),), "{World Health Organization}", id="org"),
        pytest.param(
            (Organization(name="Children's Oncology Group"), Person(family="Smith", given="J", initials="J.")),
            "{Children's Oncology Group} and Smith, J.",
            id="org-and-person",
        ),
        pytest.param(
            (Person(family="Garcia Marquez", given="G", initials="G."),), "{Garcia Marquez}, G.", id="two-word-family"
        ),
        pytest.param(
            (Person(family="Groot-Kruseman", given="H", initials="H.", particle="de"),),
            "de {Groot-Kruseman}, H.",
            id="hyphen",
        ),
        pytest.param(
            (Person(family="King", given="ML", initials="M.L.", suffix="Jr"),), "King, Jr, M. L.", id="suffix"
        ),
        pytest.param((Person(family="Smith", given="Tom and Jerry"),), "Smith, {Tom and Jerry}", id="and-in-given"),
        pytest.param((Person(family="Doe", given="Jane, Ann"),), "Doe, {Jane, Ann}", id="comma-in-given"),
        pytest.param((Person(family="others"),), "{others}", id="family-others"),
    ],
)
def test_author_names(authors: tuple[Person | Organization, ...], latex: str) -> None:
    assert fields_of(make_citation(authors=authors))["author"] == latex


def test_organization_is_double_braced_in_the_file() -> None:
    text = to_bibtex([make_citation(authors=(Organization(name="World Health Organization"),))])
    assert "author  = {{World Health Organization}},\n" in text


def test_names_split_back_into_parts() -> None:
    c = citations_of(SEED)[2]
    library = bibtexparser.parse_string(to_bibtex([c]), append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    first = library.entries[0]["author"][0]
    assert (first.von, first.last, first.first) == (["van", "der"], ["Sluis"], ["I.", "M."])
    assert library.entries[0]["author"][-1].last == ["others"]


def test_recovered_reference_keeps_raw_text_in_a_field_no_style_prints() -> None:
    c = make_citation(
        status="recovered",
        raw="Smith J. Broken { reference % here",
        warnings=({"code": "grammar", "message": "not parsed: the reference ends too early"},),
    )
    _, decoded = read_bibtex(to_bibtex([c]))
    fields = next(iter(decoded.values()))
    assert "note" not in fields
    assert fields["refparse-status"] == "recovered"
    assert fields["refparse-warnings"] == "grammar: not parsed: the reference ends too early"
    assert fields["refparse-raw"] == "Smith J. Broken { reference % here"
    _, decoded = read_bibtex(to_bibtex([c], BibtexOptions(annotate=True)))
    assert next(iter(decoded.values()))["note"] == (
        "refparse: not fully parsed (not parsed: the reference ends too early). "
        "As printed: Smith J. Broken { reference % here"
    )


def test_ascii_uses_latex_accents_and_symbols() -> None:
    title = "CD19 × CD22 in Métais’ study"
    c = make_citation(authors=(Person(family="Foà", given="R", initials="R."),), title=title)
    f = fields_of(c, BibtexOptions(ascii=True))
    assert f["author"] == r"Fo{\`a}, R."
    assert r"{\texttimes}" in f["title"]
    assert r"M{\'e}tais" in f["title"]
    text = to_bibtex([c], BibtexOptions(ascii=True))
    assert text.isascii()
    _, decoded = read_bibtex(text)
    assert decoded["foa2020cd19"]["title"] == title


def test_ascii_transliterates_what_latex_cannot_spell() -> None:
    text = to_bibtex([make_citation(title="Study of 中文 text")], BibtexOptions(ascii=True))
    assert text.isascii()
    assert "ZhongWen" in text


def test_biblatex_fields() -> None:
    c = make_citation(
        type="paper-conference",
        date=PubDate(year=2024, month=6, day=13),
        event=Event(title="EHA", place="Madrid"),
        pmid="123",
        container_title_full="New England Journal",
    )
    f = fields_of(c, BibtexOptions(biblatex=True))
    assert f["date"] == "2024-06-13"
    assert (f["eventtitle"], f["venue"], f["booktitle"]) == ("EHA", "Madrid", "New England Journal")
    assert (f["eprint"], f["eprinttype"], f["pmid"]) == ("123", "pubmed", "123")
    article = make_citation(container_title_full="New England Journal", container_title="N Engl J", publisher_place="X")
    f = fields_of(article, BibtexOptions(biblatex=True))
    assert (f["journaltitle"], f["shortjournal"]) == ("New England Journal", "N Engl J")


@pytest.mark.parametrize(
    ("date", "bibtex", "biblatex"),
    [
        pytest.param(PubDate(year=2020), {"year": "2020"}, "2020", id="year"),
        pytest.param(PubDate(year=2020, month=3), {"year": "2020", "month": "mar"}, "2020-03", id="month"),
        pytest.param(PubDate(year=2020, month=14), {"year": "2020"}, "2020-22", id="season"),
    ],
)
def test_dates(date: PubDate, bibtex: dict[str, str], biblatex: str) -> None:
    c = make_citation(date=date)
    f = fields_of(c)
    assert {k: f[k] for k in ("year", "month") if k in f} == bibtex
    assert fields_of(c, BibtexOptions(biblatex=True))["date"] == biblatex


def test_article_number_without_pages_is_pages() -> None:
    assert fields_of(make_citation(article_number="e1002"))["pages"] == "e1002"
    with_pages = make_citation(article_number="e1002", pages=Pages(first="1", last="9", printed="1-9"))
    assert fields_of(with_pages)["eid"] == "e1002"


def test_doi_and_url_are_verbatim_with_unsafe_characters_encoded() -> None:
    c = make_citation(doi="10.1000/a_b%c#d", url="https://x.org/a b}{\\")
    f = fields_of(c)
    assert f["doi"] == "10.1000/a_b%c#d"
    assert f["url"] == "https://x.org/a%20b%7D%7B%5C"
    assert decode("url", f["url"]) == f["url"]


# --- citation keys -----------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        pytest.param({}, "gupta2020title", id="plain"),
        pytest.param({"title": "The effect of X"}, "gupta2020effect", id="stopwords"),
        pytest.param({"title": "2019 novel coronavirus"}, "gupta2020novel", id="number-skipped"),
        pytest.param({"authors": (Person(family="Sluis", particle="van der"),)}, "sluis2020title", id="particle"),
        pytest.param({"authors": (Person(family="Müller"),), "title": "Über alles"}, "muller2020uber", id="accents"),
        pytest.param({"authors": (Person(family="O'Brien-Smith"),)}, "obriensmith2020title", id="punctuation"),
        pytest.param({"authors": (Organization(name="The World Health Organization"),)}, "world2020title", id="org"),
        pytest.param({"authors": ()}, "anon2020title", id="no-author"),
        pytest.param({"date": None}, "guptandtitle", id="no-year"),
        pytest.param({"title": None}, "gupta2020", id="no-title"),
        pytest.param({"authors": (Person(family="王"),), "title": "中文"}, "wang2020zhongwen", id="chinese"),
    ],
)
def test_base_key(fields: dict[str, object], key: str) -> None:
    assert base_key(make_citation(**{"title": "Title", **fields})) == key


def test_colliding_keys_the_first_keeps_it_later_ones_get_letters() -> None:
    same = [make_citation(title="Cells"), make_citation(title="Other"), make_citation(title="Cells"),
            make_citation(title="Cells")]
    assert make_keys(same) == ["gupta2020cells", "gupta2020other", "gupta2020cellsb", "gupta2020cellsc"]
    # a key never depends on what comes after it
    assert make_keys(same[:3]) == make_keys(same)[:3]


def test_suffix_never_reuses_an_existing_key() -> None:
    # the third one's base is gupta2020b, which the second got as its suffixed key
    cs = [make_citation(title=None), make_citation(title=None), make_citation(title="A b")]
    assert make_keys(cs) == ["gupta2020", "gupta2020b", "gupta2020bb"]


def test_suffixes() -> None:
    assert [suffix(i) for i in (0, 1, 25, 26, 27, 701, 702)] == ["a", "b", "z", "aa", "ab", "zz", "aaa"]


def test_keys_are_stable_and_ascii() -> None:
    citations = citations_of(SEED)
    keys = make_keys(citations)
    assert keys == make_keys(list(citations))
    assert len(set(keys)) == len(keys)
    assert all(k.isascii() and k.isalnum() for k in keys)
