"""The public surface: what ``import refparse`` promises, and what it does not load."""

from __future__ import annotations

import subprocess
import sys

import pytest

import refparse


@pytest.mark.parametrize("name", refparse.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(refparse, name) is not None


def test_subpackages_are_attributes_without_an_import() -> None:
    probe = (
        "import refparse; "
        "print(refparse.export.export.__module__, refparse.enrich.enrich.__module__, "
        "refparse.batch.convert_paths.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["refparse.export", "refparse.enrich.stage", "refparse.batch.run"]


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        refparse.nope  # noqa: B018


def test_import_is_cheap() -> None:
    # A command that needs one stage must not pay for all of them.
    probe = "import sys, refparse; print(sorted(m for m in ('pydantic', 'lark', 'requests', 'citeproc') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
