"""Flat-layout rules found on the style corpus (``benchmarks/corpus/styles-flat``).

Each rule was a class of wrong fields in one or more citation styles; the cases are references
written in that style (not copied from the corpus), their fields reviewed by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from refparse.normalize import looks_like_publisher, looks_like_publishing_body
from test_flat import check_fields, fields, one

CASES = [
    pytest.param(
        "1. Paraná. Decreto nº 4.512, de 3 de março de 1999. Disponível em http://www.legislacao.pr.gov.br/d4512 "
        "Acesso em 2-II-2021.",
        {"title": "Decreto nº 4.512, de 3 de março de", "year": 1999},
        id="abnt-legal-act-whose-date-is-the-only-year",
    ),
    pytest.param(
        "1. BRASIL. Lei nº 8.080, de 19 de setembro de 1990. Disponível em http://www.planalto.gov.br/l8080. "
        "Brasília, 1991.",
        {"title": "Lei nº 8.080, de 19 de setembro de 1990", "year": 1991},
        id="abnt-legal-act-with-a-later-year-keeps-its-date",
    ),
    pytest.param(
        "Moreau PL, Tanaka H, Berg A, Quist R, et. al. (2011) Salt marsh die-off in Brittany. Ecol Lett 14: 55–61.",
        {"authors": ["Moreau PL", "Tanaka H", "Berg A", "Quist R"], "et_al": True,
         "title": "Salt marsh die-off in Brittany", "year": 2011, "container": "Ecol Lett"},
        id="et-al-misprinted-with-a-dot-after-et",
    ),
    pytest.param(
        "HoltK, NagyR, Santos et al. (2015) Lichen cover on granite tors. Oecologia 9: 10–19.",
        {"authors": ["Holt K", "Nagy R", "Santos"], "et_al": True, "title": "Lichen cover on granite tors",
         "year": 2015},
        id="a-bare-surname-before-et-al",
    ),
    pytest.param(
        "Ward J, Ling M. Soil Physics for Agronomists. 3rd ed: Harbour Press; 2001.",
        {"title": "Soil Physics for Agronomists", "volume": None, "publisher": "Harbour Press", "year": 2001,
         "type": "book"},
        id="edition-ending-in-a-colon-before-the-publisher",
    ),
    pytest.param(
        "PriceAJ, OdumT (2004) Grazing by reef urchins In: MeyerKL. Reef ecology today. Boston: Harbour Press. "
        "pp. 40-52.",
        {"title": "Grazing by reef urchins", "container": "Reef ecology today", "pages": ("40", "52"),
         "type": "chapter"},
        id="in-colon-starts-a-chapter-book-without-a-full-stop-before",
    ),
    pytest.param(
        "Okafor, N. (2004). Tidal marshes of West Africa (p. 312). Harbour Press.",
        {"title": "Tidal marshes of West Africa", "pages": ("312", None), "publisher": "Harbour Press",
         "year": 2004},
        id="apa-book-pages-in-brackets-after-the-title",
    ),
    pytest.param(
        "Lund, E., & Ferreira, P. (2009). Heat shock in grazing insects. Proceedings B, 276(1664), 301–309.",
        {"title": "Heat shock in grazing insects", "container": "Proceedings B", "volume": "276",
         "issue": "1664", "pages": ("301", "309"), "year": 2009},
        id="apa-year-shaped-issue-after-the-volume",
    ),
    pytest.param(
        "Chen, L., and Maria Gomez. “Sediment Transport in Braided Rivers.” Water Resour Res 41 (March 2005): 88–97.",
        {"authors": ["Chen L.", "Gomez Maria"], "title": "Sediment Transport in Braided Rivers",
         "container": "Water Resour Res", "volume": "41", "pages": ("88", "97")},
        id="chicago-given-first-after-and-behind-family-comma-initials",
    ),
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
    pytest.param(
        "Hart, K.L. and Obi, N. (2015) ‘Soil carbon under grazing’, in M. Ruiz and P.T. Gale (eds) Rangeland "
        "Ecology. Oxford: Blackwell, pp. 40–58.",
        {"title": "Soil carbon under grazing", "container": "Rangeland Ecology", "pages": ("40", "58")},
        id="harvard-ctr-in-after-a-closing-quote-and-comma",
    ),
    pytest.param(
        "[9] L. Ng and T. Hsu, “Sparse coding of natural scenes,” in Proc. Twenty-Ninth Int. Conf. Learn. Represent. "
        "ICLR Press, 2021, pp. 10–18.",
        {"title": "Sparse coding of natural scenes", "container": "Proc. Twenty-Ninth Int. Conf. Learn. Represent.",
         "pages": ("10", "18")},
        id="abbreviated-proceedings-stop-before-the-publisher",
    ),
    pytest.param(
        "Ng L, Hsu T. 2021. Sparse coding of natural scenes. In Proc. Ninth Int. Conf. Learn. Represent, "
        "10–18. ICLR Press.",
        {"title": "Sparse coding of natural scenes", "container": "Proc. Ninth Int. Conf. Learn. Represent",
         "pages": ("10", "18")},
        id="book-title-ends-before-a-comma-and-its-pages",
    ),
    pytest.param(
        "Dunn, R., Kim, S., 2014. Oxidative stress in ageing muscle: a review. Int. J. Biochem. Pharmacol. 12, "
        "301–309.",
        {"title": "Oxidative stress in ageing muscle: a review", "container": "Int. J. Biochem. Pharmacol.",
         "volume": "12"},
        id="long-dotted-abbreviations-join-the-journal",
    ),
    pytest.param(
        "Amos, J. N., Li, S., 2010. Methods. Introduction. Health Policy Stud. 7, 11–19.",
        {"title": "Methods. Introduction", "container": "Health Policy Stud"},
        id="a-one-word-sentence-stays-in-the-title",
    ),
    pytest.param(
        "Ray, T., Udo, K., 2011. “Lean” manufacturing in small hospitals. Health Serv. Res. 46, 10–22.",
        {"title": "“Lean” manufacturing in small hospitals", "container": "Health Serv. Res.", "volume": "46"},
        id="a-quoted-word-opens-the-title",
    ),
    pytest.param(
        "[2] P. Orr, “A ‘silent’ switch in the cell cycle,” Mol. Cell. Biol., vol. 3, pp. 4–9, 2001.",
        {"title": "A ‘silent’ switch in the cell cycle", "container": "Mol. Cell. Biol.", "volume": "3"},
        id="a-quote-inside-a-quoted-title",
    ),
    pytest.param(
        "Vega, L., and Ito, M. (2004). Fast registration of point clouds. Proc. ICCV 210–218.",
        {"title": "Fast registration of point clouds", "container": "Proc. ICCV", "volume": None,
         "pages": ("210", "218")},
        id="page-range-only-after-a-journal",
    ),
    pytest.param(
        "Cole, B., and Ash, R. (2001). Tobacco sales to minors. Tob. Control 10, II21–II25.",
        {"container": "Tob. Control", "volume": "10", "pages": ("II21", "II25")},
        id="pages-with-two-letter-prefix",
    ),
    pytest.param(
        "Lund, Karin. “Drug Prices in Rural Clinics.” In Policy Brief. Rural Health Research Center, 2012. "
        "http://www.example.org/brief12.pdf.",
        {"title": "Drug Prices in Rural Clinics", "container": "Policy Brief", "year": 2012},
        id="book-title-stops-before-publisher-and-year",
    ),
    pytest.param(
        "3. Tishkoff, S. A. & Malaria Genomics Consortium et al. Variation in human malaria resistance. "
        "Nature 502, 12–19 (2013).",
        {"authors": ["Tishkoff S. A.", "Malaria Genomics Consortium"], "et_al": True,
         "title": "Variation in human malaria resistance", "container": "Nature", "volume": "502"},
        id="nature-organisation-after-ampersand-then-et-al",
    ),
    pytest.param(
        "[4] UNESCO, Global education monitoring report 2020: inclusion and education. Paris: UNESCO Publishing, "
        "2020.",
        {"authors": ["UNESCO"], "title": "Global education monitoring report 2020: inclusion and education",
         "year": 2020, "publisher": "UNESCO Publishing", "place": "Paris"},
        id="ieee-acronym-organisation-comma-title",
    ),
    pytest.param(
        "[5] World Meteorological Organization, State of the climate: 2021 in review. Geneva: WMO, 2022.",
        {"authors": ["World Meteorological Organization"], "title": "State of the climate: 2021 in review",
         "year": 2022},
        id="ieee-organisation-comma-title",
    ),
    pytest.param(
        "1. United Nations, Department of Economic and Social Affairs, Population Division. World fertility "
        "report 2015. 2017.",
        {"authors": ["United Nations, Department of Economic and Social Affairs, Population Division"],
         "title": "World fertility report 2015"},
        id="organisation-with-its-divisions-stays-one-name",
    ),
    pytest.param(
        "Okafor, Ruth. “Seed Banks in Dry Forests.” Tropical Restoration: Methods and Cases, edited by Lena Vogt "
        "and Omar Haddad, Island Press, 2015, pp. 41–58.",
        {"title": "Seed Banks in Dry Forests", "container": "Tropical Restoration: Methods and Cases",
         "publisher": "Island Press", "year": 2015, "pages": ("41", "58"), "type": "chapter"},
        id="mla-chapter-book-edited-by-then-publisher",
    ),
    pytest.param(
        "Brandt, Ilse, et al. “Sparse Coding of Odours.” Advances in Neural Systems 12, edited by Paul Moreau et al., "
        "Morgan Kaufmann Publishers, Inc., 2000, pp. 77–84.",
        {"container": "Advances in Neural Systems 12", "publisher": "Morgan Kaufmann Publishers, Inc.",
         "type": "chapter"},
        id="mla-chapter-editors-et-al-and-a-firm-ending",
    ),
    pytest.param(
        "Das, Priya K., and Tom Weller. “Rainfall and Rice Yields.” Field Crops Research, vol. 88, 2004, pp. 1–12.",
        {"authors": ["Das Priya K.", "Weller Tom"], "container": "Field Crops Research", "volume": "88"},
        id="mla-surname-that-reads-as-a-particle-first",
    ),
    pytest.param(
        "Weller, Tom, and Priya K. Das. “Rainfall and Rice Yields.” Field Crops Research, vol. 88, 2004, pp. 1–12.",
        {"authors": ["Weller Tom", "Das Priya K."], "title": "Rainfall and Rice Yields"},
        id="mla-surname-that-reads-as-a-particle-last",
    ),
    pytest.param(
        "BLOCH, M. The Historian's Craft. Trans. Peter Putnam and Joan Reed. New York: Vintage Books, 1953.",
        {"title": "The Historian's Craft", "container": None, "publisher": "Vintage Books", "place": "New York",
         "type": "book"},
        id="translator-credit-is-no-container",
    ),
    pytest.param(
        "PLATÃO. A República. 3. ed. Trad. de M. H. Rocha Pereira, S. J. e A. Lobo. Lisboa: Gulbenkian, 1980.",
        {"title": "A República", "container": None, "publisher": "Gulbenkian", "place": "Lisboa", "type": "book"},
        id="abnt-translator-credit-with-initials",
    ),
    pytest.param(
        "KANT, I. Kritik der Urteilskraft. Werkausgabe in zwölf Bänden. Frankfurt/Main: Suhrkamp, 1974.",
        {"title": "Kritik der Urteilskraft. Werkausgabe in zwölf Bänden", "container": None,
         "place": "Frankfurt/Main", "publisher": "Suhrkamp"},
        id="abnt-book-subtitle-runs-to-a-place-with-a-slash",
    ),
    pytest.param(
        "Sadoul, Georges. Dictionary of Films. Ed. and trans. Peter Morris. Berkeley: University of California "
        "Press, 1972.",
        {"title": "Dictionary of Films", "publisher": "University of California Press", "type": "book"},
        id="chicago-editor-and-translator-credit-ends-the-title",
    ),
    pytest.param(
        "Lima, R. A. (2021, 3 de março). Escolas rurais reabrem no interior. Jornal do Campo. "
        "https://example.org/escolas",
        {"authors": ["Lima R. A."], "year": 2021, "title": "Escolas rurais reabrem no interior"},
        id="apa-portuguese-day-and-month-after-the-year",
    ),
    pytest.param(
        "Lima, R. A. (2021, 1º de março). Escolas rurais reabrem no interior. Jornal do Campo. "
        "https://example.org/escolas",
        {"authors": ["Lima R. A."], "year": 2021},
        id="apa-portuguese-first-of-the-month",
    ),
    pytest.param(
        "Lima, R. A. (2021, March 3). Rural schools reopen. Field News. https://example.org/schools",
        {"authors": ["Lima R. A."], "year": 2021, "title": "Rural schools reopen"},
        id="apa-month-and-day-after-the-year",
    ),
    pytest.param(
        "Okoro, C.E., & Bello, T.A. Leaf extracts against fungal rot in yam. 2019. Afr J Plant Sci 13: 211-219.",
        {"title": "Leaf extracts against fungal rot in yam", "year": 2019, "container": "Afr J Plant Sci",
         "volume": "13", "pages": ("211", "219")},
        id="year-between-the-title-and-the-journal",
    ),
    pytest.param(
        "May, Robert M., and Kenji Ito. “Stability in Model Ecosystems.” Nature 238 (1972): 413–14.",
        {"authors": ["May Robert M.", "Ito Kenji"], "year": 1972, "container": "Nature"},
        id="chicago-surname-that-reads-as-a-month",
    ),
    pytest.param(
        "Summer, Emma J., and Ravi Iyer. “Phage Genes in Soil.” Soil Biology 10 (2007): 410–17.",
        {"authors": ["Summer Emma J.", "Iyer Ravi"], "title": "Phage Genes in Soil"},
        id="chicago-surname-that-reads-as-a-season",
    ),
    pytest.param(
        "Ota, Mei, Lina Park, X. Du, and Laura C. Wu. “Granules in Gels.” Cell 149 (2012): 753–67.",
        {"authors": ["Ota Mei", "Park Lina", "Du X.", "Wu Laura C."], "volume": "149"},
        id="chicago-initials-then-a-surname-that-reads-as-a-particle",
    ),
    pytest.param(
        "UNICEF. The State of the World's Children 2019: Food and Nutrition. United Nations Children's Fund "
        "Organization, 2019.",
        {"title": "The State of the World's Children 2019: Food and Nutrition", "container": None,
         "publisher": "United Nations Children's Fund Organization", "type": "book"},
        id="chicago-an-organisation-as-the-publisher",
    ),
    pytest.param(
        "Moreau, Paul. “Sampling Designs.” In Academic Press. 1999.",
        {"title": "Sampling Designs", "container": "Academic Press", "year": 1999},
        id="chicago-year-after-the-book",
    ),
    pytest.param(
        "4. Lund K. Handbook of Soil Fungi. Academic Press; 2011:312.",
        {"title": "Handbook of Soil Fungi", "container": None, "publisher": "Academic Press", "year": 2011,
         "type": "book"},
        id="ama-publisher-then-year-and-pages",
    ),
    pytest.param(
        "4. Lund K. Soil fungi in winter. Mycologia; 2011:312.",
        {"container": "Mycologia", "publisher": None, "year": 2011},
        id="ama-journal-then-year-and-pages-stays-a-journal",
    ),
    pytest.param(
        "5. Lund, K. & Berg, T. Soil fungi in winter. Fungal Ecology 45, (2019).",
        {"container": "Fungal Ecology", "volume": "45", "year": 2019, "pages": None},
        id="nature-volume-comma-year-no-pages",
    ),
    pytest.param(
        "6. Lund, K. & Berg, T. Soil fungi in winter. eLife e04512 (2015).",
        {"container": "eLife", "volume": None, "pages": ("e04512", None), "year": 2015},
        id="nature-article-number-without-a-volume",
    ),
    pytest.param(
        "[7] R. Ito, “Fossil corals of Cuba,” in Studies in Caribbean Geology, Smithsonian Institution of Boston, 1931.",
        {"container": "Studies in Caribbean Geology", "publisher": "Smithsonian Institution of Boston", "year": 1931,
         "type": "chapter"},
        id="ieee-book-then-a-publishing-body-and-year",
    ),
    pytest.param(
        "[8] K. Ode, “Sampling theory,” in Pearson Education, 2004.",
        {"container": "Pearson Education", "year": 2004, "type": "chapter"},
        id="ieee-book-then-year",
    ),
    pytest.param(
        "[9] L. Ma, “Reef fish spawning,” in Fisheries Report 12, Florida: Key West, 2001, p. 40.",
        {"container": "Fisheries Report 12", "year": 2001, "publisher": "Key West", "place": "Florida"},
        id="ieee-book-then-place-and-publisher",
    ),
    pytest.param(
        "12. Ono, K. & Berg, T. Proton pumps in halophiles. Biochim. Biophys. Acta 1817, 210–218 (2012).",
        {"container": "Biochim. Biophys. Acta", "volume": "1817", "pages": ("210", "218"), "year": 2012},
        id="nature-year-shaped-volume-then-the-bracketed-year",
    ),
    pytest.param(
        "13. Wu, C.-q. et al. Wool growth in cashmere goats. Anim. Sci. J. 36, 674 (2005).",
        {"authors": ["Wu C.-q."], "et_al": True, "title": "Wool growth in cashmere goats", "year": 2005},
        id="nature-hyphenated-initials-in-lower-case",
    ),
    pytest.param(
        "3. Ota K, Lim J. Spread of root rot in cassava, or “Is the fungus seed-borne?” Plant Pathol. "
        "2010;59:120-128.",
        {"title": "Spread of root rot in cassava, or “Is the fungus seed-borne?”", "container": "Plant Pathol",
         "volume": "59"},
        id="ama-title-ending-in-a-quoted-question",
    ),
    pytest.param(
        "4. Ota K. Sampling designs. In: Berg T, ed. Methods in Ecology Volume 2. Field Surveys and Transects. "
        "Academic Press; 1999:41-58.",
        {"container": "Methods in Ecology Volume 2. Field Surveys and Transects", "publisher": "Academic Press",
         "pages": ("41", "58")},
        id="ama-book-subtitle-after-a-full-stop-before-the-publisher",
    ),
    pytest.param(
        "4. Ota K. Sampling designs. In: Berg T, ed. Methods in Ecology. 2nd ed. Academic Press; 1999:41-58.",
        {"container": "Methods in Ecology", "publisher": "Academic Press"},
        id="ama-book-edition-is-no-subtitle",
    ),
    pytest.param(
        "9. Ota, K. et al. Tidal rhythms in sharks. Mar. Ecol- Prog. Ser. 328, 205–213 (2006).",
        {"title": "Tidal rhythms in sharks", "container": "Mar. Ecol- Prog. Ser.", "volume": "328"},
        id="nature-abbreviation-printed-with-a-hyphen",
    ),
    pytest.param(
        "Hooker, Joseph. The Flora of Tasmania. Lovell Reeve, 1860.",
        {"title": "The Flora of Tasmania", "container": None, "publisher": "Lovell Reeve", "year": 1860,
         "type": "book"},
        id="chicago-book-then-publisher-comma-year",
    ),
    pytest.param(
        "Hooker, Joseph. Notes on the Flora of Tasmania. Botanical Review, 1860.",
        {"container": "Botanical Review", "publisher": None},
        id="chicago-journal-word-then-comma-year-stays-a-journal",
    ),
    pytest.param(
        "Hooker, Joseph. “Notes on the Flora of Tasmania.” Kew Gardens Notes, 1860.",
        {"container": "Kew Gardens Notes", "publisher": None},
        id="mla-quoted-title-then-comma-year-is-an-article",
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


@pytest.mark.parametrize(("name", "body"), [("World Health Organization", True), ("Ford Foundation", True),
                                            ("Bulletin of the World Health Organization", False),
                                            ("Psychiatric Services", False), ("Health Affairs", False)])
def test_a_publishing_body_is_no_journal(name: str, body: bool) -> None:
    assert looks_like_publishing_body(name) is body


def test_a_nature_chapter_whose_book_is_in_single_quotes() -> None:
    """The book after "in" opens with a quote; its editors in brackets the grammar does not read
    ("(ed. Berg, T.)"), so the parse says it recovered, with the fields right."""
    c = one("8. Ota, K. et al. Burial records of a parish. in ‘Dust to dust’: studies of post-medieval graves "
            "(ed. Berg, T.) 45–60 (Boydell, 2011).")
    got = fields(c)
    assert (got["title"], got["container"], got["pages"], got["type"]) == (
        "Burial records of a parish", "‘Dust to dust’: studies of post-medieval graves", ("45", "60"), "chapter")
    assert c.status == "recovered"


def test_a_portuguese_date_gives_its_month_and_day() -> None:
    c = one("Lima, R. A. (2021, 1º de março). Escolas rurais reabrem no interior. Jornal do Campo. "
            "https://example.org/escolas")
    assert c.date is not None and (c.date.year, c.date.month, c.date.day) == (2021, 3, 1)


def test_an_organisation_then_a_title_the_grammar_cannot_read_is_flagged() -> None:
    """A short title after "Organisation," reads like a given name; the parse says it is unsure
    (it used to come back parsed, with the title inside the author's name)."""
    c = one("[5] National Research Council, Climate stabilization targets. Washington, DC: National Academies "
            "Press, 2011.")
    assert c.status != "parsed"
