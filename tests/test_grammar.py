"""Stage 3 — the grammar and assembler on one reference at a time.

Each case is a reference as a page prints it, one element per line ("|"
separates lines here), with the fields it must give. Valid cases cover the
styles the grammar accepts; invalid cases must come back recovered, with the
raw text and a reason, never an exception.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from refparse.layouts.base import Block
from refparse.models import Citation
from refparse.pipeline import parse_block
from refparse.read import Line


def cite(lines: str, number: int = 1) -> Citation:
    parts = [p.strip() for p in lines.split("|")]
    return parse_block(Block(number, 1, tuple(Line(i + 2, t) for i, t in enumerate(parts))))


def authors(c: Citation) -> list[str]:
    out = []
    for a in c.authors:
        if a.kind == "organization":
            out.append(a.name)
        else:
            out.append(" ".join(x for x in (a.particle, a.family) if x) + (f" {a.given}" if a.given else ""))
    return out


def fields(c: Citation) -> dict[str, Any]:
    return {
        "authors": authors(c),
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


VALID = [
    pytest.param(
        "Gupta | S | , | Rau | RE | , | Kairalla | JA | , et al | . | Blinatumomab in children | . "
        "| N Engl J Med | . "
        "| 2025 | ; | 392 | ( | 9 | ): | 875 | - | 891 | .",
        {"authors": ["Gupta S", "Rau RE", "Kairalla JA"], "et_al": True, "title": "Blinatumomab in children",
         "container": "N Engl J Med", "year": 2025, "volume": "392", "issue": "9", "pages": ("875", "891")},
        id="ama",
    ),
    pytest.param(
        "van der | Sluis IM | , | de Lorenzo | P | . | Blinatumomab added to chemotherapy | . | N Engl J Med | . "
        "| 2023 | ; | 388 | ( | 17 | ): | 1572 | - | 81 | .",
        {"authors": ["van der Sluis IM", "de Lorenzo P"], "pages": ("1572", "1581"), "volume": "388"},
        id="glued-particle-and-short-range",
    ),
    pytest.param(
        "Short | NJ | . | Blinatumomab and ponatinib | . | Blood | . | 2024 | ; | 144 | (suppl | 1 | ): | 837 | .",
        {"issue": "suppl 1", "volume": "144", "pages": ("837", None)},
        id="supplement",
    ),
    pytest.param(
        "John | S | . | Real-world data for tisagenlecleucel | . | Blood Adv | . | 2025 | .",
        {"container": "Blood Adv", "year": 2025, "volume": None, "pages": None, "type": "article-journal"},
        id="year-only",
    ),
    pytest.param(
        "Penack | O | . | How risky is a second allogeneic stem cell transplantation? | Leukemia | . | 2024 | ; | 38 "
        "| ( | 8 | ): | 1799 | - | 1807 | .",
        {"title": "How risky is a second allogeneic stem cell transplantation?", "container": "Leukemia"},
        id="question-title",
    ),
    pytest.param(
        "Hallett | TB | , | Gregson | S | , | et al | . ( | 2011 | ) | Estimating the resources required | . "
        "| Sex Transm Infect | 87 | : | 621 | – | 628 | . | doi: | 10.1136/sti.2010.045989 | 21427456",
        {"authors": ["Hallett TB", "Gregson S"], "et_al": True, "year": 2011, "container": "Sex Transm Infect",
         "volume": "87", "pages": ("621", "628"), "doi": "10.1136/sti.2010.045989"},
        id="plos-author-year",
    ),
    pytest.param(
        "Shifren | A | ( | 2012 | ) | Mechanisms of remodeling in asthmatic airways | . | J Allergy | 2012 | : "
        "| 316049",
        {"volume": "2012", "pages": ("316049", None), "year": 2012},
        id="plos-year-shaped-volume",
    ),
    pytest.param(
        "Udan | R. S. | , | Kango-Singh | M. | , and | Halder | G. | , “ | Hippo promotes proliferation arrest | .,” "
        "| Nat. Cell Biol. | , vol. | 5 | , no. | 10 | , pp. | 914 | – | 920 | , | 2003 | . | doi: | 10.1038/ncb1050",
        {"authors": ["Udan R. S.", "Kango-Singh M.", "Halder G."], "title": "Hippo promotes proliferation arrest",
         "container": "Nat. Cell Biol.", "volume": "5", "issue": "10", "pages": ("914", "920"), "year": 2003},
        id="ieee-family-first",
    ),
    pytest.param(
        "D. R. | Bellwood | and | P. C. | Wainwright | , “ | The history of fishes on coral reefs | ,” in "
        "| Coral reef fishes dynamics and diversity | , | P. F. | Sale | , Ed. | New York | : | Academic Press | , "
        "| 2002 | , pp. | 5 | – | 32 | .",
        {"authors": ["Bellwood D. R.", "Wainwright P. C."], "container": "Coral reef fishes dynamics and diversity",
         "year": 2002, "pages": ("5", "32"), "type": "chapter"},
        id="ieee-chapter-given-first",
    ),
    pytest.param(
        "Nelson | , | L. D. | , & | Galak | , | J. | ( | 2007 | ). | Mate preferences | . | Journal of Personality | , "
        "| 12 | ( | 3 | ), | 100 | – | 110 | . | https://doi.org/10.1037/0022-3514.92.1.1",
        {"authors": ["Nelson L. D.", "Galak J."], "container": "Journal of Personality", "volume": "12",
         "issue": "3", "pages": ("100", "110"), "doi": "10.1037/0022-3514.92.1.1"},
        id="apa",
    ),
    pytest.param(
        "Young | , | N.S. | ; | Ioannidis | , | J.P.A. | Why current publication practices may distort science | . "
        "| PLoS Med. | 2008 | , | 5 | , | e201 | .",
        {"authors": ["Young N.S.", "Ioannidis J.P.A."], "year": 2008, "volume": "5", "pages": ("e201", None)},
        id="mdpi-year-first",
    ),
    pytest.param(
        "Kleinert | , | H. | Path integrals in quantum mechanics | . | Nature | 12 | , | 100 | – | 110 | ( | 2009 | ).",
        {"container": "Nature", "volume": "12", "pages": ("100", "110"), "year": 2009},
        id="nature-late-year",
    ),
    pytest.param(
        "Agosta | WC | . | Chemical communication | . | New York | : | Scientific American Press | ; | 1992 | .",
        {"title": "Chemical communication", "container": None, "year": 1992, "type": "book"},
        id="ama-book",
    ),
    pytest.param(
        "Akaike | H | . | Information theory | . In: | Kotz | S | , | Johnson | NL | , editors. "
        "| Breakthroughs in statistics | . | New York | : | Springer | ; | 1973 | . p. | 610 | - | 24 | .",
        {"container": "Breakthroughs in statistics", "pages": ("610", "624"), "type": "chapter", "year": 1973},
        id="ama-chapter",
    ),
    pytest.param(
        "World Health Organization | ( | 2008 | ) | Guidelines for the programmatic management of tuberculosis | . "
        "| World Health Organization | 247 p | .",
        {"authors": ["World Health Organization"], "year": 2008, "type": "book"},
        id="organization-book",
    ),
    pytest.param(
        "Jan | LY | , | Winter | VJ | . | A title long enough to be a title | . | Genes Dev | . | 1990 | ; | 4 | : "
        "| 190 | - | 203 | .",
        {"authors": ["Jan LY", "Winter VJ"]},
        id="month-word-surnames",
    ),
    pytest.param(
        "Brunoud | G | , | Mirabet V | , | Burrow | AH | , et al | . | A novel sensor to map auxin | . | Nature | . "
        "| 2012 | ; | 482 | : | 103 | - | 6 | .",
        {"authors": ["Brunoud G", "Mirabet V", "Burrow AH"], "et_al": True},
        id="glued-initials-without-particle",
    ),
    pytest.param(
        "Liu | Xun | , | Wu | Xiaoming | ( | 2010 | ) | Application of radial basis function networks | . | ICCASM "
        "| 15 | : | 332 | – | 5 | .",
        {"authors": ["Liu Xun", "Wu Xiaoming"], "year": 2010, "volume": "15"},
        id="full-given-names",
    ),
    pytest.param(
        "Pettijohn | TF | II | , | Tesser | ( | 2003 | ) | History and facial features | . | North Am J Psychol | 5 "
        "| : | 335 | – | 345 | .",
        {"authors": ["Pettijohn TF", "Tesser"], "pages": ("335", "345")},
        id="bare-surname-closing-the-list",
    ),
    pytest.param(
        "Genomes Project Consortium | , | Abecasis | GR | , | Auton | A | , et al | . | An integrated map of genetic "
        "variation | . | Nature | . | 2012 | ; | 491 | ( | 7422 | ): | 56 | – | 65 | .",
        {"authors": ["Genomes Project Consortium", "Abecasis GR", "Auton A"], "issue": "7422"},
        id="organization-then-people",
    ),
    pytest.param(
        "Kumari | S | . | T cell antigen receptor activation | . | Biochimica Et Biophysica Acta | . | 2014 | ; "
        "| 1838 | : | 546 | - | 556 | .",
        {"year": 2014, "volume": "1838", "pages": ("546", "556")},
        id="year-shaped-volume-after-year",
    ),
    pytest.param(
        "Cadwell | K | , | Patel | KK | , et al: | Virus-plus-susceptibility gene interaction | . | Cell | 2010 | , "
        "| 141 | : | 1135 | - | 1145 | .",
        {"authors": ["Cadwell K", "Patel KK"], "et_al": True, "title": "Virus-plus-susceptibility gene interaction",
         "year": 2010, "volume": "141"},
        id="et-al-colon-bmc",
    ),
    pytest.param(
        "Bolinger | , | P. | , et al.: | Amphipathic motifs in BAR domains | . | Cell | 141 | ( | 2 | ), | 1 | - | 9 "
        "| ( | 2010 | )",
        {"authors": ["Bolinger P."], "et_al": True, "title": "Amphipathic motifs in BAR domains", "issue": "2"},
        id="et-al-colon-springer",
    ),
    pytest.param(
        "Kleinert | , | H. | Path integrals in quantum mechanics | ( | World Scientific Press | , | 2009 | ).",
        {"type": "book", "title": "Path integrals in quantum mechanics", "publisher": "World Scientific Press",
         "place": None, "year": 2009, "issue": None},
        id="nature-book-publisher-year",
    ),
    pytest.param(
        "Smith | , | J. | A book of things | ( | Cambridge Univ. Press | , | Cambridge | , | 2011 | ).",
        {"type": "book", "publisher": "Cambridge Univ. Press", "place": "Cambridge", "year": 2011, "issue": None},
        id="nature-book-publisher-place-year",
    ),
    pytest.param(
        "Kerby | , | T. A. | ( | 1996 | ). | Cotton production | , | in | Cotton Production Manual | , eds | K. D. "
        "| Hake | ( | Oakland | : | University of California Press | ), | 33 | – | 41 | .",
        {"type": "chapter", "container": "Cotton Production Manual", "publisher": "University of California Press",
         "place": "Oakland", "year": 1996, "issue": None, "pages": ("33", "41")},
        id="frontiers-chapter-place-publisher",
    ),
    pytest.param(
        "Lee | K | . | Title of a paper | . | J Test | 2001 | ; | 12 | ( | Suppl | ): | 3 | - | 9 | .",
        {"issue": "suppl", "publisher": None},  # canonical supplement spelling (normalize.issue)
        id="bracketed-issue-word-stays-an-issue",
    ),
]


@pytest.mark.parametrize(("lines", "expected"), VALID)
def test_valid_references(lines: str, expected: dict[str, Any]) -> None:
    c = cite(lines)
    got = fields(c)
    assert c.status == "parsed", c.warnings
    assert {k: got[k] for k in expected} == expected


def test_conference_presentation() -> None:
    c = cite(
        "Hodder | A | , et al | . | Blinatumomab for first line treatment | . Paper presented at: EHA Library; 13 June "
        "| 2024 | ; | Madrid, Spain | . Session 422215."
    )
    assert c.type == "paper-conference"
    assert c.event is not None
    assert (c.event.title, c.event.place, c.event.date) == ("EHA Library", "Madrid, Spain", "13 June 2024")
    assert c.year == 2024


INVALID = [
    pytest.param("", id="empty"),
    pytest.param("Gupta | S | ,", id="names-only"),
    pytest.param(") | ) | ( | :", id="marks-only"),
    pytest.param("2025 | 2025 | 2025", id="numbers-only"),
]


@pytest.mark.parametrize("lines", INVALID)
def test_invalid_references_are_kept_with_a_reason(lines: str) -> None:
    c = cite(lines, number=7)
    assert c.status == "recovered"
    assert c.number == 7
    assert c.reason
    for part in lines.split("|"):
        assert part.strip() in c.raw  # nothing of the input is lost


def test_other_publishers_link_labels_inside_a_reference_are_dropped() -> None:
    nature = cite("Rice | , | J. | The approximation of functions | . | J Approx Theory | 12 | , | 1 | - | 9 | ( | 1964 "
                  "| ). | Article | ADS | Google Scholar")
    lines = ["Rice", ",", "J.", "(", "1964", ").", "The approximation of functions", ".", "J. Approx. Theory", "12",
             ",", "1", "-", "9", ".", "PubMed Abstract", "|", "CrossRef Full Text", "|", "Google Scholar"]
    frontiers = parse_block(Block(1, 1, tuple(Line(i + 2, t) for i, t in enumerate(lines))))  # "|" is a line here
    for c in (nature, frontiers):
        assert c.status == "parsed" and not c.warnings and c.note is None
        assert (c.title, c.volume, c.year) == ("The approximation of functions", "12", 1964)


def test_a_stray_element_is_skipped_and_reported() -> None:
    c = cite("Gupta | S | . | A title of a paper | . | Blood | . | 2025 | ; | 392 | : | 875 | Jr | .")
    assert c.status == "recovered"
    assert "line" in (c.reason or "")
    assert (c.title, c.container_title, c.volume) == ("A title of a paper", "Blood", "392")


def test_plans_are_stored_and_reused_by_a_later_process(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import os
    import subprocess
    import sys

    page = tmp_path / "page.txt"
    page.write_text("1.\nGupta\nS\n.\nA title of a study\n.\nBlood\n.\n2020\n;\n1\n:\n2\n.\n", encoding="utf-8")
    env = {**os.environ, "REFPARSE_CACHE_DIR": str(tmp_path / "cache")}
    code = (
        "import sys, refparse; r = refparse.parse(open(sys.argv[1]).read());"
        "print(r.citations[0].container_title, 'lark' in sys.modules)"
    )
    run = [sys.executable, "-c", code, str(page)]
    first = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert first.stdout.split() == ["Blood", "True"]  # a new shape: the parser made its plan
    stored = json.loads((tmp_path / "cache" / "plans.json").read_text(encoding="utf-8"))
    assert len(stored["plans"]) == 1
    second = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert second.stdout.split() == ["Blood", "False"]  # a known shape: the parser is not even loaded


@pytest.mark.skipif(not hasattr(__import__("os"), "getuid"), reason="POSIX permissions")
def test_a_cache_folder_others_can_write_is_never_used(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # as a /tmp/shared folder: anyone could plant a pickle here
    page = tmp_path / "page.txt"
    page.write_text("1.\nGupta\nS\n.\nA title of a study\n.\nBlood\n.\n2020\n;\n1\n:\n2\n.\n", encoding="utf-8")
    env = {**os.environ, "REFPARSE_CACHE_DIR": str(shared)}
    code = "import sys, refparse; print(refparse.parse(open(sys.argv[1]).read()).citations[0].container_title)"
    out = subprocess.run([sys.executable, "-c", code, str(page)], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "Blood"  # still parsed, only slower
    assert list(shared.iterdir()) == []  # nothing read from or written to the shared folder
    shared.chmod(0o700)
    subprocess.run([sys.executable, "-c", code, str(page)], env=env, capture_output=True, text=True, check=True)
    assert (shared / "plans.json").is_file()  # a private folder is used


def test_a_stale_or_damaged_plan_store_is_ignored(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from refparse import plans

    monkeypatch.setenv("REFPARSE_CACHE_DIR", str(tmp_path))
    (tmp_path / "plans.json").write_text('{"fingerprint": "other", "plans": [["TEXT", "{}"]]}', encoding="utf-8")
    assert plans._read(tmp_path / "plans.json", plans.fingerprint()) == {}
    (tmp_path / "plans.json").write_text("{not json", encoding="utf-8")
    assert plans._read(tmp_path / "plans.json", plans.fingerprint()) == {}


def test_a_stored_plan_is_read_when_its_shape_is_first_met(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from refparse import lexer, plans
    from refparse.layouts.linebroken.split import DocumentStream
    from refparse.parser import make_plan
    from refparse.read import iter_lines

    block = next(iter(DocumentStream(iter_lines("1.\nGupta\nS\n.\nA title of a study\n.\nBlood\n.\n2020\n"))))
    tokens = lexer.tokens(line.text for line in block.lines)
    made = make_plan(tokens)
    monkeypatch.setenv("REFPARSE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(plans, "_PLANS", {})
    monkeypatch.setattr(plans, "_STORED", {})
    monkeypatch.setattr(plans, "_state", {"loaded": False, "new": 0})
    row = plans._row(made)
    other, deep = ("TEXT", "INIT", "DOT"), ("PHRASE", "DOT")
    payload = {"fingerprint": plans.fingerprint(),
               "plans": [[" ".join(tokens.types), row], [" ".join(other), "{"], [" ".join(deep), "[" * 100_000]]}
    (tmp_path / "plans.json").write_text(json.dumps(payload), encoding="utf-8")
    plans.load()
    assert set(plans._STORED) == {" ".join(t) for t in (tokens.types, other, deep)}  # text: nothing decoded yet
    assert plans.plan_for(tokens) == made  # decoded on first use, equal to the parser's
    assert " ".join(tokens.types) not in plans._STORED and plans._state["new"] == 0
    damaged = lexer.Tokens(other, ["Gupta", "S", "."], [1, 2, 3])
    assert plans.plan_for(damaged) == make_plan(damaged)  # a damaged row: the parser makes the plan
    assert plans._state["new"] == 1
    nested = lexer.Tokens(deep, ["A title", "."], [1, 2])
    assert plans.plan_for(nested) == make_plan(nested)  # nested too deep for json: the same


def test_a_store_of_long_shapes_costs_about_its_size_in_memory(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tracemalloc

    from refparse import plans

    monkeypatch.setenv("REFPARSE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(plans, "_STORED", {})
    monkeypatch.setattr(plans, "_state", {"loaded": False, "new": 0})
    shapes = [" ".join(["PHRASE", "DOT"] * 499 + ["NUM", str(n)]) for n in range(200)]  # 1,000 tokens each
    store = tmp_path / "plans.json"
    store.write_text(json.dumps({"fingerprint": plans.fingerprint(), "plans": [[s, "{}"] for s in shapes]}),
                     encoding="utf-8")
    tracemalloc.start()
    try:
        plans.load()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(plans._STORED) == 200
    assert held < 1.5 * store.stat().st_size  # a tuple per shape would add 8 bytes a token: 1.6 MB here


def test_a_shared_plan_reports_each_references_own_line() -> None:
    first = cite("Gupta | S | ,", number=1)
    second = parse_block(Block(2, 40, (Line(41, "Rau"), Line(42, "RE"), Line(43, ","))))
    assert first.warnings[0].line == 2 or first.reason
    assert "Rau" not in (first.reason or "")
    assert "Gupta" not in (second.reason or "") and second.warnings[0].line in (40, 41, 42, 43)


def test_a_reference_that_breaks_the_parser_is_still_returned() -> None:
    huge = "9" * 5000  # a page number no int() would convert
    c = cite(f"Gupta | S | . | A title of a study | . | Blood | . | 2020 | ; | 1 | : | {huge} | - | 1{huge} | .")
    assert c.raw and c.number == 1
    dots = cite(" ".join([". "] * 2000) + " | Title", number=3)
    assert dots.number == 3 and dots.raw


def test_text_no_field_takes_goes_to_the_note_with_a_warning() -> None:
    from refparse import parse

    page = "1.\nGupta\nS\n.\nA title of a study\n.\nBlood\n.\n2020\n;\n1\n:\n2\n.\n425 p\nSome trailing remark\n"
    c = parse(page).citations[0]
    assert (c.title, c.container_title, c.status) == ("A title of a study", "Blood", "parsed")
    assert c.note == "refparse: not placed in a field: 425 p; Some trailing remark"
    assert [(w.code, w.line) for w in c.warnings] == [("unplaced", 15)]
    assert "'425 p'" in c.warnings[0].message


def test_a_second_pasted_list_keeps_its_numbers_and_gets_its_own_ids() -> None:
    import json

    from refparse import parse, to_csl_json

    ref = "Gupta\nS\n.\nA title {n}\n.\nBlood\n.\n2020\n;\n1\n:\n{n}\n.\n"
    first = "".join(f"{n}.\n" + ref.format(n=n) for n in range(1, 4))
    second = "".join(f"{n}.\n" + ref.format(n=n + 10) for n in range(1, 3))
    result = parse(f"Page one.\n{first}Back to top\nPage two.\n{second}")
    assert [(c.list_number, c.number, c.title) for c in result.citations] == [
        (None, 1, "A title 1"), (None, 2, "A title 2"), (None, 3, "A title 3"), (2, 1, "A title 11"), (2, 2, "A title 12"),
    ]
    assert all(c.status == "parsed" and not c.warnings for c in result.citations)
    assert [w.code for w in result.warnings] == ["restart"]
    ids = [item["id"] for item in json.loads(to_csl_json(result.citations))]  # content keys, unique
    assert ids == ["gupta2020title", "gupta2020titleb", "gupta2020titlec", "gupta2020titled", "gupta2020titlee"]
