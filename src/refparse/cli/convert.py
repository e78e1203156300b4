"""``refparse convert``: reference lists in, citations out, one file or thousands.

No conversion logic here (that is :mod:`refparse.batch`): this module turns
arguments into :class:`refparse.batch.BatchOptions`, shows progress through
:class:`refparse.batch.console.Console`, and returns the batch's exit status.
"""

from __future__ import annotations

import argparse
import gc
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from ..detect import format_names
from ..errors import OptionError
from ..export import FORMATS, format_for_path
from .common import (
    add_crossref_arguments,
    add_input_arguments,
    collector_paused,
    crossref_given,
    crossref_options,
    jobs,
)

_EXAMPLES = """\
Examples:
  refparse convert fixtures/seed000.txt -o refs.bib          # the format from the extension
  refparse convert fixtures/ --out-dir json/ --report report.jsonl
  refparse convert fixtures/ --glob '*.txt' --to ris -o all.ris -j 4
  cat fixtures/seed000.txt | refparse convert - --to text --style apa
  refparse convert corpus/ --out-dir json/ --dask tcp://scheduler:8786 --report report.jsonl
  REFPARSE_MAILTO=you@example.org refparse convert page.txt --enrich --verify -o refs.jsonl

exit status: 0 all converted (references not fully parsed are written with
their raw text and reported); 1 some input failed, or with --strict some
reference was not fully parsed or not looked up in Crossref; 2 usage error;
130 interrupted (finished outputs are kept; an input whose Crossref lookups
were interrupted is written without the DOIs not yet found)."""

def register(sub: Any) -> None:
    """Add ``convert`` to the command line's subparsers."""
    conv = sub.add_parser(
        "convert",
        help="convert reference lists to CSL-JSON, BibTeX, RIS ...",
        description="Convert reference lists: files, whole folders (in parallel) or standard input.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    conv.add_argument("inputs", nargs="*", metavar="PATH",
                      help="a file, a folder (searched recursively) or '-' for stdin (the default)")
    out = conv.add_argument_group("output")
    out.add_argument("--to", default=None, choices=list(FORMATS),
                     help="output format (default: from -o's extension .json .bib .ris .jsonl .txt, else csljson)")
    where = out.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="FILE", type=Path, help="write everything into FILE")
    where.add_argument("--out-dir", metavar="DIR", type=Path,
                       help="one output per input below DIR (same relative path, new extension)")
    out.add_argument("--style", help="citation style for --to text (vancouver, apa, ama ... or a .csl file)")
    out.add_argument("--locale", help="CSL locale for --to text, such as en-GB (default: the style's)")
    out.add_argument("--ascii", action="store_true",
                     help="ASCII only: LaTeX accents for bibtex, \\u escapes for csljson and jsonl")
    out.add_argument("--biblatex", action="store_true", help="BibLaTeX fields (date, journaltitle ...) for --to bibtex")
    out.add_argument("--annotate", action="store_true",
                     help="also write refparse's diagnostics (references not fully parsed, text no field took, "
                     "warnings) into the note field, which styles print")
    out.add_argument("--report", metavar="FILE", type=Path, help="write a JSON Lines report, one line per input")
    inp = conv.add_argument_group("input")
    add_input_arguments(inp, format_names())
    steps = conv.add_argument_group("run")
    steps.add_argument("-j", "--jobs", type=jobs, default=0, metavar="N",
                     help="worker processes (default 0: one per core)")
    steps.add_argument("--dask", metavar="SCHEDULER",
                       help="convert on a Dask cluster: local (a worker process per core), local:N, or a "
                       "scheduler address such as tcp://host:8786 (needs refparse[dask]; outputs on a shared disk)")
    steps.add_argument("--resume", action="store_true", help="with --out-dir: skip inputs whose output is newer")
    steps.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary; only failures")
    steps.add_argument("-v", "--verbose", action="store_true",
                       help="list every per-reference warning (on a terminal they are counted by kind)")
    steps.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 also when a reference could not be fully parsed or looked up in Crossref, or an input "
        "needed the encoding fallback (such references are still written, with their raw text)",
    )
    net = conv.add_argument_group("Crossref (DOIs; runs in one process, bounded by Crossref's rate limit)")
    net.add_argument("--enrich", action="store_true",
                     help="add DOIs from Crossref to references that print none (strong evidence only)")
    net.add_argument("--verify", action="store_true",
                     help="check printed DOIs against Crossref; warn where the record disagrees")
    net.add_argument("--check", action="store_true",
                     help="check every reference against Crossref (as refparse check does); the results "
                     "become check-* warnings, listed in --report")
    add_crossref_arguments(net)
    net.add_argument("--enrich-timeout", metavar="AGE", type=_seconds, default=None,
                     help="most time spent on Crossref lookups in all, e.g. 90, 5m (default: no limit); then the "
                     "references not looked up are written without DOIs, with a warning")
    net.add_argument("--crossref-timeout", metavar="SECONDS", type=_seconds, default=None,
                     help="most time one Crossref answer may take (default 10)")
    conv.set_defaults(run=run)


def output_format(to: str | None, output: Path | None) -> str:
    """The output format: ``--to``, else the one ``-o``'s extension names, else CSL-JSON.

    Raises:
        OptionError: ``--to`` and the extension disagree, or the extension
            names no format and ``--to`` is missing (a ``.bib`` full of JSON
            helps nobody).
    """
    by_extension = format_for_path(output) if output is not None else None
    if output is not None and output.suffix and by_extension is None and to is None:
        known = ", ".join(f".{f.extension}" for f in FORMATS.values())
        raise OptionError(f"cannot tell the output format from {output.name!r} ({known}); say --to FORMAT")
    if to is not None and by_extension is not None and to != by_extension:
        raise OptionError(
            f"--to {to} clashes with -o {output}: a .{FORMATS[by_extension].extension} file holds "
            f"{by_extension}; drop --to or change the file name"
        )
    return to or by_extension or "csljson"


def _seconds(text: str) -> float:
    """A positive duration (``90``, ``2.5``, ``5m``) in seconds, for argparse."""
    from ..enrich.options import parse_expire

    try:
        age = parse_expire(text)
    except OptionError as e:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (say 90, 30s or 5m)") from e
    if age is None or age.total_seconds() <= 0:
        raise argparse.ArgumentTypeError(f"not a positive duration: {text!r}")
    return age.total_seconds()


def _export_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if args.annotate:
        if args.to == "jsonl":
            raise OptionError("--annotate does not apply to --to jsonl (every warning is in each record already)")
        options["annotate"] = True
    if args.style is not None:
        if args.to != "text":
            raise OptionError("--style applies only to --to text")
        options["style"] = args.style
    if args.locale is not None:
        if args.to != "text":
            raise OptionError("--locale applies only to --to text")
        options["locale"] = args.locale
    if args.ascii:
        if args.to not in ("bibtex", "csljson", "jsonl"):
            raise OptionError(f"--ascii does not apply to --to {args.to}")
        options["ascii"] = True
    if args.biblatex:
        if args.to != "bibtex":
            raise OptionError("--biblatex applies only to --to bibtex")
        options["biblatex"] = True
    return options


def _enricher(args: argparse.Namespace) -> Any:
    """The Crossref step for ``--check``/``--enrich``/``--verify`` (``None`` without them)."""
    if not (args.enrich or args.verify or args.check):
        if crossref_given(args) or args.enrich_timeout is not None or args.crossref_timeout is not None:
            raise OptionError(
                "--cache, --cache-expire, --no-cache, --offline, --mailto, --crossref-url, --enrich-timeout and "
                "--crossref-timeout need --enrich or --verify (or --check)"
            )
        return None
    crossref = crossref_options(args)
    steps: list[Any] = []
    if args.check:  # first: the check reads the reference as printed, before a DOI is added
        from ..checks import Checker, CheckOptions

        steps.append(Checker(CheckOptions(crossref)))
    if args.enrich or args.verify:
        from ..enrich import Enricher

        steps.append(Enricher(crossref, lookup=args.enrich, check=args.verify))
    return steps[0] if len(steps) == 1 else _Steps(tuple(steps))


class _Steps:
    """Several Crossref steps applied in turn to each chunk of citations (``--check --enrich``).

    Stoppable as the enrich step is: the stop predicate goes to each step that takes it.
    """

    stoppable = True

    def __init__(self, steps: tuple[Any, ...]) -> None:
        self.steps = steps

    def __call__(self, citations: list[Any], should_stop: Any = None) -> list[Any]:
        for step in self.steps:
            citations = step(citations, should_stop) if getattr(step, "stoppable", False) else step(citations)
        return citations

    def close(self) -> None:
        for step in self.steps:
            step.close()


def run(args: argparse.Namespace) -> int:
    """Run ``refparse convert``: build the options, run the batch, report."""
    with collector_paused():
        from ..batch import BatchOptions, convert_paths
        from ..batch.console import Console
        from ..batch.inputs import DEFAULT_GLOBS, count_sources

        # Everything loaded so far (the pipeline's modules, pydantic's schemas) lives until the
        # command ends: frozen, the garbage collector no longer walks it on each full pass,
        # which cost a one-process conversion a tenth of its time. The command's own process
        # only; the library never changes the collector.
        gc.freeze()
    args.to = output_format(args.to, args.output)
    fallback = None if args.encoding_fallback.lower() == "none" else args.encoding_fallback
    if args.dask is not None and args.jobs:
        raise OptionError("choose one of --jobs (processes on this machine) and --dask (a cluster)")
    enricher = _enricher(args)
    options = BatchOptions(
        to=args.to,
        export_options=_export_options(args),
        from_format=args.from_format,
        out_dir=args.out_dir,
        output=args.output,
        globs=tuple(args.globs or DEFAULT_GLOBS),
        jobs=args.jobs,
        resume=args.resume,
        encoding_fallback=fallback,
        max_size=args.max_size,
        report=args.report,
        strict=args.strict,
        enrich=enricher,
        list_warnings=args.verbose,
        list_references=not args.quiet,  # -q lists none of them; counted, they keep a long input's memory flat
    )
    paths = args.inputs or ["-"]
    if "-" in paths and _is_terminal(sys.stdin) and not args.quiet:
        print("refparse: reading references from the terminal; paste them, then press Ctrl-D "
              "(or give a file: refparse convert page.txt)", file=sys.stderr)
    total = None
    if Console.wants_total(sys.stderr, args.quiet) and "-" not in paths:
        total = count_sources(paths, options.globs, [p for p in (args.out_dir, args.output) if p])
    console = Console(sys.stderr, args.quiet, total, verbose=args.verbose)
    summary = None
    try:
        with ExitStack() as stack:
            executor = None
            if args.dask is not None:
                from ..batch.scheduler import connect

                executor = stack.enter_context(connect(args.dask))
            summary = convert_paths(paths, options, on_result=console, stdout=sys.stdout, executor=executor)
    finally:
        console.close(summary, resumable=args.out_dir is not None)
        if enricher is not None:
            enricher.close()
    return summary.exit_code


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
