"""The flat layout: one reference per line or wrapped paragraph, in the major styles.

Each style case is one reference as that style prints it (written for these
tests, following each style's published rules), with the fields it must
give. The splitter cases are whole lists as users paste them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES
from refparse.detect import detect_format, parse_any
from refparse.models import Citation
from scoring import score


def one(text: str) -> Citation:
    result = parse_any(text, "flat")
    assert len(result.citations) == 1, [c.raw for c in result.citations]
    return result.citations[0]


def names(c: Citation) -> list[str]:
    out = []
    for a in c.authors:
        if a.kind == "organization":
            out.append(a.name)
        else:
            out.append(" ".join(x for x in (a.particle, a.family) if x) + (f" {a.given}" if a.given else ""))
    return out


def fields(c: Citation) -> dict[str, Any]:
    return {
        "authors": names(c),
        "et_al": c.et_al,
        "title": c.title,
        "container": c.container_title,
        "year": c.year,
        "volume": c.volume,
        "issue": c.issue,
        "pages": (c.pages.first, c.pages.last) if c.pages else None,
        "doi": c.doi,
        "type": c.type,
        "publisher": c.publisher,
        "place": c.publisher_place,
    }


STYLES = [
    pytest.param(
        "1. Gupta S, Rau RE, Kairalla JA, et al. Blinatumomab in children with B-ALL. N Engl J Med. "
        "2025;392(9):875-891. doi:10.1056/NEJMoa2401234",
        {"authors": ["Gupta S", "Rau RE", "Kairalla JA"], "et_al": True, "title": "Blinatumomab in children with B-ALL",
         "container": "N Engl J Med", "year": 2025, "volume": "392", "issue": "9", "pages": ("875", "891"),
         "doi": "10.1056/NEJMoa2401234"},
        id="ama",
    ),
    pytest.param(
        "Bender W, Hudson A. P element homing to the Drosophila bithorax complex. Development. 2000;127:3981-92.",
        {"authors": ["Bender W", "Hudson A"], "title": "P element homing to the Drosophila bithorax complex",
         "container": "Development", "year": 2000, "volume": "127", "pages": ("3981", "3992")},
        id="vancouver",
    ),
    pytest.param(
        "Baker, R. E., Yates, C. A., & Erban, R. (2009). From microscopic to macroscopic descriptions of cell "
        "migration on growing domains. Bulletin of Mathematical Biology, 72(3), 719–762. "
        "https://doi.org/10.1007/s11538-009-9467-x",
        {"authors": ["Baker R. E.", "Yates C. A.", "Erban R."], "year": 2009,
         "title": "From microscopic to macroscopic descriptions of cell migration on growing domains",
         "container": "Bulletin of Mathematical Biology", "volume": "72", "issue": "3", "pages": ("719", "762"),
         "doi": "10.1007/s11538-009-9467-x"},
        id="apa7",
    ),
    pytest.param(
        "Alcaraz, R., Klonoff, E.A., Landrine, H., 1997. The effects on children of participating in studies. "
        "Prev. Med. 26, 236–240.",
        {"authors": ["Alcaraz R.", "Klonoff E.A.", "Landrine H."], "year": 1997,
         "title": "The effects on children of participating in studies", "container": "Prev. Med.",
         "volume": "26", "pages": ("236", "240")},
        id="harvard-elsevier",
    ),
    pytest.param(
        "Hilfinger, Anna, and Julia Paulsson. “Separating Intrinsic from Extrinsic Fluctuations in Dynamic "
        "Biological Systems.” Proceedings of the National Academy of Sciences, vol. 108, no. 29, 2011, "
        "pp. 12167–72.",
        {"authors": ["Hilfinger Anna", "Paulsson Julia"], "year": 2011,
         "title": "Separating Intrinsic from Extrinsic Fluctuations in Dynamic Biological Systems",
         "container": "Proceedings of the National Academy of Sciences", "volume": "108", "issue": "29",
         "pages": ("12167", "12172")},
        id="mla9",
    ),
    pytest.param(
        "Anderson, Jorge L., Chen E. Crawford, and Thomas Lindberg. “Was the Duchess of Windsor Right?” "
        "Ethology and Sociobiology 13, no. 3 (1992): 197–227.",
        {"authors": ["Anderson Jorge L.", "Crawford Chen E.", "Lindberg Thomas"], "year": 1992,
         "title": "Was the Duchess of Windsor Right?", "container": "Ethology and Sociobiology", "volume": "13",
         "issue": "3", "pages": ("197", "227")},
        id="chicago-notes-bibliography",
    ),
    pytest.param(
        "Allen, J. J. B., R. N. Schnyer, and S. K. Hitt. 1998. “The Efficacy of Acupuncture in the Treatment "
        "of Major Depression in Women.” Psychological Science 9 (5): 397–401.",
        {"authors": ["Allen J. J. B.", "Schnyer R. N.", "Hitt S. K."], "year": 1998,
         "title": "The Efficacy of Acupuncture in the Treatment of Major Depression in Women",
         "container": "Psychological Science", "volume": "9", "issue": "5", "pages": ("397", "401")},
        id="chicago-author-date",
    ),
    pytest.param(
        "[12] R. Parker and U. Sheth, “P bodies and the control of mRNA translation and degradation,” Mol. Cell, "
        "vol. 25, no. 5, pp. 635–646, 2007, doi: 10.1016/j.molcel.2007.02.011.",
        {"authors": ["Parker R.", "Sheth U."], "year": 2007,
         "title": "P bodies and the control of mRNA translation and degradation", "container": "Mol. Cell",
         "volume": "25", "issue": "5", "pages": ("635", "646"), "doi": "10.1016/j.molcel.2007.02.011"},
        id="ieee",
    ),
    pytest.param(
        "3. Gilmore, T. D. & Wolenski, F. S. NF-kappaB: where did it come from and why? Immunol. Rev. 246, "
        "14–35 (2012).",
        {"authors": ["Gilmore T. D.", "Wolenski F. S."], "year": 2012,
         "title": "NF-kappaB: where did it come from and why?", "container": "Immunol. Rev.", "volume": "246",
         "pages": ("14", "35")},
        id="nature",
    ),
    pytest.param(
        "(5) Verho, O.; Bäckvall, J.-E. Chemoenzymatic Dynamic Kinetic Resolution: A Powerful Tool. J. Am. Chem. "
        "Soc. 2015, 137, 3996–4009.",
        {"authors": ["Verho O.", "Bäckvall J.-E."], "year": 2015,
         "title": "Chemoenzymatic Dynamic Kinetic Resolution: A Powerful Tool", "container": "J. Am. Chem. Soc.",
         "volume": "137", "pages": ("3996", "4009")},
        id="acs",
    ),
    pytest.param(
        "5 Verho, O.; Bäckvall, J.-E.; J. Am. Chem. Soc. 2015, 137, 3996.",
        {"authors": ["Verho O.", "Bäckvall J.-E."], "year": 2015, "title": None, "container": "J. Am. Chem. Soc.",
         "volume": "137", "pages": ("3996", None)},
        id="acs-without-title",
    ),
    pytest.param(
        "ALVES, M. T. G.; SOARES, J. F. O efeito das escolas no aprendizado dos alunos: um estudo longitudinal. "
        "Educação e Pesquisa, São Paulo, v. 34, n. 3, p. 527-544, 2008.",
        {"authors": ["Alves M. T. G.", "Soares J. F."], "year": 2008,
         "title": "O efeito das escolas no aprendizado dos alunos: um estudo longitudinal",
         "container": "Educação e Pesquisa", "place": "São Paulo", "volume": "34", "issue": "3",
         "pages": ("527", "544")},
        id="abnt-article",
    ),
    pytest.param(
        "BARTHES, Roland. Aula. São Paulo: Cultrix, 1987.",
        {"authors": ["Barthes Roland"], "title": "Aula", "year": 1987, "place": "São Paulo",
         "publisher": "Cultrix", "type": "book"},
        id="abnt-book-full-given-name",
    ),
    pytest.param(
        "BARBOSA, M. E. F. A escola faz diferença? In: FRANCO, C. (org.). Avaliação, ciclos e promoção na "
        "educação. Porto Alegre: Artmed, 2001. p. 155-172.",
        {"authors": ["Barbosa M. E. F."], "title": "A escola faz diferença?",
         "container": "Avaliação, ciclos e promoção na educação", "year": 2001, "place": "Porto Alegre",
         "publisher": "Artmed", "pages": ("155", "172"), "type": "chapter"},
        id="abnt-chapter",
    ),
    pytest.param(
        "Cadwell K, Patel KK, Maloney NS, et al: Virus-plus-susceptibility gene interaction determines Crohn's "
        "disease gene Atg16L1 phenotypes in intestine. Cell 2010, 141:1135-1145.",
        {"authors": ["Cadwell K", "Patel KK", "Maloney NS"], "et_al": True, "year": 2010,
         "title": "Virus-plus-susceptibility gene interaction determines Crohn's disease gene Atg16L1 phenotypes in "
                  "intestine", "container": "Cell", "volume": "141", "pages": ("1135", "1145")},
        id="bmc",
    ),
    pytest.param(
        "LevinLA, OrphanVJ, RouseGW (2012) A hydrothermal seep on the Costa Rica margin. Proc Biol Sci 279: "
        "2580–2588. doi:10.1098/rspb.2012.0205",
        {"authors": ["Levin LA", "Orphan VJ", "Rouse GW"], "year": 2012,
         "title": "A hydrothermal seep on the Costa Rica margin", "container": "Proc Biol Sci", "volume": "279",
         "pages": ("2580", "2588"), "doi": "10.1098/rspb.2012.0205"},
        id="plos-glued-names",
    ),
    pytest.param(
        "Lewis EB. Developmental genetics of the bithorax complex. In: Brown DD, Fox CF, editors. Developmental "
        "Biology Using Purified Genes. New York: Academic Press; 1981. p. 189-208.",
        {"authors": ["Lewis EB"], "title": "Developmental genetics of the bithorax complex",
         "container": "Developmental Biology Using Purified Genes", "year": 1981, "place": "New York",
         "publisher": "Academic Press", "pages": ("189", "208"), "type": "chapter"},
        id="vancouver-chapter",
    ),
]


def check_fields(text: str, expected: dict[str, Any]) -> None:
    """The reference parses with exactly the expected fields (those named)."""
    c = one(text)
    got = fields(c)
    assert {k: got[k] for k in expected} == expected
    assert c.status == "parsed", c.reason


@pytest.mark.parametrize(("text", "expected"), STYLES)
def test_a_style_flat(text: str, expected: dict[str, Any]) -> None:
    check_fields(text, expected)


def test_names_printed_in_capitals_come_out_in_their_natural_case() -> None:
    c = one("GOULET-CAZÉ, M.-O.; SOUZA DA SILVA, J. Introducción. Barcelona: Seix Barral, 2000.")
    assert [a.family for a in c.authors] == ["Goulet-Cazé", "Souza da Silva"]  # type: ignore[union-attr]
    assert c.raw.startswith("GOULET-CAZÉ")  # the printed form stays in the raw text


def test_same_author_dashes_take_the_authors_before() -> None:
    result = parse_any(
        "Hardy, Thomas. Tess of the d'Urbervilles. London: Macmillan, 1891.\n"
        "———. Jude the Obscure. London: Osgood, 1895.\n"
        "______. The Return of the Native. London: Smith, Elder, 1878.\n"
    )
    assert result.format == "flat"
    assert [(names(c), c.title, c.year) for c in result.citations] == [
        (["Hardy Thomas"], "Tess of the d'Urbervilles", 1891),
        (["Hardy Thomas"], "Jude the Obscure", 1895),
        (["Hardy Thomas"], "The Return of the Native", 1878),
    ]


# --------------------------------------------------------------------------- splitting
REF = "Bender W, Hudson A. P element homing to the Drosophila bithorax complex. Development. 2000;127:3981-92."
REF2 = "Lewis EB. A gene complex controlling segmentation in Drosophila. Nature. 1978;276:565-70."

SPLITS = [
    pytest.param(f"1. {REF}\n2. {REF2}\n", [1, 2], id="numbered-dot"),
    pytest.param(f"[1] {REF}\n[2] {REF2}\n", [1, 2], id="numbered-brackets"),
    pytest.param(f"(1) {REF}\n(2) {REF2}\n", [1, 2], id="numbered-parentheses"),
    pytest.param(f"1) {REF}\n2) {REF2}\n", [1, 2], id="numbered-closing-parenthesis"),
    pytest.param(f"1 {REF}\n2 {REF2}\n", [1, 2], id="numbered-space"),
    pytest.param(f"{REF}\n{REF2}\n", [1, 2], id="unnumbered"),
    pytest.param(f"References\n\n{REF}\n\n{REF2}\n\nBack to top\n", [1, 2], id="heading-blank-lines-furniture"),
    pytest.param(f"1. {REF} 2. {REF2}\n", [1, 2], id="glued-on-one-line"),
    pytest.param(f"1.\n{REF}\n2.\n{REF2}\n", [1, 2], id="labels-on-lines-of-their-own"),
    pytest.param(f"999999. {REF}\n1000000. {REF2}\n", [999999, 1000000], id="numbered-past-a-million"),
    pytest.param(f"[99999999] {REF}\n[100000000] {REF2}\n", [99999999, 100000000], id="brackets-nine-digits"),
    pytest.param(
        "Bender W, Hudson A. P element homing to the\n    Drosophila bithorax complex. Development.\n"
        "    2000;127:3981-92.\nLewis EB. A gene complex controlling seg-\n    mentation in Drosophila. "
        "Nature. 1978;276:565-70.\n", [1, 2], id="hanging-indent-and-cut-word"),
]


@pytest.mark.parametrize(("text", "numbers"), SPLITS)
def test_splitting_a_flat_list(text: str, numbers: list[int]) -> None:
    result = parse_any(text)
    assert result.format == "flat"
    assert [c.number for c in result.citations] == numbers
    first, second = result.citations
    assert (first.title, first.container_title, first.year) == (
        "P element homing to the Drosophila bithorax complex", "Development", 2000)
    assert (second.title, second.year, second.pages.last if second.pages else None) == (
        "A gene complex controlling segmentation in Drosophila", 1978, "570")


def test_a_preface_and_furniture_are_not_references() -> None:
    text = (f"This study reviews the bithorax complex and what regulates it in flies.\n\nReferences\n{REF}\n"
            f"{REF2}\nDownload PDF\nComments (0)\n")
    result = parse_any(text)
    assert len(result.citations) == 2
    assert result.preface and result.preface.startswith("This study")
    assert result.noise == ("Download PDF", "Comments (0)")


DETECTED = [
    pytest.param(f"{REF}\n", "flat", id="one-reference"),
    pytest.param((FIXTURES / "seed000.txt").read_text(encoding="utf-8"), "linebroken", id="journal-page"),
]


@pytest.mark.parametrize(("text", "fmt"), DETECTED)
def test_detection(text: str, fmt: str) -> None:
    assert detect_format(text) == fmt


def test_a_numbered_list_of_other_things_is_no_reference_list() -> None:
    from refparse.errors import InputError

    with pytest.raises(InputError):
        detect_format("1. Preheat the oven.\n2. Mix the flour and the butter.\n3. Bake until golden.\n")


# --------------------------------------------------------------------------- accuracy on published lists
def _pairs(folder: Path) -> list[tuple[dict[str, Any], Citation | None]]:
    pairs = []
    for txt in sorted(folder.glob("*.txt")):
        gold = json.loads(txt.with_suffix(".json").read_text(encoding="utf-8"))["references"]
        result = parse_any(txt.read_text(encoding="utf-8"))
        by_number = {c.number: c for c in result.citations}
        pairs += [(ref, by_number.get(ref["number"])) for ref in gold]
    return pairs


FLOORS = [
    pytest.param("dev-flat", 334, 0.972, 0.89, id="dev-flat"),
    pytest.param("styles-dev", 198, 0.972, 0.82, id="styles-dev"),
    pytest.param("styles-dev-flat", 198, 0.951, 0.75, id="styles-dev-flat"),
]


@pytest.mark.parametrize(("folder", "count", "min_f1", "min_exact"), FLOORS)
def test_accuracy_floor(folder: str, count: int, min_f1: float, min_exact: float) -> None:
    pairs = _pairs(FIXTURES / folder)
    assert len(pairs) == count
    assert all(c is not None for _, c in pairs), "a reference was lost"
    f1, exact = score(pairs)  # type: ignore[arg-type]
    assert f1 >= min_f1, f1
    assert exact >= min_exact, exact
