"""Accuracy against reviewed and publisher gold, with floors that can fail.

* The seed: every field of all 68 references equals the reviewed gold.
* Five published reference lists (PLOS, eLife; CC BY / CC0, see
  fixtures/dev/README.md) with gold fields from the publishers' XML: floors
  on micro F1 and on the share of references with every field right.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES
from refparse import parse
from scoring import FIELDS, citation_fields, gold_fields, same, score

DEV = sorted((FIXTURES / "dev").glob("*.txt"))


def _pairs(txt: Path) -> list[tuple[dict, object]]:
    gold = json.loads(txt.with_suffix(".json").read_text(encoding="utf-8"))["references"]
    by_number = {c.number: c for c in parse(txt.read_text(encoding="utf-8")).citations}
    return [(ref, by_number.get(ref["number"])) for ref in gold]


def test_seed_every_field_of_every_reference() -> None:
    pairs = _pairs(FIXTURES / "seed000.txt")
    assert len(pairs) == 68
    wrong = []
    for ref, c in pairs:
        assert c is not None, f"reference {ref['number']} lost"
        g, p = gold_fields(ref), citation_fields(c)  # type: ignore[arg-type]
        wrong += [(ref["number"], f, g[f], p[f]) for f in FIELDS if not (g[f] == p[f] or same(f, g[f], p[f]))]
    assert wrong == []


@pytest.mark.parametrize("txt", DEV, ids=[p.stem for p in DEV])
def test_every_dev_reference_comes_out(txt: Path) -> None:
    pairs = _pairs(txt)
    assert all(c is not None for _, c in pairs)


def test_dev_accuracy_floor() -> None:
    pairs = [pair for txt in DEV for pair in _pairs(txt)]
    f1, exact = score(pairs)  # type: ignore[arg-type]
    assert len(pairs) == 334
    assert f1 >= 0.992, f1
    assert exact >= 0.95, exact
