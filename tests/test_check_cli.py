"""``refparse check`` and ``refparse convert --check`` through the command line, against a loopback Crossref."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crossref_server import CrossrefStub
from gold_registry import registry
from test_cli import run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = FIXTURES / "seed000.txt"


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    recs, _ = registry(FIXTURES / "seed000.json")
    retracted = next(r for r in recs if r["DOI"] == "10.5555/gold.5")
    retracted["updated-by"] = [{"DOI": "10.5555/gold.5.retraction", "type": "retraction", "label": "Retraction",
                                "source": "retraction-watch", "updated": {"date-parts": [[2024, 3, 1]]},
                                "record-id": 51234}]
    return recs


@pytest.fixture
def stub(records: list[dict[str, Any]]) -> Iterator[CrossrefStub]:
    with CrossrefStub(records) as server:
        yield server


def net(stub: CrossrefStub, tmp_path: Path) -> list[str]:
    return ["--crossref-url", stub.url, "--mailto", "test@example.org", "--cache", str(tmp_path / "cache.sqlite")]


def test_the_table_starts_with_the_summary(stub: CrossrefStub, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check", str(SEED), *net(stub, tmp_path)], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "68 references: 68 verified, 1 retracted"
    assert lines[2].split() == ["REF", "LINE", "STATUS", "FLAGS", "DOI", "DETAILS"]
    fifth = next(line for line in lines if line.startswith("5 "))
    assert fifth.split()[:5] == ["5", "103", "verified", "retracted", "10.5555/gold.5"]
    assert "10.5555/gold.5.retraction" in fifth and "retraction-watch" in fifth


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [pytest.param("retracted", 1, id="a-flag-present"), pytest.param("doi-mismatch,not-found", 0, id="absent"),
     pytest.param("", 0, id="none")],
)
def test_fail_on(fail_on: str, code: int, stub: CrossrefStub, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got, _, err = run(["check", str(SEED), "--fail-on", fail_on, *net(stub, tmp_path)], capsys)
    assert got == code, err


def test_an_unknown_fail_on_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", str(SEED), "--fail-on", "retracted,fabricated"], capsys)
    assert code == 2 and "unknown status or flag fabricated" in err


def test_jsonl_report_and_a_rerun_makes_no_request(
    stub: CrossrefStub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["check", str(SEED), "--to", "jsonl", *net(stub, tmp_path)], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 68 and err.strip() == "refparse: 68 references: 68 verified, 1 retracted"
    assert rows[0]["input"] == str(SEED) and rows[0]["status"] == "verified" and rows[0]["doi"] == "10.5555/gold.1"
    assert rows[4]["flags"][0] == {"kind": "retracted", "notice": "10.5555/gold.5.retraction", "date": "2024-03-01",
                                   "source": "retraction-watch", "label": "Retraction", "via": "updated-by"}
    asked = stub.count
    stub.reset()
    again, out_again, _ = run(["check", str(SEED), "--to", "jsonl", *net(stub, tmp_path)], capsys)
    assert asked > 0 and stub.count == 0 and again == 0 and out_again == out


def test_csv_cells_are_protected(stub: CrossrefStub, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "hostile.txt"
    text = SEED.read_text(encoding="utf-8").replace(
        "Blinatumomab in standard-risk B-cell acute lymphoblastic leukemia in children",
        '=HYPERLINK("http://evil.example","Blinatumomab")', 1)
    page.write_text(text, encoding="utf-8")
    out_file = tmp_path / "check.csv"
    code, _, err = run(["check", str(page), "--to", "csv", "-o", str(out_file), *net(stub, tmp_path)], capsys)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out_file.read_text(encoding="utf-8"), newline="")))
    assert rows[0][:4] == ["input", "reference", "line", "status"] and len(rows) == 69
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["title"] == "'" + '=HYPERLINK("http://evil.example","Blinatumomab")'
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_offline_without_a_cache_is_unknown_never_clean(
    stub: CrossrefStub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", str(SEED), "--offline", "--fail-on", "unknown", *net(stub, tmp_path)], capsys)
    assert code == 1 and out.splitlines()[0] == "68 references: 0 verified, 68 unknown" and stub.count == 0


def test_a_bad_input_is_one_line_and_exit_1_the_rest_is_checked(
    stub: CrossrefStub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "inputs.jsonl"
    missing = tmp_path / "missing.txt"
    code, out, err = run(["check", str(missing), str(SEED), "--report", str(report), *net(stub, tmp_path)], capsys)
    assert code == 1 and out.startswith("68 references: 68 verified")
    assert f"refparse: {missing}: cannot read: no such file or directory" in err
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [(r["input"], r["status"], r["reason"]) for r in lines] == [(str(missing), "failed", "missing"),
                                                                       (str(SEED), "ok", None)]
    assert lines[1]["checks"] == {"verified": 68} and lines[1]["flags"] == {"retracted": 1}


def test_workers_share_the_work_and_keep_the_order(stub: CrossrefStub, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    text = SEED.read_text(encoding="utf-8")
    (pages / "a.txt").write_text(text, encoding="utf-8")
    (pages / "b.txt").write_text(text.replace("2025", "2019", 1), encoding="utf-8")
    cmd = [sys.executable, "-m", "refparse.cli", "check", str(pages), "--to", "jsonl", "-j", "2", *net(stub, tmp_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["input"] for r in rows] == [str(pages / "a.txt")] * 68 + [str(pages / "b.txt")] * 68
    assert [r["status"] for r in rows].count("mismatch") == 1 and rows[68]["differences"][0]["field"] == "year"


def test_convert_check_puts_the_results_in_the_batch_report(
    records: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = [dict(r) for r in records]
    changed[2] = {**changed[2], "volume": "999"}
    report = tmp_path / "report.jsonl"
    with CrossrefStub(changed) as server:
        code, out, err = run(["convert", str(SEED), "--to", "jsonl", "--check", "--report", str(report),
                              *net(server, tmp_path)], capsys)
    assert code == 0, err
    [line] = [json.loads(x) for x in report.read_text(encoding="utf-8").splitlines()]
    checks = [(w["reference"], w["code"]) for w in line["warnings"] if w["code"].startswith("check-")]
    assert checks == [(3, "check-mismatch"), (5, "check-retracted")]
    third = json.loads(out.splitlines()[2])
    assert third["doi"] is None and third["match"]["doi"] == "10.5555/gold.3"
    assert third["match"]["evidence"]["check"]["differences"] == [{"field": "volume", "printed": "388", "registry": "999"}]


def test_check_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--help"], capsys)
    assert code == 0 and "Example" in out and "--fail-on" in out and "not-found" in out
