"""Finding DOIs for a document in the background, through the enrich stage and its cache.

The search is :func:`refparse.enrich.enrich` itself, fed a few references at a
time so the page can show progress between them; one Crossref client (one
rate limit, one cache) serves the whole run. A DOI found is merged into the
reference as it is now, so an edit made while the search runs is kept; a
DOI the user typed is never replaced.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from ..enrich import CrossrefClient, EnrichOptions, enrich
from ..enrich.stage import needs_lookup
from ..errors import RefparseError
from ..models import Citation
from .store import Document, Entry

#: Warning codes a failed lookup leaves.
FAILED = frozenset({"enrich-failed", "enrich-offline", "enrich-skipped"})


@dataclass
class DoiJob:
    """The state of one DOI search, read by the progress fragment.

    Attributes:
        total: references looked up (those without a DOI and with enough fields).
        done: references looked up so far.
        found: DOIs added.
        failed: lookups that failed (each reference says why in a warning).
        ambiguous: references several records fitted equally (no DOI added).
        state: ``running``, ``done``, ``stopped`` or ``failed``.
        stop: set to stop the search before its next references.
        error: why the search stopped, when it failed.
        changed: indices of the entries the search changed.
    """

    total: int
    done: int = 0
    found: int = 0
    failed: int = 0
    ambiguous: int = 0
    state: str = "running"
    error: str | None = None
    stop: bool = False
    changed: set[int] = field(default_factory=set)


def start(doc: Document, options: EnrichOptions) -> DoiJob:
    """Start a search for the document's references without a DOI (or return the running one)."""
    with doc.lock:
        job = doc.doi_job
        if isinstance(job, DoiJob) and job.state == "running":
            return job
        todo = [e for e in doc.entries if needs_lookup(e.current)]
        job = DoiJob(total=len(todo))
        doc.doi_job = job
    threading.Thread(target=run, args=(doc, job, todo, options), name="refparse-dois", daemon=True).start()
    return job


def run(doc: Document, job: DoiJob, todo: list[Entry], options: EnrichOptions) -> None:
    """Look the entries up, a few at a time, merging what is found (the thread's body)."""
    step = max(options.concurrency * 2, 1)
    client = CrossrefClient(options)
    try:
        for at in range(0, len(todo), step):
            if job.stop:
                job.state = "stopped"
                return
            chunk = todo[at: at + step]
            before = [e.current for e in chunk]
            after = enrich(before, options, client=client)
            with doc.lock:
                for entry, old, new in zip(chunk, before, after, strict=True):
                    _merge(job, entry, old, new)
                job.done += len(chunk)
        job.state = "done"
    except RefparseError as e:
        job.state, job.error = "failed", str(e)
    except Exception as e:  # the page must say the search stopped, whatever stopped it
        job.state, job.error = "failed", f"internal error ({type(e).__name__}); please report it"
        if os.environ.get("REFPARSE_DEBUG") == "1":
            raise
    finally:
        client.close()


def _merge(job: DoiJob, entry: Entry, old: Citation, new: Citation) -> None:
    """Put what the search added (DOI, its evidence, warnings) into the entry as it is now."""
    added = new.warnings[len(old.warnings):]
    found = new.doi if new.doi and new.match and not old.doi else None
    codes = {w.code for w in added}
    job.failed += bool(codes & FAILED)
    job.ambiguous += "doi-ambiguous" in codes
    if found is None and not added:
        return

    def merged(c: Citation) -> Citation:
        update: dict[str, object] = {"warnings": (*c.warnings, *added)}
        if found and c.doi is None:  # a DOI the user typed meanwhile is kept
            update.update(doi=found, match=new.match)
        return c.model_copy(update=update)

    same = entry.current is entry.baseline
    entry.baseline = merged(entry.baseline)
    entry.current = entry.baseline if same else merged(entry.current)
    job.found += bool(found and entry.current.doi == found)
    job.changed.add(entry.index)
