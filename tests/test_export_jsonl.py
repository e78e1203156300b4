"""JSON Lines export: every model field, one citation per line, lossless."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from export_roundtrip import FIXTURES, SEED, check_golden, citations_of, input_fixtures, make_citation
from refparse.export.jsonl import JsonlOptions, jsonl_line, to_jsonl
from refparse.models import Citation, Diagnostic


@pytest.mark.parametrize("fixture", input_fixtures(), ids=lambda p: p.stem)
def test_every_fixture_round_trips_to_equal_models(fixture: Path) -> None:
    citations = citations_of(fixture)
    text = to_jsonl(citations)
    lines = text.splitlines()
    assert len(lines) == len(citations) == text.count("\n")
    assert [Citation.model_validate_json(line) for line in lines] == list(citations)


def test_seed_acceptance_68_lines() -> None:
    lines = to_jsonl(citations_of(SEED)).splitlines()
    assert len(lines) == 68
    first = json.loads(lines[0])
    assert first["number"] == 1
    assert first["span"] == {"start": 3, "end": 27}
    assert first["et_al"] is True
    assert first["pages"] == {"first": "875", "last": "891", "printed": "875-891"}


def test_seed_golden_jsonl() -> None:
    check_golden(FIXTURES / "seed000.expected.jsonl", to_jsonl(citations_of(SEED)))


def test_every_model_field_is_present() -> None:
    record = json.loads(jsonl_line(make_citation()))
    assert set(record) == set(Citation.model_fields)


def test_warnings_and_status_are_kept() -> None:
    c = make_citation(status="recovered", warnings=(Diagnostic(code="grammar", message="not parsed", line=4),))
    record = json.loads(jsonl_line(c))
    assert record["status"] == "recovered"
    assert record["warnings"] == [{"code": "grammar", "message": "not parsed", "line": 4}]


@pytest.mark.parametrize("char", ["\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"])
def test_no_character_splits_a_record(char: str) -> None:
    c = make_citation(title=f"one{char}two")
    text = to_jsonl([c, c])
    assert len(text.splitlines()) == 2
    assert Citation.model_validate_json(text.splitlines()[0]).title == f"one{char}two"


def test_options() -> None:
    c = make_citation(title="Métais")
    assert "\\u00e9" in jsonl_line(c, JsonlOptions(ascii=True))
    assert "Métais" in jsonl_line(c)
    assert "doi" not in json.loads(jsonl_line(c, JsonlOptions(exclude_none=True)))
