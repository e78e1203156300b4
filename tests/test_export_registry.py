"""The export registry: formats by name, options checked, one error type."""

from __future__ import annotations

import json

import pytest

from export_roundtrip import make_citation
from refparse.errors import OptionError, RefparseError
from refparse.export import FORMATS, export
from refparse.export.bibtex import BibtexOptions, to_bibtex
from refparse.export.text import TextOptions, to_text


def test_every_issue_format_is_registered() -> None:
    assert list(FORMATS) == ["csljson", "bibtex", "ris", "jsonl", "text"]
    for name, spec in FORMATS.items():
        assert spec.name == name
        assert spec.extension and spec.description


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_writes_with_default_options(fmt: str) -> None:
    out = export([make_citation()], fmt)
    assert out.endswith("\n")
    assert "A title" in out


def test_options_reach_the_writer() -> None:
    c = make_citation(title="Foà")
    assert export([c], "bibtex", ascii=True) == to_bibtex([c], BibtexOptions(ascii=True))
    assert "title   = {Fo{\\`a}}," in export([c], "bibtex", ascii=True)  # the option took effect
    assert "title   = {Foà}," in export([c], "bibtex")
    assert export([c], "text", style="apa") == to_text([c], TextOptions(style="apa"))
    assert export([c], "text", style="apa").startswith("Gupta, S. (2020). Foà.")
    assert json.loads(export([c], "csljson", indent=None))[0]["title"] == "Foà"


@pytest.mark.parametrize(
    ("fmt", "options", "message"),
    [
        pytest.param("docx", {}, "unknown format 'docx'", id="format"),
        pytest.param("bibtex", {"style": "apa"}, "unknown option", id="option"),
        pytest.param("text", {"style": "nope"}, "unknown style 'nope'", id="style"),
        pytest.param("ris", {"ascii": True}, "unknown option", id="ris-option"),
    ],
)
def test_bad_requests_raise_option_error(fmt: str, options: dict[str, object], message: str) -> None:
    with pytest.raises(OptionError, match=message) as info:
        export([make_citation()], fmt, **options)
    assert isinstance(info.value, RefparseError) and isinstance(info.value, ValueError)


def test_empty_input() -> None:
    for fmt in FORMATS:
        assert export([], fmt).strip() in ("", "[]")
