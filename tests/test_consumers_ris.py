"""Our RIS as it is imported: by rispy, and by Zotero's RIS translator, then printed by Zotero's citeproc-js.

Zotero is what most people import RIS into. :mod:`zotero_ris` reads RIS
the way its translator does (types, tags, notes); the items are then
turned into CSL-JSON as Zotero does and rendered by citeproc-js. Before,
every truncated author list became an "et al." child note: 65 of the seed's
68 items got one. Now a truncated list ends with a one-field author
"et al.", which Zotero prints as the style's et al. — as from our CSL-JSON.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rispy

from conftest import check_golden
from consumer_tools import CONSUMERS, STYLE_FILES, Entry, check_entry, citeproc_js, convert, entries_by_key, golden
from export_roundtrip import make_citation
from refparse.detect import parse_any
from refparse.export.ris import ris_name, to_ris
from refparse.models import Organization
from test_consumers_csl import BY_KEY, CITATIONS, DIAGNOSTICS, GOLDEN_KEYS, KEYS, SEED
from zotero_ris import read_ris, to_csl


@pytest.fixture(scope="module")
def seed_ris(tmp_path_factory: pytest.TempPathFactory) -> str:
    return convert(SEED, tmp_path_factory.mktemp("ris") / "seed.ris").read_text(encoding="utf-8")


def test_rispy_reads_every_author_and_et_al_and_no_note(seed_ris: str) -> None:
    records = rispy.loads(seed_ris)
    assert len(records) == 68
    for c, key, record in zip(CITATIONS, KEYS, records, strict=True):
        assert record["id"] == key  # the key every format shares
        assert record["authors"] == [ris_name(a) for a in c.authors] + (["et al."] if c.et_al else [])
        assert "unknown_tag" not in record and "research_notes" not in record
    assert [r.get("notes") for r in records].count(None) == 67  # only the conference paper has notes (its date, session)


def test_zotero_imports_authors_types_and_notes(seed_ris: str) -> None:
    items = read_ris(seed_ris)
    assert len(items) == 68
    assert [i.item_type for i in items].count("journalArticle") == 67
    for c, item in zip(CITATIONS, items, strict=True):
        names = [n.name if isinstance(n, Organization) else " ".join(p for p in (n.particle, n.family) if p)
                 for n in c.authors]
        assert [cr["lastName"] for cr in item.creators] == names + (["et al."] if c.et_al else [])
        if c.et_al:
            assert item.creators[-1] == {"creatorType": "author", "lastName": "et al.", "fieldMode": 1}
        assert item.fields["title"] == c.title
        assert item.fields["publicationTitle" if item.item_type == "journalArticle" else "conferenceName"]
    conference = items[25]
    assert conference.item_type == "conferencePaper" and conference.notes == ["13 June 2024", "Session 422215"]
    assert sum(bool(i.notes) for i in items) == 1  # was 67: an "et al." note on every truncated list
    assert items[2].creators[0] == {"creatorType": "author", "lastName": "van der Sluis", "firstName": "I. M."}
    assert items[0].fields["pages"] == "875-891" and items[0].fields["date"] == "2025"


def test_zotero_prints_every_author_and_et_al(seed_ris: str) -> None:
    items = [to_csl(item, key) for item, key in zip(read_ris(seed_ris), KEYS, strict=True)]
    rows = []
    styles = {s: STYLE_FILES[s] for s in ("vancouver", "apa")}
    for style, (entries, cites) in citeproc_js(items, styles, cite=GOLDEN_KEYS).items():
        assert len(entries) == 68
        for entry in entries:
            check_entry(entry, BY_KEY[entry.key], f"zotero {style}")
        got = entries_by_key(entries)
        rows += [(style, k, got[k]) for k in GOLDEN_KEYS]
        if style == "apa":
            rows += [(f"{style} cited", k, cites[k]) for k in GOLDEN_KEYS]
            assert cites[GOLDEN_KEYS[1]] == "(van der Sluis et al., 2023)"
    check_golden(CONSUMERS / "zotero-ris.txt", golden(
        "References 1 and 3 of fixtures/seed000.txt: refparse's RIS imported as Zotero's RIS translator does,\n"
        "turned into CSL-JSON as Zotero does, and rendered by citeproc-js 2.4.63. Reviewed by hand.", rows))


@pytest.mark.parametrize(
    ("csl_type", "item_type", "where"),
    [
        pytest.param("article-journal", "journalArticle", "publicationTitle", id="journal"),
        pytest.param("paper-conference", "conferencePaper", "conferenceName", id="conference"),
        pytest.param("book", "book", "series", id="book"),
        pytest.param("chapter", "bookSection", "bookTitle", id="chapter"),
        pytest.param("report", "report", "seriesTitle", id="report"),
    ],
)
def test_zotero_keeps_each_types_container(csl_type: str, item_type: str, where: str) -> None:
    c = make_citation(type=csl_type, container_title="The Container", et_al=True, publisher="Pub", volume="3")
    (item,) = read_ris(to_ris([c]))
    assert item.item_type == item_type
    assert item.fields[where] == "The Container"
    assert item.creators[-1]["lastName"] == "et al." and item.notes == []


def test_diagnostics_are_a_research_note_not_printed(tmp_path: Path) -> None:
    cites = parse_any(DIAGNOSTICS.read_text(encoding="utf-8")).citations
    text = convert(DIAGNOSTICS, tmp_path / "d.ris").read_text(encoding="utf-8")
    records = rispy.loads(text)
    assert "notes" not in records[0] and "notes" not in records[1]
    assert records[0]["research_notes"].startswith("refparse: not placed in a field: Epub 2013/01/08.")
    assert records[1]["research_notes"].endswith(f"as printed: {cites[1].raw}")
    items = read_ris(text)
    assert len(items[1].notes) == 1 and "not fully parsed" in items[1].notes[0]  # a Zotero child note: never printed
    csl = [to_csl(item, f"item{i}") for i, item in enumerate(items)]
    entries, _ = citeproc_js(csl, {"vancouver": STYLE_FILES["vancouver"]})["vancouver"]
    for entry, c in zip(entries, cites, strict=True):
        check_entry(Entry(entry.key, entry.text), c, "zotero vancouver")
        assert "Epub" not in entry.text
    annotated = rispy.loads(convert(DIAGNOSTICS, tmp_path / "a.ris", "--annotate").read_text(encoding="utf-8"))
    assert annotated[1]["notes"][0].startswith("refparse: not fully parsed")
