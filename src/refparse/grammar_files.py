"""Locate the data files in ``grammars/`` (Lark grammars and word lists).

They ship inside the wheel as ``refparse/grammars/`` (see ``pyproject.toml``);
in a source checkout or an editable install they are read from the
repository's top-level ``grammars/`` folder, where the project keeps them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def grammar_dir() -> Path:
    """The folder holding the grammar and word-list files.

    Returns:
        The packaged copy when installed from a wheel, else the checkout's.

    Raises:
        FileNotFoundError: neither location exists (a broken install).
    """
    packaged = Path(str(resources.files("refparse"))) / "grammars"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "grammars"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"refparse grammar files not found in {packaged} or {checkout}")


def read_data_file(name: str) -> str:
    """Read one file from the grammar folder as UTF-8 text."""
    return (grammar_dir() / name).read_text(encoding="utf-8")
