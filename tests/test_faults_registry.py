"""A registry that misbehaves in every way we know costs seconds, adds no DOI, says so, and spares the cache.

Each mode of the loopback fault server (``tests/fault_server.py``) fails
every request one way. For each, :func:`refparse.enrich.enrich` on the seed's
68 references must: finish (a generous bound: a hang guard, not a speed
test — ``benchmarks/faults/`` measures the time), add no DOI, mark every
reference as not looked up, warn once on the ``refparse.enrich`` logger,
stop asking after a few requests, and leave a cache that a good run then
fills with the right DOIs (nothing wrong was stored; a 50 MB answer least of
all). Time-outs are small here through the options; the defaults are
measured by the benchmark.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fault_server import MODES, SEED, FaultServer, dead_url
from refparse import Citation, parse
from refparse.enrich import CrossrefClient, EnrichOptions, enrich, not_looked_up
from refparse.enrich.cache import sqlite_path

#: What the fast options let each mode cost at most, in requests (a redirect loop's hops are requests too).
MOST_REQUESTS = 250
#: A run that takes longer than this has hung (the real time is a few seconds at most).
HANG_GUARD = 45.0


@pytest.fixture(scope="module")
def seed() -> list[Citation]:
    return parse(SEED.read_text(encoding="utf-8")).citations


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer() as s:
        yield s


def fast(url: str, cache: Path, **kw: Any) -> EnrichOptions:
    """Small time-outs and back-offs, so each fault costs about a second."""
    base: dict[str, Any] = {
        # A time-out well above what a loaded test machine takes to answer on loopback: the fault, not
        # the machine, must be what the warning names.
        "base_url": url, "cache_path": cache, "timeout": 1.0, "connect_timeout": 1.0, "give_up_seconds": 1.0,
        "backoff": 0.01, "rate_limit": 1000.0, "max_retry_wait": 1.0, "max_response_bytes": 1 << 20,
    }
    return EnrichOptions(**{**base, **kw})


@pytest.fixture(scope="module")
def good_dois(server: FaultServer, seed: list[Citation], tmp_path_factory: pytest.TempPathFactory) -> list[str | None]:
    """The DOIs a healthy registry gives: one per reference (the server holds every record)."""
    server.mode = "good"
    out = enrich(seed, fast(server.url, tmp_path_factory.mktemp("good") / "c.sqlite"))
    dois = [c.doi for c in out]
    assert dois == [f"10.5555/seed.{c.number}" for c in seed]
    return dois


def cache_bytes(cache: Path) -> int:
    path = sqlite_path(cache)
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


#: Each fault, and words its warning must hold: the user is told what went wrong, not only that something did.
FAULTS = [
    pytest.param("dead", "cannot be reached (connection refused", id="dead"),
    pytest.param("hang", "no answer within 1 s", id="hang"),
    pytest.param("reset", "cannot be reached (connection reset", id="reset"),
    pytest.param("html200", "not JSON (Content-Type: text/html", id="html200"),
    pytest.param("html500", "HTTP 500", id="html500"),
    pytest.param("malformed", "malformed JSON", id="malformed"),
    pytest.param("shape", "not in Crossref's shape", id="shape"),
    pytest.param("ctype", "not JSON (Content-Type: text/plain", id="ctype"),
    pytest.param("retry", "asked to wait 3600 s (HTTP 429)", id="retry-after"),
    pytest.param("huge", "over the 1.0 MB limit", id="huge"),
    pytest.param("redirect", "more than 3 redirects", id="redirect"),
    pytest.param("trickle", "no complete answer within", id="trickle"),
]


def test_every_mode_of_the_server_is_tried() -> None:
    assert {p.values[0] for p in FAULTS} == (set(MODES) - {"good"}) | {"dead"}


@pytest.mark.parametrize(("mode", "words"), FAULTS)
def test_a_faulty_registry_costs_seconds_adds_no_doi_warns_once_and_spares_the_cache(
    mode: str, words: str, server: FaultServer, seed: list[Citation], good_dois: list[str | None], tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = tmp_path / "c.sqlite"
    server.reset()
    server.mode = mode if mode != "dead" else "good"
    url = dead_url() if mode == "dead" else server.url
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="refparse.enrich"), CrossrefClient(fast(url, cache)) as client:
        out = enrich(seed, client=client)
        reason = client.unavailable
    assert time.monotonic() - started < HANG_GUARD
    assert [c.doi for c in out] == [None] * len(seed)  # not one false DOI, whatever the answer held
    assert [c.title for c in out] == [c.title for c in seed]  # every reference keeps its fields
    assert not_looked_up(out) == len(seed)
    assert server.count <= MOST_REQUESTS
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and warnings[0].startswith("warning: Crossref"), warnings
    assert words in warnings[0] and words in out[0].warnings[-1].message
    assert reason is not None  # the client stopped asking, and says why

    # The cache is still usable, and holds nothing from the fault: a good run finds every DOI.
    assert cache_bytes(cache) < 200_000
    server.mode = "good"
    healed = enrich(seed, fast(server.url, cache))
    assert [c.doi for c in healed] == good_dois


def test_a_huge_answer_is_not_read_whole(server: FaultServer, seed: list[Citation], tmp_path: Path) -> None:
    server.reset()
    server.mode, server.sent = "huge", 0
    enrich(seed[:3], fast(server.url, tmp_path / "c.sqlite", max_retries=0, concurrency=1, give_up_seconds=60))
    # Three answers of 50 MB were offered; each was read to the 1 MB limit (plus socket buffers), no further.
    assert server.count == 3 and server.sent < 3 * 8_000_000


def test_a_registry_that_fails_midway_keeps_the_dois_found_before(
    seed: list[Citation], good_dois: list[str | None], tmp_path: Path
) -> None:
    with FaultServer(mode="hang", after=20) as server:
        out = enrich(seed, fast(server.url, tmp_path / "c.sqlite", concurrency=1))
    found = [c.doi for c in out]
    assert found[:20] == good_dois[:20] and found[20:] == [None] * (len(seed) - 20)
    assert not_looked_up(out) == len(seed) - 20
