"""Crossref's limits since December 2025: per pool, per kind of request, shared by threads and processes."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crossref_server import CrossrefStub, Faults
from refparse.enrich import CrossrefClient, EnrichOptions
from refparse.enrich.ratelimit import CrossrefLimiter, Limit, RateLimiter, crossref_limiter, route_kind
from test_enrich_options import FakeClock


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        pytest.param("https://api.crossref.org/works/10.1371/journal.pone.0033693", "single", id="work"),
        pytest.param("https://api.crossref.org/works/10.5555/x/agency", "single", id="agency"),
        pytest.param("https://api.crossref.org/works", "list", id="search"),
        pytest.param("https://api.crossref.org/works?filter=updates:10.5555/x", "list", id="filter"),
        pytest.param("https://api.crossref.org/members/98/works", "list", id="member-works"),
        pytest.param("https://api.crossref.org/journals/1932-6203", "single", id="journal"),
    ],
)
def test_route_kind(url: str, kind: str) -> None:
    assert route_kind(url) == kind


@pytest.mark.parametrize(
    ("mailto", "single", "listing"),
    [
        pytest.param("me@example.org", (10.0, 3), (3.0, 3), id="polite-pool"),
        pytest.param(None, (5.0, 1), (1.0, 1), id="public-pool"),
    ],
)
def test_the_real_service_gets_the_documented_limits(
    mailto: str | None, single: tuple[float, int], listing: tuple[float, int]
) -> None:
    limiter = crossref_limiter(EnrichOptions(base_url="https://api.crossref.org", mailto=mailto), share=False)
    assert isinstance(limiter, CrossrefLimiter)
    got = {k: (b.rate, b.concurrency) for k, b in limiter.buckets.items()}
    assert got == {"single": single, "list": listing}


def test_another_server_gets_one_bucket_from_the_options() -> None:
    limiter = crossref_limiter(EnrichOptions(base_url="http://127.0.0.1:9", rate_limit=7.0, concurrency=2), share=False)
    assert isinstance(limiter, RateLimiter) and (limiter.rate, limiter.concurrency) == (7.0, 2)


def test_headers_lower_the_rate_but_never_raise_it_above_the_documented_figure() -> None:
    clock = FakeClock()
    bucket = RateLimiter(3.0, 3, clock=clock, sleep=clock.sleep, ceiling=Limit(3.0, 3))
    bucket.update({"X-Rate-Limit-Limit": "50", "X-Rate-Limit-Interval": "1s", "X-Concurrency-Limit": "5"})
    assert (bucket.rate, bucket.concurrency) == (3.0, 3)
    bucket.update({"X-Rate-Limit-Limit": "2", "X-Rate-Limit-Interval": "1s", "X-Concurrency-Limit": "1"})
    assert (bucket.rate, bucket.concurrency) == (2.0, 1)
    waits = [bucket.wait_turn() for _ in range(3)]
    assert waits == [0.0, pytest.approx(0.5), pytest.approx(0.5)]


def test_a_429_pauses_both_kinds_of_request() -> None:
    clock = FakeClock()
    buckets = {k: RateLimiter(10.0, 3, clock=clock, sleep=clock.sleep) for k in ("single", "list")}
    limiter = CrossrefLimiter(buckets)  # type: ignore[arg-type]
    limiter.pause(4)
    assert buckets["single"].wait_turn() == pytest.approx(4) and buckets["list"].wait_turn() == pytest.approx(0)


def test_two_limiters_on_one_file_share_the_schedule_and_the_pause(tmp_path: Path) -> None:
    # Two objects on the same files behave like two processes of the user.
    first = RateLimiter(20.0, 1, shared=tmp_path / "bucket")
    second = RateLimiter(20.0, 1, shared=tmp_path / "bucket")
    assert first.shared and second.shared
    first.pause(0.5)
    t0 = time.perf_counter()
    second.wait_turn()
    assert time.perf_counter() - t0 >= 0.45
    first.update({"X-Rate-Limit-Limit": "4", "X-Rate-Limit-Interval": "1s"})
    second.wait_turn()
    t0 = time.perf_counter()
    second.wait_turn()
    assert time.perf_counter() - t0 >= 0.2 and second.rate == 4.0  # the stated rate reached the other one


_WORKER = textwrap.dedent(
    """
    import sys, time
    from refparse.enrich import CrossrefClient, EnrichOptions
    options = EnrichOptions(base_url=sys.argv[1], rate_limit=10.0, concurrency=1, no_cache=True, backoff=0.01)
    with CrossrefClient(options) as client:
        time.sleep(max(float(sys.argv[3]) - time.time(), 0))  # both start together
        for i in range(8):
            client.get_message(f"/works/10.5555/{sys.argv[2]}.{i}")
    """
)


def test_processes_share_one_limit(tmp_path: Path) -> None:
    env = {**os.environ, "REFPARSE_CACHE_DIR": str(tmp_path / "cache-dir")}
    start = str(time.time() + 3)
    with CrossrefStub([], Faults(delay=0.05, rate_headers=None)) as stub:
        workers = [subprocess.Popen([sys.executable, "-c", _WORKER, stub.url, name, start], env=env)
                   for name in "ab"]
        assert [w.wait(timeout=60) for w in workers] == [0, 0]
        starts = sorted(e.at for e in stub.log)
        in_flight = stub.max_in_flight
    assert len(starts) == 16
    # One limit for both: 10 a second and one at a time overall (each alone would allow 20 and 2).
    # Arrival times jitter on a busy machine: the median gap and the whole span say it.
    gaps = sorted(b - a for a, b in itertools.pairwise(starts))
    assert gaps[len(gaps) // 2] >= 0.08 and in_flight == 1
    assert starts[-1] - starts[0] >= 15 / 10 * 0.9


def test_a_client_sends_single_records_and_searches_to_their_own_bucket(tmp_path: Path) -> None:
    buckets = {"single": RateLimiter(50.0, 3), "list": RateLimiter(4.0, 1)}
    with CrossrefStub([], Faults(rate_headers=None)) as stub:
        options = EnrichOptions(base_url=stub.url, no_cache=True)
        with CrossrefClient(options, limiter=CrossrefLimiter(buckets)) as client:  # type: ignore[arg-type]
            for i in range(3):
                client.get_message("/works", {"query.bibliographic": f"query {i}"})
                client.get_message(f"/works/10.5555/{i}")
        searches = [e.at for e in stub.log if e.path == "/works"]
        singles = [e.at for e in stub.log if e.path != "/works"]
    assert len(searches) == len(singles) == 3
    assert searches[2] - searches[0] >= 2 / 4 * 0.9  # 4 a second
    # A single-record request does not wait for the search bucket's turn.
    assert all(0 <= single - search < 0.2 for search, single in zip(searches, singles, strict=True))
