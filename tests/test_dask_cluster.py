"""The batch converter on a real Dask cluster: a LocalCluster of two worker processes.

Every expectation is the local batch converter's own answer for the same
inputs (``jobs=1``, or ``-j 1`` on the command line): outputs byte for byte,
the report line for line (but the seconds), the exit status. The inputs are
the seed and dev fixtures, the same pages pasted one after another (the
numbering restarts at each), and a long list cut into ranges of references
on the cluster; a worker is killed with SIGKILL in the middle of a run.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from distributed import Client, LocalCluster

from conftest import FIXTURES
from refparse.batch import BatchOptions, BatchSummary, convert_paths
from refparse.batch.cluster import DaskExecutor
from refparse.batch.scheduler import parse_scheduler
from refparse.errors import OptionError
from test_batch import cut, expected_output, read_report, refparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_batch import make_long_page

SEED = (FIXTURES / "seed000.txt").read_text(encoding="utf-8")
DEV = sorted((FIXTURES / "dev").glob("*.txt"))


@contextmanager
def local_cluster() -> Iterator[Client]:
    """A LocalCluster of two worker processes, one thread each, and a client on it."""
    with warnings.catch_warnings():  # another cluster on the machine holds port 8787: a random port it is
        warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.CRITICAL)
    with Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with local_cluster() as c:
        yield c


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dev and seed fixtures, the same pasted in a row, a long list; CRLF and BOM variants."""
    root = tmp_path_factory.mktemp("corpus") / "in"
    (root / "dev").mkdir(parents=True)
    for p in DEV:
        shutil.copy(p, root / "dev" / p.name)
    shutil.copy(FIXTURES / "seed000.txt", root / "seed000.txt")
    (root / "seed-crlf-bom.txt").write_bytes(b"\xef\xbb\xbf" + SEED.replace("\n", "\r\n").encode())
    pasted = "\n".join([SEED, *(p.read_text(encoding="utf-8") for p in DEV)])
    (root / "pages-pasted.txt").write_text(pasted, encoding="utf-8")
    make_long_page(root / "long.txt", 700)
    return root


#: Small batches and ranges, so that a corpus of seconds is still cut in many tasks and ranges.
def executor(client: Client) -> DaskExecutor:
    return DaskExecutor(client, range_refs=120, split_bytes=40_000, batch_bytes=60_000, batch_files=3)


def stable(report: Path) -> list[dict[str, Any]]:
    lines = [json.loads(x) for x in report.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        del line["seconds"]
        if line["output"]:
            line["output"] = Path(line["output"]).name
    return lines


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def totals(s: BatchSummary) -> tuple[int, ...]:
    return (s.inputs, s.converted, s.with_warnings, s.failed, s.skipped, s.references, s.unparsed, s.warnings,
            s.exit_code)


@pytest.mark.parametrize("fmt", ["csljson", "bibtex", "ris"])
def test_out_dir_outputs_and_report_are_those_of_one_process(client: Client, corpus: Path, tmp_path: Path,
                                                             fmt: str) -> None:
    local = convert_paths([corpus], BatchOptions(to=fmt, out_dir=tmp_path / "j1", jobs=1, report=tmp_path / "j1.jsonl"))
    on_cluster = convert_paths([corpus], BatchOptions(to=fmt, out_dir=tmp_path / "dask", report=tmp_path / "d.jsonl"),
                               executor=executor(client))
    assert tree(tmp_path / "dask") == tree(tmp_path / "j1")
    assert len(tree(tmp_path / "j1")) == len(DEV) + 4
    assert stable(tmp_path / "d.jsonl") == stable(tmp_path / "j1.jsonl")
    assert totals(on_cluster) == totals(local)
    assert on_cluster.references > 1500


@pytest.mark.parametrize("fmt", ["csljson", "bibtex", "jsonl"])
def test_combined_output_is_assembled_in_input_order(client: Client, corpus: Path, tmp_path: Path, fmt: str) -> None:
    convert_paths([corpus], BatchOptions(to=fmt, output=tmp_path / "j1.out", jobs=1))
    convert_paths([corpus], BatchOptions(to=fmt, output=tmp_path / "dask.out"), executor=executor(client))
    assert (tmp_path / "dask.out").read_bytes() == (tmp_path / "j1.out").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dask.out", "j1.out"]  # no temporary folder left


def test_text_bibliographies_on_the_cluster(client: Client, tmp_path: Path) -> None:
    inputs = []
    for i, page in enumerate([SEED, DEV[0].read_text(encoding="utf-8")]):  # rendered whole: short lists
        inputs.append(str(tmp_path / f"{i}.md"))
        Path(inputs[-1]).write_text(cut(page, 1, 12), encoding="utf-8")
    options = {"to": "text", "export_options": {"style": "apa"}}
    convert_paths(inputs, BatchOptions(**options, output=tmp_path / "j1.txt", jobs=1))  # type: ignore[arg-type]
    convert_paths(inputs, BatchOptions(**options, output=tmp_path / "dask.txt"), executor=client)  # type: ignore[arg-type]
    assert (tmp_path / "dask.txt").read_bytes() == (tmp_path / "j1.txt").read_bytes()


def test_resume_skips_what_is_done_and_converts_the_rest(client: Client, corpus: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    shutil.copytree(corpus, inputs)
    out = tmp_path / "out"
    convert_paths([inputs], BatchOptions(out_dir=out), executor=executor(client))
    first = tree(out)
    (out / "long.json").unlink()
    (inputs / "seed000.txt").touch()
    os.utime(inputs / "seed000.txt", (time.time() + 5, time.time() + 5))  # edited after its output
    summary = convert_paths([inputs], BatchOptions(out_dir=out, resume=True, report=tmp_path / "r.jsonl"),
                            executor=executor(client))
    statuses = {r["input"]: r["status"] for r in map(json.loads, (tmp_path / "r.jsonl").read_text().splitlines())}
    redone = {str(inputs / "long.txt"), str(inputs / "seed000.txt")}
    assert {k for k, v in statuses.items() if v != "skipped"} == redone
    assert all(statuses[k] == "ok" for k in redone)
    assert summary.skipped == len(first) - 2 and summary.exit_code == 0
    assert tree(out) == first


def test_failing_inputs_are_reported_in_order_as_by_one_process(client: Client, tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    shutil.copy(FIXTURES / "seed000.txt", root / "a-good.txt")
    (root / "b-empty.txt").write_bytes(b"")
    (root / "c-binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (root / "d-prose.txt").write_text("Thank you for visiting nature.com.\n", encoding="utf-8")
    make_long_page(root / "e-too-large.txt", 400)
    (root / "f-latin1.txt").write_bytes(("Müller et Noël\n" + cut(SEED, 1, 4)).encode("cp1252"))
    args = [str(root), str(tmp_path / "missing.txt")]
    for name, extra in (("j1", {"jobs": 1}), ("dask", {})):
        summary = convert_paths(args, BatchOptions(out_dir=tmp_path / name, report=tmp_path / f"{name}.jsonl",
                                                   max_size=60_000, **extra),  # type: ignore[arg-type]
                                executor=executor(client) if name == "dask" else None)
        assert summary.exit_code == 1 and summary.failed == 5
    assert stable(tmp_path / "dask.jsonl") == stable(tmp_path / "j1.jsonl")
    reasons = [(r["status"], r["reason"]) for r in stable(tmp_path / "dask.jsonl")]
    assert reasons == [("ok", None), ("failed", "empty"), ("failed", "binary"), ("failed", "no-references"),
                       ("failed", "too-large"), ("warning", None), ("failed", "missing")]
    assert tree(tmp_path / "dask") == tree(tmp_path / "j1")


def test_a_worker_killed_mid_run_loses_nothing(client: Client, tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    for i in range(40):
        shutil.copy(FIXTURES / "seed000.txt", root / f"p{i:03d}.txt")
    make_long_page(root / "zz-long.txt", 3000)
    want, _ = expected_output(SEED.encode())
    convert_paths([root / "zz-long.txt"], BatchOptions(out_dir=tmp_path / "j1", jobs=1))
    result: dict[str, Any] = {}

    def run() -> None:
        result["summary"] = convert_paths([root], BatchOptions(out_dir=tmp_path / "out", report=tmp_path / "r.jsonl"),
                                          executor=DaskExecutor(client, range_refs=300, split_bytes=40_000,
                                                                batch_files=2))

    thread = threading.Thread(target=run)
    thread.start()
    pids = client.run(os.getpid)
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline and thread.is_alive():
        busy = [w for w, keys in client.processing().items() if keys]
        if len(busy) == 2 and any(p.suffix == ".json" for p in (tmp_path / "out").glob("*")):
            victim = busy[0]  # a worker with a task in hand, once the run is well under way
        time.sleep(0.01)
    assert victim is not None, "the run ended before a worker could be killed"
    os.kill(pids[victim], signal.SIGKILL)
    thread.join(120)
    assert not thread.is_alive()
    summary = result["summary"]
    assert (summary.inputs, summary.converted, summary.failed, summary.exit_code) == (41, 41, 0, 0)
    lines = (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["input"] for x in lines] == [str(root / f"p{i:03d}.txt") for i in range(40)] + \
        [str(root / "zz-long.txt")]  # every input once, in order
    for i in range(40):
        assert (tmp_path / f"out/p{i:03d}.json").read_text(encoding="utf-8") == want
    assert (tmp_path / "out/zz-long.json").read_bytes() == (tmp_path / "j1/zz-long.json").read_bytes()
    leftovers = [p.name for p in (tmp_path / "out").iterdir() if p.suffix != ".json"]
    assert all(x.startswith(".") and x.endswith(".refparse-tmp") for x in leftovers)  # a dead writer's temp file
    client.wait_for_workers(2, timeout=60)  # the nanny starts a new worker


@pytest.mark.parametrize(("spec", "expected"), [
    pytest.param("local", ("local", None), id="local"),
    pytest.param("local:3", ("local", 3), id="local-n"),
    pytest.param("tcp://10.0.0.5:8786", ("tcp://10.0.0.5:8786", None), id="tcp-address"),
    pytest.param("scheduler:8786", ("scheduler:8786", None), id="host-port"),
])
def test_scheduler_values(spec: str, expected: tuple[str, int | None]) -> None:
    assert parse_scheduler(spec) == expected


@pytest.mark.parametrize("spec", ["local:0", "local:two", "", "tcp://a b"])
def test_bad_scheduler_values(spec: str) -> None:
    with pytest.raises(OptionError):
        parse_scheduler(spec)


def test_command_line_on_a_local_cluster(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    for p in DEV[:3]:
        shutil.copy(p, root / p.name)
    (root / "zz-empty.txt").write_bytes(b"")
    runs = {}
    for name, how in (("j1", ["-j", "1"]), ("dask", ["--dask", "local:2"])):
        runs[name] = refparse("convert", "in", "--out-dir", name, "--to", "bibtex", "--report", f"{name}.jsonl",
                              *how, cwd=tmp_path)
    assert runs["dask"].returncode == runs["j1"].returncode == 1, runs["dask"].stderr
    assert "Traceback" not in runs["dask"].stderr
    assert runs["dask"].stderr.splitlines()[-1].split(";")[:2] == runs["j1"].stderr.splitlines()[-1].split(";")[:2]
    assert "refparse: in/zz-empty.txt: empty file" in runs["dask"].stderr
    assert tree(tmp_path / "dask") == tree(tmp_path / "j1")
    assert stable(tmp_path / "dask.jsonl") == stable(tmp_path / "j1.jsonl")
    assert [r["status"] for r in read_report(tmp_path / "dask.jsonl").values()].count("failed") == 1


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["--dask", "local:0"], "local:N", id="no-workers"),
    pytest.param(["--dask", "local", "-j", "2"], "choose one of --jobs", id="with-jobs"),
])
def test_command_line_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "a.txt").write_text(SEED, encoding="utf-8")
    run = refparse("convert", "a.txt", "--out-dir", "out", *args, cwd=tmp_path)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr


def test_ctrl_c_stops_a_cluster_run_cleanly(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    for i in range(150):
        shutil.copy(FIXTURES / "seed000.txt", root / f"p{i:03d}.txt")
    proc = subprocess.Popen([sys.executable, "-m", "refparse.cli", "convert", "in", "--out-dir", "out", "--dask",
                             "local:2", "--report", "r.jsonl"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and len(list(tmp_path.glob("out/*.json"))) < 3:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)  # the whole group: the client and the local cluster's processes
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "--resume" in err
    report = read_report(tmp_path / "r.jsonl")
    assert len(report) == 150
    done = {k for k, r in report.items() if r["status"] == "ok"}
    assert 3 <= len(done) < 150
    assert {r["status"] for k, r in report.items() if k not in done} <= {"interrupted", "not-done"}
    assert {f"in/{p.stem}.txt" for p in tmp_path.glob("out/*.json")} == done
    assert not [p for p in (tmp_path / "out").iterdir() if p.suffix != ".json"]  # temporary files removed
