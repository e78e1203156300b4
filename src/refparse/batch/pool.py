"""Worker processes that return results in submission order, and stop cleanly.

Why not :class:`multiprocessing.Pool` or :class:`concurrent.futures.ProcessPoolExecutor`:
``Pool`` hangs forever when a worker dies mid-task and its ``imap`` reads the
whole task iterator ahead; ``ProcessPoolExecutor`` marks every pending task
failed when one worker dies, and neither can stop a running task. A batch
that runs for hours needs all three, so this pool is small and explicit:

* each worker has its own pipe; the parent knows which tasks each holds, so
  a worker that dies (OOM killer, a crash in a C extension) costs exactly
  the input it was converting, which is reported, and a new worker starts;
* at most ``window`` tasks are in flight (sent or finished but not yet
  yielded): memory stays bounded however many inputs there are;
* stopping is cooperative: a shared flag that tasks poll, so a task ends
  between two references and removes its temporary output. Workers ignore
  SIGINT (Ctrl-C reaches the whole process group; the parent decides), end
  on SIGTERM after cleaning up, and quit when the parent disappears.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # multiprocessing is imported when a pool starts: a one-file run never pays for it
    import multiprocessing.connection as mpc
    from multiprocessing.context import BaseContext

T = TypeVar("T")
R = TypeVar("R")

#: A task function: ``fn(task, should_stop) -> result``; it must not raise.
TaskFn = Callable[[Any, Callable[[], bool]], Any]


@dataclass(frozen=True)
class Ready(Generic[R]):
    """An item whose result is already known (a skipped input): passed through in order."""

    result: R


class StopFlag:
    """A flag shared with worker processes; reading it costs a memory load."""

    def __init__(self, context: BaseContext) -> None:
        self._value = context.RawValue("b", 0)

    def set(self) -> None:
        """Ask every task to stop."""
        self._value.value = 1

    def is_set(self) -> bool:
        """Whether stopping was asked."""
        return bool(self._value.value)


_terminated = False


def _on_sigterm(signum: int, frame: object) -> None:
    global _terminated
    _terminated = True
    raise KeyboardInterrupt


def _worker_main(conn: mpc.Connection, fn: TaskFn, flag: StopFlag, parent: int) -> None:
    """A worker's loop: receive ``(seq, task)``, send ``(seq, result)``; ``None`` ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)

    def should_stop() -> bool:
        return flag.is_set() or _terminated or os.getppid() != parent

    try:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                return
            if message is None:
                return
            seq, task = message
            result = fn(task, should_stop)
            if _terminated or os.getppid() != parent:
                return
            conn.send((seq, result))
    except (KeyboardInterrupt, BrokenPipeError, EOFError, OSError):
        return
    except Exception:  # e.g. a result that cannot be pickled: never print a traceback
        sys.exit(70)  # the parent reports the input as lost with "exit code 70"


@dataclass
class _Worker:
    process: Any
    conn: mpc.Connection
    held: deque[int] = field(default_factory=deque)


def default_context() -> BaseContext:
    """``fork`` on Linux (workers inherit the loaded parser), the platform default elsewhere."""
    import multiprocessing as mp

    if mp.get_start_method(allow_none=True) is None and sys.platform.startswith("linux"):
        return mp.get_context("fork")
    return mp.get_context()


class OrderedPool:
    """Run ``fn`` over tasks in ``jobs`` processes; yield results in task order.

    Example::

        pool = OrderedPool(convert_file, jobs=2, on_crash=crashed)
        try:
            for task, result in pool.run(tasks):
                ...
        finally:
            pool.close()

    Args:
        fn: the task function, module-level (it is sent to the workers).
        jobs: number of worker processes.
        on_crash: ``on_crash(task, message) -> result`` for the task a dead
            worker was running.
        window: most tasks in flight; default four per worker.
        context: the multiprocessing context (default :func:`default_context`).
    """

    def __init__(
        self,
        fn: TaskFn,
        jobs: int,
        on_crash: Callable[[Any, str], Any],
        window: int | None = None,
        context: BaseContext | None = None,
    ) -> None:
        self.fn = fn
        self.jobs = max(1, jobs)
        self.on_crash = on_crash
        self.window = window or 4 * self.jobs
        self.context = context or default_context()
        self.flag = StopFlag(self.context)
        self.workers: list[_Worker] = []
        for _ in range(self.jobs):
            self._spawn()

    def _spawn(self) -> _Worker:
        parent_conn, child_conn = self.context.Pipe()
        process = self.context.Process(  # type: ignore[attr-defined]
            target=_worker_main,
            args=(child_conn, self.fn, self.flag, os.getpid()),
            daemon=True,
            name="refparse-worker",
        )
        # A forked worker inherits what this process has loaded (modules, tables, the plan
        # store) for its whole life: frozen, the worker's garbage collector never walks it
        # and its memory pages stay shared. This process's collector is left as it was:
        # unfrozen at once, unless something had been frozen here before (the command line).
        frozen_before = gc.get_freeze_count()
        gc.freeze()
        try:
            process.start()
        finally:
            if not frozen_before:
                gc.unfreeze()
        child_conn.close()
        worker = _Worker(process, parent_conn)
        self.workers.append(worker)
        return worker

    def stop(self) -> None:
        """Ask running tasks to stop; :meth:`run` then yields what is finished and ends."""
        self.flag.set()

    def run(self, items: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Yield ``(task, result)`` in the order of ``items``.

        Args:
            items: tasks, or :class:`Ready` results to pass through in order.
                Read lazily; after a stop, the items not yet read are left in
                the iterator for the caller.

        Yields:
            ``(task, result)``; ``result`` is ``None`` for a task that never ran
            (held for a retry when the run was stopped). ``Ready`` items come
            back as ``(None, result)``.
        """
        source = iter(items)
        exhausted = False
        tasks: dict[int, Any] = {}
        results: dict[int, Any] = {}
        retry: deque[int] = deque()
        next_in = next_out = 0
        while True:
            while not self.flag.is_set() and len(tasks) < self.window:
                worker = min(self.workers, key=lambda w: len(w.held))
                if len(worker.held) >= 2:
                    break
                if not worker.process.is_alive():
                    self._crashed(worker, tasks, results, retry)
                    continue
                if retry:
                    seq = retry.popleft()
                else:
                    if exhausted:
                        break
                    item = next(source, _END)
                    if item is _END:
                        exhausted = True
                        break
                    seq, next_in = next_in, next_in + 1
                    tasks[seq] = item
                    if isinstance(item, Ready):
                        results[seq] = item.result
                        continue
                self._send(worker, seq, tasks[seq])
            while next_out in results:
                task = tasks.pop(next_out)
                yield (None if isinstance(task, Ready) else task), results.pop(next_out)
                next_out += 1
            if not any(w.held for w in self.workers):
                if self.flag.is_set():
                    for seq in sorted(tasks):  # held for a retry, never run
                        yield tasks.pop(seq), results.pop(seq, None)
                    return
                if exhausted and not retry and not tasks:
                    return
                if not tasks or retry:
                    continue
            self._collect(tasks, results, retry)

    def _send(self, worker: _Worker, seq: int, task: Any) -> None:
        worker.held.append(seq)
        with contextlib.suppress(OSError):  # the worker is gone; _collect sees its sentinel
            worker.conn.send((seq, task))

    def _collect(self, tasks: dict[int, Any], results: dict[int, Any], retry: deque[int]) -> None:
        import multiprocessing.connection as mpc

        busy = [w for w in self.workers if w.held]
        waitables = [w.conn for w in busy] + [w.process.sentinel for w in busy]
        ready = set(mpc.wait(waitables, timeout=0.25))
        for worker in busy:
            if worker.conn in ready:
                try:
                    seq, result = worker.conn.recv()
                except (EOFError, OSError):
                    self._crashed(worker, tasks, results, retry)
                    continue
                worker.held.remove(seq)
                results[seq] = result
            elif worker.process.sentinel in ready:
                self._crashed(worker, tasks, results, retry)

    def _crashed(self, worker: _Worker, tasks: dict[int, Any], results: dict[int, Any], retry: deque[int]) -> None:
        """A worker died: its current task failed, its queued ones go to others."""
        while worker.conn.poll(0):
            try:
                seq, result = worker.conn.recv()
            except (EOFError, OSError):
                break
            worker.held.remove(seq)
            results[seq] = result
        worker.process.join(1)
        code = worker.process.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        if worker.held:
            seq = worker.held.popleft()
            results[seq] = self.on_crash(tasks[seq], f"the worker process died ({how}) while converting this input")
            retry.extendleft(reversed(worker.held))
        worker.conn.close()
        self.workers.remove(worker)
        if not self.flag.is_set():
            self._spawn()

    def close(self, timeout: float = 5.0) -> None:
        """End the workers: politely, then with SIGTERM (they clean up), then SIGKILL."""
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self.workers:
            worker.process.join(timeout if not worker.held else 0.5)
        self.terminate()

    def terminate(self) -> None:
        """Stop every worker now (a second Ctrl-C): SIGTERM, then SIGKILL if ignored."""
        self.flag.set()
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in self.workers:
            worker.process.join(2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(1)
            worker.conn.close()
        self.workers.clear()


_END = object()


def run_inline(fn: TaskFn, items: Iterable[Any], flag: Callable[[], bool]) -> Iterator[tuple[Any, Any]]:
    """The same contract as :meth:`OrderedPool.run`, in this process (``-j 1``, one input).

    Why: no process start-up for the common single-file case, and the
    same code path either way.
    """
    for item in items:
        if flag():  # read but not run: handed back as never started
            yield (None, item.result) if isinstance(item, Ready) else (item, None)
            return
        if isinstance(item, Ready):
            yield None, item.result
            continue
        yield item, fn(item, flag)
