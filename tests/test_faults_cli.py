"""The command line when Crossref fails or the run is interrupted: said early, counted, written, 130.

Real child processes (``python -m refparse.cli``) against the loopback fault
server, with real signals: SIGTERM as a service manager sends it, SIGINT to
the process group as a terminal's Ctrl-C does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fault_server import SEED, FaultServer, dead_url

#: A run that takes longer than this has hung (the real times are in benchmarks/faults/).
HANG_GUARD = 60


def command(url: str, tmp_path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "refparse.cli", "convert", str(SEED), "--to", "jsonl", "--enrich",
            "--cache", str(tmp_path / "c.sqlite"), "--crossref-url", url, "--report", str(tmp_path / "r.jsonl"),
            *extra]


def convert(url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(url, tmp_path, *extra), capture_output=True, text=True, timeout=HANG_GUARD)


def report(tmp_path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]


def references(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_an_unreachable_registry_is_said_once_early_counted_and_strict_exits_1(tmp_path: Path) -> None:
    url = dead_url()
    run = convert(url, tmp_path, "-o", str(tmp_path / "out.jsonl"))
    lines = run.stderr.splitlines()
    assert run.returncode == 0, run.stderr  # converted: every reference is written, without DOIs
    assert lines[0].startswith(f"refparse: warning: Crossref ({url}) cannot be reached (connection refused")
    assert sum("cannot be reached" in line for line in lines) == 1
    assert lines[-1].startswith("refparse: 68 references not looked up in Crossref")
    [line] = report(tmp_path)
    assert line["status"] == "warning" and line["not_looked_up"] == 68 and line["references"] == 68
    assert [c["doi"] for c in references(tmp_path / "out.jsonl")] == [None] * 68

    strict = convert(url, tmp_path, "-o", str(tmp_path / "out.jsonl"), "--strict")
    assert strict.returncode == 1


def test_a_long_retry_after_exits_1_with_strict(tmp_path: Path) -> None:
    with FaultServer(mode="retry") as server:
        run = convert(server.url, tmp_path, "-o", str(tmp_path / "out.jsonl"), "--strict")
        assert server.count <= 3  # asked to wait an hour: the requests already sent, and no more
    assert run.returncode == 1
    assert run.stderr.splitlines()[0].startswith("refparse: warning: Crossref asked to wait 3600 s (HTTP 429)")
    assert report(tmp_path)[0]["not_looked_up"] == 68


def test_with_jobs_the_run_has_one_budget(tmp_path: Path) -> None:
    pages = tmp_path / "in"
    pages.mkdir()
    for i in range(3):
        (pages / f"p{i}.txt").write_bytes(SEED.read_bytes())
    with FaultServer(mode="reset") as server:
        run = subprocess.run(
            [sys.executable, "-m", "refparse.cli", "convert", str(pages), "--out-dir", str(tmp_path / "out"), "-j", "2",
             "--enrich", "--cache", str(tmp_path / "c.sqlite"), "--crossref-url", server.url],
            capture_output=True, text=True, timeout=HANG_GUARD,
        )
        # Three resets in a row, for the whole run (a retry may be in flight when the third comes):
        # not three per input, nor per process.
        assert 3 <= server.count <= 5
    assert run.returncode == 0
    assert sum("cannot be reached (connection reset" in line for line in run.stderr.splitlines()) == 1
    assert "204 references not looked up in Crossref" in run.stderr


def test_enrich_timeout_bounds_the_lookups(tmp_path: Path) -> None:
    with FaultServer(mode="hang", after=5) as server:
        started = time.monotonic()
        run = convert(server.url, tmp_path, "-o", str(tmp_path / "out.jsonl"), "--enrich-timeout", "1.5")
        took = time.monotonic() - started
    assert took < HANG_GUARD and run.returncode == 0
    assert "used up the enrichment time limit of 1.5 s" in run.stderr.splitlines()[0]
    out = references(tmp_path / "out.jsonl")
    assert len(out) == 68 and sum(c["doi"] is not None for c in out) == 5


def test_enrich_timeout_needs_enrich(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "refparse.cli", "convert", str(SEED), "--enrich-timeout", "5"],
                         capture_output=True, text=True, timeout=HANG_GUARD)
    assert run.returncode == 2 and "--enrich-timeout" in run.stderr


# ------------------------------------------------------------------ interrupts
FOUND = 20  # the registry answers this many lookups, then hangs


def interrupt(server: FaultServer, tmp_path: Path, how: str, *target: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Start a run, wait until a lookup hangs, send the signal; (the run, seconds from signal to exit)."""
    proc = subprocess.Popen(command(server.url, tmp_path, *target), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + HANG_GUARD
    while server.count <= FOUND + 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    assert proc.poll() is None, proc.communicate()
    time.sleep(0.3)  # the hanging requests are in flight
    sent = time.monotonic()
    if how == "SIGINT":
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground process group
    else:
        proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=HANG_GUARD)
    took = time.monotonic() - sent
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), took


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_an_interrupt_during_lookups_writes_what_was_parsed_and_found(tmp_path: Path, how: str) -> None:
    out = tmp_path / "out.jsonl"
    with FaultServer(mode="hang", after=FOUND) as server:
        run, took = interrupt(server, tmp_path, how, "-o", str(out))
    assert run.returncode == 130, run.stderr
    assert took < 10  # within about two seconds in fact, hanging requests abandoned (benchmarks/faults/)
    assert "Traceback" not in run.stderr
    written = references(out)
    assert len(written) == 68  # every reference parsed is written
    found = [c for c in written if c["doi"] is not None]
    assert len(found) == FOUND and all(c["doi"] == f"10.5555/seed.{c['number']}" for c in found)
    [line] = report(tmp_path)
    assert line["status"] == "warning" and line["not_looked_up"] == 68 - FOUND
    assert "interrupted during the Crossref lookups" in run.stderr
    assert f"{68 - FOUND} references not looked up in Crossref" in run.stderr
    assert [p.name for p in tmp_path.iterdir() if "refparse" in p.name] == []  # no temporary file left


def test_resume_finishes_the_lookups_an_interrupt_cut_short(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    output = out_dir / "seed000.jsonl"
    with FaultServer(mode="hang", after=FOUND) as server:
        run, _ = interrupt(server, tmp_path, "SIGTERM", "--out-dir", str(out_dir))
        assert run.returncode == 130 and "--resume" in run.stderr
        assert sum(c["doi"] is not None for c in references(output)) == FOUND
        server.reset()
        server.mode = "good"  # the registry is back
        again = convert(server.url, tmp_path, "--out-dir", str(out_dir), "--resume")
        asked = server.count
    assert again.returncode == 0, again.stderr
    assert report(tmp_path)[0]["status"] == "ok"  # converted again, not skipped as up to date
    assert asked == 68 - FOUND  # the answers found before the interrupt came from the cache
    assert all(c["doi"] is not None for c in references(output))
