"""Rate limits for Crossref: requests per second and in flight, per kind of request, shared by processes.

Crossref's limits since December 2025 depend on the pool and on the kind of
request (:data:`CROSSREF_LIMITS`): in the polite pool (a ``mailto``) 10
single-record requests a second (``/works/{doi}``) with 3 at once, and 3
list or search requests a second (``/works?query…``, ``?filter=…``) with 3 at
once; in the public pool 5 and 1 a second, one at a time. They hold per
*client*, not per thread or process, so:

* each kind of request has its own bucket (:class:`RateLimiter`), and
  :class:`CrossrefLimiter` sends a request to the bucket of its route
  (:func:`route_kind`);
* a bucket's schedule (the next free start, a pause after a 429, the rate
  the service stated) and its places in flight can live in small files in
  the cache folder, locked with ``flock``, so that every thread *and every
  process* of the user — ``-j`` workers, two runs at once — share one limit
  (:func:`crossref_limiter`). Where files cannot be locked (Windows, an
  unwritable folder) the limit is per process;
* the ``X-Rate-Limit-Limit`` / ``X-Rate-Limit-Interval`` (and
  ``X-Concurrency-Limit``) headers are followed, but never above the
  documented figure for the real service; a 429 pauses *every* request of
  the client, for ``Retry-After`` seconds.

A server that is not Crossref's (a mirror, a loopback test server) gets one
bucket for every route, starting from the options' rate and concurrency and
following its headers.

Clock and sleep are injectable so the arithmetic is tested without waiting.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from .ratefiles import HAVE_FLOCK, Schedule, SharedSlots, shared_folder

if TYPE_CHECKING:
    from .options import EnrichOptions

# Matched on the stripped header: a "\s*" at both ends made a long header value cubic.
_INTERVAL = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>ms|s|m|h)?", re.IGNORECASE)
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}

#: ``single``: one record (``/works/{doi}``, ``/works/{doi}/agency``); ``list``: queries and filters.
Kind = Literal["single", "list"]


@dataclass(frozen=True)
class Limit:
    """Requests per second and requests in flight for one kind of request."""

    rate: float
    concurrency: int


#: Crossref's documented limits from 1 December 2025, per pool and kind of request.
CROSSREF_LIMITS: dict[str, dict[Kind, Limit]] = {
    "polite": {"single": Limit(10.0, 3), "list": Limit(3.0, 3)},
    "public": {"single": Limit(5.0, 1), "list": Limit(1.0, 1)},
}


def parse_rate_headers(headers: Mapping[str, str]) -> float | None:
    """Requests per second stated by ``X-Rate-Limit-Limit`` / ``X-Rate-Limit-Interval``.

    Args:
        headers: response headers (any case-insensitive mapping).

    Returns:
        The rate, or ``None`` when the headers are absent or unreadable (then
        the current limit stays).
    """
    limit, interval = headers.get("X-Rate-Limit-Limit"), headers.get("X-Rate-Limit-Interval")
    if not limit or not interval:
        return None
    m = _INTERVAL.fullmatch(interval.strip())
    try:
        n = int(limit.strip())
    except ValueError:
        return None
    if not m or n <= 0:
        return None
    seconds = float(m["n"]) * _UNIT[(m["unit"] or "s").lower()]
    return n / seconds if seconds > 0 else None


def parse_concurrency_header(headers: Mapping[str, str]) -> int | None:
    """Requests in flight allowed by ``X-Concurrency-Limit``, or ``None``."""
    value = (headers.get("X-Concurrency-Limit") or "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def route_kind(url: str) -> Kind:
    """Which bucket a request belongs to: ``list`` for ``…/works`` (queries, filters), else ``single``."""
    path = urlsplit(url).path.rstrip("/")
    return "list" if path.endswith("/works") or path in ("", "/works") else "single"


def is_crossref(base_url: str) -> bool:
    """Whether a base URL is Crossref's own service (its documented limits apply)."""
    host = (urlsplit(base_url).hostname or "").lower()
    return host == "crossref.org" or host.endswith(".crossref.org")


class RateLimiter:
    """Spaces request starts by ``1/rate`` seconds and bounds requests in flight.

    Args:
        rate: requests per second to start with.
        concurrency: requests in flight at most.
        clock: a monotonic clock (seconds), for the in-process schedule.
        sleep: how to wait.
        ceiling: the highest rate and concurrency the headers may raise the
            limits to (Crossref's documented figures); ``None`` follows them.
        shared: a file path prefix; the schedule and the places in flight are
            then kept in files next to it and shared with every process using
            the same prefix (times from the wall clock).
    """

    def __init__(
        self,
        rate: float,
        concurrency: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        ceiling: Limit | None = None,
        shared: Path | None = None,
    ) -> None:
        self._rate = rate
        self._concurrency = concurrency
        self._ceiling = ceiling
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._free = threading.Condition(self._lock)
        self._in_flight = 0
        self._next = 0.0
        self._paused_until = 0.0
        self._schedule = Schedule(shared.with_name(shared.name + ".json")) if shared and HAVE_FLOCK else None
        self._slots = SharedSlots(shared.with_name(shared.name + ".slot")) if shared and HAVE_FLOCK else None

    @property
    def rate(self) -> float:
        """The current limit in requests per second."""
        return self._rate

    @property
    def concurrency(self) -> int:
        """The current limit of requests in flight."""
        return self._concurrency

    @property
    def shared(self) -> bool:
        """Whether the limit is shared with other processes through files."""
        return self._schedule is not None

    def update(self, headers: Mapping[str, str], kind: str = "list") -> None:
        """Follow the limits the service states in its response headers (``kind`` is for routing limiters)."""
        rate = parse_rate_headers(headers)
        if rate is not None:
            if self._ceiling is not None:
                rate = min(rate, self._ceiling.rate)
            with self._lock:
                changed, self._rate = rate != self._rate, rate
            if changed and self._schedule is not None:
                with contextlib.suppress(OSError):
                    self._schedule.set_rate(rate)
        concurrency = parse_concurrency_header(headers)
        if concurrency is not None:
            if self._ceiling is not None:
                concurrency = min(concurrency, self._ceiling.concurrency)
            with self._free:
                self._concurrency = concurrency
                self._free.notify_all()

    def pause(self, seconds: float) -> None:
        """Hold every request start back for ``seconds`` from now (after a 429)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
        if self._schedule is not None:
            with contextlib.suppress(OSError):
                self._schedule.pause(time.time() + seconds)

    def wait_turn(self) -> float:
        """Block until this caller may start a request; returns the time waited."""
        if self._schedule is not None:
            try:
                now = time.time()
                start, rate = self._schedule.reserve(now, self._rate)
                self._rate = rate
                delay = start - now
            except OSError:  # the file went away or the disk is full: this process keeps its own turn
                self._schedule = None
                return self.wait_turn()
        else:
            with self._lock:
                now = self._clock()
                start = max(now, self._next, self._paused_until)
                self._next = start + 1.0 / self._rate
            delay = start - now
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)

    @contextmanager
    def slot(self, kind: str = "list") -> Iterator[None]:
        """Take a place among the requests in flight, after waiting for a start turn."""
        with self._free:
            while self._in_flight >= self._concurrency:
                self._free.wait()
            self._in_flight += 1
        held = None
        try:
            if self._slots is not None:
                try:
                    held = self._slots.acquire(self._concurrency, self._sleep)
                except OSError:
                    self._slots = None
            self.wait_turn()
            yield
        finally:
            if held is not None:
                SharedSlots.release(held)
            with self._free:
                self._in_flight -= 1
                self._free.notify()


class Breaker:
    """Stops lookups after too many consecutive failures (a service that is down).

    Why: a client that keeps asking a failing service only adds to its load;
    after ``limit`` failures in a row the remaining lookups are skipped (and
    reported), and one success closes the breaker again.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.failures = 0
        self._lock = threading.Lock()

    @property
    def open(self) -> bool:
        """Whether lookups should be skipped."""
        return self.failures >= self.limit

    def record(self, ok: bool) -> None:
        """Count one lookup's outcome."""
        with self._lock:
            self.failures = 0 if ok else self.failures + 1


class CrossrefLimiter:
    """One :class:`RateLimiter` per kind of request; a 429 pauses them all.

    Args:
        buckets: the limiter of each kind (``single`` and ``list``).
    """

    def __init__(self, buckets: Mapping[Kind, RateLimiter]) -> None:
        self.buckets = dict(buckets)

    @property
    def rate(self) -> float:
        """The current list/search rate (the tighter of the two)."""
        return self.buckets["list"].rate

    def _bucket(self, kind: str) -> RateLimiter:
        return self.buckets["single" if kind == "single" else "list"]

    def update(self, headers: Mapping[str, str], kind: str = "list") -> None:
        """Follow the headers of an answer to a request of ``kind``."""
        self._bucket(kind).update(headers)

    def pause(self, seconds: float) -> None:
        """Pause every kind of request (the service limits the client, not a route)."""
        for bucket in self.buckets.values():
            bucket.pause(seconds)

    def slot(self, kind: str = "list") -> contextlib.AbstractContextManager[None]:
        """A place in flight and a start turn in the bucket of ``kind``."""
        return self._bucket(kind).slot()


def _bucket_name(base_url: str, pool: str, kind: str) -> str:
    parts = urlsplit(base_url)
    host = re.sub(r"[^0-9A-Za-z.-]+", "_", f"{parts.hostname or 'host'}_{parts.port or ''}")
    return f"{host}-{pool}-{kind}"


def crossref_limiter(options: EnrichOptions, share: bool = True) -> RateLimiter | CrossrefLimiter:
    """The limiter a client of ``options.base_url`` must use.

    The real Crossref service gets its documented limits for the pool
    (polite with a ``mailto``), one bucket per kind of request, concurrency
    no higher than ``options.concurrency``; any other server gets one bucket
    at ``options.rate_limit`` and ``options.concurrency``. With ``share``
    (the default) the buckets are shared with the user's other processes
    through files (:func:`shared_folder`), named by host, port and pool.
    """
    folder = shared_folder() if share and HAVE_FLOCK else None
    pool = "polite" if options.mailto else "public"

    def path(kind: str) -> Path | None:
        return folder / _bucket_name(options.base_url, pool, kind) if folder is not None else None

    if not is_crossref(options.base_url):
        return RateLimiter(options.rate_limit, options.concurrency, shared=path("all"))
    buckets: dict[Kind, RateLimiter] = {}
    for kind, limit in CROSSREF_LIMITS[pool].items():
        concurrency = min(limit.concurrency, options.concurrency)
        buckets[kind] = RateLimiter(limit.rate, concurrency, ceiling=limit, shared=path(kind))
    return CrossrefLimiter(buckets)
