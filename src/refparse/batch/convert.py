"""One input file → one output: the work a batch worker does.

:func:`convert_file` never raises: whatever goes wrong with an input (it is
missing, unreadable, empty, binary, too large, in no known encoding or
format, has no references) becomes a :class:`FileResult` with
``status="failed"``, a stable ``reason`` code and one clear message, so one
bad file never stops a run. The file is read as a stream
(:class:`refparse.pipeline.CitationStream`) and written as a stream
(:mod:`refparse.batch.writers`), so memory does not grow with its size.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from .. import layouts
from ..detect import detect_format
from ..errors import CacheError, InputError, RefparseError
from ..models import Citation
from ..pipeline import CitationStream
from .files import DEFAULT_MAX_SIZE, RejectedInputError, check_file, open_text, sniff_encoding
from .writers import AtomicFile, StreamWriter

#: Characters read to decide the input format before parsing as a stream.
HEAD_CHARS = 1 << 20
#: Citations between two looks at the stop flag.
_CHECK_EVERY = 32
#: Citations sent to the enrich step at a time.
_ENRICH_CHUNK = 16
#: Warning codes of a reference whose Crossref lookup failed or was skipped (as refparse.enrich.NOT_LOOKED_UP,
#: which is not imported here: a conversion without --enrich never loads the enrich stage).
_NOT_LOOKED_UP = frozenset({"enrich-failed", "enrich-skipped"})

Status = Literal["ok", "warning", "failed", "skipped", "interrupted", "not-done"]


@dataclass(frozen=True)
class Settings:
    """Everything a worker needs to convert any input (sent with each task).

    Attributes:
        writer: the output format and its options.
        from_format: force an input format (``linebroken``, ``card``); ``None`` detects it.
        encoding_fallback: codec tried when the bytes are not UTF-8; ``None`` refuses them.
        max_size: largest input in bytes; ``None`` for no limit.
        enrich: a callable applied to each input's citations (chunks), or ``None``.
        keep_warnings: list every warning in the result (a report was asked
            for); else only count them. Why: the list of one input grows
            with its length, and a file of a million references must not.
        keep_references: list each reference not fully parsed (or suspect) in the
            result, for the report and the console; else only count them (the
            same reason: a twentieth of a long page may be such references).
    """

    writer: StreamWriter
    from_format: str | None = None
    encoding_fallback: str | None = "cp1252"
    max_size: int | None = DEFAULT_MAX_SIZE
    enrich: Callable[..., list[Citation]] | None = None
    keep_warnings: bool = True
    keep_references: bool = True


@dataclass(frozen=True)
class Task:
    """One input to convert.

    Attributes:
        seq: its position in the run (0-based): results come back in this order.
        label: its name in messages and the report (the path as found, ``<stdin>``).
        path: the file to read.
        output: the output file (``--out-dir`` mode), or ``None``.
        part: the fragment file of a combined output (``-o``/stdout mode), or ``None``.
        settings: how to convert.
    """

    seq: int
    label: str
    path: str
    output: str | None
    part: str | None
    settings: Settings


@dataclass
class FileResult:
    """What became of one input: the line the report writes for it.

    Attributes:
        input: the input's label.
        output: the output file written (``None`` when nothing was written).
        status: ``ok``; ``warning`` (converted, but some references were not
            fully parsed or the encoding was a fallback); ``failed``;
            ``skipped`` (``--resume``: output newer than input);
            ``interrupted`` (stopped while converting); ``not-done``
            (never started because the run was stopped).
        reason: for failures, a stable code (see :class:`RejectedInputError`).
        error: for failures, one clear sentence.
        format: the input format read.
        encoding: the codec the bytes were decoded with.
        references: references found.
        parsed: references the grammar accepted whole.
        unparsed: references kept with recovered fields only.
        suspect: references parsed whole whose fields fail a plausibility
            check (counted in ``parsed`` too; see :mod:`refparse.plausible`).
        warnings: every diagnostic: ``{"reference", "line", "code", "message"}``
            (when the settings keep them; ``warning_count`` counts them always).
        unparsed_references: ``{"reference", "lines", "reason"}`` per unparsed one.
        suspect_references: ``{"reference", "lines", "reason"}`` per suspect one.
        not_looked_up: references whose Crossref lookup (``--enrich``,
            ``--verify``) failed or was skipped (service unavailable, time
            limit, interrupt): their DOIs are unknown, not absent.
        seconds: wall time spent on this input.
    """

    input: str
    output: str | None = None
    status: Status = "ok"
    reason: str | None = None
    error: str | None = None
    format: str | None = None
    encoding: str | None = None
    references: int = 0
    parsed: int = 0
    unparsed: int = 0
    suspect: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    unparsed_references: list[dict[str, Any]] = field(default_factory=list)
    suspect_references: list[dict[str, Any]] = field(default_factory=list)
    not_looked_up: int = 0
    seconds: float = 0.0
    seq: int = field(default=-1, repr=False)
    part: str | None = field(default=None, repr=False)
    warning_count: int = field(default=0, repr=False)
    placed_all: bool = field(default=True, repr=False)
    #: references (inputs, for ``encoding``) per warning code: what a terminal shows instead of each line
    warning_kinds: dict[str, int] = field(default_factory=dict, repr=False)
    cut_short: bool = field(default=False, repr=False)

    def record(self) -> dict[str, Any]:
        """The report's JSON object (internal fields left out)."""
        data = asdict(self)
        for internal in ("seq", "part", "warning_count", "placed_all", "warning_kinds", "cut_short"):
            del data[internal]
        data["seconds"] = round(self.seconds, 4)
        return data

    def fail(self, reason: str, message: str) -> FileResult:
        """Mark as failed (nothing written) and return self."""
        self.status, self.reason, self.error, self.output = "failed", reason, message, None
        return self


def input_format(path: Path, encoding: str) -> str:
    """Detect the input format from the file's first :data:`HEAD_CHARS` characters.

    Why the head: the format shows in the first references or cards, and
    reading a whole large file into memory only to choose a parser would
    defeat streaming. Only when the head matches no format and the file
    goes on is the whole text tried.

    Raises:
        RejectedInputError: no known format (reason ``no-references``).
    """
    with open_text(path, encoding) as f:
        head = f.read(HEAD_CHARS)
        more = bool(f.read(1))
    try:
        return detect_format(head)
    except InputError as e:
        if not more:
            raise RejectedInputError("no-references", f"no references found: {e}") from e
    with open_text(path, encoding) as f:
        try:
            return detect_format(f.read())
        except InputError as e:
            raise RejectedInputError("no-references", f"no references found: {e}") from e


def _citations(path: Path, encoding: str, fmt: str, notes: list[str]) -> Iterator[Citation]:
    """The input's citations as a stream; document warnings land in ``notes`` at the end."""
    found = layouts.get(fmt)
    with open_text(path, encoding) as f:
        if not layouts.is_layout(found):  # a document format (cards) is read whole; such files are small
            result = found.parse(f.read())
            yield from result.citations
            notes.extend(w.message for w in result.warnings)
            return
        stream = CitationStream(f, found)
        yield from stream
        notes.extend(w.message for w in stream.result().warnings)


def _chunks(citations: Iterable[Citation], size: int) -> Iterator[list[Citation]]:
    chunk: list[Citation] = []
    for c in citations:
        chunk.append(c)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _tally(result: FileResult, c: Citation, keep_warnings: bool, keep_references: bool = True) -> None:
    result.references += 1
    line = c.span.start if c.span else None
    if c.status == "parsed":
        result.parsed += 1
    elif c.status == "suspect":  # parsed, but its fields fail a plausibility check
        result.parsed += 1
        result.suspect += 1
        if keep_references:
            lines = [c.span.start, c.span.end] if c.span else None
            result.suspect_references.append({"reference": c.number, "lines": lines, "reason": c.reason})
    else:
        result.unparsed += 1
        if keep_references:
            lines = [c.span.start, c.span.end] if c.span else None
            result.unparsed_references.append({"reference": c.number, "lines": lines, "reason": c.reason})
    if not c.warnings:
        return
    result.warning_count += len(c.warnings)
    for code in {w.code for w in c.warnings}:
        result.warning_kinds[code] = result.warning_kinds.get(code, 0) + 1
    if any(w.code in _NOT_LOOKED_UP for w in c.warnings):
        result.not_looked_up += 1
    if result.placed_all and any(w.code == "unplaced" for w in c.warnings):
        result.placed_all = False
    if keep_warnings:
        for w in c.warnings:
            result.warnings.append({"reference": c.number, "line": w.line or line, "code": w.code,
                                    "message": w.message})


def _unwritable(target: Path, e: OSError) -> RejectedInputError:
    return RejectedInputError("output", f"cannot write {target}: {(e.strerror or str(e)).lower()}")


def _write(task: Task, result: FileResult, citations: Iterable[Citation], should_stop: Callable[[], bool]) -> None:
    """Stream citations into the task's output (or fragment) and commit it."""
    writer = task.settings.writer
    target = Path(task.output or task.part or "")
    whole_document = task.output is not None
    try:
        out = AtomicFile(target)
    except OSError as e:
        raise _unwritable(target, e) from e

    def put(text: str) -> None:
        try:
            out.write(text)
        except OSError as e:  # a full disk is the output's problem, not the input's
            raise _unwritable(target, e) from e

    # Keys are unique in an output: a whole output allocates them here; in a share of a
    # combined output they are marked and allocated by the process that joins the shares.
    allocate = None
    if whole_document and writer.keyed:
        from ..export.keys import KeyAllocator, base_key

        allocate = KeyAllocator()
    try:
        kept: list[Citation] = []
        for index, c in enumerate(citations):
            if index % _CHECK_EVERY == 0 and should_stop():
                raise KeyboardInterrupt
            _tally(result, c, task.settings.keep_warnings, task.settings.keep_references)
            if writer.whole:
                kept.append(c)
                continue
            lead = (writer.begin if whole_document else "") if index == 0 else writer.sep
            put(lead + writer.item(c, allocate(base_key(c)) if allocate is not None else None))
        if result.references == 0:
            out.discard()
            return
        if writer.whole:
            put(writer.render_whole(kept))
        elif whole_document:
            put(writer.end)
        try:
            out.commit()
        except OSError as e:
            raise _unwritable(target, e) from e
    except BaseException:
        out.discard()
        raise


def _convert(task: Task, result: FileResult, should_stop: Callable[[], bool]) -> None:
    settings = task.settings
    path = Path(task.path)
    check_file(path, settings.max_size)
    result.encoding, fell_back = sniff_encoding(path, settings.encoding_fallback)
    if fell_back:
        result.warning_count += 1
        result.warning_kinds["encoding"] = 1
        result.warnings.append({
            "reference": None, "line": None, "code": "encoding",
            "message": f"not valid UTF-8 throughout; the bytes that are not were decoded as "
                       f"{settings.encoding_fallback}, the rest as UTF-8",
        })
    if should_stop():
        raise KeyboardInterrupt
    result.format = settings.from_format or input_format(path, result.encoding)
    notes: list[str] = []
    citations = _citations(path, result.encoding, result.format, notes)
    stop_writing = should_stop
    if settings.enrich is not None:
        citations = _enriched(citations, settings.enrich, should_stop, result)
        # A stop ends the lookups, not the conversion: what was parsed (and looked up) is written.
        stop_writing = _never
    _write(task, result, citations, stop_writing)
    if result.references == 0:
        reasons = "; ".join(notes) or "no references"
        raise RejectedInputError("no-references", f"no references found: {reasons}")
    result.output = task.output
    result.part = task.part
    if result.cut_short and task.output is not None:
        _date_as_input(Path(task.output), path)
    # Text kept in a note because no field took it is not a full parse either; a DOI not looked up is unknown.
    if result.unparsed or result.suspect or fell_back or not result.placed_all or result.not_looked_up:
        result.status = "warning"


def _never() -> bool:
    return False


def _enriched(
    citations: Iterable[Citation],
    enrich: Callable[..., list[Citation]],
    should_stop: Callable[[], bool],
    result: FileResult,
) -> Iterator[Citation]:
    """The citations through the enrich step, in small chunks.

    An enrich step that says it is ``stoppable`` (:class:`refparse.enrich.Enricher`)
    gets the stop predicate: at a stop it abandons its requests and marks the
    references it did not look up, and the rest of the input is still parsed
    and written — the interrupt costs the lookups, never the conversion.
    Another callable is called as before, one chunk at a time.
    """
    stoppable = getattr(enrich, "stoppable", False)
    for chunk in _chunks(citations, _ENRICH_CHUNK):
        if stoppable:
            out = enrich(chunk, should_stop)
        elif should_stop():
            raise KeyboardInterrupt
        else:
            out = enrich(chunk)
        if should_stop():
            result.cut_short = True
        yield from out


def _date_as_input(output: Path, source: Path) -> None:
    """Give an output whose lookups were cut short its input's time, so ``--resume`` converts it again."""
    try:
        mtime = source.stat().st_mtime_ns
        os.utime(output, ns=(mtime, mtime))
    except OSError:  # the output stays newer: --resume will keep it as it is
        pass


def convert_file(task: Task, should_stop: Callable[[], bool] = lambda: False) -> FileResult:
    """Convert one input file; a bad input is a result, never an exception.

    Args:
        task: what to convert and where to write it.
        should_stop: polled every few references; when it returns True the
            conversion stops, its temporary output is removed, and the result
            says ``interrupted``.

    Returns:
        The input's :class:`FileResult`; on failure nothing was written.

    Raises:
        CacheError: the Crossref cache (``--enrich``) is unusable: not one
            input's problem, so the run stops with one message.
    """
    started = time.perf_counter()
    result = FileResult(input=task.label, seq=task.seq)
    if should_stop():  # queued before the stop: not even started
        result.status = "not-done"
        return result
    try:
        _convert(task, result, should_stop)
    except RejectedInputError as e:
        result.fail(e.reason, str(e))
    except CacheError:  # the Crossref cache is unusable: every input would fail alike; stop the run
        raise
    except RefparseError as e:
        result.fail("input", str(e))
    except OSError as e:
        result.fail("unreadable", f"cannot read: {(e.strerror or str(e)).lower()}")
    except KeyboardInterrupt:
        result.status, result.output = "interrupted", None
    except Exception as e:  # a bug in refparse: reported as data, never a traceback
        result.fail("internal", f"internal error ({type(e).__name__}: {e}); please report it")
    result.seconds = time.perf_counter() - started
    return result
