"""Golden files: every ``fixtures/NAME.txt`` against ``fixtures/NAME.expected.json``.

The expected CSL-JSON was reviewed by hand. It is rewritten only with
``REFPARSE_REGEN=1`` (and must then be reviewed again); a missing expected
file is a failure, not a skip.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, REGENERATE
from refparse.detect import parse_any
from refparse.export.csljson import to_csl_json

CASES = sorted(p for p in FIXTURES.glob("*.txt") if ".expected" not in p.name)


@pytest.mark.parametrize("source", CASES, ids=[p.stem for p in CASES])
def test_golden_csl_json(source: Path) -> None:
    expected_path = source.with_suffix(".expected.json")
    got = to_csl_json(parse_any(source.read_text(encoding="utf-8")).citations)
    if REGENERATE:
        expected_path.write_text(got, encoding="utf-8")
    assert expected_path.exists(), f"no golden file for {source.name}; create it with REFPARSE_REGEN=1 and review it"
    assert json.loads(got) == json.loads(expected_path.read_text(encoding="utf-8"))
