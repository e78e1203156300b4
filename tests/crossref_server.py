"""A loopback Crossref: a real HTTP server on 127.0.0.1 that answers in Crossref's JSON shapes.

It serves ``GET /works?query.bibliographic=…`` (BM25 relevance over the
records it holds, with ``rows``, ``offset``, ``select`` and a ``score`` per
item, as the real API), ``GET /works?filter=updates:{DOI}`` (the notices whose
``update-to`` points at a DOI; the same filter given twice is an OR, as in the
real API), ``GET /works/{doi}`` and ``GET /works/{doi}/agency`` (which
registration agency holds a DOI), rejects parameters the real routes reject
(``400 validation-failure``), counts every request, and injects faults on
demand: 429/503 storms with ``Retry-After``, answers slower than the client's
timeout (all of them, or only those whose request matches a pattern),
malformed JSON. Records are served as stored, so a test decides whether a
retracted work carries ``updated-by`` or only a notice with ``update-to``
tells. Response shapes follow the recorded answers in
``shared/crossref-samples/``.

The benchmark in ``benchmarks/doi_matching/`` imports it too, so the test
figures and the benchmark figures come from the same server.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, unquote_plus, urlsplit

#: Parameters the real ``/works`` route accepts (a subset; others get a 400 like Crossref's).
WORKS_PARAMS = frozenset(
    {"query", "query.bibliographic", "query.author", "query.title", "query.container-title", "rows", "offset",
     "select", "filter", "mailto", "sort", "order", "cursor", "sample"}
)
#: Filters of ``/works`` the server implements; the real API rejects unknown names with a 400.
FILTERS = frozenset({"updates", "is-update"})
#: Elements the real API lets ``select`` name (the ones a matcher may need).
SELECTABLE = frozenset(
    ["DOI", "type", "title", "subtitle", "original-title", "short-title", "author", "editor", "container-title", "short-container-title", "issued", "published-print", "published-online", "published", "volume", "issue", "page", "article-number", "update-to", "updated-by", "relation", "score", "publisher", "ISSN", "issn-type", "ISBN", "URL", "member", "prefix", "abstract", "created", "deposited", "indexed", "subject", "reference-count", "is-referenced-by-count", "link", "license", "funder", "alternative-id"]
)
_WORD = re.compile(r"[0-9a-z]+")


def tokens(text: str) -> list[str]:
    """Lower-case ASCII word tokens (accents stripped), as a search engine indexes them."""
    text = unicodedata.normalize("NFKD", re.sub(r"<[^>]+>", " ", text))
    return _WORD.findall("".join(c for c in text if not unicodedata.combining(c)).casefold())


def _strings(value: Any) -> list[str]:
    """Every string inside a JSON value: the index serves oddly shaped records too."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if value not in (None, "") else []


def _record_text(r: dict[str, Any]) -> str:
    keys = ("title", "subtitle", "container-title", "short-container-title", "volume", "issue", "article-number")
    parts = [s for key in keys for s in _strings(r.get(key))]
    authors = r.get("author")
    for a in authors if isinstance(authors, list) else [authors]:
        parts += _strings([a.get(k) for k in ("family", "given", "name")] if isinstance(a, dict) else a)
    for key in ("issued", "published-print", "published-online"):
        dp = r.get(key)
        dp = dp.get("date-parts") if isinstance(dp, dict) else None
        parts += [str(dp[0][0])] if isinstance(dp, list) and dp and isinstance(dp[0], list) and dp[0] else []
    parts.append(str(r.get("page", "")).split("-")[0])
    return " ".join(p for p in parts if p)


class SearchIndex:
    """BM25 over the records' bibliographic text (title, authors, container, year, volume, page).

    Why BM25: Crossref's ``query.bibliographic`` is a relevance search, so the
    right record is usually, not always, first, and similar records rank
    near it — which is what a matcher has to cope with.
    """

    def __init__(self, records: Iterable[dict[str, Any]], k1: float = 1.2, b: float = 0.75) -> None:
        self.records = list(records)
        lengths = []
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, r in enumerate(self.records):
            counts = Counter(tokens(_record_text(r)))
            lengths.append(sum(counts.values()))
            for t, n in counts.items():
                postings[t].append((i, n))
        avg = (sum(lengths) / len(lengths)) if lengths else 1.0
        n_docs = max(len(self.records), 1)
        self._postings: dict[str, tuple[float, list[tuple[int, float]]]] = {}
        for t, plist in postings.items():
            idf = math.log(1 + (n_docs - len(plist) + 0.5) / (len(plist) + 0.5))
            weighted = [(i, tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[i] / avg))) for i, tf in plist]
            self._postings[t] = (idf, weighted)

    def search(self, query: str, rows: int) -> tuple[int, list[tuple[float, dict[str, Any]]]]:
        """The ``rows`` best records for ``query`` with their scores, and the number of hits."""
        scores: dict[int, float] = defaultdict(float)
        for t, q in Counter(tokens(query)).items():
            entry = self._postings.get(t)
            if entry is None:
                continue
            idf, plist = entry
            for i, w in plist:
                scores[i] += q * idf * w
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:rows]
        return len(scores), [(round(s, 4), self.records[i]) for i, s in best]


@dataclass
class Faults:
    """What the server does wrong, and how often.

    Attributes:
        fail_first: per distinct request (path and query, ``mailto`` ignored),
            the first N attempts get an error status from ``statuses`` in turn.
        statuses: the error statuses a storm hands out.
        retry_after: the ``Retry-After`` value sent with them (``None``: none).
        delay: seconds to wait before answering anything (a slow service).
        malformed_first: per distinct request, the first N ``200`` answers are
            truncated JSON.
        rate_headers: ``(X-Rate-Limit-Limit, X-Rate-Limit-Interval)`` sent on
            every answer, or ``None``.
        delay_only: a regular expression; when set, ``delay`` applies only to
            requests whose decoded path and query (``/works/10.1/x``,
            ``/works?filter=updates:…``) it finds, ignoring case, so one
            lookup can time out while the others answer.
    """

    fail_first: int = 0
    statuses: tuple[int, ...] = (429, 503)
    retry_after: str | None = "0"
    delay: float = 0.0
    malformed_first: int = 0
    rate_headers: tuple[str, str] | None = ("1000", "1s")
    delay_only: str | None = None


@dataclass
class Logged:
    """One request the server saw."""

    path: str
    params: dict[str, str]
    user_agent: str
    status: int = 0
    at: float = field(default_factory=time.monotonic)


def _decorate(r: dict[str, Any], score: float | None) -> dict[str, Any]:
    """A stored record in the full shape of a real answer (fields the samples carry)."""
    doi = r["DOI"]
    out = {
        "indexed": {"date-parts": [[2026, 6, 1]], "date-time": "2026-06-01T00:00:00Z", "timestamp": 1780272000000},
        "reference-count": 0,
        "publisher": r.get("publisher", "Loopback Publishing"),
        "content-domain": {"domain": [], "crossmark-restriction": False},
        "source": "Crossref",
        "is-referenced-by-count": 0,
        "prefix": doi.split("/", 1)[0],
        "member": "0000",
        "URL": f"https://doi.org/{doi}",
        "relation": {},
        "subtitle": [],
        "short-title": [],
        "original-title": [],
        "container-title": [],
        "title": [],
        **r,
    }
    if score is not None:
        out["score"] = score
    return out


class CrossrefStub:
    """The server: holds records, answers like Crossref, logs requests, injects faults.

    Use as a context manager; ``url`` is the base URL to give the client.

    Args:
        records: Crossref work records (``DOI``, ``type``, ``title`` …), or an
            index built from them (to share one between servers).
        faults: what to do wrong (nothing by default).
    """

    def __init__(
        self,
        records: Iterable[dict[str, Any]] | SearchIndex,
        faults: Faults | None = None,
        agencies: dict[str, str] | None = None,
    ) -> None:
        self.index = records if isinstance(records, SearchIndex) else SearchIndex(records)
        self.by_doi = {r["DOI"].lower(): r for r in self.index.records}
        #: DOIs registered with another agency (``{"10.5061/dryad.x": "datacite"}``): ``/works/{doi}``
        #: answers 404 for them, as Crossref does, and ``/works/{doi}/agency`` names the agency.
        self.agencies = {k.lower(): v for k, v in (agencies or {}).items()}
        self.notices: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in self.index.records:
            updates = r.get("update-to")
            for update in updates if isinstance(updates, list) else []:
                if isinstance(update, dict) and update.get("DOI"):
                    self.notices[str(update["DOI"]).lower()].append(r)
        self.faults = faults or Faults()
        self.log: list[Logged] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._attempts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> str:
        """Listen on a random free port of 127.0.0.1 and return the base URL."""
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # one answer is two writes; no 40 ms ACK waits

            def do_GET(self) -> None:
                stub._handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop listening and join the server thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> CrossrefStub:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL (``http://127.0.0.1:PORT``)."""
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def count(self) -> int:
        """Requests received so far."""
        with self._lock:
            return len(self.log)

    def reset(self, faults: Faults | None = None) -> None:
        """Forget the log and the per-request attempt counts; optionally change the faults."""
        with self._lock:
            self.log.clear()
            self._attempts.clear()
            self.max_in_flight = 0
            if faults is not None:
                self.faults = faults

    # ----------------------------------------------------------------- answering
    def _send(self, h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str, extra: dict[str, str]) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        if self.faults.rate_headers:
            h.send_header("X-Rate-Limit-Limit", self.faults.rate_headers[0])
            h.send_header("X-Rate-Limit-Interval", self.faults.rate_headers[1])
        for k, v in extra.items():
            h.send_header(k, v)
        h.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            h.wfile.write(body)

    def _json(self, h: BaseHTTPRequestHandler, status: int, payload: Any, key: str, logged: Logged) -> None:
        body = json.dumps(payload).encode()
        if status == 200:
            with self._lock:
                self._attempts["malformed:" + key] += 1
                bad = self._attempts["malformed:" + key] <= self.faults.malformed_first
            if bad:
                body = body[: max(len(body) // 2, 1)]
        logged.status = status
        self._send(h, status, body, "application/json;charset=utf-8", {})

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self._answer(h)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        path = unquote(parts.path)
        logged = Logged(path, params, h.headers.get("User-Agent", ""))
        key = path + "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "mailto")
        with self._lock:
            self.log.append(logged)
            self._attempts[key] += 1
            attempt = self._attempts[key]
        wanted = self.faults.delay_only
        if self.faults.delay and (wanted is None or re.search(wanted, unquote_plus(h.path), re.IGNORECASE)):
            time.sleep(self.faults.delay)
        if attempt <= self.faults.fail_first:
            status = self.faults.statuses[(attempt - 1) % len(self.faults.statuses)]
            extra = {"Retry-After": self.faults.retry_after} if self.faults.retry_after is not None else {}
            logged.status = status
            self._send(h, status, b"Too many requests or service unavailable", "text/plain", extra)
            return
        if path == "/works":
            self._works(h, params, key, logged)
        elif path.startswith("/works/") and path.endswith("/agency"):
            self._agency(h, path[len("/works/"):-len("/agency")], key, logged)
        elif path.startswith("/works/"):
            self._work(h, path[len("/works/"):], params, key, logged)
        else:
            logged.status = 404
            self._send(h, 404, b"Resource not found.", "text/plain", {})

    @staticmethod
    def _failure(kind: str, value: str, message: str) -> dict[str, Any]:
        return {"status": "failed", "message-type": "validation-failure",
                "message": [{"type": kind, "value": value, "message": message}]}

    def _works(self, h: BaseHTTPRequestHandler, params: dict[str, str], key: str, logged: Logged) -> None:
        unknown = sorted(set(params) - WORKS_PARAMS)
        if unknown:
            body = self._failure("parameter-not-allowed", unknown[0], f"Parameter {unknown[0]} specified but there is no such parameter available on this route")
            return self._json(h, 400, body, key, logged)
        select = [s for s in params.get("select", "").split(",") if s]
        bad = [s for s in select if s not in SELECTABLE]
        if bad:
            return self._json(h, 400, self._failure("select-not-valid", bad[0], "Invalid select element"), key, logged)
        try:
            rows = int(params.get("rows", "20"))
        except ValueError:
            rows = -1
        if not 0 <= rows <= 1000:
            return self._json(h, 400, self._failure("integer-not-valid", params.get("rows", ""), "Integer specified as rows must be a positive integer less than or equal to 1000."), key, logged)
        try:
            offset = int(params.get("offset", "0"))
        except ValueError:
            offset = -1
        if offset < 0:
            return self._json(h, 400, self._failure("integer-not-valid", params.get("offset", ""), "Integer specified as offset must be a positive integer."), key, logged)
        query = " ".join(v for k, v in params.items() if k.startswith("query"))
        filters: dict[str, set[str]] = defaultdict(set)
        for part in (p for p in params.get("filter", "").split(",") if p):
            name, _, value = part.partition(":")
            if name not in FILTERS or not value:
                return self._json(h, 400, self._failure("filter-not-available", name, f"Filter {name} specified but there is no such filter for this route. Valid filters for this route are: ..."), key, logged)
            filters[name].add(value.lower())
        if filters:
            hits = self._filtered(filters, query)
            total, hits = len(hits), hits[offset: offset + rows]
        else:
            total, hits = self.index.search(query, offset + rows)
            hits = hits[offset:]
        items = []
        for score, record in hits:
            item = _decorate(record, score)
            if select:
                item = {k: v for k, v in item.items() if k in select}
            items.append(item)
        message = {"facets": {}, "total-results": total, "items": items, "items-per-page": rows,
                   "query": {"start-index": 0, "search-terms": query or None}}
        self._json(h, 200, {"status": "ok", "message-type": "work-list", "message-version": "1.0.0", "message": message}, key, logged)

    def _filtered(self, filters: dict[str, set[str]], query: str) -> list[tuple[float, dict[str, Any]]]:
        """Records passing every filter (values of one filter ORed), in a stable order."""
        if "updates" in filters:
            found = {id(r): r for doi in sorted(filters["updates"]) for r in self.notices.get(doi, [])}
            records = list(found.values())
        else:
            records = list(self.index.records)
        if "is-update" in filters:
            wanted = "true" in filters["is-update"]
            records = [r for r in records if bool(r.get("update-to")) == wanted]
        if query:
            words = set(tokens(query))
            records = [r for r in records if words & set(tokens(_record_text(r)))]
        return [(1.0, r) for r in sorted(records, key=lambda r: str(r["DOI"]).lower())]

    def _agency(self, h: BaseHTTPRequestHandler, doi: str, key: str, logged: Logged) -> None:
        agency = "crossref" if doi.lower() in self.by_doi else self.agencies.get(doi.lower())
        if agency is None:
            logged.status = 404
            return self._send(h, 404, b"Resource not found.", "text/plain", {})
        labels = {"crossref": "Crossref", "datacite": "DataCite", "medra": "mEDRA", "jalc": "JaLC"}
        message = {"DOI": doi.lower(), "agency": {"id": agency, "label": labels.get(agency, agency)}}
        payload = {"status": "ok", "message-type": "work-agency", "message-version": "1.0.0", "message": message}
        self._json(h, 200, payload, key, logged)

    def _work(self, h: BaseHTTPRequestHandler, doi: str, params: dict[str, str], key: str, logged: Logged) -> None:
        if set(params) - {"mailto"}:
            body = self._failure("parameter-not-allowed", "query.*", "This route does not support field query parameters")
            return self._json(h, 400, body, key, logged)
        record = self.by_doi.get(doi.lower())
        if record is None:
            logged.status = 404
            return self._send(h, 404, b"Resource not found.", "text/plain", {})
        payload = {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": _decorate(record, 1)}
        self._json(h, 200, payload, key, logged)
