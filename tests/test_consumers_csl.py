"""Our CSL-JSON as its consumers print it: citeproc-js (Zotero, Mendeley), citeproc-py and pandoc.

The seed's 68 references are converted with the command line, as a user
would, and rendered by each consumer in every shipped style. Every entry
must show every author, "et al." exactly where the page printed it, and
nothing of refparse's (:func:`consumer_tools.check_entry`); references 1
and 3 are compared with renderings reviewed by hand
(``fixtures/consumers/*.txt``; ``REFPARSE_REGEN=1`` rewrites them, then
review them again). Before, citeproc-js printed "Gupta S, Rau RE, Kairalla
JA, others." and ids were positional (``ref1``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, check_golden
from consumer_tools import (
    CONSUMERS,
    STYLE_FILES,
    check_entry,
    citeproc_js,
    citeproc_py,
    convert,
    entries_by_key,
    golden,
    pandoc,
)
from refparse.detect import parse_any
from refparse.export.keys import make_keys
from refparse.models import Citation

SEED = FIXTURES / "seed000.txt"
DIAGNOSTICS = CONSUMERS / "diagnostics.txt"
CITATIONS = parse_any(SEED.read_text(encoding="utf-8")).citations
KEYS = make_keys(CITATIONS)
BY_KEY: dict[str, Citation] = dict(zip(KEYS, CITATIONS, strict=True))
#: references 1 and 3 of the seed: Gupta et al. and van der Sluis et al.
GOLDEN_KEYS = (KEYS[0], KEYS[2])
AUTHOR_DATE = ("apa", "chicago-author-date")


@pytest.fixture(scope="module")
def seed_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert(SEED, tmp_path_factory.mktemp("csl") / "seed.json")


@pytest.fixture(scope="module")
def seed_items(seed_json: Path) -> list[dict[str, object]]:
    items = json.loads(seed_json.read_text(encoding="utf-8"))
    assert [item["id"] for item in items] == KEYS  # the keys every format shares
    return items


def test_keys_are_readable_and_shared() -> None:
    assert GOLDEN_KEYS == ("gupta2025blinatumomab", "sluis2023blinatumomab")
    assert len(set(KEYS)) == 68


def test_citeproc_js_prints_every_author_and_et_al(seed_items: list[dict[str, object]]) -> None:
    rendered = citeproc_js(seed_items, cite=GOLDEN_KEYS)
    rows = []
    for style, (entries, cites) in rendered.items():
        assert len(entries) == 68, style
        for entry in entries:
            check_entry(entry, BY_KEY[entry.key], f"citeproc-js {style}")
        got = entries_by_key(entries)
        rows += [(style, k, got[k]) for k in GOLDEN_KEYS]
        if style in AUTHOR_DATE:
            rows += [(f"{style} cited", k, cites[k]) for k in GOLDEN_KEYS]
            assert "van der Sluis et al." in cites[GOLDEN_KEYS[1]]  # as pandoc cites it, from every format
    check_golden(CONSUMERS / "citeproc-js.txt", golden(
        "References 1 and 3 of fixtures/seed000.txt: refparse's CSL-JSON rendered by citeproc-js 2.4.63\n"
        "(the engine of Zotero and Mendeley) in each shipped style; 'cited' is the in-text citation.\n"
        "Reviewed by hand. Styles that join the last name with '&' or 'and' put it before 'et al.'.", rows))


@pytest.mark.parametrize("style", ["vancouver", "apa"])
def test_citeproc_py_reads_the_file_as_written(seed_items: list[dict[str, object]], style: str) -> None:
    entries = citeproc_py(seed_items, style)
    assert len(entries) == 68
    for entry in entries:
        check_entry(entry, BY_KEY[entry.key], f"citeproc-py {style}")
    got = entries_by_key(entries)
    check_golden(CONSUMERS / f"citeproc-py.{style}.txt", golden(
        f"References 1 and 3 of fixtures/seed000.txt: refparse's CSL-JSON file read by citeproc-py, style {style}.\n"
        "Reviewed by hand.", [(style, k, got[k]) for k in GOLDEN_KEYS]))


def test_pandoc_citeproc_prints_every_author_and_et_al(seed_json: Path) -> None:
    rows = []
    for style in (None, *STYLE_FILES):
        cite = GOLDEN_KEYS if style in (None, *AUTHOR_DATE) else ()
        entries, cites = pandoc(seed_json, style, cite)
        name = style or "pandoc's default (chicago author-date)"
        assert len(entries) == 68, name
        for entry in entries:
            check_entry(entry, BY_KEY[entry.key], f"pandoc {name}")
        got = entries_by_key(entries)
        rows += [(name, k, got[k]) for k in GOLDEN_KEYS] + [(f"{name} cited", k, cites[k]) for k in cite]
    check_golden(CONSUMERS / "pandoc-csljson.txt", golden(
        "References 1 and 3 of fixtures/seed000.txt: refparse's CSL-JSON rendered by pandoc --citeproc (2.17)\n"
        "in its default style and each shipped style; 'cited' is the in-text citation. Reviewed by hand.\n"
        "pandoc 2.17 ignores name options set on a style's <style> element (NLM prints 'S. Gupta', not 'Gupta S').",
        rows))


def test_diagnostics_are_kept_where_no_style_prints_them(tmp_path: Path) -> None:
    # A reference with a line no field took ("Epub 2013/01/08.") and one the grammar rejected.
    cites = parse_any(DIAGNOSTICS.read_text(encoding="utf-8")).citations
    assert [c.status for c in cites] == ["parsed", "recovered", "parsed"]
    assert [w.code for w in cites[0].warnings] == ["unplaced"]
    items = json.loads(convert(DIAGNOSTICS, tmp_path / "d.json").read_text(encoding="utf-8"))
    assert all("note" not in item for item in items)
    assert items[0]["custom"]["unplaced"] == "Epub 2013/01/08."
    assert items[1]["custom"]["status"] == "recovered" and items[1]["custom"]["raw"] == cites[1].raw
    assert "ends too early" in items[1]["custom"]["reason"]
    for style, (entries, _) in citeproc_js(items, {s: STYLE_FILES[s] for s in ("vancouver", "ieee")}).items():
        for entry, c in zip(sorted(entries, key=lambda e: [i["id"] for i in items].index(e.key)), cites, strict=True):
            check_entry(entry, c, f"citeproc-js {style}")
            assert "Epub" not in entry.text and "(((" not in entry.text
    entries, _ = pandoc(tmp_path / "d.json", "vancouver")
    for entry in entries:
        assert "Epub" not in entry.text and "refparse" not in entry.text and "(((" not in entry.text
    annotated = json.loads(convert(DIAGNOSTICS, tmp_path / "a.json", "--annotate").read_text(encoding="utf-8"))
    assert annotated[0]["note"] == "refparse: not placed in a field: Epub 2013/01/08."
    assert annotated[1]["note"].startswith("refparse: not fully parsed (")
    assert annotated[1]["note"].endswith(f"As printed: {cites[1].raw}")
