"""The app's outer layer: security headers on every answer, a request cap, same-origin writes.

* **Headers.** A Content-Security-Policy that allows scripts, styles and
  requests from the server itself only: no inline script, no ``eval``, no
  event-handler attributes, no other site. So even if a pasted
  ``<script>`` escaped its escaping, the browser would not run it.
* **Request cap.** A body over ``max_size`` is refused with 413 and a
  sentence saying how large it was and what the limit is, before any of it
  is parsed; the body is read in memory only up to the cap.
* **Same origin.** A request that changes something must come from a page of
  this server (its ``Origin``, when the browser sends one, names this host),
  so another site open in the same browser cannot post to it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from .settings import size_text

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
#: How much of an oversized body is read (and discarded) so the browser gets the answer, not a reset.
_DRAIN_LIMIT = 256 * 1024 * 1024
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def too_large_message(size: int | None, limit: int) -> str:
    """The sentence a refused request gets."""
    what = f"is {size:,} bytes" if size is not None else "is larger than that"
    return (
        f"This request {what}; this server accepts at most {size_text(limit)} ({limit:,} bytes). "
        "Paste fewer references at a time, or start the server with a larger --max-size (for example --max-size 20M)."
    )


class Guard:
    """ASGI middleware: headers, request cap, same-origin writes (see the module's docstring).

    Args:
        app: the application.
        max_size: the largest body accepted, in bytes.
    """

    def __init__(self, app: ASGIApp, max_size: int) -> None:
        self.app = app
        self.max_size = max_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        if scope["method"] in _SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope["headers"]}
        origin = headers.get(b"origin", b"").decode("latin-1")
        if origin and origin != "null" and urlsplit(origin).netloc != headers.get(b"host", b"").decode("latin-1"):
            await _refuse(scope, send, 403, "This server takes changes from its own pages only.")
            return
        declared = headers.get(b"content-length", b"")
        size = int(declared) if declared.isdigit() else None
        if size is not None and size > self.max_size:
            await _drain(receive, 0)
            await _refuse(scope, send, 413, too_large_message(size, self.max_size))
            return
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_size:
                await _drain(receive, total)
                await _refuse(scope, send, 413, too_large_message(None, self.max_size))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {k.lower() for k, _ in message.get("headers", ())}
            message["headers"] = [*message.get("headers", ()), *(h for h in HEADERS if h[0] not in names)]
        await send(message)

    return wrapped


async def _drain(receive: Receive, already: int) -> None:
    """Read the rest of a refused body without keeping it, up to a bound."""
    total = already
    while total < _DRAIN_LIMIT:
        message = await receive()
        if message["type"] == "http.disconnect" or not message.get("more_body", False):
            return
        total += len(message.get("body", b""))


async def _refuse(scope: Scope, send: Send, status: int, text: str) -> None:
    """Answer with a message: JSON for the API, a short page (or fragment) for the browser."""
    path = scope.get("path", "")
    headers = {k.lower(): v for k, v in scope["headers"]}
    if path.startswith("/api"):
        body, ctype = json.dumps({"detail": text}).encode(), b"application/json"
    elif headers.get(b"hx-request") == b"true":
        body, ctype = f'<p class="error" role="alert">{html.escape(text)}</p>'.encode(), b"text/html; charset=utf-8"
    else:
        body = _PAGE.format(title="Not accepted", text=html.escape(text)).encode()
        ctype = b"text/html; charset=utf-8"
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · refparse</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="narrow"><h1>{title}</h1><p class="error" role="alert" id="refusal">{text}</p>
<p><a href="/">Back to the paste page</a></p></main></body></html>
"""
