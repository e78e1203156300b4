"""What each fault of a Crossref registry costs a real ``refparse convert --enrich``, and what interrupts cost.

Each run is the command line with its default time-outs and limits (``plain``:
the same conversion without ``--enrich``, for the start-up cost), on the
seed fixture (68 references, none with a printed DOI, so 68 lookups), against
the loopback fault server of ``tests/fault_server.py`` in one mode. For each
mode it reports: wall time, requests the server received, DOIs written,
references written, the exit status with ``--strict``, the report's status
and ``not_looked_up``, the cache file's size after, the child's peak memory,
and the first line on stderr.

Then the interrupts: a run whose registry answers 20 lookups and then hangs
receives SIGTERM (or SIGINT, as Ctrl-C sends it to the process group) once a
lookup hangs; reported: seconds from the signal to the exit, exit status,
references and DOIs in the output.

Usage::

    python benchmarks/faults/run.py                       # every mode, then the interrupts
    python benchmarks/faults/run.py --repeat 3            # the run of median time of three, each
    python benchmarks/faults/run.py --modes dead hang     # some modes
    python benchmarks/faults/run.py --src /work/main/src --cap 60   # another tree's code, 60 s at most a run
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from fault_server import MODES, SEED, FaultServer, dead_url  # noqa: E402

FOUND = 20


def _peak_kb(pid: int) -> int:
    """The process's peak resident memory so far (``VmHWM``), 0 once it is gone.

    Why not ``wait4``'s ``ru_maxrss``: on Linux it keeps the high-water mark of
    the process before ``exec`` — this benchmark's own, with its fault server.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _wait(proc: subprocess.Popen[str], cap: float) -> tuple[int | None, int]:
    """Wait for the child at most ``cap`` seconds: (exit status or None if killed at the cap, peak RSS kB)."""
    deadline = time.monotonic() + cap
    peak = 0
    while time.monotonic() < deadline:
        peak = max(peak, _peak_kb(proc.pid))
        if proc.poll() is not None:
            return proc.returncode, peak
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return None, peak


def _spawn(argv: list[str], work: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    with (work / "err.txt").open("w") as err:  # the child holds its own copy of the descriptor
        return subprocess.Popen([sys.executable, "-m", "refparse.cli", "convert", str(SEED), "--to", "jsonl", "-o",
                                 str(work / "out.jsonl"), "--report", str(work / "r.jsonl"), *argv],
                                stdout=subprocess.DEVNULL, stderr=err, text=True, env=env, start_new_session=True)


def _start(url: str, work: Path, env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    return _spawn(["--enrich", "--cache", str(work / "c.sqlite"), "--crossref-url", url, *extra], work, env)


def _plain(work: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """The same conversion without ``--enrich``: what start-up and parsing cost on this machine now."""
    return _spawn(["--strict"], work, env)


def _written(work: Path) -> tuple[int, int]:
    path = work / "out.jsonl"
    if not path.exists():
        return 0, 0
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return len(rows), sum(r.get("doi") is not None for r in rows)


def _report(work: Path) -> tuple[str, Any]:
    path = work / "r.jsonl"
    if not path.exists() or not path.read_text(encoding="utf-8").strip():
        return "-", "-"
    line = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    return line["status"], line.get("not_looked_up", "-")


def _cache_size(work: Path) -> int:
    return sum(p.stat().st_size for p in work.glob("c.sqlite*"))


def fault_mode(mode: str, env: dict[str, str], cap: float) -> dict[str, Any]:
    """One ``convert --enrich --strict`` against the server in ``mode``."""
    with tempfile.TemporaryDirectory() as tmp, FaultServer(mode=mode if mode in MODES else "good") as server:
        work = Path(tmp)
        url = dead_url() if mode == "dead" else server.url
        started = time.monotonic()
        proc = _start(url, work, env, "--strict") if mode != "plain" else _plain(work, env)
        code, rss = _wait(proc, cap)
        took = time.monotonic() - started
        refs, dois = _written(work)
        status, missing = _report(work)
        err = (work / "err.txt").read_text(encoding="utf-8").splitlines()
        return {"mode": mode, "seconds": took, "exit": code if code is not None else f"killed at {cap:g} s",
                "requests": server.count, "references": refs, "dois": dois, "status": status,
                "not_looked_up": missing, "cache_bytes": _cache_size(work), "rss_mb": rss / 1024,
                "stderr": err[0] if err else ""}


def interrupt(how: str, env: dict[str, str], cap: float) -> dict[str, Any]:
    """A run answered 20 times, then hanging; the signal once a lookup hangs."""
    with tempfile.TemporaryDirectory() as tmp, FaultServer(mode="hang", after=FOUND) as server:
        work = Path(tmp)
        proc = _start(server.url, work, env)
        while server.count <= FOUND + 2 and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(0.3)
        sent = time.monotonic()
        if how == "SIGINT":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGTERM)
        code, _ = _wait(proc, cap)
        took = time.monotonic() - sent
        refs, dois = _written(work)
        status, missing = _report(work)
        return {"signal": how, "seconds": took, "exit": code if code is not None else f"killed at {cap:g} s",
                "references": refs, "dois": dois, "status": status, "not_looked_up": missing}


def _median(run: Any, repeat: int) -> dict[str, Any]:
    """The run of median time among ``repeat`` (the other columns are that run's)."""
    runs = sorted((run() for _ in range(max(1, repeat))), key=lambda r: r["seconds"])
    return runs[len(runs) // 2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--modes", nargs="*", default=["plain", "good", *[m for m in MODES if m != "good"], "dead"])
    ap.add_argument("--src", help="run the code of this source folder instead (PYTHONPATH)")
    ap.add_argument("--cap", type=float, default=300.0, help="kill a run after this many seconds")
    ap.add_argument("--no-interrupts", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each; the run of median time is shown")
    args = ap.parse_args()
    env = dict(os.environ, REFPARSE_CACHE_DIR=tempfile.mkdtemp(prefix="refparse-bench-"))
    if args.src:
        env["PYTHONPATH"] = args.src
    print("| mode | time | requests | DOIs | references | exit (--strict) | report | not looked up | cache after "
          "| peak RSS | first stderr line |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for mode in args.modes:
        r = _median(lambda m=mode: fault_mode(m, env, args.cap), args.repeat)
        print(f"| {r['mode']} | {r['seconds']:.1f} s | {r['requests']} | {r['dois']} | {r['references']} | {r['exit']} "
              f"| {r['status']} | {r['not_looked_up']} | {r['cache_bytes'] / 1024:.0f} kB | {r['rss_mb']:.0f} MB "
              f"| {r['stderr'][:110]} |", flush=True)
    if args.no_interrupts:
        return
    print()
    print("| signal | signal → exit | exit | references written | DOIs kept | report | not looked up |")
    print("|---|---|---|---|---|---|---|")
    for how in ("SIGTERM", "SIGINT"):
        r = _median(lambda h=how: interrupt(h, env, args.cap), args.repeat)
        print(f"| {r['signal']} | {r['seconds']:.2f} s | {r['exit']} | {r['references']} | {r['dois']} | {r['status']} "
              f"| {r['not_looked_up']} |", flush=True)


if __name__ == "__main__":
    main()
