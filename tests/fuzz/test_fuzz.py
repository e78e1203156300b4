"""The fast subset of the fuzzing harness: a few seconds in the normal suite.

The same strategies (:mod:`strategies`) and properties (:mod:`properties`) run for
as long as you like with ``python tests/fuzz/run.py --minutes 30``; the
coverage-guided run is ``python tests/fuzz/atheris_parse.py`` (see
``tests/fuzz/README.md``). Here every property gets a few dozen inputs, and the
time-linearity property is checked on fixed input families, with a margin wide
enough that a loaded machine passes and a quadratic step does not.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from properties import check_bytes, check_page
from strategies import Page, authors_block, pages, raw_inputs

from refparse import parse

FAST = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


@FAST
@given(pages(max_refs=6))
@example(Page("1.\n" + "\n".join(authors_block(2500)[:2400]) + "\nIn:\n(\n" + "\n".join(authors_block(2500)[2400:])
              + "\n.\nA title\n.\nNature\n.\n2020\n;\n1\n:\n2\n.\n", 1))  # a long author list the grammar must repair
@example(Page("1.\nSmith\nJ\n.\n" + ". " * 600 + "x\n.\n2.\n" + "1" * 990 + "-\n", 2))  # runs of marks; long numbers
@example(Page("[3]\n\u200bSmith\nJ\n.\n<b>T</b>\n[4]\n\t\u202bعنوان\u202c\n\ufeff[5]\nTitle\u0301\n", 3))  # no "1."; RTL; marks
def test_near_valid_pages_keep_every_reference_and_export_valid(page: Page) -> None:
    check_page(page.text, page.labels)


@FAST
@given(raw_inputs())
@example(b"\xff\xfe1\x00.\x00\n\x00")  # UTF-16 with a BOM
@example(b"1.\nSmith\x00\n")  # NUL: binary, refused
@example(bytes(range(256)))
def test_any_bytes_raise_only_refparse_errors(data: bytes) -> None:
    check_bytes(data)


# ----------------------------------------------------------------------------- time


def _best_time(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _page_of(n: int) -> str:
    """``n`` distinct references (distinct names, titles and numbers, so no cache makes it sublinear)."""
    out = []
    for i in range(1, n + 1):
        out += [f"{i}.", f"Name{i:x}son", "AB", ",", f"Other{i:x}", "C", ".", f"Title number {i} of a study", ".",
                "J Test", ".", str(1900 + i % 120), ";", str(i), "(", str(i % 12 + 1), "):", str(i), "-", str(i + 9), "."]
    return "\n".join(out) + "\n"


def _long_line(unit: str, n: int) -> str:
    return f"1.\nSmith\nJ\n.\n{unit * n}\n.\nNature\n.\n2020\n;\n1\n:\n2\n.\n"


#: Growth factor of the input, and how much more time that may take (linear would be 8).
GROWTH, ALLOWED = 8, 40

FAMILIES = [
    pytest.param(lambda n: _page_of(n), 60, id="references"),
    pytest.param(lambda n: _long_line("word ", n), 400, id="long-title"),
    pytest.param(lambda n: _long_line("1", n), 2_000, id="long-number"),
    pytest.param(lambda n: _long_line(". ", n), 1_000, id="runs-of-marks"),
    pytest.param(lambda n: _long_line(")", n), 2_000, id="closing-brackets"),
    pytest.param(lambda n: _long_line("中文", n), 1_000, id="cjk"),
    pytest.param(lambda n: "1.\n" + "\n".join(authors_block(n)) + "\n.\nT\n.\nJ\n.\n2020\n;\n1\n:\n2\n.\n", 300,
                 id="authors"),
    pytest.param(lambda n: "1.\n" + "\n".join(authors_block(n)) + "\nIn:\n(\n.\nT\n.\nJ\n.\n2020\n;\n1\n:\n2\n.\n", 300,
                 id="authors-with-a-glitch"),
]


@pytest.mark.parametrize(("make", "n"), FAMILIES)
def test_time_grows_linearly_with_input(make: Callable[[int], str], n: int) -> None:
    small, large = make(n), make(n * GROWTH)
    parse(small)  # warm up: the parser tables, the plan of each shape
    t_small = _best_time(lambda: parse(small))
    t_large = _best_time(lambda: parse(large))
    # A floor of 2 ms on the small run keeps timer noise from deciding the ratio.
    assert t_large <= ALLOWED * max(t_small, 0.002), (t_small, t_large)
