"""Article summary cards: golden file, names, fields, missing and malformed parts.

The golden file ``fixtures/card001.expected.json`` was reviewed field by field
against ``fixtures/card001.txt``. Regenerate it only on purpose::

    REFPARSE_REGEN=1 pytest tests/test_cards.py -k golden

and review the diff by hand before committing it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refparse import card_fields as cf
from refparse.cards import parse_cards
from refparse.detect import parse_any
from refparse.models import Citation, Organization, Person
from refparse.names import split_full_name, split_name_list
from refparse.read import iter_lines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CARD = FIXTURES / "card001.txt"
SEED = CARD.read_text(encoding="utf-8")
TITLE_LINE = (
    "# Targeted therapies in pediatric B-Cell acute lymphoblastic leukemia: "
    "mechanisms, efficacy, and future directions\n"
)


def one(text: str) -> Citation:
    """The single citation of a one-card text."""
    result = parse_cards(text)
    assert len(result.citations) == 1
    return result.citations[0]


def codes(c: Citation) -> list[str]:
    return [w.code for w in c.warnings]


# --------------------------------------------------------------------------- the seed card
# (its CSL-JSON golden file is checked by tests/test_golden.py)
def test_the_seed_card_is_read_as_one_card() -> None:
    result = parse_any(SEED)
    assert result.format == "card"
    assert len(result.citations) == 1


def test_golden_card001_is_valid_csl_json() -> None:
    import jsonschema

    schema_path = FIXTURES / "schemas" / "csl-data.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads((FIXTURES / "card001.expected.json").read_text(encoding="utf-8")), schema)


def test_seed_card_model_fields() -> None:
    c = one(SEED)
    assert c.status == "parsed" and c.warnings == ()
    assert c.type == "article-journal"
    assert c.title == (
        "Targeted therapies in pediatric B-Cell acute lymphoblastic leukemia: "
        "mechanisms, efficacy, and future directions"
    )
    assert c.doi == "10.3389/fphar.2026.1654783"
    assert c.date is not None and (c.date.year, c.date.month, c.date.day) == (2026, 1, 28)
    assert c.pmcid == "PMC12891086"
    assert c.container_title is None and c.container_title_full is None  # never guessed
    assert c.url is None  # the source is the card's page, not the article
    assert c.keywords == (
        "CD19",
        "MONDO:0004967 acute lymphoblastic leukemia",
        "MONDO:0004947 B-cell acute lymphoblastic leukemia",
    )
    assert c.abstract is not None
    assert c.abstract.startswith("Acute lymphoblastic leukemia (ALL) is the most common")
    assert c.abstract.endswith("is crucial to enhancing long-term outcomes.")
    assert c.abstract.count("\n\n") == 4  # five paragraphs, registry line excluded
    assert "CRD420251110522" not in c.abstract
    assert c.note == "Registration: CRD420251110522 (https://www.crd.york.ac.uk/PROSPERO/view/CRD420251110522)"
    assert c.span is not None and (c.span.start, c.span.end) == (1, 52)
    assert c.raw.startswith("# Targeted") and c.raw.endswith("Source: https://tomesphere.com/paper/PMC12891086")


SEED_AUTHORS = [
    ("Valeria", "Correa-Carranza"),
    ("Guillermo", "Rosario-Méndez"),
    ("Manuel", "Castillejos-López"),
    ("Juan Luis", "Chávez-Pacheco"),
    ("Cesar", "Galván-Díaz"),
    ("Luz María", "Torres-Espíndola"),
]


def test_seed_authors_exactly_as_printed() -> None:
    c = one(SEED)
    got = [(a.given, a.family) for a in c.authors if isinstance(a, Person)]
    assert got == SEED_AUTHORS
    assert not c.et_al


# --------------------------------------------------------------------------- names
NAMES = [
    # the six seed authors, exactly as printed
    pytest.param("Valeria Correa-Carranza", "Valeria", "Correa-Carranza", None, None, id="seed-correa-carranza"),
    pytest.param("Guillermo Rosario-Méndez", "Guillermo", "Rosario-Méndez", None, None, id="seed-rosario-mendez"),
    pytest.param("Manuel Castillejos-López", "Manuel", "Castillejos-López", None, None, id="seed-castillejos-lopez"),
    pytest.param("Juan Luis Chávez-Pacheco", "Juan Luis", "Chávez-Pacheco", None, None, id="seed-two-given-names"),
    pytest.param("Cesar Galván-Díaz", "Cesar", "Galván-Díaz", None, None, id="seed-galvan-diaz"),
    pytest.param("Luz María Torres-Espíndola", "Luz María", "Torres-Espíndola", None, None, id="seed-luz-maria"),
    # particles: lower-case ones go to `particle`, capitalised ones stay in the family name
    pytest.param("Ludwig van Beethoven", "Ludwig", "Beethoven", "van", None, id="particle-van"),
    pytest.param("Vincent van der Sluis", "Vincent", "Sluis", "van der", None, id="particle-van-der"),
    pytest.param("María de la Cruz", "María", "Cruz", "de la", None, id="particle-de-la"),
    pytest.param("Juan Carlos del Valle", "Juan Carlos", "Valle", "del", None, id="particle-del"),
    pytest.param("Jean-Claude Van Damme", "Jean-Claude", "Van Damme", None, None, id="particle-capitalised-kept"),
    pytest.param("Lucía Di Lorenzo", "Lucía", "Di Lorenzo", None, None, id="particle-capitalised-di"),
    # suffixes: generational kept and canonical, degrees dropped
    pytest.param("Martin Luther King Jr.", "Martin Luther", "King", None, "Jr.", id="suffix-jr"),
    pytest.param("Martin Luther King, Jr.", "Martin Luther", "King", None, "Jr.", id="suffix-comma-jr"),
    pytest.param("John Smith III", "John", "Smith", None, "III", id="suffix-roman"),
    pytest.param("John Smith, MD, PhD", "John", "Smith", None, None, id="suffix-degrees-dropped"),
    # compound surnames
    pytest.param("Santiago Ramón y Cajal", "Santiago", "Ramón y Cajal", None, None, id="compound-y"),
    pytest.param("José Ortega y Gasset", "José", "Ortega y Gasset", None, None, id="compound-y-2"),
    pytest.param("Ana Sofía Ruiz-Torres", "Ana Sofía", "Ruiz-Torres", None, None, id="compound-hyphen"),
    pytest.param("José María de la Torre y Ruiz", "José María", "Torre y Ruiz", "de la", None, id="compound-particle"),
    # corrections to nameparser's defaults
    pytest.param("Judge Reinhold", "Judge", "Reinhold", None, None, id="title-word-as-given-name"),
    pytest.param("Dean Smith", "Dean", "Smith", None, None, id="title-word-dean"),
    pytest.param("Dr. Ana Ruiz", "Ana", "Ruiz", None, None, id="honorific-dropped"),
    pytest.param("Smith JA", "JA", "Smith", None, None, id="pubmed-family-first"),
    pytest.param("van der Sluis IM", "IM", "Sluis", "van der", None, id="pubmed-family-first-particle"),
    pytest.param("Madonna", None, "Madonna", None, None, id="single-word"),
    pytest.param("J. R. R. Tolkien", "J. R. R.", "Tolkien", None, None, id="initials-given"),
]


@pytest.mark.parametrize(("printed", "given", "family", "particle", "suffix"), NAMES)
def test_split_full_name(
    printed: str, given: str | None, family: str, particle: str | None, suffix: str | None
) -> None:
    person = split_full_name(printed)
    assert isinstance(person, Person)
    assert (person.given, person.family, person.particle, person.suffix) == (given, family, particle, suffix)


def test_initials_of_full_given_names() -> None:
    person = split_full_name("Juan Luis Chávez-Pacheco")
    assert isinstance(person, Person) and person.initials == "J.L."


@pytest.mark.parametrize(
    "printed",
    [
        pytest.param("WHO Collaborators", id="collaborators"),
        pytest.param("Children's Oncology Group", id="group"),
        pytest.param("GIMEMA Consortium", id="consortium"),
    ],
)
def test_collective_author_is_organization(printed: str) -> None:
    assert split_full_name(printed) == Organization(name=printed)


@pytest.mark.parametrize("printed", [pytest.param("", id="empty"), pytest.param(" ,; 123 ", id="no-letters")])
def test_not_a_name(printed: str) -> None:
    assert split_full_name(printed) is None


NAME_LISTS = [
    pytest.param("A Smith, B Jones", ["A Smith", "B Jones"], False, id="commas"),
    pytest.param("A Smith, B Jones and C Lee", ["A Smith", "B Jones", "C Lee"], False, id="and"),
    pytest.param("A Smith, B Jones, & C Lee", ["A Smith", "B Jones", "C Lee"], False, id="oxford-ampersand"),
    pytest.param("A Smith; B Jones", ["A Smith", "B Jones"], False, id="semicolons"),
    pytest.param(
        "Martin Luther King, Jr., Ana Ruiz", ["Martin Luther King, Jr.", "Ana Ruiz"], False, id="suffix-stays"
    ),
    pytest.param("A Smith, B Jones, et al.", ["A Smith", "B Jones"], True, id="et-al"),
]


@pytest.mark.parametrize(("printed", "names", "et_al"), NAME_LISTS)
def test_split_name_list(printed: str, names: list[str], et_al: bool) -> None:
    assert split_name_list(printed) == (names, et_al)


def test_et_al_on_a_card() -> None:
    c = one(SEED.replace("Luz María Torres-Espíndola", "Luz María Torres-Espíndola, et al."))
    assert c.et_al and len(c.authors) == 6


# --------------------------------------------------------------------------- line fields
@pytest.mark.parametrize(
    ("line", "doi", "date", "others"),
    [
        pytest.param(
            "PMC · DOI: 10.3389/fphar.2026.1654783 · 2026-01-28",
            "10.3389/fphar.2026.1654783",
            "2026-01-28",
            ("PMC",),
            id="seed",
        ),
        pytest.param("2026-01-28 · DOI: 10.1/x", "10.1/x", "2026-01-28", (), id="any-order"),
        pytest.param("PMC · 2026", None, "2026", ("PMC",), id="no-doi"),
        pytest.param("DOI: 10.1/x", "10.1/x", None, (), id="doi-only"),
    ],
)
def test_split_meta(line: str, doi: str | None, date: str | None, others: tuple[str, ...]) -> None:
    assert cf.split_meta(line) == cf.Meta(doi, date, others)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        pytest.param("10.3389/fphar.2026.1654783", "10.3389/fphar.2026.1654783", id="bare"),
        pytest.param("https://doi.org/10.1000/xyz123", "10.1000/xyz123", id="link"),
        pytest.param("10.1000/xyz123.", "10.1000/xyz123", id="final-period"),
        pytest.param("10.xyz", None, id="no-registrant"),
        pytest.param("pending", None, id="word"),
        pytest.param("see 10.1000/xyz123", None, id="not-only-a-doi"),
    ],
)
def test_card_doi(printed: str, expected: str | None) -> None:
    assert cf.card_doi(printed) == expected


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        pytest.param("2026-01-28", (2026, 1, 28), id="full"),
        pytest.param("2026-01", (2026, 1, None), id="year-month"),
        pytest.param("2026", (2026, None, None), id="year"),
        pytest.param("2026-02-30", None, id="no-such-day"),
        pytest.param("2026-13-01", None, id="no-such-month"),
        pytest.param("28/01/2026", None, id="not-iso"),
    ],
)
def test_iso_date(printed: str, expected: tuple[int, int | None, int | None] | None) -> None:
    assert cf.iso_date(printed) == expected


ENTITIES = [
    pytest.param(
        "acute lymphoblastic leukemia (MONDO:0004967)",
        [cf.Entity("acute lymphoblastic leukemia", "MONDO:0004967")],
        id="curie",
    ),
    pytest.param("CD19 (CD19 molecule)", [cf.Entity("CD19", None, "CD19 molecule")], id="description-not-id"),
    pytest.param(
        "CD19 (CD19 molecule) [NCBI Gene 930] {aka B4, CVID3}",
        [cf.Entity("CD19", "NCBIGene:930", "CD19 molecule")],
        id="ncbi-gene-aka",
    ),
    pytest.param(
        "Homo sapiens (human, species) [taxon 9606]",
        [cf.Entity("Homo sapiens", "NCBITaxon:9606", "human, species")],
        id="taxon-comma-inside",
    ),
    pytest.param(
        "hematologic malignancy (MESH:D019337), ALL (MESH:D054198)",
        [cf.Entity("hematologic malignancy", "MESH:D019337"), cf.Entity("ALL", "MESH:D054198")],
        id="two",
    ),
    pytest.param("1,2-dichloroethane (MESH:D1)", [cf.Entity("1,2-dichloroethane", "MESH:D1")], id="comma-in-name"),
    pytest.param(
        "interleukin-1 (IL-1) receptor (MESH:D2)",
        [cf.Entity("interleukin-1 (IL-1) receptor", "MESH:D2")],
        id="parens-in-name",
    ),
    pytest.param("odd (unbalanced", [cf.Entity("odd (unbalanced")], id="unbalanced-kept-whole"),
]


@pytest.mark.parametrize(("text", "entities"), ENTITIES)
def test_parse_entities(text: str, entities: list[cf.Entity]) -> None:
    assert cf.parse_entities(text) == entities


def test_entity_keyword_form() -> None:
    assert cf.Entity("acute lymphoblastic leukemia", "MONDO:0005061").keyword() == (
        "MONDO:0005061 acute lymphoblastic leukemia"
    )
    assert cf.Entity("CD19", None, "CD19 molecule").keyword() == "CD19"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            "https://www.crd.york.ac.uk/PROSPERO/view/CRD420251110522, identifier CRD420251110522",
            cf.Registration("CRD420251110522", "https://www.crd.york.ac.uk/PROSPERO/view/CRD420251110522"),
            id="seed",
        ),
        pytest.param(
            "Clinical Trial Registration: https://clinicaltrials.gov/, identifier NCT01234567.",
            cf.Registration("NCT01234567", "https://clinicaltrials.gov/"),
            id="labelled",
        ),
        pytest.param("The identifier of the trial is unknown.", None, id="prose"),
    ],
)
def test_registration(line: str, expected: cf.Registration | None) -> None:
    assert cf.registration(line) == expected


def test_markdown_escapes_in_title() -> None:
    assert one(SEED.replace("# Targeted", "# \\*Targeted\\* **bold**")).title.startswith("*Targeted* bold")  # type: ignore[union-attr]


# --------------------------------------------------------------------------- missing optional parts
def _drop(pattern: str) -> str:
    text, n = re.subn(pattern, "", SEED, flags=re.S | re.M)
    assert n == 1, pattern
    return text


MISSING = [
    pytest.param(r"^\*\*Authors:\*\*.*?\n", ["no-authors"], id="authors"),
    pytest.param(r"^PMC · DOI.*?\n", ["no-doi", "no-date"], id="metadata-line"),
    pytest.param(r" · 2026-01-28", ["no-date"], id="date"),
    pytest.param(r" · DOI: 10\.3389/fphar\.2026\.1654783", ["no-doi"], id="doi"),
    pytest.param(r"^## TL;DR\n.*?(?=^## Contribution)", [], id="tldr"),
    pytest.param(r"^## Contribution\n.*?(?=^## Key findings)", [], id="contribution"),
    pytest.param(r"^## Key findings\n.*?(?=^## Abstract)", [], id="key-findings"),
    pytest.param(r"^## Abstract\n.*?(?=^## Linked entities)", ["no-abstract"], id="abstract"),
    pytest.param(r"^## Linked entities\n.*?(?=^## Full-text entities)", ["no-keywords"], id="linked-entities"),
    pytest.param(r"^## Full-text entities\n.*?(?=^## Figures)", [], id="full-text-entities"),
    pytest.param(r"^## Figures\n.*?(?=^---)", [], id="figures"),
    pytest.param(r"^---\nSource: .*", ["no-source"], id="source"),
]


@pytest.mark.parametrize(("pattern", "expected_codes"), MISSING)
def test_card_lacking_an_optional_part(pattern: str, expected_codes: list[str]) -> None:
    c = one(_drop(pattern))
    assert c.status == "parsed"
    assert codes(c) == expected_codes
    assert c.title is not None and c.title.startswith("Targeted therapies")
    for w in c.warnings:
        assert w.message and w.line is not None


def test_card_lacking_everything_but_its_title() -> None:
    c = one("# Just a title\n")
    assert c.title == "Just a title" and c.status == "parsed"
    assert codes(c) == ["no-authors", "no-doi", "no-date", "no-abstract", "no-keywords", "no-source"]


# --------------------------------------------------------------------------- malformed cards
MALFORMED = [
    pytest.param(TITLE_LINE, "", "no-title", id="no-title"),
    pytest.param(TITLE_LINE, "# \n", "no-title", id="empty-title"),
    pytest.param("10.3389/fphar.2026.1654783", "10.xyz", "bad-doi", id="doi-without-registrant"),
    pytest.param("DOI: 10.3389/fphar.2026.1654783", "DOI: pending", "bad-doi", id="doi-is-a-word"),
    pytest.param("2026-01-28", "2026-02-30", "bad-date", id="impossible-date"),
    pytest.param("Cesar Galván-Díaz", "123", "bad-name", id="number-as-author"),
]


@pytest.mark.parametrize(("old", "new", "code"), MALFORMED)
def test_malformed_card_is_recovered_with_a_warning(old: str, new: str, code: str) -> None:
    c = one(SEED.replace(old, new, 1))
    assert c.status == "recovered"
    assert codes(c)[0] == code  # the reason comes first
    warning = next(w for w in c.warnings if w.code == code)
    assert warning.line is not None
    if new.strip(" #\n"):
        assert new.split()[-1] in warning.message  # the message quotes what was printed
    assert c.raw  # nothing lost: the card's text is kept
    assert c.pmcid == "PMC12891086"  # the rest of the card is still read


def test_malformed_card_keeps_other_fields() -> None:
    c = one(SEED.replace("10.3389/fphar.2026.1654783", "10.xyz"))
    assert c.doi is None and c.title and len(c.authors) == 6 and c.abstract


def test_unknown_header_line_and_section_are_reported() -> None:
    text = SEED.replace("PMC · DOI", "Some stray line\nPMC · DOI").replace("## Figures", "## Reviewer notes")
    c = one(text)
    assert c.status == "parsed"
    assert codes(c) == ["unread-line", "unknown-section"]


# --------------------------------------------------------------------------- several cards
def _second(title: str) -> str:
    return SEED.replace("Targeted therapies in pediatric", title).replace("PMC12891086", "PMC1234567")


SEVERAL = [
    pytest.param(SEED + "\n\n" + _second("Second card"), 2, id="blank-line-between"),
    pytest.param(SEED + _second("Second card"), 2, id="glued-without-final-newline"),
    pytest.param(SEED + "\n" + _second("Second") + "\n---\n\n" + _second("Third"), 3, id="three"),
    pytest.param(
        SEED.replace("---\nSource: https://tomesphere.com/paper/PMC12891086", "") + _second("Second"),
        2,
        id="first-without-footer",
    ),
]


@pytest.mark.parametrize(("text", "count"), SEVERAL)
def test_several_cards_in_one_file(text: str, count: int) -> None:
    result = parse_cards(text)
    assert len(result.citations) == count
    assert result.citations[0].title is not None and result.citations[0].title.startswith("Targeted")
    assert result.citations[1].title is not None and result.citations[1].title.startswith("Second")
    assert result.citations[1].pmcid == "PMC1234567"
    spans = [c.span for c in result.citations]
    assert all(s is not None for s in spans)
    assert [s.start for s in spans if s] == sorted(s.start for s in spans if s)


def test_untitled_card_after_a_footer_is_kept() -> None:
    result = parse_cards(SEED + "\n" + _second("Second").replace("# Second", "", 1))
    assert [c.status for c in result.citations] == ["parsed", "recovered"]
    assert "no-title" in codes(result.citations[1])
    assert result.citations[1].doi == "10.3389/fphar.2026.1654783"


def test_lone_footer_is_a_card_of_its_own() -> None:
    result = parse_cards(SEED + "\n---\nSource: https://tomesphere.com/paper/PMC7654321\n")
    assert len(result.citations) == 2
    assert result.citations[1].pmcid == "PMC7654321" and "no-title" in codes(result.citations[1])


def test_empty_text_gives_no_cards_and_a_warning() -> None:
    result = parse_cards("\n \n")
    assert result.citations == () and [w.code for w in result.warnings] == ["no-cards"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("plain prose\nover two lines", id="prose"),
        pytest.param("## Abstract\n\nonly a section", id="section-only"),
        pytest.param("---\n***\n- a\n1. b\n", id="markers-only"),
        pytest.param("Source: https://x.org/a# # #\n# \n## \n", id="markers-glued"),
    ],
)
def test_any_text_parses_without_crashing(text: str) -> None:
    result = parse_cards(text)
    assert result.format == "card"
    assert all(c.raw for c in result.citations)


# --------------------------------------------------------------------------- any text
_LINES = st.sampled_from(
    [
        "# Title",
        "#",
        "## Abstract",
        "## Linked entities",
        "### Sub",
        "**Authors:** Ana Ruiz, Bo Li",
        "Authors: X",
        "PMC · DOI: 10.1/x · 2026-01-28",
        "DOI: nonsense",
        "a · b",
        "- **Diseases:** x (MONDO:1), y",
        "1. item",
        "---",
        "***",
        "Source: https://x.org/PMC123",
        "Source: https://x.org/PMC9# Glued title",
        "plain text",
        "",
        "   ",
    ]
)


@given(st.lists(st.one_of(_LINES, st.text(max_size=30)), max_size=25))
@settings(max_examples=300, deadline=None)
def test_any_lines_parse_and_nothing_is_lost(lines: list[str]) -> None:
    text = "\n".join(lines)
    result = parse_cards(text)  # never raises
    kept = "\n".join(c.raw for c in result.citations)
    for line in iter_lines(text):
        if not re.fullmatch(r"(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})", line.text):
            for piece in line.text.split("# "):  # a glued footer and title are two lines
                assert piece.strip() in kept


# --------------------------------------------------------------------------- other exports
def test_seed_card_to_bibtex() -> None:
    from refparse.export import bibtex

    c = one(SEED)
    classic = bibtex.to_bibtex([c])
    assert classic.startswith("@article{")
    for field in (
        "author   = {{Correa-Carranza}, Valeria and {Rosario-Méndez}, Guillermo and {Castillejos-López}, Manuel"
        " and {Chávez-Pacheco}, Juan Luis and {Galván-Díaz}, Cesar and {Torres-Espíndola}, Luz María}",
        "doi      = {10.3389/fphar.2026.1654783}",
        "pmcid    = {PMC12891086}",
        "year     = {2026}",
        "month    = jan",
        "MONDO:0004967 acute lymphoblastic leukemia",
        "Targeted therapies represent a paradigm shift",
    ):
        assert field in classic
    assert "journal" not in classic  # never guessed
    assert "date     = {2026-01-28}" in bibtex.to_bibtex([c], bibtex.BibtexOptions(biblatex=True))


def test_seed_card_to_ris() -> None:
    from refparse.export import ris

    lines = ris.to_ris([one(SEED)]).splitlines()
    assert lines[0] == "TY  - JOUR"
    assert [ln[6:] for ln in lines if ln.startswith("AU  - ")] == [f"{f}, {g}" for g, f in SEED_AUTHORS]
    for line in (
        "DO  - 10.3389/fphar.2026.1654783",
        "DA  - 2026/01/28",
        "PY  - 2026",
        "KW  - MONDO:0004947 B-cell acute lymphoblastic leukemia",
        "N1  - PMCID: PMC12891086",
    ):
        assert line in lines
    assert any(ln.startswith("TI  - Targeted therapies in pediatric B-Cell") for ln in lines)
    assert any(ln.startswith("AB  - Acute lymphoblastic leukemia (ALL)") for ln in lines)
    assert not any(ln.startswith(("JO  - ", "T2  - ", "JF  - ")) for ln in lines)
