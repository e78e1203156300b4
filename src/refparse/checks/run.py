"""Check files, folders and standard input: the library form of ``refparse check``.

Inputs are found and read exactly as ``refparse convert`` finds and reads
them (:mod:`refparse.batch.inputs` for the PATHs, :mod:`refparse.batch.files`
for size, encoding and the reasons an input is refused, the detected or
forced input format); each input's citations go to :func:`~.stage.check`.
A bad input is a result with a reason, never an exception.

With ``jobs`` > 1 several inputs are checked at once in worker processes;
their clients share Crossref's limits through the rate limiter's files (see
:mod:`refparse.enrich.ratelimit`), so more workers never mean more requests
a second.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..batch.files import DEFAULT_MAX_SIZE, RejectedInputError, check_file, size_text, sniff_encoding
from ..batch.inputs import DEFAULT_GLOBS, STDIN, iter_sources
from ..batch.pool import default_context
from ..errors import CacheError, InputError, RefparseError
from .models import CheckResult
from .stage import CheckOptions, check


@dataclass(frozen=True)
class CheckRun:
    """How :func:`check_paths` finds, reads and checks its inputs.

    Attributes:
        check: the check itself (Crossref settings, notices, suggestions).
        from_format: force the input format (``linebroken``, ``card``); ``None`` detects it.
        globs: file-name patterns taken from folders.
        encoding_fallback: codec for bytes that are not UTF-8; ``None`` refuses them.
        max_size: largest input in bytes; ``None`` or 0 for no limit.
        jobs: worker processes checking inputs at once (1: this process).
    """

    check: CheckOptions = field(default_factory=CheckOptions)
    from_format: str | None = None
    globs: tuple[str, ...] = DEFAULT_GLOBS
    encoding_fallback: str | None = "cp1252"
    max_size: int | None = DEFAULT_MAX_SIZE
    jobs: int = 1


@dataclass
class InputCheck:
    """What became of one input: its references' check results, or why it could not be read.

    Attributes:
        input: the input's label (the path as found, ``<stdin>``).
        status: ``ok`` or ``failed``.
        reason: for failures, a stable code as in the batch report (``missing``, ``empty`` …).
        error: for failures, one clear sentence.
        format: the input format read.
        encoding: the codec the bytes were decoded with.
        results: one :class:`CheckResult` per reference, in order.
        seconds: wall time spent on this input.
    """

    input: str
    status: str = "ok"
    reason: str | None = None
    error: str | None = None
    format: str | None = None
    encoding: str | None = None
    results: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0

    def record(self) -> dict[str, Any]:
        """The report line of this input: the batch report's fields plus counts per status and flag."""
        statuses: Counter[str] = Counter(r.status for r in self.results)
        flags: Counter[str] = Counter(k for r in self.results for k in r.flag_kinds)
        return {
            "input": self.input, "status": self.status, "reason": self.reason, "error": self.error,
            "format": self.format, "encoding": self.encoding, "references": len(self.results),
            "checks": dict(statuses), "flags": dict(flags), "seconds": round(self.seconds, 4),
        }


def _read(path: Path, run: CheckRun) -> tuple[str, str, Any]:
    """Decode and parse one input; returns ``(format, encoding, ParseResult)``."""
    from ..detect import parse_any

    check_file(path, run.max_size or None)
    encoding, _ = sniff_encoding(path, run.encoding_fallback)
    text = path.read_text(encoding=encoding)
    try:
        result = parse_any(text, run.from_format)
    except InputError as e:
        if isinstance(e, RejectedInputError):
            raise
        raise RejectedInputError("no-references", f"no references found: {e}") from e
    return result.format, encoding, result


def check_input(label: str, path: Path, run: CheckRun, client: Any = None) -> InputCheck:
    """Check one input file; a bad input is a result (``failed`` with a reason), never an exception.

    Raises:
        CacheError: the Crossref cache is unusable (every input would fail alike).
    """
    started = time.perf_counter()
    out = InputCheck(input=label)
    try:
        out.format, out.encoding, parsed = _read(path, run)
        if not parsed.citations:
            raise RejectedInputError("no-references", "no references found")
        out.results = check(parsed.citations, run.check, client=client)
    except RejectedInputError as e:
        out.status, out.reason, out.error = "failed", e.reason, str(e)
    except CacheError:
        raise
    except RefparseError as e:
        out.status, out.reason, out.error = "failed", "input", str(e)
    except OSError as e:
        out.status, out.reason, out.error = "failed", "unreadable", f"cannot read: {(e.strerror or str(e)).lower()}"
    out.seconds = time.perf_counter() - started
    return out


def _worker(task: tuple[str, str, CheckRun]) -> InputCheck:
    label, path, run = task
    return check_input(label, Path(path), run)


def _spool_stdin(folder: Path, max_size: int | None) -> tuple[Path, str | None]:
    path = folder / "stdin"
    source = getattr(sys.stdin, "buffer", None) or sys.stdin
    copied = 0
    with path.open("wb") as f:
        while chunk := source.read(1 << 20):
            copied += len(chunk)
            if max_size and copied > max_size:
                return path, f"standard input is over the --max-size limit of {size_text(max_size)}"
            f.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
    return path, None


def check_paths(paths: Iterable[str | os.PathLike[str]], run: CheckRun | None = None) -> Iterator[InputCheck]:
    """Check every reference of files, folders and standard input, one input at a time, in order.

    Args:
        paths: files, folders (walked for ``run.globs``) or ``-`` for standard input.
        run: how to read and check.

    Yields:
        One :class:`InputCheck` per input, in input order.

    Raises:
        CacheError: the Crossref cache is unusable.
    """
    from ..enrich import CrossrefClient

    run = run or CheckRun()
    names = [os.fspath(p) for p in paths] or [STDIN]
    with tempfile.TemporaryDirectory(prefix="refparse-check-") as tmp:
        stdin, stdin_error = _spool_stdin(Path(tmp), run.max_size or None) if STDIN in names else (None, None)
        items: list[InputCheck | tuple[str, str, CheckRun]] = []
        for source in iter_sources(names, run.globs):
            if source.error is not None:
                items.append(InputCheck(source.label, "failed", "unreadable", source.error))
            elif source.path is None and stdin_error is not None:
                items.append(InputCheck(source.label, "failed", "too-large", stdin_error))
            else:
                items.append((source.label, str(source.path if source.path is not None else stdin), run))
        tasks = [i for i in items if not isinstance(i, InputCheck)]
        if run.jobs > 1 and len(tasks) > 1:
            with ProcessPoolExecutor(max_workers=min(run.jobs, len(tasks)), mp_context=default_context()) as pool:
                done = pool.map(_worker, tasks)
                for item in items:
                    yield item if isinstance(item, InputCheck) else next(done)
            return
        with CrossrefClient(run.check.crossref) as client:
            for item in items:
                yield item if isinstance(item, InputCheck) else check_input(item[0], Path(item[1]), run, client)
