"""Locate the data files in ``grammars/`` (Lark grammars and word lists).

They ship inside the wheel as ``refparse/grammars/`` (see ``pyproject.toml``);
in a source checkout or an editable install they are read from the
repository's top-level ``grammars/`` folder, where the project keeps them.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

from .errors import RefparseError


@cache
def grammar_dir() -> Path:
    """The folder holding the grammar and word-list files.

    Returns:
        The packaged copy when installed from a wheel, else the checkout's.

    Raises:
        RefparseError: neither location exists (a broken install).
    """
    packaged = Path(str(resources.files("refparse"))) / "grammars"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "grammars"
    if checkout.is_dir():
        return checkout
    raise RefparseError(f"refparse grammar files not found in {packaged} or {checkout}; reinstall refparse")


def cache_dir() -> Path | None:
    """The folder for refparse's on-disk caches (parser tables, plans).

    ``REFPARSE_CACHE_DIR`` or the user cache folder; ``None`` when it cannot
    be created or written, or when it is not private (the caches are only a
    speed-up). Lark stores its tables as a pickle, and loading a pickle runs
    code: a folder another user can write to (``/tmp/shared``, a group folder)
    must never be read from.
    """
    chosen = os.environ.get("REFPARSE_CACHE_DIR")
    if not chosen:
        from platformdirs import user_cache_dir  # imported only when needed: ~3 ms of a short run

        chosen = user_cache_dir("refparse")
    folder = Path(chosen)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        private = is_private(folder)
    except OSError:
        return None
    return folder if private and os.access(folder, os.W_OK | os.R_OK) else None


def is_private(folder: Path) -> bool:
    """Whether only this user can write into ``folder`` (always true where there are no uids)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # Windows: per-user folders are protected by ACLs
        return True
    st = folder.stat()
    return st.st_uid == getuid() and not st.st_mode & 0o022


def read_data_file(name: str) -> str:
    """Read one file from the grammar folder as UTF-8 text."""
    return (grammar_dir() / name).read_text(encoding="utf-8")


@cache
def read_sections(name: str, first: str) -> dict[str, tuple[str, ...]]:
    """The entries of a sectioned word list in the grammar folder, in file order.

    The lexicons (publisher words, page noise, name particles) share one
    format: one entry per line, ``# comments`` and blank lines ignored,
    ``[name]`` starting a section. Entries before the first header belong to
    ``first``.
    """
    sections: dict[str, list[str]] = {first: []}
    current = sections[first]
    for line in read_data_file(name).splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry.startswith("[") and entry.endswith("]"):
            current = sections.setdefault(entry[1:-1], [])
        else:
            current.append(entry)
    return {k: tuple(v) for k, v in sections.items()}


def particles() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Name particles from ``particles.txt``: (leading, following, elided), lower case."""
    sections = read_sections("particles.txt", "leading")
    return sections["leading"], sections.get("following", ()), sections.get("elided", ())
