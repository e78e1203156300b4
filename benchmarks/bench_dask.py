"""Benchmark of the batch converter on Dask: one worker against two, beside -j 1 and -j 2, in one run.

Run from the repository root (needs ``pip install '.[dask]'``; figures in ``benchmarks/README.md``)::

    python benchmarks/bench_dask.py                          # 1,000 files, 3 repeats
    python benchmarks/bench_dask.py --files 2000 --repeat 5 --long 40000

What it measures, interleaved so that drifting machine load hits every setting alike:

* **cluster, 1 worker** and **cluster, 2 workers**: two ``LocalCluster`` s (worker processes, one
  thread each) started once and kept, as a real cluster is; each run is
  ``convert_paths(DIR, out_dir=OUT, executor=client)`` in this process (the client; the local
  cluster's scheduler runs here too). Start-up is reported apart;
* **-j 1** and **-j 2**: ``refparse convert DIR --out-dir OUT -q -j N`` as subprocesses (start-up
  included, as ``bench_batch.py`` measures them);
* **--dask local:2** from the command line once, start-up of the cluster included;
* with ``--long N``: one file of N references, 1 worker against 2 — its ranges converted in
  parallel (the plan, a pass over the file without parsing, stays serial).

The corpus is ``bench_batch.py``'s ``mixed`` one: every file a different list of 30-100
references drawn from the fixture pages and the style corpus.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from bench_batch import make_corpus, make_long_page, run  # the script's own folder is on sys.path


def start(workers: int) -> tuple[Any, Any, float]:
    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # the scheduler runs in this process
    began = time.perf_counter()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.CRITICAL)
    client = Client(cluster)
    client.run(lambda: __import__("refparse.batch.convert"))  # the workers' imports, as after a first task
    return cluster, client, time.perf_counter() - began


#: (CPU seconds, wall seconds) of this process (the client, and the local clusters' schedulers) per cluster run.
CLIENT_CPU: dict[int, list[tuple[float, float]]] = {1: [], 2: []}


def on_cluster(client: Any, inputs: Path, out: Path, fmt: str, workers: int = 0) -> float:
    from refparse.batch import BatchOptions, convert_paths

    shutil.rmtree(out, ignore_errors=True)
    cpu = time.process_time()
    began = time.perf_counter()
    summary = convert_paths([inputs], BatchOptions(to=fmt, out_dir=out, max_size=0), executor=client)
    seconds = time.perf_counter() - began
    if workers:
        CLIENT_CPU[workers].append((time.process_time() - cpu, seconds))
    if summary.failed:
        raise SystemExit(f"{summary.failed} inputs failed on the cluster")
    return seconds


def cli(inputs: Path, out: Path, fmt: str, *how: str) -> float:
    shutil.rmtree(out, ignore_errors=True)
    return run(["convert", str(inputs), "--out-dir", str(out), "--to", fmt, "-q", *how])[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=1000, help="files in the corpus (default 1,000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per setting (default 3)")
    ap.add_argument("--long", type=int, default=0, help="also one file of this many references (0: not)")
    ap.add_argument("--to", default="csljson", help="output format (default csljson)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="refparse-bench-dask-"))
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # workers run from compiled modules, as installed
    try:
        refs = make_corpus(work / "in", args.files)
        print(f"corpus: {args.files:,} files, {refs:,} references; cores: {os.cpu_count()}; "
              f"load average before: {os.getloadavg()[0]:.2f}")
        clusters = {n: start(n) for n in (1, 2)}
        print("cluster start-up (s): " + ", ".join(f"{n} worker(s) {c[2]:.2f}" for n, c in clusters.items()))
        times: dict[str, list[float]] = {"dask 1": [], "dask 2": [], "-j 1": [], "-j 2": []}
        on_cluster(clusters[2][1], work / "in" / "a", work / "out", args.to)  # warm: bytecode, plan store
        for _ in range(args.repeat):
            for n in (1, 2):
                times[f"dask {n}"].append(on_cluster(clusters[n][1], work / "in", work / "out", args.to, n))
            for j in (1, 2):
                times[f"-j {j}"].append(cli(work / "in", work / "out", args.to, "-j", str(j)))
        local2 = cli(work / "in", work / "out", args.to, "--dask", "local:2")
        print("\n| setting | median s | references/s | runs (s) |\n|---|---|---|---|")
        median = {k: statistics.median(v) for k, v in times.items()}
        for k, v in times.items():
            print(f"| {k} | {median[k]:.2f} | {refs / median[k]:,.0f} | {', '.join(f'{t:.2f}' for t in v)} |")
        print(f"| refparse convert --dask local:2 (cluster start-up included), once | {local2:.2f} | "
              f"{refs / local2:,.0f} | |")
        print(f"\n2 workers / 1 worker: {median['dask 1'] / median['dask 2']:.2f}x; "
              f"-j 2 / -j 1: {median['-j 1'] / median['-j 2']:.2f}x; "
              f"cluster (2 workers) / -j 2: {median['-j 2'] / median['dask 2']:.2f}x the speed; "
              f"load average after: {os.getloadavg()[0]:.2f}")
        cpu2 = statistics.median(c for c, _ in CLIENT_CPU[2])
        share = statistics.median(c / w for c, w in CLIENT_CPU[2])
        idle = time.process_time()
        time.sleep(3)
        idle = (time.process_time() - idle) / 3
        print(f"this process (the client and both local schedulers), 2 workers: {cpu2:.2f} CPU s per run, "
              f"{share:.0%} of a core ({idle:.0%} with both clusters idle)")
        if args.long:
            page = work / "long" / "long.txt"
            page.parent.mkdir()
            make_long_page(page, args.long)
            long_times: dict[int, list[float]] = {1: [], 2: []}
            for _ in range(args.repeat):
                for n in (1, 2):
                    long_times[n].append(on_cluster(clusters[n][1], page.parent, work / "out", args.to))
            m = {n: statistics.median(t) for n, t in long_times.items()}
            print(f"\none file of {args.long:,} references ({page.stat().st_size / 1e6:.1f} MB): 1 worker "
                  f"{m[1]:.2f} s, 2 workers {m[2]:.2f} s: {m[1] / m[2]:.2f}x "
                  f"(runs: {long_times[1]}, {long_times[2]})")
        for cluster, client, _ in clusters.values():
            client.close()
            cluster.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
