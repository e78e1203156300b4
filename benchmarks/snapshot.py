"""Write every output format of every input in some folders, to diff two trees.

Why: a change meant to leave outputs alone (a refactor, a speed-up) must be
shown byte-identical on the corpora, in every format. Run it before and after
and compare the two folders::

    python benchmarks/snapshot.py /tmp/before ../shared/gold/dev ../shared/gold/styles-dev fixtures
    ... change ...
    python benchmarks/snapshot.py /tmp/after ../shared/gold/dev ../shared/gold/styles-dev fixtures
    diff -r /tmp/before /tmp/after && echo identical

Each input is parsed in-process with its detected format (``--from`` forces one)
and written as csljson, bibtex, ris and jsonl, plus the document-level
warnings, under OUT/<folder name>/<file stem>.<format>.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from refparse.detect import parse_any
from refparse.errors import RefparseError
from refparse.export import export

FORMATS = ("csljson", "bibtex", "ris", "jsonl")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--from", dest="fmt", default=None)
    args = ap.parse_args()
    count = 0
    for folder in args.folders:
        target = args.out / folder.resolve().name
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            try:
                result = parse_any(text, args.fmt, str(path))
            except RefparseError as e:
                (target / f"{path.stem}.error").write_text(str(e) + "\n", encoding="utf-8")
                continue
            for fmt in FORMATS:
                (target / f"{path.stem}.{fmt}").write_text(export(result.citations, fmt), encoding="utf-8")
            doc = [result.format, result.preface or "", *result.noise, *(w.model_dump_json() for w in result.warnings)]
            (target / f"{path.stem}.document").write_text("\n".join(doc) + "\n", encoding="utf-8")
            count += 1
    print(f"{count} inputs written under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
