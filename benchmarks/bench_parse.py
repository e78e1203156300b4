"""Parse throughput beside the floor: text → validated citations → CSL-JSON.

The floor is what Python needs merely to split the same text into reference
blocks with one regular expression. Both are timed in the same process, in
alternation, and the medians of ``--repeat`` runs are reported, because
machines are noisy.

    python benchmarks/bench_parse.py                    # the seed repeated to >= 10,000 references
    python benchmarks/bench_parse.py --dev ../shared/gold/dev
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

from refparse import parse, to_csl_json

ROOT = Path(__file__).resolve().parent.parent
LABEL = re.compile(r"^\d+\.$", re.M)


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


def full(text: str) -> int:
    result = parse(text)
    to_csl_json(result.citations)
    return len(result.citations)


def timed(fn, text: str) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn(text)
    return time.perf_counter() - t


def measure(name: str, texts: list[str], refs: int, repeat: int) -> None:
    for t in texts:  # warm-up: grammar tables, caches
        full(t)
    floor_times, parse_times = [], []
    for _ in range(repeat):
        floor_times.append(sum(timed(floor, t) for t in texts))
        parse_times.append(sum(timed(full, t) for t in texts))
    f, p = statistics.median(floor_times), statistics.median(parse_times)
    print(f"{name}: {refs} references, median of {repeat} runs")
    print(f"  floor (regex split):          {refs / f:12,.0f} refs/s  ({f * 1000:.1f} ms)")
    print(f"  refparse (parse + CSL-JSON):  {refs / p:12,.0f} refs/s  ({p * 1000:.1f} ms)")
    print(f"  ratio floor/refparse:         {p / f:12,.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--refs", type=int, default=10_000, help="references in the repeated seed")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dev", type=Path, help="also measure every *.txt in this folder (the dev gold)")
    args = ap.parse_args()
    text, n = seed_text(args.refs)
    measure("seed repeated", [text], n, args.repeat)
    if args.dev:
        texts = [p.read_text(encoding="utf-8") for p in sorted(args.dev.glob("*.txt"))]
        refs = sum(floor(t) for t in texts)
        measure(f"{args.dev} ({len(texts)} files)", texts, refs, args.repeat)


if __name__ == "__main__":
    main()
