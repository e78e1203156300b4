"""Stage 5 — options, politeness headers, Retry-After and the rate limiter, without a network."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from refparse import OptionError
from refparse.enrich import EnrichOptions, parse_expire
from refparse.enrich.http import retry_after_seconds, user_agent
from refparse.enrich.options import DEFAULT_BASE_URL
from refparse.enrich.ratelimit import RateLimiter, parse_rate_headers


def test_defaults_are_the_real_api_and_documented_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REFPARSE_CROSSREF_URL", raising=False)
    monkeypatch.delenv("REFPARSE_MAILTO", raising=False)
    opts = EnrichOptions()
    assert opts.base_url == DEFAULT_BASE_URL == "https://api.crossref.org"
    assert (opts.rate_limit, opts.concurrency, opts.mailto) == (3.0, 3, None)
    assert opts.resolved_cache_path.name == "crossref.sqlite"


def test_environment_is_read_when_options_are_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFPARSE_CROSSREF_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("REFPARSE_MAILTO", "test@example.org")
    opts = EnrichOptions()
    assert opts.base_url == "http://127.0.0.1:9" and opts.mailto == "test@example.org"
    assert EnrichOptions(base_url="https://other.example").base_url == "https://other.example"


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"base_url": "ftp://x"}, id="scheme"),
        pytest.param({"mailto": "not-an-address"}, id="mailto"),
        pytest.param({"offline": True, "no_cache": True}, id="offline-needs-cache"),
        pytest.param({"rows": 0}, id="rows"),
        pytest.param({"concurrency": 0}, id="concurrency"),
        pytest.param({"timeout": 0}, id="timeout"),
    ],
)
def test_bad_options_raise_option_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(OptionError):
        EnrichOptions(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("3600", timedelta(hours=1), id="seconds"),
        pytest.param("12h", timedelta(hours=12), id="hours"),
        pytest.param("30d", timedelta(days=30), id="days"),
        pytest.param("never", None, id="never"),
    ],
)
def test_parse_expire(text: str, expected: timedelta | None) -> None:
    assert parse_expire(text) == expected


def test_parse_expire_rejects_nonsense() -> None:
    with pytest.raises(OptionError):
        parse_expire("soon")


def test_user_agent_names_tool_version_url_and_mailto() -> None:
    ua = user_agent("test@example.org")
    assert ua.startswith("refparse/") and "https://" in ua and ua.endswith("; mailto:test@example.org)")
    assert "mailto" not in user_agent(None)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        pytest.param("3", 3.0, id="delta"),
        pytest.param("0", 0.0, id="zero"),
        pytest.param("Thu, 01 Jan 2026 00:00:10 GMT", 10.0, id="http-date"),
        pytest.param("Thu, 01 Jan 2026 00:00:00 GMT", 0.0, id="date-in-past"),
        pytest.param("soon", None, id="garbage"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_retry_after(value: str | None, seconds: float | None) -> None:
    now = datetime(2026, 1, 1, 0, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(value, now=now) == seconds


@pytest.mark.parametrize(
    ("headers", "rate"),
    [
        pytest.param({"X-Rate-Limit-Limit": "50", "X-Rate-Limit-Interval": "1s"}, 50.0, id="crossref"),
        pytest.param({"X-Rate-Limit-Limit": "3", "X-Rate-Limit-Interval": "1s"}, 3.0, id="searches"),
        pytest.param({"X-Rate-Limit-Limit": "60", "X-Rate-Limit-Interval": "1m"}, 1.0, id="per-minute"),
        pytest.param({"X-Rate-Limit-Limit": "x", "X-Rate-Limit-Interval": "1s"}, None, id="garbage"),
        pytest.param({}, None, id="absent"),
    ],
)
def test_parse_rate_headers(headers: dict[str, str], rate: float | None) -> None:
    assert parse_rate_headers(headers) == rate


class FakeClock:
    """A clock that only moves when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.starts: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_limiter_spaces_starts_at_three_per_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3.0, 3, clock=clock, sleep=clock.sleep)
    for _ in range(7):
        with limiter.slot():
            clock.starts.append(clock.now)
    assert clock.starts == pytest.approx([0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3, 2])


def test_limiter_follows_headers_and_pauses_after_429() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3.0, 3, clock=clock, sleep=clock.sleep)
    limiter.update({"X-Rate-Limit-Limit": "10", "X-Rate-Limit-Interval": "1s"})
    assert limiter.rate == 10
    limiter.wait_turn()
    limiter.pause(5)
    assert limiter.wait_turn() == pytest.approx(5)
    assert limiter.wait_turn() == pytest.approx(0.1)


def test_an_unusable_cache_is_bypassed_with_a_warning(tmp_path: Path) -> None:
    # Issue 8: cache faults are warnings, never errors (tests/test_cache_faults.py has the cases).
    from refparse import Citation
    from refparse.enrich import CrossrefClient, enrich

    (tmp_path / "bad.sqlite").write_bytes(b"this is not a database" * 100)
    citation = Citation.model_validate({"title": "A title long enough to search for", "authors": [{"kind": "person", "family": "Okafor"}]})
    options = EnrichOptions(base_url="http://127.0.0.1:9", cache_path=tmp_path / "bad.sqlite", max_retries=0)
    [out] = enrich([citation], options)
    assert [w.code for w in out.warnings] == ["enrich-failed"]  # nobody listens on port 9; the cache was rebuilt
    assert any(p.name.startswith("bad.sqlite.corrupt-") for p in tmp_path.iterdir())
    (tmp_path / "file").write_text("x")
    client = CrossrefClient(EnrichOptions(base_url="http://127.0.0.1:9", cache_path=tmp_path / "file" / "c.sqlite"))
    assert client.cache.mode == "off" and "cannot open the Crossref cache" in client.cache.events[0]
    client.close()
