"""Shared test helpers: fixture paths and a regeneration flag for golden files."""

from __future__ import annotations

import atexit
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


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
