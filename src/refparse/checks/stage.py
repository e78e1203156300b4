"""Check references against Crossref: match, compare, flag — over one polite, cached client.

For each citation :func:`check`

1. **matches** it: a printed DOI is looked up (``/works/{doi}``; when Crossref
   has no record, ``/works/{doi}/agency`` tells a DOI of another agency from
   one that does not exist); without a DOI the enrichment's search
   (``query.bibliographic``) is asked and the work identified among the
   candidates (:mod:`.match`);
2. **looks for notices**: ``/works?filter=updates:{DOI},updates:{DOI}…`` for
   the cited works, ten DOIs a request (the same filter given twice is an OR);
3. **compares** printed and registry fields (:mod:`.compare`) and gathers
   the flags (:mod:`.flags`) into a :class:`~.models.CheckResult`.

Every answer goes through the client's cache, so a second check of the same
list asks Crossref nothing. A lookup that fails makes its reference
``unknown`` — never ``verified`` — and the run goes on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import quote

from ..enrich import CrossrefClient, EnrichOptions, NotCachedError
from ..enrich.fields import Work
from ..enrich.ratelimit import Breaker
from ..enrich.stage import SELECT, build_query
from ..errors import CacheError, EnrichError
from ..models import Citation
from . import flags as flagging
from .compare import JournalNames, compare
from .match import Identified, identify, same_work, summarize
from .models import CheckResult, CheckStatus, FieldDifference, Flag

#: What a check reads of a search candidate: the enrichment's fields plus notices and ISSNs.
CHECK_SELECT = SELECT + ",updated-by,ISSN,issn-type"
#: What a check reads of a notice.
NOTICE_SELECT = "DOI,type,title,update-to,issued"
#: DOIs asked about in one ``filter=updates:…`` request, and notices read per page.
NOTICE_BATCH = 10
NOTICE_ROWS = 100
#: Pages of notices read for one batch at most (a work with hundreds of corrections is not a case).
NOTICE_PAGES = 5


@dataclass(frozen=True)
class CheckOptions:
    """How :func:`check` works.

    Attributes:
        crossref: service, cache and politeness settings (as for enrichment).
        notices: look for notices pointing at each cited work
            (``filter=updates:``); without it only the record's own
            ``updated-by`` and a ``RETRACTED:`` title raise flags.
        suggest: when a printed DOI is not registered or is another work's,
            search for the cited work and name its DOI.
    """

    crossref: EnrichOptions = field(default_factory=EnrichOptions)
    notices: bool = True
    suggest: bool = True


@dataclass
class _Found:
    """What the lookups found for one citation, before comparing."""

    status: CheckStatus | None = None
    message: str = ""
    item: Work | None = None
    how: str | None = None
    score: float | None = None
    other: Work | None = None
    suggestion: Identified | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def cited(self) -> Work | None:
        """The record of the cited work: the match, else the suggestion."""
        return self.item if self.item is not None else (self.suggestion.item if self.suggestion else None)


def _unknown(message: str) -> _Found:
    return _Found(status="unknown", message="not checked: " + message)


def _guarded(breaker: Breaker, job: Callable[[], _Found]) -> _Found:
    """Run one lookup; a failure of the service makes the reference ``unknown``."""
    if breaker.open:
        return _unknown(f"Crossref lookups stopped after {breaker.limit} consecutive failures")
    try:
        found = job()
    except NotCachedError:
        return _unknown("offline, and the cache holds no answer for this reference")
    except CacheError:
        raise
    except EnrichError as e:
        breaker.record(ok=False)
        return _unknown(f"the Crossref lookup failed ({e})")
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as e:
        return _unknown(f"unexpected Crossref record ({type(e).__name__}: {e})")
    breaker.record(ok=True)
    return found


def _search(client: CrossrefClient, citation: Citation) -> list[Work]:
    query = build_query(citation) or ""
    params = {"query.bibliographic": query, "rows": str(client.options.rows), "select": CHECK_SELECT}
    message = client.get_message("/works", params) or {}
    return [i for i in message.get("items") or [] if isinstance(i, dict)]


def _suggest(client: CrossrefClient, citation: Citation, options: CheckOptions, doi: str) -> Identified | None:
    if not options.suggest or build_query(citation) is None:
        return None
    found = identify(citation, _search(client, citation))
    return found if found is not None and str(found.item.get("DOI") or "").lower() != doi.lower() else None


def _agency(client: CrossrefClient, doi: str) -> str | None:
    message = client.get_message("/works/" + quote(doi, safe="/") + "/agency")
    agency = (message or {}).get("agency")
    return str(agency.get("label") or agency.get("id")) if isinstance(agency, dict) else None


def _by_doi(client: CrossrefClient, citation: Citation, options: CheckOptions) -> _Found:
    doi = citation.doi or ""
    item = client.get_message("/works/" + quote(doi, safe="/"))
    if item is None:
        agency = _agency(client, doi)
        if agency is not None and agency.lower() != "crossref":
            return _unknown(f"DOI {doi} is registered with {agency}, not Crossref")
        if agency is not None:
            return _unknown(f"Crossref knows DOI {doi} but serves no record for it")
        suggestion = _suggest(client, citation, options, doi)
        return _Found(status="doi-invalid", message=f"DOI {doi} is not registered: it does not resolve",
                      suggestion=suggestion)
    why = same_work(citation, item)
    if why is None:
        return _Found(item=item, how="doi")
    suggestion = _suggest(client, citation, options, doi)
    message = f"DOI {doi} is another work: {summarize(item).cite()}; {why}"
    return _Found(status="doi-mismatch", message=message, other=item, suggestion=suggestion)


def _find(client: CrossrefClient, citation: Citation, options: CheckOptions) -> _Found:
    if citation.doi:
        return _by_doi(client, citation, options)
    if citation.type == "webpage":
        return _unknown("a web page, which Crossref does not register")
    if build_query(citation) is None:
        return _unknown("too little printed to search Crossref for")
    found = identify(citation, _search(client, citation))
    if found is None:
        return _Found(status="not-found", message="not found in Crossref: no record fits the printed title, "
                      "authors and source")
    if found.rivals:
        # Two records fit about equally well (a duplicate deposit, or two works alike): which one
        # the reference means cannot be told, so nothing is claimed about it.
        dois = ", ".join([str(found.item.get("DOI") or ""), *found.rivals])
        return _unknown(f"several Crossref records fit about equally well ({dois})")
    return _Found(item=found.item, how="search", score=found.score, notes=[f"identified by {found.rule}"])


def _notices(client: CrossrefClient, dois: list[str]) -> dict[str, list[Work]]:
    """Notices pointing at any of ``dois`` (lower-case), by the DOI they update."""
    wanted = set(dois)
    found: dict[str, list[Work]] = defaultdict(list)
    query = ",".join(f"updates:{d}" for d in dois)
    offset = 0
    for _ in range(NOTICE_PAGES):
        params = {"filter": query, "rows": str(NOTICE_ROWS), "select": NOTICE_SELECT}
        if offset:
            params["offset"] = str(offset)
        message = client.get_message("/works", params) or {}
        items = [i for i in message.get("items") or [] if isinstance(i, dict)]
        for item in items:
            for entry in flagging.entries(item.get("update-to")):
                target = str(entry.get("DOI") or "").lower()
                if target in wanted and item not in found[target]:
                    found[target].append(item)
        offset += len(items)
        if not items or offset >= int(message.get("total-results") or 0):
            break
    return found


def _notice_batches(dois: Iterable[str]) -> list[list[str]]:
    # A comma would end the filter value early: such DOIs (rare, old SICI forms) are asked alone.
    plain = sorted({d for d in dois if "," not in d})
    return [plain[i:i + NOTICE_BATCH] for i in range(0, len(plain), NOTICE_BATCH)]


def _describe(d: FieldDifference) -> str:
    if d.field == "title":
        return f"title ({d.note}) — Crossref: {d.registry!r}"
    return f"{d.field} {d.printed} (Crossref: {d.registry})"


def _describe_flag(f: Flag) -> str:
    bits = [b for b in (f.label or f.kind, f.notice, f.date, f.source) if b]
    return f"{f.kind}: " + ", ".join(bits[1:] if bits[0] == f.kind else bits)


def _result(
    citation: Citation,
    found: _Found,
    notices: dict[str, list[Work]],
    failed_notices: dict[str, str],
    journals: JournalNames,
) -> CheckResult:
    base: dict[str, Any] = {
        "number": citation.number, "list_number": citation.list_number,
        "line": citation.span.start if citation.span else None, "title": citation.title,
        "printed_doi": citation.doi,
    }
    cited = found.cited
    cited_doi = str(cited.get("DOI") or "").lower() if cited is not None else None
    flags = flagging.from_title(citation.title)
    if cited is not None and cited_doi:
        flags += flagging.from_record(cited) + flagging.from_notices(cited_doi, notices.get(cited_doi, []))
    merged = flagging.merge(flags)
    notes = list(found.notes)
    if cited_doi and cited_doi in failed_notices:
        notes.append(f"notices pointing at {cited_doi} could not be looked up ({failed_notices[cited_doi]})")
    elif cited_doi and "," in cited_doi:
        notes.append("a DOI with a comma cannot be asked for notices; only the record's own updated-by was read")
    suggestion = summarize(found.suggestion.item) if found.suggestion else None
    if found.status is not None:
        message = found.message
        if suggestion is not None:
            message += f"; the search finds the cited work as {suggestion.cite()}"
        return CheckResult(**base, status=found.status, message=_with_flags(message, merged),
                           doi=suggestion.doi if suggestion else None, record=summarize(found.other)
                           if found.other is not None else None, suggestion=suggestion, flags=merged,
                           notes=tuple(notes))
    assert found.item is not None
    differences, compared = compare(citation, found.item, journals)
    notes += compared
    record = summarize(found.item)
    status: CheckStatus = "mismatch" if differences else "verified"
    if differences:
        message = f"differs from Crossref's record {record.doi}: " + "; ".join(map(_describe, differences))
    else:
        message = f"matches Crossref's record {record.doi}"
    if status == "verified" and cited_doi in failed_notices:
        status = "unknown"
        message = f"not fully checked: the fields match Crossref's record {record.doi}, but notices of " \
                  f"retraction or correction could not be looked up ({failed_notices[cited_doi or '']})"
    return CheckResult(**base, status=status, message=_with_flags(message, merged), doi=record.doi,
                       matched_by="doi" if found.how == "doi" else "search", score=found.score,
                       differences=tuple(differences), flags=merged, record=record, notes=tuple(notes))


def _with_flags(message: str, flags: Sequence[Flag]) -> str:
    return message + "".join(f"; {_describe_flag(f)}" for f in flags)


def _safe_result(
    citation: Citation, found: _Found, notices: dict[str, list[Work]], failed: dict[str, str], journals: JournalNames
) -> CheckResult:
    try:
        return _result(citation, found, notices, failed, journals)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as e:
        odd = _unknown(f"unexpected Crossref record ({type(e).__name__}: {e})")
        return _result(citation, odd, {}, {}, journals)


def check(
    citations: Iterable[Citation],
    options: CheckOptions | EnrichOptions | None = None,
    *,
    client: CrossrefClient | None = None,
) -> list[CheckResult]:
    """Check each citation against Crossref: its status, the differing fields, its flags.

    Args:
        citations: parsed references (printed DOIs are looked up, others searched).
        options: :class:`CheckOptions`, or just the Crossref settings
            (:class:`~refparse.enrich.EnrichOptions`); defaults from the environment.
        client: a client to share between calls (its owner closes it).

    Returns:
        One :class:`~refparse.checks.models.CheckResult` per citation, in order.
        A lookup that fails gives ``unknown`` with the reason; nothing raises
        but an unusable cache (:class:`~refparse.errors.CacheError`).
    """
    opts = options if isinstance(options, CheckOptions) else CheckOptions(options or EnrichOptions())
    items = list(citations)
    own = client is None
    cl = client or CrossrefClient(opts.crossref)
    breaker = Breaker(opts.crossref.give_up_after)
    try:
        pool = ThreadPoolExecutor(max_workers=opts.crossref.concurrency, thread_name_prefix="refparse-check")
        try:
            futures = [pool.submit(_guarded, breaker, partial(_find, cl, c, opts)) for c in items]
            founds = [f.result() for f in futures]
            notices: dict[str, list[Work]] = {}
            failed: dict[str, str] = {}
            if opts.notices:
                cited = [str(f.cited.get("DOI") or "").lower() for f in founds if f.cited is not None]
                batches = _notice_batches(d for d in cited if d)
                jobs = [(batch, pool.submit(_notices, cl, batch)) for batch in batches]
                for batch, job in jobs:
                    try:
                        notices.update(job.result())
                    except CacheError:
                        raise
                    except (EnrichError, TypeError, ValueError, KeyError, AttributeError) as e:
                        reason = "offline, not in the cache" if isinstance(e, NotCachedError) else str(e)
                        failed.update(dict.fromkeys(batch, reason))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        if own:
            cl.close()
    journals = JournalNames().learn((c, f.item) for c, f in zip(items, founds, strict=True) if f.item is not None)
    return [_safe_result(c, f, notices, failed, journals) for c, f in zip(items, founds, strict=True)]
