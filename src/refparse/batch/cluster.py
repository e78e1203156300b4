"""The batch converter on a Dask cluster: the same run, the work spread over many machines.

:func:`refparse.batch.convert_paths` hands its tasks to :class:`ClusterRun`
when given ``executor=`` (a ``distributed.Client``); everything else — which
inputs, resume, the report, the combined output, the exit status — stays in
:mod:`.run`, so a cluster run and a local one differ only in who converts.

* **Tasks.** Small inputs go in batches (about :data:`BATCH_BYTES` of text
  each: a scheduler spends about a millisecond on a task, an input of 60
  references takes ten), so per-task costs stay out of the way; while fewer
  batches are in flight than the cluster has threads, batches are cut
  short so that no worker waits for a batch to fill. An input of
  :data:`SPLIT_BYTES` or more is a task of its own, which may cut it into
  ranges of references converted in parallel (:mod:`.ranges`).
* **Outputs** are written by the workers, each complete or not at all
  (:class:`~refparse.batch.writers.AtomicFile`), to the path the client
  computed: ``--out-dir`` and ``-o`` must be on a file system every worker
  reaches. The client checks that each output a worker reports is there,
  so a worker writing to a disk of its own is a failed input, never a
  silent loss.
* **Order and memory.** Results come back in input order; at most a window
  of inputs is between reading and reporting, however many there are.
* **A lost worker** (killed, out of memory, its machine gone) costs nothing:
  Dask runs its tasks again elsewhere (an output is replaced by an
  identical one), and the report has each input once. A batch that kills
  workers again and again is retried one input at a time, so only the
  input at fault is reported as ``crash``.
* **Stopping** (Ctrl-C) sets a ``distributed.Event`` that tasks poll (at
  most every :data:`STOP_POLL` seconds, between references), so they end
  cleanly and remove their temporary files, as in a local run.
* **Enrichment**: see :mod:`.cluster_enrich` (one actor owns Crossref's
  rate limit and the cache for the whole cluster).
"""

from __future__ import annotations

import contextlib
import os
import queue
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from importlib import import_module
from pathlib import Path
from typing import Any

from ..errors import CacheError, ClusterError, OptionError
from .cluster_enrich import ClusterEnricher, EnricherLostError
from .convert import FileResult, Task, convert_file
from .pool import Ready
from .ranges import RANGE_REFS, RangePlan, convert_range, finish_plan, join_ranges, plan_ranges

#: Text per batch of small inputs (about a fifth of a second of work).
BATCH_BYTES = 256 * 1024
#: Inputs per batch at most.
BATCH_FILES = 64
#: Inputs at least this large get a task of their own, which may cut them into ranges.
SPLIT_BYTES = 4 * 1024 * 1024
#: Seconds between two looks at the stop event from one worker process.
STOP_POLL = 0.5

_stop_seen: dict[str, tuple[float, bool]] = {}


def _stopped(name: str) -> bool:
    """The stop event, read at most every :data:`STOP_POLL` seconds per worker process."""
    now = time.monotonic()
    seen = _stop_seen.get(name)
    if seen is not None and (seen[1] or now - seen[0] < STOP_POLL):
        return seen[1]
    try:
        value = bool(_event(name).is_set())
    except Exception:  # the scheduler is unreachable: go on; a lost client cancels the work anyway
        value = False
    _stop_seen[name] = (now, value)
    return value


def _event(name: str, client: Any = None) -> Any:
    """The ``distributed.Event`` of that name (the worker's own client inside a task)."""
    distributed: Any = import_module("distributed")
    return distributed.Event(name, client=client)


def _stop_flag(name: str) -> Callable[[], bool]:
    return lambda: _stopped(name)


# ----------------------------------------------------------------- what the workers run
def convert_batch(tasks: list[Task], stop: str) -> list[FileResult]:
    """Convert a batch of inputs on a worker, in order."""
    should_stop = _stop_flag(stop)
    return [convert_file(task, should_stop) for task in tasks]


def plan_input(task: Task, range_refs: int, threads: int, stop: str) -> FileResult | RangePlan:
    """Convert a large input whole, or plan its ranges (:func:`.ranges.plan_ranges`)."""
    return plan_ranges(task, range_refs, threads, _stop_flag(stop))


def convert_part(plan: RangePlan, r: int, stop: str) -> FileResult:
    """Convert one range of a planned input."""
    return convert_range(plan, r, _stop_flag(stop))


def worker_version() -> str:
    """The refparse version a worker runs (checked against the client's before a run)."""
    from .. import __version__

    return __version__


# ----------------------------------------------------------------- the client's side
@dataclass
class _Job:
    kind: str  # "batch", "plan" or "join"
    positions: list[int]
    tasks: list[Task]
    parts: list[Any] = field(default_factory=list)  # a join's range futures
    plan: RangePlan | None = None


@dataclass(frozen=True)
class DaskExecutor:
    """A Dask client and how to cut the work for it: ``convert_paths(..., executor=DaskExecutor(client))``.

    A bare ``distributed.Client`` as ``executor`` means these defaults.

    Attributes:
        client: a connected ``distributed.Client``.
        range_refs: references per range of a large input at most (it is cut in at
            least two ranges per worker thread, of 1,000 references or more).
        split_bytes: inputs at least this large get a task of their own (and may be cut).
        batch_bytes: text per batch of small inputs.
        batch_files: inputs per batch at most.
    """

    client: Any
    range_refs: int = RANGE_REFS
    split_bytes: int = SPLIT_BYTES
    batch_bytes: int = BATCH_BYTES
    batch_files: int = BATCH_FILES

    def __post_init__(self) -> None:
        if min(self.range_refs, self.split_bytes, self.batch_bytes, self.batch_files) < 1:
            raise OptionError("range_refs, split_bytes, batch_bytes and batch_files must be 1 or more")


class ClusterRun:
    """One batch run on a Dask cluster, with the contract of :class:`~refparse.batch.pool.OrderedPool`.

    Args:
        executor: a ``distributed.Client`` or a :class:`DaskExecutor`.
        enrich: the run's enrich step (an :class:`~refparse.enrich.Enricher`), or ``None``.

    Raises:
        ClusterError: the workers cannot run this refparse (not installed, another version).
    """

    def __init__(self, executor: Any, enrich: Callable[[list[Any]], list[Any]] | None = None) -> None:
        setup = executor if isinstance(executor, DaskExecutor) else DaskExecutor(executor)
        self.setup = setup
        self.client = client = setup.client
        self.stop_name = f"refparse-stop-{uuid.uuid4().hex}"
        self._stop = False
        self._event_set = False
        self._check_workers()
        self.threads = max(1, sum(client.nthreads().values()))
        self.max_jobs = 2 * self.threads + 1
        self.window = max(256, 2 * self.max_jobs * setup.batch_files)
        self.jobs: dict[Any, _Job] = {}
        self.finished: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.plans: list[RangePlan] = []
        self.enricher = ClusterEnricher(client, enrich) if enrich is not None else None

    def _check_workers(self) -> None:
        from .. import __version__

        try:
            versions = self.client.run(worker_version)
        except Exception as e:
            raise ClusterError(f"the Dask workers cannot run refparse ({type(e).__name__}: {e}); "
                               "install refparse (the same version) on every worker") from e
        other = sorted({v for v in versions.values() if v != __version__})
        if other:
            raise ClusterError(f"the Dask workers run refparse {', '.join(other)}, this client {__version__}; "
                               "install the same version everywhere")

    # the stop flag, as OrderedPool has it
    def stop(self) -> None:
        """Ask every task to stop (safe from a signal handler: the run loop sets the event)."""
        self._stop = True

    def is_stopped(self) -> bool:
        """Whether stopping was asked."""
        return self._stop

    def _submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        future = self.client.submit(fn, *args, pure=False)
        future.add_done_callback(self.finished.put)
        return future

    def _prepared(self, task: Task) -> Task:
        if self.enricher is None:
            return task
        return replace(task, settings=replace(task.settings, enrich=self.enricher.proxy()))

    def _submit_batch(self, positions: list[int], tasks: list[Task]) -> None:
        tasks = [self._prepared(t) for t in tasks]
        self.jobs[self._submit(convert_batch, tasks, self.stop_name)] = _Job("batch", positions, tasks)

    def _submit_plan(self, position: int, task: Task) -> None:
        task = self._prepared(task)
        future = self._submit(plan_input, task, self.setup.range_refs, self.threads, self.stop_name)
        self.jobs[future] = _Job("plan", [position], [task])

    def _submit_join(self, job: _Job, plan: RangePlan) -> None:
        self.plans.append(plan)
        parts = [self.client.submit(convert_part, plan, r.index, self.stop_name, pure=False) for r in plan.ranges]
        future = self._submit(join_ranges, plan, *parts)
        self.jobs[future] = _Job("join", job.positions, job.tasks, parts, plan)

    def run(self, items: Iterable[Task | Ready[FileResult]]) -> Iterator[tuple[Any, Any]]:
        """Yield ``(task, result)`` in the order of ``items``, as :meth:`OrderedPool.run` does.

        ``result`` is ``None`` for a task never started (the run was stopped);
        ``Ready`` items come back as ``(None, result)``. After a stop, the items
        not yet read are left in the iterator for the caller.
        """
        source = iter(items)
        done: dict[int, tuple[Task | None, FileResult | None]] = {}
        batch: list[tuple[int, Task]] = []
        size = 0
        next_in = next_out = 0
        exhausted = False
        while True:
            if self._stop and not self._event_set:
                self._set_event()
            while not self._stop and not exhausted and len(self.jobs) < self.max_jobs \
                    and next_in - next_out < self.window:
                item = next(source, None)
                if item is None:
                    exhausted = True
                    break
                position, next_in = next_in, next_in + 1
                if isinstance(item, Ready):
                    done[position] = (None, item.result)
                    continue
                nbytes = _size(item.path)
                if nbytes >= self.setup.split_bytes:
                    self._submit_plan(position, item)
                    continue
                batch.append((position, item))
                size += nbytes
                if len(batch) >= self.setup.batch_files or size >= self.setup.batch_bytes \
                        or len(self.jobs) < self.threads:
                    self._submit_batch(*_unzip(batch))
                    batch, size = [], 0
            if batch:
                if self._stop:  # read, never started
                    done.update((p, (t, None)) for p, t in batch)
                else:
                    self._submit_batch(*_unzip(batch))
                batch, size = [], 0
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            if not self.jobs:
                if exhausted or self._stop:
                    return
                continue
            self._collect(done)

    def _set_event(self) -> None:
        self._event_set = True
        with contextlib.suppress(Exception):  # a lost scheduler: the tasks end with the client anyway
            _event(self.stop_name, self.client).set()

    def _collect(self, done: dict[int, tuple[Task | None, FileResult | None]]) -> None:
        """Take finished jobs (waiting a quarter of a second at most for one)."""
        try:
            future = self.finished.get(timeout=0.25)
        except queue.Empty:
            return
        while True:
            job = self.jobs.pop(future, None)
            if job is not None:
                self._take(future, job, done)
            try:
                future = self.finished.get_nowait()
            except queue.Empty:
                return

    def _take(self, future: Any, job: _Job, done: dict[int, tuple[Task | None, FileResult | None]]) -> None:
        if future.status == "finished":
            value = future.result()
            if job.kind == "batch":
                done.update((p, (t, self._checked(r))) for p, t, r in zip(job.positions, job.tasks, value, strict=True))
            elif isinstance(value, RangePlan):
                if self._stop:
                    done[job.positions[0]] = (job.tasks[0], finish_plan(value))
                else:
                    self._submit_join(job, value)
            else:
                done[job.positions[0]] = (job.tasks[0], self._checked(value))
            return
        error = future.exception() if future.status == "error" else None
        if isinstance(error, EnricherLostError) and self.enricher is not None:
            self.enricher.lost(job.tasks[0].settings.enrich, error)
            self._again(job)
        elif isinstance(error, CacheError):
            raise error  # every input would fail alike: stop the run, as a local run does
        elif _killed_worker(error) and len(job.positions) > 1:
            for position, task in zip(job.positions, job.tasks, strict=True):  # one at a time: find the input at fault
                self._submit_batch([position], [task])
        else:
            why = "a Dask worker died while converting it, each time it was tried" if _killed_worker(error) \
                else f"the cluster could not convert it ({type(error).__name__ if error else future.status}: {error})"
            for position, task in zip(job.positions, job.tasks, strict=True):
                done[position] = (task, FileResult(input=task.label, seq=task.seq).fail("crash", why))

    def _again(self, job: _Job) -> None:
        if job.kind == "batch":
            self._submit_batch(job.positions, job.tasks)
        else:  # a plan or its ranges: plan the input again
            self._submit_plan(job.positions[0], job.tasks[0])

    def _checked(self, r: FileResult) -> FileResult:
        """The result, failed when the output it names is not on this machine's file system."""
        written = r.output if r.output is not None else r.part
        if r.status in ("ok", "warning") and written is not None and not os.path.exists(written):
            where = "--out-dir" if r.output is not None else "-o"
            return r.fail("output", f"a worker wrote {written}, which this machine does not see; "
                          f"give {where} a folder every worker shares")
        return r

    def close(self) -> None:
        """Cancel what is still running, remove range fragments left behind, release the enrich actor."""
        futures = [f for job in self.jobs.values() for f in (*job.parts,)] + list(self.jobs)
        self.jobs.clear()
        if futures:
            with contextlib.suppress(Exception):
                self.client.cancel(futures)
        for plan in self.plans:
            for r in plan.ranges:
                with contextlib.suppress(OSError):
                    Path(plan.fragment(r.index)).unlink()
        if self.enricher is not None:
            self.enricher.close()


def _unzip(batch: list[tuple[int, Task]]) -> tuple[list[int], list[Task]]:
    return [p for p, _ in batch], [t for _, t in batch]


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _killed_worker(error: BaseException | None) -> bool:
    return type(error).__name__ == "KilledWorker"
