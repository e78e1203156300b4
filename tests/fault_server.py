"""A misbehaving Crossref on loopback: one mode per fault, and ``good`` for the real thing.

:class:`FaultServer` is a :class:`crossref_server.CrossrefStub` (the same
search, the same shapes) whose ``mode`` says how it fails every request:

========== ==================================================================
good       answers like Crossref
hang       reads the request, never answers (until the client goes away)
reset      reads the request, resets the connection (TCP RST)
html200    ``200`` with an HTML page (a proxy's or a portal's)
html500    ``500`` with an HTML error page
malformed  ``200`` JSON cut in half
shape      ``200`` JSON of the wrong shape (``items`` a string): read as an
           empty answer it would pass for "no DOI", and be cached as one
ctype      the real answer, matching DOIs and all, as ``text/plain``
retry      ``429`` with ``Retry-After: 3600``
huge       the real answer padded to 50 MB, streamed without a length (a
           client that reads it whole finds the DOIs and caches 50 MB)
redirect   ``302`` to itself, for ever
trickle    the real answer, one byte every tenth of a second
========== ==================================================================

Faults that serve the real answer (``ctype``, ``huge``, ``trickle``) make a
false acceptance visible: a client that takes them gets DOIs the tests
forbid. :func:`dead_url` gives an address where nothing listens (a registry
that is down). :func:`seed_records` builds the records of the seed fixture's
68 references, so a ``good`` run finds their DOIs.

The benchmark in ``benchmarks/faults/`` imports this module too.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from crossref_server import CrossrefStub, Logged

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "seed000.txt"
MODES = ("good", "hang", "reset", "html200", "html500", "malformed", "shape", "ctype", "retry", "huge",
         "redirect", "trickle")
HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
HUGE_BYTES = 50 * 1000 * 1000


def seed_records() -> list[dict[str, Any]]:
    """Crossref records for the seed's references (``10.5555/seed.N``), from its reviewed CSL-JSON."""
    items = json.loads((ROOT / "fixtures" / "seed000.expected.json").read_text(encoding="utf-8"))
    records = []
    for item in items:
        n = item["citation-number"]
        authors = [{"family": a["family"], "given": a.get("given", ""), "sequence": "first" if i == 0 else "additional"}
                   for i, a in enumerate(item.get("author", [])) if "family" in a]
        record: dict[str, Any] = {
            "DOI": f"10.5555/seed.{n}",
            "type": "proceedings-article" if item["type"] == "paper-conference" else "journal-article",
            "title": [item.get("title", "")],
            "author": authors,
            "container-title": [item.get("container-title", "")],
            "short-container-title": [item.get("container-title-short", "")],
            "issued": item.get("issued", {"date-parts": [[None]]}),
        }
        for key in ("volume", "issue", "page"):
            if key in item:
                record[key] = item[key]
        records.append(record)
    return records


def dead_url() -> str:
    """A loopback address where nothing listens: every connection is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class FaultServer(CrossrefStub):
    """A loopback Crossref that fails every request in the way ``mode`` names.

    Args:
        records: what a real answer is made of (default: the seed's records).
        mode: one of :data:`MODES`; may be changed between runs.
        after: requests answered well before the fault begins (a registry
            that fails in the middle of a run).

    Attributes:
        sent: body bytes written to clients so far (``huge``: what a client read).
    """

    def __init__(self, records: list[dict[str, Any]] | None = None, mode: str = "good", after: int = 0) -> None:
        super().__init__(records if records is not None else seed_records())
        self.mode = mode
        self.after = after
        self.sent = 0
        self._served = 0
        self._closing = threading.Event()
        self._capture = threading.local()

    def stop(self) -> None:
        """Release hanging handlers, then stop listening."""
        self._closing.set()
        super().stop()

    # ----------------------------------------------------------------- faults
    def _send(self, h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str, extra: dict[str, str]) -> None:
        box = getattr(self._capture, "box", None)
        if box is None:
            return super()._send(h, status, body, ctype, extra)
        box.update(status=status, body=body, ctype=ctype)

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        mode = self.mode
        with self._lock:
            self._served += 1
            early = self._served <= self.after
        if mode == "good" or early:
            return super()._answer(h)
        if mode in ("ctype", "huge", "trickle"):
            return self._real(h, mode)  # logged by the good server's own answer
        with self._lock:
            self.log.append(Logged(h.path.split("?")[0], {}, h.headers.get("User-Agent", "")))
        getattr(self, "_" + mode)(h)

    def _hang(self, h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        while not self._closing.is_set():  # until the client hangs up or the server stops
            if _peer_gone(h.connection):
                return
            time.sleep(0.05)

    def _reset(self, h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()  # with SO_LINGER 0: an RST, not a FIN

    def _html200(self, h: BaseHTTPRequestHandler) -> None:
        self._send(h, 200, HTML, "text/html; charset=utf-8", {})

    def _html500(self, h: BaseHTTPRequestHandler) -> None:
        self._send(h, 500, HTML, "text/html; charset=utf-8", {})

    def _malformed(self, h: BaseHTTPRequestHandler) -> None:
        self._send(h, 200, b'{"status":"ok","message-type":"work-list","message":{"items":[{"DOI":"10.',
                   "application/json;charset=utf-8", {})

    def _shape(self, h: BaseHTTPRequestHandler) -> None:
        body = {"status": "ok", "message-type": "work-list", "message": {"items": "10.9999/wrong-shape"}}
        self._send(h, 200, json.dumps(body).encode(), "application/json;charset=utf-8", {})

    def _retry(self, h: BaseHTTPRequestHandler) -> None:
        self._send(h, 429, b"Too many requests", "text/plain", {"Retry-After": "3600"})

    def _redirect(self, h: BaseHTTPRequestHandler) -> None:
        self._send(h, 302, b"", "text/plain", {"Location": h.path})

    def _real(self, h: BaseHTTPRequestHandler, mode: str) -> None:
        """The answer a good server gives, sent the way ``mode`` spoils it."""
        captured: dict[str, Any] = {}
        self._capture.box = captured  # this handler thread's answer is kept, not sent
        try:
            super()._answer(h)
        finally:
            self._capture.box = None
        status, body, ctype = captured["status"], captured["body"], captured["ctype"]
        if mode == "ctype":
            return super()._send(h, status, body, "text/plain; charset=utf-8", {})
        h.close_connection = True
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        if mode == "trickle":
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        with contextlib.suppress(OSError):
            for piece in _pieces(body, mode):
                if self._closing.is_set():
                    return
                h.wfile.write(piece)
                h.wfile.flush()
                with self._lock:
                    self.sent += len(piece)
                if mode == "trickle":
                    time.sleep(0.1)


_BLANKS = b" " * (1 << 16)


def _pieces(body: bytes, mode: str) -> Iterator[bytes]:
    """The body as it is sent: a byte at a time (``trickle``), or with 50 MB of spaces inside (``huge``).

    The 50 MB are never held: valid JSON, if a client reads it whole, streamed in 64 kB pieces.
    """
    if mode == "trickle":
        yield from (body[i : i + 1] for i in range(len(body)))
        return
    yield body[:-1]
    for _ in range(HUGE_BYTES // len(_BLANKS)):
        yield _BLANKS
    yield body[-1:]


def _peer_gone(conn: socket.socket) -> bool:
    """Whether the client closed its side (a readable socket with nothing to read)."""
    try:
        conn.setblocking(False)
        try:
            return conn.recv(1, socket.MSG_PEEK) == b""
        finally:
            conn.setblocking(True)
    except BlockingIOError:
        return False
    except OSError:
        return True
