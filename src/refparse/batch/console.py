"""What a person at a terminal sees during a batch: a progress bar, problems by kind, a summary.

The progress bar is tqdm's: one small pure-Python package with no
dependencies, imported only when a bar is shown (rich would bring pygments
and markdown-it and cost more start-up than a one-file conversion may
spend). It is drawn only on a terminal, never with ``--quiet`` or when
stderr is a file or a pipe; messages go through it so they do not tear it.

What is printed, and where (as ruff prints its diagnostics: grouped and
counted, detail on demand):

* a failed input is always one line, as it happens;
* per-reference warnings (a reference not fully parsed, text no field took,
  an impossible year ...) are, on a terminal, only counted by kind and said
  in one line at the end, so that a batch of thousands of files cannot bury
  the bar; ``--verbose`` lists each as it happens. When stderr is a file or
  a pipe, each reference not fully parsed is one line (a log is read with
  grep), and ``--verbose`` adds every other warning.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any, TextIO

from ..display import printable
from .convert import FileResult
from .run import BatchSummary

#: How the closing line names each kind of warning (``count label``); other codes are named as they are.
KINDS = {
    "grammar": ("reference not fully parsed", "references not fully parsed"),
    "unplaced": ("reference with text no field took", "references with text no field took"),
    "encoding": ("input decoded with the fallback encoding", "inputs decoded with the fallback encoding"),
    "year-range": ("impossible year dropped", "impossible years dropped"),
    "empty-name": ("empty name dropped", "empty names dropped"),
}


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def messages(r: FileResult, quiet: bool = False, verbose: bool = False) -> list[str]:
    """The stderr lines for one input as a log gets them: its failure, or its warnings worth a look.

    Args:
        r: the input's result.
        quiet: only failures.
        verbose: every warning, not only references not fully parsed.

    Returns:
        Lines without newlines, each starting ``refparse: <input>:``.
    """
    if r.status == "failed":
        return [f"refparse: {r.input}: {r.error}"]
    if quiet or (r.status != "warning" and not (verbose and r.warnings)):
        return []
    lines = [f"refparse: {r.input}: {w['message']}" for w in r.warnings if w["code"] == "encoding"]
    what = "card" if r.format == "card" else "reference"
    for u in r.unparsed_references:
        number = f" {u['reference']}" if u["reference"] is not None else ""
        span = f"lines {u['lines'][0]}-{u['lines'][1]}" if u["lines"] else "?"
        lines.append(f"refparse: {r.input}: {what}{number} ({span}): {u['reason']}")
    if verbose:
        for w in r.warnings:
            if w["code"] in ("encoding", "grammar"):
                continue
            number = f" {w['reference']}" if w["reference"] is not None else ""
            line = f" (line {w['line']})" if w["line"] is not None else ""
            lines.append(f"refparse: {r.input}: {what}{number}{line}: {w['code']}: {w['message']}")
    return lines


def kinds_line(kinds: Counter[str], verbose: bool = False) -> str | None:
    """One line counting warnings by kind, most frequent first (``None`` when there are none)."""
    if not kinds:
        return None
    parts = []
    for code, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
        one, many = KINDS.get(code, (f"{code} warning", f"{code} warnings"))
        parts.append(_plural(n, one, many))
    hint = "" if verbose else "; --verbose lists each, --report FILE keeps them"
    return f"refparse: warnings: {', '.join(parts)}{hint}"


def summary_lines(s: BatchSummary, resumable: bool = False) -> list[str]:
    """The closing lines: what was done, and what was not.

    Args:
        s: the run's totals.
        resumable: outputs are per input (``--resume`` can finish a stopped run).
    """
    if not s.inputs:
        return ["refparse: no input files found"]
    refs = (
        f"{_plural(s.references, 'reference')}, {s.unparsed:,} not fully parsed, "
        f"{_plural(s.warnings, 'warning')}"
    )
    of = f" of {_plural(s.inputs, 'input')}" if s.stopped else ""
    parts = [f"{s.converted:,}{of} converted"]
    if s.with_warnings:
        parts.append(f"{s.with_warnings:,} of them with warnings")
    parts.append(f"{s.failed:,} failed")
    if s.skipped:
        parts.append(f"{s.skipped:,} skipped (up to date)")
    if not s.stopped:
        return [f"refparse: {_plural(s.inputs, 'input')}: {', '.join(parts)}; {refs}; {s.seconds:.1f} s",
                *lookup_lines(s)]
    left = s.interrupted + s.not_done
    parts.append(
        f"{left:,} not converted ({s.interrupted:,} stopped while converting, {s.not_done:,} not started)"
    )
    hint = "; run again with --resume to finish" if resumable else ""
    if not left and s.cut_short:  # the stop came during the lookups: every input was written
        return [
            f"refparse: interrupted during the Crossref lookups after {s.seconds:.1f} s: every input was converted; "
            f"{refs}",
            f"refparse: finished outputs are kept{hint}",
            *lookup_lines(s),
        ]
    return [
        f"refparse: interrupted after {s.seconds:.1f} s: {', '.join(parts)}; {refs}",
        f"refparse: finished outputs are kept{hint}",
        *lookup_lines(s),
    ]


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
        verbose: list every per-reference warning as it comes (the run must
            keep them: :attr:`refparse.batch.BatchOptions.list_warnings`).
    """

    def __init__(self, stream: TextIO | None = None, quiet: bool = False, total: int | None = None,
                 verbose: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.verbose = verbose
        self.terminal = _is_terminal(self.stream)
        self.bar: Any = None
        self.references = 0
        self.kinds: Counter[str] = Counter()  # warnings counted, not listed
        if not quiet and self.terminal:
            from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]

            tqdm.monitor_interval = 0  # no monitor thread: workers may still be forked later
            self.bar = tqdm(total=total, unit="file", file=self.stream, dynamic_ncols=True, leave=False)

    @staticmethod
    def wants_total(stream: TextIO | None = None, quiet: bool = False) -> bool:
        """Whether a bar will be drawn (so counting the inputs first is worth it)."""
        return not quiet and _is_terminal(stream or sys.stderr)

    def __call__(self, r: FileResult) -> None:
        if r.status == "failed" or self.verbose or not self.terminal:
            lines = messages(r, self.quiet, self.verbose)
        else:  # a terminal: per-reference warnings are counted, the bar stays in sight
            lines = []
            if not self.quiet and r.status in ("ok", "warning"):
                self.kinds.update(r.warning_kinds)
        for line in lines:
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
        """Remove the bar and print the warnings by kind and the summary (for batches or a stopped run)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        kinds = kinds_line(self.kinds, self.verbose)
        if kinds is not None:
            print(kinds, file=self.stream)
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
