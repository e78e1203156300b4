"""The long fuzzing run: the hypothesis harnesses for as long as you give them, with a report.

Run from the repository root::

    python tests/fuzz/run.py --minutes 30                  # both harnesses, half the time each
    python tests/fuzz/run.py --minutes 60 --harness pages  # near-valid pages only
    python tests/fuzz/run.py --minutes 5 --seed 42         # reproducible batches

Each harness runs in batches of ``--batch`` examples with fresh randomness
until its share of the time is spent, checking the properties of
:mod:`properties` on every input. A failure is shrunk by hypothesis, printed,
written to ``tests/fuzz/failures/`` and ends the run with exit status 1. The
report gives, per harness: inputs, megabytes, citations, inputs refused with
refparse's own errors (by class), references recovered rather than parsed,
seconds, inputs per second.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import properties
from hypothesis import HealthCheck, given, settings
from strategies import Page, pages, raw_inputs

FAILURES = HERE / "failures"


def _harness(name: str, examples: int, seed: int | None) -> Callable[[], None]:
    """One batch of a harness as a hypothesis test function."""
    config = settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                      derandomize=False, print_blob=True)
    if name == "pages":

        @config
        @given(pages())
        def run_pages(page: Page) -> None:
            properties.check_page(page.text, page.labels)

        fn = run_pages
    else:

        @config
        @given(raw_inputs())
        def run_bytes(data: bytes) -> None:
            properties.check_bytes(data)

        fn = run_bytes
    if seed is not None:
        from hypothesis import seed as with_seed

        fn = with_seed(seed)(fn)
    return fn


def _save(name: str, error: BaseException) -> Path:
    FAILURES.mkdir(exist_ok=True)
    text = "".join(traceback.format_exception(error))
    path = FAILURES / f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:12]}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def run(name: str, seconds: float, batch: int, seed: int | None) -> tuple[properties.Tally, float, bool]:
    """Run one harness for ``seconds``; (what it saw, seconds spent, whether it failed)."""
    properties.TALLY = tally = properties.Tally()
    started = time.perf_counter()
    n = 0
    while time.perf_counter() - started < seconds:
        try:
            _harness(name, batch, None if seed is None else seed + n)()
        except Exception as e:  # a property broke (hypothesis has shrunk the input already)
            print(f"\n{name}: FAILED after {tally.inputs:,} inputs; saved {_save(name, e)}", file=sys.stderr)
            traceback.print_exception(e, file=sys.stderr)
            return tally, time.perf_counter() - started, True
        n += 1
        elapsed = time.perf_counter() - started
        print(f"\r{name}: {tally.inputs:,} inputs, {elapsed:,.0f} s", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return tally, time.perf_counter() - started, False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0, help="total time (default 10), shared by the harnesses")
    ap.add_argument("--harness", choices=["pages", "bytes", "all"], default="all")
    ap.add_argument("--batch", type=int, default=200, help="examples per hypothesis batch (default 200)")
    ap.add_argument("--seed", type=int, help="seed of the first batch (each next batch adds 1)")
    args = ap.parse_args(argv)
    names = ["pages", "bytes"] if args.harness == "all" else [args.harness]
    share = args.minutes * 60 / len(names)
    failed = False
    rows = []
    for name in names:
        tally, seconds, broke = run(name, share, args.batch, args.seed)
        failed |= broke
        rows.append((name, tally, seconds))
    print("\n| harness | inputs | MB | citations | refused (refparse errors) | recovered | s | inputs/s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, t, seconds in rows:
        refused = ", ".join(f"{k} {v:,}" for k, v in sorted(t.errors.items())) or "0"
        print(f"| {name} | {t.inputs:,} | {t.bytes / 1e6:.1f} | {t.citations:,} | {refused} | {t.recovered:,} |"
              f" {seconds:,.0f} | {t.inputs / max(seconds, 1e-9):.1f} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
