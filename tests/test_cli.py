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
    assert items[1]["custom"]["raw"] == "Gupta S,"  # kept where no style prints it
    assert "note" not in items[1]
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("512", 512), ("100b", 100), ("512k", 512 * 1024), ("20M", 20 * 1024**2), ("50MB", 50 * 1024**2),
     ("1GiB", 1024**3), ("1.5k", 1536)],
)
def test_sizes_as_people_type_them(text: str, expected: int) -> None:
    from refparse.cli import parse_size

    assert parse_size(text) == expected


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--max-size", "9" * 400], "not a size"),
        (["--max-size", "5ib"], "not a size"),
        (["--max-size=-3M"], "not a size"),
        (["--cache-expire", "12h"], "need --enrich or --verify"),
        (["--enrich", "--offline", "--cache-expire", "9" * 400], "too long"),
        (["--enrich", "--offline", "--cache-expire", "soon"], "not a duration"),
        (["--to", "text", "--locale", "xx-YY"], "no locale 'xx-YY'"),
        (["--to", "text", "--locale", "en;rm"], "not a locale"),
        (["--to", "bibtex", "--style", "apa"], "--style applies only to --to text"),
    ],
)
def test_bad_options_are_usage_errors_without_traceback(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["convert", str(FIXTURES / "seed000.txt"), *argv], capsys)
    assert (code, out) == (2, "")
    assert message in err and "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("content", ["not xml at all", "<?xml version='1.0'?><html/>", ""])
def test_a_broken_style_file_is_a_usage_error(content: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    style = tmp_path / "mine.csl"
    style.write_text(content, encoding="utf-8")
    code, out, err = run(["convert", str(FIXTURES / "seed000.txt"), "--to", "text", "--style", str(style)], capsys)
    assert (code, out) == (2, "")
    assert "mine.csl" in err and "internal error" not in err


def test_a_locale_citeproc_ships_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["convert", str(FIXTURES / "seed000.txt"), "--to", "text", "--style", "apa", "--locale", "de-DE"], capsys)
    assert code == 0, err
    assert len(out.splitlines()) == 68


def test_importing_the_cli_leaves_the_environment_alone() -> None:
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    probe = "import os, refparse.cli; print(os.environ.get('PYDANTIC_DISABLE_PLUGINS'))"
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "None"


def test_output_through_a_symlink_replaces_the_file_and_keeps_the_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real, link = tmp_path / "real.json", tmp_path / "link.json"
    real.write_text("old", encoding="utf-8")
    link.symlink_to(real)
    code, _, err = run(["convert", str(FIXTURES / "seed000.txt"), "-o", str(link)], capsys)
    assert code == 0, err
    assert link.is_symlink() and len(json.loads(real.read_text(encoding="utf-8"))) == 68


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes")
def test_output_into_a_named_pipe_streams_and_leaves_the_pipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _, err = run(["convert", str(FIXTURES / "seed000.txt"), "--to", "ris", "-o", str(fifo)], capsys)
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a pipe, not a file renamed over it
    assert received[0].decode("utf-8").count("ER  -") == 68


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("where", [["-o", "/dev/full"], ["--report", "/dev/full"]])
def test_a_full_disk_is_one_clear_line_and_exit_1(where: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import stat

    argv = ["convert", str(FIXTURES / "seed000.txt"), *where]
    if "--report" in where:
        argv += ["-o", str(tmp_path / "out.json")]
    code, _, err = run(argv, capsys)
    assert code == 1
    assert "No space left on device" in err and "/dev/full" in err and "internal error" not in err
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode)  # the device was written to, never replaced
