"""One HTTP exchange with Crossref, bounded in time and size, that can be abandoned.

:func:`exchange` sends a GET in a thread of its own and waits for it in the
caller's thread, so the caller never waits longer than the exchange's
deadline, or past a stop (an interrupt, a budget spent): the request is then
*abandoned* — its daemon thread ends when the socket does, and nothing it
reads is used. Inside that thread:

* connect and read time-outs on every socket operation (``requests``);
* redirects followed by hand, at most ``max_redirects`` (a loop is a failure);
* the body streamed and refused past ``max_bytes`` (by ``Content-Length``
  before reading, else by stopping the read at the limit), so a 50 MB answer
  costs 4 MB of reading at most and is never cached;
* the body read before the deadline, or the request is given up (a server
  trickling one byte at a time passes every read time-out).
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

import requests

_CHUNK = 1 << 16
#: How often a waiting caller looks at the stop flag (seconds).
_POLL = 0.05


class TransferError(Exception):
    """An exchange that brought no usable answer.

    Attributes:
        problem: what happened, as the user reads it ("connection refused").
        unreachable: no answer at all (refused, reset, no such host): the
            service may be down, not merely slow.
    """

    def __init__(self, problem: str, unreachable: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.unreachable = unreachable


class AbandonedError(TransferError):
    """The caller stopped waiting (an interrupt, or the client stopped asking)."""


@dataclass(frozen=True)
class Limits:
    """What one exchange may cost.

    Attributes:
        connect_timeout: seconds to connect.
        read_timeout: seconds each read may wait.
        seconds: the whole exchange, from sending to the last byte.
        max_bytes: the largest body read.
        max_redirects: redirects followed.
    """

    connect_timeout: float
    read_timeout: float
    seconds: float
    max_bytes: int
    max_redirects: int


@dataclass(frozen=True)
class Reply:
    """An answer whose body has been read (``response.content`` holds it).

    Attributes:
        response: the final response (after redirects), its connection released.
        request: the request first sent: what a cache keys the answer by.
    """

    response: requests.Response
    request: requests.PreparedRequest


def size_text(n: int) -> str:
    """A size for messages (``4.2 MB``)."""
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what it wraps (``requests`` wraps urllib3, which wraps the socket's error)."""
    seen: list[BaseException] = []
    todo: list[object] = [error]
    while todo and len(seen) < 12:
        e = todo.pop()
        if not isinstance(e, BaseException) or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [getattr(e, "reason", None), e.__cause__, e.__context__, *e.args]
    return seen


def describe(error: requests.RequestException, limits: Limits) -> TransferError:
    """The failure a ``requests`` error stands for, in words a user can act on."""
    if isinstance(error, requests.ConnectTimeout):
        return TransferError(f"no connection within {limits.connect_timeout:g} s", unreachable=True)
    causes = _causes(error)
    # A read time-out inside a body comes wrapped as a ConnectionError by iter_content.
    if isinstance(error, requests.ReadTimeout) or any(isinstance(e, TimeoutError) for e in causes) or any(
        type(e).__name__ == "ReadTimeoutError" for e in causes
    ):
        return TransferError(f"no answer within {limits.read_timeout:g} s")
    if any(isinstance(e, ConnectionRefusedError) for e in causes):
        return TransferError("connection refused", unreachable=True)
    if any(isinstance(e, ConnectionResetError) for e in causes):
        return TransferError("connection reset", unreachable=True)
    if any(isinstance(e, socket.gaierror) or type(e).__name__ == "NameResolutionError" for e in causes):
        return TransferError("host name not found", unreachable=True)
    if any(isinstance(e, http.client.RemoteDisconnected) for e in causes):
        return TransferError("connection closed without an answer", unreachable=True)
    if isinstance(error, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return TransferError("answer cut short or undecodable")
    if isinstance(error, requests.ConnectionError):
        return TransferError(f"connection failed ({type(error).__name__})", unreachable=True)
    return TransferError(f"request failed ({type(error).__name__})")


def _read_body(response: requests.Response, limits: Limits, until: float, abandoned: Callable[[], bool]) -> None:
    """Read the body into ``response.content``, within the size and time limits."""
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > limits.max_bytes:
        raise TransferError(
            f"an answer of {size_text(int(length))}, over the {size_text(limits.max_bytes)} limit (not read)"
        )
    parts: list[bytes] = []
    total = 0
    for chunk in response.iter_content(_CHUNK):
        total += len(chunk)
        if total > limits.max_bytes:
            raise TransferError(f"an answer over the {size_text(limits.max_bytes)} limit (reading stopped)")
        if abandoned():
            raise AbandonedError("abandoned")
        if time.monotonic() > until:
            raise TransferError(f"no complete answer within {limits.seconds:g} s")
        parts.append(chunk)
    response._content = b"".join(parts)


def fetch(
    session: requests.Session,
    url: str,
    params: dict[str, str],
    limits: Limits,
    until: float,
    abandoned: Callable[[], bool] = lambda: False,
) -> Reply:
    """GET ``url`` through ``session``, following redirects by hand, reading the body within limits.

    Runs in the exchange's own thread (see :func:`exchange`); call it directly
    only where waiting for the socket's time-outs is acceptable.

    Raises:
        TransferError: no usable answer (time-out, refused, too large, a loop).
    """
    first: requests.PreparedRequest | None = None
    query: dict[str, str] | None = params
    for _ in range(limits.max_redirects + 1):
        try:
            response = session.get(
                url, params=query, timeout=(limits.connect_timeout, limits.read_timeout),
                stream=True, allow_redirects=False,
            )
        except requests.RequestException as e:
            raise describe(e, limits) from e
        first = first or response.request
        try:
            if response.is_redirect:
                url, query = urljoin(response.url, response.headers["Location"]), None
                continue
            try:
                _read_body(response, limits, until, abandoned)
            except requests.RequestException as e:
                raise describe(e, limits) from e
            return Reply(response, first)
        finally:
            response.close()  # after a whole body the connection goes back to the pool; else it is dropped
    raise TransferError(f"more than {limits.max_redirects} redirects (a redirect loop?)")


class _Box:
    """Where the exchange's thread leaves its outcome."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.abandoned = False
        self.reply: Reply | None = None
        self.error: BaseException | None = None


def exchange(
    session: requests.Session,
    url: str,
    params: dict[str, str],
    limits: Limits,
    stop: Callable[[], bool],
    until: float | None = None,
) -> Reply:
    """:func:`fetch` in a daemon thread, waited for at most until its deadline or a stop.

    Args:
        session: the session to send through.
        url: the URL.
        params: its query parameters.
        limits: time-outs, size and redirect limits.
        stop: polled while waiting; True abandons the request.
        until: an earlier deadline than ``limits.seconds`` from now (clock time), if any.

    Raises:
        AbandonedError: ``stop()`` turned true.
        TransferError: no usable answer within the limits.
    """
    started = time.monotonic()
    deadline = started + limits.seconds
    if until is not None:
        deadline = min(deadline, until)
    box = _Box()

    def run() -> None:
        try:
            box.reply = fetch(session, url, params, limits, deadline, lambda: box.abandoned)
        except BaseException as e:  # handed to the waiting thread, which decides
            box.error = e
        finally:
            box.done.set()

    threading.Thread(target=run, name="refparse-crossref-request", daemon=True).start()
    while not box.done.wait(_POLL):
        if stop():
            box.abandoned = True
            raise AbandonedError("abandoned: the client stopped asking")
        if time.monotonic() > deadline:
            box.abandoned = True
            raise TransferError(f"no complete answer within {deadline - started:.3g} s")
    if box.error is not None:
        raise box.error
    assert box.reply is not None
    return box.reply
