"""The command line tells the truth: the format a file name asks for, warnings a person can read, honest summaries.

Each test holds one finding of issue 14: ``-o refs.bib`` wrote CSL-JSON into
the ``.bib``; a batch of 1,500 files printed 6,901 lines over the progress
bar; an interrupted run said "0 inputs: 0 converted"; bare ``refparse
convert`` waited on a terminal without a word; a failed input still wrote
``[]``; keys changed when inputs were combined.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rispy

from conftest import FIXTURES
from consumer_tools import CONSUMERS, convert
from refparse.cli import main
from terminal import run_on_terminal, screen_lines

SEED = FIXTURES / "seed000.txt"
DIAGNOSTICS = CONSUMERS / "diagnostics.txt"


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as e:  # argparse usage errors
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("name", "looks_like"),
    [
        pytest.param("refs.bib", r"\A@article\{gupta2025blinatumomab,\n", id="bib"),
        pytest.param("refs.json", r"\A\[\n  \{\n    \"id\": \"gupta2025blinatumomab\"", id="json"),
        pytest.param("refs.ris", r"\ATY  - JOUR\nID  - gupta2025blinatumomab\n", id="ris"),
        pytest.param("refs.jsonl", r"\A\{\"number\":1,", id="jsonl"),
        pytest.param("refs.txt", r"\A1\. Gupta S, Rau RE, Kairalla JA, et al\. Blinatumomab", id="txt"),
        pytest.param("REFS.BIB", r"\A@article\{", id="upper-case"),
    ],
)
def test_the_output_format_comes_from_the_file_name(name: str, looks_like: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(["convert", str(SEED), "-o", str(tmp_path / name)], capsys)
    assert code == 0 and out == "", err
    assert re.match(looks_like, (tmp_path / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--to", "csljson", "-o", "refs.bib"], "--to csljson clashes with -o", id="to-clashes"),
        pytest.param(["--to", "ris", "-o", "refs.txt"], "--to ris clashes with -o", id="ris-into-txt"),
        pytest.param(["-o", "refs.yaml"], "cannot tell the output format from 'refs.yaml'", id="unknown-extension"),
        pytest.param(["--to", "jsonl", "--annotate"], "--annotate does not apply to --to jsonl", id="annotate-jsonl"),
    ],
)
def test_a_format_that_contradicts_the_file_name_is_a_usage_error(argv: list[str], message: str, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a if a not in ("refs.bib", "refs.txt", "refs.yaml") else str(tmp_path / a) for a in argv]
    code, out, err = cli(["convert", str(SEED), *argv], capsys)
    assert code == 2 and out == ""
    assert message in err
    assert list(tmp_path.iterdir()) == []  # nothing was written


def test_an_explicit_format_for_a_file_without_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(["convert", str(SEED), "--to", "ris", "-o", str(tmp_path / "refs")], capsys)
    assert code == 0, err
    assert (tmp_path / "refs").read_text(encoding="utf-8").startswith("TY  - JOUR")


@pytest.mark.parametrize("to", ["csljson", "bibtex", "ris", "jsonl", "text"])
def test_a_failed_input_writes_nothing_to_stdout(to: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(["convert", str(tmp_path / "missing.txt"), "--to", to], capsys)
    assert code == 1 and out == ""  # was "[]" for CSL-JSON: a program reading stdout took it for a result
    assert err == f"refparse: {tmp_path / 'missing.txt'}: cannot read: no such file or directory\n"


def test_a_failed_input_leaves_an_existing_output_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "refs.json"
    out.write_text("yesterday's good output\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    code, _, err = cli(["convert", str(empty), "-o", str(out)], capsys)
    assert code == 1 and "empty file" in err
    assert out.read_text(encoding="utf-8") == "yesterday's good output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "refs.json"]  # no temporary file left


# --- keys ---------------------------------------------------------------------------------------------


def _keys(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return [item["id"] for item in json.loads(text)]
    if path.suffix == ".ris":
        return [r["id"] for r in rispy.loads(text)]
    return re.findall(r"^@\w+\{([^,]+),$", text, re.M)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_keys_are_shared_by_every_format_and_kept_when_inputs_are_combined(jobs: str, tmp_path: Path) -> None:
    alone = {ext: _keys(convert(SEED, tmp_path / f"alone.{ext}")) for ext in ("json", "bib", "ris")}
    assert alone["json"] == alone["bib"] == alone["ris"]  # one key per reference, whatever the format
    assert alone["json"][:3] == ["gupta2025blinatumomab", "brown2021effect", "sluis2023blinatumomab"]
    second = _keys(convert(DIAGNOSTICS, tmp_path / "d.json"))
    for ext in ("json", "bib", "ris"):
        from refparse.cli import main as run

        target = tmp_path / f"all.{ext}"
        assert run(["convert", str(SEED), str(DIAGNOSTICS), "-o", str(target), "-q", "-j", jobs]) == 0
        keys = _keys(target)
        # the first input keeps its keys; the second's repeat two of them and get a letter
        assert keys[:68] == alone[ext]
        assert keys[68:] == ["gupta2025blinatumomabb", "smith1999", "sluis2023blinatumomabb"]
        assert [k.removesuffix("b") for k in keys[68:]] == second
        assert len(set(keys)) == len(keys)


# --- what a person at a terminal sees ---------------------------------------------------------------------


def _folder_of_pages(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n):
        shutil.copy(DIAGNOSTICS, folder / f"page{i:02d}.txt")
    return folder


def test_per_reference_warnings_are_counted_on_a_terminal_and_the_bar_stays_in_sight(tmp_path: Path) -> None:
    _folder_of_pages(tmp_path, 30)  # each page: a reference not fully parsed, one with text no field took
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    code, _, screen = run_on_terminal(["convert", "in", "--out-dir", "out", "-j", "2"], tmp_path)
    assert code == 0 or code == 1, screen
    lines = screen_lines(screen)
    # one line for the input that failed, one for the warnings by kind, one summary: 3 lines, not 61
    assert lines == [
        "refparse: in/empty.txt: empty file",
        "refparse: warnings: 30 references not fully parsed, 30 references with text no field took; "
        "--verbose lists each, --report FILE keeps them",
        lines[2],
    ], screen
    assert re.fullmatch(r"refparse: 31 inputs: 30 converted, 30 of them with warnings, 1 failed; 90 references, "
                        r"30 not fully parsed, 60 warnings; [\d.]+ s", lines[2])
    assert "/31 [" in screen  # the bar was drawn
    code, _, screen = run_on_terminal(["convert", "in", "--out-dir", "out2", "-j", "2", "--verbose"], tmp_path)
    lines = screen_lines(screen)
    assert sum("reference 2 (lines " in line for line in lines) == 30
    assert sum(": unplaced: kept in the note" in line for line in lines) == 30


def test_a_single_page_on_a_terminal_says_what_was_not_parsed(tmp_path: Path) -> None:
    shutil.copy(DIAGNOSTICS, tmp_path / "page.txt")
    code, out, screen = run_on_terminal(["convert", "page.txt"], tmp_path)
    assert code == 0 and len(json.loads(out)) == 3
    assert screen_lines(screen) == [
        "refparse: warnings: 1 reference not fully parsed, 1 reference with text no field took; "
        "--verbose lists each, --report FILE keeps them"
    ]


def test_waiting_on_a_terminal_says_so(tmp_path: Path) -> None:
    page = "1.\nGupta\nS\n.\nA title of a study\n.\nBlood\n.\n2020\n;\n1\n:\n2\n.\n"
    code, out, screen = run_on_terminal(["convert"], tmp_path, stdin_terminal=True, typed=page.encode() + b"\x04")
    assert code == 0, screen
    assert json.loads(out)[0]["title"] == "A title of a study"
    assert screen_lines(screen)[0].startswith("refparse: reading references from the terminal; paste them, then press "
                                              "Ctrl-D")


def test_no_hint_when_standard_input_is_a_pipe(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED.read_bytes())))
    code, out, err = cli(["convert", "-"], capsys)
    assert code == 0 and err == "" and len(json.loads(out)) == 68


def test_an_interrupted_single_input_is_summed_up_truly(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("\n".join([SEED.read_text(encoding="utf-8")] * 400), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "refparse.cli", "convert", "big.txt", "-o", "out.json"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while not any(p.stat().st_size for p in tmp_path.glob(".refparse-*/.*.refparse-tmp")):  # converting
        assert time.monotonic() < deadline and proc.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and out == "", err
    lines = err.strip().splitlines()
    assert "0 inputs" not in err  # was "refparse: 0 inputs: 0 converted ..."
    assert re.fullmatch(r"refparse: interrupted after [\d.]+ s: 0 of 1 input converted, 0 failed, 1 not converted "
                        r"\(1 stopped while converting, 0 not started\); 0 references, 0 not fully parsed, "
                        r"0 warnings", lines[0]), err
    assert lines[1:] == ["refparse: finished outputs are kept"]
    assert not (tmp_path / "out.json").exists() and not list(tmp_path.glob(".*"))
