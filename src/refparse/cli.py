"""The ``refparse`` command: parse arguments, call the library, report errors.

No conversion logic lives here (that is :mod:`refparse.batch`): this module
turns arguments into :class:`refparse.batch.BatchOptions`, shows progress
through :class:`refparse.batch.console.Console`, and maps the outcome to an
exit status:

* 0 — every input converted (a reference the grammar could not fully parse
  is still written, with its raw text, and reported on stderr);
* 1 — some input failed (or no input was found); with ``--strict`` also
  when a reference was not fully parsed or an input needed the fallback
  encoding;
* 2 — usage error (bad option or combination; nothing was converted);
* 130 — stopped by Ctrl-C (finished outputs are kept).

No traceback reaches the user: a bug is one line asking for a report
(``REFPARSE_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .detect import format_names
from .errors import OptionError, RefparseError
from .export import FORMATS

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

_EXAMPLES = """\
Examples:
  refparse convert page.txt --to bibtex -o refs.bib
  refparse convert pages/ --to csljson --out-dir json/ --report report.jsonl
  refparse convert pages/ --glob '*.html.txt' --to ris -o all.ris -j 4
  cat page.txt | refparse convert - --to text --style apa
  REFPARSE_MAILTO=you@example.org refparse convert page.txt --to jsonl --enrich --verify -o refs.jsonl

exit status: 0 all converted (references not fully parsed are written with
their raw text and reported); 1 some input failed, or with --strict some
reference was not fully parsed; 2 usage error; 130 interrupted (finished
outputs are kept)."""

_SIZE = re.compile(r"(?i)\s*(\d{1,15}(?:\.\d{1,6})?)\s*(?:(?:([kmg])(?:i?b)?|b)\s*)?")


def parse_size(text: str) -> int:
    """``20M``, ``50MB``, ``512k``, ``1GiB``, ``100b`` or bytes; 0 means no limit."""
    m = _SIZE.fullmatch(text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (say 20M, 512k or 0 for no limit)")
    return int(float(m.group(1)) * 1024 ** "_kmg".index((m.group(2) or "_").lower()))


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"not a number of processes: {text!r} (0 means one per core)")
    return n


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="refparse", description="Turn copied reference lists into structured citations.")
    ap.add_argument("--version", action="version", version=f"refparse {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
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
    run = conv.add_argument_group("run")
    run.add_argument("-j", "--jobs", type=_jobs, default=0, metavar="N",
                     help="worker processes (default 0: one per core)")
    run.add_argument("--resume", action="store_true", help="with --out-dir: skip inputs whose output is newer")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary; only failures")
    run.add_argument(
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
    return ap


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

    from .enrich import Enricher, EnrichOptions, parse_expire
    from .enrich.options import DEFAULT_EXPIRE

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


def convert(args: argparse.Namespace) -> int:
    """Run ``refparse convert``: build the options, run the batch, report."""
    from .batch import BatchOptions, convert_paths
    from .batch.console import Console
    from .batch.inputs import DEFAULT_GLOBS, count_sources

    # Everything loaded so far (the pipeline's modules, pydantic's schemas) lives until the
    # command ends: frozen, the garbage collector no longer walks it on each full pass,
    # which cost a one-process conversion a tenth of its time. The command's own process
    # only; the library never changes the collector.
    gc.freeze()
    fallback = None if args.encoding_fallback.lower() == "none" else args.encoding_fallback
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
        summary = convert_paths(paths, options, on_result=console, stdout=sys.stdout)
    finally:
        console.close(summary, resumable=args.out_dir is not None)
        if enricher is not None:
            enricher.close()
    return summary.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``refparse`` console script."""
    # Pydantic scans every installed package for plugins on its first model,
    # which costs a one-file conversion about a tenth of its time. The command
    # line has no use for them; a user who wants them sets the variable. Set
    # here, not at import: importing this module must not change the process.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = _parser().parse_args(argv)
    try:
        return convert(args)
    except OptionError as e:
        print(f"refparse: {e}", file=sys.stderr)
        return EXIT_USAGE
    except RefparseError as e:
        print(f"refparse: {e}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("refparse: interrupted; finished outputs are kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `refparse convert ... | head`: the reader left; not an error worth a word
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    except OSError as e:  # writing an output failed (a full disk, a vanished folder)
        where = f"{e.filename}: " if e.filename else ""
        print(f"refparse: cannot write the output: {where}{e.strerror or e}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as e:
        if os.environ.get("REFPARSE_DEBUG") == "1":
            raise
        print(f"refparse: internal error ({type(e).__name__}: {e}); please report it "
              "(REFPARSE_DEBUG=1 shows the traceback)", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
