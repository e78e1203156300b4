"""Which files a batch converts: the PATH arguments expanded lazily, in a stable order.

A PATH is a file (taken whatever its name), a folder (walked recursively,
keeping the files whose name matches one of the globs, case-insensitively),
or ``-`` for standard input. Folders are walked in sorted order, hidden
files and folders (a leading dot) are skipped — among them refparse's own
temporary files — and so is the output folder when it lies inside an input
folder, so converting to ``.txt`` twice never reads its own outputs. Nothing
is listed ahead: a folder of a million files costs the memory of one.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

#: ``PATH`` meaning standard input.
STDIN = "-"
#: Files a folder contributes when no ``--glob`` is given: saved pages and cards.
DEFAULT_GLOBS = ("*.txt", "*.md")


@dataclass(frozen=True)
class Source:
    """One input found by expanding the PATHs.

    Attributes:
        label: its name in messages and the report (the path as reached from
            the argument, or ``<stdin>``).
        path: the file to read; ``None`` for standard input.
        relative: where its output goes below ``--out-dir``, before the new
            extension is put on (the path below its folder argument, or the
            file's name).
        error: why a folder could not be listed (then ``path`` is the folder).
    """

    label: str
    path: Path | None
    relative: PurePath
    error: str | None = None


def _matches(relative: PurePath, globs: Sequence[str]) -> bool:
    name = relative.name.lower()
    posix = relative.as_posix().lower()
    return any(fnmatch.fnmatchcase(posix if "/" in g else name, g.lower()) for g in globs)


def _walk(top: Path, label: str, globs: Sequence[str], exclude: frozenset[Path]) -> Iterator[Source]:
    errors: list[OSError] = []
    resolved: dict[Path, Path] = {}
    for folder, dirnames, filenames in os.walk(top, onerror=errors.append):
        here = Path(folder)
        for e in errors:
            yield _folder_error(e, top, label)
        errors.clear()
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and not (exclude and _resolved(here / d) in exclude)
        )
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = here / name
            relative = path.relative_to(top)
            if _matches(relative, globs) and not (exclude and _resolved_file(path, resolved) in exclude):
                yield Source(os.path.join(label, relative), path, relative)
    for e in errors:
        yield _folder_error(e, top, label)


def _folder_error(e: OSError, top: Path, label: str) -> Source:
    where = Path(e.filename) if e.filename else top
    try:
        shown = os.path.join(label, where.relative_to(top)) if where != top else label
    except ValueError:
        shown = str(where)
    reason = (e.strerror or str(e)).lower()
    return Source(shown, where, PurePath(), error=f"cannot list folder: {reason}")


def _resolved(path: Path) -> Path:
    """The path with its symbolic links resolved; itself when they loop (reading it then says so)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links: RuntimeError before Python 3.13
        return path


def _resolved_file(path: Path, folders: dict[Path, Path]) -> Path:
    """:func:`_resolved` for a file, its folder resolved once per folder.

    Why: the parent process resolves every input and every output against
    the run's folders; resolving each path from the root costs a system call
    per component, on the one core the workers need. A file that is itself a
    symbolic link (or a name such as ``..``) is resolved in full.
    """
    if path.name in ("", ".", "..") or os.path.islink(path):
        return _resolved(path)
    folder = folders.get(path.parent)
    if folder is None:
        folder = folders[path.parent] = _resolved(path.parent)
    return folder / path.name


def iter_sources(
    paths: Iterable[str | os.PathLike[str]],
    globs: Sequence[str] = DEFAULT_GLOBS,
    exclude: Iterable[Path] = (),
) -> Iterator[Source]:
    """Expand PATH arguments into inputs, one at a time.

    Args:
        paths: files, folders or ``-``, in the order given.
        globs: file-name patterns a folder's files must match (``*.txt``);
            a pattern with ``/`` matches the path below the folder.
        exclude: folders and files never to read (the output folder or file).

    Yields:
        :class:`Source` items in order. A path that does not exist is yielded
        like a file: reading it reports the problem, as for any bad input.
    """
    skip = frozenset(_resolved(Path(p)) for p in exclude)
    for raw in paths:
        name = os.fspath(raw)
        if name == STDIN:
            yield Source("<stdin>", None, PurePath("stdin"))
            continue
        path = Path(name)
        if path.is_dir():
            yield from _walk(path, name, globs, skip)
        else:
            yield Source(name, path, PurePath(path.name))


def input_matcher(
    paths: Iterable[str | os.PathLike[str]], globs: Sequence[str] = DEFAULT_GLOBS
) -> Callable[[Path], bool]:
    """A test for "would this file be read as an input of the run?".

    Why: an output must never replace an input — not only its own (``a.md``
    written as ``a.txt`` next to an input ``a.txt``), and a report must not
    be written over an input before it is read.

    Args:
        paths: the run's PATH arguments.
        globs: the file-name patterns folders are read with.

    Returns:
        A function of a path: True when the run names it, or it lies in a
        folder of the run and matches the patterns (hidden files excepted).
    """
    files: set[Path] = set()
    folders: list[Path] = []
    resolved_folders: dict[Path, Path] = {}
    for raw in paths:
        name = os.fspath(raw)
        if name == STDIN:
            continue
        path = Path(name)
        if path.is_dir():
            folders.append(_resolved(path))
        else:
            files.add(_resolved(path))

    def is_input(candidate: Path) -> bool:
        resolved = _resolved_file(candidate, resolved_folders)
        if resolved in files:
            return True
        for folder in folders:
            if resolved.is_relative_to(folder):
                relative = resolved.relative_to(folder)
                if not any(part.startswith(".") for part in relative.parts) and _matches(relative, globs):
                    return resolved.exists()
        return False

    return is_input


def count_sources(
    paths: Iterable[str | os.PathLike[str]], globs: Sequence[str] = DEFAULT_GLOBS, exclude: Iterable[Path] = ()
) -> int:
    """How many inputs :func:`iter_sources` yields (for a progress bar's total)."""
    return sum(1 for _ in iter_sources(paths, globs, exclude))
