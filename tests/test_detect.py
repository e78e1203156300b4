"""Input-format detection and dispatch (refparse.detect)."""

from __future__ import annotations

from pathlib import Path

import pytest

from refparse.detect import detect_format, format_names, parse_any
from refparse.errors import InputError, OptionError, RefparseError

ROOT = Path(__file__).resolve().parents[1]
CARD = (ROOT / "fixtures" / "card001.txt").read_text(encoding="utf-8")
LINEBROKEN_SEED = ROOT / "fixtures" / "seed000.txt"

PROSE = (
    "It was a bright cold day in April, and the clocks were striking thirteen.\n"
    "Winston Smith, his chin nuzzled into his breast, slipped quickly through the glass doors.\n"
)
LINEBROKEN = "Preface text.\n1.\nGupta\nS\n.\nA title\n.\nN Engl J Med\n.\n2025\n;\n392\n:\n875\n-\n891\n.\n"

DETECT = [
    pytest.param(CARD, "card", id="seed-card"),
    pytest.param(CARD + CARD, "card", id="two-cards"),
    pytest.param(CARD.replace("# Targeted", "Targeted", 1), "card", id="card-without-title"),
    pytest.param("# T\n**Authors:** A B\n", "card", id="minimal-card"),
    pytest.param(LINEBROKEN, "linebroken", id="linebroken-snippet"),
    pytest.param("[1]\nSmith J\n.\nTitle\n.\n", "linebroken", id="bracket-labels"),
]


@pytest.mark.parametrize(("text", "expected"), DETECT)
def test_detect_format(text: str, expected: str) -> None:
    assert detect_format(text) == expected


def test_linebroken_seed_is_detected() -> None:
    assert detect_format(LINEBROKEN_SEED.read_text(encoding="utf-8")) == "linebroken"


UNKNOWN = [
    pytest.param(PROSE, id="prose"),
    pytest.param("", id="empty"),
    pytest.param("# README\n\n## Install\n\npip install x\n", id="markdown-with-one-landmark"),
    pytest.param("1. a numbered list item with text on the same line\n2. another\n", id="inline-numbered-list"),
]


@pytest.mark.parametrize("text", UNKNOWN)
def test_unknown_format_raises_input_error_naming_formats(text: str) -> None:
    with pytest.raises(InputError) as info:
        detect_format(text, source="notes.txt")
    message = str(info.value)
    assert message.startswith("notes.txt: ")
    for name in format_names():
        assert name in message
    assert isinstance(info.value, RefparseError)


def test_parse_any_dispatches_by_content() -> None:
    assert parse_any(CARD).format == "card"
    result = parse_any(LINEBROKEN)
    assert result.format == "linebroken" and len(result.citations) == 1


def test_parse_any_forced_format_skips_detection() -> None:
    result = parse_any(PROSE, fmt="card")
    assert result.format == "card" and result.citations[0].status == "recovered"
    assert parse_any(PROSE, fmt="linebroken").citations == ()


def test_parse_any_unknown_format_name() -> None:
    with pytest.raises(OptionError) as info:
        parse_any(CARD, fmt="bibtex")
    assert "card" in str(info.value) and isinstance(info.value, ValueError)


def test_parse_any_unknown_text_raises() -> None:
    with pytest.raises(InputError):
        parse_any(PROSE)


def test_format_names_in_detection_order() -> None:
    assert format_names()[:2] == ("card", "linebroken")


def test_a_journal_page_with_a_heading_and_an_authors_line_is_still_a_reference_list() -> None:
    text = "# Blinatumomab in B-ALL\nAuthors: Gupta S, Rau RE\n\n" + LINEBROKEN_SEED.read_text(encoding="utf-8")
    assert detect_format(text) == "linebroken"
    assert len(parse_any(text).citations) == 68
