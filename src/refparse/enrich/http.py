"""Talking to Crossref: one cached session, polite headers, rate limits, bounded retries and budget.

Every request goes through :meth:`CrossrefClient.get_message`:

1. the cache is asked first (``only_if_cached``), so an answer already on disk
   costs no request and no rate-limit turn;
2. offline, a miss stops there (:class:`NotCachedError`); so does a client
   whose :class:`~refparse.enrich.budget.Budget` is spent (:class:`NotAskedError`);
3. otherwise the request waits for a rate-limit turn and a concurrency slot,
   and goes out as one bounded exchange (:mod:`.transfer`: time-outs, a size
   cap, redirects counted, abandoned at a stop); it is retried after a
   429/5xx/time-out/an answer that is not Crossref's JSON, waiting
   ``Retry-After`` when the service gives one and an exponential back-off
   when it does not, a bounded number of times.

A fault of the cache file (damaged, read-only, unopenable) never fails a
lookup: :class:`~refparse.enrich.cache.CrossrefCache` rebuilds or bypasses
the cache and warns once.

Only ``200`` answers of type JSON whose body is Crossref JSON of the route's
shape (``status: ok``; a work list with its ``items``, a work with its
``DOI``) are written to the cache, so an error, an HTML page or a truncated
body never poisons it. The ``mailto`` (parameter and User-Agent) is left out
of cache keys and of what the cache stores, so a cache file can be shared
without leaking an address.
"""

from __future__ import annotations

import email.utils
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import requests

from ..errors import EnrichError
from .budget import Budget
from .cache import CrossrefCache
from .options import EnrichOptions
from .ratelimit import CrossrefLimiter, RateLimiter, crossref_limiter, route_kind
from .transfer import AbandonedError, Limits, Reply, TransferError, exchange

#: Where users can read what refparse is; part of the polite User-Agent.
PROJECT_URL = "https://github.com/refparse/refparse"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class NotCachedError(EnrichError):
    """Offline, and the cache holds no answer for this request."""


class NotAskedError(EnrichError):
    """The client has stopped sending requests (its budget is spent, or it was interrupted).

    The message says why (``Crossref failed 10 lookups in a row …``); the
    lookup is skipped, not failed.
    """


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("refparse")
    except PackageNotFoundError:
        return "0+unknown"


def user_agent(mailto: str | None) -> str:
    """The User-Agent Crossref asks for: tool/version, a URL and a contact address.

    Args:
        mailto: the contact address, if the user gave one.

    Returns:
        e.g. ``refparse/0.1.0 (https://github.com/refparse/refparse; mailto:me@example.org)``.
    """
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"refparse/{_version()} ({PROJECT_URL}{contact})"


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    Args:
        value: the header value, if any.
        now: the current time (for HTTP dates); defaults to the wall clock.

    Returns:
        Seconds (never negative), or ``None`` when absent or unreadable.
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max((when - now).total_seconds(), 0.0)


def _is_json(response: requests.Response) -> bool:
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


def _shaped(path: str, message: dict[str, Any]) -> bool:
    """Whether a ``message`` has the shape of its route: a work list's ``items``, a work's ``DOI``.

    Why: JSON of the wrong shape read as an empty answer would pass for "no
    DOI" — and be cached as one.
    """
    if path == "/works":
        items = message.get("items")
        return isinstance(items, list) and all(isinstance(i, dict) for i in items)
    if path.startswith("/works/"):
        return isinstance(message.get("DOI"), str)
    return True


def _ok_message(response: requests.Response, path: str | None = None) -> dict[str, Any] | None:
    """The ``message`` of a well-formed Crossref answer (of the route's shape), or ``None``."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict) or body.get("status") != "ok":
        return None
    message = body.get("message")
    if not isinstance(message, dict) or (path is not None and not _shaped(path, message)):
        return None
    return message


def _ignored_parameters() -> tuple[str, ...]:
    """Parameters and headers left out of cache keys: the contact address must not be stored."""
    from requests_cache.policy.settings import DEFAULT_IGNORED_PARAMS

    return (*DEFAULT_IGNORED_PARAMS, "mailto", "User-Agent")


@dataclass
class Stats:
    """What a client did, for reports, tests and benchmarks."""

    requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    failures: int = 0
    abandoned: int = 0


class CrossrefClient:
    """A polite, cached, rate-limited client for the Crossref REST API.

    One client is shared by the worker threads of a run: the session's
    connection pool and the SQLite cache are thread-safe, and the limiter and
    the failure budget must be shared to mean anything.

    Args:
        options: where to connect, how to cache, how hard to try.
        limiter: a rate limiter (a fresh one from ``options`` by default).
        sleep: how to wait between retries (tests may pass a recorder); by
            default a wait that a stop (:meth:`abort`, a spent budget) cuts short.

    Attributes:
        budget: what the client may still spend; ``budget.reason`` says why
            it stopped asking, if it did.
        stats: what it did (requests, cache hits, retries, failures).
    """

    def __init__(
        self,
        options: EnrichOptions,
        limiter: RateLimiter | CrossrefLimiter | None = None,
        sleep: Any = None,
    ) -> None:
        self.options = options
        # Crossref's limits per kind of request, shared with the user's other processes (-j workers).
        self.limiter = limiter or crossref_limiter(options)
        self.stats = Stats()
        self.budget = Budget(options)
        self._sleep = sleep or self.budget.wait
        self._lock = threading.Lock()
        self._blocked_until = 0.0
        self._limits = Limits(
            connect_timeout=options.connect_timeout,
            read_timeout=options.timeout,
            seconds=options.connect_timeout + options.timeout,
            max_bytes=options.max_response_bytes,
            max_redirects=options.max_redirects,
        )
        headers = {"User-Agent": user_agent(options.mailto), "Accept": "application/json"}
        self.cache = CrossrefCache(options, headers, _ignored_parameters())

    @property
    def session(self) -> requests.Session:
        """The session requests go out through (answers are stored in the cache after checking)."""
        return self.cache.session

    @property
    def unavailable(self) -> str | None:
        """Why the client stopped sending requests (``None`` while it sends them)."""
        return self.budget.check()

    def abort(self) -> None:
        """Stop now (an interrupt): requests in flight are abandoned, no lookup is answered any more.

        For good: a client that was interrupted stays stopped (make a new one to go on).
        """
        self.budget.stop("lookups were interrupted", announce=False)

    def close(self) -> None:
        """Release the connection pool and the cache's database handle."""
        self.cache.close()

    def __enter__(self) -> CrossrefClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _count(self, name: str) -> None:
        with self._lock:
            setattr(self.stats, name, getattr(self.stats, name) + 1)

    def _public_url(self, path: str, params: Mapping[str, str]) -> str:
        """The request URL without the contact address, for messages and errors."""
        url = requests.Request("GET", self.options.base_url + path, params=dict(params)).prepare().url
        return url or self.options.base_url + path

    def _from_cache(self, url: str, params: dict[str, str], path: str) -> dict[str, Any] | None:
        response = self.cache.lookup(url, params)
        if response is None:
            return None
        message = _ok_message(response, path)
        if message is not None:
            self._count("cache_hits")
        return message

    def _refuse_if_stopped(self, shown: str) -> None:
        reason = self.budget.check()
        if reason is not None:
            raise NotAskedError(f"Crossref {reason}", url=shown)

    def get_message(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any] | None:
        """GET a Crossref route and return the ``message`` of its JSON answer.

        Args:
            path: the route, e.g. ``/works`` or ``/works/10.1371%2Fx``.
            params: query parameters (``mailto`` is added here).

        Returns:
            The ``message`` object; ``None`` when the service answers 404.

        Raises:
            NotCachedError: offline and not in the cache.
            NotAskedError: the client has stopped asking (budget spent,
                deadline passed, interrupted) and the cache has no answer.
            EnrichError: the service failed after all retries, refused the
                request (4xx), or sent answers that are not its JSON;
                ``status`` and a ``url`` without the contact address are attached.
        """
        public = dict(params or {})
        sent = {**public, "mailto": self.options.mailto} if self.options.mailto else public
        url = self.options.base_url + path
        shown = self._public_url(path, public)
        self.budget.start()
        if self.budget.interrupted:
            raise NotAskedError("Crossref lookups were interrupted", url=shown)
        if self.cache.mode != "off":
            message = self._from_cache(url, sent, path)
            if message is not None:
                return message
        if self.options.offline:
            raise NotCachedError("offline and not in the cache", url=shown)
        self._refuse_if_stopped(shown)
        try:
            message = self._fetch(url, sent, shown, path)
        except NotAskedError:
            raise
        except EnrichError as e:
            self.budget.lookup_done(ok=False, problem=str(e))
            raise
        self.budget.lookup_done(ok=True)
        return message

    def _exchange(self, url: str, params: dict[str, str], shown: str) -> Reply:
        """One request, abandoned at a stop; its failure is noted in the budget."""
        started = time.monotonic()
        try:
            return exchange(self.session, url, params, self._limits, lambda: self.budget.stopped,
                            self.budget.deadline_at)
        except AbandonedError:
            self._count("abandoned")
            self._refuse_if_stopped(shown)
            raise
        except TransferError as e:
            self._count("failures")
            self.budget.request_failed(started, e.problem, unreachable=e.unreachable)
            raise

    def _judge(self, reply: Reply, path: str) -> tuple[dict[str, Any] | None, str]:
        """The message of a 200 answer, or ``None`` and what is wrong with it."""
        response = reply.response
        if not _is_json(response):
            kind = response.headers.get("Content-Type") or "none"
            return None, f"an answer that is not JSON (Content-Type: {kind[:60]})"
        message = _ok_message(response, path)
        if message is None:
            shaped = _ok_message(response) is not None
            return None, "JSON not in Crossref's shape" if shaped else "malformed JSON answer"
        self.budget.answered()
        self.cache.store(response, reply.request)
        return message, ""

    def _too_long(self, wait: float, status: int, shown: str) -> EnrichError:
        """A ``Retry-After`` longer than refparse waits: every lookup fails fast until then."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, time.monotonic() + wait)
        self.budget.announce(
            f"Crossref asked to wait {wait:g} s (HTTP {status}), longer than refparse waits "
            f"({self.options.max_retry_wait:g} s); the lookups of this run fail until then"
        )
        return EnrichError(f"Crossref asked to wait {wait:g} s (HTTP {status})", status=status, url=shown)

    def _fetch(self, url: str, params: dict[str, str], shown: str, path: str) -> dict[str, Any] | None:
        opts = self.options
        blocked = self._blocked_until - time.monotonic()
        if blocked > 0:
            raise EnrichError(f"Crossref asked to wait {blocked:.0f} s more; not asked", status=429, url=shown)
        problem, status = "no answer", None
        kind = route_kind(url)
        for attempt in range(opts.max_retries + 1):
            if attempt:
                self._count("retries")
            wait: float | None = None
            with self.limiter.slot(kind):
                self._refuse_if_stopped(shown)
                self._count("requests")
                started = time.monotonic()
                try:
                    reply: Reply | None = self._exchange(url, params, shown)
                except TransferError as e:
                    reply, problem, status = None, e.problem, None
            if reply is not None:
                response = reply.response
                self.limiter.update(response.headers, kind)
                status = response.status_code
                if status == 200:
                    message, problem = self._judge(reply, path)
                    if message is not None:
                        return message
                    self._count("failures")
                    self.budget.request_failed(started, problem)
                elif status == 404:
                    self.budget.answered()
                    return None
                elif status in RETRY_STATUSES:
                    problem = f"HTTP {status}"
                    self._count("failures")
                    self.budget.request_failed(started, problem)
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
                    if wait is not None and wait > opts.max_retry_wait:
                        # Longer than we are willing to wait: every lookup fails fast until then,
                        # instead of all threads sleeping on the limiter.
                        raise self._too_long(wait, status, shown)
                    if wait is not None:
                        self.limiter.pause(wait)
                else:
                    self.budget.answered()  # the service works; it refuses this request
                    raise EnrichError(f"Crossref refused the request (HTTP {status})", status=status, url=shown)
            if attempt == opts.max_retries:
                break
            self._refuse_if_stopped(shown)
            if wait is None:
                wait = opts.backoff * (2**attempt)
            self._sleep(min(wait, opts.max_retry_wait))
        raise EnrichError(f"Crossref failed: {problem} after {attempt + 1} attempt(s)", status=status, url=shown)
