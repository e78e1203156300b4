#!/usr/bin/env python3
"""Re-render the dev gold references into other publishers' reference styles.

Reads the gold references of shared/gold/dev/*.json (fully tagged journal, book and chapter
items only), renders each selected reference in one of ten publisher styles in the
line-broken format (one line per JATS element or text node, as when a <mixed-citation> is
copied from a journal web page) and writes NAME.txt + NAME.json case pairs whose JSON uses
the dev gold schema, so that shared/tools/eval_refs.py can score a parser against them.

Every gold value is taken from what the style actually prints: given names are the initials
printed by that style, last pages are abbreviated where the style abbreviates them, and any
field a style does not print (issue, DOI, PMID, URL, place, ...) is null in the gold.

Standard library only, deterministic (fixed seed). Usage:

    python3 benchmarks/corpus/make_styles.py            # writes benchmarks/corpus/styles/
    python3 benchmarks/corpus/make_styles.py --gold DIR --out DIR --per-article 6

The script fails loudly (exit 1) when a gold value is not exactly one line of its block.
"""
from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import flat  # the corpus folder's shared flat-layout module

SEED = 20250611
HERE = Path(__file__).resolve().parent
DEFAULT_GOLD = HERE.parents[2] / "shared" / "gold" / "dev"
DEFAULT_OUT = HERE / "styles"
DEFAULT_FLAT_OUT = HERE / "styles-flat"
REFS_PER_FILE = 50

# --------------------------------------------------------------------------------------
# Journal names: full / NLM (undotted) / ISO (dotted) forms for frequent journals.
# Anything not listed keeps the gold form (dots added to or removed from known
# abbreviated words where a style needs them).
# --------------------------------------------------------------------------------------
JOURNALS = [
    ("Proceedings of the National Academy of Sciences of the United States of America",
     "Proc Natl Acad Sci U S A",
     ["Proc Natl Acad Sci USA", "Proceedings of the National Academy of Sciences of USA",
      "Proc Natl Acad Sci", "Proceedings of the National Academy of Sciences",
      "Proc. Natl. Acad. Sci. USA", "Proc. Natl. Acad. Sci. U.S.A."]),
    ("Journal of Virology", "J Virol", []),
    ("The Journal of Biological Chemistry", "J Biol Chem", ["Journal of Biological Chemistry"]),
    ("Nucleic Acids Research", "Nucleic Acids Res", []),
    ("Journal of Molecular Biology", "J Mol Biol", []),
    ("Current Biology", "Curr Biol", []),
    ("Developmental Biology", "Dev Biol", []),
    ("Developmental Cell", "Dev Cell", []),
    ("Molecular Cell", "Mol Cell", []),
    ("The Journal of Neuroscience", "J Neurosci", ["Journal of Neuroscience"]),
    ("Genes & Development", "Genes Dev", ["Genes and Development"]),
    ("Nature Genetics", "Nat Genet", []),
    ("Molecular Biology and Evolution", "Mol Biol Evol", []),
    ("The Journal of Cell Biology", "J Cell Biol", ["Journal of Cell Biology"]),
    ("Journal of Theoretical Biology", "J Theor Biol", []),
    ("The Journal of Immunology", "J Immunol", ["Journal of Immunology"]),
    ("The Journal of Experimental Medicine", "J Exp Med", ["Journal of Experimental Medicine"]),
    ("PLoS Computational Biology", "PLoS Comput Biol", ["PLOS Computational Biology"]),
    ("PLoS Biology", "PLoS Biol", ["PLOS Biology"]),
    ("PLoS Medicine", "PLoS Med", ["PLOS Medicine"]),
    ("PLoS Genetics", "PLoS Genet", ["PLOS Genetics"]),
    ("PLoS Pathogens", "PLoS Pathog", ["PLOS Pathogens"]),
    ("PLoS Neglected Tropical Diseases", "PLoS Negl Trop Dis", ["PLOS Negl Trop Dis",
                                                               "PLOS Neglected Tropical Diseases"]),
    ("The New England Journal of Medicine", "N Engl J Med", ["New England Journal of Medicine"]),
    ("The EMBO Journal", "EMBO J", ["EMBO Journal"]),
    ("Nature Reviews Genetics", "Nat Rev Genet", []),
    ("Nature Reviews Cancer", "Nat Rev Cancer", []),
    ("Nature Reviews Immunology", "Nat Rev Immunol", []),
    ("Nature Reviews Molecular Cell Biology", "Nat Rev Mol Cell Biol", []),
    ("Nature Reviews Microbiology", "Nat Rev Microbiol", []),
    ("Nature Reviews Neuroscience", "Nat Rev Neurosci", []),
    ("Nature Immunology", "Nat Immunol", []),
    ("Nature Methods", "Nat Methods", []),
    ("Nature Cell Biology", "Nat Cell Biol", []),
    ("Nature Medicine", "Nat Med", []),
    ("Nature Neuroscience", "Nat Neurosci", []),
    ("Nature Structural & Molecular Biology", "Nat Struct Mol Biol", []),
    ("Journal of Bacteriology", "J Bacteriol", []),
    ("Infection and Immunity", "Infect Immun", []),
    ("Molecular Microbiology", "Mol Microbiol", []),
    ("Biophysical Journal", "Biophys J", []),
    ("Journal of Structural Biology", "J Struct Biol", []),
    ("Plant Physiology", "Plant Physiol", []),
    ("New Phytologist", "New Phytol", ["The New Phytologist"]),
    ("Genome Research", "Genome Res", []),
    ("Genome Biology", "Genome Biol", []),
    ("Journal of Cell Science", "J Cell Sci", []),
    ("Ecology Letters", "Ecol Lett", []),
    ("Human Brain Mapping", "Hum Brain Mapp", []),
    ("Journal of Vision", "J Vis", []),
    ("Physical Review E", "Phys Rev E", []),
    ("Physical Review Letters", "Phys Rev Lett", []),
    ("American Journal of Epidemiology", "Am J Epidemiol", []),
    ("The Journal of Infectious Diseases", "J Infect Dis", ["Journal of Infectious Diseases"]),
    ("Annals of Internal Medicine", "Ann Intern Med", []),
    ("The International Journal of Tuberculosis and Lung Disease", "Int J Tuberc Lung Dis", []),
    ("Journal of Experimental Biology", "J Exp Biol", ["The Journal of Experimental Biology"]),
    ("Molecular and Biochemical Parasitology", "Mol Biochem Parasitol", []),
    ("Neural Computation", "Neural Comput", []),
    ("Mechanisms of Development", "Mech Dev", []),
    ("Annals of Botany", "Ann Bot", []),
    ("Trends in Plant Science", "Trends Plant Sci", []),
    ("Current Opinion in Genetics & Development", "Curr Opin Genet Dev", []),
    ("Current Opinion in Microbiology", "Curr Opin Microbiol", []),
    ("Biochemical and Biophysical Research Communications", "Biochem Biophys Res Commun", []),
    ("Annual Review of Biochemistry", "Annu Rev Biochem", []),
    ("Annual Review of Neuroscience", "Annu Rev Neurosci", []),
    ("Annual Review of Cell and Developmental Biology", "Annu Rev Cell Dev Biol", []),
    ("Statistics in Medicine", "Stat Med", []),
    ("Cell Reports", "Cell Rep", []),
    ("Philosophical Transactions of the Royal Society B: Biological Sciences",
     "Philos Trans R Soc Lond B Biol Sci", []),
    ("Emerging Infectious Diseases", "Emerg Infect Dis", []),
    ("Clinical Infectious Diseases", "Clin Infect Dis", []),
    ("The Journal of Clinical Investigation", "J Clin Invest", ["Journal of Clinical Investigation"]),
    ("Molecular Biology of the Cell", "Mol Biol Cell", []),
    ("Molecular and Cellular Biology", "Mol Cell Biol", []),
    ("Environmental Microbiology", "Environ Microbiol", []),
    ("Bulletin of Mathematical Biology", "Bull Math Biol", []),
    ("American Journal of Human Genetics", "Am J Hum Genet", ["The American Journal of Human Genetics"]),
    ("Schizophrenia Bulletin", "Schizophr Bull", []),
    ("Tobacco Control", "Tob Control", []),
    ("Vision Research", "Vision Res", []),
    ("The Journal of Chemical Physics", "J Chem Phys", ["Journal of Chemical Physics"]),
    ("Magnetic Resonance in Medicine", "Magn Reson Med", []),
    ("Biological Psychiatry", "Biol Psychiatry", []),
    ("Scientific Reports", "Sci Rep", []),
    ("American Journal of Public Health", "Am J Public Health", []),
    ("Journal of General Virology", "J Gen Virol", ["The Journal of General Virology"]),
    ("Investigative Ophthalmology & Visual Science", "Invest Ophthalmol Vis Sci", []),
    ("Applied and Environmental Microbiology", "Appl Environ Microbiol", []),
    ("Clinical Microbiology Reviews", "Clin Microbiol Rev", []),
    ("Immunological Reviews", "Immunol Rev", []),
    ("Systematic Biology", "Syst Biol", []),
    ("Cold Spring Harbor Perspectives in Biology", "Cold Spring Harb Perspect Biol", []),
    ("Journal of the Royal Society Interface", "J R Soc Interface", []),
    ("Biochimica et Biophysica Acta", "Biochim Biophys Acta", []),
    ("American Journal of Respiratory and Critical Care Medicine", "Am J Respir Crit Care Med", []),
    ("European Journal of Immunology", "Eur J Immunol", []),
    ("International Journal of Systematic and Evolutionary Microbiology",
     "Int J Syst Evol Microbiol", []),
    ("BMC Medicine", "BMC Med", []),
    ("Journal of Economic Entomology", "J Econ Entomol", []),
    ("Journal of Chemical Ecology", "J Chem Ecol", []),
    ("The Plant Journal", "Plant J", ["Plant Journal"]),
    ("Genome Biology and Evolution", "Genome Biol Evol", []),
    ("Journal of Investigative Dermatology", "J Invest Dermatol", ["The Journal of Investigative Dermatology"]),
    ("Journal of Neurophysiology", "J Neurophysiol", []),
    ("Trends in Cell Biology", "Trends Cell Biol", []),
    ("Trends in Ecology & Evolution", "Trends Ecol Evol", []),
    ("Cerebral Cortex", "Cereb Cortex", []),
    ("Journal of Comparative Neurology", "J Comp Neurol", ["The Journal of Comparative Neurology"]),
    ("Journal of Advanced Nursing", "J Adv Nurs", []),
    ("Disability and Rehabilitation", "Disabil Rehabil", []),
    ("Health Research Policy and Systems", "Health Res Policy Syst", []),
]
# Nature house style (no full stop after contractions such as "Natl", "USA" run together).
NATURE_FORMS = {"Proc Natl Acad Sci U S A": "Proc. Natl Acad. Sci. USA",
                "Philos Trans R Soc Lond B Biol Sci": "Phil. Trans. R. Soc. B",
                "Int J Tuberc Lung Dis": "Int. J. Tuberc. Lung Dis."}
ISO_FORMS = {"Proc Natl Acad Sci U S A": "Proc. Natl. Acad. Sci. USA",
             "Philos Trans R Soc Lond B Biol Sci": "Philos. Trans. R. Soc. Lond. B Biol. Sci.",
             "PLoS One": "PLoS ONE"}

# Words that are abbreviations in ISO 4 / NLM journal titles (get a full stop when dotted).
ABBREV = set("""
J Biol Sci Med Proc Acad Natl Rev Res Int Mol Nat Microbiol Am Dev Dis Chem Virol Immunol
Infect Clin Phys Syst Soc Comput Curr Ecol Neurosci Exp Genet Rehabil Bull Evol Lett Ann
Invest Psychol Rep Entomol Biophys Hum Trop Environ Behav Opin Bacteriol Annu Immun Nurs
Dermatol Appl Struct Physiol Biochem Trans Math Ther Vis Tuberc Disabil Econ Eur Epidemiol
Engl Intern Respir Arch Stud Parasitol Negl Stat Obes Schizophr Tob Gen Comp Pathol Br
Paleontol Theor Adv Reson Geol Can Prev Vet Ser Surg Scand Pers Intell Prog Psych Pediatr
Mach Endocrinol Qual Semin Commun Roy Oncol Inst Neurol Magn Front Disord Afr Occup
Biotechnol Harb Anal Pharmacol Mapp Syndr Differ Cereb Nutr Pract Transplant Agric Phytol
Manag Bot Perspect Crit Biomed Cardiol Crystallogr Neurophysiol Philos Lond Mech Pathog
Protoc Bioeng Biophys Genomics? Zool Entomol Ophthalmol Anat Pediatr Psychiatry? Opt Neurobiol
Cogn Educ Fam Gastroenterol Hepatol Hematol Hered Mar Methods? Natl Ornithol Ecol Physiol
Primatol Reprod Toxicol Urol Virol Assoc Matern Commun Dent Radiol Rheumatol Sociol Surv
Technol Pharm Ind Eng Electron Mater Comb Conf Probab Entomologica? Biogeogr Glob Syst
Mycol Phytopathol Nematol Oecol Limnol Oceanogr Palaeontol Soil Hortic Agron Crop Entomol
Ecotoxicol Sustain Epidemiol Microbiol Immunopathol Gerontol Nephrol Neuropsychol Psychopharmacol
Gynecol Radic Acquir Defic Cog Affect Assist Cardiovasc Chemother Enzymol Spectrosc Conserv Transm
Monogr Hydrol Obstet Hyg Transpl Phylogenet Eukaryot Meas Biomol Meth Mag Interv Rec Antimicrob
Retin Lab Autoimmun Inf Healthc Vib Psychiatr Metab Serv Relat Lang Methodol Aquat Funct Epidem
Mamm Sociobiol Morphol Decis Wkly Tech Coll Bioinform Demogr Popul Phila Pap Bol Hist Subst Devel
Relig Psychiat Neuroradiol Neuroinform Microsc Photochem Photobiol Retrovirol Integr Neurooncol
Spat Complement Canad Aust Illn Biodivers Gynaecol Antibiot Phycol Embryol Cytol Transf Resour
Morb Mortal Microb Radiat Leukoc Anim Biosci Palaeogeogr Palaeoclimatol Palaeoecol Gard Inform
Acoust Nucl Dial Brit Individ Prolif Expr Chin Novit Morph Neuroimmunol Motil Braz Rheum
Immunopharmacol Haematol Discov Photomed Biosens Bioelectron Glycoconj Bioorg Chim Quant Neurosurg
Endocr Univ Recognit Optim Abnorm Ethol Neuropsychobiol Assess Occas Couns Saf Evid Palliat
Psychosom Impair Physiother Cerebrovasc Exerc Divers Distrib Caribb Polit Aff Symp Cent Intl
""".split()) - {""}
ABBREV = {w for w in ABBREV if not w.endswith("?")}

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

END_NOISE = ["Back to top", "View Article", "Google Scholar", "PubMed", "Download PDF", "CrossRef",
             "Cite this article", "Download references", "Reprints and permissions", "Share",
             "Rights and permissions", "About this article", "Export citation", "Show more",
             "Comments (0)", "Related Articles", "Cited By", "Metrics", "Full text links",
             "Sign in to access full text", "Purchase this article"]


def jkey(s: str) -> str:
    s = re.sub(r"[.]", " ", s).replace("&", "and").casefold()
    s = re.sub(r"\s+", " ", s).strip()
    return s.removeprefix("the ")


JMAP = {}
for full, nlm, alts in JOURNALS:
    for name in [full, nlm] + alts:
        JMAP[jkey(name)] = (full, nlm)


def add_dots(nlm: str) -> str:
    words = nlm.split()
    out = []
    for i, w in enumerate(words):
        if w in ABBREV:
            out.append(w + ".")
        elif re.fullmatch(r"[A-Z]", w) and 0 < i < len(words) - 1 and words[i - 1] not in ("Rev", "Lond", "Section"):
            out.append(w + ".")
        else:
            out.append(w)
    return " ".join(out)


def drop_dots(name: str) -> str:
    return re.sub(r"(?<=\w)\.(?=\s|$)", "", name).strip()


def journal_forms(gold: str) -> dict:
    """Return {'full', 'nlm', 'iso', 'nature'} forms of a journal title."""
    hit = JMAP.get(jkey(gold))
    if hit:
        full, nlm = hit
        iso = ISO_FORMS.get(nlm) or add_dots(nlm)
    elif "." in gold:  # already a dotted abbreviation
        full, nlm, iso = gold, drop_dots(gold), gold
    else:  # an NLM abbreviation or a full title: dots only on known abbreviated words
        full, nlm, iso = gold, gold, add_dots(gold)
    nature = NATURE_FORMS.get(nlm, iso)
    return {"full": full, "nlm": nlm, "iso": iso, "nature": nature}


# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------
def parse_given(g: str) -> list[list[str]]:
    """'K.-L. M.' / 'C-KK' / 'Zhi-Feng' / 'HMO' -> groups of initials, e.g. [['K','L'],['M']]."""
    s = g.replace(".", " ").replace("\u2010", "-").replace("\u2011", "-")
    s = re.sub(r"\s*-\s*", "-", s).strip()
    groups: list[list[str]] = []
    for tok in s.split():
        for j, seg in enumerate(tok.split("-")):
            if not seg:
                continue
            if len(seg) > 1 and seg[0].isupper() and seg[1:].islower():
                letters = [seg[0]]  # a spelled-out name: Zhi, Xun, Maia
            elif seg.isupper():
                letters = list(seg)  # initials run together: HMO
            elif len(seg) == 1:
                letters = [seg]
            else:
                letters = [c for c in seg if c.isupper()] or [seg[0]]
            if j > 0 and groups:
                groups[-1].append(letters[0])
                groups += [[c] for c in letters[1:]]
            else:
                groups += [[c] for c in letters]
    return groups


def fmt_given(groups, form: str) -> str:
    if form == "dot_sp":      # A. B.   K.-L. M.
        return " ".join(".-".join(gr) + "." for gr in groups)
    if form == "dot":         # A.B.    K.-L.M.
        return "".join(".-".join(gr) + "." for gr in groups)
    if form == "nodot":       # AB      K-LM
        return "".join("-".join(gr) for gr in groups)
    if form == "nlm":         # AB      KLM
        return "".join("".join(gr) for gr in groups)
    raise ValueError(form)


# --------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------
PAGE_RE = re.compile(r"([A-Za-z]{0,3})(\d+)([a-z]?)")


def expand_last(fp: str, lp: str):
    """Full last page from a possibly abbreviated one (16847-52 -> 16852). None if invalid."""
    mf, ml = PAGE_RE.fullmatch(fp), PAGE_RE.fullmatch(lp)
    if not mf or not ml:
        return None
    pre_f, dig_f, suf_f = mf.groups()
    pre_l, dig_l, suf_l = ml.groups()
    if pre_l and pre_l != pre_f:
        return None
    if len(dig_l) < len(dig_f):
        dig_l = dig_f[: len(dig_f) - len(dig_l)] + dig_l
    if int(dig_l) < int(dig_f) or suf_f or suf_l:
        return None
    return pre_f + dig_l


def abbreviate_last(fp: str, lp: str) -> str:
    """NLM/Vancouver page abbreviation: 16847-16852 -> 52, R875-R876 -> 6."""
    mf, ml = PAGE_RE.fullmatch(fp), PAGE_RE.fullmatch(lp)
    df, dl = mf.group(2), ml.group(2)
    if len(df) != len(dl):
        return dl
    i = 0
    while i < len(dl) - 1 and df[i] == dl[i]:
        i += 1
    return dl[i:]


# --------------------------------------------------------------------------------------
# Source references
# --------------------------------------------------------------------------------------
class Skip(Exception):
    pass


FIELD_OK = {
    "year": re.compile(r"\d{4}[a-z]?"),
    "volume": re.compile(r"\d+[A-Z]?"),
    "issue": re.compile(r"\d+([-\u2013/]\d+)?|(Suppl|Pt|Suppl\.) ?\d*|S\d+"),
    "first_page": re.compile(r"[A-Za-z]{0,3}\d+[a-z]?"),
    "last_page": re.compile(r"[A-Za-z]{0,3}\d+[a-z]?"),
    "pmid": re.compile(r"\d{5,9}"),
    "doi": re.compile(r"10\.\d{4,9}/\S+"),
    "elocation": re.compile(r"e?\d+"),
}


def clean(s):
    if s is None:
        return None
    s = re.sub(r"\s+", " ", str(s)).strip()
    return s or None


def person(p: dict):
    fam, giv = clean(p.get("family")), clean(p.get("given"))
    if not fam or not giv:
        raise Skip("author/editor without family or given name")
    if re.search(r"\s[A-Z]{1,3}$", fam) or re.search(r"\d", fam):
        raise Skip("family name with initials or digits (mis-tagged name)")
    groups = parse_given(giv)
    if not groups:
        raise Skip("given name without initials")
    return ("p", fam, groups)


class Src:
    """A cleaned source reference (all values as found in the dev gold)."""

    def __init__(self, case: str, r: dict):
        self.case, self.number = case, r["number"]
        self.type = r["type"]
        self.dropped = collections.Counter()  # gold fields not carried over at source level
        if any("\\" in str(v) for v in r.values() if isinstance(v, str)):
            raise Skip("TeX markup in a field")
        self.people = [person(a) for a in r.get("authors") or []]
        self.editors = [person(a) for a in r.get("editors") or []]
        self.et_al = bool(r.get("et_al"))
        collab = clean(r.get("collab"))
        if collab and ";" in collab:
            raise Skip("several group authors")
        if collab and re.fullmatch(r"\S+ [A-Z]{1,3}", collab):
            raise Skip("personal name tagged as group author")
        if collab:
            self.people.append(("c", collab, None))
        if not self.people:
            raise Skip("no author")
        self.title = clean(r.get("title"))
        self.container = clean(r.get("container_title"))
        if not self.title:
            raise Skip("no title")
        if re.match(r"[A-Z][\w'-]+ [A-Z]{1,3}[,.] ", self.title) or re.search(r"[a-z)]\.[A-Z][a-z]", self.title):
            raise Skip("title with run-in author names or a second sentence (mis-tagged)")
        if self.type in ("journal", "chapter") and not self.container:
            raise Skip(f"{self.type} without container title")
        if self.type == "book" and self.container:
            raise Skip("book with a container title")
        self.year = clean(r.get("year"))
        if not self.year or not FIELD_OK["year"].fullmatch(self.year):
            raise Skip("missing or unusual year")
        # A final full stop of the title belongs to the style, not to the title
        # (kept when it ends an abbreviation such as "U.S.").
        self.title_end = None
        if re.search(r"[a-z0-9)\]]\.$", self.title):
            self.title = self.title[:-1]
        if self.title[-1] in "?!.":
            self.title_end = self.title[-1]
        for f in ("volume", "issue", "first_page", "last_page", "elocation", "doi", "pmid"):
            v = clean(r.get(f))
            if v is not None and not FIELD_OK[f].fullmatch(v):
                if self.type == "journal" or f in ("first_page", "last_page"):
                    raise Skip(f"unusual {f}")
                self.dropped[f] += 1  # e.g. a book "volume 9": not printed
                v = None
            setattr(self, f, v)
        if self.last_page and not self.first_page:
            raise Skip("last page without first page")
        self.last_full = None
        if self.last_page:
            self.last_full = expand_last(self.first_page, self.last_page)
            if self.last_full is None:
                raise Skip("invalid page range")
            if self.last_full == self.first_page:
                self.last_full = None  # a one-page "range": printed as a single page
                self.dropped["last_page"] += 1
        self.url = clean(r.get("url"))
        self.publisher = clean(r.get("publisher"))
        self.publisher_loc = clean(r.get("publisher_loc"))
        if self.type == "journal":
            for f in ("publisher", "publisher_loc"):
                if getattr(self, f):
                    self.dropped[f] += 1
                    setattr(self, f, None)
            if self.editors:
                self.dropped["editors"] += 1
                self.editors = []
            self.jforms = journal_forms(self.container)
        self.original = r

    @property
    def sort_key(self):
        first = self.people[0][1]
        return (first.casefold(), self.year)


# --------------------------------------------------------------------------------------
# Block builder: elements and text nodes -> lines, gold recorded as printed
# --------------------------------------------------------------------------------------
def norm_line(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


class Block:
    def __init__(self, src: Src):
        self.items: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.src = src
        self.gold = {"authors": [], "et_al": False, "collab": None, "title": None,
                     "container_title": None, "year": None, "volume": None, "issue": None,
                     "first_page": None, "last_page": None, "elocation": None, "doi": None,
                     "pmid": None, "type": src.type, "editors": [], "publisher": None,
                     "publisher_loc": None, "url": None}

    # text node (merged with adjacent text nodes, stripped, dropped when blank)
    def t(self, s: str):
        self.items.append(("t", s))

    # element whose text is not a gold field (a label such as "doi:", a month)
    def e(self, s: str):
        assert norm_line(s), "empty element"
        self.items.append(("e", s))

    # element holding a gold field
    def f(self, field: str, value: str, printed: str | None = None):
        assert value, field
        self.items.append(("e", printed if printed is not None else value))
        self.gold[field] = value

    def stop(self):
        """A closing full stop, not doubled after an element that ends with one ("Inc.")."""
        if not (self.items and self.items[-1][0] == "e" and self.items[-1][1].endswith(".")):
            self.t(".")

    def etal(self, text: str):
        self.t(text)
        self.gold["et_al"] = True

    def person(self, role: str, item, given_form: str, order: str = "fg", inner: str = ", "):
        kind, fam, groups = item
        if kind == "c":
            self.items.append(("e", fam))
            self.gold["collab"] = fam if not self.gold["collab"] else self.gold["collab"] + "; " + fam
            return
        giv = fmt_given(groups, given_form)
        if order == "fg":
            self.items += [("e", fam), ("t", inner), ("e", giv)]
        else:
            self.items += [("e", giv), ("t", inner), ("e", fam)]
        self.gold[role].append({"family": fam, "given": giv})

    def people(self, role, items, given_form, order="fg", inner=", ", sep=", ", last=None, two=None):
        n = len(items)
        for i, it in enumerate(items):
            if i:
                if i == n - 1:
                    self.t(two if (n == 2 and two is not None) else (last if last is not None else sep))
                else:
                    self.t(sep)
            self.person(role, it, given_form, order, inner)

    def lines(self) -> list[str]:
        out, buf = [], None
        for kind, s in self.items:
            if kind == "t":
                buf = (buf or "") + s
                continue
            if buf is not None and norm_line(buf):
                out.append(norm_line(buf))
            buf = None
            out.append(norm_line(s))
        if buf is not None and norm_line(buf):
            out.append(norm_line(buf))
        return out


def cut_people(src: Src, max_all: int, keep: int):
    """(printed people, et al?) for a style listing up to max_all names, else the first `keep`."""
    persons = [p for p in src.people if p[0] == "p"]
    collabs = [p for p in src.people if p[0] == "c"]
    if len(persons) > max_all or (src.et_al and len(persons) > keep):
        return persons[:keep] + collabs, True
    return persons + collabs, src.et_al


def period_after_title(b: Block, src: Src, text: str = ". ", alt: str = " "):
    b.t(alt if src.title_end else text)


def end_of_names(items) -> str:
    """Does the printed name list end with a full stop already (initials 'A. B.')?"""
    return items[-1][0] == "p"


# --------------------------------------------------------------------------------------
# Styles. Each renderer fills a Block; `v` holds per-file variant switches, `rng` the
# per-reference random generator (months, link lines).
# --------------------------------------------------------------------------------------
def pages(b: Block, src: Src, dash: str = "\u2013", abbrev: bool = False) -> bool:
    if src.first_page:
        b.f("first_page", src.first_page)
        if src.last_full:
            b.t(dash)
            lp = abbreviate_last(src.first_page, src.last_full) if abbrev else src.last_full
            b.f("last_page", lp)
        return True
    if src.elocation:
        b.f("elocation", src.elocation)
        return True
    return False


def has_pages(src: Src) -> bool:
    return bool(src.first_page or src.elocation)


def doi_link(b: Block, src: Src, prefix: str = "https://doi.org/"):
    b.f("doi", src.doi, prefix + src.doi)


# 1. APA 7 (Wiley / Elsevier APA journals) -----------------------------------------------
def r_apa(src: Src, v, rng) -> Block:
    b = Block(src)
    persons = [p for p in src.people if p[0] == "p"]
    collabs = [p for p in src.people if p[0] == "c"]
    items = persons + collabs
    if len(items) > 20:
        b.people("authors", items[:19], "dot_sp", sep=", ")
        b.t(", . . . ")
        b.person("authors", items[-1], "dot_sp")
    else:
        amp = None if src.et_al else ", & "
        b.people("authors", items, "dot_sp", sep=", ", last=amp, two=amp)
        if src.et_al:
            b.etal(", et al.")
    b.t(" (" if b.gold["et_al"] or items[-1][0] == "p" else ". (")
    b.f("year", src.year)
    b.t("). ")
    b.f("title", src.title)
    if src.type == "journal":
        period_after_title(b, src)
        b.f("container_title", src.jforms["full"])
        if src.volume:
            b.t(", ")
            b.f("volume", src.volume)
            if src.issue:
                b.t("(")
                b.f("issue", src.issue)
                b.t(")")
        if has_pages(src):
            b.t(", ")
            pages(b, src)
        b.stop()
    elif src.type == "book":
        if src.volume:
            b.t(" (Vol. ")
            b.f("volume", src.volume)
            b.t(")")
        b.t(". ")
        if src.publisher:
            b.f("publisher", src.publisher)
            b.stop()
    else:  # chapter
        b.t(". In ")
        if src.editors:
            b.people("editors", src.editors, "dot_sp", order="gf", inner=" ", sep=", ", last=", & ", two=" & ")
            b.t(" (Ed.), " if len(src.editors) == 1 else " (Eds.), ")
        b.f("container_title", src.container)
        if has_pages(src):
            b.t(" (pp. " if src.last_full else " (p. ")
            pages(b, src)
            b.t(")")
        b.t(". ")
        if src.publisher:
            b.f("publisher", src.publisher)
            b.stop()
    if src.doi:
        b.t(" ")
        doi_link(b, src)
    elif src.url:
        b.t(" ")
        b.f("url", src.url)
    if v["links"]:  # Wiley Online Library
        if src.doi:
            b.links.append("Crossref")
        if src.pmid or rng.random() < 0.4:
            b.links.append("PubMed")
        if rng.random() < 0.5:
            b.links.append("Web of Science®")
        b.links.append("Google Scholar")
    return b


# 2. Nature -------------------------------------------------------------------------------
def r_nature(src: Src, v, rng) -> Block:
    b = Block(src)
    items, etal = cut_people(src, 5, 1)
    b.people("authors", items, "dot_sp", sep=", ", last=" & ", two=" & ")
    if etal:
        b.etal(" et al. ")
    elif items[-1][0] == "c":
        b.t(". ")
    b.t(" ")
    b.f("title", src.title)
    if src.type == "journal":
        period_after_title(b, src)
        b.f("container_title", src.jforms["nature"])
        if src.volume:
            b.t(" ")
            b.f("volume", src.volume)
        if has_pages(src):
            b.t(", " if src.volume else " ")
            pages(b, src)
        b.t(" (")
        b.f("year", src.year)
        b.t(").")
    elif src.type == "book":
        if src.volume:
            b.t(" Vol. ")
            b.f("volume", src.volume)
        b.t(" (")
        if src.publisher:
            b.f("publisher", src.publisher)
            b.t(", ")
        b.f("year", src.year)
        b.t(").")
    else:
        b.t(". in ")
        b.f("container_title", src.container)
        if src.editors:
            b.t(" (eds " if len(src.editors) > 1 else " (ed. ")
            b.people("editors", src.editors, "dot_sp", sep=", ", last=" & ", two=" & ")
            b.t(")")
        if has_pages(src):
            b.t(" ")
            pages(b, src)
        b.t(" (")
        if src.publisher:
            b.f("publisher", src.publisher)
            b.t(", ")
        b.f("year", src.year)
        b.t(").")
    # nature.com prints link buttons after every reference
    if src.doi:
        b.links.append("Article")
    if rng.random() < 0.1:
        b.links.append("ADS")
    if src.type == "journal" and rng.random() < 0.45:
        b.links.append("CAS")
    if src.pmid or (src.type == "journal" and rng.random() < 0.5):
        b.links.append("PubMed")
        if rng.random() < 0.15:
            b.links.append("PubMed Central")
    b.links.append("Google Scholar")
    return b


# 3. Springer (LNCS / Springer Basic numbered) -------------------------------------------------
def r_springer(src: Src, v, rng) -> Block:
    b = Block(src)
    items, etal = cut_people(src, 10, 3)
    b.people("authors", items, "dot", sep=", ")
    if etal:
        b.etal(", et al.")
    b.t(": ")
    b.f("title", src.title)
    period_after_title(b, src)
    if src.type == "journal":
        b.f("container_title", src.jforms["iso"])
        if src.volume:
            b.t(" ")
            b.f("volume", src.volume)
            if src.issue:
                b.t("(")
                b.f("issue", src.issue)
                b.t(")")
        if has_pages(src):
            b.t(", " if src.volume else " ")
            pages(b, src)
        b.t(" (")
        b.f("year", src.year)
        b.t(")")
    else:
        if src.type == "chapter":
            b.t("In: ")
            if src.editors:
                b.people("editors", src.editors, "dot", sep=", ")
                b.t(" (ed.) " if len(src.editors) == 1 else " (eds.) ")
            b.f("container_title", src.container)
            if has_pages(src):
                b.t(", pp. " if src.last_full else ", p. ")
                pages(b, src)
            b.t(". ")
        elif src.volume:
            b.t("vol. ")
            b.f("volume", src.volume)
            b.t(". ")
        if src.publisher:
            b.f("publisher", src.publisher)
        if src.publisher_loc:
            b.t(", " if src.publisher else "")
            b.f("publisher_loc", src.publisher_loc)
        b.t(" (")
        b.f("year", src.year)
        b.t(")")
    if v["doi"] and src.doi:
        b.t(". ")
        doi_link(b, src)
    elif v["doi"] and src.url and src.type != "journal":
        b.t(". ")
        b.f("url", src.url)
    return b


# 4. Frontiers ---------------------------------------------------------------------------------
def r_frontiers(src: Src, v, rng) -> Block:
    b = Block(src)
    items, etal = cut_people(src, 6, 6)
    conj = None if etal else ", and "
    b.people("authors", items, "dot_sp", sep=", ", last=conj, two=conj)
    if etal:
        b.etal(", et al.")
    b.t(" (" if etal or items[-1][0] == "p" else ". (")
    b.f("year", src.year)
    b.t("). ")
    if src.type == "journal":
        b.f("title", src.title)
        period_after_title(b, src)
        b.f("container_title", src.jforms["iso"])
        if src.volume:
            b.t(" ")
            b.f("volume", src.volume)
        if has_pages(src):
            b.t(", " if src.volume else " ")
            pages(b, src)
        b.stop()
    elif src.type == "book":
        b.f("title", src.title)
        period_after_title(b, src)
        if src.publisher_loc:
            b.f("publisher_loc", src.publisher_loc)
            b.t(": ")
        if src.publisher:
            b.f("publisher", src.publisher)
            b.stop()
    else:
        b.t("\u201c")
        b.f("title", src.title)
        b.t("\u201d in " if src.title_end else ",\u201d in ")
        b.f("container_title", src.container)
        if src.editors:
            b.t(", eds " if len(src.editors) > 1 else ", ed. ")
            b.people("editors", src.editors, "dot_sp", order="gf", inner=" ", sep=", ", last=", and ", two=" and ")
        if src.publisher or src.publisher_loc:
            b.t(" (")
            if src.publisher_loc:
                b.f("publisher_loc", src.publisher_loc)
                b.t(": " if src.publisher else "")
            if src.publisher:
                b.f("publisher", src.publisher)
            b.t(")")
        if has_pages(src):
            b.t(", ")
            pages(b, src)
        b.stop()
    if src.doi:
        b.t(" doi: ")
        b.f("doi", src.doi)
    if v["links"]:  # "PubMed Abstract | CrossRef Full Text | Google Scholar"
        links = []
        if src.pmid or (src.type == "journal" and rng.random() < 0.5):
            links.append("PubMed Abstract")
        if src.doi:
            links.append("CrossRef Full Text")
        links.append("Google Scholar")
        for i, ln in enumerate(links):
            if i:
                b.links.append("|")
            b.links.append(ln)
    return b


# 5. MDPI ---------------------------------------------------------------------------------------
def r_mdpi(src: Src, v, rng) -> Block:
    b = Block(src)
    items, etal = cut_people(src, 10, 10)
    b.people("authors", items, "dot", sep="; ")
    if etal:
        b.etal("; et al.")
    b.t(" " if etal or items[-1][0] == "p" else ". ")
    b.f("title", src.title)
    if src.type == "journal":
        period_after_title(b, src)
        b.f("container_title", src.jforms["iso"])
        b.t(" ")
        b.f("year", src.year)
        if src.volume:
            b.t(", ")
            b.f("volume", src.volume)
        if has_pages(src):
            b.t(", ")
            pages(b, src)
        b.stop()
    else:
        if src.type == "chapter":
            period_after_title(b, src)
            b.t("In ")
            b.f("container_title", src.container)
            if src.editors:
                b.t("; ")
                b.people("editors", src.editors, "dot", sep=", ")
                b.t(", Ed.; " if len(src.editors) == 1 else ", Eds.; ")
            else:
                b.t("; ")
        else:
            if src.volume:
                b.t("; Volume ")
                b.f("volume", src.volume)
            b.t("; ")
        if src.publisher:
            b.f("publisher", src.publisher)
            b.t(": " if src.publisher_loc else ", ")
        if src.publisher_loc:
            b.f("publisher_loc", src.publisher_loc)
            b.t(", ")
        b.f("year", src.year)
        if src.type == "chapter" and has_pages(src):
            b.t("; pp. " if src.last_full else "; p. ")
            pages(b, src)
        b.stop()
    if src.doi and v["doi"]:
        b.t(" ")
        doi_link(b, src)
    if v["links"]:  # [Google Scholar] [CrossRef] [PubMed]
        links = ["Google Scholar"]
        if src.doi:
            links.append("CrossRef")
        if src.pmid or (src.type == "journal" and rng.random() < 0.5):
            links.append("PubMed")
        for i, ln in enumerate(links):
            b.links.append("[" if i == 0 else "] [")
            b.links.append(ln)
        b.links.append("]")
    return b


# 6. IEEE / Hindawi (given names first) ------------------------------------------------------------
def r_ieee(src: Src, v, rng) -> Block:
    b = Block(src)
    items, etal = cut_people(src, 6, 1)
    b.people("authors", items, "dot_sp", order="gf", inner=" ", sep=", ", last=", and ", two=" and ")
    if etal:
        b.etal(" et al.")
    jform = "full" if v["hindawi"] else "iso"
    if src.type == "book":
        b.t(", ")
        b.f("title", src.title)
        period_after_title(b, src)
        if src.volume:
            b.t("vol. ")
            b.f("volume", src.volume)
            b.t(". ")
        if src.publisher_loc:
            b.f("publisher_loc", src.publisher_loc)
            b.t(": ")
        if src.publisher:
            b.f("publisher", src.publisher)
            b.t(", ")
        b.f("year", src.year)
    else:
        b.t(", \u201c")
        b.f("title", src.title)
        b.t("\u201d " if src.title_end else ",\u201d ")
        if src.type == "journal":
            b.f("container_title", src.jforms[jform])
            if src.volume:
                b.t(", vol. ")
                b.f("volume", src.volume)
            if src.issue:
                b.t(", no. ")
                b.f("issue", src.issue)
            if src.first_page and src.last_full:
                b.t(", pp. ")
            elif src.first_page and not src.first_page.startswith("e"):
                b.t(", p. ")
            elif has_pages(src):
                b.t(", Art. no. ")
            pages(b, src)
            b.t(", ")
            b.f("year", src.year)
        else:
            b.t("in ")
            b.f("container_title", src.container)
            if src.editors:
                b.t(", ")
                b.people("editors", src.editors, "dot_sp", order="gf", inner=" ", sep=", ", last=", and ", two=" and ")
                b.t(", Ed. " if len(src.editors) == 1 else ", Eds. ")
            else:
                b.t(". ")
            if src.publisher_loc:
                b.f("publisher_loc", src.publisher_loc)
                b.t(": ")
            if src.publisher:
                b.f("publisher", src.publisher)
                b.t(", ")
            b.f("year", src.year)
            if has_pages(src):
                b.t(", pp. " if src.last_full else ", p. ")
                pages(b, src)
    if v["doi"] and src.doi:
        b.t(", doi: ")
        b.f("doi", src.doi)
    b.stop()
    return b


# 7. BMC (older BioMed Central numbered style) -----------------------------------------------------
def r_bmc(src: Src, v, rng) -> Block:
    b = Block(src)
    items, etal = cut_people(src, 30, 30)
    b.people("authors", items, "nodot", inner=" ", sep=", ")
    if etal:
        b.etal(", et al")
    b.t(": ")
    b.f("title", src.title)
    period_after_title(b, src)
    if src.type == "journal":
        b.f("container_title", src.jforms["nlm"])
        b.t(" ")
        b.f("year", src.year)
        if src.volume:
            b.t(", ")
            b.f("volume", src.volume)
        if has_pages(src):
            b.t(":")
            pages(b, src, dash="-")
        b.stop()
    else:
        if src.type == "chapter":
            b.t("In ")
            b.f("container_title", src.container)
            b.t(". ")
            if src.editors:
                b.t("Edited by ")
                b.people("editors", src.editors, "nodot", inner=" ", sep=", ")
                b.t(". ")
        elif src.volume:
            b.t("Volume ")
            b.f("volume", src.volume)
            b.t(". ")
        if src.publisher_loc:
            b.f("publisher_loc", src.publisher_loc)
            b.t(": ")
        if src.publisher:
            b.f("publisher", src.publisher)
            b.t("; ")
        b.f("year", src.year)
        if src.type == "chapter" and has_pages(src):
            b.t(":")
            pages(b, src, dash="-")
        b.stop()
    if src.doi:
        b.t(" ")
        b.f("doi", src.doi)
    elif src.url and src.type != "journal":
        b.t(" [")
        b.f("url", src.url)
        b.t("]")
    return b


# 8. Harvard (Elsevier author-date) -------------------------------------------------------------------
def r_harvard(src: Src, v, rng) -> Block:
    b = Block(src)
    items, etal = cut_people(src, 20, 1)
    b.people("authors", items, "dot", sep=", ")
    if etal:
        b.etal(", et al.")
    b.t(", ")
    b.f("year", src.year)
    b.t(". ")
    b.f("title", src.title)
    if src.type == "journal":
        period_after_title(b, src)
        b.f("container_title", src.jforms["iso"])
        if src.volume:
            b.t(" ")
            b.f("volume", src.volume)
        if has_pages(src):
            b.t(", " if src.volume else " ")
            pages(b, src)
        b.stop()
    else:
        if src.type == "chapter":
            b.t(", in: ")
            if src.editors:
                b.people("editors", src.editors, "dot", sep=", ")
                b.t(" (Ed.), " if len(src.editors) == 1 else " (Eds.), ")
            b.f("container_title", src.container)
            b.t(". ")
        else:
            period_after_title(b, src)
            if src.volume:
                b.t("vol. ")
                b.f("volume", src.volume)
                b.t(". ")
        tail = False
        if src.publisher:
            b.f("publisher", src.publisher)
            tail = True
        if src.publisher_loc:
            b.t(", " if src.publisher else "")
            b.f("publisher_loc", src.publisher_loc)
            tail = True
        if src.type == "chapter" and has_pages(src):
            b.t(", pp. " if src.last_full else ", p. ")
            pages(b, src)
            tail = True
        if tail:
            b.stop()
    if src.doi:
        b.t(" ")
        doi_link(b, src)
    elif src.url:
        b.t(" ")
        b.f("url", src.url)
    if v["links"]:  # ScienceDirect
        if src.doi:
            b.links.append(rng.choice(["View article", "CrossRef", "View PDF"]))
        if src.type == "journal":
            b.links.append("View in Scopus")
        b.links.append("Google Scholar")
    return b


# 9. Chicago / Oxford author-date with undotted initials ----------------------------------------------
def r_chicago(src: Src, v, rng) -> Block:
    b = Block(src)
    items, etal = cut_people(src, 10, 7)
    b.people("authors", items, "nodot", inner=" ", sep=", ")
    if etal:
        b.etal(", et al")
    b.t(". ")
    b.f("year", src.year)
    b.t(". ")
    b.f("title", src.title)
    period_after_title(b, src)
    if src.type == "journal":
        b.f("container_title", src.jforms["full"])
        if src.volume:
            b.t(" ")
            b.f("volume", src.volume)
            if src.issue:
                b.t("(")
                b.f("issue", src.issue)
                b.t(")")
        if has_pages(src):
            b.t(":" if src.volume else " ")
            pages(b, src)
        b.stop()
    else:
        if src.type == "chapter":
            b.t("In ")
            b.f("container_title", src.container)
            if src.editors:
                b.t(", edited by ")
                b.people("editors", src.editors, "nodot", order="gf", inner=" ", sep=", ", last=", and ", two=" and ")
            if has_pages(src):
                b.t(", ")
                pages(b, src)
            b.t(". ")
        elif src.volume:
            b.t("Vol. ")
            b.f("volume", src.volume)
            b.t(". ")
        if src.publisher_loc:
            b.f("publisher_loc", src.publisher_loc)
            b.t(": " if src.publisher else "")
        if src.publisher:
            b.f("publisher", src.publisher)
        if src.publisher or src.publisher_loc:
            b.stop()
    if src.doi:
        b.t(" ")
        doi_link(b, src)
    elif src.url:
        b.t(" ")
        b.f("url", src.url)
    return b


# 10. Vancouver as PubMed / NLM prints it ----------------------------------------------------------------
def r_vancouver(src: Src, v, rng) -> Block:
    b = Block(src)
    items, etal = cut_people(src, 6, 6)
    b.people("authors", items, "nlm", inner=" ", sep=", ")
    if etal:
        b.etal(", et al")
    b.t(". ")
    b.f("title", src.title)
    period_after_title(b, src)
    if src.type == "journal":
        b.f("container_title", src.jforms["nlm"])
        b.t(". ")
        b.f("year", src.year)
        if rng.random() < 0.55:  # publication month (and day) as PubMed prints them: not gold data
            b.t(" ")
            b.e(rng.choice(MONTHS))
            if rng.random() < 0.25:
                b.t(" ")
                b.e(str(rng.randint(1, 28)))
        if src.volume:
            b.t(";")
            b.f("volume", src.volume)
            if src.issue:
                b.t("(")
                b.f("issue", src.issue)
                b.t(")")
        if has_pages(src):
            b.t(":")
            pages(b, src, dash="-", abbrev=True)
        b.stop()
    else:
        if src.type == "chapter":
            b.t("In: ")
            if src.editors:
                b.people("editors", src.editors, "nlm", inner=" ", sep=", ")
                b.t(", editor. " if len(src.editors) == 1 else ", editors. ")
            b.f("container_title", src.container)
            b.t(". ")
        elif src.volume:
            b.t("Vol. ")
            b.f("volume", src.volume)
            b.t(". ")
        if src.publisher_loc:
            b.f("publisher_loc", src.publisher_loc)
            b.t(": ")
        if src.publisher:
            b.f("publisher", src.publisher)
            b.t("; ")
        b.f("year", src.year)
        b.stop()
        if src.type == "chapter" and has_pages(src):
            b.t(" p. ")
            pages(b, src, dash="-", abbrev=True)
            b.stop()
        if src.url:
            b.t(" Available from: ")
            b.f("url", src.url)
    if src.doi:
        b.t(" ")
        b.e("doi:")
        b.f("doi", src.doi)
        b.stop()
    if src.pmid:
        b.t(" ")
        b.e("PMID:")
        b.f("pmid", src.pmid)
        b.stop()
    return b


STYLES = {
    # key: (description, renderer, author-date list sorted by name?, variant switches)
    "apa": ("APA 7 (Wiley/Elsevier APA journals)", r_apa, True, {"links": 0.4}),
    "nature": ("Nature (nature.com, link buttons after each reference)", r_nature, False, {}),
    "springer": ("Springer LNCS / Basic numbered", r_springer, False, {"doi": 0.5}),
    "frontiers": ("Frontiers", r_frontiers, True, {"links": 0.5}),
    "mdpi": ("MDPI", r_mdpi, False, {"links": 0.5, "doi": 0.6}),
    "ieee": ("IEEE / Hindawi (given names first)", r_ieee, False, {"hindawi": 0.5, "doi": 0.5}),
    "bmc": ("BMC (BioMed Central, older numbered)", r_bmc, False, {}),
    "harvard": ("Harvard (Elsevier author-date)", r_harvard, True, {"links": 0.4}),
    "chicago": ("Chicago/Oxford author-date, undotted initials", r_chicago, True, {}),
    "vancouver": ("Vancouver as PubMed/NLM prints it (months, abbreviated pages, PMID)",
                  r_vancouver, False, {}),
}

GOLD_ORDER = ["number", "authors", "et_al", "collab", "title", "container_title", "year", "volume",
              "issue", "first_page", "last_page", "elocation", "doi", "pmid", "type", "line_start",
              "line_end", "editors", "publisher", "publisher_loc", "url", "render", "fully_tagged",
              "untagged_text", "unverified", "xml_label"]
EXACT_FIELDS = ["collab", "title", "container_title", "year", "volume", "issue", "first_page",
                "last_page", "elocation", "publisher", "publisher_loc"]
SUBSTRING_FIELDS = ["doi", "pmid", "url"]
SOURCE_FIELDS = ["collab", "title", "container_title", "year", "volume", "issue", "first_page",
                 "last_page", "elocation", "doi", "pmid", "publisher", "publisher_loc", "url"]


class CheckError(Exception):
    pass


def self_check(name: str, lines: list[str], refs: list[dict]):
    """Every non-null gold value is exactly one line of its block (doi/pmid/url: part of one)."""
    problems = []
    label = re.compile(r"\d+\.")
    prev_end = 2
    for r in refs:
        ls, le = r["line_start"], r["line_end"]
        where = f"{name} #{r['number']}"
        if not (prev_end < ls <= le <= len(lines)):
            problems.append(f"{where}: bad line range {ls}-{le}")
            continue
        block = lines[ls - 1:le]
        prev_end = le
        if block[0] != f"{r['number']}.":
            problems.append(f"{where}: block does not start with its label: {block[0]!r}")
        body = block[1:]
        for ln in body:
            if not ln or ln != norm_line(ln):
                problems.append(f"{where}: blank or unnormalised line {ln!r}")
            if label.fullmatch(ln):
                problems.append(f"{where}: a line looks like a reference label: {ln!r}")
        for f in EXACT_FIELDS:
            val = r[f]
            if val is not None and val not in body:
                problems.append(f"{where}: {f}={val!r} is not a line of the block")
        for f in SUBSTRING_FIELDS:
            val = r[f]
            if val is not None and not any(val in ln for ln in body):
                problems.append(f"{where}: {f}={val!r} is not inside a line of the block")
        for role in ("authors", "editors"):
            for p in r[role]:
                for part in ("family", "given"):
                    if not p[part] or p[part] not in body:
                        problems.append(f"{where}: {role} {part}={p[part]!r} is not a line of the block")
        if r["et_al"] and not any(re.search(r"\bet al\b", ln) for ln in body):
            problems.append(f"{where}: et_al true but no 'et al' line")
    if problems:
        raise CheckError("\n".join(problems))


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------
def load_sources(gold_dir: Path):
    cases, skipped = [], collections.Counter()
    for js in sorted(gold_dir.glob("*.json")):
        if js.name == "MANIFEST.json":
            continue
        doc = json.loads(js.read_text(encoding="utf-8"))
        txt = js.with_suffix(".txt").read_text(encoding="utf-8").split("\n")
        preface = txt[0].strip()
        refs = []
        for r in doc["references"]:
            if r.get("fully_tagged") is False or r.get("type") not in ("journal", "book", "chapter"):
                continue
            try:
                refs.append(Src(doc["id"], r))
            except Skip as e:
                skipped[str(e)] += 1
        cases.append({"id": doc["id"], "doc": doc, "preface": preface, "refs": refs})
    return cases, skipped


def select(cases, styles, per_article, rng):
    """Per style: `per_article` journal refs from each article (rotating so styles differ),
    plus every third book/chapter."""
    chosen = {s: [] for s in styles}
    for ci, case in enumerate(cases):
        journals = [r for r in case["refs"] if r.type == "journal"]
        others = [r for r in case["refs"] if r.type != "journal"]
        rng.shuffle(journals)
        n = len(journals)
        for si, s in enumerate(styles):
            if n:
                k = min(per_article, n)
                start = (si * per_article + ci) % n
                chosen[s] += [journals[(start + j) % n] for j in range(k)]
            chosen[s] += [r for oi, r in enumerate(others) if (oi + ci + si) % 3 == 0]
    return chosen


def render_file(style, name, refs, cases_by_id, rng, vrng):
    desc, fn, _, switches = STYLES[style]
    v = {k: vrng.random() < p for k, p in switches.items()}
    for k in ("links", "doi", "hindawi"):
        v.setdefault(k, False)
    preface_case = refs[0].case
    lines = [cases_by_id[preface_case]["preface"], ""]
    gold_refs, derived, dropped = [], [], collections.Counter()
    printed = []  # each reference as one line of text, as the page displays it (flat layout)
    link_lines = 0
    for i, src in enumerate(refs, 1):
        b = fn(src, v, rng)
        block = b.lines()
        ls = len(lines) + 1
        lines.append(f"{i}.")
        lines += block
        le = len(lines)
        lines += b.links
        link_lines += len(b.links)
        printed.append(norm_line("".join(text for _, text in b.items)))
        g = dict(b.gold)
        g.update(number=i, line_start=ls, line_end=le, render=f"synthetic-{style}", fully_tagged=True,
                 untagged_text=[], unverified=[], xml_label=None)
        gold_refs.append({k: g[k] for k in GOLD_ORDER})
        derived.append({"case": src.case, "number": src.number})
        # bookkeeping: source gold values that this rendering does not carry
        o = src.original
        for f in SOURCE_FIELDS:
            if clean(o.get(f)) is not None and g[f] is None:
                dropped[f] += 1
        n_src = len(o.get("authors") or [])
        if len(g["authors"]) < n_src:
            dropped["authors (names cut by the style's et al rule)"] += n_src - len(g["authors"])
        if o.get("editors") and not g["editors"]:
            dropped["editors"] += 1
    noise = []
    if vrng.random() < 0.7:
        noise = vrng.sample(END_NOISE, vrng.randint(1, 3))
    noise_lines = [len(lines) + 1, len(lines) + len(noise)] if noise else []
    lines += noise
    self_check(name, lines, gold_refs)
    src_ids = sorted({d["case"] for d in derived})
    doc = {
        "id": name,
        "split": "synthetic-styles",
        "style": style,
        "style_name": desc,
        "render_mode": f"synthetic-{style}",
        "variant": v,
        # source articles (repository, commit and path are in each dev gold case's "source")
        "sources": [{"case": c, "doi": cases_by_id[c]["doc"]["article"].get("doi"),
                     "license": cases_by_id[c]["doc"]["source"].get("license")} for c in src_ids],
        "preface_from": preface_case,
        "derived_from": derived,
        "preface_lines": [1, 1],
        "noise_lines": noise_lines,
        "link_lines": link_lines,
        "references": gold_refs,
    }
    return "\n".join(lines) + "\n", doc, dropped, printed


# Flat labels as each numbered style prints them (one form per file, drawn from the list).
FLAT_LABELS = {"nature": ["{}."], "springer": ["{}.", "[{}]"], "mdpi": ["{}.", "{})"], "ieee": ["[{}]"],
               "bmc": ["{}."], "vancouver": ["{}.", "{}"]}


def flat_case(doc: dict, printed: list[str], cases_by_id, rng) -> tuple[str, dict]:
    """The flat twin of a line-broken case: the same references, each on one line as printed
    (or wrapped), numbered as the style numbers or unnumbered for author-date lists."""
    style = doc["style"]
    form = rng.choice(FLAT_LABELS[style]) if style in FLAT_LABELS else None
    refs = []
    for g, text in zip(doc["references"], printed, strict=True):
        g = dict(g)
        refs.append(flat.FlatRef(form.format(g["number"]) if form else None, text, g))
    preface = cases_by_id[doc["preface_from"]]["preface"]
    text, top = flat.render_flat(preface, refs, rng)
    problems = flat.check_flat(doc["id"], text, [r.gold for r in refs])
    if problems:
        raise CheckError("\n".join(problems))
    out = {k: v for k, v in doc.items() if k not in ("references", "noise_lines", "link_lines", "preface_lines")}
    out["id"] = doc["id"] + "_flat"
    out["split"] = "synthetic-styles-flat"
    out.update(top)
    out["references"] = [r.gold for r in refs]
    return text, out


def dump_case(doc: dict) -> str:
    """JSON with one top-level key per line and one reference (or list item) per line."""
    parts = []
    for k, v in doc.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            body = ",\n".join("  " + json.dumps(x, ensure_ascii=False) for x in v)
            parts.append(f" {json.dumps(k)}: [\n{body}\n ]")
        else:
            parts.append(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--per-article", type=int, default=6, help="journal refs per article per style")
    ap.add_argument("--per-file", type=int, default=REFS_PER_FILE)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--flat-out", type=Path, default=DEFAULT_FLAT_OUT)
    ap.add_argument("--flat-files", type=int, default=3, help="files per style also written flat")
    args = ap.parse_args()

    cases, skipped = load_sources(args.gold)
    cases_by_id = {c["id"]: c for c in cases}
    styles = list(STYLES)
    chosen = select(cases, styles, args.per_article, random.Random(args.seed))

    args.out.mkdir(parents=True, exist_ok=True)
    args.flat_out.mkdir(parents=True, exist_ok=True)
    for old in list(args.out.glob("*.txt")) + list(args.out.glob("*.json")):
        old.unlink()
    for s in styles:  # make_csl.py writes its own styles into the same folders
        for old in list(args.flat_out.glob(f"{s}_[0-9]*.txt")) + list(args.flat_out.glob(f"{s}_[0-9]*.json")):
            old.unlink()
    summary = {}
    try:
        for s in styles:
            rng = random.Random(f"{args.seed}-{s}")
            refs = chosen[s]
            rng.shuffle(refs)
            nfiles = max(1, round(len(refs) / args.per_file))
            groups = [refs[i::nfiles] for i in range(nfiles)]
            dropped = collections.Counter()
            types = collections.Counter()
            for fi, group in enumerate(groups, 1):
                if STYLES[s][2]:  # author-date lists are alphabetical
                    group = sorted(group, key=lambda r: r.sort_key)
                name = f"{s}_{fi:02d}"
                text, doc, drop, printed = render_file(s, name, group, cases_by_id, rng,
                                                       random.Random(f"{args.seed}-{name}"))
                (args.out / f"{name}.txt").write_text(text, encoding="utf-8")
                (args.out / f"{name}.json").write_text(dump_case(doc), encoding="utf-8")
                if fi <= args.flat_files:
                    ftext, fdoc = flat_case(doc, printed, cases_by_id, random.Random(f"{args.seed}-{name}-flat"))
                    (args.flat_out / f"{name}.txt").write_text(ftext, encoding="utf-8")
                    (args.flat_out / f"{name}.json").write_text(dump_case(fdoc), encoding="utf-8")
                dropped.update(drop)
                types.update(r["type"] for r in doc["references"])
            summary[s] = {"files": nfiles, "references": len(refs), "types": dict(types),
                          "dropped_fields": dict(sorted(dropped.items()))}
    except CheckError as e:
        print("SELF-CHECK FAILED:\n" + str(e), file=sys.stderr)
        return 1
    src_dropped = collections.Counter()
    for c in cases:
        for r in c["refs"]:
            src_dropped.update(r.dropped)
    summary_doc = {"seed": args.seed, "gold": str(args.gold), "styles": summary,
                   "skipped_source_refs": dict(skipped.most_common()),
                   "usable_source_refs": sum(len(c["refs"]) for c in cases),
                   "source_fields_not_usable": dict(src_dropped)}
    (args.out.parent / f"{args.out.name}_summary.json").write_text(json.dumps(summary_doc, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(summary_doc, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
