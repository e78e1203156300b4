"""The batch converter's parts, one by one: decoding rule, inputs, writers, pool, options."""

from __future__ import annotations

import codecs
import io
import json
import os
import signal
import stat
import time
from pathlib import Path

import pytest

from conftest import FIXTURES
from refparse.batch import BatchOptions, convert_paths, make_writer
from refparse.batch.console import Console, messages
from refparse.batch.convert import FileResult
from refparse.batch.files import RejectedInputError, check_file, sniff_encoding
from refparse.batch.inputs import iter_sources
from refparse.batch.pool import OrderedPool, Ready
from refparse.batch.writers import AtomicFile
from refparse.cli import main
from refparse.detect import parse_any
from refparse.errors import InputError, OptionError
from refparse.export import export
from refparse.export.keys import make_keys
from refparse.read import decode
from test_batch import SEED, cut

# --- the decoding rule, streamed, agrees with refparse.read.decode -----------------------------

ENCODED = [
    pytest.param("Foà – ×\n".encode(), id="utf-8"),
    pytest.param(codecs.BOM_UTF8 + "Métais\n".encode(), id="utf-8-bom"),
    pytest.param("Métais\n".encode("utf-16"), id="utf-16-bom"),
    pytest.param("Müller – Noël\n".encode("cp1252"), id="cp1252"),
    pytest.param(b"\x00\x01\x02binary", id="binary"),
    pytest.param(codecs.BOM_UTF8 + b"ok \xff bad", id="bad-after-bom"),
    pytest.param(b"ascii " * 200_000 + "é".encode(), id="multibyte-at-a-chunk-edge"),
    pytest.param(b"x" * (1 << 20) + b"\x81\x8d", id="cp1252-undefined-bytes-after-1MB"),
]


@pytest.mark.parametrize("data", ENCODED)
@pytest.mark.parametrize("fallback", ["cp1252", None])
def test_sniff_encoding_follows_the_decode_rule(tmp_path: Path, data: bytes, fallback: str | None) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    try:
        _, want = decode(data, fallback=fallback)  # type: ignore[arg-type]
    except InputError as e:
        with pytest.raises(RejectedInputError) as got:
            sniff_encoding(path, fallback)
        assert got.value.reason in ("binary", "encoding")
        assert str(e).split(" at byte")[0] in str(got.value) or "neither" in str(got.value)
        return
    assert sniff_encoding(path, fallback) == (want, want == fallback)


def test_invalid_utf8_position_is_exact_across_chunks(tmp_path: Path) -> None:
    data = "é".encode() * ((1 << 19) + 3) + b"\xc3(" + b"tail"
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    with pytest.raises(RejectedInputError, match=rf"invalid UTF-8 at byte {len(data) - 6}$"):
        sniff_encoding(path, None)


def test_unreadable_and_special_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(RejectedInputError, match="not a regular file"):  # and does not block on open
        check_file(fifo, None)
    plain = tmp_path / "locked.txt"
    plain.write_text("x", encoding="utf-8")

    def refuse(self: Path, *a: object, **k: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(RejectedInputError, match="cannot read: permission denied") as e:
        check_file(plain, None)
    assert e.value.reason == "unreadable"


# --- inputs ---------------------------------------------------------------------------------------


def test_inputs_are_found_lazily_in_a_stable_order(tmp_path: Path) -> None:
    for name in ["b.txt", "a.TXT", "c.md", "skip.json", ".hidden.txt", "sub/z.txt", ".git/x.txt", "out/o.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = iter_sources([str(tmp_path), "-", "nowhere.txt"], exclude=[tmp_path / "out"])
    labels = [s.label for s in found]
    root = str(tmp_path)
    assert labels == [f"{root}/a.TXT", f"{root}/b.txt", f"{root}/c.md", f"{root}/sub/z.txt", "<stdin>", "nowhere.txt"]
    only_sub = [str(s.relative) for s in iter_sources([str(tmp_path)], globs=("sub/*.txt",))]
    assert only_sub == ["sub/z.txt"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_an_excluded_file_is_left_out_under_any_name(tmp_path: Path) -> None:
    """The combined output (-o) is never read back as an input, even through a link to it."""
    from refparse.batch.inputs import input_matcher

    output = tmp_path / "out" / "all.txt"
    output.parent.mkdir()
    output.write_text("x", encoding="utf-8")
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "page.txt").write_text("x", encoding="utf-8")
    (tmp_path / "in" / "link.txt").symlink_to(output)  # the output under another name
    (tmp_path / "in" / "sub" / "away.txt").symlink_to(tmp_path / "elsewhere.txt")
    found = [str(s.relative) for s in iter_sources([str(tmp_path / "in")], exclude=[output])]
    assert found == ["sub/away.txt", "sub/page.txt"]
    is_input = input_matcher([str(tmp_path / "in")])
    assert is_input(tmp_path / "in" / "sub" / "page.txt")
    assert is_input(tmp_path / "in" / "sub" / ".." / "sub" / "page.txt")
    assert not is_input(tmp_path / "in" / "sub" / "page.json")  # not a pattern the run reads
    assert not is_input(tmp_path / "in" / "link.txt")  # it is the output, outside the input folder
    assert not is_input(tmp_path / "in" / "sub" / "new.txt")  # does not exist


# --- writers ---------------------------------------------------------------------------------------


def _colliding_page() -> str:
    """The seed's first three references, then the first one twice more: three equal BibTeX keys."""
    head = cut(SEED, 1, 3)
    body = cut(SEED, 1, 1).split("1.\n", 1)[1]
    return head + "4.\n" + body + "5.\n" + body


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        pytest.param("csljson", {}, id="csljson"),
        pytest.param("csljson", {"indent": None, "ascii": True}, id="csljson-compact-ascii"),
        pytest.param("bibtex", {}, id="bibtex"),
        pytest.param("bibtex", {"ascii": True, "biblatex": True}, id="biblatex-ascii"),
        pytest.param("ris", {"crlf": True}, id="ris-crlf"),
        pytest.param("jsonl", {}, id="jsonl"),
        pytest.param("text", {"style": "apa"}, id="text-apa"),
    ],
)
def test_streamed_outputs_equal_the_exporters(tmp_path: Path, fmt: str, options: dict[str, object]) -> None:
    seed = SEED if fmt != "text" else cut(SEED, 1, 8)  # citeproc-py is slow: a shorter list
    pages = {"seed.txt": seed, "dups.txt": _colliding_page(), "card.md": (FIXTURES / "card001.txt").read_text("utf-8")}
    for name, text in pages.items():
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    summary = convert_paths([tmp_path / "in"], BatchOptions(to=fmt, export_options=options, out_dir=out, jobs=2))
    assert summary.converted == 3
    ext = make_writer(fmt, **options).extension
    citations = {}
    for name, text in pages.items():
        citations[name] = parse_any(text).citations
        got = (out / Path(name).with_suffix("." + ext)).read_bytes().decode("utf-8")
        assert got == export(citations[name], fmt, **options), name
    if fmt == "bibtex":  # the first of three equal keys keeps it, the others get b and c
        keys = make_keys(citations["dups.txt"])
        assert len(set(keys)) == 5 and keys[3] == keys[0] + "b" and keys[4] == keys[0] + "c"
    if fmt != "text":
        combined = tmp_path / f"all.{ext}"
        seq = ["seed.txt", "dups.txt"]  # the second input's keys collide with the first's
        convert_paths([tmp_path / "in" / n for n in seq], BatchOptions(to=fmt, export_options=options, output=combined))
        everything = [c for n in seq for c in citations[n]]
        assert combined.read_bytes().decode("utf-8") == export(everything, fmt, **options)


def test_atomic_file_appears_complete_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.json"
    with pytest.raises(ZeroDivisionError), AtomicFile(target) as f:
        f.write("half")
        1 / 0  # noqa: B018
    assert list((tmp_path / "sub").iterdir()) == []
    with AtomicFile(target) as f:
        f.write("whole\r\n")
    assert target.read_bytes() == b"whole\r\n"
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


# --- the pool --------------------------------------------------------------------------------------


def _slow_square(n: int, should_stop: object) -> int:
    time.sleep(0.001 * ((n * 7) % 5))
    if n == 13:
        os.kill(os.getpid(), signal.SIGKILL)  # a crash the worker cannot report
    return n * n


def test_pool_keeps_order_and_survives_a_dead_worker() -> None:
    pool = OrderedPool(_slow_square, jobs=2, on_crash=lambda task, message: message, window=5)
    try:
        items = [Ready("skipped") if n == 5 else n for n in range(30)]
        got = list(pool.run(items))
    finally:
        pool.close()
    assert [r for _, r in got[:5]] == [n * n for n in range(5)]
    assert got[5] == (None, "skipped")
    assert got[13][0] == 13 and "worker process died (signal 9)" in got[13][1]
    assert [r for t, r in got if t not in (None, 13)] == [n * n for n in range(30) if n not in (5, 13)]


# --- the run and the command line -----------------------------------------------------------------


def _enrich_marker(citations: list[object]) -> list[object]:
    return [c.model_copy(update={"note": "enriched"}) for c in citations]  # type: ignore[attr-defined]


def test_enrich_hook_runs_on_every_citation(tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text(cut(SEED, 1, 5), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    convert_paths([page], BatchOptions(to="jsonl", output=out, enrich=_enrich_marker))
    assert [json.loads(x)["note"] for x in out.read_text("utf-8").splitlines()] == ["enriched"] * 5


def test_stop_discards_a_combined_output_and_lists_what_was_not_done(tmp_path: Path) -> None:
    for i in range(4):
        (tmp_path / f"p{i}.txt").write_text(cut(SEED, 1, 3), encoding="utf-8")
    target = tmp_path / "all.json"
    report = tmp_path / "r.jsonl"

    def press_ctrl_c(r: FileResult) -> None:
        if r.status == "ok":  # once: a second Ctrl-C would force the stop
            os.kill(os.getpid(), signal.SIGINT)

    summary = convert_paths([tmp_path], BatchOptions(output=target, report=report, jobs=1), on_result=press_ctrl_c)
    assert summary.stopped and summary.exit_code == 130
    assert not target.exists() and not list(tmp_path.glob(".refparse-*"))
    statuses = [json.loads(x)["status"] for x in report.read_text("utf-8").splitlines()]
    assert statuses == ["ok", "not-done", "not-done", "not-done"]


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--to", "bibtex", "--style", "apa"], "--style applies only to --to text", id="style-not-text"),
        pytest.param(["--to", "ris", "--ascii"], "--ascii does not apply to --to ris", id="ascii-ris"),
        pytest.param(["--resume"], "--resume needs --out-dir", id="resume-without-out-dir"),
        pytest.param(["--to", "text", "--style", "nope"], "unknown style", id="unknown-style"),
        pytest.param(["--encoding-fallback", "klingon"], "unknown encoding", id="bad-codec"),
        pytest.param(["-o", "a.json", "--out-dir", "d"], "not allowed with", id="o-and-out-dir"),
        pytest.param(["--max-size", "lots"], "not a size", id="bad-size"),
        pytest.param(["-j", "-3"], "not a number of processes", id="bad-jobs"),
    ],
)
def test_usage_errors_exit_2_and_touch_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.txt").write_text(SEED, encoding="utf-8")
    code, out, err = run_cli(["convert", "p.txt", *argv], capsys)
    assert code == 2 and message in err and out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.txt"]


def test_batch_summary_and_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / "in" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_text(cut(SEED, 1, 4), encoding="utf-8")
    (tmp_path / "in" / "a.md").write_text(cut(SEED, 1, 2), encoding="utf-8")  # same output name as a.txt
    code, out, err = run_cli(["convert", str(tmp_path / "in"), "--out-dir", str(tmp_path / "out"), "-j", "1"], capsys)
    assert code == 1 and out == ""
    assert f"in/a.txt: its output {tmp_path}/out/a.json would overwrite the output of {tmp_path}/in/a.md" in err
    assert "refparse: 3 inputs: 2 converted, 1 failed; 6 references, 0 not fully parsed, 0 warnings;" in err
    code, _, err = run_cli(["convert", str(tmp_path / "in" / "b.txt"), str(tmp_path / "in" / "a.md"),
                            "--to", "ris", "-q"], capsys)
    assert code == 0 and err == ""


def test_stdin_among_files_into_one_output(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "p.txt"
    page.write_text(cut(SEED, 1, 2), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(cut(SEED, 1, 3).encode())))
    code, out, err = run_cli(["convert", str(page), "-", "--to", "jsonl", "-j", "2"], capsys)
    assert code == 0, err
    assert [json.loads(x)["number"] for x in out.splitlines()] == [1, 2, 1, 2, 3]
    assert "refparse: 2 inputs: 2 converted" in err


def test_no_inputs_found_is_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["convert", str(tmp_path)], capsys)
    assert code == 1 and "no input files found" in err


def test_progress_bar_only_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    console = Console(screen, total=2)
    console(FileResult(input="a.txt", references=3))
    console(FileResult(input="b.txt").fail("empty", "empty file"))
    console.close(None)
    assert "/2 [" in screen.getvalue() and "refparse: b.txt: empty file\n" in screen.getvalue()
    assert Console(io.StringIO()).bar is None and Console(screen, quiet=True).bar is None
    assert messages(FileResult(input="c.txt", status="warning", unparsed_references=[
        {"reference": 2, "lines": [15, 18], "reason": "the reference ends too early"}])) == [
        "refparse: c.txt: reference 2 (lines 15-18): the reference ends too early"]


def test_option_errors_are_value_errors() -> None:
    with pytest.raises(OptionError):
        make_writer("docx")
    with pytest.raises(ValueError, match="does not apply"):
        make_writer("ris", style="apa")


# --- Crossref through the command line (loopback server, no internet) -----------------------------

NEJM = {
    "DOI": "10.1056/NEJMoa2411680", "type": "journal-article",
    "title": ["Blinatumomab in Standard-Risk B-Cell Acute Lymphoblastic Leukemia in Children"],
    "author": [{"family": "Gupta", "given": "Sumit", "sequence": "first"}, {"family": "Rau", "given": "Rachel E."}],
    "container-title": ["New England Journal of Medicine"], "short-container-title": ["N Engl J Med"],
    "issued": {"date-parts": [[2025, 2, 27]]}, "volume": "392", "issue": "9", "page": "875-891",
}


def test_enrich_flags_reach_crossref_in_one_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from crossref_server import CrossrefStub

    for name in ("a.txt", "b.txt"):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_text(cut(SEED, 1, 2), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    with CrossrefStub([NEJM]) as server:
        code, _, err = run_cli(["convert", str(tmp_path / "in"), "--to", "jsonl", "-j", "4", "--enrich",
                                "--crossref-url", server.url, "--no-cache", "--mailto", "t@example.org",
                                "-o", str(out)], capsys)
    assert code == 0, err
    records = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [r["doi"] for r in records] == ["10.1056/NEJMoa2411680", None] * 2
    assert records[0]["match"]["source"] == "crossref"


def test_crossref_options_need_enrich_or_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.txt").write_text(SEED, encoding="utf-8")
    code, _, err = run_cli(["convert", str(tmp_path / "p.txt"), "--offline"], capsys)
    assert code == 2 and "need --enrich or --verify" in err
    code, _, err = run_cli(["convert", str(tmp_path / "p.txt"), "--enrich", "--offline", "--no-cache"], capsys)
    assert code == 2 and "offline" in err


def test_an_output_never_replaces_its_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.txt"
    page.write_text(cut(SEED, 1, 2), encoding="utf-8")
    code, _, err = run_cli(["convert", str(tmp_path), "--to", "text", "--out-dir", str(tmp_path)], capsys)
    assert code == 1 and "would replace the input itself" in err
    code, _, err = run_cli(["convert", str(page), "--to", "text", "-o", str(page)], capsys)
    assert code == 2 and "is also an input" in err
    assert page.read_text(encoding="utf-8") == cut(SEED, 1, 2)


def test_an_output_that_cannot_be_written_fails_that_input_only(tmp_path: Path) -> None:
    for name in ("a/p.txt", "b/p.txt"):
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_text(cut(SEED, 1, 2), encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a").write_text("a file where a folder should be", encoding="utf-8")
    results: list[FileResult] = []
    summary = convert_paths([tmp_path / "in"], BatchOptions(out_dir=tmp_path / "out", jobs=1), on_result=results.append)
    assert [(r.status, r.reason) for r in results] == [("failed", "output"), ("ok", None)]
    assert results[0].error is not None and results[0].error.startswith(f"cannot write {tmp_path}/out/a/p.json")
    assert summary.exit_code == 1 and (tmp_path / "out/b/p.json").exists()


def test_an_output_never_replaces_another_input(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.md").write_text(cut(SEED, 1, 2), encoding="utf-8")
    (pages / "a.txt").write_text(cut(SEED, 3, 4), encoding="utf-8")
    before = (pages / "a.txt").read_text(encoding="utf-8")
    results: list[FileResult] = []
    convert_paths([pages / "a.md", pages / "a.txt"], BatchOptions(to="text", out_dir=pages, jobs=1),
                  on_result=results.append)
    assert (pages / "a.txt").read_text(encoding="utf-8") == before
    assert results[0].status == "failed" and results[0].reason == "output"


def test_a_report_never_replaces_an_input(tmp_path: Path) -> None:
    page = tmp_path / "b.txt"
    page.write_text(cut(SEED, 1, 2), encoding="utf-8")
    before = page.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="also an input"):
        convert_paths([page], BatchOptions(report=page, jobs=1))
    assert page.read_text(encoding="utf-8") == before


def test_combined_csl_json_ids_are_unique(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(cut(SEED, 1, 3), encoding="utf-8")
    out = tmp_path / "all.json"
    convert_paths([tmp_path / "a.txt", tmp_path / "b.txt"], BatchOptions(output=out, jobs=1))
    ids = [item["id"] for item in json.loads(out.read_text(encoding="utf-8"))]
    assert len(ids) == 6 and len(set(ids)) == 6
    # the first input keeps the keys it has alone; the same references again get a letter
    assert ids[:3] == ["gupta2025blinatumomab", "brown2021effect", "sluis2023blinatumomab"]
    assert ids[3:] == [key + "b" for key in ids[:3]]


def test_warnings_are_listed_only_for_a_report_and_counted_always(tmp_path: Path) -> None:
    # Without --report the warning list of an input is not kept (a million-reference file
    # must not hold one dict per warning); the counts and the status stay the same.
    page = tmp_path / "in" / "page.txt"
    page.parent.mkdir()
    # reference 1 is clean; reference 2 has a line no field takes (an unplaced warning)
    page.write_text(SEED.split("\n2.\n")[0] + "\n2.\nOkafor\nN\n.\nA title of the work here\n.\nJ Test\n."
                    "\n2020\n;\n1\n:\n1\n-\n5\n.\nPress release 44\n", encoding="utf-8")
    runs = {}
    for report in (None, tmp_path / "report.jsonl"):
        results: list[FileResult] = []
        summary = convert_paths([page], BatchOptions(out_dir=tmp_path / f"out{report is None}", report=report, jobs=1),
                                on_result=results.append)
        runs[report is None] = (summary.warnings, [r.status for r in results], results[0].warnings)
    (count, statuses, listed), (count_r, statuses_r, listed_r) = runs[True], runs[False]
    assert count == count_r == len(listed_r) >= 1 and statuses == statuses_r == ["warning"]
    assert listed == [] and {w["code"] for w in listed_r} >= {"unplaced"}
    [line] = (tmp_path / "report.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["warnings"] == listed_r


@pytest.mark.parametrize("keep", [pytest.param(True, id="listed"), pytest.param(False, id="counted-only")])
def test_references_not_fully_parsed_are_listed_only_when_asked(keep: bool) -> None:
    from refparse.batch.convert import _tally
    from refparse.models import Citation, Diagnostic, Span

    result = FileResult(input="a.txt")
    bad = Citation(number=3, status="recovered", raw="x", span=Span(start=5, end=7),
                   warnings=(Diagnostic(code="grammar", message="skipped: x"),))
    doubtful = Citation(number=4, status="suspect", raw="y", warnings=(Diagnostic(code="suspect", message="odd"),))
    for c in (bad, doubtful, Citation(number=5)):
        _tally(result, c, keep_warnings=False, keep_references=keep)
    assert (result.references, result.parsed, result.unparsed, result.suspect) == (3, 2, 1, 1)
    listed = [{"reference": 3, "lines": [5, 7], "reason": "skipped: x"}], [{"reference": 4, "lines": None, "reason": "odd"}]
    assert (result.unparsed_references, result.suspect_references) == (listed if keep else ([], []))
