"""Crossref lookups on a Dask cluster: one actor does them all, for every worker.

Crossref's limits are per user, not per process: a cluster of a hundred
workers, each with its own rate limiter, would ask a hundred times too
fast and be blocked. And the lookups are worth sharing — the same paper is
cited by thousands of the articles a corpus holds — but the cache is one
SQLite file, which several hosts must not write over a network file system
(SQLite's locks are not reliable there; a corrupt cache costs every lookup).

The design: **one enrichment actor** (:class:`EnrichActor`, a Dask actor on
one worker) owns the :class:`~refparse.enrich.Enricher`: its HTTP client, its
rate limiter and concurrency bound, and its cache file on that worker's
disk. Workers parse; each chunk of citations that needs Crossref is sent to
the actor (:class:`ActorEnrich`, the callable the tasks get as their enrich
step) and comes back enriched. So:

* one limiter for the whole cluster, by construction — no distributed token
  bucket to keep consistent, and the 429 pause of one request holds back
  every worker's next one;
* one writer of the cache, on a local disk; every lookup made by any worker
  is found by every other (a reference cited twice is asked once);
* the cost is a round trip per chunk of 16 citations (a few kilobytes),
  small beside one Crossref request (a few hundred milliseconds) — and
  Crossref's rate (a few requests a second) is what bounds an enriching run,
  not one process's ability to make them.

Per-worker caches merged at the end were the other design: they would need a
distributed limiter anyway, ask Crossref once per worker for a shared
reference, and lose a crashed worker's lookups; the actor avoids all three.

The actor's worker can die too: a task whose call finds the actor gone
raises :class:`EnricherLostError`; the client makes a new actor (the cache
file persists where it was, on a shared disk or the same host) and runs the
task again, a few times at most.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from ..errors import CacheError, ClusterError
from ..models import Citation

#: New actors made in one run before it gives up (each loss is a worker lost mid-run).
MAX_ACTOR_LOSSES = 3
#: Seconds between two checks that the actor's worker is still there, while a call waits.
ACTOR_POLL = 2.0


class EnricherLostError(CacheError):
    """The enrichment actor's worker was lost while a task used it (the client makes a new one).

    A :class:`CacheError` so that :func:`~refparse.batch.convert.convert_file`
    lets it through to the task's caller instead of failing the input.
    """


class EnrichActor:
    """The Dask actor that owns the cluster's Crossref client, rate limiter and cache.

    Its methods run one at a time on its worker's actor thread; each call's
    lookups still run concurrently inside the enricher (up to its
    ``concurrency``), within its rate limit.
    """

    def __init__(self, enricher: Callable[[list[Citation]], list[Citation]]) -> None:
        self.enricher = enricher

    def enrich(self, citations: list[Citation]) -> list[Citation]:
        """Look up (and check) one chunk of citations."""
        return self.enricher(citations)

    def close(self) -> None:
        """Close the enricher's client and cache."""
        close = getattr(self.enricher, "close", None)
        if close is not None:
            close()


@dataclass(frozen=True)
class ActorEnrich:
    """The enrich step the workers' tasks get: sends each chunk to the actor and waits for it."""

    actor: Any

    def __call__(self, citations: list[Citation]) -> list[Citation]:
        # A call may wait long (behind every other worker's chunks, at Crossref's rate), so it
        # has no deadline; but a call to a dead worker's actor would wait forever (Dask retries
        # the connection, and may even try to make the actor again on this very worker's only
        # thread): every ACTOR_POLL seconds, the actor's worker must still be in the cluster.
        call = self.actor.enrich(citations)
        while True:
            try:
                out: list[Citation] = call.result(timeout=ACTOR_POLL)
                return out
            except CacheError:
                raise
            except (TimeoutError, asyncio.TimeoutError):
                if not _alive(self.actor):
                    raise EnricherLostError("the enrichment actor's worker left the cluster") from None
            except Exception as e:  # the actor's worker is gone (OSError, RuntimeError, CommClosedError ...)
                raise EnricherLostError(f"the enrichment actor was lost ({type(e).__name__}: {e})") from e


def _alive(actor: Any) -> bool:
    """Whether the worker holding the actor is still one of the scheduler's workers."""
    try:
        distributed: Any = import_module("distributed")
        workers = distributed.get_client().scheduler_info()["workers"]
    except Exception:  # the scheduler does not answer: keep waiting, the run ends with it anyway
        return True
    return getattr(actor, "_address", None) in workers


class ClusterEnricher:
    """The client's handle on the run's enrichment actor: makes it, replaces it when lost, closes it.

    Args:
        client: the ``distributed.Client``.
        enricher: the run's enrich step; it travels to the actor's worker by pickle
            (an :class:`~refparse.enrich.Enricher` pickles without its client and
            opens its own there).
    """

    def __init__(self, client: Any, enricher: Callable[[list[Citation]], list[Citation]]) -> None:
        self.client = client
        self.enricher = enricher
        self.losses = 0
        self._future: Any = None
        self._proxy: ActorEnrich | None = None
        self._start()

    def _start(self) -> None:
        self._future = self.client.submit(EnrichActor, self.enricher, actor=True, pure=False)
        self._proxy = ActorEnrich(self._future.result())

    def proxy(self) -> ActorEnrich:
        """The enrich step to put in a task's settings (the current actor)."""
        assert self._proxy is not None
        return self._proxy

    def lost(self, proxy: Any, error: BaseException) -> None:
        """A task found its actor gone: make a new one, unless that was done for an earlier report.

        Args:
            proxy: the enrich step the failed task had (tasks sent before a
                replacement report the same loss again; only the first counts).
            error: what the task raised.

        Raises:
            ClusterError: the actor was lost more than :data:`MAX_ACTOR_LOSSES` times.
        """
        if proxy is not self._proxy:
            return
        self.losses += 1
        if self.losses > MAX_ACTOR_LOSSES:
            raise ClusterError(f"the enrichment actor was lost {self.losses} times; stopping ({error})")
        self._release()
        self._start()

    def _release(self) -> None:
        if self._future is not None:
            with contextlib.suppress(Exception):
                self._future.release()  # the scheduler forgets the actor (else it may make it again)
        self._future = None

    def close(self) -> None:
        """Close the actor's client and cache, and release it."""
        if self._proxy is not None:
            with contextlib.suppress(Exception):
                self._proxy.actor.close().result(timeout=30)
        self._proxy = None
        self._release()
