"""Stage 4 — each normalizer, table-driven, plus idempotence properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refparse import normalize as nz


@pytest.mark.parametrize(
    ("first", "last", "expanded"),
    [
        pytest.param("1572", "81", "1581", id="abbreviated"),
        pytest.param("2447", "59", "2459", id="two-digits"),
        pytest.param("1572", "1581", "1581", id="full"),
        pytest.param("99", "101", "101", id="longer"),
        pytest.param("903", "10", "910", id="one-digit-carry"),
        pytest.param("e24", "e34", "e34", id="elocator"),
        pytest.param("73.e1", "73.e9", "73.e9", id="dotted"),
        pytest.param("579e1", "579e10", "579e10", id="article-e"),
        pytest.param("S2", "S3", "S3", id="supplement-pages"),
        pytest.param("D43", "47", "D47", id="prefixed-abbreviated"),
        pytest.param("1839", "47", "1847", id="year-shaped"),
        pytest.param("756 e11", "5", "5", id="unexpandable-kept"),
    ],
)
def test_expand_last_page(first: str, last: str, expanded: str) -> None:
    assert nz.expand_last_page(first, last) == expanded


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        pytest.param("10.1038/ncb1050", "10.1038/ncb1050", id="bare"),
        pytest.param("doi: 10.1038/ncb1050.", "10.1038/ncb1050", id="label-and-period"),
        pytest.param(
            "https://doi.org/10.1016/S0022-2836(05)80360-2", "10.1016/S0022-2836(05)80360-2", id="parens-kept"
        ),
        pytest.param("(doi:10.1/abc)", None, id="registrant-too-short"),
        pytest.param(
            "http://dx.doi.org/10.1371/journal.pone.0033693),", "10.1371/journal.pone.0033693", id="stray-paren"
        ),
        pytest.param("not a doi", None, id="none"),
    ],
)
def test_doi(text: str, doi: str | None) -> None:
    assert nz.doi(text) == doi


@pytest.mark.parametrize(
    ("given_name", "initials"),
    [
        pytest.param("RE", "R.E.", id="caps"),
        pytest.param("R. S.", "R.S.", id="dotted"),
        pytest.param("J.-P.", "J.-P.", id="hyphenated"),
        pytest.param("Juan Luis", "J.L.", id="full-names"),
        pytest.param("Ch.", "Ch.", id="digraph"),
        pytest.param("", None, id="empty"),
    ],
)
def test_initials(given_name: str, initials: str | None) -> None:
    assert nz.initials(given_name) == initials


@pytest.mark.parametrize(
    ("family", "split"),
    [
        pytest.param("van der Sluis", ("van der", "Sluis"), id="van-der"),
        pytest.param("de Lorenzo", ("de", "Lorenzo"), id="de"),
        pytest.param("de Ruyter van Steveninck", ("de", "Ruyter van Steveninck"), id="inner-particle-kept"),
        pytest.param("De Moerloose", (None, "De Moerloose"), id="capitalised-is-family"),
        pytest.param("Van der Velden", (None, "Van der Velden"), id="capitalised-van"),
        pytest.param("van", (None, "van"), id="nothing-left"),
        pytest.param("d'Alembert", ("d'", "Alembert"), id="elided"),
        pytest.param("de los Santos", ("de los", "Santos"), id="following-word"),
        pytest.param("y Gasset", (None, "y Gasset"), id="following-word-cannot-lead"),
        pytest.param("dos Santos", ("dos", "Santos"), id="dos"),
    ],
)
def test_split_particle(family: str, split: tuple[str | None, str]) -> None:
    assert nz.split_particle(family) == split


@pytest.mark.parametrize(
    ("text", "split"),
    [
        pytest.param("Sluis IM", ("Sluis", "IM"), id="glued"),
        pytest.param("Sluis", ("Sluis", None), id="plain"),
        pytest.param("Della Starza I", ("Della Starza", "I"), id="two-words"),
    ],
)
def test_split_glued(text: str, split: tuple[str, str | None]) -> None:
    assert nz.split_glued(text) == split


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        pytest.param("9", ("9", None), id="number"),
        pytest.param("suppl 1", ("suppl 1", "1"), id="suppl"),
        pytest.param("Suppl. 2", ("suppl 2", "2"), id="suppl-dot"),
        pytest.param("Supplement 3", ("suppl 3", "3"), id="supplement-word"),
        pytest.param("Pt 2", ("Pt 2", None), id="part"),
    ],
)
def test_issue(text: str, parsed: tuple[str, str | None]) -> None:
    assert nz.issue(text) == parsed


@pytest.mark.parametrize(
    ("text", "month", "day"),
    [
        pytest.param("Mar", 3, None, id="abbrev"),
        pytest.param("Sept.", 9, None, id="sept"),
        pytest.param("13 June", 6, 13, id="day-month"),
        pytest.param("June 13th", 6, 13, id="month-day"),
        pytest.param("Winter", 16, None, id="season"),
        pytest.param("Jan-Feb", 1, None, id="range"),
    ],
)
def test_month_and_day(text: str, month: int, day: int | None) -> None:
    assert nz.month(text) == month
    assert nz.day(text) == day


@pytest.mark.parametrize(
    ("fn", "text", "value"),
    [
        pytest.param(nz.pmid, "PMID: 24436430", "24436430", id="pmid"),
        pytest.param(nz.pmid, "abc", None, id="pmid-bad"),
        pytest.param(nz.pmcid, "3651414", "PMC3651414", id="pmcid-digits"),
        pytest.param(nz.pmcid, "PMCID: PMC3651414", "PMC3651414", id="pmcid-label"),
        pytest.param(nz.url, "www.who.int/x.", "http://www.who.int/x", id="url-www"),
        pytest.param(nz.url, "javascript:alert(1)", None, id="url-not-http"),
        pytest.param(nz.isbn, "ISBN 3-900051-07-0", "3900051070", id="isbn10"),
        pytest.param(nz.isbn, "12", None, id="isbn-short"),
    ],
)
def test_identifiers(fn, text: str, value: str | None) -> None:  # type: ignore[no-untyped-def]
    assert fn(text) == value


def test_year() -> None:
    assert nz.year("2011a") == (2011, "a")
    assert nz.year("2011") == (2011, None)
    assert nz.year("n.d.") is None


@given(st.text())
def test_nfc_is_idempotent(text: str) -> None:
    assert nz.nfc(nz.nfc(text)) == nz.nfc(text)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x24F), max_size=40))
def test_doi_is_idempotent(text: str) -> None:
    once = nz.doi("10.1234/" + text)
    if once is not None:
        assert nz.doi(once) == once


@given(st.integers(1, 99999), st.integers(0, 99999))
def test_expanded_last_page_is_never_before_the_first(first: int, offset: int) -> None:
    last = str(first + offset)
    for cut in range(1, len(last) + 1):
        expanded = nz.expand_last_page(str(first), last[-cut:])
        assert int(expanded) >= first or expanded == last[-cut:]
        assert nz.expand_last_page(str(first), expanded) == expanded


def test_one_particle_list_serves_the_lexer_the_normaliser_and_matching() -> None:
    from refparse.enrich.fields import PARTICLES, core_family
    from refparse.grammar_files import particles
    from refparse.lexer import tokens

    leading, following, elided = particles()
    assert {"van", "de", "della", "ibn"} <= set(leading) and "y" in following and "d'" in elided
    assert set(leading) <= PARTICLES and "d" in PARTICLES
    assert core_family("van der Sluis") == "sluis" and core_family("de los Santos") == "santos"
    assert tokens(["van der", "Sluis", "IM"]).types[0] == "PARTICLE"
    assert tokens(["De los", "Santos", "M"]).types[0] == "PARTICLE"
