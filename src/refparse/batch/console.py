"""What a person at a terminal sees during a batch: a progress bar, one line per problem, a summary.

The progress bar is tqdm's: one small pure-Python package with no
dependencies, imported only when a bar is shown (rich would bring pygments
and markdown-it and cost more start-up than a one-file conversion may
spend). It is drawn only on a terminal, never with ``--quiet`` or when
stderr is a file or a pipe; messages go through it so they do not tear it.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from ..display import printable
from .convert import FileResult
from .run import BatchSummary


def messages(r: FileResult, quiet: bool = False) -> list[str]:
    """The stderr lines for one input: its failure, or its warnings worth a look.

    Args:
        r: the input's result.
        quiet: only failures.

    Returns:
        Lines without newlines, each starting ``refparse: <input>:``.
    """
    if r.status == "failed":
        return [f"refparse: {r.input}: {r.error}"]
    if quiet or r.status != "warning":
        return []
    lines = [f"refparse: {r.input}: {w['message']}" for w in r.warnings if w["code"] == "encoding"]
    what = "card" if r.format == "card" else "reference"
    for u in r.unparsed_references:
        number = f" {u['reference']}" if u["reference"] is not None else ""
        span = f"lines {u['lines'][0]}-{u['lines'][1]}" if u["lines"] else "?"
        lines.append(f"refparse: {r.input}: {what}{number} ({span}): {u['reason']}")
    return lines


def summary_lines(s: BatchSummary, resumable: bool = False) -> list[str]:
    """The closing lines: what was done, and what was not.

    Args:
        s: the run's totals.
        resumable: outputs are per input (``--resume`` can finish a stopped run).
    """
    if not s.inputs:
        return ["refparse: no input files found"]
    parts = [f"{s.converted:,} converted"]
    if s.with_warnings:
        parts.append(f"{s.with_warnings:,} of them with warnings")
    parts += [f"{s.failed:,} failed"]
    if s.skipped:
        parts.append(f"{s.skipped:,} skipped (up to date)")
    done = s.inputs - s.interrupted - s.not_done
    line = (
        f"refparse: {done:,} inputs: {', '.join(parts)}; {s.references:,} references, "
        f"{s.unparsed:,} not fully parsed, {s.warnings:,} warnings; {s.seconds:.1f} s"
    )
    lines = [line]
    if s.stopped:
        left = s.interrupted + s.not_done
        hint = "; run again with --resume to finish" if resumable else ""
        if left or not s.cut_short:
            lines.append(
                f"refparse: interrupted: {left:,} inputs not converted ({s.interrupted:,} stopped while "
                f"converting, {s.not_done:,} not started); finished outputs are kept{hint}"
            )
        else:
            lines.append(f"refparse: interrupted during the Crossref lookups; every input was converted{hint}")
    return lines + lookup_lines(s)


def lookup_lines(s: BatchSummary) -> list[str]:
    """The line saying how many references were not looked up in Crossref (none when all were)."""
    if not s.not_looked_up:
        return []
    return [
        f"refparse: {s.not_looked_up:,} references not looked up in Crossref: their DOIs are unknown, not absent "
        "(answers found are cached; run again to look the rest up)"
    ]


class Console:
    """Progress and messages on stderr; pass it as ``on_result`` to :func:`convert_paths`.

    Args:
        stream: where to write (stderr).
        quiet: no bar, no summary, only failure lines.
        total: the number of inputs, for the bar (``None``: a counter).
    """

    def __init__(self, stream: TextIO | None = None, quiet: bool = False, total: int | None = None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.bar: Any = None
        self.references = 0
        if not quiet and _is_terminal(self.stream):
            from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]

            tqdm.monitor_interval = 0  # no monitor thread: workers may still be forked later
            self.bar = tqdm(total=total, unit="file", file=self.stream, dynamic_ncols=True, leave=False)

    @staticmethod
    def wants_total(stream: TextIO | None = None, quiet: bool = False) -> bool:
        """Whether a bar will be drawn (so counting the inputs first is worth it)."""
        return not quiet and _is_terminal(stream or sys.stderr)

    def __call__(self, r: FileResult) -> None:
        for line in messages(r, self.quiet):
            self._print(line)
        if self.bar is not None:
            self.references += r.references
            self.bar.set_postfix_str(f"{self.references:,} refs", refresh=False)
            self.bar.update(1)

    def _print(self, line: str) -> None:
        line = printable(line)  # a file name must not start a line of its own or move the cursor
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream)

    def close(self, summary: BatchSummary | None, resumable: bool = False) -> None:
        """Remove the bar and print the summary (for batches; a single input only gets its messages)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if summary is None:
            return
        lines: list[str] = []
        if summary.stopped or not summary.inputs or (summary.inputs > 1 and not self.quiet):
            lines = summary_lines(summary, resumable)
        elif not self.quiet:
            lines = lookup_lines(summary)
        for line in lines:
            print(printable(line), file=self.stream)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
