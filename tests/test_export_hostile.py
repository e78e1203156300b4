"""Hostile text in every format: it must come out literal and read back unchanged.

Reference text is untrusted. A title or name holding ``}``, ``\\input{...}``,
``%``, a newline followed by ``ER  -`` or ``@article{`` must not end a field
or a record, run a command, comment out the rest, or fake a new entry. Each
format is read back by the program people use for it.
"""

from __future__ import annotations

import json
import re

import bibtexparser
import jsonschema
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from export_roundtrip import (
    HOSTILE_TEXT,
    SAFE_COMMANDS,
    ascii_reading,
    csl_schema,
    decode,
    hostile_citations,
    make_citation,
    read_bibtex,
)
from refparse.export.bibtex import VERBATIM, BibtexOptions, bibtex_entries, to_bibtex
from refparse.export.common import flatten
from refparse.export.csljson import CslJsonOptions, csl_given, dumps, to_csl_item, to_csl_json
from refparse.export.jsonl import to_jsonl
from refparse.export.keys import make_keys
from refparse.export.ris import ris_name, to_ris
from refparse.export.text import TextOptions, to_text
from refparse.models import Citation, Organization, Person

HOSTILE = hostile_citations()
MODES = [
    pytest.param(BibtexOptions(), id="unicode"),
    pytest.param(BibtexOptions(ascii=True), id="ascii"),
    pytest.param(BibtexOptions(biblatex=True), id="biblatex"),
]
RIS_LINE = re.compile(r"[A-Z][A-Z0-9]  - ")


def reading(text: str, options: BibtexOptions) -> str:
    return ascii_reading(text) if options.ascii else text


@pytest.mark.parametrize("options", MODES)
def test_bibtex_hostile_set_reads_back_unchanged(options: BibtexOptions) -> None:
    text = to_bibtex(HOSTILE, options)
    library, decoded = read_bibtex(text)
    entries = bibtex_entries(HOSTILE, options)
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == [e.key for e in entries]
    journal = "journaltitle" if options.biblatex else "journal"
    for c, entry in zip(HOSTILE, entries, strict=True):
        got = decoded[entry.key]
        assert got == {f.name: reading(f.text, options) for f in entry.fields}
        # and against the model itself, not the writer's idea of the text
        assert got["title"] == reading(flatten(c.title or ""), options)
        assert got[journal] == reading(flatten(c.container_title or ""), options)
        assert got["note"] == reading(flatten(c.note or ""), options)  # the printed note: no diagnostics
        if c.status == "recovered":
            assert got["refparse-status"] == "recovered"
            assert got["refparse-raw"] == reading(flatten(c.raw), options)
        else:
            assert "refparse-raw" not in got
    if options.ascii:
        assert text.isascii()


@pytest.mark.parametrize("options", MODES)
def test_bibtex_values_cannot_close_a_field_run_a_command_or_comment_out(options: BibtexOptions) -> None:
    entries = bibtex_entries(HOSTILE, options)
    for entry in entries:
        for f in entry.fields:
            depth = 0
            for ch in f.latex:
                depth += {"{": 1, "}": -1}.get(ch, 0)
                assert depth >= 0, (entry.key, f.name, f.latex)
            assert depth == 0, (entry.key, f.name, f.latex)
            assert "\n" not in f.latex and "\r" not in f.latex
            if f.name in VERBATIM:
                assert not re.search(r"[\\{}\s]", f.latex), f.latex
                continue
            rest = SAFE_COMMANDS.sub("", f.latex)
            assert "\\" not in rest, (entry.key, f.name, f.latex)
            assert not set(rest) & set("%#&$_~^"), (entry.key, f.name, f.latex)
    # the file's structure is intact: one line per field, nothing injected
    text = to_bibtex(HOSTILE, options)
    assert text.count("\n") == sum(len(e.fields) + 3 for e in entries) - 1
    assert sum(line.startswith("@") for line in text.splitlines()) == len(HOSTILE)


def test_bibtex_hostile_names_split_back() -> None:
    library = bibtexparser.parse_string(to_bibtex(HOSTILE), append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    for c, entry in zip(HOSTILE, library.entries, strict=True):
        person, org, others = entry["author"]
        assert isinstance(c.authors[0], Person) and isinstance(c.authors[1], Organization)
        words = [decode("author", w) for w in person.von + person.last]
        assert " ".join(words) == flatten(f"van {c.authors[0].family}")
        assert " ".join(decode("author", w) for w in person.first) == flatten(c.authors[0].given or "")
        assert decode("author", " ".join(org.last)) == flatten(c.authors[1].name)
        assert others.last == ["others"]


def test_ris_hostile_set() -> None:
    text = to_ris(HOSTILE)
    assert all(RIS_LINE.match(line) for line in text.splitlines())
    records = rispy.loads(text)
    assert len(records) == len(HOSTILE)
    for c, record in zip(HOSTILE, records, strict=True):
        assert "unknown_tag" not in record
        assert record["title"] == flatten(c.title or "")
        assert record["authors"] == [ris_name(a) for a in c.authors] + ["et al."]
        assert record["authors"][1] == flatten(f"Org {HOSTILE_TEXT[(c.number or 1) - 1]} and Co")
        assert record["secondary_title"] == flatten(c.container_title or "")
        assert record["notes"] == [flatten(c.note or "")]
        if c.status == "recovered":
            assert record["research_notes"].endswith("as printed: " + flatten(c.raw))
        else:
            assert "research_notes" not in record


def test_jsonl_hostile_set_is_lossless() -> None:
    text = to_jsonl(HOSTILE)
    lines = text.splitlines()
    assert len(lines) == len(HOSTILE)
    assert [Citation.model_validate_json(line) for line in lines] == HOSTILE


def test_csl_json_hostile_set_is_valid_and_lossless() -> None:
    items = json.loads(to_csl_json(HOSTILE))
    jsonschema.validate(items, csl_schema())
    assert [item["title"] for item in items] == [c.title for c in HOSTILE]
    assert [item["author"][1]["literal"] for item in items] == [c.authors[1].name for c in HOSTILE]  # type: ignore[union-attr]


@pytest.mark.parametrize("options", [CslJsonOptions(), CslJsonOptions(indent=None), CslJsonOptions(indent=4),
                                     CslJsonOptions(ascii=True)], ids=["indent-2", "one-line", "indent-4", "ascii"])
def test_csl_json_written_in_batches_is_the_array_dumped_at_once(options: CslJsonOptions) -> None:
    # a long list is written a batch of items at a time; the text must be what one dumps() of the list writes
    for citations in ((), HOSTILE, HOSTILE * (1 + 1100 // len(HOSTILE))):
        items = [to_csl_item(c, key, options) for c, key in zip(citations, make_keys(citations), strict=True)]
        assert to_csl_json(citations, options) == dumps(items, options)


@pytest.mark.parametrize("annotate", [False, True], ids=["plain", "annotated"])
@pytest.mark.parametrize("style", ["vancouver", "apa", "ieee"])
@pytest.mark.parametrize("fmt", ["plain", "html"])
def test_text_hostile_set(style: str, fmt: str, annotate: bool) -> None:
    text = to_text(HOSTILE, TextOptions(style=style, format=fmt, annotate=annotate))  # type: ignore[arg-type]
    lines = text.splitlines()
    assert len(lines) == len(HOSTILE)
    for i, c in enumerate(HOSTILE, start=1):
        if c.status == "parsed" or annotate:
            assert sum(f"T{i} " in line for line in lines) == 1
        else:  # printed as on the page, not as a rendering of the few certain fields
            raw = flatten(c.raw)
            if fmt == "html":
                raw = raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            assert sum(line.endswith(raw) for line in lines) >= 1
            assert not any(f"T{i} " in line for line in lines)
    if fmt == "html":
        assert "<script" not in text and "<b>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    else:
        assert "<script>alert(1)</script>" in text


# --- property tests ------------------------------------------------------------

#: Any Unicode text (hypothesis leaves out surrogates) that is not blank once
#: line breaks and control characters are flattened.
TEXT = st.text(min_size=1, max_size=60).filter(lambda s: bool(flatten(s)))
#: Names must also be non-blank for the model (which strips Unicode spaces).
NAME = TEXT.filter(str.strip)
PARTICLES = st.none() | st.from_regex(r"[a-z]{1,4}( [a-z]{1,4})?", fullmatch=True)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT)
def test_any_title_survives_bibtex(title: str) -> None:
    library, decoded = read_bibtex(to_bibtex([make_citation(title=title)]))
    assert library.failed_blocks == []
    assert next(iter(decoded.values()))["title"] == flatten(title)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    family=NAME,
    given_name=st.none() | st.text(max_size=40),
    particle=PARTICLES,
    org=NAME,
)
# cases larger runs found: "and" in any case splits a name list; commas; a name part
# ending in a one-character escape before " and "
@example(family="AND", given_name=None, particle="a", org="0")
@example(family="x", given_name=None, particle="and", org="0")
@example(family="a, b", given_name="c, d", particle="de", org="0")
@example(family="0", given_name="&", particle=None, org="0")
@example(family="\xa00", given_name="0\xa0\x1b", particle="a", org="0")
def test_any_name_survives_bibtex(family: str, given_name: str | None, particle: str | None, org: str) -> None:
    person = Person(family=family, given=given_name, particle=particle)
    c = make_citation(authors=(person, Organization(name=org)))
    library = bibtexparser.parse_string(to_bibtex([c]), append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    assert library.failed_blocks == []
    parts, org_parts = library.entries[0]["author"]
    surname = " ".join(flatten(p) for p in (particle, family) if p)
    given_text = flatten(csl_given(person) or "")
    if not given_text:
        # "van Sluis" without a given name: BibTeX reads von + Last, bibtexparser
        # First + Last; either way the whole name comes back
        assert " ".join(decode("author", w) for w in parts.first + parts.von + parts.last) == surname
    else:
        assert " ".join(decode("author", w) for w in parts.von + parts.last) == surname
        assert " ".join(decode("author", w) for w in parts.first) == given_text
    assert decode("author", " ".join(org_parts.last)) == flatten(org)


@settings(max_examples=200, deadline=None)
@given(title=TEXT, family=NAME)
def test_any_title_and_name_survive_ris(title: str, family: str) -> None:
    c = make_citation(title=title, authors=(Person(family=family),))
    [record] = rispy.loads(to_ris([c]))
    assert record["title"] == flatten(title)
    assert record["authors"] == [ris_name(c.authors[0])]
