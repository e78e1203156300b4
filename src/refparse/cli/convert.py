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
from ..export import FORMATS
from .common import jobs, parse_size

_EXAMPLES = """\
Examples:
  refparse convert page.txt --to bibtex -o refs.bib
  refparse convert pages/ --to csljson --out-dir json/ --report report.jsonl
  refparse convert pages/ --glob '*.html.txt' --to ris -o all.ris -j 4
  cat page.txt | refparse convert - --to text --style apa
  refparse convert corpus/ --out-dir json/ --dask tcp://scheduler:8786 --report report.jsonl
  REFPARSE_MAILTO=you@example.org refparse convert page.txt --to jsonl --enrich --verify -o refs.jsonl

exit status: 0 all converted (references not fully parsed are written with
their raw text and reported); 1 some input failed, or with --strict some
reference was not fully parsed; 2 usage error; 130 interrupted (finished
outputs are kept)."""

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
    out.add_argument("--to", default="csljson", choices=list(FORMATS), help="output format (default csljson)")
    where = out.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="FILE", type=Path, help="write everything into FILE")
    where.add_argument("--out-dir", metavar="DIR", type=Path,
                       help="one output per input below DIR (same relative path, new extension)")
    out.add_argument("--style", help="citation style for --to text (vancouver, apa, ama ... or a .csl file)")
    out.add_argument("--locale", help="CSL locale for --to text, such as en-GB (default: the style's)")
    out.add_argument("--ascii", action="store_true",
                     help="ASCII only: LaTeX accents for bibtex, \\u escapes for csljson and jsonl")
    out.add_argument("--biblatex", action="store_true", help="BibLaTeX fields (date, journaltitle ...) for --to bibtex")
    out.add_argument("--report", metavar="FILE", type=Path, help="write a JSON Lines report, one line per input")
    inp = conv.add_argument_group("input")
    inp.add_argument("--from", dest="from_format", choices=format_names(), default=None,
                     help="input format (default: detected from the content)")
    inp.add_argument("--glob", dest="globs", action="append", metavar="PATTERN",
                     help="file names to take from folders (repeatable; default *.txt and *.md)")
    inp.add_argument("--encoding-fallback", default="cp1252", metavar="CODEC",
                     help="codec for files that are not UTF-8 (default cp1252; 'none' to refuse them)")
    inp.add_argument("--max-size", type=parse_size, default=20 * 1024 * 1024, metavar="SIZE",
                     help="refuse larger inputs (default 20M; 0 for no limit)")
    steps = conv.add_argument_group("run")
    steps.add_argument("-j", "--jobs", type=jobs, default=0, metavar="N",
                     help="worker processes (default 0: one per core)")
    steps.add_argument("--dask", metavar="SCHEDULER",
                       help="convert on a Dask cluster: local (a worker process per core), local:N, or a "
                       "scheduler address such as tcp://host:8786 (needs refparse[dask]; outputs on a shared disk)")
    steps.add_argument("--resume", action="store_true", help="with --out-dir: skip inputs whose output is newer")
    steps.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary; only failures")
    steps.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 also when a reference could not be fully parsed or an input needed the encoding fallback "
        "(such references are still written, with their raw text)",
    )
    net = conv.add_argument_group("Crossref (DOIs; runs in one process, bounded by Crossref's rate limit)")
    net.add_argument("--enrich", action="store_true",
                     help="add DOIs from Crossref to references that print none (strong evidence only)")
    net.add_argument("--verify", action="store_true",
                     help="check printed DOIs against Crossref; warn where the record disagrees")
    net.add_argument("--cache", metavar="PATH", type=Path,
                     help="HTTP cache file (default: crossref.sqlite in the user cache directory)")
    net.add_argument("--cache-expire", metavar="AGE", default=None,
                     help="how long cached answers are used: seconds, 12h, 30d or never (default 30d)")
    net.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    net.add_argument("--offline", action="store_true", help="use cached answers only; never the network")
    net.add_argument("--mailto", metavar="EMAIL",
                     help="contact address for Crossref's polite pool (default $REFPARSE_MAILTO)")
    net.add_argument("--crossref-url", metavar="URL",
                     help="Crossref REST API root (default $REFPARSE_CROSSREF_URL or https://api.crossref.org)")
    conv.set_defaults(run=run)


def _export_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {}
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
    """The Crossref step for ``--enrich``/``--verify`` (``None`` without them)."""
    if not (args.enrich or args.verify):
        if args.offline or args.no_cache or args.cache or args.mailto or args.crossref_url or args.cache_expire:
            raise OptionError(
                "--cache, --cache-expire, --no-cache, --offline, --mailto and --crossref-url need --enrich or --verify"
            )
        return None
    # imported here: the enrich stage loads requests, which a plain conversion never needs
    import logging

    from ..enrich import Enricher, EnrichOptions, parse_expire
    from ..enrich.options import DEFAULT_EXPIRE

    # A cache fault is a warning on the "refparse.enrich" logger: one line on stderr, like the others.
    logging.basicConfig(format="refparse: %(message)s", level=logging.WARNING)

    given = {"mailto": args.mailto, "base_url": args.crossref_url}
    crossref = EnrichOptions(
        cache_path=args.cache,
        cache_expire=parse_expire(args.cache_expire) if args.cache_expire is not None else DEFAULT_EXPIRE,
        no_cache=args.no_cache,
        offline=args.offline,
        **{k: v for k, v in given.items() if v},
    )
    return Enricher(crossref, lookup=args.enrich, check=args.verify)


def run(args: argparse.Namespace) -> int:
    """Run ``refparse convert``: build the options, run the batch, report."""
    from ..batch import BatchOptions, convert_paths
    from ..batch.console import Console
    from ..batch.inputs import DEFAULT_GLOBS, count_sources

    # Everything loaded so far (the pipeline's modules, pydantic's schemas) lives until the
    # command ends: frozen, the garbage collector no longer walks it on each full pass,
    # which cost a one-process conversion a tenth of its time. The command's own process
    # only; the library never changes the collector.
    gc.freeze()
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
    )
    paths = args.inputs or ["-"]
    total = None
    if Console.wants_total(sys.stderr, args.quiet) and "-" not in paths:
        total = count_sources(paths, options.globs, [p for p in (args.out_dir, args.output) if p])
    console = Console(sys.stderr, args.quiet, total)
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
