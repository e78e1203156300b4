"""``refparse serve``: the review page on this machine (the ``web`` extra).

No page logic here (that is :mod:`refparse.web`): this module turns arguments
into :class:`refparse.web.settings.WebSettings`, binds the socket (so the URL
it prints names the real port, even for ``--port 0``) and runs uvicorn on it
until Ctrl-C. It opens no browser.
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path
from typing import Any

from ..errors import OptionError
from .common import parse_size

_EXAMPLES = """\
Examples:
  refparse serve                                 # http://127.0.0.1:8000/
  refparse serve --port 8080 --max-size 20M
  REFPARSE_MAILTO=you@example.org refparse serve   # with the "Find DOIs" button on

What you paste stays in the server's memory: nothing is written to disk or
logged. The server answers on this machine only unless --host says otherwise."""

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(sub: Any) -> None:
    """Add ``serve`` to the command line's subparsers."""
    srv = sub.add_parser(
        "serve",
        help="a web page to paste, review, fix and download references (needs refparse[web])",
        description="Start the review page: paste or upload reference lists, review and fix every field, download.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    srv.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1: this machine only)")
    srv.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    srv.add_argument("--max-size", type=parse_size, default=None, metavar="SIZE",
                     help="refuse requests larger than this (default 5M)")
    srv.add_argument("--page-size", type=int, default=100, metavar="N", help="references per page (default 100)")
    net = srv.add_argument_group("Crossref (the Find DOIs button)")
    net.add_argument("--mailto", metavar="EMAIL",
                     help="contact address for Crossref's polite pool (default $REFPARSE_MAILTO); without one "
                          "the button is off")
    net.add_argument("--crossref-url", metavar="URL",
                     help="Crossref REST API root (default $REFPARSE_CROSSREF_URL or https://api.crossref.org)")
    net.add_argument("--cache", metavar="PATH", type=Path,
                     help="HTTP cache file (default: crossref.sqlite in the user cache directory)")
    srv.set_defaults(run=run)


def _settings(args: argparse.Namespace) -> Any:
    from ..web.settings import DEFAULT_MAX_SIZE, WebSettings, enrich_settings, hosts_for

    if args.page_size < 1:
        raise OptionError("--page-size must be at least 1")
    max_size = DEFAULT_MAX_SIZE if args.max_size is None else args.max_size
    if max_size < 1:
        raise OptionError("--max-size must be more than 0: the page needs a limit")
    return WebSettings(
        max_size=max_size,
        page_size=args.page_size,
        enrich=enrich_settings(args.mailto, args.crossref_url, args.cache),
        allowed_hosts=hosts_for(args.host),
    )


def _listen(host: str, port: int) -> socket.socket:
    if not 0 <= port <= 65535:
        raise OptionError(f"--port {port} is not a port (0 to 65535)")
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.create_server((host, port), family=family, reuse_port=False)
    except OSError as e:
        raise OptionError(f"cannot listen on {host} port {port}: {e.strerror or e}; choose another --port") from e
    return sock


def run(args: argparse.Namespace) -> int:
    """Run ``refparse serve`` until Ctrl-C."""
    try:
        import uvicorn

        from ..web.app import create_app
    except ImportError as e:
        raise OptionError(f"refparse serve needs the web extra ({e.name} is missing): pip install 'refparse[web]'") \
            from e
    app = create_app(_settings(args))
    sock = _listen(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"refparse: the review page is at http://{shown}:{port}/ (Ctrl-C stops it)", flush=True)
    if args.host not in LOOPBACK:
        print(f"refparse: listening on {args.host}: anyone who can reach this machine can use the page; "
              "it has no passwords", file=sys.stderr, flush=True)
    # No access log: request lines carry no pasted text, but the page promises to log nothing of a session.
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn stops gracefully, then passes Ctrl-C on: the normal way to stop
        pass
    finally:
        sock.close()
    print("refparse: stopped; what was pasted is gone with the server", file=sys.stderr, flush=True)
    return 0
