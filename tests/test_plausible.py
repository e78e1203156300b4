"""No silent wrong answer: a parse whose values fail plausibility is ``suspect``, with the reason, everywhere.

The grammar accepts a reference when its token types fit; :mod:`refparse.plausible`
then looks at the values. Each check is held here on a citation built by hand
(the exact reason it gives, and that a sound citation passes), and once end to
end on real printed references (from the SciELO and PLOS pages) through every
output format and the batch report.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rispy

from refparse import Citation, Organization, Pages, Person, PubDate, parse_any
from refparse.cli import main
from refparse.export import export
from refparse.plausible import check, doubts

SOUND = Citation(
    number=1, type="article-journal", authors=[Person(family="Silva", given="J. A.")],
    title="Rainfall in the Cerrado", container_title="Rev Bras Meteorol", date=PubDate(year=2019),
    volume="13", pages=Pages(first="1520", last="1529", printed="1520-9"),
    raw="1. Silva JA. Rainfall in the Cerrado. Rev Bras Meteorol. 2019;13:1520-9.",
)


@pytest.mark.parametrize(
    ("update", "reason"),
    [
        pytest.param({"container_title": "v."}, "the journal is the label 'v.'", id="label-journal"),
        pytest.param({"title": "In:"}, "the title is the label 'In:'", id="label-title"),
        pytest.param({"authors": [Person(family="Disponível")]}, "the author 'Disponível' is a label word", id="label-name"),
        pytest.param({"pages": Pages(first="1520", last="1519", printed="1520-1519")},
                     "the pages '1520-1519' end before they start", id="pages-backwards"),
        pytest.param({"date": None, "volume": "2019"}, "no year, and the volume '2019' looks like one", id="year-as-volume"),
        pytest.param({"title": "and Camargo F. D., The Hippo signaling pathway"},
                     "the title 'and Camargo F. D., The Hippo signaling p' opens with the last of the authors",
                     id="title-opens-with-and"),
        pytest.param({"authors": [Organization(name="BARTHES")], "title": "Roland",
                      "raw": "BARTHES, Roland. O prazer do texto. São Paulo: Perspectiva, 1987."},
                     "the title 'Roland' reads as the given name of 'BARTHES'", id="title-is-a-given-name"),
        pytest.param({"title": "Phys. Rev. Lett.", "container_title": None},
                     "the title 'Phys. Rev. Lett.' reads as an abbreviated journal's name, and there is no journal",
                     id="title-is-a-journal"),
        pytest.param({"authors": [Organization(name="Li C-q, Yin J, Zhang Y-j, et al. Comparative study")]},
                     "the author 'Li C-q, Yin J, Zhang Y-j, et al. Comparative study'… reads as a whole list of "
                     "names, or more", id="organisation-is-a-list"),
        pytest.param({"authors": [Organization(name="Klimley AP, Pyle P, Anderson SD (1996) Tail slap")]},
                     "the author 'Klimley AP, Pyle P, Anderson SD (1996) Tail slap'… reads as a whole list of "
                     "names, or more", id="organisation-holds-names-and-a-year"),
    ],
)
def test_each_check_names_what_is_doubtful(update: dict[str, object], reason: str) -> None:
    c = SOUND.model_copy(update=update)
    assert doubts(c) == [reason]
    marked = check(c)
    assert marked.status == "suspect"
    assert [w.message for w in marked.warnings if w.code == "suspect"] == [f"doubtful: {reason}"]


def test_a_sound_citation_and_a_title_with_and_inside_pass() -> None:
    assert doubts(SOUND) == []
    assert check(SOUND) is SOUND
    assert doubts(SOUND.model_copy(update={"title": "Android and iOS apps", "container_title": "Vox"})) == []
    long_name = "Committee on Military and Intelligence Methodology for Emergent Neurophysiological and Cognitive"
    assert doubts(SOUND.model_copy(update={"authors": [Organization(name=long_name)]})) == []
    assert doubts(SOUND.model_copy(update={"title": "Phys. Rev. Lett."})) == []  # a journal is there: a title


#: Real printed references: a page range printed backwards (SciELO, Vancouver), and two that parse well.
PAGE = (
    "1. Pinheiro JGA, Rodrigues NS, Silveira AO, Martins G. Mother and nursing academic: experience with "
    "intestinal constipation. Rev Enferm UFPE. 2019;13(5):1520-1519.\n"
    "2. Ramos A. and Camargo F. D., \u201cThe Hippo signaling pathway and stem cell biology,\u201d Trends Cell "
    "Biol., vol. 22, no. 7, pp. 339\u2013346, 2012.\n"
    "3. Cecilio LCO, Merhy EE. A integralidade do cuidado como eixo da gest\u00e3o hospitalar. In: Pinheiro R, "
    "Mattos RA, organizadores. Constru\u00e7\u00e3o da integralidade: cotidiano, saberes e pr\u00e1ticas em sa\u00fade. "
    "Rio de Janeiro: IMS/UERJ; 2003. p. 197-210.\n"
)


def test_real_references_suspect_and_sound() -> None:
    cs = parse_any(PAGE, "flat").citations
    assert [c.status for c in cs] == ["suspect", "parsed", "parsed"]
    assert [(p.family, p.given) for p in cs[1].authors] == [("Ramos", "A."), ("Camargo", "F. D.")]
    assert cs[1].title == "The Hippo signaling pathway and stem cell biology"
    # "organizadores" is the editors' role (it used to leave the journal "org" behind)
    assert [p.family for p in cs[2].editors] == ["Pinheiro", "Mattos"]
    assert cs[2].container_title == "Construção da integralidade: cotidiano, saberes e práticas em saúde"


def test_suspect_in_every_format_and_the_batch_report(tmp_path: Path) -> None:
    cs = parse_any(PAGE, "flat").citations
    reason = "doubtful: the pages '1520-1519' end before they start"
    items = json.loads(export(cs, "csljson"))
    assert items[0]["custom"]["status"] == "suspect" and reason in json.dumps(items[0]["custom"])
    assert "custom" not in items[1] or "status" not in items[1]["custom"]
    bib = export(cs, "bibtex")
    first = bib.split("\n@")[0]
    assert re.search(r"\n  refparse-status += \{suspect\},\n", first) and reason.removeprefix("doubtful: ") in first
    assert "refparse-status" not in bib.split("\n@")[1]
    ris = rispy.loads(export(cs, "ris"))
    assert ris[0]["research_notes"] == f"refparse: parsed ({reason}); as printed: {cs[0].raw}"
    assert "research_notes" not in ris[1]
    lines = [json.loads(line) for line in export(cs, "jsonl").splitlines()]
    assert lines[0]["status"] == "suspect" and lines[1]["status"] == "parsed"

    src = tmp_path / "page.txt"
    src.write_text(PAGE, encoding="utf-8")
    code = main(["convert", str(src), "--from", "flat", "-o", str(tmp_path / "out.json"), "--report",
                 str(tmp_path / "report.jsonl"), "-q"])
    (record,) = [json.loads(line) for line in (tmp_path / "report.jsonl").read_text().splitlines()]
    assert code == 0 and record["status"] == "warning" and record["suspect"] == 1
    assert record["suspect_references"] == [{"reference": 1, "lines": [1, 1], "reason": reason}]
    assert main(["convert", str(src), "--from", "flat", "-o", str(tmp_path / "out.json"), "-q", "--strict"]) == 1
