"""``refparse check``: every reference checked against Crossref, as a table, JSON Lines or CSV.

No checking logic here (that is :mod:`refparse.checks`): this module turns
arguments into :class:`refparse.checks.CheckRun`, writes the report with
:mod:`refparse.checks.report`, and returns the exit status — 1 when an input
could not be read or a reference has a status or flag named by ``--fail-on``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from ..detect import format_names
from ..errors import OptionError
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    add_crossref_arguments,
    add_input_arguments,
    crossref_options,
    jobs,
)

_EXAMPLES = """\
Examples:
  REFPARSE_MAILTO=you@example.org refparse check manuscript-refs.txt
  refparse check pages/ --to csv -o check.csv --report inputs.jsonl
  refparse check refs.txt --fail-on retracted,doi-mismatch,doi-invalid,not-found
  refparse check refs.txt --offline --to jsonl        # from the cache only: no request

statuses: verified, mismatch (fields differ), doi-mismatch (the DOI is another
work), doi-invalid (the DOI does not resolve), not-found (nothing in Crossref
fits), unknown (could not be checked: never clean). flags: retracted,
corrected, expression-of-concern, withdrawn.

exit status: 0 checked (whatever was found, unless --fail-on names it); 1 an
input could not be read, or a reference has a status or flag of --fail-on;
2 usage error; 130 interrupted."""


def register(sub: Any) -> None:
    """Add ``check`` to the command line's subparsers."""
    from ..checks.names import FLAGS, REPORT_FORMATS, STATUSES

    cmd = sub.add_parser(
        "check",
        help="check references against Crossref: wrong fields and DOIs, retractions, works not found",
        description="Check every reference against Crossref: printed fields, DOIs, retractions and corrections.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("inputs", nargs="*", metavar="PATH",
                     help="a file, a folder (searched recursively) or '-' for stdin (the default)")
    out = cmd.add_argument_group("output")
    out.add_argument("--to", default="table", choices=REPORT_FORMATS,
                     help="report format (default table: a summary line, then one line per reference)")
    out.add_argument("-o", "--output", metavar="FILE", type=Path, help="write the report into FILE (default stdout)")
    out.add_argument("--report", metavar="FILE", type=Path,
                     help="write a JSON Lines line per input (status, reason, counts per status and flag)")
    out.add_argument("--fail-on", metavar="LIST", default="",
                     help="exit 1 when a reference has one of these statuses or flags (comma-separated: "
                     + ", ".join((*STATUSES[1:], *FLAGS)) + ")")
    inp = cmd.add_argument_group("input")
    add_input_arguments(inp, format_names())
    steps = cmd.add_argument_group("run")
    steps.add_argument("-j", "--jobs", type=jobs, default=1, metavar="N",
                       help="inputs checked at once in worker processes (default 1); they share one rate limit")
    steps.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr; only failures")
    net = cmd.add_argument_group("Crossref")
    net.add_argument("--no-notices", action="store_true",
                     help="do not ask for notices pointing at the cited works (filter=updates:); "
                     "flags then come from the records' updated-by and titles only")
    net.add_argument("--no-suggest", action="store_true",
                     help="do not search for the cited work when its printed DOI is wrong")
    add_crossref_arguments(net)
    cmd.set_defaults(run=run)


def fail_on(text: str) -> frozenset[str]:
    """The statuses and flags of ``--fail-on``.

    Raises:
        OptionError: a name that is neither a status nor a flag.
    """
    from ..checks.names import FLAGS, STATUSES

    names = frozenset(n.strip().lower() for n in text.split(",") if n.strip())
    unknown = sorted(names - set(STATUSES) - set(FLAGS))
    if unknown:
        raise OptionError(f"--fail-on: unknown status or flag {', '.join(unknown)} "
                          f"(choose from {', '.join((*STATUSES, *FLAGS))})")
    return names


def _render(args: argparse.Namespace, rows: list[Any], width: int | None) -> str:
    import io

    from ..checks import report

    if args.to == "table":
        return report.table(rows, width)
    buffer = io.StringIO(newline="")
    (report.write_jsonl if args.to == "jsonl" else report.write_csv)(rows, buffer)
    return buffer.getvalue()


def run(args: argparse.Namespace) -> int:
    """Run ``refparse check``: read, check, report, and say whether ``--fail-on`` was hit."""
    from ..batch.inputs import DEFAULT_GLOBS
    from ..batch.writers import AtomicFile
    from ..checks import CheckOptions, CheckRun, check_paths
    from ..checks.report import summary_line

    failing = fail_on(args.fail_on)
    fallback = None if args.encoding_fallback.lower() == "none" else args.encoding_fallback
    if fallback:
        import codecs

        try:
            codecs.lookup(fallback)
        except LookupError as e:
            raise OptionError(f"unknown encoding {fallback!r} for --encoding-fallback") from e
    options = CheckOptions(crossref_options(args), notices=not args.no_notices, suggest=not args.no_suggest)
    plan = CheckRun(check=options, from_format=args.from_format, globs=tuple(args.globs or DEFAULT_GLOBS),
                    encoding_fallback=fallback, max_size=args.max_size, jobs=args.jobs)
    rows: list[Any] = []
    inputs = []
    report = AtomicFile(args.report) if args.report is not None else None
    try:
        for done in check_paths(args.inputs or ["-"], plan):
            inputs.append(done)
            if done.status == "failed":
                print(f"refparse: {done.input}: {done.error}", file=sys.stderr)
            rows += [(done.input, r) for r in done.results]
            if report is not None:
                report.write(json.dumps(done.record(), ensure_ascii=False) + "\n")
        if report is not None:
            report.commit()
    except BaseException:
        if report is not None:
            report.discard()
        raise
    failed = sum(i.status == "failed" for i in inputs)
    if args.output is not None:
        with AtomicFile(args.output) as out:
            out.write(_render(args, rows, None))
    else:
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        sys.stdout.write(_render(args, rows, width))
        sys.stdout.flush()
    if not args.quiet and (args.to != "table" or args.output is not None):
        print("refparse: " + summary_line([r for _, r in rows], failed), file=sys.stderr)
    hit = any(r.has(name) for _, r in rows for name in failing)
    return EXIT_FAILED if failed or hit or not inputs else EXIT_OK
