"""Options of the enrich stage: where Crossref is, how politely to ask, what to cache.

Defaults come from the environment *when an options object is made*, never at
import time, so a test (or a CLI flag) can set ``REFPARSE_CROSSREF_URL`` or
``REFPARSE_MAILTO`` and get it honoured without reloading anything. An
explicit argument always wins over the environment.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from ..errors import OptionError

#: The real Crossref REST API; tests point ``base_url`` at a loopback server.
DEFAULT_BASE_URL = "https://api.crossref.org"
ENV_BASE_URL = "REFPARSE_CROSSREF_URL"
ENV_MAILTO = "REFPARSE_MAILTO"
#: Crossref metadata changes (corrections, retractions); a month is a useful
#: balance between politeness and freshness for ``verify``.
DEFAULT_EXPIRE = timedelta(days=30)

_DURATION = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>s|m|h|d|w)?", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_expire(text: str) -> timedelta | None:
    """Read a cache lifetime as a user types it on the command line.

    Args:
        text: ``never``, a number of seconds (``3600``) or a number with a unit
            (``90m``, ``12h``, ``30d``, ``2w``).

    Returns:
        The lifetime, or ``None`` for ``never`` (entries do not expire).

    Raises:
        OptionError: the text is not a duration.
    """
    t = text.strip().lower()
    if t in ("never", "none", "-1"):
        return None
    m = _DURATION.fullmatch(t)
    if not m:
        raise OptionError(f"cache expiry {text!r} is not a duration (e.g. 3600, 12h, 30d, never)")
    try:
        return timedelta(seconds=float(m["n"]) * _UNIT_SECONDS[(m["unit"] or "s").lower()])
    except OverflowError:
        raise OptionError(f"cache expiry {text!r} is too long; say never for entries that do not expire") from None


def default_cache_path() -> Path:
    """The SQLite cache file in the user's cache directory (platformdirs).

    Why a function: resolving the directory touches the environment, which must
    not happen at import time.
    """
    from platformdirs import user_cache_path

    return user_cache_path("refparse", appauthor=False) / "crossref.sqlite"


def _env_base_url() -> str:
    return os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL


def _env_mailto() -> str | None:
    return os.environ.get(ENV_MAILTO) or None


@dataclass(frozen=True)
class EnrichOptions:
    """How :func:`refparse.enrich.enrich` and :func:`~refparse.enrich.verify` talk to Crossref.

    Attributes:
        base_url: the REST API root; ``REFPARSE_CROSSREF_URL`` or the real API.
        mailto: a contact address for Crossref's polite pool (``REFPARSE_MAILTO``);
            sent as the ``mailto`` parameter and in the User-Agent, never cached.
        cache_path: the SQLite cache file; ``None`` means the user cache directory.
        cache_expire: how long a cached answer is good for; ``None`` never expires.
        no_cache: talk to Crossref without reading or writing the cache.
        offline: answer from the cache only; a lookup it cannot answer becomes a
            warning, and no request leaves the machine.
        timeout: seconds an answer may take: each read waits at most this
            long, and the whole answer (headers and body) must have come
            within ``connect_timeout + timeout`` of the request, or the request
            is abandoned (a server that trickles bytes cannot hold a run).
        connect_timeout: seconds to wait for a connection.
        max_retries: retries of one request after a 429, a 5xx, a timeout or a
            malformed answer (so ``max_retries + 1`` attempts at most).
        max_retry_wait: the longest back-off (or ``Retry-After``) refparse
            accepts; a service asking for longer is treated as unavailable.
        max_response_bytes: the largest answer read; a larger one is refused
            (by its ``Content-Length``, or by reading stopped at the limit) and
            never cached. A Crossref work list is some kilobytes.
        max_redirects: redirects followed for one request; more is a failure
            (a redirect loop).
        backoff: the first back-off in seconds when the service gives no
            ``Retry-After``; it doubles on each retry.
        rows: candidates asked for per search.
        concurrency: worker threads (Crossref allows 3 concurrent searches in the
            polite pool); requests are further bounded by the rate limit.
        rate_limit: requests per second until the service states its own limit
            in ``X-Rate-Limit-Limit`` / ``X-Rate-Limit-Interval``.
        give_up_after: consecutive failed lookups after which the remaining ones
            are skipped with a warning instead of hammering a broken service.
        give_up_seconds: the service is taken as unavailable, and no more
            requests are sent, when every request has failed for this long
            (at least two of them; an answer resets the clock). Three requests
            in a row that cannot connect (refused, reset, no such host) are
            enough on their own. Either way one warning says so, and the
            remaining lookups are skipped; the client's budget is shared by
            every lookup it makes (a whole batch run).
        deadline: seconds the client may spend on lookups in all, from its
            first lookup (``--enrich-timeout``); then requests in flight are
            abandoned and the remaining lookups are skipped. ``None``: no limit.
    """

    base_url: str = field(default_factory=_env_base_url)
    mailto: str | None = field(default_factory=_env_mailto)
    cache_path: Path | None = None
    cache_expire: timedelta | None = DEFAULT_EXPIRE
    no_cache: bool = False
    offline: bool = False
    timeout: float = 10.0
    connect_timeout: float = 5.0
    max_retries: int = 3
    max_retry_wait: float = 20.0
    backoff: float = 0.5
    rows: int = 5
    concurrency: int = 3
    rate_limit: float = 3.0
    give_up_after: int = 10
    give_up_seconds: float = 10.0
    deadline: float | None = None
    max_response_bytes: int = 4_000_000
    max_redirects: int = 3

    def __post_init__(self) -> None:
        if not re.match(r"https?://", self.base_url):
            raise OptionError(f"base URL must start with http:// or https://, got {self.base_url!r}")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        if self.mailto is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+", self.mailto):
            raise OptionError("mailto must be an e-mail address")
        if self.offline and self.no_cache:
            raise OptionError("offline needs the cache: do not combine offline with no_cache")
        checks = {
            "timeout": self.timeout > 0,
            "max_retries": self.max_retries >= 0,
            "max_retry_wait": self.max_retry_wait >= 0,
            "backoff": self.backoff >= 0,
            "rows": 1 <= self.rows <= 100,
            "concurrency": 1 <= self.concurrency <= 16,
            "rate_limit": self.rate_limit > 0,
            "give_up_after": self.give_up_after >= 1,
            "connect_timeout": self.connect_timeout > 0,
            "give_up_seconds": self.give_up_seconds > 0,
            "deadline": self.deadline is None or self.deadline > 0,
            "max_response_bytes": self.max_response_bytes >= 1024,
            "max_redirects": self.max_redirects >= 0,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise OptionError(f"invalid enrich option(s): {', '.join(bad)}")
        if self.cache_path is not None:
            object.__setattr__(self, "cache_path", Path(self.cache_path))

    @property
    def resolved_cache_path(self) -> Path:
        """The cache file that will be used (the default one when none was given)."""
        return self.cache_path if self.cache_path is not None else default_cache_path()
