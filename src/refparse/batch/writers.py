"""Streaming writers: one output written citation by citation, atomically.

The exporters in :mod:`refparse.export` return whole strings, which would
hold a whole file's output in memory. A :class:`StreamWriter` renders one
citation at a time with the exporters' own per-item functions
(``to_csl_item``, ``bibtex_entry``, ``ris_record``, ``jsonl_line``), and
knows the document's envelope (the CSL-JSON ``[ ... ]``), so that a file
written item by item is byte for byte what :func:`refparse.export.export`
returns for the same citations.

Two formats need more than one item at a time:

* **Keys** (the BibTeX key, the CSL-JSON ``id``, the RIS ``ID``) must be
  unique in an output (:mod:`refparse.export.keys`: the first citation with
  a key keeps it, later ones get ``b``, ``c`` ...). A worker writing a whole
  output allocates them as it goes. A worker writing its input's share of a
  combined output cannot know the keys of the inputs before it, so it writes
  each base key between two :data:`KEY_MARK` characters, and the process
  that joins the shares in order replaces them (:class:`Rekeyer`) while it
  copies: one pass, and memory holds a compact table of the keys.
* **text** bibliographies are sorted and numbered by the CSL style, so a
  file's citations are rendered together (memory grows with the largest
  input, not with the run).

:class:`AtomicFile` writes to a temporary file in the target's folder and
renames it into place, so a killed run leaves complete outputs or none.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import OptionError
from ..export import FORMATS, export, resolve
from ..models import Citation

if TYPE_CHECKING:  # typing.Self is Python 3.11+; annotations are never evaluated at run time
    from typing_extensions import Self

#: Suffix of temporary files; hidden (leading dot) and never an output extension.
TEMP_SUFFIX = ".refparse-tmp"
#: Brackets a base key in a share of a combined output. NUL never occurs in
#: refparse's output (every format flattens or escapes control characters).
KEY_MARK = "\x00"


class AtomicFile:
    """A text file that appears at its path complete, or not at all.

    Why: a run killed halfway (SIGKILL, power cut of the process) must never
    leave a truncated output that a later ``--resume`` would take as done.
    The temporary file sits in the target's own folder so that
    :func:`os.replace` is an atomic rename on the same file system; it is
    created with mode 0666 less the umask, like any file the user writes.

    A symbolic link is followed (the file it points to is replaced, the link
    stays). A target that exists and is not a regular file — ``/dev/stdout``,
    ``/dev/null``, a named pipe — cannot be renamed over (as root that would
    replace the device itself): the finished text is copied into it instead,
    from a temporary file in the system's temporary folder.

    Example::

        with AtomicFile(path) as out:
            out.write(text)
        # committed on a clean exit, removed on an exception
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stream = path.exists() and not path.is_file()  # (both follow links)
        real = _real(path) if path.is_symlink() and not self.stream else path
        self.target = real
        folder = Path(tempfile.gettempdir()) if self.stream else real.parent
        folder.mkdir(parents=True, exist_ok=True)
        while True:
            temp = folder / f".{real.name}.{os.urandom(4).hex()}{TEMP_SUFFIX}"
            try:
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                break
            except FileExistsError:  # pragma: no cover - 32 random bits
                continue
        _lock(fd)  # held while the file is written: a live writer's file is never taken for a stale one
        self.temp = temp
        self.file: TextIO = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.done = False

    def write(self, text: str) -> None:
        """Append text (written exactly: no newline translation)."""
        self.file.write(text)

    def commit(self, finish: Callable[[Path], None] | None = None) -> None:
        """Close the file and move it to its path, replacing any older output.

        Args:
            finish: called with the closed temporary file before the rename
                (BibTeX key fix-up), so the output appears only when final.
        """
        if self.done:
            return
        self.file.close()
        try:
            if finish is not None:
                finish(self.temp)
            if self.stream:
                try:
                    with self.temp.open("rb") as src, self.target.open("wb") as dst:
                        shutil.copyfileobj(src, dst)
                except OSError as e:  # name the output, not the temporary file
                    raise OSError(e.errno, e.strerror, str(self.path)) from e
                os.unlink(self.temp)
            else:
                os.replace(self.temp, self.target)
        except BaseException:
            self.discard()
            raise
        self.done = True

    def discard(self) -> None:
        """Close and delete the temporary file; the path is left untouched.

        Never raises: closing flushes what is buffered, which fails again on
        a full disk, and that second failure must not replace the first
        (the output's) with one that names nothing.
        """
        if self.done:
            return
        self.done = True
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(OSError):
            os.unlink(self.temp)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


_STALE = re.compile(r"\..+\.[0-9a-f]{8}" + re.escape(TEMP_SUFFIX))


def _lock(fd: int) -> None:
    """Take the temporary file's lock (where the platform has ``flock``)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: stale files are not removed there
        return
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _abandoned(path: Path) -> bool:
    """Whether no live process holds a temporary file's lock (its writer was killed)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a writer holds it
    finally:
        os.close(fd)
    return True


def remove_stale_temps(folder: Path, name: str | None = None, recursive: bool = True) -> int:
    """Remove the temporary files killed runs left behind (``kill -9``, a power cut).

    Only refparse's own (``.NAME.XXXXXXXX.refparse-tmp``, of :class:`AtomicFile`),
    and only those whose lock no process holds: a run writing into the same
    folder at this moment keeps its files. Hidden folders are not entered.

    Args:
        folder: where outputs are written.
        name: only the temporary files of this output (``-o FILE``); default all.
        recursive: look in the folders below too (``--out-dir``).

    Returns:
        How many were removed.
    """
    removed = 0
    for here, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")] if recursive else []
        for f in files:
            if not _STALE.fullmatch(f) or (name is not None and not f.startswith(f".{name}.")):
                continue
            path = Path(here) / f
            if _abandoned(path):
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
    return removed


def remove_leftovers(out_dir: Path | None, output: Path | None) -> None:
    """A run's clean-up of killed runs: below ``out_dir`` (``--resume``), beside ``output`` (``-o FILE``)."""
    if out_dir is not None:
        remove_stale_temps(out_dir)
    elif output is not None:
        remove_stale_temps(output.parent, name=output.name, recursive=False)


def _real(path: Path) -> Path:
    """Where a symbolic link leads; a loop is an :class:`OSError` like any unwritable path."""
    try:
        return path.resolve()
    except RuntimeError as e:  # a loop, before Python 3.13 (which raises OSError itself)
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path)) from e


@dataclass(frozen=True)
class StreamWriter:
    """How one format is written item by item.

    A document is ``begin + item + sep + item + ... + end`` (``empty`` when
    there is no item); a fragment (one input's share of a combined output)
    is the items and separators only, so fragments can be joined by the
    same separator.

    Attributes:
        fmt: the format name (a key of :data:`refparse.export.FORMATS`).
        options: that format's options object.
        begin: text before the first item.
        sep: text between two items.
        end: text after the last item.
        empty: the whole document when there is no item.
        whole: the format renders a file's citations together (``text``).
    """

    fmt: str
    options: Any
    begin: str = ""
    sep: str = ""
    end: str = ""
    empty: str = ""
    whole: bool = False

    @property
    def extension(self) -> str:
        """The output file extension, without the dot."""
        return FORMATS[self.fmt].extension

    @property
    def keyed(self) -> bool:
        """Whether items carry a citation key (CSL-JSON, BibTeX, RIS)."""
        return self.fmt in ("csljson", "bibtex", "ris")

    def item(self, c: Citation, key: str | None = None) -> str:
        """One citation as this format writes it (without separators).

        Args:
            c: the citation.
            key: its key, unique in the output; ``None`` writes its base key
                between :data:`KEY_MARK` characters, for :class:`Rekeyer`.
        """
        # The per-item functions are imported here, not at import: a run
        # pays only for the format it writes.
        mark = None
        if key is None and self.keyed:
            from ..export.keys import base_key

            key = base_key(c)
            mark = KEY_MARK + key + KEY_MARK
        if self.fmt == "csljson":
            from ..export.csljson import dumps, to_csl_item

            item = to_csl_item(c, key, self.options)
            text = dumps(item, self.options).rstrip("\n")
            if mark is not None and key is not None:  # the id is the item's first value: JSON "[prefix]key"
                quoted = dumps(item["id"], self.options).rstrip("\n")
                at = text.index(quoted, text.index('"id"') + 4)
                text = text[:at] + quoted[: -len(key) - 1] + mark + '"' + text[at + len(quoted) :]
            indent = self.options.indent
            if indent is None:
                return text
            pad = " " * indent if isinstance(indent, int) else str(indent)
            return pad + text.replace("\n", "\n" + pad)
        if self.fmt == "bibtex":
            from ..export.bibtex import bibtex_entry

            return bibtex_entry(c, mark or key or "", self.options).render()
        if self.fmt == "ris":
            from ..export.ris import ris_record

            eol = "\r\n" if self.options.crlf else "\n"
            pairs = ris_record(c, key, self.options)
            return "".join(f"{tag}  - {mark if tag == 'ID' and mark else value}{eol}" for tag, value in pairs)
        if self.fmt == "jsonl":
            from ..export.jsonl import jsonl_line

            return jsonl_line(c, self.options) + "\n"
        raise OptionError(f"{self.fmt} is written whole, not item by item")  # pragma: no cover

    def render_whole(self, citations: list[Citation]) -> str:
        """A whole-rendered format's document (the ``text`` bibliography)."""
        return export(citations, self.fmt, **_fields(self.options))

    def document(self, fragments: Iterable[str]) -> Iterator[str]:
        """The chunks of a document made of fragments (empty ones skipped)."""
        first = True
        for fragment in fragments:
            if not fragment:
                continue
            yield (self.begin if first else self.sep) + fragment
            first = False
        yield self.empty if first else self.end


def _fields(options: Any) -> dict[str, Any]:
    return {f.name: getattr(options, f.name) for f in fields(options)}


def make_writer(fmt: str, **options: Any) -> StreamWriter:
    """The streaming writer of a format, options checked now.

    Why: a bad option (an unknown style, ``--ascii`` for RIS) must stop the
    run before any file is touched, with one usage message.

    Args:
        fmt: a key of :data:`refparse.export.FORMATS`.
        **options: fields of that format's options dataclass.

    Returns:
        The writer.

    Raises:
        OptionError: unknown format, unknown option, or unknown text style.
    """
    _, opts = resolve(fmt, **options)
    if fmt == "csljson":
        nl = "" if opts.indent is None else "\n"
        return StreamWriter(fmt, opts, begin="[" + nl, sep="," + (nl or " "), end=nl + "]\n", empty="[]\n")
    if fmt == "bibtex":
        return StreamWriter(fmt, opts, sep="\n")
    if fmt == "text":
        # imported here: the text exporter loads citeproc-py's machinery only when used
        from ..export.text import style_path

        style_path(opts.style)
        return StreamWriter(fmt, opts, whole=True)
    return StreamWriter(fmt, opts)


class Rekeyer:
    """Replaces the marked base keys of combined shares by unique keys, in output order.

    Why: see the module docstring; fed the shares' text in order, chunk by
    chunk (a mark may straddle two chunks), it gives exactly the keys
    :func:`refparse.export.keys.make_keys` gives the whole output.
    """

    def __init__(self) -> None:
        from ..export.keys import KeyAllocator

        self.allocate = KeyAllocator()
        self.tail = ""

    def feed(self, chunk: str) -> str:
        """The chunk with every complete mark replaced (an open one waits for the next chunk)."""
        text = self.tail + chunk
        if KEY_MARK not in text:
            self.tail = ""
            return text
        if text.count(KEY_MARK) % 2:
            cut = text.rindex(KEY_MARK)
            text, self.tail = text[:cut], text[cut:]
        else:
            self.tail = ""
        parts = text.split(KEY_MARK)
        parts[1::2] = [self.allocate(base) for base in parts[1::2]]
        return "".join(parts)
