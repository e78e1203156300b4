"""Stage 5 — enrich: DOIs from Crossref for citations that printed none, and checks of those that did.

:func:`enrich` searches ``/works?query.bibliographic=…`` with a query built
from the parsed fields (never the raw text, which carries page noise), judges
the candidates (:mod:`.validate`) and records the DOI with its evidence in
``Citation.match``. :func:`verify` looks a printed DOI up at ``/works/{doi}``
and warns (``doi-mismatch``) where the record disagrees with the reference.

Both keep every citation: a lookup that fails leaves the citation as it was
plus a warning, and the run goes on. Lookups run in a few daemon threads; the
shared client bounds them by Crossref's rate and concurrency limits and by
its failure budget and deadline, and a stop (Ctrl-C, SIGTERM) returns at once
with the lookups not done marked ``enrich-skipped``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import ClassVar
from urllib.parse import quote

from ..errors import CacheError, EnrichError
from ..models import Citation, Diagnostic, Match, Organization
from .fields import (
    Work,
    compare_first_author,
    compare_page,
    compare_title,
    compare_volume,
    compare_year,
    title_variants,
)
from .http import CrossrefClient, NotAskedError, NotCachedError
from .options import EnrichOptions
from .validate import choose, first_page_of, gate

#: Fields asked for in searches: what validation reads, nothing more (smaller answers, smaller cache).
SELECT = (
    "DOI,type,title,subtitle,original-title,short-title,author,editor,container-title,short-container-title,"
    "issued,published-print,published-online,volume,issue,page,article-number,publisher,update-to,relation,score"
)
MAX_QUERY_CHARS = 500


def build_query(citation: Citation) -> str | None:
    """The ``query.bibliographic`` text for a citation, from its parsed fields only.

    Authors (up to three family names), title, container, year, volume and first
    page: what identifies a work, without "doi:", "PMID", URLs, "Accessed …" or
    other noise a copied page carries.

    Returns:
        The query, or ``None`` when the citation has too little to search for.
    """
    names = [a.name if isinstance(a, Organization) else a.family for a in citation.authors[:3]]
    title = (citation.title or "").strip()
    page = first_page_of(citation)
    if len(title) < 8 and not (names and citation.container_title and (citation.volume or page)):
        return None
    parts = [*names, title, citation.container_title or "", str(citation.year or ""), citation.volume or "", page or ""]
    return " ".join(p for p in parts if p)[:MAX_QUERY_CHARS]


def needs_lookup(citation: Citation) -> bool:
    """True for a citation without a DOI that has enough fields to search for."""
    return citation.doi is None and citation.type != "webpage" and build_query(citation) is not None


def _warn(citation: Citation, code: str, message: str) -> Citation:
    note = Diagnostic(code=code, message=message, line=citation.span.start if citation.span else None)
    return citation.model_copy(update={"warnings": (*citation.warnings, note)})


#: Warning codes of a citation whose lookup was wanted but did not happen or failed.
NOT_LOOKED_UP = frozenset({"enrich-failed", "enrich-skipped"})
#: How often the waiting thread looks at the stop predicate (seconds).
_POLL = 0.05
#: After a stop, how long lookups still running get to finish before they are abandoned (seconds).
_GRACE = 0.5


def not_looked_up(citations: Iterable[Citation]) -> int:
    """How many citations were not looked up: the lookup failed, or was skipped (service down, stopped).

    The failure as data: a caller of :func:`enrich` tells "no DOI found" from
    "not asked" by this count (and each citation's warning says why).
    """
    return sum(any(w.code in NOT_LOOKED_UP for w in c.warnings) for c in citations)


def _guarded(client: CrossrefClient, citation: Citation, job: Callable[[], Citation]) -> Citation:
    """Run one lookup, turning service failures into warnings on the citation."""
    try:
        return job()
    except NotCachedError:
        return _warn(citation, "enrich-offline", "offline and no cached Crossref answer for this reference")
    except NotAskedError as e:
        return _warn(citation, "enrich-skipped", f"not looked up: {e}")
    except CacheError:
        raise
    except EnrichError as e:
        return _warn(citation, "enrich-failed", f"Crossref lookup failed: {e}")
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as e:
        # A record shaped unlike Crossref's documented JSON (a number where a
        # name belongs ...): this citation keeps its fields; the run goes on.
        return _warn(citation, "enrich-failed", f"unexpected Crossref record ({type(e).__name__}: {e})")


class _Lookups:
    """The lookups of one call, run by daemon threads and waited for by the caller's thread.

    Why not a ThreadPoolExecutor: its threads are joined when the interpreter
    exits, so a request hanging in one held a SIGTERM'd process for minutes.
    These threads are daemons; the caller stops waiting for them at a stop
    (interrupt, deadline, spent budget) and what they bring later is dropped.
    """

    def __init__(self, client: CrossrefClient, citations: list[Citation], todo: list[int],
                 lookup: Callable[[CrossrefClient, Citation], Citation]) -> None:
        self.client = client
        self.citations = citations
        self.lookup = lookup
        self.queue = deque(todo)
        self.results: dict[int, Citation] = {}
        self.error: BaseException | None = None
        self.total = len(todo)
        self.lock = threading.Lock()
        self.finished = threading.Event()

    def _work(self) -> None:
        while True:
            with self.lock:
                if not self.queue or self.error is not None:
                    return
                i = self.queue.popleft()
            c = self.citations[i]
            try:
                out = _guarded(self.client, c, partial(self.lookup, self.client, c))
            except BaseException as e:  # a cache that cannot work, or a bug: the caller raises it
                with self.lock:
                    self.error = self.error or e
                self.finished.set()
                return
            with self.lock:
                self.results[i] = out
                if len(self.results) == self.total:
                    self.finished.set()

    def run(self, should_stop: Callable[[], bool] | None) -> dict[int, Citation]:
        workers = min(self.client.options.concurrency, self.total)
        for _ in range(workers):
            threading.Thread(target=self._work, name="refparse-crossref", daemon=True).start()
        stopped_at: float | None = None
        try:
            while not self.finished.wait(_POLL):
                if should_stop is not None and should_stop():
                    self.client.abort()
                if self.client.budget.interrupted:
                    break  # answers still coming are not waited for
                if self.client.budget.stopped:
                    # A spent budget or a deadline: requests in flight are abandoned, the cache still
                    # answers the lookups queued; a thread that does not finish soon is not waited for.
                    stopped_at = stopped_at or time.monotonic()
                    if time.monotonic() - stopped_at > _GRACE:
                        break
        except BaseException:
            self.client.abort()  # Ctrl-C in a library call: the threads stop, the caller sees the interrupt
            raise
        with self.lock:
            if self.error is not None:
                raise self.error
            self.queue.clear()
            return dict(self.results)


def _run(
    citations: list[Citation],
    wanted: Callable[[Citation], bool],
    lookup: Callable[[CrossrefClient, Citation], Citation],
    options: EnrichOptions,
    client: CrossrefClient | None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Citation]:
    own = client is None
    cl = client or CrossrefClient(options)
    try:
        todo = [i for i, c in enumerate(citations) if wanted(c)]
        out = list(citations)
        if not todo:
            return out
        if should_stop is not None and should_stop():
            cl.abort()
        # Interrupted before: nothing to wait for (the batch still calls for the rest of its input).
        results = {} if cl.budget.interrupted else _Lookups(cl, citations, todo, lookup).run(should_stop)
        for i in todo:
            out[i] = results.get(i) or _warn(
                citations[i], "enrich-skipped", f"not looked up: Crossref {cl.budget.reason or 'was stopped'}"
            )
        return out
    finally:
        if own:
            cl.close()


def _search(client: CrossrefClient, citation: Citation) -> Citation:
    query = build_query(citation) or ""
    params = {"query.bibliographic": query, "rows": str(client.options.rows), "select": SELECT}
    message = client.get_message("/works", params) or {}
    items = [i for i in message.get("items") or [] if isinstance(i, dict)]
    best, assessments, ambiguous = choose(citation, items)
    if ambiguous:
        dois = ", ".join(a.doi for a in assessments if a.accepted)
        return _warn(citation, "doi-ambiguous", f"several Crossref records fit equally well ({dois}); no DOI added")
    if best is None:
        return citation
    others = [{"doi": a.doi, "reason": a.reason, "score": a.score} for a in assessments if a is not best][:4]
    evidence = {"rule": best.reason, **best.evidence, "rank": assessments.index(best) + 1, "others": others}
    match = Match(doi=best.doi, score=best.score, source="crossref", evidence=evidence)
    return citation.model_copy(update={"doi": best.doi, "match": match})


def enrich(
    citations: Iterable[Citation],
    options: EnrichOptions | None = None,
    *,
    client: CrossrefClient | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Citation]:
    """Add Crossref DOIs to citations that printed none, where the evidence is strong.

    Args:
        citations: parsed citations; those with a DOI are passed through.
        options: service, cache and politeness settings (defaults from the environment).
        client: a client to share between calls (its owner closes it); its
            failure budget and deadline span all the calls.
        should_stop: polled while lookups run; when it returns True the
            lookups in flight are abandoned and the rest skipped (an
            interrupt), and the call returns at once.

    Returns:
        The citations in the same order; a matched one carries ``doi`` and a
        ``match`` with score and evidence; one whose lookup failed carries a
        warning (``enrich-failed``, ``enrich-offline``, ``enrich-skipped``,
        ``doi-ambiguous``): :func:`not_looked_up` counts those never looked
        up, so "no DOI found" and "not asked" stay apart. A service that
        cannot be reached or keeps failing stops being asked after a few
        failures, with one warning on the ``refparse.enrich`` logger (which
        Python prints on stderr when nothing else is configured). A cache
        file that fails is rebuilt or bypassed with a warning on the same
        logger, never an error.
    """
    opts = options or EnrichOptions()
    return _run(list(citations), needs_lookup, _search, opts, client, should_stop)


def _disagreements(citation: Citation, item: Work) -> list[str]:
    """Human phrases for each field where the Crossref record contradicts the reference."""
    out = []
    if compare_year(citation.year, item) == "conflict":
        issued = (item.get("issued") or {}).get("date-parts", [[None]])[0][0]
        out.append(f"year {citation.year} (Crossref: {issued})")
    if compare_volume(citation.volume, item.get("volume")) == "conflict":
        out.append(f"volume {citation.volume} (Crossref: {item.get('volume')})")
    if compare_page(first_page_of(citation), item) == "conflict":
        out.append(f"first page {first_page_of(citation)} (Crossref: {item.get('page') or item.get('article-number')})")
    verdict, sim, _ = compare_title(citation.title, title_variants(item))
    if verdict == "conflict":
        titles = item.get("title") or ["?"]
        out.append(f"title (similarity {sim:.2f} to Crossref's {titles[0]!r})")
    first = citation.authors[0] if citation.authors else None
    if compare_first_author(first, item.get("author") or []) == "conflict":
        out.append("first author")
    return out


def _check(client: CrossrefClient, citation: Citation) -> Citation:
    doi = citation.doi or ""
    item = client.get_message("/works/" + quote(doi, safe="/"))
    if item is None:
        return _warn(citation, "doi-unknown", f"Crossref has no record of DOI {doi}")
    problems = _disagreements(citation, item)
    rejected = gate(citation, item)
    if rejected:
        problems.append(f"the DOI is not the work itself: {rejected}")
    retracted = [u.get("DOI") for u in item.get("updated-by") or [] if "retract" in str(u.get("type", "")).lower()]
    out = citation
    if retracted:
        out = _warn(out, "doi-retracted", f"Crossref records a retraction of {doi} ({', '.join(map(str, retracted))})")
    if problems:
        out = _warn(out, "doi-mismatch", f"Crossref's record for {doi} disagrees: " + "; ".join(problems))
    evidence = {"mode": "verify", "type": item.get("type"), "disagreements": problems}
    score = 0.0 if problems else 1.0
    return out.model_copy(update={"match": Match(doi=doi, score=score, source="crossref", evidence=evidence)})


def verify(
    citations: Iterable[Citation],
    options: EnrichOptions | None = None,
    *,
    client: CrossrefClient | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Citation]:
    """Check printed DOIs against Crossref and warn where the record disagrees.

    A printed DOI is never replaced: the reference is what the author wrote,
    and the warning tells the user which of the two to doubt.

    Args:
        citations: parsed citations; those without a DOI are passed through.
        options: service, cache and politeness settings.
        client: a client to share between calls (its owner closes it).
        should_stop: as for :func:`enrich`.

    Returns:
        The citations in order; each checked one carries a ``match`` with
        ``evidence["mode"] == "verify"`` and, where Crossref disagrees, a
        ``doi-mismatch`` warning naming the fields (``doi-unknown`` when the DOI
        is not registered, ``doi-retracted`` when the work was retracted).
    """
    opts = options or EnrichOptions()
    return _run(list(citations), lambda c: c.doi is not None, _check, opts, client, should_stop)


@dataclass
class Enricher:
    """The batch converter's enrich step: check printed DOIs, then look up missing ones.

    A callable on a list of citations (what :class:`refparse.batch.BatchOptions`
    takes as ``enrich``), sharing one client — its cache, its rate limit and
    its failure budget — across the chunks and inputs of a run. It pickles
    without its client, which is made again on first use in a worker
    process; but each process would then have its own rate limit and budget,
    so the batch runs Crossref lookups in one process whatever ``jobs`` says:
    the rate limit, not parsing, bounds such a run.

    Attributes:
        options: service, cache and politeness settings.
        lookup: add DOIs where none was printed (``--enrich``).
        check: verify printed DOIs (``--verify``).
        stoppable: the batch passes its stop predicate as a second argument.
    """

    options: EnrichOptions
    lookup: bool = True
    check: bool = False
    _client: CrossrefClient | None = field(default=None, init=False, repr=False, compare=False)
    stoppable: ClassVar[bool] = True

    @property
    def client(self) -> CrossrefClient:
        """The shared client (made on first use)."""
        if self._client is None:
            self._client = CrossrefClient(self.options)
        return self._client

    def __call__(self, citations: list[Citation], should_stop: Callable[[], bool] | None = None) -> list[Citation]:
        out = citations
        if self.check:
            out = verify(out, self.options, client=self.client, should_stop=should_stop)
        if self.lookup:
            out = enrich(out, self.options, client=self.client, should_stop=should_stop)
        return out

    def close(self) -> None:
        """Close the client (its connections and cache handle), if one was made."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __getstate__(self) -> dict[str, object]:
        return {"options": self.options, "lookup": self.lookup, "check": self.check, "_client": None}
