"""Precision and recall of DOI matching against the loopback Crossref (the full set, or a subset).

Runs :func:`refparse.enrich.enrich` over the citations of each suite
(``cases.jsonl.gz`` for the dev set, ``cases-<suite>.jsonl.gz`` for the hard
suites of ``hard_cases.py``) against a :class:`CrossrefStub` holding that
suite's records (``records…jsonl.gz``; see ``build_set.py``), and reports,
per suite and over all of them:

* precision = correct DOIs / DOIs added;
* recall = correct DOIs / citations whose record the server holds;
* the errors, one line each, for review.

Usage::

    python benchmarks/doi_matching/evaluate.py               # every suite
    python benchmarks/doi_matching/evaluate.py --suite dev   # the dev set alone (the first figures)
    python benchmarks/doi_matching/evaluate.py --every 6     # one case (article) in six
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "tests"))

from build_set import read_jsonl
from crossref_server import CrossrefStub

from refparse import Citation
from refparse.enrich import EnrichOptions, enrich

PRECISION_TARGET = 0.995
RECALL_TARGET = 0.95


@dataclass
class Report:
    """What one evaluation run measured."""

    citations: int = 0
    held: int = 0
    added: int = 0
    correct: int = 0
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        """Correct DOIs among the DOIs added (1.0 when none were added)."""
        return self.correct / self.added if self.added else 1.0

    @property
    def recall(self) -> float:
        """Correct DOIs among the citations whose record the server holds."""
        return self.correct / self.held if self.held else 1.0

    def add(self, other: Report) -> None:
        """Add another suite's counts to these."""
        for name in ("citations", "held", "added", "correct", "requests"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.seconds += other.seconds
        self.wrong += other.wrong
        self.missed += other.missed
        self.statuses.update(other.statuses)

    def summary(self) -> str:
        """One line with the figures."""
        return (
            f"citations={self.citations} held={self.held} added={self.added} correct={self.correct} "
            f"precision={self.precision:.4f} recall={self.recall:.4f} requests={self.requests} "
            f"seconds={self.seconds:.1f}"
        )


SUITES = ("dev", "subtitle", "short-title", "translated", "book", "no-journal", "non-english")


def load(
    every: int = 1, offset: int = 0, data: Path = HERE, suite: str = "dev"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A suite's records and the cases of every ``every``-th article (starting at ``offset``)."""
    tail = "" if suite == "dev" else f"-{suite}"
    records = list(read_jsonl(data / f"records{tail}.jsonl.gz"))
    cases = list(read_jsonl(data / f"cases{tail}.jsonl.gz"))
    names = sorted({c["case"] for c in cases})
    keep = set(names[offset::every])
    return records, [c for c in cases if c["case"] in keep]


def score(cases: Iterable[dict[str, Any]], citations: Iterable[Citation]) -> Report:
    """Compare enriched citations with the expected DOIs."""
    report = Report()
    for case, cit in zip(cases, citations, strict=True):
        report.statuses[case["status"]] += 1
        if case["status"] == "excluded":  # the gold gives its DOI to two different works
            continue
        report.citations += 1
        expected = (case["expected"] or "").lower() or None
        got = (cit.doi or "").lower() or None
        label = f"{case['case']} #{case['number']} [{case['status']}; {','.join(case['distractors'])}]"
        report.held += expected is not None
        if got:
            report.added += 1
            if got == expected:
                report.correct += 1
            else:
                ev = cit.match.evidence if cit.match else {}
                report.wrong.append(f"{label} got {got} ({ev.get('rule')}, {ev.get('type')}) expected {expected}")
        elif expected:
            report.missed.append(f"{label} {expected}: {(cit.title or '')[:70]!r}")
    return report


def run(records: list[dict[str, Any]], cases: list[dict[str, Any]], **options: Any) -> tuple[Report, list[Citation]]:
    """Serve ``records`` on loopback, enrich the cases' citations, and score them."""
    citations = [Citation.model_validate(c["citation"]) for c in cases]
    with CrossrefStub(records) as stub, tempfile.TemporaryDirectory() as tmp:
        opts = EnrichOptions(base_url=stub.url, mailto="test@example.org", cache_path=Path(tmp) / "c.sqlite", **options)
        t0 = time.perf_counter()
        out = enrich(citations, opts)
        seconds = time.perf_counter() - t0
        requests = stub.count
    report = score(cases, out)
    report.requests, report.seconds = requests, seconds
    return report, out


def main() -> int:
    """Report the figures per suite and overall; exit 1 when a target is missed."""
    ap = argparse.ArgumentParser(description="DOI matching precision/recall on the loopback set")
    ap.add_argument("--suite", action="append", choices=SUITES, help="suites to run (repeatable; default: all)")
    ap.add_argument("--every", type=int, default=1, help="use one article in EVERY (default: all)")
    ap.add_argument("--offset", type=int, default=0)
    ap.add_argument("--data", type=Path, default=HERE, help="folder with records/cases (default: this script's)")
    ap.add_argument("--rows", type=int, default=5)
    ap.add_argument("--show", type=int, default=40, help="errors to list per suite")
    args = ap.parse_args()
    total = Report()
    for suite in args.suite or SUITES:
        records, cases = load(args.every, args.offset, args.data, suite)
        report, _ = run(records, cases, rows=args.rows)
        print(f"[{suite}] {report.summary()}")
        print(f"[{suite}] records held by the server: {len(records)}; cases by status: {dict(report.statuses)}")
        for line in report.wrong[: args.show]:
            print(f"[{suite}] WRONG ", line)
        for line in report.missed[: args.show]:
            print(f"[{suite}] MISSED", line)
        total.add(report)
    print(f"[all] {total.summary()}")
    ok = total.precision >= PRECISION_TARGET and total.recall >= RECALL_TARGET
    print(f"targets precision>={PRECISION_TARGET} recall>={RECALL_TARGET}: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
