#!/usr/bin/env python3
"""Score refparse on a style-corpus folder: one row per style, one column per field.

    python benchmarks/corpus/score.py benchmarks/corpus/styles        # line-broken
    python benchmarks/corpus/score.py benchmarks/corpus/styles-flat   # flat
    python benchmarks/corpus/score.py benchmarks/corpus/styles --style abnt mla

Each case is parsed in-process with refparse.parse_any (format detected) and scored with
the rules of tests/scoring.py (those of shared/tools/eval_refs.py): per-field F1, micro F1
over the fields, and the share of references with every field right ("exact"). A format
not detected counts as every reference lost. Columns: refs, found, micro F1, exact, then
the F1 of each field ("-" when neither gold nor output has the field).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
from scoring import FIELDS, Tally
from style_corpus import load_cases, pairs

SHORT = {"authors": "auth", "et_al": "etal", "title": "title", "container_title": "cont", "year": "year",
         "volume": "vol", "issue": "iss", "first_page": "fpage", "last_page": "lpage", "doi": "doi"}


def row(name: str, t: Tally) -> str:
    cells = []
    for f in FIELDS:
        n = t.tp[f] + t.fp[f] + t.fn[f]
        cells.append(f"{t.f1(f):6.3f}" if n else f"{'-':>6}")
    return f"{name:18} {t.refs:5} {t.found:5} {t.f1():7.4f} {t.exact_share():6.3f} " + " ".join(cells)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--style", nargs="*", help="only these styles")
    ap.add_argument("--show", type=int, default=0, help="print N wrong fields as examples")
    args = ap.parse_args()
    by_style = load_cases(args.folder)
    if not by_style:
        print(f"no cases in {args.folder}", file=sys.stderr)
        return 1
    print(f"{'style':18} {'refs':>5} {'found':>5} {'microF1':>7} {'exact':>6} "
          + " ".join(f"{SHORT[f]:>6}" for f in FIELDS))
    total = Tally()
    examples: list[str] = []
    t0 = time.perf_counter()
    for style in sorted(by_style):
        if args.style and style not in args.style:
            continue
        t = Tally()
        for case in by_style[style]:
            for ref, c in pairs(case):
                t.add(ref, c)
                total.add(ref, c)
                if len(examples) < args.show:
                    examples += wrong(case.name, ref, c)
        print(row(style, t))
    print(row("ALL", total))
    for e in examples[: args.show]:
        print("wrong:", e)
    print(f"seconds={time.perf_counter() - t0:.1f}")
    return 0


def wrong(name: str, ref: dict, c) -> list[str]:
    from scoring import citation_fields, gold_fields, same

    g = gold_fields(ref)
    p = citation_fields(c) if c else dict.fromkeys(FIELDS)
    return [f"{name} #{ref['number']} {f}: gold={g[f]!r} got={p[f]!r}" for f in FIELDS
            if not (g[f] in (None, False) and p[f] in (None, False)) and not (g[f] == p[f] or
                                                                               (g[f] and p[f] and same(f, g[f], p[f])))]


if __name__ == "__main__":
    sys.exit(main())
