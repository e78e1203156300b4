"""The command line, run in-process through ``refparse.cli.main``."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from refparse.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str | None = None,
        monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    try:
        code = main(argv)
    except SystemExit as e:  # argparse: --help, --version, usage errors
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_convert_seed_to_csl_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["convert", str(FIXTURES / "seed000.txt"), "--to", "csljson"], capsys)
    assert code == 0, err
    items = json.loads(out)
    assert len(items) == 68
    assert items[0]["citation-number"] == 1 and items[0]["container-title-short"] == "N Engl J Med"
    assert err == ""


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.json"
    code, out, _ = run(["convert", str(FIXTURES / "seed000.txt"), "-o", str(target)], capsys)
    assert code == 0 and out == ""
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 68


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    text = "1.\nGupta\nS\n.\nA title of a study\n.\nBlood\n.\n2020\n;\n1\n:\n2\n.\n"
    code, out, _ = run(["convert", "-"], capsys, stdin=text, monkeypatch=monkeypatch)
    assert code == 0
    assert json.loads(out)[0]["title"] == "A title of a study"


def test_unparsed_reference_is_reported_on_one_line_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "1.\nGupta\nS\n.\nA title of a study\n.\nBlood\n.\n2020\n;\n1\n:\n2\n.\n2.\nGupta\nS\n,\n", encoding="utf-8"
    )
    code, out, err = run(["convert", str(page)], capsys)
    items = json.loads(out)
    assert len(items) == 2
    assert "Raw: Gupta S," in items[1]["note"]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"refparse: {page}: reference 2 (lines 15-18):")
    # The file is converted and the reference kept (raw text and reason): exit 0, so that programs
    # reading the output on success keep every reference; --strict makes it exit 1.
    assert code == 0
    strict_code, strict_out, _ = run(["convert", str(page), "--strict"], capsys)
    assert strict_code == 1 and json.loads(strict_out) == items


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"\x00\x01binary", "binary data", id="binary"),
        pytest.param(b"just some prose without references\n", "not a known input format", id="no-format"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                content: bytes, message: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    code, _, err = run(["convert", str(bad)], capsys)
    assert code == 1
    assert message in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["convert", "/nonexistent/refs.txt"], capsys)
    assert code == 1 and "cannot read" in err and "Traceback" not in err


def test_usage_error_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["convert", "--to", "nonsense"], capsys)
    assert code == 2 and "invalid choice" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.startswith("refparse ")


@pytest.mark.parametrize("command", [[], ["convert"]])
def test_every_command_has_help_with_an_example(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*command, "--help"], capsys)
    assert code == 0
    assert "usage:" in out
    if command:
        assert "Example" in out
