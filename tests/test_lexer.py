"""Stage 3a — lines become tokens (table-driven)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refparse import parse
from refparse.lexer import (
    _BEFORE_A_COMMA,
    _KEYWORD_LINE,
    _KEYWORDS,
    _NAMEISH,
    _PUNCT_TYPES,
    _RULE_AFTER,
    _SHAPES,
    _TEXT_NODE,
    _WRAP_LEAD,
    _WRAP_TRAIL,
    _compound,
    _in_context,
    _may_be_keyword,
    _names_before,
    classify,
    tokens,
)
from refparse.noise import is_link_noise


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("):", [("RPAR", ")"), ("COLON", ":")], id="punct-split"),
        pytest.param(". (", [("DOT", "."), ("LPAR", "(")], id="dot-paren"),
        pytest.param(", et al", [("COMMA", ","), ("ETAL", "et al")], id="et-al"),
        pytest.param(". In:", [("DOT", "."), ("IN", "In:")], id="in"),
        pytest.param(", editors.", [("COMMA", ","), ("EDS", "editors"), ("DOT", ".")], id="editors"),
        pytest.param(". doi:", [("DOT", "."), ("DOIKW", "doi:")], id="doi-label"),
        pytest.param("(suppl", [("LPAR", "("), ("SUPPL", "suppl")], id="suppl"),
        pytest.param("2025", [("YEAR", "2025")], id="year"),
        pytest.param("2011a", [("YEAR", "2011a")], id="year-suffix"),
        pytest.param("392", [("NUM", "392")], id="num"),
        pytest.param("24436430", [("LONGNUM", "24436430")], id="pmid-like"),
        pytest.param("e24", [("LOC", "e24")], id="elocator"),
        pytest.param("73.e1", [("LOC", "73.e1")], id="dotted-elocator"),
        pytest.param("579e10", [("LOC", "579e10")], id="article-e"),
        pytest.param("223–224", [("RANGE", "223–224")], id="range"),
        pytest.param("RE", [("INIT", "RE")], id="initials"),
        pytest.param("R. S.", [("INIT", "R. S.")], id="dotted-initials"),
        pytest.param("J.-P.", [("INIT", "J.-P.")], id="hyphen-initials"),
        pytest.param("C-KK", [("INIT", "C-KK")], id="hyphen-initials-2"),
        pytest.param("van der", [("PARTICLE", "van der")], id="particle"),
        pytest.param("DA", [("INIT", "DA")], id="capital-initials-not-particle"),
        pytest.param("Jr", [("SUFFIX", "Jr")], id="suffix"),
        pytest.param("3rd", [("SUFFIX", "3rd")], id="ordinal-suffix"),
        pytest.param("10.1038/ncb1050", [("DOI", "10.1038/ncb1050")], id="doi"),
        pytest.param("https://doi.org/10.1371/x", [("DOI", "https://doi.org/10.1371/x")], id="doi-url"),
        pytest.param("http://www.r-project.org", [("URL", "http://www.r-project.org")], id="url"),
        pytest.param("Gupta", [("TEXT", "Gupta")], id="surname"),
        pytest.param("(2011).", [("LPAR", "("), ("YEAR", "2011"), ("RPAR", ")"), ("DOT", ".")], id="wrapped-year"),
        pytest.param("109(41)", [("NUM", "109"), ("LPAR", "("), ("NUM", "41"), ("RPAR", ")")], id="compound"),
        pytest.param(
            ". Paper presented at: EHA Library; 13 June",
            [("DOT", "."), ("PRESENTED", "EHA Library; 13 June")],
            id="conference",
        ),
        pytest.param(
            "; PubMed Central PMCID: PMC3651414.",
            [("SEMI", ";"), ("PMCID", "3651414"), ("DOT", ".")],
            id="pmcid",
        ),
        pytest.param("Art. no.", [("ARTNO", "Art. no.")], id="article-number"),
        pytest.param("n.d.", [("ND", "n.d.")], id="no-date"),
        pytest.param("Google Scholar", [("NOISE", "Google Scholar")], id="link-noise"),
    ],
)
def test_classify(line: str, expected: list[tuple[str, str]]) -> None:
    assert list(classify(line)) == expected


def _types(*lines: str) -> list[str]:
    return list(tokens(lines).types)


def test_long_text_is_a_phrase_not_a_surname() -> None:
    assert _types("Blinatumomab added to chemotherapy in infant lymphoblastic leukemia") == ["PHRASE"]
    assert _types("de Ruyter van Steveninck") == ["TEXT"]


def test_surname_glued_to_initials() -> None:
    assert _types("van der", "Sluis IM", ",") == ["PARTICLE", "GLUED", "COMMA"]
    assert _types("Mirabet V", ",", "Burrow", "AH") == ["GLUED", "COMMA", "TEXT", "INIT"]
    assert _types(".", "Proc R Soc B") == ["DOT", "TEXT"]  # a journal: not where a name starts, 4 words


def test_ed_followed_by_initials_is_a_surname() -> None:
    assert _types("Ed", "L", ",", "Nomi", "H") == ["TEXT", "INIT", "COMMA", "TEXT", "INIT"]
    assert _types(",", "editors", ".") == ["COMMA", "EDS", "DOT"]


def test_mixed_case_initials_only_right_after_a_surname() -> None:
    assert _types("Fodor", "Aa", ",") == ["TEXT", "INIT", "COMMA"]
    assert _types("Li", ",", "Wu", "J") == ["TEXT", "COMMA", "TEXT", "INIT"]


def test_bracketed_link_furniture_on_three_lines_is_dropped() -> None:
    assert _types("e201", "[", "Google Scholar", "]") == ["LOC"]


def test_each_token_knows_its_element() -> None:
    toks = tokens(["Gupta", "S", ", et al"])
    assert toks.at == [0, 1, 2, 2]
    assert [(t.type, t.value, t.index) for t in toks.toks()][-1] == ("ETAL", "et al", 3)


def test_doi_is_a_label_only_before_a_doi() -> None:
    assert _types("Gupta", "DOI", ".") == ["TEXT", "INIT", "DOT"]
    assert _types(".", "DOI", "10.1038/ncb1050") == ["DOT", "DOIKW", "DOI"]


def test_roman_numerals_after_a_bare_surname_are_initials() -> None:
    assert _types("Aaa", "IV", ".") == ["TEXT", "INIT", "DOT"]
    assert _types("Owens", "AP", "3rd") == ["TEXT", "INIT", "SUFFIX"]
    assert _types("Smith", "JA", "III") == ["TEXT", "INIT", "SUFFIX"]


@pytest.mark.parametrize("kind", ["TEXT", "TEXT?", "INIT", "DOI"])
def test_context_rules_apply_only_after_the_type_tokens_skips_them_for(kind: str) -> None:
    # tokens() calls _in_context only when the token before has the type in
    # _RULE_AFTER; after any other type the rule must change nothing.
    every_type = {*_PUNCT_TYPES.values(), *(k for k, _ in _KEYWORDS), *(k for k, _ in _SHAPES), "TEXT", "PHRASE"}
    after = _RULE_AFTER[kind]
    for before in sorted(every_type - after) if after is not None else ():
        for value, before_value in (("Sluis IM", "van der"), ("10.1/x", "DOI"), ("L", "Ed"), ("AB", "x")):
            types, values = [",", before], [",", before_value]
            assert _in_context(kind, value, types, values) == kind
            assert types == [",", before]


def test_name_rules_apply_only_where_tokens_calls_them() -> None:
    # tokens() skips _names_before unless the last type is INIT, PARTICLE or MONTH before a comma
    # or TEXT after "TEXT ,"; anywhere else its rules must change nothing
    kinds = ["COMMA", "SEMI", "AND", "INIT", "TEXT", "GIVEN", "PHRASE", "DOT", "IN", "PARTICLE", "YEAR", "MONTH"]
    for kind in kinds:
        for before in itertools.product(kinds, repeat=4):
            types = ["SEMI", *before]
            if not (kind == "COMMA" or types[-2] == "COMMA"):
                continue
            if (types[-1] in _BEFORE_A_COMMA and kind == "COMMA") or (
                types[-1] == "TEXT" and types[-2] == "COMMA" and types[-3] == "TEXT"
            ):
                continue
            for value in ("SILVA", "Roland", "A.", "Das", "May"):
                values = ["x", "A.", value, "A.", value]
                changed = list(types)
                _names_before(kind, changed, values)
                assert changed == types, (kind, types, value)


@settings(max_examples=300)
@given(st.from_regex(r"[0-9]{1,30}", fullmatch=True))
def test_no_keyword_or_link_label_is_all_digits(line: str) -> None:
    # _classify gives a line of digits its number shape without these checks
    assert _KEYWORD_LINE.fullmatch(line) is None
    assert not is_link_noise(line)


@pytest.mark.parametrize(("kind", "pattern"), _KEYWORDS, ids=[kind for kind, _ in _KEYWORDS])
def test_every_keyword_starts_as_the_quick_test_expects(kind: str, pattern: str) -> None:
    # _keyword skips its alternation for a line _may_be_keyword rules out: none may be a keyword
    @settings(max_examples=300, database=None)
    @given(st.from_regex(pattern, fullmatch=True))
    def check(word: str) -> None:
        assert _may_be_keyword(word), word
        for lead in ("", ", ", ". ("):
            line = lead + word
            if _KEYWORD_LINE.fullmatch(line):
                assert _may_be_keyword(line), line

    check()


@settings(max_examples=300)
@given(st.from_regex(r"[0-9]{1,6}\.[0-9].{0,40}", fullmatch=True))
def test_no_keyword_line_starts_with_a_decimal(line: str) -> None:
    # _may_be_keyword rules out "10.1016/…", "3.2": their keyword alternation is skipped
    assert _KEYWORD_LINE.fullmatch(line) is None
    assert not _may_be_keyword(line)


@pytest.mark.parametrize(("line", "may"), [("Okafor", False), ("A map of genes", False), ("Élan", False),
                                           ("Martin", True), ("p.", True), ("n.d.", True), (", et al", True),
                                           ("2nd ed.", True), ("[Epub", True)])
def test_the_quick_keyword_test(line: str, may: bool) -> None:
    assert _may_be_keyword(line) is may


@settings(max_examples=300)
@given(st.from_regex(_NAMEISH, fullmatch=True))
def test_a_name_like_line_is_never_wrapped_a_text_node_or_a_compound(line: str) -> None:
    # _classify decides name-like lines before these checks
    assert line[0] not in _WRAP_LEAD and line[-1] not in _WRAP_TRAIL
    assert _TEXT_NODE.fullmatch(line) is None
    assert _compound(line) is None


@pytest.mark.parametrize("word", ["Ed", "In", "Number", "Online", "Vol", "Accessed", "May"])
def test_a_label_word_where_a_name_starts_and_initials_follow_is_a_surname(word: str) -> None:
    for lines in ([word, "RM", ",", "Smith", "A"], ["Smith", "A", ",", word, "RM"]):
        page = "\n".join(["1.", *lines, ".", "A title of the work here", ".", "J Test", ".", "2020", ";", "1", ":", "1", "-", "5", "."])
        [c] = parse(page).citations
        assert c.status == "parsed" and sorted(a.family for a in c.authors) == sorted([word, "Smith"])


@pytest.mark.parametrize("capitals", ["URL", "CAS", "ISI", "II"])
def test_up_to_three_capitals_after_a_surname_are_initials(capitals: str) -> None:
    page = "\n".join(["1.", "Smith", capitals, ",", "Jones", "A", ".", "A title of the work here", ".", "J Test", ".", "2020", ";", "1", ":", "1", "-", "5", "."])
    [c] = parse(page).citations
    assert c.status == "parsed" and [(a.family, a.initials) for a in c.authors] == [
        ("Smith", ".".join(capitals) + "."), ("Jones", "A.")]
