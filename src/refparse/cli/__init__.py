"""The ``refparse`` command: parse arguments, call the library, report errors.

One module per subcommand (:mod:`refparse.cli.convert` ...), each with a
``register(subparsers)`` that adds its parser and sets ``run``, the function
that carries the command out and returns the exit status. No conversion
logic lives here: a command turns arguments into the library's options,
calls it, and maps the outcome to an exit status:

* 0 — done (for ``convert``: every input converted; a reference the grammar
  could not fully parse is still written, with its raw text, and reported);
* 1 — some input failed (or no input was found); with ``--strict`` also
  when a reference was not fully parsed or an input needed the fallback
  encoding;
* 2 — usage error (bad option or combination; nothing was done);
* 130 — stopped by Ctrl-C (finished outputs are kept).

No traceback reaches the user: a bug is one line asking for a report
(``REFPARSE_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module

from .. import __version__
from ..display import printable
from ..errors import OptionError, RefparseError
from .common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, collector_paused, parse_size

__all__ = ["COMMANDS", "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "main", "parse_size"]

#: The subcommands, in the order ``refparse --help`` lists them: module names in this package.
COMMANDS = ("convert", "check", "serve")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command of :data:`COMMANDS` registered."""
    ap = argparse.ArgumentParser(prog="refparse", description="Turn copied reference lists into structured citations.")
    ap.add_argument("--version", action="version", version=f"refparse {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        import_module(f"{__name__}.{name}").register(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``refparse`` console script."""
    # Pydantic scans every installed package for plugins on its first model,
    # which costs a one-file conversion about a tenth of its time. The command
    # line has no use for them; a user who wants them sets the variable. Set
    # here, not at import: importing this module must not change the process.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    with collector_paused():  # registering the commands imports the library
        args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except OptionError as e:
        _say(f"refparse: {e}")
        return EXIT_USAGE
    except RefparseError as e:
        _say(f"refparse: {e}")
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
        _say(f"refparse: cannot write the output: {where}{e.strerror or e}")
        return EXIT_FAILED
    except Exception as e:
        if os.environ.get("REFPARSE_DEBUG") == "1":
            raise
        _say(f"refparse: internal error ({type(e).__name__}: {e}); please report it "
             "(REFPARSE_DEBUG=1 shows the traceback)")
        return EXIT_FAILED


def _say(line: str) -> None:
    """One message line on stderr, control characters escaped (a file name cannot forge a line)."""
    print(printable(line), file=sys.stderr)

