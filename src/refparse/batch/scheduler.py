"""Reaching a Dask cluster from a name: ``local``, ``local:N`` or a scheduler's address.

The command line's ``--dask SCHEDULER`` comes here; the library takes a
``distributed.Client`` however it was made (``Client(cluster)`` for a
Slurm or Kubernetes cluster from dask-jobqueue or dask-kubernetes).
"""

from __future__ import annotations

import logging
import re
import signal
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import ClusterError, OptionError

#: Seconds to wait for a scheduler at an address to answer.
CONNECT_TIMEOUT = 20


def parse_scheduler(spec: str) -> tuple[str, int | None]:
    """What a ``--dask`` value asks for.

    Args:
        spec: ``local`` (one worker process per core), ``local:N`` (N
            workers), or a scheduler address: ``tcp://host:8786``,
            ``host:8786``, ``tls://...``.

    Returns:
        ``("local", N or None)`` or ``(address, None)``.

    Raises:
        OptionError: ``local:`` with something other than a number of workers, or an empty value.
    """
    text = spec.strip()
    if text == "local":
        return "local", None
    if text.startswith("local:"):
        count = text[len("local:"):]
        if not count.isdecimal() or int(count) < 1:
            raise OptionError(f"--dask {spec!r}: say local, local:N with N workers (1 or more), or an address")
        return "local", int(count)
    if not text or not re.fullmatch(r"(?:[a-z][a-z0-9+.-]*://)?[^\s/]+(?::\d+)?/?", text):
        raise OptionError(f"--dask {spec!r}: say local, local:N, or a scheduler address such as tcp://host:8786")
    return text, None


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as e:
        raise OptionError("--dask needs Dask's distributed scheduler: pip install 'refparse[dask]'") from e
    return distributed


@contextmanager
def _ignoring_ctrl_c() -> Iterator[None]:
    """Processes started inside ignore SIGINT (they inherit it), as the local pool's workers do.

    Why: Ctrl-C reaches the whole process group, the local cluster's worker
    processes too; they must not die under the client, which stops the run
    cleanly (the tasks poll the stop event) and then closes the cluster.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def connect(spec: str, quiet: bool = True) -> Iterator[Any]:
    """A ``distributed.Client`` for a ``--dask`` value, closed (with its local cluster) on exit.

    ``local`` starts a ``LocalCluster`` of worker processes with one thread
    each (conversion is pure Python: threads would share one core), one per
    core this process may use; no dashboard (no port to collide with).

    Args:
        spec: see :func:`parse_scheduler`.
        quiet: only critical messages from Dask's loggers (a worker lost on
            purpose, a closing connection): the run reports what matters.

    Raises:
        OptionError: a bad value, or Dask not installed.
        ClusterError: no scheduler answers at the address.
    """
    where, workers = parse_scheduler(spec)
    distributed = _distributed()
    level = logging.CRITICAL if quiet else None
    if level is not None:
        logging.getLogger("distributed").setLevel(level)
    if where == "local":
        from .run import available_cores

        with _ignoring_ctrl_c(), warnings.catch_warnings():
            # The scheduler's small HTTP server (health checks) takes another port when 8787 is
            # taken (another cluster on the machine): nothing the user needs to hear about.
            warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
            cluster = distributed.LocalCluster(
                n_workers=workers or available_cores(), threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=level or logging.WARNING,
            )
        try:
            with distributed.Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = distributed.Client(where, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as e:
        raise ClusterError(f"no Dask scheduler answers at {where}: {e}") from e
    try:
        yield client
    finally:
        client.close()
