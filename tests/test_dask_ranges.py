"""Ranges of one large input (refparse.batch.ranges), in this process: cut, converted, joined.

The expected output of every case is the whole file converted in one piece
by :func:`refparse.batch.convert.convert_file`, the local batch converter's
own worker function; ranges must reproduce it byte for byte, in every format
that streams, whether a range reads its own lines (the fast path) or falls
back to streaming the file from the start.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from refparse.batch.convert import FileResult, Settings, Task, convert_file
from refparse.batch.ranges import RangePlan, _cut_blocks, byte_cuttable, convert_range, join_ranges, plan_ranges
from refparse.batch.writers import KEY_MARK, make_writer

SEED = (FIXTURES / "seed000.txt").read_text(encoding="utf-8")
DEV = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "dev").glob("*.txt"))]


def pages_in_a_row(tmp_path: Path, name: str, text: str, newline: str = "\n", bom: bool = False) -> Path:
    path = tmp_path / name
    data = text.replace("\n", newline).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def run_ranges(path: Path, out: Path, fmt: str, range_refs: int, part: bool = False, seq: int = 0
               ) -> tuple[RangePlan, FileResult]:
    settings = Settings(make_writer(fmt))
    task = Task(seq, str(path), str(path), None if part else str(out), str(out) if part else None, settings)
    plan = plan_ranges(task, range_refs)
    assert isinstance(plan, RangePlan)
    parts = [convert_range(plan, r.index) for r in plan.ranges]
    return plan, join_ranges(plan, *parts)


def one_piece(path: Path, out: Path, fmt: str, part: bool = False, seq: int = 0) -> FileResult:
    task = Task(seq, str(path), str(path), None if part else str(out), str(out) if part else None,
                Settings(make_writer(fmt)))
    return convert_file(task)


CASES = [
    pytest.param("seed", lambda: SEED * 1, "\n", False, id="seed-lf"),
    pytest.param("dev", lambda: DEV[0], "\r\n", True, id="dev0-crlf-bom"),
    pytest.param("dev", lambda: DEV[2], "\r", False, id="dev2-old-mac-line-ends"),
    # several pages pasted one after another: the numbering restarts at each page
    pytest.param("pages", lambda: "\n".join([SEED, *DEV]), "\n", False, id="seed-and-dev-pages-restarting"),
]


@pytest.mark.parametrize("fmt", ["csljson", "bibtex", "ris", "jsonl"])
@pytest.mark.parametrize(("kind", "make", "newline", "bom"), CASES)
def test_ranges_join_to_the_one_piece_output(tmp_path: Path, kind: str, make: object, newline: str, bom: bool,
                                             fmt: str) -> None:
    path = pages_in_a_row(tmp_path, f"{kind}.txt", make(), newline, bom)  # type: ignore[operator]
    whole = one_piece(path, tmp_path / "whole.out", fmt)
    range_refs = 4 if fmt in ("csljson", "bibtex") else 11  # a reference per range would be no cut at all
    out = tmp_path / "ranges.out"
    plan, result = run_ranges(path, out, fmt, range_refs)
    assert len(plan.ranges) >= 2
    assert out.read_bytes() == (tmp_path / "whole.out").read_bytes()
    assert (result.status, result.references, result.parsed, result.unparsed) == \
        (whole.status, whole.references, whole.parsed, whole.unparsed)
    assert result.warnings == whole.warnings and result.unparsed_references == whole.unparsed_references
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # fragments removed


def test_bibtex_keys_colliding_across_ranges_get_letters_as_in_one_piece(tmp_path: Path) -> None:
    path = pages_in_a_row(tmp_path, "twice.txt", SEED + "\n" + SEED)  # every key occurs twice, a range apart
    plan, _ = run_ranges(path, tmp_path / "r.bib", "bibtex", 20)
    assert len(plan.ranges) == 7  # 136 references
    one_piece(path, tmp_path / "w.bib", "bibtex")
    text = (tmp_path / "r.bib").read_text(encoding="utf-8")
    assert text == (tmp_path / "w.bib").read_text(encoding="utf-8")
    first_key = text.split("{", 1)[1].split(",", 1)[0]
    assert first_key == "gupta2025blinatumomab" and f"{{{first_key}b," in text  # the first keeps it, the next: b


def test_a_fragment_of_a_combined_output_keeps_the_inputs_id_prefix(tmp_path: Path) -> None:
    path = pages_in_a_row(tmp_path, "seed.txt", SEED)
    run_ranges(path, tmp_path / "r.part", "csljson", 10, part=True, seq=2)
    one_piece(path, tmp_path / "w.part", "csljson", part=True, seq=2)
    text = (tmp_path / "r.part").read_text(encoding="utf-8")
    assert text == (tmp_path / "w.part").read_text(encoding="utf-8")
    assert not text.startswith("[") and KEY_MARK in text  # the joining process gives the keys


NAMES = ["Smith", "Jones", "Brown", "Lee", "Khan", "Silva", "Sato"]


def test_a_range_opening_with_a_same_author_dash_takes_the_authors_before(tmp_path: Path) -> None:
    lines = []
    for n in range(1, 25):  # every fourth reference from the fifth on is "———." (a range starts there)
        authors = ["———."] if n > 4 and n % 4 == 1 else [NAMES[n // 4], "J", "."]
        lines += [f"{n}.", *authors, f"A study of thing {n}", ".", "Nature", ".", "2001", ";", str(n), ":", "2", "."]
    path = pages_in_a_row(tmp_path, "dashes.txt", "\n".join(lines) + "\n")
    plan, result = run_ranges(path, tmp_path / "r.json", "csljson", 4)
    assert [r.first for r in plan.ranges] == [0, 4, 8, 12, 16, 20]
    one_piece(path, tmp_path / "w.json", "csljson")
    text = (tmp_path / "r.json").read_text(encoding="utf-8")
    assert text == (tmp_path / "w.json").read_text(encoding="utf-8")
    items = json.loads(text)
    assert [items[k]["author"][0]["family"] for k in (3, 4, 8, 12)] == ["Jones", "Jones", "Brown", "Lee"]
    assert result.warning_count == 0


def test_a_plain_list_is_cut_on_the_fast_path_and_restarts_fall_back(tmp_path: Path) -> None:
    settings = Settings(make_writer("csljson"))
    plain = pages_in_a_row(tmp_path, "seed.txt", SEED)
    plan = plan_ranges(Task(0, str(plain), str(plain), str(tmp_path / "o"), None, settings), 10)
    assert isinstance(plan, RangePlan) and len(plan.ranges) == 7  # 68 references
    assert [r.count for r in plan.ranges] == [10] * 6 + [8]
    assert all(_cut_blocks(plan, r) is not None for r in plan.ranges)
    pasted = pages_in_a_row(tmp_path, "pages.txt", "\n".join([SEED, *DEV]))
    plan = plan_ranges(Task(0, str(pasted), str(pasted), str(tmp_path / "o"), None, settings), 5)
    assert isinstance(plan, RangePlan)
    fast = [_cut_blocks(plan, r) is not None for r in plan.ranges]
    assert any(fast) and not all(fast)  # a cut next to a restart reads differently out of context


@pytest.mark.parametrize(("name", "data", "why"), [
    pytest.param("few.txt", SEED.encode(), "fewer than two ranges", id="few-references"),
    pytest.param("utf16.txt", SEED.encode("utf-16"), "UTF-16", id="utf-16"),
    pytest.param("card.md", (FIXTURES / "card001.txt").read_bytes(), "cards", id="card"),
    pytest.param("empty.txt", b"", "failed input", id="empty"),
])
def test_inputs_not_worth_cutting_are_converted_whole_by_the_plan(tmp_path: Path, name: str, data: bytes,
                                                                  why: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    task = Task(0, str(path), str(path), str(tmp_path / "out.json"), None, Settings(make_writer("csljson")))
    result = plan_ranges(task, 100 if name == "few.txt" else 2)
    assert isinstance(result, FileResult), why
    expected = convert_file(Task(0, str(path), str(path), str(tmp_path / "w.json"), None, task.settings))
    assert (result.status, result.reason, result.references) == (expected.status, expected.reason, expected.references)


def test_byte_cuttable_codecs() -> None:
    assert all(byte_cuttable(c) for c in ("utf-8", "utf-8-sig", "cp1252", "latin-1", "ISO-8859-2"))
    assert not any(byte_cuttable(c) for c in ("utf-16", "utf-32", "shift_jis"))


def test_the_text_bibliography_is_rendered_whole(tmp_path: Path) -> None:
    path = pages_in_a_row(tmp_path, "seed.txt", SEED)
    task = Task(0, str(path), str(path), str(tmp_path / "out.txt"), None, Settings(make_writer("text")))
    assert isinstance(plan_ranges(task, 5), FileResult)


@pytest.mark.parametrize(("threads", "counts"), [
    pytest.param(1, [3000, 2000], id="one-thread-two-ranges-of-whole-pieces"),
    pytest.param(2, [2000, 2000, 1000], id="two-threads-four-wanted-three-made"),
    pytest.param(8, [1000] * 5, id="more-threads-than-pieces"),
])
def test_a_long_list_is_cut_in_two_ranges_per_thread_of_whole_pieces(tmp_path: Path, threads: int,
                                                                     counts: list[int]) -> None:
    sys.path.insert(0, str(FIXTURES.parent / "benchmarks"))
    from bench_batch import make_long_page

    path = tmp_path / "long.txt"
    make_long_page(path, 5000)
    task = Task(0, str(path), str(path), str(tmp_path / "o"), None, Settings(make_writer("csljson")))
    plan = plan_ranges(task, 20_000, threads)
    assert isinstance(plan, RangePlan)
    assert [r.count for r in plan.ranges] == counts
    assert [r.first for r in plan.ranges] == [sum(counts[:i]) for i in range(len(counts))]
    assert all(_cut_blocks(plan, r) is not None for r in plan.ranges)
