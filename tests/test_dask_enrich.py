"""Crossref lookups from a Dask cluster: one rate limit, one cache, the same DOIs as one process.

A loopback Crossref (``tests/crossref_server.py``, real HTTP on 127.0.0.1)
answers both runs; the local batch converter (``jobs=1``) gives the expected
outputs and the expected number of requests. Every page is converted twice,
from two folders, so that two workers want the same lookups at once.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed import Client

from conftest import FIXTURES
from crossref_server import CrossrefStub, Faults, SearchIndex
from refparse.batch import BatchOptions, convert_paths
from refparse.batch.cluster import DaskExecutor
from refparse.batch.cluster_enrich import EnrichActor
from refparse.enrich import Enricher, EnrichOptions
from test_batch import cut
from test_dask_cluster import local_cluster, stable, tree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "doi_matching"))

from evaluate import load

PAGES = [(FIXTURES / "seed000.txt").read_text(encoding="utf-8"),
         *(p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "dev").glob("*.txt"))[:2])]


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with local_cluster() as c:
        yield c


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(load()[0])


@pytest.fixture
def stub(index: SearchIndex) -> Iterator[CrossrefStub]:
    with CrossrefStub(index) as server:
        yield server


def folder(tmp_path: Path, refs: int) -> Path:
    root = tmp_path / "in"
    for copy in ("a", "b"):
        (root / copy).mkdir(parents=True)
        for i, page in enumerate(PAGES):
            (root / copy / f"page{i}.txt").write_text(cut(page, 1, refs), encoding="utf-8")
    return root


def enricher(stub: CrossrefStub, cache: Path, **kw: Any) -> Enricher:
    options = EnrichOptions(base_url=stub.url, mailto="test@example.org", cache_path=cache, backoff=0.01, **kw)
    return Enricher(options, lookup=True, check=True)


def run_both(stub: CrossrefStub, client: Client, tmp_path: Path, root: Path, **kw: Any) -> tuple[int, int]:
    """The local run, then the cluster run; requests each made."""
    counts = []
    for name in ("j1", "dask"):
        stub.reset()
        step = enricher(stub, tmp_path / f"{name}.sqlite", **kw)
        options = BatchOptions(to="jsonl", out_dir=tmp_path / name, report=tmp_path / f"{name}.jsonl", enrich=step,
                               jobs=1)
        try:
            convert_paths([root], options, executor=DaskExecutor(client, batch_files=1) if name == "dask" else None)
        finally:
            step.close()
        counts.append(stub.count)
    return counts[0], counts[1]


def test_the_cluster_finds_the_same_dois_with_one_limit_and_one_cache(stub: CrossrefStub, client: Client,
                                                                        tmp_path: Path) -> None:
    root = folder(tmp_path, 10)
    stub.reset(Faults(rate_headers=("40", "1s")))  # the limit the service states; every client must follow it
    local, cluster = run_both(stub, client, tmp_path, root, rate_limit=40.0)
    assert tree(tmp_path / "dask") == tree(tmp_path / "j1")
    assert stable(tmp_path / "dask.jsonl") == stable(tmp_path / "j1.jsonl")
    assert '"doi"' in (tmp_path / "dask/a/page0.jsonl").read_text(encoding="utf-8")
    # the second copy of every page is answered from the one cache, whichever worker converts it
    assert cluster == local > 10
    starts = sorted(e.at for e in stub.log)
    assert starts[-1] - starts[0] >= (len(starts) - 2) / 40 * 0.9  # one limiter for both workers
    assert stub.max_in_flight <= 3
    assert (tmp_path / "dask.sqlite").exists()  # written by the actor, on its worker


def test_the_enrichment_actor_lost_with_its_worker_is_made_again(stub: CrossrefStub, client: Client,
                                                                  tmp_path: Path) -> None:
    root = folder(tmp_path, 20)
    stub.reset(Faults(delay=0.03))  # slow answers: the run is still enriching when the actor's worker dies
    step = enricher(stub, tmp_path / "j1.sqlite", rate_limit=1000.0)
    convert_paths([root], BatchOptions(to="jsonl", out_dir=tmp_path / "j1", jobs=1, enrich=step))
    step.close()
    stub.reset()
    step = enricher(stub, tmp_path / "dask.sqlite", rate_limit=1000.0)
    result: dict[str, Any] = {}

    def run() -> None:
        result["summary"] = convert_paths([root], BatchOptions(to="jsonl", out_dir=tmp_path / "dask", enrich=step),
                                          executor=DaskExecutor(client, batch_files=1))

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 60
    while stub.count < 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    cache = str(tmp_path / "dask.sqlite")
    holders = [pid for pid, caches in client.run(_actors).values() if cache in caches]
    assert len(holders) == 1 and thread.is_alive()
    os.kill(holders[0], signal.SIGKILL)
    thread.join(120)
    step.close()
    assert result["summary"].exit_code == 0 and result["summary"].converted == 2 * len(PAGES)
    written = tree(tmp_path / "dask")
    leftovers = [name for name in written if Path(name).name.startswith(".")]  # the killed worker's temp file
    assert all(name.endswith(".refparse-tmp") for name in leftovers)
    assert {k: v for k, v in written.items() if k not in leftovers} == tree(tmp_path / "j1")
    client.wait_for_workers(2, timeout=60)


def _actors(dask_worker: Any) -> tuple[int, list[str]]:
    """The worker's process id and the cache files of the enrichment actors it holds."""
    return os.getpid(), [str(a.enricher.options.cache_path) for a in dask_worker.state.actors.values()
                         if isinstance(a, EnrichActor)]


def test_cluster_cache_file_is_reused_by_the_next_run(stub: CrossrefStub, client: Client, tmp_path: Path) -> None:
    root = folder(tmp_path, 5)
    for name in ("first", "second"):
        stub.reset()
        step = enricher(stub, tmp_path / "cache.sqlite", rate_limit=1000.0)
        convert_paths([root], BatchOptions(to="jsonl", out_dir=tmp_path / name, enrich=step),
                      executor=DaskExecutor(client, batch_files=1))
        step.close()
        if name == "first":
            assert stub.count > 0
    assert stub.count == 0  # every lookup answered by the cache the first run's actor wrote
    assert tree(tmp_path / "second") == tree(tmp_path / "first")
    shutil.rmtree(tmp_path / "in")
