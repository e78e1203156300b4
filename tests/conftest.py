"""Shared test helpers: fixture paths and a regeneration flag for golden files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

#: Golden files are rewritten only when this is set explicitly
#: (``REFPARSE_REGEN=1 pytest tests/test_golden.py``) and then reviewed by hand.
REGENERATE = os.environ.get("REFPARSE_REGEN") == "1"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
