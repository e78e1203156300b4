"""The Crossref cache under faults: damaged files, read-only files and folders, two processes at once.

A cache is an optimisation; none of its faults may cost a DOI, stop a run or
raise. Every case runs against the loopback Crossref (``crossref_server.py``)
with a real SQLite file, and checks three things: the DOIs are those of a
clean run, the warning says what happened, and the cache afterwards is what
the warning promised (rebuilt and used again, read but not written, or left
alone).

Read-only files and folders: the permission bits when the tests run as an
ordinary user; as root (who ignores them) the immutable attribute
(``chattr +i``), which binds root too.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "doi_matching"))

from evaluate import load

from crossref_server import CrossrefStub, SearchIndex
from refparse import Citation
from refparse.enrich import CrossrefClient, EnrichOptions, enrich
from refparse.enrich.cache import CrossrefCache
from refparse.enrich.stage import needs_lookup

ARTICLE = "plos_journal.pbio.2002399"
PAGE = ROOT / "fixtures" / "dev" / f"{ARTICLE}.txt"
MAILTO = "test@example.org"


@pytest.fixture(scope="module")
def dataset() -> tuple[SearchIndex, list[Citation], list[str | None]]:
    """The server's index; 16 citations of one article whose records it holds; the DOIs of a clean run.

    The clean run (no cache at all) is the reference every fault must reproduce.
    """
    records, cases = load()
    held = [c for c in cases if c["case"] == ARTICLE and c["status"] == "held"][:16]
    index = SearchIndex(records)
    cits = [Citation.model_validate(c["citation"]) for c in held]
    with CrossrefStub(index) as server:
        clean = [c.doi for c in enrich(cits, options(server, Path("unused"), no_cache=True))]
    right = sum(d == c["expected"] for d, c in zip(clean, held, strict=True))
    assert right >= 14 and all(d in (None, c["expected"]) for d, c in zip(clean, held, strict=True))
    return index, cits, clean


@pytest.fixture
def stub(dataset: tuple[SearchIndex, list[Citation], list[str | None]]) -> Iterator[CrossrefStub]:
    with CrossrefStub(dataset[0]) as server:
        yield server


@pytest.fixture
def cits(dataset: tuple[SearchIndex, list[Citation], list[str | None]]) -> list[Citation]:
    return dataset[1]


@pytest.fixture
def expected(dataset: tuple[SearchIndex, list[Citation], list[str | None]]) -> list[str | None]:
    return dataset[2]


def lookups(cits: list[Citation]) -> int:
    """Requests a run without a cache makes for these citations (one search each that needs one)."""
    return sum(map(needs_lookup, cits))


def options(stub: CrossrefStub, path: Path, **kw: Any) -> EnrichOptions:
    return EnrichOptions(base_url=stub.url, mailto=MAILTO, cache_path=path, backoff=0.01, rate_limit=1000.0, **kw)


def run(stub: CrossrefStub, path: Path, cits: list[Citation], **kw: Any) -> tuple[list[str | None], int, list[str]]:
    """Enrich with a fresh client: (DOIs, requests the server saw, cache warnings given)."""
    stub.reset()
    with CrossrefClient(options(stub, path, **kw)) as client:
        out = enrich(cits, client.options, client=client)
        events = list(client.cache.events)
    return [c.doi for c in out], stub.count, events


def filled_cache(stub: CrossrefStub, path: Path, cits: list[Citation]) -> Path:
    """A cache holding the answers for ``cits``, in one file (the last connection's close removes the WAL)."""
    run(stub, path, cits)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # the client closed it cleanly
    return path


def entries(path: Path) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        return int(con.execute("SELECT count(*) FROM responses").fetchone()[0])


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a file or folder unwritable, for root too; restore it afterwards."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode:
        pytest.skip(f"running as root and cannot set the immutable attribute: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


# ------------------------------------------------------------------ damaged files
DAMAGE = [
    pytest.param(lambda data: b"this is not a database" * 200, id="not-a-database"),
    pytest.param(lambda data: data[: len(data) // 2], id="truncated-to-half"),
    pytest.param(lambda data: data[:100], id="truncated-in-the-header"),
    pytest.param(lambda data: data[:4096] + b"\xab" * (len(data) - 4096), id="pages-overwritten"),
    pytest.param(lambda data: b"", id="empty-file"),
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cache_is_moved_aside_and_rebuilt(
    damage: Any, stub: CrossrefStub, tmp_path: Path, cits: list[Citation], expected: list[str | None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = filled_cache(stub, tmp_path / "cache.sqlite", cits)
    original = path.read_bytes()
    path.write_bytes(damage(original))
    with caplog.at_level(logging.WARNING, logger="refparse.enrich"):
        dois, asked, events = run(stub, path, cits)
    assert dois == expected and asked == lookups(cits)
    if damage(original) == b"":  # SQLite takes an empty file for a new database: nothing was damaged
        assert events == []
        return
    assert len(events) == 1 and "is damaged" in events[0] and "started a new cache" in events[0]
    assert [r.getMessage() for r in caplog.records] == [f"warning: {events[0]}"]
    kept = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert [p.read_bytes() for p in kept if not p.name.endswith(("-wal", "-shm"))] == [damage(original)]
    # the new cache works: a second run asks nothing and warns of nothing
    assert run(stub, path, cits) == (expected, 0, [])


def test_damage_found_in_the_middle_of_a_run_rebuilds_the_cache(
    stub: CrossrefStub, tmp_path: Path, cits: list[Citation], expected: list[str | None]
) -> None:
    path = filled_cache(stub, tmp_path / "cache.sqlite", cits[:8])
    stub.reset()
    with CrossrefClient(options(stub, path)) as client:
        first = enrich(cits[:8], client.options, client=client)
        assert stub.count == 0
        data = bytearray(path.read_bytes())  # damage the open file in place, under the client
        data[4096:] = b"\xab" * (len(data) - 4096)
        with path.open("r+b") as f:
            f.write(data)
        second = enrich(cits, client.options, client=client)
        assert [e for e in client.cache.events if "is damaged" in e]
        assert client.cache.mode == "read-write"
    assert [c.doi for c in first] == expected[:8]
    assert [c.doi for c in second] == expected
    # The new cache holds what was fetched after the damage (the first 8 were still
    # answered from SQLite's page cache), and is healthy: no warning, right DOIs.
    dois, asked, events = run(stub, path, cits)
    assert dois == expected and events == [] and asked <= lookups(cits[:8])


# ------------------------------------------------------------------ read-only
def test_a_read_only_cache_file_is_read_but_not_written(
    stub: CrossrefStub, tmp_path: Path, cits: list[Citation], expected: list[str | None]
) -> None:
    path = filled_cache(stub, tmp_path / "cache.sqlite", cits[:8])
    before = path.read_bytes()
    with read_only(path):
        dois, asked, events = run(stub, path, cits)
        assert dois == expected
        assert asked == lookups(cits[8:])  # the first 8 are read from it
        assert len(events) == 1 and "cannot write the Crossref cache" in events[0]
        assert "(the file is read-only)" in events[0] and "not kept" in events[0]
        offline, asked, _ = run(stub, path, cits, offline=True)
    assert offline == expected[:8] + [None] * (len(cits) - 8) and asked == 0
    assert path.read_bytes() == before


def test_a_read_only_folder_without_a_cache_is_bypassed(
    stub: CrossrefStub, tmp_path: Path, cits: list[Citation], expected: list[str | None]
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    with read_only(folder):
        dois, asked, events = run(stub, folder / "cache.sqlite", cits)
        assert list(folder.iterdir()) == []
    assert dois == expected and asked == lookups(cits)
    assert len(events) == 1 and "cannot open the Crossref cache" in events[0] and "continuing without it" in events[0]


def test_a_cache_in_a_read_only_folder_is_read_from_a_copy(
    stub: CrossrefStub, tmp_path: Path, cits: list[Citation], expected: list[str | None]
) -> None:
    folder = tmp_path / "ro"
    path = filled_cache(stub, folder / "cache.sqlite", cits[:8])
    before = sorted((p.name, p.read_bytes()) for p in folder.iterdir())
    with read_only(folder):
        dois, asked, events = run(stub, path, cits)
        assert dois == expected and asked == lookups(cits[8:])
        assert len(events) == 1 and "(its folder is read-only)" in events[0] and "temporary copy" in events[0]
        offline, asked, _ = run(stub, path, cits[:8], offline=True)
        assert offline == expected[:8] and asked == 0
    assert sorted((p.name, p.read_bytes()) for p in folder.iterdir()) == before


def test_a_cache_path_under_a_file_is_bypassed(
    stub: CrossrefStub, tmp_path: Path, cits: list[Citation], expected: list[str | None]
) -> None:
    (tmp_path / "file").write_text("x")
    dois, asked, events = run(stub, tmp_path / "file" / "cache.sqlite", cits[:4])
    assert dois == expected[:4] and asked == lookups(cits[:4])
    assert len(events) == 1 and "cannot open the Crossref cache" in events[0]
    _, asked, events = run(stub, tmp_path / "file" / "cache.sqlite", cits[:4], offline=True)
    assert asked == 0 and events[0].endswith("offline, so no lookup can be answered")


def test_a_cache_name_without_suffix_is_the_file_requests_cache_writes(tmp_path: Path) -> None:
    cache = CrossrefCache(EnrichOptions(base_url="http://127.0.0.1:9", cache_path=tmp_path / "mycache"), {}, ())
    cache.close()
    assert cache.path == tmp_path / "mycache.sqlite" and cache.path.exists()


# ------------------------------------------------------------------ concurrency
def test_threads_sharing_a_client_see_one_fault_and_one_warning(
    stub: CrossrefStub, tmp_path: Path, cits: list[Citation], expected: list[str | None]
) -> None:
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"garbage" * 1000)
    stub.reset()
    with CrossrefClient(options(stub, path, concurrency=3)) as client:
        results: list[list[str | None]] = []
        workers = [
            threading.Thread(target=lambda: results.append([c.doi for c in enrich(cits, client.options, client=client)]))
            for _ in range(3)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert results == [expected] * 3
        assert len(client.cache.events) == 1


def _page(tmp_path: Path, references: int) -> Path:
    """The first ``references`` references of a dev page whose records the server holds."""
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    end = lines.index(f"{references + 1}.")
    page = tmp_path / "page.txt"
    page.write_text("\n".join(lines[:end]) + "\n", encoding="utf-8")
    return page


def _convert(page: Path, cache: Path, out: Path, url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "REFPARSE_MAILTO": MAILTO}
    return subprocess.Popen(
        [sys.executable, "-m", "refparse.cli", "convert", str(page), "--to", "jsonl", "-o", str(out), "--enrich",
         "--verify", "--cache", str(cache), "--crossref-url", url, "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def _dois(path: Path) -> list[tuple[str | None, float | None]]:
    """Each citation's DOI and the score of its Crossref match (searched or verified)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        c = Citation.model_validate_json(line)
        out.append((c.doi, c.match.score if c.match else None))
    return out


def test_two_processes_enriching_against_one_cache_at_once(stub: CrossrefStub, tmp_path: Path) -> None:
    page = _page(tmp_path, 25)
    clean = _convert(page, tmp_path / "clean.sqlite", tmp_path / "clean.jsonl", stub.url)
    assert clean.wait(timeout=120) == 0, clean.stderr.read() if clean.stderr else ""
    baseline = _dois(tmp_path / "clean.jsonl")
    assert sum(score is not None for _, score in baseline) >= 15  # printed DOIs verified, others searched

    stub.reset()
    shared = tmp_path / "shared.sqlite"
    procs = [_convert(page, shared, tmp_path / f"out{i}.jsonl", stub.url) for i in range(3)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0 and "Crossref cache" not in err, err
    for i in range(3):
        assert _dois(tmp_path / f"out{i}.jsonl") == baseline
    with closing(sqlite3.connect(shared)) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert entries(shared) == entries(tmp_path / "clean.sqlite") > 0

    stub.reset()  # the cache they filled together answers a third run alone
    again = _convert(page, shared, tmp_path / "again.jsonl", stub.url)
    assert again.wait(timeout=120) == 0
    assert _dois(tmp_path / "again.jsonl") == baseline
    assert all(entry.status == 404 for entry in stub.log)  # only unknown DOIs, never cached, are asked again


def test_the_command_line_warns_once_and_converts(stub: CrossrefStub, tmp_path: Path) -> None:
    page = _page(tmp_path, 6)
    cache = tmp_path / "cache.sqlite"
    cache.write_bytes(b"not sqlite at all" * 300)
    proc = _convert(page, cache, tmp_path / "out.jsonl", stub.url)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"refparse: warning: the Crossref cache {cache} is damaged")
    assert any(score is not None for _, score in _dois(tmp_path / "out.jsonl"))
