"""DOI matching on the hard suites (subtitles, short titles, translated titles, books, no journal, non-English).

The benchmark (``benchmarks/doi_matching/evaluate.py``) reports the full
figures; this test holds the targets on one article in three of every suite,
each against its own loopback registry, in a few seconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "doi_matching"))

from evaluate import PRECISION_TARGET, SUITES, Report, load, run


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    out = {}
    for suite in SUITES[1:]:
        records, cases = load(every=3, offset=1, suite=suite)
        out[suite], _ = run(records, cases, rate_limit=1000.0)
    return out


@pytest.mark.parametrize("suite", SUITES[1:])
def test_no_wrong_doi_in_any_suite(reports: dict[str, Report], suite: str) -> None:
    report = reports[suite]
    assert report.held >= 60 and report.statuses["withheld"] >= 3, report.summary()
    assert report.precision >= PRECISION_TARGET, report.wrong


def test_recall_over_the_hard_suites(reports: dict[str, Report]) -> None:
    total = Report()
    for report in reports.values():
        total.add(report)
    # The hard suites alone, without the easier dev set (held to RECALL_TARGET by
    # test_enrich_loopback): 0.923 measured on this third, 0.931 on the whole suites
    # (before the relaxations of issue 16: 0.81). Together with dev the target is met.
    assert total.recall >= 0.90, total.missed
