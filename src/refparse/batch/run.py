"""The batch converter: many inputs, worker processes, one report, nothing lost.

:func:`convert_paths` is the library entry point behind ``refparse convert``.
It expands the PATHs lazily (:mod:`.inputs`), sends each input to a worker
(:mod:`.pool`, or this process for ``jobs=1`` and single inputs), and takes
the results back in input order: it writes the report line, joins the
fragments of a combined output, and tells the caller (a progress bar) —
while never holding more than a window of inputs.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from ..errors import OptionError, RefparseError
from .convert import FileResult, Settings, Task, convert_file
from .files import DEFAULT_MAX_SIZE, size_text
from .inputs import DEFAULT_GLOBS, STDIN, Source, input_matcher, iter_sources
from .pool import OrderedPool, Ready, default_context, run_inline
from .writers import AtomicFile, Rekeyer, StreamWriter, make_writer, remove_leftovers


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs.

    Attributes:
        to: output format (``csljson``, ``bibtex``, ``ris``, ``jsonl``, ``text``).
        export_options: options of that format (``{"style": "apa"}``, ``{"ascii": True}``).
        from_format: force the input format; ``None`` detects it per file.
        out_dir: write one output per input below this folder.
        output: write everything into this one file; with neither, to ``stdout``.
        globs: file-name patterns taken from folders.
        jobs: worker processes; 0 means one per available core.
        resume: skip inputs whose output is newer than the input (``out_dir`` only).
        encoding_fallback: codec for bytes that are not UTF-8; ``None`` refuses them.
        max_size: largest input in bytes; ``None`` or 0 for no limit.
        report: write a JSON Lines report here, one line per input.
        strict: exit status 1 also when an input converted with warnings (a
            reference the grammar could not fully parse, the encoding fallback).
            Off by default: such references are still written, with their raw
            text and a reason, so the conversion did its job — and programs
            that read the output on exit status 0 keep every reference.
        list_warnings: keep every warning of each input in its result (for
            ``--verbose``), as a report does; else they are only counted.
        list_references: keep each reference not fully parsed (or suspect) in its
            input's result, for the console's list, as a report does; ``False``
            (``-q``) only counts them, so a long input's memory stays flat.
        enrich: applied to each input's citations, in chunks (Crossref), or ``None``.
            With it the run stays in one process whatever ``jobs`` says: one client
            keeps Crossref's rate limit, its failure budget and the cache coherent,
            and the network, not parsing, bounds such a run. A callable with
            ``stoppable = True`` (:class:`refparse.enrich.Enricher`) is called
            ``enrich(chunk, should_stop)``: at Ctrl-C or SIGTERM its lookups stop
            and the input is still written, exit status 130. (On a Dask executor
            one actor plays that client for the whole cluster:
            :mod:`refparse.batch.cluster_enrich`.)
    """

    to: str = "csljson"
    export_options: Mapping[str, Any] = field(default_factory=dict)
    from_format: str | None = None
    out_dir: Path | None = None
    output: Path | None = None
    globs: tuple[str, ...] = DEFAULT_GLOBS
    jobs: int = 0
    resume: bool = False
    encoding_fallback: str | None = "cp1252"
    max_size: int | None = DEFAULT_MAX_SIZE
    report: Path | None = None
    strict: bool = False
    enrich: Callable[..., list[Any]] | None = None
    list_warnings: bool = False
    list_references: bool = True


@dataclass
class BatchSummary:
    """Totals of a run, for the closing line and the exit status."""

    inputs: int = 0
    converted: int = 0
    with_warnings: int = 0
    failed: int = 0
    skipped: int = 0
    interrupted: int = 0
    not_done: int = 0
    references: int = 0
    unparsed: int = 0
    warnings: int = 0
    not_looked_up: int = 0
    cut_short: int = 0
    seconds: float = 0.0
    stopped: bool = False
    strict: bool = False

    def add(self, r: FileResult) -> None:
        """Count one input's result."""
        self.inputs += 1
        if r.status in ("ok", "warning", "failed"):  # not what a stopped conversion had read
            self.references += r.references
            self.unparsed += r.unparsed
            self.warnings += r.warning_count
            self.not_looked_up += r.not_looked_up
        self.cut_short += r.cut_short  # converted, but the interrupt ended its Crossref lookups
        if r.status in ("ok", "warning"):
            self.converted += 1
        self.with_warnings += r.status == "warning"
        self.failed += r.status == "failed"
        self.skipped += r.status == "skipped"
        self.interrupted += r.status == "interrupted"
        self.not_done += r.status == "not-done"

    @property
    def exit_code(self) -> int:
        """The process exit status this run deserves.

        130 when stopped; 1 when an input failed or none was found, or — with
        ``strict`` — one converted with warnings; else 0.
        """
        if self.stopped:
            return 130
        return 1 if self.failed or not self.inputs or (self.strict and self.with_warnings) else 0


def available_cores() -> int:
    """Cores this process may run on (the CPU affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


class _Combined:
    """Joins the shares of a combined output (``-o FILE`` or stdout) in input order.

    Keys are made unique across the shares as they are copied (:class:`Rekeyer`).
    Nothing is written — no empty document on stdout, no file replaced by
    one — when no input gave a share.
    """

    def __init__(self, writer: StreamWriter, target: Path | None, stdout: TextIO) -> None:
        self.writer = writer
        self.stdout = stdout
        self.first = True
        self.rekey = Rekeyer() if writer.keyed else None
        self.file = AtomicFile(target) if target else None

    def _write(self, text: str) -> None:
        if self.rekey is not None:
            text = self.rekey.feed(text)
        if self.file is not None:
            self.file.write(text)
        else:
            self.stdout.write(text)

    def add(self, part: Path) -> None:
        with part.open(encoding="utf-8", newline="") as f:
            first_chunk = f.read(1 << 16)
            if first_chunk:
                self._write((self.writer.begin if self.first else self.writer.sep) + first_chunk)
                self.first = False
                while chunk := f.read(1 << 16):
                    self._write(chunk)
        part.unlink()

    def finish(self) -> None:
        if self.first:  # every input failed: say so on stderr, write nothing
            self.discard()
            return
        self._write(self.writer.end)
        if self.file is None:
            self.stdout.flush()
        else:
            self.file.commit()

    def discard(self) -> None:
        if self.file is not None:
            self.file.discard()


def _check(options: BatchOptions, paths: list[str]) -> None:
    if options.out_dir is not None and options.output is not None:
        raise OptionError("choose one of --out-dir (one output per input) and -o (one combined output)")
    if options.resume and options.out_dir is None:
        raise OptionError("--resume needs --out-dir: it compares each input with its own output")
    if options.output is not None and any(p != STDIN and _same(Path(p), options.output) for p in paths):
        raise OptionError(f"the output {options.output} is also an input; choose another -o")
    if paths.count(STDIN) > 1:
        raise OptionError("standard input ('-') can be read only once")
    if options.jobs < 0:
        raise OptionError("--jobs must be 0 (one per core) or more")
    if options.encoding_fallback:
        import codecs

        try:
            codecs.lookup(options.encoding_fallback)
        except LookupError as e:
            raise OptionError(f"unknown encoding {options.encoding_fallback!r} for --encoding-fallback") from e
    for folder in (options.out_dir, options.output.parent if options.output else None):
        if folder is not None:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise OptionError(f"cannot create the folder {folder}: {(e.strerror or str(e)).lower()}") from e


def _spool_stdin(temp_dir: Path, max_size: int | None) -> tuple[Path, str | None]:
    """Copy standard input to a file so a worker can stream it like any input.

    At most ``max_size`` bytes are copied: an endless pipe (``yes | refparse
    convert -``) must not fill the disk before the size limit is checked.

    Returns:
        The file, and why standard input is refused (over the limit) or ``None``.
    """
    path = temp_dir / "stdin"
    source: IO[bytes] = getattr(sys.stdin, "buffer", None) or sys.stdin  # type: ignore[assignment]
    copied = 0
    with path.open("wb") as f:
        while chunk := source.read(1 << 20):
            copied += len(chunk)
            if max_size and copied > max_size:
                limit = size_text(max_size)
                return path, f"standard input is over the --max-size limit of {limit}; raise it to convert"
            f.write(chunk)
            if len(chunk) < 1 << 20:  # a buffered read is short only at the end: one Ctrl-D on a terminal
                break
    return path, None


def _items(
    sources: Iterator[Source],
    options: BatchOptions,
    settings: Settings,
    temp_dir: Path,
    stdin: Path | None,
    is_input: Callable[[Path], bool],
    stdin_error: str | None = None,
) -> Iterator[Task | Ready[FileResult]]:
    """Tasks for the pool, in input order; inputs already decided come as :class:`Ready`."""
    seen: dict[str, str] = {}
    extension = "." + settings.writer.extension
    for seq, source in enumerate(sources):
        if source.error is not None:
            yield Ready(FileResult(input=source.label, seq=seq).fail("unreadable", source.error))
            continue
        if source.path is None and stdin_error is not None:
            yield Ready(FileResult(input=source.label, seq=seq).fail("too-large", stdin_error))
            continue
        path = source.path if source.path is not None else stdin
        output = part = None
        if options.out_dir is not None:
            out = options.out_dir / source.relative.with_suffix(extension)
            output = str(out)
            if output in seen:
                message = f"its output {output} would overwrite the output of {seen[output]}"
                yield Ready(FileResult(input=source.label, seq=seq).fail("output", message))
                continue
            seen[output] = source.label
            if source.path is not None and out.suffix == source.path.suffix and _same(out, source.path):
                message = f"its output would replace the input itself; choose another --out-dir than {options.out_dir}"
                yield Ready(FileResult(input=source.label, seq=seq).fail("output", message))
                continue
            if is_input(out):
                message = f"its output {output} would replace an input of this run; choose another --out-dir"
                yield Ready(FileResult(input=source.label, seq=seq).fail("output", message))
                continue
            if options.resume and source.path is not None and _newer(out, source.path):
                yield Ready(FileResult(input=source.label, output=output, status="skipped", seq=seq))
                continue
        else:
            part = str(temp_dir / f"{seq:09d}.part")
        yield Task(seq, source.label, str(path), output, part, settings)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links: RuntimeError before Python 3.13
        return False


def _newer(output: Path, source: Path) -> bool:
    try:
        return output.stat().st_mtime_ns > source.stat().st_mtime_ns
    except OSError:
        return False


class _InlineFlag:
    """The stop flag when converting in this process (set by the signal handler)."""

    def __init__(self) -> None:
        self.value = False

    def set(self) -> None:
        self.value = True

    def is_set(self) -> bool:
        return self.value


def _crashed(task: Task, message: str) -> FileResult:
    return FileResult(input=task.label, seq=task.seq).fail("crash", message)


@contextmanager
def _interruptible(stop: Callable[[], None]) -> Iterator[None]:
    """Ctrl-C (and SIGTERM) ask for a clean stop; a second Ctrl-C forces one.

    Why a flag and not the default KeyboardInterrupt: an exception raised at
    an arbitrary point could cut a report line or a combined output in half;
    the flag is polled where stopping is safe.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed = 0

    def handler(signum: int, frame: object) -> None:
        nonlocal pressed
        pressed += 1
        stop()
        if pressed > 1:
            raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def convert_paths(
    paths: Iterable[str | os.PathLike[str]],
    options: BatchOptions | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    stdout: TextIO | None = None,
    executor: Any = None,
) -> BatchSummary:
    """Convert files, folders and standard input; the library form of ``refparse convert``.

    Every input gets one :class:`FileResult`, in input order, whatever
    happens to it; bad inputs are results, not exceptions.

    Args:
        paths: files, folders (walked for ``options.globs``) or ``-``.
        options: output, parallelism and error handling.
        on_result: called with each result in input order (progress, messages).
        stdout: where a combined output goes when neither ``out_dir`` nor
            ``output`` is set (default ``sys.stdout``).
        executor: a Dask ``distributed.Client`` (or a
            :class:`~refparse.batch.cluster.DaskExecutor` around one, to tune it):
            the inputs are converted on its cluster instead of local processes
            (``jobs`` is then unused; ``enrich`` runs there too, through one actor).
            Outputs and the run's temporary folder must be on a file system
            every worker reaches.

    Returns:
        The run's totals; ``exit_code`` gives the CLI's exit status.

    Raises:
        OptionError: inconsistent or unknown options (nothing was converted).
        ClusterError: the executor's workers cannot run this refparse.
        KeyboardInterrupt: a second Ctrl-C while stopping (outputs finished
            so far are kept, temporary files removed).
    """
    started = time.perf_counter()
    options = options or BatchOptions()
    names = [os.fspath(p) for p in paths] or [STDIN]
    writer = make_writer(options.to, **options.export_options)
    _check(options, names)
    settings = Settings(writer, options.from_format, options.encoding_fallback or None,
                        options.max_size or None, options.enrich,
                        keep_warnings=options.report is not None or options.list_warnings,
                        keep_references=options.report is not None or options.list_references)
    summary = BatchSummary(strict=options.strict)
    exclude = [p for p in (options.out_dir, options.output) if p is not None]
    sources = iter_sources(names, options.globs, exclude)
    with ExitStack() as stack:
        is_input = input_matcher(names, options.globs)
        if options.report is not None and is_input(options.report):
            raise OptionError(f"the report {options.report} is also an input; choose another --report")
        report = stack.enter_context(_open_report(options.report)) if options.report else None
        temp_dir = Path(tempfile.mkdtemp(prefix=".refparse-", dir=options.output.parent if options.output else None))
        stack.callback(shutil.rmtree, temp_dir, ignore_errors=True)
        combined = None
        if options.out_dir is None:
            combined = _Combined(writer, options.output, stdout or sys.stdout)
            stack.callback(combined.discard)

        def finish(r: FileResult) -> None:
            if combined is not None and r.part is not None:
                combined.add(Path(r.part))
            summary.add(r)
            if report is not None:
                try:
                    report.write(json.dumps(r.record(), ensure_ascii=False) + "\n")
                    report.flush()
                except OSError as e:  # a full disk: stop, say where, keep what was written
                    raise RefparseError(f"cannot write the report {options.report}: {e.strerror or e}") from e
            if on_result is not None:
                on_result(r)

        remove_leftovers(options.out_dir if options.resume else None, options.output)
        head = list(itertools.islice(sources, 2))
        remaining = itertools.chain(head, sources)
        # Standard input is read first, before Ctrl-C is taken over: a blocked read must stay
        # interruptible, and a worker can then stream it like any file.
        stdin, stdin_error = _spool_stdin(temp_dir, settings.max_size) if STDIN in names else (None, None)
        items = _items(remaining, options, settings, temp_dir, stdin, is_input, stdin_error)
        jobs = options.jobs or available_cores()
        pool = None
        if executor is not None:  # a Dask cluster (refparse.batch.cluster)
            from .cluster import ClusterRun

            cluster = ClusterRun(executor, enrich=options.enrich)
            stack.callback(cluster.close)
            should_stop, stop = cluster.is_stopped, cluster.stop
            results = cluster.run(items)
        elif jobs > 1 and len(head) > 1 and options.enrich is None:
            context = default_context()
            if context.get_start_method() == "fork":
                from .. import plans

                plans.load()  # read the plan store once; forked workers inherit it
            pool = OrderedPool(convert_file, jobs, on_crash=_crashed, context=context)
            stack.callback(pool.close)
            should_stop = pool.flag.is_set
            stop = pool.stop
            results = pool.run(items)
        else:
            inline = _InlineFlag()
            should_stop, stop = inline.is_set, inline.set
            results = run_inline(convert_file, items, should_stop)
        with _interruptible(stop):
            for task, result in results:
                if result is None:  # read but never started
                    result = FileResult(input=task.label, seq=task.seq, status="not-done")
                finish(result)
            if should_stop():
                for source in remaining:
                    finish(FileResult(input=source.label, status="not-done"))
                # Else all was done anyway; an input whose lookups were cut short was not.
                summary.stopped = bool(summary.interrupted or summary.not_done or summary.cut_short)
        if combined is not None and not (summary.interrupted or summary.not_done):
            combined.finish()  # every input is in it (lookups cut short are marked on their references)
    summary.seconds = time.perf_counter() - started
    return summary


@contextmanager
def _open_report(path: Path) -> Iterator[TextIO]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A file name with bytes that are not UTF-8 holds lone surrogates: written as JSON's \udcXX escapes.
        f = path.open("w", encoding="utf-8", errors="backslashreplace")
    except OSError as e:
        raise OptionError(f"cannot write the report {path}: {(e.strerror or str(e)).lower()}") from e
    try:
        yield f
    finally:
        try:
            f.close()
        except OSError as e:  # the last buffered line did not fit (a full disk)
            if sys.exc_info()[0] is None:
                raise RefparseError(f"cannot write the report {path}: {e.strerror or e}") from e
