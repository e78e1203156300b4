"""Start-up: wall time of ``refparse convert`` on a one-reference file, and where import time goes.

    python benchmarks/bench_startup.py            # 21 runs, median, beside ``python -c pass``
    python benchmarks/bench_startup.py --runs 51

Each run is a new process, as a user types it: ``refparse convert ONE.txt --to csljson``
with output to /dev/null. The first run is discarded (it writes the parser tables and the
plan store to the cache folder when they are missing; every later process reads them). The
same number of ``python -c pass`` runs, interleaved, give the interpreter's own share. Then
``python -X importtime -c "import refparse.cli"`` lists the slowest imports (cumulative).

Standard library only; the cache folder is a temporary one (``REFPARSE_CACHE_DIR``).
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

ONE = "1.\nGupta\nS\n,\nRau\nRE\n, et al\n.\nBlinatumomab in standard-risk leukemia\n.\nN Engl J Med\n.\n2025\n;\n392\n(\n9\n):\n875\n-\n891\n.\n"


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def slowest_imports(env: dict[str, str], top: int) -> list[tuple[int, str]]:
    """``(cumulative microseconds, module)`` of the slowest imports of the command line."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", "import refparse.cli"],
                         capture_output=True, text=True, env=env, check=True)
    rows = []
    for line in run.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s+(.*)", line)
        if m:
            rows.append((int(m.group(1)), m.group(2).rstrip()))
    return sorted(rows, reverse=True)[:top]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--top", type=int, default=12, help="slowest imports listed")
    args = ap.parse_args()
    refparse = Path(sys.executable).with_name("refparse")
    with tempfile.TemporaryDirectory() as tmp:
        # As installed, modules run compiled. This workplace's machines set
        # PYTHONDONTWRITEBYTECODE=1, under which a source checkout never gets its
        # bytecode written and every process compiles refparse again (about 30 ms):
        # the first run below writes it, as an installation would have.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["REFPARSE_CACHE_DIR"] = tmp
        one = Path(tmp, "one.txt")
        one.write_text(ONE, encoding="utf-8")
        cmd = [str(refparse), "convert", str(one), "--to", "csljson"]
        timed(cmd, env)  # fills the cache folder and writes the bytecode
        convert, bare = [], []
        for _ in range(args.runs):
            convert.append(timed(cmd, env))
            bare.append(timed([sys.executable, "-c", "pass"], env))
        print(f"refparse convert, one reference: median {statistics.median(convert) * 1000:.0f} ms "
              f"(min {min(convert) * 1000:.0f}, max {max(convert) * 1000:.0f}; {args.runs} runs)")
        print(f"python -c pass:                  median {statistics.median(bare) * 1000:.0f} ms")
        print("\nslowest imports of refparse.cli (cumulative ms):")
        for us, name in slowest_imports(env, args.top):
            print(f"  {us / 1000:7.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
