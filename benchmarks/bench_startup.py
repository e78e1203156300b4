"""Start-up: wall time of ``refparse convert`` on a one-reference file, and where import time goes.

    python benchmarks/bench_startup.py                      # 21 runs, this environment's refparse
    python benchmarks/bench_startup.py --runs 11 --before /tmp/base_venv/bin/refparse

Each run is a new process, as a user types it: ``refparse convert ONE.txt --to csljson``
with output to /dev/null, from an installed (non-editable) package whose bytecode was compiled
at install. Two states of the cache folder (``REFPARSE_CACHE_DIR``, private to the user as the
user cache folder is):

* **warm** — after one run: the plan store knows the reference's shape, Lark is never loaded;
* **cold** — an empty folder for every run: the shape is parsed, so Lark is imported and the
  LALR tables loaded (shipped analysed with the package: ``grammars/reference.lalr.pickle``;
  analysed here only when that file does not match the grammar), and the plan store written.

``--before`` names another installation's ``refparse`` (the base commit's), timed in the same
loop, interleaved with this one and with ``python -c pass`` (the interpreter's own share).
Then ``python -X importtime`` of one warm conversion, per installation: the import time summed
by top-level package (self times, so nothing is counted twice), and the slowest modules.

Standard library only.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ONE = ("1.\nGupta\nS\n,\nRau\nRE\n, et al\n.\nBlinatumomab in standard-risk leukemia\n.\nN Engl J Med\n.\n"
       "2025\n;\n392\n(\n9\n):\n875\n-\n891\n.\n")

_PROBE = "import sys; from refparse.cli import main; sys.exit(main(sys.argv[1:]))"


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def import_times(python: str, args: list[str], env: dict[str, str]) -> list[tuple[str, int, int]]:
    """``(module, self µs, cumulative µs)`` of every import of one conversion, in import order."""
    run = subprocess.run([python, "-X", "importtime", "-c", _PROBE, *args],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, check=True)
    rows = []
    for line in run.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s+(.*)", line)
        if m:
            rows.append((m.group(3).strip(), int(m.group(1)), int(m.group(2))))
    return rows


def by_package(rows: list[tuple[str, int, int]]) -> dict[str, float]:
    """Self import time (ms) summed by top-level package; the standard library as one."""
    stdlib = sys.stdlib_module_names
    out: dict[str, float] = {}
    for name, own, _ in rows:
        top = name.split(".")[0]
        key = "(standard library)" if top in stdlib or top.startswith("_") else top
        out[key] = out.get(key, 0.0) + own / 1000
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--top", type=int, default=12, help="slowest modules listed")
    ap.add_argument("--before", type=Path, help="another installation's refparse executable, timed beside")
    args = ap.parse_args()
    installs = {"after": Path(sys.executable).with_name("refparse")}
    if args.before:
        installs = {"before": args.before, **installs}
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        one = Path(tmp, "one.txt")
        one.write_text(ONE, encoding="utf-8")
        cmd = ["convert", str(one), "--to", "csljson"]
        warm = {}
        for label, exe in installs.items():
            warm[label] = tempfile.mkdtemp(prefix=f"warm-{label}-", dir=tmp)  # 0700: private
            timed([str(exe), *cmd], {**env, "REFPARSE_CACHE_DIR": warm[label]})  # fills it
        times: dict[str, list[float]] = {"python -c pass": []}
        for _ in range(args.runs):
            times["python -c pass"].append(timed([sys.executable, "-c", "pass"], env))
            for label, exe in installs.items():
                times.setdefault(f"{label}, warm", []).append(
                    timed([str(exe), *cmd], {**env, "REFPARSE_CACHE_DIR": warm[label]}))
                cold = tempfile.mkdtemp(prefix=f"cold-{label}-", dir=tmp)
                times.setdefault(f"{label}, cold", []).append(
                    timed([str(exe), *cmd], {**env, "REFPARSE_CACHE_DIR": cold}))
        print(f"refparse convert, one reference ({args.runs} runs each, interleaved):")
        for label, ts in times.items():
            print(f"  {label:16} median {statistics.median(ts) * 1000:5.0f} ms "
                  f"(min {min(ts) * 1000:.0f}, max {max(ts) * 1000:.0f})")
        for label, exe in installs.items():
            python = str(exe.with_name("python"))
            rows = import_times(python, cmd, {**env, "REFPARSE_CACHE_DIR": warm[label],
                                               "PYDANTIC_DISABLE_PLUGINS": "__all__"})
            total = sum(own for _, own, _ in rows) / 1000
            print(f"\n{label}: python -X importtime of a warm conversion, {total:.0f} ms of imports by package:")
            for package, ms in list(by_package(rows).items())[:10]:
                print(f"  {ms:7.1f}  {package}")
            print(f"{label}: slowest refparse modules and their heavy dependencies (cumulative ms):")
            heavy = ("refparse", "pydantic", "requests", "rapidfuzz", "lark", "urllib3")
            cumulative = sorted(((cum, name) for name, _, cum in rows if name.split(".")[0] in heavy), reverse=True)
            for cum, name in cumulative[:args.top]:
                print(f"  {cum / 1000:7.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
