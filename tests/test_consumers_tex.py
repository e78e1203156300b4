"""Our BibTeX and BibLaTeX as LaTeX users' tools print them: bibtex, biber with biblatex, and pandoc.

* classic **bibtex** with the standard ``unsrt.bst`` over the ``--ascii``
  output (what classic BibTeX reads); its ``.bbl`` is the formatted
  bibliography, read as text;
* **biber** with **biblatex**'s standard numeric style over the
  ``--biblatex`` output, typeset by pdflatex and read back from the PDF;
* **pandoc** ``--citeproc`` over both (``.bibtex`` and ``.bib``), which
  must cite "van der Sluis", as it does from the CSL-JSON: before, it cited
  "Sluis et al. 2023" from the BibTeX.

Every entry must show every author, "et al." where the page printed it and
nothing of refparse's; references 1 and 3 are compared with renderings
reviewed by hand (``fixtures/consumers/``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import check_golden
from consumer_tools import CONSUMERS, Entry, biblatex, bibtex, check_entry, convert, entries_by_key, golden, pandoc
from refparse.detect import parse_any
from test_consumers_csl import BY_KEY, DIAGNOSTICS, GOLDEN_KEYS, KEYS, SEED


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tex")
    return {
        "bibtex": convert(SEED, folder / "seed.bibtex", "--to", "bibtex", "--ascii"),
        "biblatex": convert(SEED, folder / "seed.bib", "--biblatex"),
        "json": convert(SEED, folder / "seed.json"),
    }


def _check_all(entries: list[Entry], who: str) -> dict[str, str]:
    assert sorted(e.key for e in entries) == sorted(KEYS), who
    for entry in entries:
        check_entry(entry, BY_KEY[entry.key], who)
    return entries_by_key(entries)


def test_bibtex_unsrt(outputs: dict[str, Path], tmp_path: Path) -> None:
    entries, bbl = bibtex(outputs["bibtex"].read_text(encoding="utf-8"), tmp_path)
    got = _check_all(entries, "bibtex unsrt")
    assert [e.key for e in entries] == KEYS  # unsrt keeps the file's order
    assert bbl.count("et~al.") == 65 and "others" not in bbl  # bibtex read "and others" as et al.
    check_golden(CONSUMERS / "bibtex-unsrt.txt", golden(
        "References 1 and 3 of fixtures/seed000.txt: refparse's --ascii BibTeX through bibtex 0.99d and unsrt.bst\n"
        "(the .bbl it writes, as text). Reviewed by hand.", [("unsrt", k, got[k]) for k in GOLDEN_KEYS]))


def test_biber_and_biblatex(outputs: dict[str, Path], tmp_path: Path) -> None:
    entries, bbl = biblatex(outputs["biblatex"].read_text(encoding="utf-8"), tmp_path)
    got = _check_all(entries, "biblatex")
    assert [e.key for e in entries] == KEYS
    # biber read "and others" as a truncated list, not as an author, 65 times
    assert bbl.count("\\true{moreauthor}") == sum(c.et_al for c in BY_KEY.values()) == 65
    assert "others" not in bbl.replace("\\true{moreauthor}", "")
    check_golden(CONSUMERS / "biblatex.txt", golden(
        "References 1 and 3 of fixtures/seed000.txt: refparse's --biblatex output through biber 2.18 and\n"
        "biblatex's numeric style (maxbibnames=99) under pdflatex, read back with pdftotext. Reviewed by hand.",
        [("biblatex numeric", k, got[k]) for k in GOLDEN_KEYS]))


def test_pandoc_reads_bibtex_and_biblatex_and_cites_names_as_from_csl_json(outputs: dict[str, Path]) -> None:
    rows = []
    cited: dict[str, dict[str, str]] = {}
    for name, path in outputs.items():
        # pandoc's default style (Chicago author-date), and two that set et-al options on their names
        for style in (None, "ieee", "nature"):
            entries, cites = pandoc(path, style, GOLDEN_KEYS if style is None else ())
            label = f"{name} {style or 'default'}"
            got = _check_all(entries, f"pandoc {label}")
            if name != "json":
                rows += [(label, k, got[k]) for k in GOLDEN_KEYS]
            if style is None:
                cited[name] = cites
    # names agree across formats: the same in-text citations from all three files
    assert cited["bibtex"] == cited["biblatex"] == cited["json"]
    assert cited["json"] == {GOLDEN_KEYS[0]: "(Gupta et al. 2025)", GOLDEN_KEYS[1]: "(van der Sluis et al. 2023)"}
    rows += [(f"{n} default cited", k, c[k]) for n, c in cited.items() if n != "json" for k in GOLDEN_KEYS]
    check_golden(CONSUMERS / "pandoc-bibtex.txt", golden(
        "References 1 and 3 of fixtures/seed000.txt: refparse's BibTeX (--ascii, read as .bibtex) and BibLaTeX\n"
        "(read as .bib) rendered by pandoc --citeproc 2.17. Reviewed by hand. pandoc 2.17 renders BibTeX's\n"
        "'and others' as et al. only in styles whose <name> sets et-al options (not NLM, AMA or APA).", rows))


def test_diagnostics_reach_no_bibliography(tmp_path: Path) -> None:
    cites = parse_any(DIAGNOSTICS.read_text(encoding="utf-8")).citations
    bib = convert(DIAGNOSTICS, tmp_path / "d.bib", "--biblatex").read_text(encoding="utf-8")
    assert "refparse-unplaced = {Epub 2013/01/08.}" in bib and "refparse-status   = {recovered}" in bib
    assert not re.search(r"^  note ", bib, re.M)
    entries, bbl = biblatex(bib, tmp_path / "biblatex")
    assert "refparse" not in bbl and "Epub" not in bbl  # biber drops the fields it does not know
    for entry, c in zip(entries, cites, strict=True):
        check_entry(entry, c, "biblatex")
        assert "Epub" not in entry.text and "(((" not in entry.text
    ascii_bib = convert(DIAGNOSTICS, tmp_path / "d.bibtex", "--to", "bibtex", "--ascii").read_text(encoding="utf-8")
    entries, _ = bibtex(ascii_bib, tmp_path / "bibtex")
    for entry, c in zip(entries, cites, strict=True):
        check_entry(entry, c, "bibtex")
        assert "Epub" not in entry.text
    entries, _ = pandoc(tmp_path / "d.bib", None)
    assert not any("Epub" in e.text or "refparse" in e.text for e in entries)
    # --annotate: the user asked for the diagnostics in the printed note, and the styles print it
    annotated = convert(DIAGNOSTICS, tmp_path / "a.bibtex", "--to", "bibtex", "--ascii", "--annotate")
    entries, _ = bibtex(annotated.read_text(encoding="utf-8"), tmp_path / "annotated")
    assert "refparse: not placed in a field: Epub 2013/01/08." in entries[0].text
    assert "refparse: not fully parsed" in entries[1].text
