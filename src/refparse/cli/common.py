"""What every command shares: exit statuses and argument types."""

from __future__ import annotations

import argparse
import re

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

_SIZE = re.compile(r"(?i)\s*(\d{1,15}(?:\.\d{1,6})?)\s*(?:(?:([kmg])(?:i?b)?|b)\s*)?")


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
