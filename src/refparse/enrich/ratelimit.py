"""A rate limiter shared by the worker threads: requests per interval, in flight, pauses.

Crossref states its limits in two response headers (``X-Rate-Limit-Limit: 50``,
``X-Rate-Limit-Interval: 1s``) and documents lower ones for searches in the
polite pool (3 per second, 3 concurrent). The limiter starts from the
documented figures and follows the headers once the service has spoken; a
429 pauses *every* thread, because the service limits the client, not one
request.

Clock and sleep are injectable so the arithmetic is tested without waiting.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

# Matched on the stripped header: a "\s*" at both ends made a long header value cubic.
_INTERVAL = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>ms|s|m|h)?", re.IGNORECASE)
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


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


class RateLimiter:
    """Spaces request starts by ``1/rate`` seconds and bounds requests in flight.

    Args:
        rate: requests per second to start with.
        concurrency: requests in flight at most.
        clock: a monotonic clock (seconds).
        sleep: how to wait.
    """

    def __init__(
        self,
        rate: float,
        concurrency: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._rate = rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0
        self._paused_until = 0.0
        self._slots = threading.BoundedSemaphore(concurrency)

    @property
    def rate(self) -> float:
        """The current limit in requests per second."""
        return self._rate

    def update(self, headers: Mapping[str, str]) -> None:
        """Follow the limit the service states in its response headers."""
        rate = parse_rate_headers(headers)
        if rate is not None:
            with self._lock:
                self._rate = rate

    def pause(self, seconds: float) -> None:
        """Hold every request start back for ``seconds`` from now (after a 429)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def wait_turn(self) -> float:
        """Block until this caller may start a request; returns the time waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next, self._paused_until)
            self._next = start + 1.0 / self._rate
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Take a place among the requests in flight, after waiting for a start turn."""
        with self._slots:
            self.wait_turn()
            yield
