"""The ``refparse`` command: parse arguments, call the library, report errors.

No parsing logic lives here: each error the library raises becomes one line
on stderr and an exit status (0 all good; 1 some input failed or some
references were not parsed; 2 usage error).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import RefparseError
from .export.csljson import to_csl_json
from .detect import format_names, parse_any
from .read import decode

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="refparse", description="Turn copied reference lists into structured citations.")
    ap.add_argument("--version", action="version", version=f"refparse {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    conv = sub.add_parser(
        "convert",
        help="convert reference lists to CSL-JSON, BibTeX, RIS ...",
        description="Convert reference lists. Example: refparse convert page.txt --to csljson -o refs.json",
    )
    conv.add_argument("inputs", nargs="*", metavar="INPUT", help="input files; '-' or nothing reads stdin")
    conv.add_argument("--to", default="csljson", choices=["csljson"], help="output format (default csljson)")
    conv.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    conv.add_argument(
        "--from",
        dest="from_format",
        choices=format_names(),
        default=None,
        help="input format (default: detected from the content)",
    )
    return ap


def _read(name: str) -> tuple[str, str]:
    if name == "-":
        data = sys.stdin.buffer.read()
        label = "<stdin>"
    else:
        try:
            data = Path(name).read_bytes()
        except OSError as e:
            raise RefparseError(f"{name}: cannot read ({e.strerror or e})") from e
        label = name
    text, _ = decode(data, source=label)
    return text, label


def convert(args: argparse.Namespace) -> int:
    """Run ``refparse convert``."""
    status = EXIT_OK
    citations = []
    for name in args.inputs or ["-"]:
        try:
            text, label = _read(name)
        except RefparseError as e:
            print(f"refparse: {e}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        try:
            result = parse_any(text, args.from_format, source=label)
        except RefparseError as e:
            print(f"refparse: {e}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        for w in result.warnings:
            print(f"refparse: {label}: {w.message}", file=sys.stderr)
            status = EXIT_FAILED
        what = "card" if result.format == "card" else "reference"
        for f in result.failures:
            lines = f"lines {f.span.start}-{f.span.end}" if f.span else "?"
            number = f" {f.number}" if f.number is not None else ""
            print(f"refparse: {label}: {what}{number} ({lines}): {f.reason}", file=sys.stderr)
        citations.extend(result.citations)
    out = to_csl_json(citations)
    if args.output:
        Path(args.output).write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``refparse`` console script."""
    args = _parser().parse_args(argv)
    try:
        return convert(args)
    except RefparseError as e:
        print(f"refparse: {e}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("refparse: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
