"""The style corpus (benchmarks/corpus/): its cases by style, parsed and tallied.

Shared by tests/test_style_corpus.py (the floors) and benchmarks/corpus/score.py (the
per-style, per-field table). A case is NAME.txt + NAME.json; its style is the JSON's
``style`` key. Each text is parsed whole with :func:`refparse.parse_any` (format detected,
as a user's paste is), and citations are paired with gold references by number.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import refparse
from refparse.errors import RefparseError
from refparse.models import Citation
from scoring import Tally

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / "corpus"
LAYOUT_DIRS = {"linebroken": CORPUS / "styles", "flat": CORPUS / "styles-flat"}


@dataclass(frozen=True)
class Case:
    name: str
    style: str
    text: str
    gold: list[dict[str, Any]]


def load_cases(folder: Path) -> dict[str, list[Case]]:
    """Every case in ``folder``, grouped by style (sorted by name)."""
    by_style: dict[str, list[Case]] = defaultdict(list)
    for js in sorted(folder.glob("*.json")):
        txt = js.with_suffix(".txt")
        if not txt.exists():
            continue
        doc = json.loads(js.read_text(encoding="utf-8"))
        style = doc.get("style") or js.stem.rsplit("_", 1)[0]
        by_style[style].append(Case(js.stem, style, txt.read_text(encoding="utf-8"), doc["references"]))
    return dict(by_style)


def pairs(case: Case) -> list[tuple[dict[str, Any], Citation | None]]:
    """Gold references with the citation of the same number (None when missing or when the
    input is not read at all: a format not detected counts as every reference lost)."""
    try:
        citations = refparse.parse_any(case.text).citations
    except RefparseError:
        citations = ()
    by_number: dict[int, Citation] = {}
    for c in citations:
        by_number.setdefault(c.number, c)
    return [(ref, by_number.get(ref["number"])) for ref in case.gold]


def tally(cases: list[Case]) -> Tally:
    t = Tally()
    for case in cases:
        for ref, c in pairs(case):
            t.add(ref, c)
    return t
