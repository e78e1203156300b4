"""The failure budget and the deadline: their rules on a fake clock, then over loopback HTTP.

One budget per client spans every call the client serves (a batch run's
chunks and inputs): the give-up counter that was rebuilt on every call let a
dead registry cost time in proportion to the number of references.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import pytest

from fault_server import SEED, FaultServer, dead_url
from refparse import Citation, parse
from refparse.enrich import CrossrefClient, EnrichOptions, enrich, not_looked_up
from refparse.enrich.budget import Budget


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def budget(**kw: Any) -> tuple[Budget, Clock]:
    clock = Clock()
    return Budget(EnrichOptions(base_url="http://127.0.0.1:9", **kw), clock=clock), clock


def test_lookups_failed_in_a_row_spend_it_and_an_answer_resets_the_count() -> None:
    b, _ = budget(give_up_after=3)
    for ok in (False, False, True, False, False):
        b.lookup_done(ok, "HTTP 503")
    assert b.reason is None
    b.lookup_done(False, "HTTP 503")
    assert b.reason == "failed 3 lookups in a row (the last: HTTP 503)" and b.stopped


def test_failing_for_give_up_seconds_spends_it_once_two_requests_failed() -> None:
    b, clock = budget(give_up_seconds=10)
    b.request_failed(clock.now, "no answer within 10 s")
    clock.now += 12
    assert b.reason is None  # a lone request that failed is not a service that is down
    b.request_failed(clock.now - 12, "no answer within 10 s")  # sent together with the first
    assert b.reason is not None and b.reason.startswith("has failed every request for 12 s")


def test_an_answer_in_between_restarts_the_failing_time() -> None:
    b, clock = budget(give_up_seconds=10)
    start = clock.now
    b.request_failed(start, "HTTP 503")
    clock.now += 8
    b.answered()
    clock.now += 4
    b.request_failed(start, "HTTP 503")  # begun before the answer: the service was answering since
    b.request_failed(clock.now, "HTTP 503")
    assert b.reason is None


def test_three_requests_without_any_answer_spend_it() -> None:
    b, clock = budget()
    b.request_failed(clock.now, "connection refused", unreachable=True)
    b.request_failed(clock.now, "HTTP 500")  # an answer, even a bad one, breaks the run of "no answer"
    b.request_failed(clock.now, "connection refused", unreachable=True)
    b.request_failed(clock.now, "connection refused", unreachable=True)
    assert b.reason is None
    b.request_failed(clock.now, "connection refused", unreachable=True)
    assert b.reason == "cannot be reached (connection refused, 3 times in a row)"


def test_the_deadline_runs_from_the_first_lookup() -> None:
    b, clock = budget(deadline=5)
    clock.now += 100
    assert not b.stopped  # no lookup yet
    b.start()
    clock.now += 4.9
    assert not b.stopped
    clock.now += 0.2
    assert b.stopped and b.reason == "used up the enrichment time limit of 5 s"


def test_it_warns_once_and_an_interrupt_not_at_all(caplog: pytest.LogCaptureFixture) -> None:
    b, _ = budget(give_up_after=1)
    with caplog.at_level(logging.WARNING, logger="refparse.enrich"):
        b.lookup_done(False, "HTTP 500")
        b.lookup_done(False, "HTTP 500")
        b.stop("something else")
        quiet, _ = budget()
        quiet.stop("was interrupted", announce=False)
    assert len(caplog.records) == 1 and "failed 1 lookups in a row" in caplog.records[0].getMessage()
    assert quiet.interrupted and not b.interrupted


# ------------------------------------------------------------------ over loopback HTTP
@pytest.fixture(scope="module")
def seed() -> list[Citation]:
    return parse(SEED.read_text(encoding="utf-8")).citations


def opts(url: str, tmp_path: Path, **kw: Any) -> EnrichOptions:
    base: dict[str, Any] = {"base_url": url, "cache_path": tmp_path / "c.sqlite", "backoff": 0.01,
                            "rate_limit": 1000.0}
    return EnrichOptions(**{**base, **kw})


def test_one_budget_spans_every_call_of_a_client(seed: list[Citation], tmp_path: Path) -> None:
    # The batch enriches in chunks of 16: a dead registry must cost three requests in all, not per chunk.
    url = dead_url()
    with CrossrefClient(opts(url, tmp_path)) as client:
        out = [c for i in range(0, len(seed), 16) for c in enrich(seed[i : i + 16], client=client)]
        # Three refusals in a row, plus at most the retries already on their way (concurrency 3):
        # not three per chunk (fifteen).
        assert 3 <= client.stats.requests <= 5 and client.unavailable is not None
    assert not_looked_up(out) == len(seed)


def test_the_deadline_abandons_requests_in_flight(seed: list[Citation], tmp_path: Path) -> None:
    with FaultServer(mode="hang") as server:
        started = time.monotonic()
        out = enrich(seed, opts(server.url, tmp_path, timeout=60, deadline=0.5))
        took = time.monotonic() - started
    assert took < 10  # the deadline, not the 60 s time-out (a hang guard; ~0.6 s in fact)
    assert not_looked_up(out) == len(seed)
    assert "time limit of 0.5 s" in out[-1].warnings[-1].message


def test_should_stop_returns_at_once_and_marks_what_was_not_looked_up(seed: list[Citation], tmp_path: Path) -> None:
    with FaultServer(mode="hang", after=10) as server:
        started = time.monotonic()
        out = enrich(seed, opts(server.url, tmp_path, timeout=60, concurrency=1),
                     should_stop=lambda: server.count > 10)
        took = time.monotonic() - started
    assert took < 10
    assert [c.doi for c in out[:10]] == [f"10.5555/seed.{c.number}" for c in seed[:10]]
    assert not_looked_up(out) == len(seed) - 10
    assert all("interrupted" in c.warnings[-1].message for c in out[10:])


def test_the_cache_still_answers_once_the_budget_is_spent(seed: list[Citation], tmp_path: Path) -> None:
    with FaultServer() as server:
        enrich(seed[:20], opts(server.url, tmp_path))  # these 20 answers are cached
        server.mode = "html500"
        with CrossrefClient(opts(server.url, tmp_path, give_up_after=2, concurrency=1, max_retries=0)) as client:
            first = enrich(seed[20:23], client=client)  # spends the budget
            assert client.unavailable is not None
            server.reset()
            again = enrich(seed, client=client)
    assert not_looked_up(first) == 3
    assert [c.doi for c in again[:20]] == [f"10.5555/seed.{c.number}" for c in seed[:20]]
    assert not_looked_up(again) == len(seed) - 20 and server.count == 0
