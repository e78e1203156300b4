"""Flat-layout rules found on the style corpus (``benchmarks/corpus/styles-flat``).

Each rule was a class of wrong fields in one or more citation styles; the cases are references
written in that style (not copied from the corpus), their fields reviewed by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from refparse.normalize import looks_like_publisher
from test_flat import check_fields, one

CASES = [
    pytest.param(
        "1. Lee, K., Park, J.H.: Thermal tolerance of reef corals in the Red Sea. J. Exp. Mar. Biol. Ecol. "
        "512(4), 44–52 (2019)",
        {"title": "Thermal tolerance of reef corals in the Red Sea", "container": "J. Exp. Mar. Biol. Ecol.",
         "volume": "512", "issue": "4", "pages": ("44", "52"), "year": 2019},
        id="springer-volume-issue-pages-then-year",
    ),
    pytest.param(
        "1. Ortiz, M., Chen, L.: Seasonal drift of gut microbiota. PLoS Biol. 17, e3000321 (2019)",
        {"title": "Seasonal drift of gut microbiota", "container": "PLoS Biol", "volume": "17",
         "pages": ("e3000321", None)},
        id="mixed-case-abbreviation-in-a-journal",
    ),
    pytest.param(
        "Ng, T. (2001). Cleavage of viral RNA by ribonuclease L. J. Gen. Virol. 82, 1901–1910.",
        {"title": "Cleavage of viral RNA by ribonuclease L", "container": "J. Gen. Virol.", "volume": "82",
         "pages": ("1901", "1910")},
        id="title-ending-in-an-initial-then-a-dotted-journal",
    ),
    pytest.param(
        "Bond, R. F., 1998. Repair of DNA by polymerase I. J. Mol. Biol. 275, 11–19.",
        {"title": "Repair of DNA by polymerase I", "container": "J. Mol. Biol.", "volume": "275"},
        id="title-ending-in-an-initial-then-three-dotted-words",
    ),
    pytest.param(
        "(4) Smith, A.; Jones, B. Sporulation in B. Subtilis. Cell 2010, 140, 10–20.",
        {"title": "Sporulation in B. Subtilis", "container": "Cell", "volume": "140", "year": 2010},
        id="species-abbreviation-ends-the-title-before-a-whole-word-journal",
    ),
    pytest.param(
        "[3] A. Kim and B. Lo, “Tracking contacts with phones,” PLoS One, vol. 9, Art. no. e88123, 2014.",
        {"container": "PLoS One", "volume": "9", "issue": None, "pages": None, "year": 2014},
        id="ieee-article-number-label",
    ),
    pytest.param(
        "[5] C. Wu, “Insulin resistance in aging,” J. Clin. Endocrinol. Metab., vol. 80, pp. 12–19, 1995.",
        {"title": "Insulin resistance in aging", "container": "J. Clin. Endocrinol. Metab.", "volume": "80",
         "pages": ("12", "19")},
        id="quoted-title-then-long-abbreviations",
    ),
    pytest.param(
        "1. Royal Society, 2017. Machine learning: the power and promise of computers that learn by example. "
        "Royal Society, London.",
        {"authors": ["Royal Society"], "year": 2017,
         "title": "Machine learning: the power and promise of computers that learn by example"},
        id="organisation-comma-year",
    ),
    pytest.param(
        "Hale, J. R., 1994. The Civilization of Europe in the Renaissance. Addison-Wesley.",
        {"title": "The Civilization of Europe in the Renaissance", "container": None, "year": 1994},
        id="joined-publisher-name-is-no-journal",
    ),
    pytest.param(
        "Mori, T. (2004). “Nest building in weaver ants,” in Social Insects, eds K. Ito and L. Roy (Berlin: "
        "Springer), 12–30.",
        {"title": "Nest building in weaver ants", "container": "Social Insects", "pages": ("12", "30")},
        id="frontiers-eds-without-a-full-stop-end-the-book",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_flat_style_rule(text: str, expected: dict[str, Any]) -> None:
    check_fields(text, expected)


def test_an_article_number_label_gives_the_article_number() -> None:
    c = one("[3] A. Kim and B. Lo, “Tracking contacts with phones,” PLoS One, vol. 9, Art. no. e88123, 2014.")
    assert c.article_number == "e88123"


@pytest.mark.parametrize("name", ["Wiley-Interscience", "Prentice-Hall", "Thomson Brooks/Cole", "Random House",
                                  "Chapman & Hall", "StataCorp LP", "Stata Corp"])
def test_publisher_names(name: str) -> None:
    assert looks_like_publisher(name) is (name != "StataCorp LP")  # a glued name is not split


@pytest.mark.parametrize("name", ["Nature", "J. Exp. Biol.", "Annals of Botany", "Hall Journal of Law"])
def test_journal_names_are_no_publishers(name: str) -> None:
    assert not looks_like_publisher(name)
