"""Parse throughput beside the floor: text → validated citations → CSL-JSON.

The floor is what Python needs merely to split the same text into reference
blocks with one regular expression. Both are timed in the same process, in
alternation, and the medians of ``--repeat`` runs are reported, because
machines are noisy. Every refparse run starts with empty line caches; two
figures are given: with the plans for the texts' reference shapes already
made (any file after the first of a corpus from one publisher, or a later
process with the plan store), and with every shape new (the LALR parser runs
for each distinct shape).

    python benchmarks/bench_parse.py                    # the seed repeated to >= 10,000 references
    python benchmarks/bench_parse.py --dev ../shared/gold/dev
    python benchmarks/bench_parse.py --flat ../shared/gold/dev-flat   # flat lists: one reference a line

For flat lists the floor splits the text into its lines of 40 characters or
more (the references, and a preface paragraph) with one regular expression.
"""


from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# The plan store on disk stays out of this measurement: "shapes known" means
# known to this process (as in any file after the first of a corpus).
os.environ["REFPARSE_NO_PLAN_CACHE"] = "1"

from refparse import parse, plans, to_csl_json

ROOT = Path(__file__).resolve().parent.parent
LABEL = re.compile(r"^\d+\.$", re.M)
#: Warms imports and tables without warming anything the timed texts need.
WARM_UP = "1.\nOkafor\nN\n.\nA warm-up title\n.\nWarm J\n.\n2001\n;\n1\n:\n2\n.\n"


def seed_text(target: int) -> tuple[str, int]:
    """The seed's references repeated (renumbered) until there are >= target."""
    lines = (ROOT / "fixtures" / "seed000.txt").read_text(encoding="utf-8").splitlines()
    start = lines.index("1.")
    body = lines[start:]
    blocks: list[list[str]] = []
    for line in body:
        if LABEL.fullmatch(line):
            blocks.append([])
        else:
            blocks[-1].append(line)
    blocks[-1] = [x for x in blocks[-1] if x != "You do not currently have access to this content."]
    out = lines[:start]
    n = 0
    while n < target:
        for block in blocks:
            n += 1
            out.append(f"{n}.")
            out.extend(block)
    return "\n".join(out) + "\n", n


def floor(text: str) -> int:
    """Split into reference blocks with one regex (the floor)."""
    return len(LABEL.split(text)) - 1


FLAT_LINE = re.compile(r"^.{40,}$", re.M)


def flat_floor(text: str) -> int:
    """Split a flat list into its long lines with one regex (the flat floor)."""
    return len(FLAT_LINE.findall(text))


def full(text: str) -> int:
    result = parse(text)
    to_csl_json(result.citations)
    return len(result.citations)


def forget_lines() -> None:
    """Empty refparse's per-text caches (cleaned lines, classified lines, names).

    Each timed run must see the text as if for the first time: a median over
    runs that reuse the previous run's caches would time dictionary lookups.
    The bounded ``functools`` caches are the per-text ones; unbounded ones
    hold data files (word lists) that every process loads once.
    """
    for name, module in list(sys.modules.items()):
        if not name.startswith("refparse"):
            continue
        for value in list(vars(module).values()):
            info = getattr(value, "cache_info", None)
            if info is not None and info().maxsize is not None:
                value.cache_clear()


def forget_plans() -> None:
    """Forget every plan, so each reference shape goes through the LALR parser again."""
    plans._PLANS.clear()


def timed(fn, text: str) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn(text)
    return time.perf_counter() - t


def run(texts: list[str], forget: list[Callable[[], None]]) -> float:
    for f in forget:
        f()
    return sum(timed(full, t) for t in texts)


def measure(name: str, texts: list[str], refs: int, repeat: int, split: Callable[[str], int] = floor) -> None:
    full(WARM_UP)  # imports, grammar tables, data files: a different text
    floor_times: list[float] = []
    seen: list[float] = []
    new: list[float] = []
    for _ in range(repeat):  # alternated, so that load on the machine hits all alike
        floor_times.append(sum(timed(split, t) for t in texts))
        new.append(run(texts, [forget_lines, forget_plans]))
        seen.append(run(texts, [forget_lines]))
    f = statistics.median(floor_times)
    print(f"{name}: {refs} references, median of {repeat} runs")
    print(f"  floor (regex split):                 {refs / f:12,.0f} refs/s  ({f * 1000:.1f} ms)")
    for label, times in (("shapes known (plans stored)", seen), ("shapes new (parser runs)", new)):
        p = statistics.median(times)
        print(f"  refparse, {label + ':':27} {refs / p:9,.0f} refs/s  ({p * 1000:.1f} ms; floor is {p / f:,.0f}x faster)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--refs", type=int, default=10_000, help="references in the repeated seed")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dev", type=Path, help="also measure every *.txt in this folder (the dev gold)")
    ap.add_argument("--flat", type=Path, help="also measure every *.txt in this folder of flat lists (dev-flat)")
    args = ap.parse_args()
    text, n = seed_text(args.refs)
    measure("seed repeated", [text], n, args.repeat)
    if args.dev:
        texts = [p.read_text(encoding="utf-8") for p in sorted(args.dev.glob("*.txt"))]
        refs = sum(floor(t) for t in texts)
        measure(f"{args.dev} ({len(texts)} files)", texts, refs, args.repeat)
    if args.flat:
        texts = [p.read_text(encoding="utf-8") for p in sorted(args.flat.glob("*.txt"))]
        refs = sum(len(parse(t).citations) for t in texts)  # what refparse finds (the gold holds as many)
        measure(f"{args.flat} ({len(texts)} files, flat)", texts, refs, args.repeat, flat_floor)


if __name__ == "__main__":
    main()
