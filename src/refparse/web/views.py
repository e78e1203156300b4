"""The review page's routes: paste, review, edit, mark, read again, download.

Views are thin: they read the request, call :mod:`refparse.web.service` (the
code path the JSON API uses too) or change the document, and render a
template. Fragments answer htmx requests (one reference row, its edit form,
the counts); whole pages answer plain navigation, so paste, upload, paging
and downloads work with scripts off.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from ..detect import format_names
from ..errors import OptionError, RefparseError
from . import dois, service
from .app import render
from .editing import MAIN_FIELDS, ROLES, EditError, apply_op, build, choice_fields, draft_from_form, draft_of
from .forms import Form, FormError, read_form
from .store import Document, DocumentStore, Entry, Source

router = APIRouter(include_in_schema=False)

#: The review's filters: name -> (label, test). ``status:NAME`` filters by any status.
SHOWS: dict[str, tuple[str, Any]] = {
    "all": ("all", lambda e: True),
    "flagged": ("flagged", lambda e: e.flagged),
    "unreviewed": ("not reviewed", lambda e: not e.reviewed),
    "edited": ("edited", lambda e: e.current is not e.baseline and bool(e.edited)),
}
PREVIEW_LIMIT = 1000


def _store(request: Request) -> DocumentStore:
    store: DocumentStore = request.app.state.store
    return store


def _doc(request: Request, doc_id: str) -> Document:
    doc = _store(request).get(doc_id)
    if doc is None:
        raise HTTPException(404, "This reference list is no longer in memory (the server was restarted, or "
                                 "forgot it to make room). Paste it again.")
    return doc


async def _read(request: Request) -> Form:
    """The request's form, read in memory (a malformed one is a 400 in words)."""
    try:
        return read_form(await request.body(), request.headers.get("content-type", ""))
    except FormError as e:
        raise HTTPException(400, str(e)) from e


def _entry(doc: Document, i: int) -> Entry:
    if not 0 <= i < len(doc.entries):
        raise HTTPException(404, f"There is no reference {i + 1} in this list.")
    return doc.entries[i]


async def http_error(request: Request, exc: Exception) -> Response:
    """Errors as a page (or a fragment for htmx) saying what happened, in words."""
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api"):
        from starlette.responses import JSONResponse

        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
    name = "_message.html" if request.headers.get("hx-request") == "true" else "message.html"
    return render(request, name, exc.status_code, title="Not found" if exc.status_code == 404 else "Error",
                  text=exc.detail)


def _start(request: Request, status: int = 200, errors: tuple[str, ...] = (), text: str = "",
           fmt: str = "") -> Response:
    return render(request, "start.html", status, errors=errors, text=text, fmt=fmt, formats=format_names())


@router.get("/favicon.ico")
def favicon() -> Response:
    """No icon (browsers ask for one; pages say ``rel=icon href=data:,``)."""
    return Response(status_code=204)


@router.get("/")
def start(request: Request) -> Response:
    """The paste page."""
    return _start(request)


def _read_in_background(store: DocumentStore, doc: Document) -> None:
    service.read_document(doc)
    store.settle()


@router.post("/documents")
async def paste(request: Request) -> Response:
    """Read a paste and its uploads into a new document; on to its review."""
    try:
        form = await _read(request)
        fmt = service.check_format(form.get("format"))
    except (FormError, OptionError) as e:
        return _start(request, 400, (str(e),))
    text = form.get("text")
    sources = [Source(name="pasted text", text=text, forced=fmt)] if text.strip() else []
    for upload in form.files:
        source = service.source_from_upload(upload.filename or "unnamed file", upload.data)
        source.forced = fmt
        sources.append(source)
    if not sources:
        return _start(request, 400, ("Paste a reference list, or choose one or more .txt or .md files.",), text,
                      fmt or "")
    store = _store(request)
    doc = store.create(sources)
    threading.Thread(target=_read_in_background, args=(store, doc), name="refparse-read", daemon=True).start()
    await run_in_threadpool(doc.ready.wait, request.app.state.settings.read_wait)
    if doc.state == "failed":
        errors = tuple(s.error for s in doc.sources if s.error) or (doc.error or "nothing could be read",)
        return _start(request, 422, errors, text, fmt or "")
    return RedirectResponse(f"/documents/{doc.id}", status_code=303)


def _filter(doc: Document, show: str) -> list[Entry]:
    if show.startswith("status:"):
        status = show.removeprefix("status:")
        return [e for e in doc.entries if e.current.status == status]
    test = SHOWS.get(show, SHOWS["all"])[1]
    return [e for e in doc.entries if test(e)]


def _counts(doc: Document) -> service.Counts:
    entries = doc.entries
    return service.count(
        doc.citations(),
        edited=sum(1 for e in entries if e.current is not e.baseline and e.edited),
        reviewed=sum(1 for e in entries if e.reviewed),
    )


@router.get("/documents/{doc_id}")
def review(request: Request, doc_id: str, page: str = "1", show: str = "all") -> Response:
    """The review: counts, input, downloads, DOIs and one page of references."""
    doc = _doc(request, doc_id)
    if doc.state == "reading":
        return render(request, "reading.html", doc=doc)
    if doc.state == "failed":
        return render(request, "message.html", 422, title="Nothing could be read",
                      text=doc.error or "No references were found.")
    with doc.lock:
        shown = _filter(doc, show)
        size = request.app.state.settings.page_size
        pages = max(1, math.ceil(len(shown) / size))
        number = min(max(int(page) if page.isdigit() else 1, 1), pages)
        rows = shown[(number - 1) * size: number * size]
        counts = _counts(doc)
    return render(request, "review.html", doc=doc, rows=rows, page=number, pages=pages, show=show,
                  shows=SHOWS, matching=len(shown), counts=counts, formats=format_names(),
                  downloads=service.downloads(), styles=service.styles(), job=doc.doi_job)


def _row(request: Request, doc: Document, entry: Entry, focus: bool = False, status: int = 200) -> Response:
    return render(request, "_row_response.html", status, doc=doc, e=entry, focus=focus, counts=_counts(doc))


def _form(request: Request, doc: Document, entry: Entry, draft: Any) -> Response:
    main = {*MAIN_FIELDS, "year", "raw", *choice_fields()}
    more_open = any(k.split(".")[0] not in main and not k.startswith(ROLES) for k in draft.errors)
    return render(request, "_edit.html", doc=doc, e=entry, d=draft, more_open=more_open)


@router.get("/documents/{doc_id}/refs/{i}")
def row(request: Request, doc_id: str, i: int) -> Response:
    """One reference's row (and the counts)."""
    doc = _doc(request, doc_id)
    return _row(request, doc, _entry(doc, i))


def _text(doc: Document, entry: Entry) -> str:
    """What the user edits to read a reference again: its input lines, as the parser read them."""
    return entry.text or doc.sources[entry.source].block(entry.current.span) or entry.current.raw


@router.get("/documents/{doc_id}/refs/{i}/edit")
def edit(request: Request, doc_id: str, i: int) -> Response:
    """One reference's edit form."""
    doc = _doc(request, doc_id)
    entry = _entry(doc, i)
    with doc.lock:
        text = _text(doc, entry)
    return _form(request, doc, entry, draft_of(entry.current, text))


@router.post("/documents/{doc_id}/refs/{i}")
async def change(request: Request, doc_id: str, i: int) -> Response:
    """The edit form's buttons: save, cancel, reset, read again, or a change to a list of names."""
    doc = _doc(request, doc_id)
    entry = _entry(doc, i)
    form = await _read(request)
    op = form.get("op", "save")
    if op == "cancel":
        return _row(request, doc, entry, focus=True)
    if op == "reset":
        with doc.lock:
            entry.current, entry.text = entry.baseline, None
        return _row(request, doc, entry, focus=True)
    draft = draft_from_form(form)
    if op == "reparse":
        return await run_in_threadpool(_reparse, request, doc, entry, draft)
    if op != "save":
        return _form(request, doc, entry, apply_op(draft, op))
    with doc.lock:
        try:
            new = build(entry.current, draft)
        except EditError as e:
            draft.errors = e.errors
            return _form(request, doc, entry, draft)
        entry.current = entry.baseline if new == entry.baseline else new
    return _row(request, doc, entry, focus=True)


def _reparse(request: Request, doc: Document, entry: Entry, draft: Any) -> Response:
    source = doc.sources[entry.source]
    raw = draft.values.get("raw", "")
    try:
        new = service.reparse_one(raw, source.format or None, entry.current.number)
    except RefparseError as e:
        draft.errors = {"raw": str(e)}
        return _form(request, doc, entry, draft)
    with doc.lock:
        entry.current = new.model_copy(update={"span": entry.current.span, "list_number": entry.current.list_number})
        entry.text = raw
    fresh = draft_of(entry.current, raw)
    fresh.note = (f"Read again from the edited text: {entry.current.status}. The fields below are the new reading, "
                  "already kept; correct them and save, or go back to the parsed values.")
    return _form(request, doc, entry, fresh)


@router.post("/documents/{doc_id}/refs/{i}/reviewed")
async def reviewed(request: Request, doc_id: str, i: int) -> Response:
    """Set or clear a reference's reviewed mark."""
    doc = _doc(request, doc_id)
    entry = _entry(doc, i)
    form = await _read(request)
    with doc.lock:
        entry.reviewed = form.get("reviewed") == "1"
    return _row(request, doc, entry)


@router.post("/documents/{doc_id}/sources/{k}")
async def reread(request: Request, doc_id: str, k: int) -> Response:
    """Read one text again in another input format (or the detected one)."""
    doc = _doc(request, doc_id)
    if not 0 <= k < len(doc.sources):
        raise HTTPException(404, "There is no such text in this list.")
    form = await _read(request)
    try:
        fmt = service.check_format(form.get("format"))
    except OptionError as e:
        raise HTTPException(400, str(e)) from e
    source = doc.sources[k]
    if source.text:
        source.forced = fmt
        citations = await run_in_threadpool(service.read_source, source)
        doc.replace_source(k, citations)
    return RedirectResponse(f"/documents/{doc.id}", status_code=303)


def _export(doc: Document, kind: str, style: str | None, limit: int | None = None) -> tuple[str, service.Download]:
    with doc.lock:
        citations = doc.citations()
    try:
        return service.export_as(citations[:limit] if limit else citations, kind, style or None)
    except OptionError as e:
        raise HTTPException(400, str(e)) from e


@router.get("/documents/{doc_id}/export")
async def download(request: Request, doc_id: str, format: str = "bibtex", style: str = "") -> Response:
    """Everything on screen as a file."""
    doc = _doc(request, doc_id)
    chosen = service.downloads().get(format)
    text, spec = await run_in_threadpool(_export, doc, format, style if chosen and chosen.format == "text" else None)
    name = f"references{'-' + (style or 'vancouver') if spec.format == 'text' else ''}.{spec.extension}"
    return Response(text, media_type=f"{spec.media_type}; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/documents/{doc_id}/preview")
async def preview(request: Request, doc_id: str, format: str = "bibtex", style: str = "") -> Response:
    """The download shown on the page, to read or copy."""
    doc = _doc(request, doc_id)
    chosen = service.downloads().get(format)
    text, spec = await run_in_threadpool(
        _export, doc, format, style if chosen and chosen.format == "text" else None, PREVIEW_LIMIT)
    return render(request, "_preview.html", text=text, spec=spec, total=len(doc.entries), limit=PREVIEW_LIMIT,
                  style=style or "vancouver")


@router.post("/documents/{doc_id}/dois")
async def find_dois(request: Request, doc_id: str) -> Response:
    """Start a DOI search."""
    doc = _doc(request, doc_id)
    options = request.app.state.settings.enrich
    if options is None:
        raise HTTPException(409, request.app.state.settings.enrich_off)
    job = await run_in_threadpool(dois.start, doc, options)
    return await _dois_fragment(request, doc, job)


@router.post("/documents/{doc_id}/dois/stop")
async def stop_dois(request: Request, doc_id: str) -> Response:
    """Stop a running DOI search after the references being looked up (what was found is kept)."""
    doc = _doc(request, doc_id)
    job = doc.doi_job
    if job is None:
        raise HTTPException(404, "No DOI search was started for this list.")
    job.stop = True
    return await _dois_fragment(request, doc, job)


@router.get("/documents/{doc_id}/dois")
async def doi_progress(request: Request, doc_id: str) -> Response:
    """The DOI search's progress; when it is over, the rows on screen that it changed."""
    doc = _doc(request, doc_id)
    job = doc.doi_job
    if job is None:
        raise HTTPException(404, "No DOI search was started for this list.")
    return await _dois_fragment(request, doc, job)


async def _dois_fragment(request: Request, doc: Document, job: dois.DoiJob) -> Response:
    """The DOI panel; once the search is over, with the rows on screen that it changed.

    Why every route sends the rows: a short search can end before the answer
    that started (or stopped) it is rendered, and that answer is then the last
    one the page gets — no poll follows a finished search.
    """
    changed: list[Entry] = []
    if job.state != "running":
        values = request.query_params.getlist("shown")
        if request.method == "POST":
            values = [v for v in (await request.form()).getlist("shown") if isinstance(v, str)]
        shown = {int(v) for v in values if v.isdigit()}
        changed = [doc.entries[i] for i in sorted(shown & job.changed) if i < len(doc.entries)]
    return render(request, "_dois.html", doc=doc, job=job, changed=changed)
