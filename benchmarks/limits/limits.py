"""Resource limits of ``refparse convert``: peak memory and time on very large and very odd inputs.

Run from the repository root (about 15 minutes; 1.5 GB of scratch disk; standard library only)::

    python benchmarks/limits/limits.py                 # every case, a Markdown table at the end
    python benchmarks/limits/limits.py --only million  # cases whose name contains "million"
    python benchmarks/limits/limits.py --quick         # the same shapes, 10x smaller (a minute)

Each case is one input file converted by ``refparse convert FILE --to FORMAT -o OUT -q``
run as a subprocess, exactly as a user runs it, single file (the batch converter streams
it with :class:`refparse.pipeline.CitationStream`). A tiny wrapper process runs it so that
``RUSAGE_CHILDREN`` gives the peak resident set (max RSS) of that run alone; time is wall
clock, start-up included. The cases:

* ``size-1MB`` / ``size-10MB`` / ``size-100MB``: pages of real references (the seed and dev
  fixture pages, renumbered) of growing size: time must grow linearly, memory stay flat;
* ``million``: 1,000,000 references (about 230 MB);
* ``line-10MB``: a page whose one title line is 10 MB (no element is that long: it is text);
* ``one-line-10MB``: a 10 MB file without a line break (no reference list: refused);
* ``reference-100k-lines``: one reference of 100,000 lines of mixed elements (the grammar
  gives up on it and recovers what is certain);
* ``authors-50k``: one reference with 50,000 authors;
* ``default-limit``: the 100 MB page with the default ``--max-size`` (refused at once).

Every case but the last runs with ``--max-size 0`` (no limit), which is what a user does to
convert such a file. The inputs are written to a scratch folder (``--keep DIR`` keeps them).
The cases share a cache folder of their own there (``REFPARSE_CACHE_DIR``), empty at the
first case as after an installation, so that the figures do not depend on what the user's
cache folder holds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from fixture_pages import PAGES, cut  # noqa: E402  (a sibling folder's module)

_CHILD = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(ru.ru_maxrss, code, ru.ru_utime + ru.ru_stime)
"""


def references() -> list[list[str]]:
    """Reference bodies from the fixture pages; each page's last one without its footer."""
    refs: list[list[str]] = []
    for path in PAGES:
        *body, last = cut(path.read_text(encoding="utf-8"))
        refs += [*body, last[:40]]
    return refs


def write_page(path: Path, *, size: int | None = None, count: int | None = None) -> int:
    """Real references, renumbered, until ``size`` bytes or ``count`` references; returns the count."""
    refs = [("\n".join(r) + "\n").encode() for r in references()]
    n = 0
    written = 0
    with path.open("wb", buffering=1 << 20) as f:
        f.write(b"References\n")
        while (size is None or written < size) and (count is None or n < count):
            body = refs[n % len(refs)]
            n += 1
            label = f"{n}.\n".encode()
            f.write(label)
            f.write(body)
            written += len(label) + len(body)
        f.write(b"Back to top\n")
    return n


def write_long_line(path: Path, size: int) -> int:
    words = b"intracellular signalling of the hippo pathway in drosophila wing discs "
    with path.open("wb") as f:
        f.write(b"1.\nGupta\nS\n.\n")
        f.write(words * (size // len(words)))
        f.write(b"\n.\nN Engl J Med\n.\n2025\n;\n392\n(\n9\n):\n875\n-\n891\n.\n")
        f.write(b"2.\nBrown\nPA\n.\nA title\n.\nJAMA\n.\n2021\n;\n1\n:\n2\n.\n")
    return 2


def write_one_line(path: Path, size: int) -> int:
    words = b"1. Gupta S, Rau RE. Blinatumomab in leukemia. N Engl J Med. 2025;392(9):875-891. "
    path.write_bytes(words * (size // len(words)))
    return 0


def write_huge_reference(path: Path, lines: int) -> int:
    pieces = [".", ",", "(", "):", "2020", "Smith", "AB", "A title of things here", "12", "e5", "doi:", "In:",
              "et al", "van der", ";", "Nature", "Springer", "pp.", "Available from:"]
    with path.open("w", encoding="utf-8") as f:
        f.write("1.\n")
        for i in range(lines):
            f.write(pieces[(i * 7 + i // 19) % len(pieces)] + "\n")
        f.write("2.\nBrown\nPA\n.\nA title\n.\nJAMA\n.\n2021\n;\n1\n:\n2\n.\n")
    return 2


def write_authors(path: Path, authors: int) -> int:
    letters = "abcdefghijklmnoprstuvwz"
    with path.open("w", encoding="utf-8") as f:
        f.write("1.\n")
        for i in range(authors):
            if i:
                f.write(",\n")
            name = letters[i % 23] + letters[(i // 23) % 23] + letters[(i // 529) % 23]
            f.write(f"{name.capitalize()}son\n{letters[i % 7].upper()}{letters[i % 5].upper()}\n")
        f.write(".\nA very collaborative paper\n.\nNature\n.\n2020\n;\n580\n:\n1\n-\n9\n.\n")
    return 1


@dataclass
class Case:
    """One input and how to convert it."""

    name: str
    make: Callable[[Path], int]
    args: tuple[str, ...] = ("--max-size", "0")
    to: str = "csljson"


def cases(scale: float) -> Iterator[Case]:
    mb = int(1_000_000 * scale)
    yield Case("size-1MB", lambda p: write_page(p, size=mb))
    yield Case("size-10MB", lambda p: write_page(p, size=10 * mb))
    yield Case("size-100MB", lambda p: write_page(p, size=100 * mb))
    yield Case("size-100MB-jsonl", lambda p: write_page(p, size=100 * mb), to="jsonl")
    yield Case("size-100MB-bibtex", lambda p: write_page(p, size=100 * mb), to="bibtex")
    yield Case("million", lambda p: write_page(p, count=int(1_000_000 * scale)))
    yield Case("line-10MB", lambda p: write_long_line(p, 10 * mb))
    yield Case("one-line-10MB", lambda p: write_one_line(p, 10 * mb))
    yield Case("reference-100k-lines", lambda p: write_huge_reference(p, int(100_000 * scale)))
    yield Case("authors-50k", lambda p: write_authors(p, int(50_000 * scale)))
    yield Case("default-limit", lambda p: write_page(p, size=100 * mb), args=())


def measure(path: Path, out: Path, case: Case) -> tuple[float, int, int, float, str]:
    """(seconds, max RSS KiB, exit status, CPU seconds, stderr's first line) of one conversion."""
    command = [sys.executable, "-c", _CHILD, sys.executable, "-m", "refparse.cli", "convert", str(path),
               "--to", case.to, "-o", str(out), "-q", *case.args]
    env = {**os.environ, "REFPARSE_CACHE_DIR": str(path.parent / "cache")}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    seconds = time.perf_counter() - started
    rss, code, cpu = done.stdout.split()
    message = next(iter(done.stderr.splitlines()), "")
    return seconds, int(rss), int(code), float(cpu), message


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="run only cases whose name contains this")
    ap.add_argument("--quick", action="store_true", help="inputs 10x smaller")
    ap.add_argument("--keep", type=Path, help="write the inputs here and keep them")
    args = ap.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="refparse-limits-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    made: dict[str, tuple[Path, int]] = {}
    try:
        for case in cases(0.1 if args.quick else 1.0):
            if args.only and args.only not in case.name:
                continue
            key = case.name.split("-jsonl")[0].split("-bibtex")[0]
            key = "size-100MB" if case.name == "default-limit" else key
            if key not in made:
                path = folder / f"{key}.txt"
                made[key] = (path, case.make(path))
            path, refs = made[key]
            out = folder / f"{case.name}.out"
            seconds, rss, code, cpu, message = measure(path, out, case)
            size = path.stat().st_size
            written = out.stat().st_size if out.exists() else 0
            rows.append((case.name, size, refs, code, seconds, cpu, rss, written))
            print(f"{case.name}: {size / 1e6:.1f} MB, {refs:,} references, exit {code}, {seconds:.1f} s,"
                  f" max RSS {rss / 1024:.1f} MB, output {written / 1e6:.1f} MB", flush=True)
            if message:
                print(f"    stderr: {message[:200]}", flush=True)
            out.unlink(missing_ok=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print("\n| case | input MB | references | exit | s | CPU s | max RSS MB | refs/s | output MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, size, refs, code, seconds, cpu, rss, written in rows:
        rate = f"{refs / seconds:,.0f}" if refs and code == 0 else "-"
        print(f"| {name} | {size / 1e6:.1f} | {refs:,} | {code} | {seconds:.1f} | {cpu:.1f} | {rss / 1024:.1f} |"
              f" {rate} | {written / 1e6:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
