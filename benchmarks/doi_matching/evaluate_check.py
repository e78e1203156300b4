"""How often ``refparse.check`` identifies the right work, on the same suites as ``evaluate.py``.

For each case: a held work is ``right`` when the check compares the reference
with the expected record (``verified`` or ``mismatch``), ``WRONG`` when it
compares it with another record, ``missed`` otherwise; a withheld or DOI-less
reference must come out ``not-found`` or ``unknown`` — any record compared with
is ``WRONG``. Notices and suggestions are not asked for (they do not change
which record is compared with).

Usage::

    python benchmarks/doi_matching/evaluate_check.py                 # every suite
    python benchmarks/doi_matching/evaluate_check.py --data DIR      # e.g. an adversarial set (build_set.py --withhold 1)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "tests"))

from crossref_server import CrossrefStub
from evaluate import SUITES, load

from refparse import Citation
from refparse.checks import CheckOptions, check
from refparse.enrich import EnrichOptions


def main() -> int:
    """Print the counts per suite and overall; exit 1 when any record was wrongly compared with."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--suite", action="append", choices=SUITES, help="suites to run (default: all)")
    ap.add_argument("--data", type=Path, default=HERE)
    ap.add_argument("--every", type=int, default=1)
    args = ap.parse_args()
    total: Counter[str] = Counter()
    for suite in args.suite or SUITES:
        records, cases = load(args.every, 0, args.data, suite)
        cases = [c for c in cases if c["status"] != "excluded"]
        citations = [Citation.model_validate(c["citation"]) for c in cases]
        with CrossrefStub(records) as stub, tempfile.TemporaryDirectory() as tmp:
            crossref = EnrichOptions(base_url=stub.url, mailto="test@example.org", cache_path=Path(tmp) / "c.sqlite",
                                     rate_limit=1000.0)
            results = check(citations, CheckOptions(crossref, notices=False, suggest=False))
        counts: Counter[str] = Counter()
        for case, r in zip(cases, results, strict=True):
            expected = (case["expected"] or "").lower() or None
            got = r.doi if r.status in ("verified", "mismatch") else None
            if expected:
                key = "right" if got == expected else ("WRONG" if got else "missed")
            else:
                key = "WRONG" if got else "nothing-to-find"
            counts[key] += 1
            if key == "WRONG":
                print(f"[{suite}] WRONG {case['case']} #{case['number']} compared with {got}, expected {expected}")
        print(f"[{suite}] " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
        total.update(counts)
    print("[all] " + " ".join(f"{k}={v}" for k, v in sorted(total.items())))
    return 1 if total["WRONG"] else 0


if __name__ == "__main__":
    sys.exit(main())
