"""Resource limits: what holds for huge or pathological inputs, and the bugs found checking it.

The figures (100 MB, a 10 MB line, 1,000,000 references) come from
``benchmarks/limits/limits.py`` and every pattern's growth from
``benchmarks/limits/regex_audit.py``; this file keeps the fixes from coming
back. Growth tests compare an input with one ``GROWTH`` times larger, with a
margin a loaded machine passes and a quadratic step does not; each call runs
under an alarm, so a catastrophic pattern fails the test instead of hanging it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from refparse import parse
from refparse.card_fields import parse_entities, strip_marker
from refparse.cli import parse_size
from refparse.enrich.fields import compare_title, first_page, fold
from refparse.enrich.ratelimit import parse_rate_headers
from refparse.export import export
from refparse.grammar import MAX_REPAIR_TOKENS
from refparse.lexer import _SHAPE, _TEXT_NODE
from refparse.models import Citation, Person, PubDate
from refparse.names import split_name_list
from refparse.normalize import pmid, split_range

GROWTH, ALLOWED = 8, 40


@contextmanager
def alarm(seconds: float) -> Iterator[None]:
    """Fail instead of hanging: the regex engine and the parser are interruptible."""

    def stop(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def best_time(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        with alarm(20):
            fn()
        best = min(best, time.perf_counter() - start)
    return best


def grows_linearly(make: Callable[[int], Callable[[], object]], n: int) -> None:
    small, large = best_time(make(n)), best_time(make(n * GROWTH))
    assert large <= ALLOWED * max(small, 0.001), (small, large)


def refused_size(text: str) -> None:
    """``--max-size`` must refuse ``text`` (the time is what is measured)."""
    with pytest.raises(argparse.ArgumentTypeError, match="not a size"):
        parse_size(text)


# ------------------------------------------------------------------ patterns that were super-linear
PATTERNS = [
    # lexer: "\d+[A-Za-z]?\d*" split a run of digits every way (a page range of 100,000 digits: minutes)
    pytest.param(lambda n: lambda: _SHAPE.fullmatch("1" * n + "-"), 4_000, id="range-digits"),
    # lexer: "(?:[marks]+ ?)+" was exponential ("]" * 24 + two spaces: seconds; 40: forever)
    pytest.param(lambda n: lambda: _TEXT_NODE.fullmatch("]" * n + "  "), 4_000, id="text-node-marks"),
    pytest.param(lambda n: lambda: _TEXT_NODE.fullmatch(". " * n + "  "), 2_000, id="text-node-spaced-marks"),
    # Crossref answers are remote data: tags, subtitles, pages and headers of any length
    pytest.param(lambda n: lambda: fold("<a" * n), 4_000, id="crossref-title-tags"),
    pytest.param(lambda n: lambda: compare_title("Title" + " " * n + "x", ["another title"]), 4_000,
                 id="crossref-subtitle-spaces"),
    pytest.param(lambda n: lambda: first_page(" " * n + "1" + " " * n + "x"), 4_000, id="crossref-page-spaces"),
    pytest.param(lambda n: lambda: parse_rate_headers({"X-Rate-Limit-Limit": "50",
                                                       "X-Rate-Limit-Interval": "1" + " " * n + "x"}),
                 4_000, id="rate-limit-header"),
    # found by benchmarks/limits/regex_audit.py after the merge: runs of spaces read every way
    pytest.param(lambda n: lambda: split_range(" " * n + "1"), 4_000, id="page-range-spaces"),
    pytest.param(lambda n: lambda: pmid("1" + " " * n + "x"), 4_000, id="pmid-spaces"),
    pytest.param(lambda n: lambda: refused_size("1" + " " * n + "x"), 4_000, id="size-spaces"),
    pytest.param(lambda n: lambda: split_name_list("A" + " " * n + "-"), 4_000, id="name-list-spaces"),
    pytest.param(lambda n: lambda: strip_marker("# A" + " " * n + "!", "title"), 4_000, id="heading-spaces"),
    pytest.param(lambda n: lambda: parse_entities("A" + " " * n + ")"), 4_000, id="card-entity-spaces"),
    pytest.param(lambda n: lambda: parse_entities("x (A" + " " * n + "-)"), 4_000, id="card-worded-id-spaces"),
]


@pytest.mark.parametrize(("make", "n"), PATTERNS)
def test_patterns_grow_linearly(make: Callable[[int], Callable[[], object]], n: int) -> None:
    grows_linearly(make, n)


def test_text_export_with_runs_of_no_break_spaces() -> None:
    # The et al. placeholder was removed with "\s*[,;]?\s*(and)?\s*": time to the 4th power of a
    # run of spaces (400 no-break spaces in a title: 12 s). Parsed text has no runs; citations
    # built by a library user or read back from JSON Lines may.
    def make(n: int) -> Callable[[], object]:
        c = Citation(number=1, authors=(Person(family="Gupta", given="S"),) * 7, et_al=True,
                     title="A" + "\u00a0" * n + "b", container_title="J", date=PubDate(year=2020), raw="r")
        return lambda: export([c], "text", style="vancouver")

    grows_linearly(make, 300)
    c = Citation(number=1, authors=(Person(family="Gupta", given="S"),) * 7, et_al=True, title="A\u00a0\u00a0b",
                 container_title="J", date=PubDate(year=2020), raw="r")
    assert export([c], "text", style="vancouver").startswith("1. Gupta S, Gupta S, Gupta S, Gupta S, Gupta S, Gupta S, et al. A")


# ------------------------------------------------------------------ the grammar's repair of long references
def _name(i: int) -> str:
    """A distinct surname for each ``i`` (letters only: a digit would make it text, not a name)."""
    letters = ""
    while True:
        i, r = divmod(i, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[r]
        if not i:
            return f"N{letters}son"


def _authors(n: int) -> list[str]:
    lines: list[str] = []
    for i in range(n):
        lines += ([","] if i else []) + [_name(i), "AB"]
    return lines


def _glitched(n: int) -> str:
    a = _authors(n)
    return "\n".join(["1.", *a[: len(a) // 2], "In:", "(", *a[len(a) // 2 :], ".", "T", ".", "J", ".", "2020", ";", "1",
                      ":", "2", "."]) + "\n"


def test_repairing_a_long_author_list_is_not_quadratic() -> None:
    # Each repaired token deep-copied the parser's value stack, which holds the author list:
    # 2,000 authors with one glitch took a minute, 4,000 over five.
    grows_linearly(lambda n: lambda: parse(_glitched(n)), 250)
    c = parse(_glitched(2000)).citations[0]
    assert c.status == "recovered" and len(c.authors) >= 1000 and c.raw.startswith("Nason AB, Nbson AB")


def test_a_rejected_reference_over_the_repair_limit_keeps_its_certain_fields() -> None:
    n = MAX_REPAIR_TOKENS // 3 + 100  # three tokens per author
    with alarm(60):
        c = parse(_glitched(n)).citations[0]
    assert c.status == "recovered" and c.warnings[0].code == "grammar"
    assert c.authors and c.raw.endswith("J. 2020; 1: 2.")


# ------------------------------------------------------------------ sizes
def test_standard_input_stops_at_the_size_limit(tmp_path: Path) -> None:
    # Standard input was copied whole to a temporary file before the size was checked:
    # "yes | refparse convert -" filled the disk.
    proc = subprocess.Popen(
        [sys.executable, "-m", "refparse.cli", "convert", "-", "--max-size", "1M", "-o", str(tmp_path / "out.json")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
    )
    assert proc.stdin is not None
    written = 0

    def endless() -> None:  # never ends by itself: only refparse closing the pipe stops it
        nonlocal written
        chunk = b"1.\nSmith\nJ\n.\nA title\n.\n" * 4096
        try:
            while True:
                proc.stdin.write(chunk)  # type: ignore[union-attr]
                written += len(chunk)
        except (BrokenPipeError, ValueError, OSError):
            pass

    writer = threading.Thread(target=endless, daemon=True)
    writer.start()
    assert proc.wait(timeout=60) == 1  # not communicate(): it would close standard input first
    assert proc.stderr is not None
    err = proc.stderr.read()
    assert err.decode().strip() == "refparse: <stdin>: standard input is over the --max-size limit of 1.0 MB; raise it to convert"
    assert not (tmp_path / "out.json").exists()  # a failed input writes no output, not even an empty one
    assert written < 16 * 1024 * 1024  # it stopped reading near the limit
    assert not list(tmp_path.glob(".refparse-*"))  # nor left its spool behind


def test_standard_input_under_the_limit_converts(tmp_path: Path) -> None:
    page = "1.\nSmith\nJ\n.\nA title\n.\nNature\n.\n2020\n;\n1\n:\n2\n.\n"
    done = subprocess.run([sys.executable, "-m", "refparse.cli", "convert", "-", "--max-size", "1k"],
                          input=page.encode(), capture_output=True, check=False)
    assert done.returncode == 0 and json.loads(done.stdout)[0]["title"] == "A title"


def test_huge_shapes_are_not_stored_with_the_plans(tmp_path: Path) -> None:
    # One odd input left a 100,000-token plan in plans.json, loaded by every later process.
    page = "1.\n" + "\n".join([".", "Smith", "(", "In:", "2020", ","] * 400) + "\n2.\nSmith\nJ\n.\nA title\n.\nJAMA\n.\n"
    code = f"from refparse import parse; parse({page!r})"
    env = {**os.environ, "REFPARSE_CACHE_DIR": str(tmp_path)}
    env.pop("REFPARSE_NO_PLAN_CACHE", None)
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    stored = json.loads((tmp_path / "plans.json").read_text(encoding="utf-8"))["plans"]
    assert stored and max(len(shape) for shape, _ in stored) < 1_000


def test_a_ten_megabyte_line_is_one_title() -> None:
    words = "signalling in the hippo pathway "
    title = (words * (10_000_000 // len(words))).strip()
    with alarm(60):
        result = parse(f"1.\nGupta\nS\n.\n{title}\n.\nN Engl J Med\n.\n2025\n;\n392\n:\n875\n.\n")
    [c] = result.citations
    assert c.title == title and c.container_title == "N Engl J Med" and c.volume == "392"
    assert re.fullmatch(r"Gupta S\. signalling .* pathway\. N Engl J Med\. 2025; 392: 875\.", c.raw)
