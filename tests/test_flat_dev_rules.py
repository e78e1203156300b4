"""Flat-layout rules found on published lists: each case is a reference as a journal printed it.

Each rule was a wrong field on ``../shared/gold/dev-flat`` or ``styles-dev-flat``; the cases
here are written after those shapes (not copied from the gold), with the fields reviewed by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from refparse.normalize import journal_name
from test_flat import check_fields, one

CASES = [
    pytest.param(
        "1. Rubenstein M (1994) Implied Binomial Trees. Journal of Finance 49: 771–818.",
        {"title": "Implied Binomial Trees", "container": "Journal of Finance", "volume": "49",
         "pages": ("771", "818")},
        id="whole-word-title-before-a-journal-is-a-title",
    ),
    pytest.param(
        "1. Whitehead H (1985) Why Whales Leap. Sci Am 25: 84–93.",
        {"title": "Why Whales Leap", "container": "Sci Am", "volume": "25"},
        id="short-title-before-an-abbreviated-journal",
    ),
    pytest.param(
        "1. Kabsch W. Xds. Acta Crystallographica Section D Biological Crystallography. 2010;66:125-32.",
        {"title": "Xds", "container": "Acta Crystallographica Section D Biological Crystallography",
         "volume": "66"},
        id="one-word-title-before-a-journal-of-whole-words",
    ),
    pytest.param(
        "1. Strauss R, Heisenberg M. Coordination of legs during walking in Drosophila. Journal of Comparative "
        "Physiology. A, Sensory, Neural, and Behavioral Physiology. 1990;167:403-12.",
        {"title": "Coordination of legs during walking in Drosophila",
         "container": "Journal of Comparative Physiology. A, Sensory, Neural, and Behavioral Physiology"},
        id="journal-section-after-a-full-stop",
    ),
    pytest.param(
        "1. Charo DN, Ho M. Regulation of cardiovascular function by apelin. American Journal of Physiology. "
        "Heart and Circulatory Physiology. 2009;297:H1904-H1913.",
        {"title": "Regulation of cardiovascular function by apelin",
         "container": "American Journal of Physiology. Heart and Circulatory Physiology",
         "pages": ("H1904", "H1913")},
        id="known-journal-with-a-subtitle",
    ),
    pytest.param(
        "1. Tovée MJ, Swami V (2007) Healthy body equals beautiful body? Changing perceptions of health. "
        "In Body beautiful: Evolutionary perspectives. Swami V, Furnham A, editors. New York: Palgrave. 108–128.",
        {"title": "Healthy body equals beautiful body? Changing perceptions of health",
         "container": "Body beautiful: Evolutionary perspectives"},
        id="question-in-a-chapter-title",
    ),
    pytest.param(
        "1. Bates D, Maechler M. lme4: linear mixed-effects models using Eigen and S4. R package version 1.1-7. "
        "2014. Available from: http://CRAN.R-project.org/package=lme4",
        {"title": "lme4: linear mixed-effects models using Eigen and S4. R package version 1.1-7",
         "pages": None, "container": None, "year": 2014},
        id="software-version-is-no-page-range",
    ),
    pytest.param(
        "1. Heallen T., and Martin J. F., “Hippo pathway inhibits Wnt signaling,” Science (80-.)., vol. 332, "
        "no. 6028, pp. 458–461, 2011.",
        {"container": "Science", "volume": "332", "issue": "6028", "pages": ("458", "461")},
        id="reference-manager-series-mark-dropped",
    ),
    pytest.param(
        "1. Gotor-Fernández, V.; Brieva, R.; Gotor, V.; J. Mol. Catal. B: Enzym. 2006, 40, 111.",
        {"authors": ["Gotor-Fernández V.", "Brieva R.", "Gotor V."], "title": None,
         "container": "J. Mol. Catal. B: Enzym.", "volume": "40", "pages": ("111", None)},
        id="acs-untitled-journal-with-a-section",
    ),
    pytest.param(
        "1. Omori, A. T.; Assis, L. F.; Tetrahedron: Asymmetry 2007, 18, 1048.",
        {"authors": ["Omori A. T.", "Assis L. F."], "title": None, "container": "Tetrahedron: Asymmetry",
         "volume": "18"},
        id="acs-untitled-journal-with-a-colon",
    ),
    pytest.param(
        "1. Bruggeman LA (2007) Viral subversion mechanisms in kidney disease. Clin J Am Soc Nephrol 2 Suppl 1: "
        "S13-S19.",
        {"container": "Clin J Am Soc Nephrol", "volume": "2", "issue": "suppl 1", "pages": ("S13", "S19")},
        id="plos-volume-and-supplement-without-brackets",
    ),
    pytest.param(
        "1. Holt BM, Formicola V (2008) Hunters of the Ice Age. Am J Phys Anthropol Suppl 47 70–99.",
        {"container": "Am J Phys Anthropol", "volume": None, "issue": "suppl 47", "pages": ("70", "99")},
        id="supplement-without-a-volume",
    ),
    pytest.param(
        "1. Miyata T. Development of the neuroepithelium. Dev Growth Differ. 2008;50 Suppl 1:S105-12.",
        {"container": "Dev Growth Differ", "volume": "50", "issue": "suppl 1", "pages": ("S105", "S112"),
         "year": 2008},
        id="nlm-supplement-after-the-volume",
    ),
    pytest.param(
        "1. Suckling J, Ecker C, Baron\u2010Cohen S, et al. Are power calculations useful? A multicentre study. "
        "Hum Brain Mapp. 2014;35(8):3569-77.",
        {"authors": ["Suckling J", "Ecker C", "Baron\u2010Cohen S"], "et_al": True,
         "title": "Are power calculations useful? A multicentre study"},
        id="surname-with-a-unicode-hyphen-is-kept",
    ),
    pytest.param(
        "1. KoljenovićS, Choo-SmithLP, KrosJM (2002) Discriminating vital tumor from necrotic tissue. Lab Invest "
        "82: 1265-1277.",
        {"authors": ["Koljenović S", "Choo-Smith LP", "Kros JM"], "title": "Discriminating vital tumor from necrotic tissue"},
        id="glued-initials-after-an-accented-letter",
    ),
    pytest.param(
        "1. Li C-q, Yin J, Zhang Y-j, et al. Comparative study on hair follicles of cashmere goats. Acta Vet "
        "Zootech Sin. 2005;36(7):674.",
        {"authors": ["Li C-q", "Yin J", "Zhang Y-j"], "et_al": True,
         "title": "Comparative study on hair follicles of cashmere goats", "container": "Acta Vet Zootech Sin"},
        id="hyphenated-chinese-initials",
    ),
    pytest.param(
        "1. U.S. General Accounting Office. Synar Amendment implementation: quality of state data. Washington, DC: "
        "Author, 2001.",
        {"authors": ["U.S. General Accounting Office"], "title": "Synar Amendment implementation: quality of state data",
         "year": 2001},
        id="organisation-after-initials-is-no-person",
    ),
    pytest.param(
        "1. Brasil. Lei nº 9.985, de 18 de julho de 2000. Disponível em http://www.planalto.gov.br/ccivil_03/leis/"
        "L9985.htm Acesso em 18-I-2020.",
        # the act's date is the only one printed: its year is the reference's, as the line-broken page tags it
        {"authors": ["Brasil"], "title": "Lei nº 9.985, de 18 de julho de", "year": 2000},
        id="legal-act-then-a-link-label",
    ),
    pytest.param(
        "1. Brasil. Lei nº 9.985, de 18 de julho de 2000.",
        {"authors": ["Brasil"], "title": "Lei nº 9.985, de 18 de julho de 2000"},
        id="legal-act-ends-the-reference",
    ),
    pytest.param(
        "1. ISAH, T., 2015. Adjustments to in vitro culture conditions in plants. Acta Biologica Cracoviensia. "
        "Series; Botanica, vol. 57, no. 2, pp. 9-28.",
        {"title": "Adjustments to in vitro culture conditions in plants",
         "container": "Acta Biologica Cracoviensia. Series; Botanica", "volume": "57", "issue": "2"},
        id="journal-section-listing-its-fields",
    ),
    pytest.param(
        "1. OLIVEIRA, Y. and QUOIRIN, M., 2010. An efficient protocol for micropropagation of Melaleuca. In Vitro "
        "Cellular & Developmental Biology. Plant, vol. 46, no. 2, pp. 192-197.",
        {"title": "An efficient protocol for micropropagation of Melaleuca",
         "container": "In Vitro Cellular & Developmental Biology. Plant", "volume": "46", "type": "article-journal"},
        id="in-vitro-is-no-chapter-and-its-section-joins",
    ),
    pytest.param(
        "1. MAZRI, M.A. and EZZINBI, A., 2016. Shoot proliferation of date palm cv. Mejhoul. 3 Biotech, vol. 6, "
        "no. 111, pp. 1-11.",
        {"title": "Shoot proliferation of date palm cv. Mejhoul", "container": "3 Biotech", "volume": "6"},
        id="cultivar-abbreviation-ends-no-sentence",
    ),
    pytest.param(
        "1. LEE, V. E. What are multilevel questions? Estudos em Avaliação Educacional, São Paulo, n. 24, "
        "p. 31-68, 2001.",
        {"title": "What are multilevel questions?", "container": "Estudos em Avaliação Educacional",
         "place": "São Paulo", "issue": "24", "pages": ("31", "68"), "volume": None},
        id="abnt-journal-place-before-a-number-without-volume",
    ),
    pytest.param(
        "1. Lim, S., Lee, S.G., Kim, NG. & Kim, H. R. 2019. Evaluation of antioxidant activities of solvent "
        "extracts. Food Chemistry 278: 178-184.",
        {"authors": ["Lim S.", "Lee S.G.", "Kim NG.", "Kim H. R."], "year": 2019,
         "title": "Evaluation of antioxidant activities of solvent extracts", "container": "Food Chemistry"},
        id="capital-initials-with-one-dot-before-the-last-author",
    ),
    pytest.param(
        "1. Coulombe PA, Omary MB. 'Hard' and 'soft' principles defining keratin filaments. Curr Opin Cell Biol. "
        "2002;14(1):110–22.",
        {"title": "'Hard' and 'soft' principles defining keratin filaments", "container": "Curr Opin Cell Biol"},
        id="quoted-word-opening-a-title",
    ),
    pytest.param(
        '1. Smith J, "A quoted title," J. Chem. Phys., vol. 5, pp. 1-2, 2001.',
        {"title": "A quoted title", "container": "J. Chem. Phys.", "volume": "5"},
        id="quoted-title-stays-quoted",
    ),
    pytest.param(
        "1. IMS Health. Leading products. 2001. Available from: http://www.imshealth.com/ims/portal/front/articleC/"
        "0,2777,6599_40054629_1004776,00.html",
        {"authors": ["IMS Health"], "container": None, "volume": None, "pages": None},
        id="numbers-inside-a-link-are-no-volume-and-pages",
    ),
    pytest.param(
        "1. Caiafa CF, Pestilli F (2015) Sparse multiway decomposition of diffusion imaging. ArXiv: 1505.0710.",
        {"title": "Sparse multiway decomposition of diffusion imaging", "pages": None, "volume": None},
        id="arxiv-label-in-any-case-is-no-page",
    ),
    pytest.param(
        "1. Duarte, M.M. & Bencke, G.A. (orgs.). 2006. Plano de Manejo do Parque Estadual de Itapeva: Relatório "
        "final. Porto Alegre, Fundação Zoobotânica do Rio Grande do Sul.",
        {"authors": ["Duarte M.M.", "Bencke G.A."], "year": 2006,
         "title": "Plano de Manejo do Parque Estadual de Itapeva: Relatório final", "place": "Porto Alegre",
         "publisher": "Fundação Zoobotânica do Rio Grande do Sul", "type": "book"},
        id="editors-role-before-the-year",
    ),
    pytest.param(
        "1. Dewes, T.S., Santos, N.D. & Bordin, J. In press. What does a mosaic reveal about mosses? Acta "
        "Botanica Brasilica.",
        {"authors": ["Dewes T.S.", "Santos N.D.", "Bordin J."], "title": "What does a mosaic reveal about mosses?",
         "container": "Acta Botanica Brasilica"},
        id="in-press-without-brackets",
    ),
    pytest.param(
        "1. StataCorp. Stata 11©. College Station [Internet]. Texas: StataCorp LP; 2009.",
        {"title": "Stata 11©. College Station [Internet]", "publisher": "StataCorp LP"},
        id="medium-after-the-title-before-place-and-publisher",
    ),
    pytest.param(
        "1. Garcez JCD, Oliveira Jr EN, Pinto Júnior EP, et al. Clinical profile in the first year of life. Rev "
        "Enferm UFPE. 2019;13:e241564.",
        {"authors": ["Garcez JCD", "Oliveira EN", "Pinto EP"], "et_al": True,
         "title": "Clinical profile in the first year of life"},
        id="suffix-between-surname-and-initials",
    ),
    pytest.param(
        "1. MACHADO, M.P., BESPALHOK FILHO, J.C. and ZANETTE, F., 2014. Influence of calcium on hyperhydricity. "
        "Plant Cell Tiss Org 116: 1-10.",
        {"authors": ["Machado M.P.", "Bespalhok J.C.", "Zanette F."], "title": "Influence of calcium on hyperhydricity"},
        id="suffix-in-capitals-before-the-comma",
    ),
    pytest.param(
        "1. PEARSON, R. Early Cinema. In: NOWELL-SMITH, Geoffrey (ed.). The Oxford History of World Cinema. "
        "Oxford: Oxford University Press, 1996.",
        {"title": "Early Cinema", "container": "The Oxford History of World Cinema", "place": "Oxford",
         "publisher": "Oxford University Press", "type": "chapter"},
        id="abnt-chapter-editor-with-a-full-given-name",
    ),
    pytest.param(
        "1. ALEXEIEFF, A. Preface. In: BENDAZZI, Giannalberto. Cartoons: One Hundred Years of Cinema Animation. "
        "London: John Libbey, 1994.",
        {"title": "Preface", "container": "Cartoons: One Hundred Years of Cinema Animation",
         "publisher": "John Libbey", "type": "chapter"},
        id="abnt-chapter-book-after-its-editor",
    ),
    pytest.param(
        "1. MANOVICH, L. The Language of New Media, Cambridge: The MIT Press, 2001.",
        {"title": "The Language of New Media", "place": "Cambridge", "publisher": "The MIT Press", "year": 2001,
         "type": "book"},
        id="place-and-publisher-after-a-comma",
    ),
    pytest.param(
        "1. Lagrouh, F., Dakka, N. & Bakri, Y. 2017.The antifungal activity of Moroccan plants. Journal de "
        "Mycologie Medicale 27: 303-311.",
        {"year": 2017, "title": "The antifungal activity of Moroccan plants",
         "container": "Journal de Mycologie Medicale"},
        id="year-glued-to-the-title",
    ),
    pytest.param(
        "1. Pinheiro JGA, Martins G. Mother and nursing academic. Rev Enferm UFPE [Internet]. 2019 [cited 2020 Feb "
        "10]; 13 (5): 1520-9.",
        {"container": "Rev Enferm UFPE [Internet]", "volume": "13", "issue": "5", "year": 2019},
        id="journal-medium-stays-with-the-journal-as-on-a-page",
    ),
    pytest.param(
        "1. WOLTMAN, H.; ROCCHI, M. An introduction to hierarchical linear modeling. Tutorials in Quantitative "
        "Methods for Psychology, Ottawa, Canada, v. 8, n. 1, p. 52-69, 2012.",
        {"container": "Tutorials in Quantitative Methods for Psychology", "place": "Ottawa, Canada", "volume": "8"},
        id="abnt-journal-place-with-its-country",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_flat_rule(text: str, expected: dict[str, Any]) -> None:
    check_fields(text, expected)


@pytest.mark.parametrize(("printed", "name"), [
    ("Science (80-.)", "Science"), ("Science (80- )", "Science"), ("Science (80-. ).", "Science"),
    ("Annals (1)", "Annals (1)"), ("Physiol Behav", "Physiol Behav"),
])
def test_journal_name_drops_only_a_series_mark(printed: str, name: str) -> None:
    assert journal_name(printed) == name


def test_suffixes_are_kept_in_their_natural_case() -> None:
    c = one("1. Garcez JCD, Oliveira Jr EN, BESPALHOK FILHO, J.C. Clinical profile of infants. Rev Enferm UFPE. "
            "2019;13:e241564.")
    assert [(a.family, a.suffix) for a in c.authors] == [("Garcez", None), ("Oliveira", "Jr."), ("Bespalhok", "Filho")]


def test_a_legal_act_with_a_link_and_no_author_is_flagged_not_lost() -> None:
    """The text that crashed the cutter (an index past the end): every field the grammar can place, or a flag."""
    c = one("1. Lei nº 12.711, de 29 de agosto de 2012. Dispõe sobre o ingresso nas universidades federais. "
            "https://www.planalto.gov.br/ccivil_03/lei/l12711.htm")
    assert c.title == "Lei nº 12.711, de 29 de agosto de 2012. Dispõe sobre o ingresso nas universidades federais"
    assert "internal" not in {w.code for w in c.warnings}
