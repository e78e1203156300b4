"""The batch converter end to end: a real folder, real worker processes, real signals.

Inputs are generated from the seed and the dev fixtures (slices of their
reference lists, other line ends, a byte-order mark, no final newline) and
mixed with every kind of bad input the issue names. The expected output of
each good file is its single-file conversion through the library
(``decode`` → ``parse_any`` → ``export``), so the batch must reproduce the
one-shot path exactly, whatever the parser does with a given reference.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURES
from refparse.detect import parse_any
from refparse.export import export
from refparse.read import decode

_LABEL = re.compile(r"^\[?(\d+)[.\]]$")
SEED = (FIXTURES / "seed000.txt").read_text(encoding="utf-8")
DEV = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "dev").glob("*.txt"))]


def cut(page: str, first: int, last: int) -> str:
    """The page's preface (when ``first`` is 1) and references ``first``..``last``."""
    out, number = [], 0
    for line in page.splitlines():
        m = _LABEL.match(line.strip())
        if m and int(m.group(1)) == number + 1:
            number += 1
        if (number == 0 and first == 1) or first <= number <= last:
            out.append(line)
        if number > last:
            break
    return "\n".join(out) + "\n"


def good_inputs(count: int) -> dict[str, bytes]:
    """``count`` distinct valid pages: slices of the seed and dev lists, in several byte forms."""
    pages = [SEED, *DEV]
    files: dict[str, bytes] = {}
    for i in range(count):
        page = pages[i % len(pages)]
        size = 3 + (i * 7) % 17
        first = 1 if i % 5 else 1 + (i % 9)  # every fifth starts mid-list (no "1.")
        text = cut(page, first, first + size - 1)
        if i % 4 == 1:
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        if i % 6 == 2:
            data = b"\xef\xbb\xbf" + data
        if i % 7 == 3:
            data = data.rstrip(b"\r\n")
        folder = f"set{i % 3}/" + ("deep/" if i % 10 == 0 else "")
        files[f"{folder}page{i:03d}.txt"] = data
    files["cards/card001.md"] = (FIXTURES / "card001.txt").read_bytes()
    return files


@dataclass(frozen=True)
class Bad:
    name: str
    reason: str | None  # the report's reason code; None for a converted file with a warning
    status: str


BAD = [
    Bad("bad/empty.txt", "empty", "failed"),
    Bad("bad/binary.txt", "binary", "failed"),
    Bad("bad/latin1.txt", None, "warning"),  # not UTF-8: converted with the fallback, and said so
    Bad("bad/prose.txt", "no-references", "failed"),
    Bad("bad/huge.txt", "too-large", "failed"),
    Bad("bad/locked.txt", "unreadable", "failed"),
]


def write_bad(root: Path) -> list[Bad]:
    (root / "bad").mkdir(parents=True)
    (root / "bad/empty.txt").write_bytes(b"")
    (root / "bad/binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    latin = "Revue de la littérature, par Müller et Noël\n" + cut(SEED, 1, 4)
    (root / "bad/latin1.txt").write_bytes(latin.encode("cp1252"))
    prose = "Thank you for visiting nature.com.\nYou do not have access.\n"
    (root / "bad/prose.txt").write_text(prose, encoding="utf-8")
    block = SEED.encode("utf-8")
    with (root / "bad/huge.txt").open("wb") as f:  # 50 MB of real text
        for _ in range(50 * 1024 * 1024 // len(block) + 1):
            f.write(block)
    locked = root / "bad/locked.txt"
    locked.write_text(SEED, encoding="utf-8")
    locked.chmod(0)
    bad = list(BAD)
    if os.access(locked, os.R_OK):  # root reads anything: no way to make it unreadable here
        locked.unlink()
        bad = [b for b in bad if b.reason != "unreadable"]
    return bad


def expected_output(data: bytes, fmt: str = "csljson") -> tuple[str, bool]:
    """The single-file conversion, and whether every reference parsed with all its text placed."""
    text, _ = decode(data)
    result = parse_any(text)
    unplaced = any(w.code == "unplaced" for c in result.citations for w in c.warnings)
    return export(result.citations, fmt), not result.failures and not unplaced


def refparse(*args: str, cwd: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "refparse.cli", *args], check=False, cwd=cwd, capture_output=True,
                          text=True, timeout=120, **kw)  # type: ignore[call-overload,no-any-return]


def walk_order(folder: Path, label: str) -> list[str]:
    """Input order: a folder's files by name, then its subfolders by name, depth first."""
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    files = [f"{label}/{p.name}" for p in entries if p.is_file()]
    return files + [x for p in entries if p.is_dir() for x in walk_order(p, f"{label}/{p.name}")]


def read_report(path: Path) -> dict[str, dict[str, object]]:
    return {r["input"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_folder_of_200_inputs_with_every_bad_case(tmp_path: Path) -> None:
    root = tmp_path / "in"
    good = good_inputs(205)
    for name, data in good.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    bad = write_bad(root)
    run = refparse("convert", "in", "missing.txt", "--out-dir", "out", "-j", "2", "--report", "report.jsonl",
                   cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr

    report = read_report(tmp_path / "report.jsonl")
    lines = (tmp_path / "report.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(good) + len(bad) + 1 == len(report)
    assert [json.loads(x)["input"] for x in lines] == [*walk_order(root, "in"), "missing.txt"]

    expected_bad = {f"in/{b.name}": b for b in bad} | {"missing.txt": Bad("missing.txt", "missing", "failed")}
    seen_warning_only = set()
    for name, data in good.items():
        entry = report[f"in/{name}"]
        output = tmp_path / "out" / Path(name).with_suffix(".json")
        want, clean = expected_output(data)
        assert entry["status"] == ("ok" if clean else "warning"), name
        if not clean:
            seen_warning_only.add(name)
        assert entry["output"] == str(Path("out") / Path(name).with_suffix(".json"))
        assert output.read_text(encoding="utf-8") == want, name
        assert entry["references"] == len(json.loads(want))
    for label, b in expected_bad.items():
        entry = report[label]
        assert (entry["status"], entry["reason"]) == (b.status, b.reason), label
        assert entry["error"] or b.status == "warning"
        assert f"refparse: {label}: " in run.stderr  # one clear message each
    not_ok = {k for k, r in report.items() if r["status"] != "ok"}
    assert not_ok == set(expected_bad) | {f"in/{n}" for n in seen_warning_only}

    latin = report["in/bad/latin1.txt"]
    assert latin["encoding"] == "cp1252"
    assert any(w["code"] == "encoding" and "cp1252" in w["message"] for w in latin["warnings"])
    want, _ = expected_output((root / "bad/latin1.txt").read_bytes())
    assert (tmp_path / "out/bad/latin1.json").read_text(encoding="utf-8") == want
    assert "MB is over the --max-size limit" in report["in/bad/huge.txt"]["error"]
    assert not (tmp_path / "out/bad/empty.json").exists() and not (tmp_path / "out/bad/binary.json").exists()
    for entry in report.values():  # every warning points at a line
        for w in entry["warnings"]:  # type: ignore[attr-defined]
            assert w["line"] is not None or w["code"] == "encoding"

    summary = run.stderr.strip().splitlines()[-1]
    failed = sum(b.status == "failed" for b in expected_bad.values())
    assert re.search(rf"refparse: {len(report)} inputs: \d+ converted, .*{failed} failed", summary)
    assert "references" in summary and " s" in summary


def _folder(tmp_path: Path, n: int) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    for i in range(n):
        (root / f"p{i:03d}.txt").write_text(SEED, encoding="utf-8")
    return root


def _wait_for_outputs(out: Path, proc: subprocess.Popen[str], count: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if out.is_dir() and sum(1 for p in out.iterdir() if p.suffix == ".json") >= count:
            return
        time.sleep(0.01)
    pytest.fail("the run ended (or hung) before it could be interrupted")


def _start(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    """A run that is still going when the signal comes, however fast conversion gets.

    Its last input (``in/zzz.txt``, sorted last) is the seed 150 times over:
    converting it takes a hundred times longer than noticing three outputs.
    """
    (tmp_path / "in" / "zzz.txt").write_text("\n".join([SEED] * 150), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "refparse.cli", "convert", "in", "--out-dir", "out", "-j", "2", *extra],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def test_sigkill_leaves_complete_outputs_and_resume_finishes(tmp_path: Path) -> None:
    n = 100
    _folder(tmp_path, n)
    want, _ = expected_output(SEED.encode("utf-8"))
    proc = _start(tmp_path)
    _wait_for_outputs(tmp_path / "out", proc, 3)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, like a machine that kills the run
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done = sorted(p.name for p in (tmp_path / "out").glob("*.json"))
    assert 3 <= len(done) <= n and "zzz.json" not in done
    for name in done:  # complete files or none: every output parses and is the whole conversion
        assert (tmp_path / "out" / name).read_text(encoding="utf-8") == want
    leftovers = [p.name for p in (tmp_path / "out").iterdir() if p.suffix != ".json"]
    assert all(x.startswith(".") and x.endswith(".refparse-tmp") for x in leftovers)

    run = refparse("convert", "in", "--out-dir", "out", "-j", "2", "--resume", "--report", "r.jsonl", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    statuses = [r["status"] for r in read_report(tmp_path / "r.jsonl").values()]
    assert statuses.count("skipped") == len(done) and statuses.count("ok") == n + 1 - len(done)
    assert f"{len(done)} skipped" in run.stderr
    for i in range(n):
        assert (tmp_path / f"out/p{i:03d}.json").read_text(encoding="utf-8") == want
    assert len(json.loads((tmp_path / "out/zzz.json").read_text(encoding="utf-8"))) == 68 * 150


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    n = 100
    _folder(tmp_path, n)
    proc = _start(tmp_path, "--report", "r.jsonl")
    _wait_for_outputs(tmp_path / "out", proc, 3)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground process group
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    converted = len(list((tmp_path / "out").glob("*.json")))
    assert re.search(rf"interrupted after [\d.]+ s: {converted} of 101 inputs converted, 0 failed, {101 - converted} "
                     r"not converted \(\d+ stopped while converting, \d+ not started\)", err), err
    assert "--resume" in err
    out = tmp_path / "out"
    assert not [p for p in out.iterdir() if p.suffix != ".json"]  # temporary files removed
    for p in out.glob("*.json"):
        assert len(json.loads(p.read_text(encoding="utf-8"))) == 68
    report = read_report(tmp_path / "r.jsonl")
    assert len(report) == n + 1  # every input has its line, the long one too
    done = {k for k, r in report.items() if r["status"] == "ok"}
    assert {f"in/{p.stem}.txt" for p in out.glob("*.json")} == done
    assert {r["status"] for k, r in report.items() if k not in done} <= {"interrupted", "not-done"}
    assert report["in/zzz.txt"]["status"] in ("interrupted", "not-done")
