"""Benchmark of the batch converter: throughput with -j 1 and -j 2, and peak memory as input grows.

Run from the repository root (any machine; figures in ``benchmarks/README.md``)::

    python benchmarks/bench_batch.py                  # 200 files, 3 repeats, 10x for memory
    python benchmarks/bench_batch.py --files 1000 --repeat 5 --throughput-only
    python benchmarks/bench_batch.py --corpus rotate  # the earlier corpus: six pages in rotation

What it measures, each time by running ``refparse convert DIR --out-dir OUT -q`` as a
subprocess, exactly as a user would:

* **throughput**: references per second (wall clock, start-up included) over ``--files``
  files, ``-j 1`` and ``-j 2`` interleaved in the same run; medians of ``--repeat`` runs. The
  default corpus (``mixed``) makes every file a different reference list drawn from the
  fixture pages and the style corpus (see :func:`make_corpus`). Beside them, the **control**:
  two independent ``-j 1`` processes, one per half of the files, started together — what this
  machine gives two processes that share nothing, the ceiling for ``-j 2``;
* **peak memory** for that corpus and for one ``--scale`` times larger (more files), with
  ``-j 2``: the largest resident set of any one process of the run (``ru_maxrss`` of the
  waited-for children, exact) and, on Linux, the peak of the whole process tree's summed RSS
  (sampled every 20 ms from ``/proc``; shared pages of forked workers are counted once per
  process, so it overstates);
* **one long file**: a single page of N and ``--scale`` x N references (renumbered seed
  references), ``--max-size 0``: memory must not grow with the length of one input either.

No dependency beyond the standard library.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fixture_pages import PAGES, cut  # the script's own folder is on sys.path


def pages() -> list[tuple[str, int]]:
    """The fixture pages (text, number of references)."""
    texts = [path.read_text(encoding="utf-8") for path in PAGES]
    return [(text, len(cut(text))) for text in texts]


STYLES = Path(__file__).resolve().parent / "corpus" / "styles"


def reference_pool() -> list[list[str]]:
    """Every reference of the fixture pages and of the style corpus.

    Each page's last reference is left out: it carries the page's footer.
    """
    pool: list[list[str]] = []
    for path in [*PAGES, *sorted(STYLES.glob("*.txt"))]:
        pool.extend(cut(path.read_text(encoding="utf-8"))[:-1])
    return pool


def make_corpus(folder: Path, files: int, kind: str = "mixed") -> int:
    """``files`` pages in ``folder``; returns the reference count.

    ``mixed``: every file a different list, 30 to 100 references drawn at random (fixed
    seed) from the pool of :func:`reference_pool` (about 6,000 references in eleven
    publishers' styles), so that, as in a real corpus, no two files are alike while a
    reference recurs now and then (a paper cited by several articles). ``rotate``: the
    six fixture pages whole, in rotation, as the earlier figures were measured; every
    page recurs 1 / 6 of the time, which flatters caches.
    """
    folder.mkdir(parents=True)  # files in two halves, a/ and b/, for the two-process control
    total = 0
    source = pages()
    pool = reference_pool() if kind == "mixed" else []
    rng = random.Random(20261121)
    for i in range(files):
        if kind == "mixed":
            refs = rng.sample(pool, rng.randint(30, 100))
            text = "References\n" + "".join(f"{n}.\n" + "\n".join(ref) + "\n" for n, ref in enumerate(refs, 1))
            count = len(refs)
        else:
            text, count = source[i % len(source)]
        path = folder / ("a" if i < files // 2 else "b") / f"{i // 100:03d}" / f"page{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        total += count
    return total


def make_long_page(path: Path, references: int) -> None:
    """One page of ``references`` seed references, numbered 1..N (a single streamed list)."""
    blocks = cut(PAGES[0].read_text(encoding="utf-8"))[:-1]  # the last one carries the page's footer
    with path.open("w", encoding="utf-8") as f:
        for n in range(references):
            f.write(f"{n + 1}.\n" + "\n".join(blocks[n % len(blocks)]) + "\n")


def _tree_rss_kb(pid: int) -> int:
    """Summed VmRSS of a process and its descendants (Linux /proc), in KiB."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
            stack += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


_CHILD = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(ru.ru_maxrss, code, ru.ru_utime + ru.ru_stime)
"""


#: The commands run as an installed refparse runs: from compiled modules. (This workplace's
#: machines set PYTHONDONTWRITEBYTECODE=1, so that every process compiled refparse's
#: modules from source again, about 30 ms of each start that no installed copy pays.)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(args: list[str], sample: bool = False) -> tuple[float, int, int, float]:
    """Run ``refparse`` once: (seconds, max RSS of one process in KiB, peak tree RSS in KiB or 0, CPU seconds).

    A small wrapper process runs the command, so that ``RUSAGE_CHILDREN`` covers this run only.
    """
    command = [sys.executable, "-c", _CHILD, sys.executable, "-m", "refparse.cli", *args]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=ENV)
    peak = 0
    while sample and proc.poll() is None and sys.platform.startswith("linux"):
        peak = max(peak, _tree_rss_kb(proc.pid) - _own_rss_kb(proc.pid))
        time.sleep(0.02)
    out, _ = proc.communicate()
    seconds = time.perf_counter() - started
    fields = out.split()
    maxrss, code, cpu = int(fields[0]), int(fields[1]), float(fields[2])
    if code not in (0, 1):
        raise SystemExit(f"refparse exited {code} for {args}")
    return seconds, maxrss, peak, cpu


def run_pair(args_a: list[str], args_b: list[str]) -> float:
    """Two ``refparse`` commands at once, as two independent processes: seconds until both end."""
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "refparse.cli", *a], stdout=subprocess.DEVNULL, env=ENV)
             for a in (args_a, args_b)]
    if any(p.wait() not in (0, 1) for p in procs):
        raise SystemExit("refparse failed in the two-process control")
    return time.perf_counter() - started


def _own_rss_kb(pid: int) -> int:
    """The wrapper's own RSS (left out of the tree sum)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=200, help="files in the small corpus (default 200)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per -j setting (default 3)")
    ap.add_argument("--scale", type=int, default=10, help="growth factor for the memory runs (default 10)")
    ap.add_argument("--long", type=int, default=10_000, help="references in the small single long file")
    ap.add_argument("--to", default="csljson", help="output format (default csljson)")
    ap.add_argument("--throughput-only", action="store_true", help="skip the memory runs")
    ap.add_argument("--corpus", choices=("mixed", "rotate"), default="mixed",
                    help="mixed: every file a different list (default); rotate: the fixture pages in rotation")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="refparse-bench-"))
    try:
        small_refs = make_corpus(work / "small", args.files, args.corpus)
        print(f"corpus ({args.corpus}): {args.files} files, {small_refs:,} references; cores: {os.cpu_count()}; "
              f"load average before: {os.getloadavg()[0]:.2f}")
        times: dict[int, list[float]] = {1: [], 2: []}
        cpu: dict[int, list[float]] = {1: [], 2: []}
        pair: list[float] = []
        run(["convert", str(work / "small" / "a"), "--out-dir", str(work / "out"), "-q"])  # writes bytecode
        for _ in range(args.repeat):
            for jobs in (1, 2):  # interleaved, so drifting machine load hits both alike
                shutil.rmtree(work / "out", ignore_errors=True)
                seconds, _, _, used = run(["convert", str(work / "small"), "--out-dir", str(work / "out"),
                                           "--to", args.to, "-q", "-j", str(jobs)])
                times[jobs].append(seconds)
                cpu[jobs].append(used)
            shutil.rmtree(work / "out", ignore_errors=True)
            pair.append(run_pair(*(["convert", str(work / "small" / h), "--out-dir", str(work / "out" / h),
                                    "--to", args.to, "-q", "-j", "1"] for h in "ab")))
        rate = {j: small_refs / statistics.median(t) for j, t in times.items()}
        print("\n| -j | median s | references/s | CPU s (all processes) | runs (s) |\n|---|---|---|---|---|")
        for j in (1, 2):
            runs = ", ".join(f"{t:.2f}" for t in times[j])
            print(f"| {j} | {statistics.median(times[j]):.2f} | {rate[j]:,.0f} | "
                  f"{statistics.median(cpu[j]):.2f} | {runs} |")
        ceiling = statistics.median(times[1]) / statistics.median(pair)
        print(f"| two -j 1 processes, one per half, at once | {statistics.median(pair):.2f} | "
              f"{small_refs / statistics.median(pair):,.0f} | | {', '.join(f'{t:.2f}' for t in pair)} |")
        print(f"\n-j 2 / -j 1 throughput: {rate[2] / rate[1]:.2f}x; the two independent processes: {ceiling:.2f}x "
              f"(what this machine gives two processes that share nothing); CPU spent, -j 2 / -j 1: "
              f"{statistics.median(cpu[2]) / statistics.median(cpu[1]):.2f}; "
              f"load average after: {os.getloadavg()[0]:.2f}")

        if args.throughput_only:
            return
        big_refs = make_corpus(work / "big", args.files * args.scale, args.corpus)
        print("\n| input (-j 2) | references | s | max RSS of one process (MB) | peak tree RSS (MB) |")
        print("|---|---|---|---|---|")
        memory = {}
        for name, refs in (("small", small_refs), ("big", big_refs)):
            shutil.rmtree(work / "out", ignore_errors=True)
            seconds, maxrss, tree, _ = run(["convert", str(work / name), "--out-dir", str(work / "out"),
                                            "--to", args.to, "-q", "-j", "2"], sample=True)
            memory[name] = (maxrss, tree)
            files = args.files * (args.scale if name == "big" else 1)
            print(f"| {files:,} files | {refs:,} | {seconds:.1f} | {maxrss / 1024:.1f} | {tree / 1024:.1f} |")
        for name, refs in (("long-small", args.long), ("long-big", args.long * args.scale)):
            page = work / f"{name}.txt"
            make_long_page(page, refs)
            seconds, maxrss, tree, _ = run(["convert", str(page), "-o", str(work / "long.out"), "--to", args.to,
                                            "-q", "--max-size", "0"], sample=True)
            memory[name] = (maxrss, tree)
            print(f"| one file, {page.stat().st_size / 1e6:.0f} MB | {refs:,} | {seconds:.1f} | "
                  f"{maxrss / 1024:.1f} | {tree / 1024:.1f} |")
        ratio = memory["big"][0] / memory["small"][0]
        long_ratio = memory["long-big"][0] / memory["long-small"][0]
        print(f"\npeak RSS ratio, {args.scale}x more files: {ratio:.2f} (one process), "
              f"{memory['big'][1] / max(memory['small'][1], 1):.2f} (tree); "
              f"{args.scale}x longer file: {long_ratio:.2f}; target <= 1.5")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
