"""Talking to Crossref: one cached session, polite headers, rate limits, bounded retries.

Every request goes through :meth:`CrossrefClient.get_message`:

1. the cache is asked first (``only_if_cached``), so an answer already on disk
   costs no request and no rate-limit turn;
2. offline, a miss stops there (:class:`NotCachedError`);
3. otherwise the request waits for a rate-limit turn and a concurrency slot,
   carries a timeout, and is retried after a 429/5xx/timeout/malformed body,
   waiting ``Retry-After`` when the service gives one and an exponential
   back-off when it does not, a bounded number of times.

A fault of the cache file (damaged, read-only, unopenable) never fails a
lookup: :class:`~refparse.enrich.cache.CrossrefCache` rebuilds or bypasses
the cache and warns once.

Only ``200`` answers whose body is Crossref JSON with ``status: ok`` are
written to the cache, so an error or a truncated body never poisons it. The
``mailto`` (parameter and User-Agent) is left out of cache keys and of what
the cache stores, so a cache file can be shared without leaking an address.
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
from .cache import CrossrefCache
from .options import EnrichOptions
from .ratelimit import CrossrefLimiter, RateLimiter, crossref_limiter, route_kind

#: Where users can read what refparse is; part of the polite User-Agent.
PROJECT_URL = "https://github.com/refparse/refparse"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class NotCachedError(EnrichError):
    """Offline, and the cache holds no answer for this request."""


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


def _ok_message(response: requests.Response) -> dict[str, Any] | None:
    """The ``message`` of a well-formed Crossref answer, or ``None``."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict) or body.get("status") != "ok":
        return None
    message = body.get("message")
    return message if isinstance(message, dict) else None


def _cacheable(response: requests.Response) -> bool:
    """requests-cache filter: store only a 200 with a well-formed Crossref body."""
    return response.status_code == 200 and _ok_message(response) is not None


def _ignored_parameters() -> tuple[str, ...]:
    """Parameters and headers left out of cache keys: the contact address must not be stored."""
    from requests_cache.policy.settings import DEFAULT_IGNORED_PARAMS

    return (*DEFAULT_IGNORED_PARAMS, "mailto", "User-Agent")


@dataclass
class Stats:
    """What a client did, for reports and tests (network requests, cache hits, retries)."""

    requests: int = 0
    cache_hits: int = 0
    retries: int = 0


class CrossrefClient:
    """A polite, cached, rate-limited client for the Crossref REST API.

    One client is shared by the worker threads of a run: the session's
    connection pool and the SQLite cache are thread-safe, and the limiter must
    be shared to mean anything.

    Args:
        options: where to connect, how to cache, how hard to try.
        limiter: a rate limiter (a fresh one from ``options`` by default).
        sleep: how to wait between retries (tests may pass a recorder).
    """

    def __init__(
        self,
        options: EnrichOptions,
        limiter: RateLimiter | CrossrefLimiter | None = None,
        sleep: Any = time.sleep,
    ) -> None:
        self.options = options
        # Crossref's limits per kind of request, shared with the user's other processes (-j workers).
        self.limiter = limiter or crossref_limiter(options)
        self.stats = Stats()
        self._sleep = sleep
        self._lock = threading.Lock()
        self._blocked_until = 0.0
        headers = {"User-Agent": user_agent(options.mailto), "Accept": "application/json"}
        self.cache = CrossrefCache(options, headers, _cacheable, _ignored_parameters())

    @property
    def session(self) -> requests.Session:
        """The session requests go out through (cached while the cache can be written)."""
        return self.cache.session

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

    def _from_cache(self, url: str, params: dict[str, str]) -> dict[str, Any] | None:
        response = self.cache.lookup(url, params)
        if response is None:
            return None
        message = _ok_message(response)
        if message is not None:
            self._count("cache_hits")
        return message

    def get_message(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any] | None:
        """GET a Crossref route and return the ``message`` of its JSON answer.

        Args:
            path: the route, e.g. ``/works`` or ``/works/10.1371%2Fx``.
            params: query parameters (``mailto`` is added here).

        Returns:
            The ``message`` object; ``None`` when the service answers 404.

        Raises:
            NotCachedError: offline and not in the cache.
            EnrichError: the service failed after all retries, refused the
                request (4xx), or sent malformed answers; ``status`` and a
                ``url`` without the contact address are attached.
        """
        public = dict(params or {})
        sent = {**public, "mailto": self.options.mailto} if self.options.mailto else public
        url = self.options.base_url + path
        shown = self._public_url(path, public)
        if self.cache.mode != "off":
            message = self._from_cache(url, sent)
            if message is not None:
                return message
        if self.options.offline:
            raise NotCachedError("offline and not in the cache", url=shown)
        return self._fetch(url, sent, shown)

    def _fetch(self, url: str, params: dict[str, str], shown: str) -> dict[str, Any] | None:
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
                self._count("requests")
                try:
                    response = self.cache.get(url, params, timeout=(opts.timeout, opts.timeout))
                except requests.Timeout:
                    response, problem, status = None, f"no answer within {opts.timeout:g} s", None
                except requests.RequestException as e:
                    response, problem, status = None, f"connection failed ({type(e).__name__})", None
            if response is not None:
                self.limiter.update(response.headers, kind)
                status = response.status_code
                if status == 200:
                    message = _ok_message(response)
                    if message is not None:
                        return message
                    problem = "malformed JSON answer"
                elif status == 404:
                    return None
                elif status in RETRY_STATUSES:
                    problem = f"HTTP {status}"
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
                    if wait is not None and wait > opts.max_retry_wait:
                        # Longer than we are willing to wait: every lookup fails fast until then,
                        # instead of all threads sleeping on the limiter.
                        with self._lock:
                            self._blocked_until = max(self._blocked_until, time.monotonic() + wait)
                        raise EnrichError(
                            f"Crossref asked to wait {wait:g} s (HTTP {status})", status=status, url=shown
                        )
                    if wait is not None:
                        self.limiter.pause(wait)
                else:
                    raise EnrichError(f"Crossref refused the request (HTTP {status})", status=status, url=shown)
            if attempt == opts.max_retries:
                break
            if wait is None:
                wait = opts.backoff * (2**attempt)
            self._sleep(min(wait, opts.max_retry_wait))
        raise EnrichError(f"Crossref failed: {problem} after {attempt + 1} attempt(s)", status=status, url=shown)
