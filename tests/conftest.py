"""Shared test helpers: fixture paths and a regeneration flag for golden files."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Hermetic caches: parser tables and stored plans go to a folder of this test
# run, not the developer's cache (subprocesses started by tests inherit it).
if "REFPARSE_CACHE_DIR" not in os.environ:
    _CACHE = tempfile.mkdtemp(prefix="refparse-test-cache-")
    os.environ["REFPARSE_CACHE_DIR"] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

#: Golden files are rewritten only when this is set explicitly
#: (``REFPARSE_REGEN=1 pytest tests/test_golden.py``) and then reviewed by hand.
REGENERATE = os.environ.get("REFPARSE_REGEN") == "1"


def check_golden(path: Path, actual: str, as_json: bool = False) -> None:
    """Compare output with a golden file; ``REFPARSE_REGEN=1`` rewrites it first.

    Goldens are reviewed by hand after every regeneration. A missing golden
    file is a failure, not a skip. ``as_json`` compares parsed JSON, so key
    order and indentation do not matter.
    """
    if REGENERATE:
        path.write_text(actual, encoding="utf-8", newline="")
    assert path.exists(), f"no golden file {path.name}; create it with REFPARSE_REGEN=1 and review it"
    expected = path.read_text(encoding="utf-8")
    message = f"{path.name} differs; review, then regenerate with REFPARSE_REGEN=1"
    if as_json:
        assert json.loads(actual) == json.loads(expected), message
    else:
        assert actual == expected, message


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
