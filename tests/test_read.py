"""Stage 1 — reading bytes and cleaning lines."""

from __future__ import annotations

import codecs
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refparse.errors import InputError
from refparse.read import Line, clean_line, clean_lines, decode, iter_lines


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        pytest.param("Foà".encode(), "Foà", "utf-8", id="utf8"),
        pytest.param(codecs.BOM_UTF8 + "Métais".encode(), "Métais", "utf-8-sig", id="utf8-bom"),
        pytest.param("Métais".encode("utf-16"), "Métais", "utf-16", id="utf16-bom"),
        pytest.param("Foà".encode("cp1252"), "Foà", "cp1252", id="cp1252-fallback"),
    ],
)
def test_decode_follows_the_documented_order(data: bytes, text: str, encoding: str) -> None:
    assert decode(data) == (text, encoding)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x00\x01\x02binary", id="nul-bytes"),
        pytest.param(codecs.BOM_UTF8 + b"\xff\xfe bad", id="bad-after-bom"),
    ],
)
def test_decode_rejects_binary_and_broken_input(data: bytes) -> None:
    with pytest.raises(InputError):
        decode(data, source="x.txt")


def test_decode_without_fallback_names_the_byte() -> None:
    with pytest.raises(InputError, match="byte 1"):
        decode(b"a\xe9b", fallback="")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        pytest.param("  Gupta  ", "Gupta", id="strip"),
        pytest.param("N\u00a0Engl\u2009J  Med", "N Engl J Med", id="spaces"),
        pytest.param("Fo\u0300a", "F\u00f2a", id="nfc"),
        pytest.param("Blina\u200btumomab\u00ad", "Blinatumomab", id="invisible"),
    ],
)
def test_clean_line(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


def test_iter_lines_keeps_original_numbers_and_skips_blanks() -> None:
    text = "preface\r\n\r\n1.\rGupta\n\n  \nS\u2028,"
    assert list(iter_lines(text)) == [Line(1, "preface"), Line(3, "1."), Line(4, "Gupta"), Line(7, "S"), Line(8, ",")]


def test_iter_lines_reads_a_file_lazily_with_the_same_numbers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = "\ufeffpreface\r\n\r\n1.\nGupta\u2028S\n,\n"
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8", newline="")
    with open(path, encoding="utf-8", newline=None) as f:
        assert list(iter_lines(f)) == list(iter_lines(text))


_LINE_ENDS = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85|\x0b|\x0c")


@settings(max_examples=300)
@given(st.text(alphabet="ab .\t\n\r\u2028\x85\x0c\x1c\u00a0\u2009\u200b\ufeff\u00ade\u0301\u202e1", max_size=40))
def test_clean_lines_cleans_each_line_as_clean_line_does(text: str) -> None:
    assert clean_lines(text) == [clean_line(piece) for piece in _LINE_ENDS.split(text)]


@settings(max_examples=300)
@given(st.text(alphabet="ab .\t\n\r\u2028\x85\x0c\x1c\u00a0\u2009\u200b\ufeff\u00ade\u0301\u202e1", max_size=40),
       st.booleans())
def test_the_lines_iter_lines_reads_are_clean_lines_whichever_form_is_asked_first(text: str, plain_first: bool) -> None:
    # iter_lines keeps the last text's lines and makes the indented form from the plain one
    first, then = (False, True) if plain_first else (True, False)
    for indent in (first, then):
        lines = [line.text for line in iter_lines(text, indent)]
        assert lines == [line for line in clean_lines(text.removeprefix("\ufeff"), indent) if line]
