"""Golden files: every ``fixtures/NAME.txt`` against ``fixtures/NAME.expected.json``.

The expected CSL-JSON was reviewed by hand. It is rewritten only with
``REFPARSE_REGEN=1`` (and must then be reviewed again); a missing expected
file is a failure, not a skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, check_golden
from refparse.detect import parse_any
from refparse.export.csljson import to_csl_json

CASES = sorted(p for p in FIXTURES.glob("*.txt") if ".expected" not in p.name)


@pytest.mark.parametrize("source", CASES, ids=[p.stem for p in CASES])
def test_golden_csl_json(source: Path) -> None:
    expected_path = source.with_suffix(".expected.json")
    got = to_csl_json(parse_any(source.read_text(encoding="utf-8")).citations)
    check_golden(expected_path, got, as_json=True)
