"""Check results as a person or a program reads them: a summary line, a table, JSON Lines, CSV.

Every writer takes ``(input label, result)`` pairs in input order and writes
text; none decides anything. CSV cells are protected against formula
injection (a printed title such as ``=HYPERLINK(…)`` opened in a spreadsheet):
a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
gets a leading apostrophe, which spreadsheets show as text and never run.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from .models import FLAGS, STATUSES, CheckResult
from .names import REPORT_FORMATS as REPORT_FORMATS

#: What a spreadsheet would run as a formula at the start of a cell (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "input", "reference", "line", "status", "flags", "printed_doi", "doi", "matched_by", "differences",
    "message", "title", "registry_title", "notes",
)

Row = tuple[str, CheckResult]


def counts(results: Iterable[CheckResult]) -> tuple[Counter[str], Counter[str]]:
    """References per status and per flag kind."""
    statuses: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    for r in results:
        statuses[r.status] += 1
        flags.update(r.flag_kinds)
    return statuses, flags


def summary_line(results: Sequence[CheckResult], failed_inputs: int = 0) -> str:
    """``68 references: 63 verified, 5 mismatch, 1 retracted`` — statuses, then flags.

    Verified is always named; other statuses and flags only when some
    reference has them, so the line says at once what needs a look.
    """
    statuses, flags = counts(results)
    parts = [f"{statuses[s]} {s}" for s in STATUSES if s == "verified" or statuses[s]]
    parts += [f"{flags[f]} {f}" for f in FLAGS if flags[f]]
    noun = "reference" if len(results) == 1 else "references"
    line = f"{len(results)} {noun}: " + ", ".join(parts)
    if failed_inputs:
        line += f"; {failed_inputs} input{'s' if failed_inputs > 1 else ''} could not be read"
    return line


def _reference(r: CheckResult) -> str:
    number = "?" if r.number is None else str(r.number)
    return f"{r.list_number}.{number}" if r.list_number else number


def _flag_text(r: CheckResult) -> str:
    return "; ".join(
        f"{f.kind} ({', '.join(b for b in (f.notice, f.date, f.source) if b)})" for f in r.flags
    )


def _details(r: CheckResult) -> str:
    """What a person needs on the table's line: the differences, or the message, and the flags."""
    if r.status == "mismatch":
        text = "; ".join(f"{d.field}: {d.printed} ≠ {d.registry}" for d in r.differences)
        return "; ".join(t for t in (text, _flag_text(r)) if t)
    if r.status == "verified":
        return _flag_text(r)
    return r.message


def table(rows: Sequence[Row], width: int | None = None) -> str:
    """The terminal table: a summary line, then one line per reference (inputs as headings).

    Args:
        rows: ``(input, result)`` pairs in input order.
        width: cut the details column so lines fit this width (``None``: never cut).
    """
    out = [summary_line([r for _, r in rows]), ""]
    inputs = list(dict.fromkeys(label for label, _ in rows))
    head = ("REF", "LINE", "STATUS", "FLAGS", "DOI")
    lines: list[tuple[str, ...]] = []
    for label in inputs:
        for name, r in rows:
            if name != label:
                continue
            flags = ",".join(r.flag_kinds) or "-"
            lines.append((label, _reference(r), str(r.line or ""), r.status, flags, r.doi or r.printed_doi or "-",
                          _details(r)))
    widths = [max([len(h)] + [len(row[i + 1]) for row in lines]) for i, h in enumerate(head)]
    header = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + "  DETAILS"
    for label in inputs:
        if len(inputs) > 1:
            out.append(f"== {label}")
        out.append(header)
        for row in (r for r in lines if r[0] == label):
            text = "  ".join(v.ljust(w) for v, w in zip(row[1:6], widths, strict=True)) + "  " + row[6]
            if width and len(text) > width:
                text = text[: max(width - 1, 0)] + "…"
            out.append(text.rstrip())
        out.append("")
    return "\n".join(out)


def record(label: str, r: CheckResult) -> dict[str, Any]:
    """One result as a JSON object: its input, then every field of the result."""
    return {"input": label, **r.model_dump(mode="json"), "flag_kinds": list(r.flag_kinds)}


def write_jsonl(rows: Iterable[Row], out: TextIO) -> None:
    """One JSON object per reference (:func:`record`), one per line."""
    for label, r in rows:
        out.write(json.dumps(record(label, r), ensure_ascii=False) + "\n")


def csv_safe(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: formula starters get a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_row(label: str, r: CheckResult) -> list[str]:
    """The cells of one reference, in :data:`CSV_COLUMNS` order, each protected."""
    differences = " | ".join(f"{d.field}: {d.printed} -> {d.registry}" for d in r.differences)
    cells = [
        label, _reference(r), r.line, r.status, ",".join(r.flag_kinds), r.printed_doi, r.doi, r.matched_by,
        differences, r.message, r.title, r.record.title if r.record else None, " | ".join(r.notes),
    ]
    return [csv_safe(c) for c in cells]


def write_csv(rows: Iterable[Row], out: TextIO) -> None:
    """A header and one row per reference (RFC 4180 quoting, cells protected)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for label, r in rows:
        writer.writerow(csv_row(label, r))
