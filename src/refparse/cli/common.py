"""What every command shares: exit statuses and argument types."""

from __future__ import annotations

import argparse
import gc
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

_SIZE = re.compile(r"(?i)\s*(\d{1,15}(?:\.\d{1,6})?)\s*(?:(?:([kmg])(?:i?b)?|b)\s*)?")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the command loads the library; resume it as it was.

    Why: loading pydantic, the models and the lexer's patterns makes tens of thousands of
    objects, none of them garbage, and the collector ran over them again and again — a
    fifth of a one-reference conversion. The command's own process only.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def parse_size(text: str) -> int:
    """``20M``, ``50MB``, ``512k``, ``1GiB``, ``100b`` or bytes; 0 means no limit."""
    m = _SIZE.fullmatch(text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (say 20M, 512k or 0 for no limit)")
    return int(float(m.group(1)) * 1024 ** "_kmg".index((m.group(2) or "_").lower()))


def jobs(text: str) -> int:
    """A number of worker processes (0: one per core)."""
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"not a number of processes: {text!r} (0 means one per core)")
    return n


def add_input_arguments(group: Any, formats: Sequence[str]) -> None:
    """The input options ``convert`` and ``check`` share: format, folder patterns, encoding, size."""
    group.add_argument("--from", dest="from_format", choices=list(formats), default=None,
                       help="input format (default: detected from the content)")
    group.add_argument("--glob", dest="globs", action="append", metavar="PATTERN",
                       help="file names to take from folders (repeatable; default *.txt and *.md)")
    group.add_argument("--encoding-fallback", default="cp1252", metavar="CODEC",
                       help="codec for files that are not UTF-8 (default cp1252; 'none' to refuse them)")
    group.add_argument("--max-size", type=parse_size, default=20 * 1024 * 1024, metavar="SIZE",
                       help="refuse larger inputs (default 20M; 0 for no limit)")


def add_crossref_arguments(group: Any) -> None:
    """The Crossref options ``convert`` and ``check`` share: cache, politeness, where the service is."""
    group.add_argument("--cache", metavar="PATH", type=Path,
                       help="HTTP cache file (default: crossref.sqlite in the user cache directory)")
    group.add_argument("--cache-expire", metavar="AGE", default=None,
                       help="how long cached answers are used: seconds, 12h, 30d or never (default 30d)")
    group.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    group.add_argument("--offline", action="store_true", help="use cached answers only; never the network")
    group.add_argument("--mailto", metavar="EMAIL",
                       help="contact address for Crossref's polite pool (default $REFPARSE_MAILTO)")
    group.add_argument("--crossref-url", metavar="URL",
                       help="Crossref REST API root (default $REFPARSE_CROSSREF_URL or https://api.crossref.org)")


def crossref_given(args: argparse.Namespace) -> bool:
    """Whether any of :func:`add_crossref_arguments`' options was given."""
    return bool(args.offline or args.no_cache or args.cache or args.mailto or args.crossref_url or args.cache_expire)


def crossref_options(args: argparse.Namespace) -> Any:
    """The :class:`~refparse.enrich.EnrichOptions` the Crossref arguments ask for.

    Also routes the ``refparse.enrich`` logger (cache faults) to stderr, one
    ``refparse: …`` line each, like every other message of the command.
    """
    # imported here: the enrich stage loads requests, which a plain conversion never needs
    import logging

    from ..display import printable
    from ..enrich import EnrichOptions, parse_expire
    from ..enrich.options import DEFAULT_EXPIRE

    class Printable(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return printable(super().format(record))

    # A cache fault, a registry that cannot be reached: a warning on the "refparse.enrich" logger,
    # one line on stderr like the others (a cache path cannot forge a line either).
    handler = logging.StreamHandler()
    handler.setFormatter(Printable("refparse: %(message)s"))
    logging.basicConfig(handlers=[handler], level=logging.WARNING)
    given = {"mailto": args.mailto, "base_url": args.crossref_url,
             "deadline": getattr(args, "enrich_timeout", None), "timeout": getattr(args, "crossref_timeout", None)}
    return EnrichOptions(
        cache_path=args.cache,
        cache_expire=parse_expire(args.cache_expire) if args.cache_expire is not None else DEFAULT_EXPIRE,
        no_cache=args.no_cache,
        offline=args.offline,
        **{k: v for k, v in given.items() if v},
    )
