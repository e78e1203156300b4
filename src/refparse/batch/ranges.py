r"""One large input converted as ranges of references in parallel, byte for byte as one piece.

Why: on a cluster, a single input of a million references would otherwise be
one task on one core while the others wait. The reference list of a file is
found by a sequential pass (the splitter's numbering decides where each
reference starts, and a restart of the numbering changes what follows), so
the work is cut in three steps:

1. :func:`plan_ranges` (one task) reads the file once in large line-aligned
   binary chunks and runs the splitter over it — without parsing, about a
   fifth of the conversion's time. It records, every :data:`PIECE_REFS`
   references, where a piece starts (the byte offset of a chunk and the
   label line of its first reference) and a fingerprint of the piece's
   blocks: number, first and last line, list number of every reference.
   Then it groups the pieces into ranges: at most ``range_refs``
   references each, and at least two ranges per worker thread while
   pieces last, so the cluster's threads share the input evenly.
2. :func:`convert_range` (a task per range, in parallel) seeks to its chunk
   and runs a fresh splitter over its lines only, up to and including the
   label line of the next range's first reference (so its last reference
   ends exactly where the whole file's does). If its blocks' fingerprint is
   not the recorded one — a numbering restart or a stray label near the cut
   reads differently out of context — it falls back to streaming the file
   from the start, skipping the blocks before its range unparsed: slower,
   never different. Its citations go to a fragment file (items and
   separators only), written atomically.
3. :func:`join_ranges` (one task, after them) writes the output: the
   format's envelope around the fragments joined by its separator, replacing
   the fragments' marked base keys by unique keys in output order
   (:class:`~refparse.batch.writers.Rekeyer`, so a key colliding across two
   ranges gets its letter as in a one-piece run; a share of a combined
   output keeps its marks for the process that joins the shares), and
   merges the ranges' counts into one :class:`FileResult`. A range whose
   first reference is a same-author dash ("———.") takes the authors of the
   reference before it, read from the file as one piece would.

Inputs the stream cannot cut — cards, the ``text`` bibliography (rendered
whole), encodings whose newline is not the byte ``\n`` (UTF-16), files with
few references — are converted whole by :func:`plan_ranges` itself.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import hashlib
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from ..errors import CacheError
from ..layouts.base import Block
from ..layouts.linebroken.split import DocumentStream
from ..lexer import is_same_authors
from ..models import Citation
from ..pipeline import parse_block
from ..read import Line, clean_lines
from .convert import FileResult, Task, _tally, convert_file, input_format
from .convert import _chunks as _citation_chunks
from .files import check_file, sniff_encoding
from .writers import TEMP_SUFFIX, AtomicFile, Rekeyer

#: References per range at most (a few seconds of work: the per-task cost of a scheduler is milliseconds).
RANGE_REFS = 20_000
#: References per piece: ranges are made of whole pieces (a tenth of a second of work each).
PIECE_REFS = 1_000
#: Bytes read at a time; a range starts at one of these chunks (then skips to its first reference).
CHUNK_BYTES = 1 << 18
#: Citations between two looks at the stop flag.
_CHECK_EVERY = 32
#: Codecs in which the bytes ``\n`` and ``\r`` are always line ends (so a file can be cut there).
_BYTE_NEWLINE_CODECS = frozenset({"utf-8", "utf-8-sig", "ascii", "latin-1", "iso8859-15", "mac-roman"})

ShouldStop = Callable[[], bool]


@dataclass(frozen=True)
class Range:
    """One range of references of an input.

    Attributes:
        index: its position among the input's ranges (0-based).
        first: the index of its first reference in the whole input (0-based).
        count: references in it.
        offset: byte offset of the chunk holding its first reference's label line.
        chunk_line: the line number of that chunk's first line.
        label_line: the label line of its first reference.
        list_base: the list number of its first reference (after restarts).
        stop_line: the label line of the next range's first reference (``None`` for the last).
        digests: the fingerprint of each of its pieces in the whole input.
        piece: references per piece (the last piece of the input may have fewer).
    """

    index: int
    first: int
    count: int
    offset: int
    chunk_line: int
    label_line: int
    list_base: int
    stop_line: int | None
    digests: tuple[bytes, ...]
    piece: int


@dataclass(frozen=True)
class RangePlan:
    """How one input is cut: what :func:`plan_ranges` returns when it is worth cutting."""

    task: Task
    encoding: str
    fell_back: bool
    format: str
    ranges: tuple[Range, ...] = field(default=())

    def fragment(self, r: int) -> str:
        """The fragment file of range ``r``: hidden, beside the output, where every worker writes."""
        target = Path(self.task.output or self.task.part or "")
        return str(target.with_name(f".{target.name}.range{r:06d}{TEMP_SUFFIX}"))


def byte_cuttable(encoding: str) -> bool:
    r"""Whether a file in this codec can be read from any ``\n`` byte on (UTF-8, single-byte codecs)."""
    name = codecs.lookup(encoding).name
    return name in _BYTE_NEWLINE_CODECS or name.startswith(("cp125", "iso8859-"))


def _chunks(path: Path, encoding: str, offset: int) -> Iterator[tuple[int, str]]:
    r"""``(byte offset, text)`` of line-aligned chunks from ``offset`` on.

    A chunk ends after its last ``\n`` (or after a ``\r`` that is not its last
    byte), so no line end — ``\r\n`` included — is cut in two.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as f:
        f.seek(offset)
        pending = b""
        start = offset
        while True:
            data = f.read(CHUNK_BYTES)
            buffer = pending + data
            if not data:
                if buffer:
                    yield start, decoder.decode(buffer, final=True)
                return
            cut = buffer.rfind(b"\n") + 1
            if not cut:
                cut = buffer.rfind(b"\r", 0, len(buffer) - 1) + 1
            if not cut:
                pending = buffer
                continue
            yield start, decoder.decode(buffer[:cut])
            pending, start = buffer[cut:], start + cut


def read_lines(chunks: Iterable[tuple[int, str]], first_line: int = 1,
               marks: list[tuple[int, int]] | None = None) -> Iterator[Line]:
    """The non-blank lines of line-aligned chunks, numbered as :func:`refparse.read.iter_lines` numbers a file.

    Args:
        chunks: from :func:`_chunks`.
        first_line: the number of the first chunk's first line.
        marks: if given, gets ``(first line number, byte offset)`` of every chunk.
    """
    number = first_line - 1
    first = True
    for offset, text in chunks:
        if first:
            first = False
            text = text.removeprefix("\ufeff")
        if marks is not None:
            marks.append((number + 1, offset))
        lines = clean_lines(text)
        if not text or text[-1] in "\n\r":
            lines.pop()  # the chunk's last line end: nothing follows it in this chunk
        for n, line in enumerate(lines, number + 1):
            if line:
                yield Line(n, line)
        number += len(lines)


def _fingerprint(digest: hashlib.blake2b, block: Block) -> None:
    start, end = block.span
    digest.update(struct.pack("<qqqq", block.number if block.number is not None else -1, start, end,
                              block.list_number))


def plan_ranges(task: Task, range_refs: int = RANGE_REFS, threads: int = 1,
                should_stop: ShouldStop = lambda: False) -> FileResult | RangePlan:
    """Decide how to convert an input: whole (done here, the result returned) or cut in ranges.

    Args:
        task: the input.
        range_refs: references per range at most.
        threads: the cluster's worker threads: the input is cut into at least
            twice as many ranges (of whole pieces) when it has the pieces.
        should_stop: the run's stop flag.

    Returns:
        The finished :class:`FileResult`, or the :class:`RangePlan` to run
        (when the input makes two ranges or more).
    """
    settings = task.settings
    path = Path(task.path)
    try:
        check_file(path, settings.max_size)
        encoding, fell_back = sniff_encoding(path, settings.encoding_fallback)
        fmt = settings.from_format or input_format(path, encoding)
    except Exception:  # convert_file says what is wrong, exactly as for any input
        return convert_file(task, should_stop)
    if fmt != "linebroken" or settings.writer.whole or not byte_cuttable(encoding):
        return convert_file(task, should_stop)
    piece = min(PIECE_REFS, range_refs)
    marks: list[tuple[int, int]] = []
    starts: list[tuple[int, int, int]] = []  # (index, label line, list number) of each piece's first block
    digests: list[bytes] = []
    digest = hashlib.blake2b(digest_size=16)
    count = 0
    for count, block in enumerate(DocumentStream(read_lines(_chunks(path, encoding, 0), 1, marks)), 1):
        if (count - 1) % piece == 0:
            if count > 1:
                digests.append(digest.digest())
                digest = hashlib.blake2b(digest_size=16)
            if should_stop():
                return FileResult(input=task.label, seq=task.seq, status="interrupted")
            starts.append((count - 1, block.label_line, block.list_number))
        _fingerprint(digest, block)
    digests.append(digest.digest())
    wanted = max(-(-count // range_refs), min(2 * threads, len(starts)))
    if wanted < 2:
        return convert_file(task, should_stop)
    per = -(-len(starts) // wanted)  # pieces per range
    lines = [m[0] for m in marks]
    ranges = []
    for r, g in enumerate(range(0, len(starts), per)):
        first, label_line, list_base = starts[g]
        chunk_line, offset = marks[bisect.bisect_right(lines, label_line) - 1]
        following = starts[g + per] if g + per < len(starts) else None
        end = following[0] if following else count
        ranges.append(Range(r, first, end - first, offset, chunk_line, label_line, list_base,
                            following[1] if following else None, tuple(digests[g:g + per]), piece))
    return RangePlan(task, encoding, fell_back, fmt, tuple(ranges))


def _range_lines(plan: RangePlan, rng: Range) -> Iterator[Line]:
    """The lines from the range's first label line to the next range's (included), or to the end."""
    for line in read_lines(_chunks(Path(plan.task.path), plan.encoding, rng.offset), rng.chunk_line):
        if line.number < rng.label_line:
            continue
        yield line
        if rng.stop_line is not None and line.number >= rng.stop_line:
            return


def _cut_blocks(plan: RangePlan, rng: Range) -> list[Block] | None:
    """The range's blocks read from its own lines, or ``None`` when they differ from the whole file's."""
    blocks: list[Block] = []
    digests = []
    digest = hashlib.blake2b(digest_size=16)
    for block in DocumentStream(_range_lines(plan, rng)):
        if len(blocks) == rng.count:  # the next range's first reference: it ends the last one
            break
        if blocks and len(blocks) % rng.piece == 0:
            digests.append(digest.digest())
            digest = hashlib.blake2b(digest_size=16)
        block = block._replace(list_number=block.list_number + rng.list_base - 1)
        _fingerprint(digest, block)
        blocks.append(block)
    digests.append(digest.digest())
    # (The first block's span starts at the range's label line, so no line was read as a preface.)
    if len(blocks) != rng.count or tuple(digests) != rng.digests:
        return None
    return blocks


def _whole_file_blocks(plan: RangePlan, rng: Range) -> Iterator[Block]:
    """The range's blocks from a pass over the whole file (the exact, slower way)."""
    lines = read_lines(_chunks(Path(plan.task.path), plan.encoding, 0))
    for index, block in enumerate(DocumentStream(lines)):
        if index >= rng.first + rng.count:
            return
        if index >= rng.first:
            yield block


def _write_fragment(plan: RangePlan, rng: Range, result: FileResult, blocks: Iterable[Block],
                    should_stop: ShouldStop) -> None:
    task, writer = plan.task, plan.task.settings.writer
    citations: Iterable[Citation] = _parsed(plan, rng, blocks)
    enrich = task.settings.enrich
    if enrich is not None:  # in chunks, as a whole input is enriched
        citations = (c for chunk in _citation_chunks(citations, 16) for c in enrich(chunk))
    with AtomicFile(Path(plan.fragment(rng.index))) as out:
        for i, c in enumerate(citations):
            if i % _CHECK_EVERY == 0 and should_stop():
                raise KeyboardInterrupt
            _tally(result, c, task.settings.keep_warnings, task.settings.keep_references)
            out.write(("" if i == 0 else writer.sep) + writer.item(c))  # marked keys: the join allocates


def _parsed(plan: RangePlan, rng: Range, blocks: Iterable[Block]) -> Iterator[Citation]:
    """The range's citations, each parsed knowing the one before (same-author dashes)."""
    previous: Citation | None = None
    for k, block in enumerate(blocks):
        if k == 0 and rng.first > 0 and _dashed(block):
            previous = _citation_before(plan, rng.first)
        previous = parse_block(block, None, previous)
        yield previous


def _dashed(block: Block) -> bool:
    return bool(block.lines) and is_same_authors(block.lines[0].text)


def _citation_before(plan: RangePlan, first: int) -> Citation | None:
    """The citation before block ``first``, parsed from the last one not a dash (the slow, exact way)."""
    chain: list[Block] = []
    lines = read_lines(_chunks(Path(plan.task.path), plan.encoding, 0))
    for block in islice(DocumentStream(lines), first):
        chain = [*chain, block] if _dashed(block) else [block]
    previous: Citation | None = None
    for block in chain:
        previous = parse_block(block, None, previous)
    return previous


def convert_range(plan: RangePlan, r: int, should_stop: ShouldStop = lambda: False) -> FileResult:
    """Convert one range of a planned input into its fragment file.

    Returns:
        A partial :class:`FileResult`: its counts and warnings, ``part`` the
        fragment; ``failed`` or ``interrupted`` when it could not finish (then
        no fragment exists).
    """
    started = time.perf_counter()
    rng = plan.ranges[r]
    result = FileResult(input=plan.task.label, seq=plan.task.seq)
    if should_stop():
        result.status = "not-done"
        return result
    try:
        blocks = _cut_blocks(plan, rng)
        _write_fragment(plan, rng, result, blocks if blocks is not None else _whole_file_blocks(plan, rng),
                        should_stop)
        result.part = plan.fragment(r)
    except KeyboardInterrupt:
        result = FileResult(input=plan.task.label, seq=plan.task.seq, status="interrupted")
    except OSError as e:
        result.fail("unreadable", f"cannot read or write: {(e.strerror or str(e)).lower()}")
    except CacheError:  # the Crossref cache (or the cluster's enrichment actor) is gone: the caller decides
        raise
    except Exception as e:  # a bug in refparse: reported as data, as convert_file does
        result.fail("internal", f"internal error ({type(e).__name__}: {e}); please report it")
    result.seconds = time.perf_counter() - started
    return result


def _merge(plan: RangePlan, parts: Iterable[FileResult]) -> FileResult:
    task = plan.task
    out = FileResult(input=task.label, seq=task.seq, format=plan.format, encoding=plan.encoding)
    if plan.fell_back:
        out.warning_count += 1
        out.warnings.append({"reference": None, "line": None, "code": "encoding",
                             "message": f"not valid UTF-8; decoded as {task.settings.encoding_fallback}"})
    for p in parts:
        out.references += p.references
        out.parsed += p.parsed
        out.unparsed += p.unparsed
        out.warnings += p.warnings
        out.unparsed_references += p.unparsed_references
        out.warning_count += p.warning_count
        out.placed_all = out.placed_all and p.placed_all
        out.suspect += p.suspect
        out.suspect_references += p.suspect_references
        out.not_looked_up += p.not_looked_up
        for code, n in p.warning_kinds.items():
            out.warning_kinds[code] = out.warning_kinds.get(code, 0) + n
        out.seconds += p.seconds
    return out


def join_ranges(plan: RangePlan, *parts: FileResult) -> FileResult:
    """Write the input's output from its ranges' fragments (atomically) and merge their results.

    Args:
        plan: the input's plan.
        *parts: the results of :func:`convert_range`, in range order.

    Returns:
        The input's :class:`FileResult`, as :func:`convert_file` would give it.
    """
    fragments = [Path(plan.fragment(r.index)) for r in plan.ranges]
    try:
        bad = next((p for p in parts if p.status not in ("ok", "warning")), None)
        result = _merge(plan, parts)
        if bad is not None:
            if bad.status == "failed":
                return result.fail(bad.reason or "internal", bad.error or "a range failed")
            result.status, result.output = "interrupted", None
            return result
        task, writer = plan.task, plan.task.settings.writer
        whole_document = task.output is not None
        target = Path(task.output or task.part or "")
        try:
            # a whole output gets its keys here; a share of a combined output keeps the marks
            rekey = Rekeyer() if whole_document and writer.keyed else None
            with AtomicFile(target) as out:
                out.write(writer.begin if whole_document else "")
                for k, fragment in enumerate(fragments):
                    out.write("" if k == 0 else writer.sep)
                    with fragment.open(encoding="utf-8", newline="") as f:
                        while chunk := f.read(1 << 16):
                            out.write(rekey.feed(chunk) if rekey is not None else chunk)
                out.write(writer.end if whole_document else "")
        except OSError as e:
            return result.fail("output", f"cannot write {target}: {(e.strerror or str(e)).lower()}")
        result.output, result.part = task.output, task.part
        if result.unparsed or result.suspect or plan.fell_back or not result.placed_all or result.not_looked_up:
            result.status = "warning"
        return result
    finally:
        for fragment in fragments:
            with contextlib.suppress(OSError):
                fragment.unlink()


def finish_plan(plan: RangePlan) -> FileResult:
    """The input's result when its ranges will not run (the run was stopped after planning)."""
    task = plan.task
    return FileResult(input=task.label, seq=task.seq, status="interrupted", format=plan.format,
                      encoding=plan.encoding)
