"""Batch edges that cost data or told untruths: symlink loops, killed runs' leftovers, a full disk,
file names that forge lines, and a UTF-8 page with a few cp1252 bytes."""

from __future__ import annotations

import fcntl
import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES
from refparse.batch import BatchOptions, convert_paths
from refparse.cli import main
from refparse.read import decode

SEED = (FIXTURES / "seed000.txt").read_text(encoding="utf-8")


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


def read_report(path: Path) -> list[dict[str, object]]:
    # split on "\n" only, as JSON Lines says: a name may hold U+2028, which str.splitlines also splits on
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


# ------------------------------------------------------------------ symbolic link loops
def test_a_symlink_loop_given_as_a_path_is_one_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.txt").write_text(SEED, encoding="utf-8")
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    os.chdir(tmp_path)
    code, err = run_cli(["convert", "good.txt", "loop.txt", "--out-dir", "out", "--report", "r.jsonl"], capsys)
    assert code == 1
    assert err.splitlines()[0] == "refparse: loop.txt: cannot read: too many levels of symbolic links"
    assert "internal error" not in err
    assert len(json.loads((tmp_path / "out" / "good.json").read_text(encoding="utf-8"))) == 68
    assert [(r["input"], r["status"], r["reason"]) for r in read_report(tmp_path / "r.jsonl")] == [
        ("good.txt", "ok", None), ("loop.txt", "failed", "unreadable")]


def test_a_symlink_loop_inside_a_folder_and_as_the_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(SEED, encoding="utf-8")
    (pages / "b.txt").symlink_to("b.txt")
    code, err = run_cli(["convert", str(pages), "--out-dir", str(tmp_path / "out")], capsys)
    assert code == 1 and f"refparse: {pages}/b.txt: cannot read: too many levels of symbolic links" in err
    assert (tmp_path / "out" / "a.json").exists()
    (tmp_path / "o1.json").symlink_to("o2.json")
    (tmp_path / "o2.json").symlink_to("o1.json")
    code, err = run_cli(["convert", str(pages / "a.txt"), "-o", str(tmp_path / "o1.json")], capsys)
    assert code == 1 and "too many levels of symbolic links" in err.lower() and "internal error" not in err


# ------------------------------------------------------------------ what kill -9 leaves
def test_resume_removes_only_the_temporary_files_of_killed_runs(tmp_path: Path) -> None:
    pages, out = tmp_path / "in", tmp_path / "out"
    (pages / "sub").mkdir(parents=True)
    (pages / "p.txt").write_text(SEED, encoding="utf-8")
    (pages / "sub" / "q.txt").write_text(SEED, encoding="utf-8")
    convert_paths([pages], BatchOptions(out_dir=out, jobs=1))
    stale = [out / ".p.json.0123abcd.refparse-tmp", out / "sub" / ".q.json.89abcdef.refparse-tmp"]
    live = out / ".p.json.feedf00d.refparse-tmp"  # a run writing at this moment holds its lock
    others = [out / "notes.refparse-tmp.txt", out / ".p.json.notours.refparse-tmp", out / "p.refparse-tmp"]
    for p in (*stale, live, *others):
        p.write_text("half an output", encoding="utf-8")
    with live.open("r") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        summary = convert_paths([pages], BatchOptions(out_dir=out, jobs=1, resume=True))
    assert summary.skipped == 2
    assert not any(p.exists() for p in stale)
    assert live.exists() and all(p.exists() for p in others)


def test_a_combined_output_clears_its_own_leftovers(tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text(SEED, encoding="utf-8")
    left = tmp_path / ".all.json.0badc0de.refparse-tmp"
    other = tmp_path / ".other.json.0badc0de.refparse-tmp"  # another output's: not this run's business
    left.write_text("x", encoding="utf-8")
    other.write_text("x", encoding="utf-8")
    convert_paths([page], BatchOptions(output=tmp_path / "all.json"))
    assert not left.exists() and other.exists()


def test_sigkill_leftovers_are_gone_after_resume(tmp_path: Path) -> None:
    pages = tmp_path / "in"
    pages.mkdir()
    for i in range(3):
        (pages / f"p{i:02d}.txt").write_text(SEED, encoding="utf-8")
    (pages / "zz.txt").write_text("\n".join([SEED] * 60), encoding="utf-8")  # still being written when killed
    proc = subprocess.Popen([sys.executable, "-m", "refparse.cli", "convert", "in", "--out-dir", "out", "-j", "1"],
                            cwd=tmp_path, stderr=subprocess.DEVNULL, start_new_session=True)
    out = tmp_path / "out"
    while proc.poll() is None and not list(out.glob(".zz.json.*.refparse-tmp")):
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert list(out.glob(".zz.json.*.refparse-tmp"))  # what the issue saw: a temporary file left behind
    run = subprocess.run([sys.executable, "-m", "refparse.cli", "convert", "in", "--out-dir", "out", "--resume", "-j",
                          "1"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert not [p.name for p in out.iterdir() if p.name.endswith(".refparse-tmp")]
    assert len(json.loads((out / "zz.json").read_text(encoding="utf-8"))) == 68 * 60


# ------------------------------------------------------------------ a full disk
def _small_disk(limit: int) -> Callable[[], None]:
    """In the child: files may not grow past ``limit`` bytes; writing more fails (EFBIG) as on a full disk."""

    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error from write(), not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_files


# Where the limit falls within the 8 KB write buffer decides how the failure shows: these two
# made the second flush (removing the half-written file) fail too, which used to say "unreadable".
@pytest.mark.parametrize("limit", [pytest.param(20_000, id="20kB"), pytest.param(30_000, id="30kB")])
def test_a_full_disk_is_the_outputs_failure_not_the_inputs(tmp_path: Path, limit: int) -> None:
    pages = tmp_path / "in"
    pages.mkdir()
    (pages / "small.txt").write_text(SEED.split("\n10.\n")[0], encoding="utf-8")  # its output fits
    (pages / "big.txt").write_text(SEED, encoding="utf-8")  # its output does not
    run = subprocess.run(
        [sys.executable, "-m", "refparse.cli", "convert", "in", "--out-dir", "out", "--report", "r.jsonl", "-j", "1"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, preexec_fn=_small_disk(limit),
    )
    assert run.returncode == 1
    records = {r["input"]: r for r in read_report(tmp_path / "r.jsonl")}
    assert (records["in/big.txt"]["status"], records["in/big.txt"]["reason"]) == ("failed", "output")
    assert str(records["in/big.txt"]["error"]).startswith("cannot write out/big.json: ")
    assert records["in/small.txt"]["status"] == "ok"
    assert "unreadable" not in run.stderr and "cannot read" not in run.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["small.json"]  # nothing half-written


# ------------------------------------------------------------------ file names
NAMES = [
    pytest.param("a\nrefparse: 9 inputs: 9 converted.txt", "a\\nrefparse: 9 inputs: 9 converted.txt", id="newline"),
    pytest.param("b\rrefparse: done.txt", "b\\rrefparse: done.txt", id="carriage-return"),
    pytest.param("c\x1b[2K\x1b[31mred.txt", "c\\x1b[2K\\x1b[31mred.txt", id="escape-sequences"),
    pytest.param("d\u202etxt.exe.txt", "d\\u202etxt.exe.txt", id="bidi-override"),
    pytest.param("e\u2028f.txt", "e\\u2028f.txt", id="line-separator"),
    pytest.param(os.fsdecode(b"g\xff.txt"), "g\\udcff.txt", id="not-utf8"),
]


@pytest.mark.parametrize(("name", "shown"), NAMES)
def test_a_file_name_cannot_forge_a_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, shown: str
) -> None:
    pages = tmp_path / "in"
    pages.mkdir()
    (pages / name).write_bytes(b"")  # an empty file: one line on stderr naming it
    (pages / "ok.txt").write_text(SEED, encoding="utf-8")
    code, err = run_cli(["convert", str(pages), "--out-dir", str(tmp_path / "out"), "--report",
                         str(tmp_path / "r.jsonl")], capsys)
    assert code == 1
    assert err.splitlines()[0] == f"refparse: {pages}/{shown}: empty file"
    assert len(err.splitlines()) == 2  # that line and the summary: no line forged
    assert {r["input"] for r in read_report(tmp_path / "r.jsonl")} == {f"{pages}/{name}", f"{pages}/ok.txt"}


def test_an_option_error_naming_a_file_is_escaped_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "x\nrefparse: fine.txt"
    page.write_text(SEED, encoding="utf-8")
    code, err = run_cli(["convert", str(page), "-o", str(page)], capsys)
    assert code == 2 and err.count("\n") == 1 and "x\\nrefparse: fine.txt" in err


# ------------------------------------------------------------------ a UTF-8 page with a few cp1252 bytes
MIXED = "Müller café naïve — ".encode() + b"\x93quoted\x94 Ren\xe9"


def test_decode_keeps_the_valid_utf8_and_decodes_only_the_bad_bytes() -> None:
    assert decode(MIXED) == ("Müller café naïve — “quoted” René", "cp1252")
    assert decode("Müller".encode("cp1252")) == ("Müller", "cp1252")  # a whole cp1252 file reads as before


def test_the_batch_keeps_the_valid_utf8_of_a_mostly_utf8_page(tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    title = "Blinatumomab in standard-risk B-cell acute lymphoblastic leukemia in children"
    text = SEED.replace("Gupta\n", "Müller\n", 1).replace(title, "Blinatumomab “PLACEHOLDER” in Noël")
    page.write_bytes(text.encode().replace("“PLACEHOLDER”".encode(), b"\x93standard\x94"))
    out = tmp_path / "o.jsonl"
    report = tmp_path / "r.jsonl"
    summary = convert_paths([page], BatchOptions(to="jsonl", output=out, report=report))
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["authors"][0]["family"] == "Müller"  # UTF-8, not "MÃ¼ller"
    assert first["title"] == "Blinatumomab “standard” in Noël"  # the cp1252 quotes, and the UTF-8 ë
    [line] = read_report(report)
    assert line["status"] == "warning" and line["encoding"] == "cp1252"
    assert any(w["code"] == "encoding" and "the rest as UTF-8" in w["message"] for w in line["warnings"])
    assert summary.exit_code == 0
