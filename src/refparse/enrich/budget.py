"""How much failure and time one client may spend on Crossref before it stops asking.

A run must end in bounded time whatever the service does: refuse
connections, hang, reset, answer HTML or garbage, ask to come back in an
hour. One :class:`Budget` belongs to a :class:`~refparse.enrich.http.CrossrefClient`
and so to everything that client does (a whole batch run, all its inputs and
threads); when it is spent the client stops sending requests, says so once
on the ``refparse.enrich`` logger, and every lookup still to come is skipped
with a warning on its citation. Answers already in the cache are still used.

It is spent by any one of:

* ``give_up_after`` lookups in a row that failed (after their retries);
* every request failing for ``give_up_seconds`` (two at least): a service
  that hangs costs about one time-out, not one per reference;
* :data:`CONNECT_FAILURES` requests in a row that got no answer at all
  (connection refused or reset, no such host);
* the ``deadline`` (``--enrich-timeout``) passing;
* an interrupt (:meth:`Budget.stop` with ``announce=False``: the caller
  reports it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from .options import EnrichOptions

logger = logging.getLogger("refparse.enrich")

#: Requests in a row that could not even be answered (refused, reset, no such host) before giving up.
CONNECT_FAILURES = 3
#: Failed requests needed, besides the time, for the ``give_up_seconds`` rule.
_MIN_FAILED = 2


class Budget:
    """One client's allowance of failed lookups, failing time and total time.

    Thread-safe: the lookup threads of a client report to one budget.

    Args:
        options: the limits (``give_up_after``, ``give_up_seconds``, ``deadline``)
            and the service's address, for the warning.
        clock: a monotonic clock (seconds).

    Attributes:
        reason: why lookups stopped (``None`` while they go on).
        interrupted: stopped by an interrupt: not even the cache is asked.
    """

    def __init__(self, options: EnrichOptions, clock: Callable[[], float] = time.monotonic) -> None:
        self.options = options
        self.reason: str | None = None
        self.interrupted = False
        self._clock = clock
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._announced = False
        self._started: float | None = None
        self._failed_lookups = 0
        self._unreachable = 0
        self._failed_requests = 0
        self._streak_start: float | None = None
        self._last_answer = float("-inf")

    @property
    def stopped(self) -> bool:
        """Whether no more requests may be sent (the deadline is looked at too)."""
        self.check()
        return self._stopped.is_set()

    @property
    def deadline_at(self) -> float | None:
        """When the deadline passes (clock time), once the first lookup has started it."""
        if self.options.deadline is None or self._started is None:
            return None
        return self._started + self.options.deadline

    def start(self) -> None:
        """Note a lookup beginning: the deadline runs from the first one."""
        if self._started is None:
            with self._lock:
                if self._started is None:
                    self._started = self._clock()

    def check(self) -> str | None:
        """Stop if the deadline has passed; the reason lookups stopped, or ``None``."""
        at = self.deadline_at
        if not self._stopped.is_set() and at is not None and self._clock() >= at:
            self.stop(f"used up the enrichment time limit of {self.options.deadline:g} s")
        return self.reason

    def answered(self) -> None:
        """A request got an answer from the service (any answer that is Crossref's own)."""
        with self._lock:
            self._unreachable = 0
            self._failed_requests = 0
            self._streak_start = None
            self._last_answer = self._clock()

    def request_failed(self, started: float, problem: str, unreachable: bool = False) -> None:
        """A request failed: no answer, or one that is not Crossref's.

        Args:
            started: when it was sent (clock time).
            problem: what went wrong, for the warning.
            unreachable: no answer at all (refused, reset, no such host).
        """
        with self._lock:
            self._failed_requests += 1
            self._unreachable = self._unreachable + 1 if unreachable else 0
            begun = max(started, self._last_answer)
            self._streak_start = begun if self._streak_start is None else min(self._streak_start, begun)
            failing = self._clock() - self._streak_start
            count = self._failed_requests
            unreachable_count = self._unreachable
        if unreachable_count >= CONNECT_FAILURES:
            self.stop(f"cannot be reached ({problem}, {unreachable_count} times in a row)")
        elif count >= _MIN_FAILED and failing >= self.options.give_up_seconds:
            self.stop(f"has failed every request for {failing:.0f} s (the last: {problem})")

    def lookup_done(self, ok: bool, problem: str = "") -> None:
        """A lookup ended: answered, or failed after its retries."""
        with self._lock:
            self._failed_lookups = 0 if ok else self._failed_lookups + 1
            failed = self._failed_lookups
        if failed >= self.options.give_up_after:
            self.stop(f"failed {failed} lookups in a row (the last: {problem})")

    def announce(self, message: str) -> None:
        """Say once, on the ``refparse.enrich`` logger, that lookups fail or stop."""
        with self._lock:
            if self._announced:
                return
            self._announced = True
        logger.warning("warning: %s", message)

    def stop(self, reason: str, announce: bool = True) -> None:
        """Send no more requests; the first reason given is kept.

        Args:
            reason: what happened, completing "Crossref …".
            announce: warn once (an interrupt is reported by the caller instead).
        """
        with self._lock:
            if self._stopped.is_set():
                return
            self.reason = reason
            self.interrupted = not announce
            self._stopped.set()
        if announce:
            self.announce(
                f"Crossref ({self.options.base_url}) {reason}; no more requests in this run: "
                "the references not looked up yet keep their fields, without a DOI from Crossref"
            )

    def wait(self, seconds: float) -> None:
        """Sleep between retries; a stop wakes the sleeper at once."""
        if seconds > 0:
            self._stopped.wait(seconds)
