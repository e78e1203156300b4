"""The application: routes, templates, static files and the guard around them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import __version__
from .settings import WebSettings, size_text

if TYPE_CHECKING:  # pragma: no cover
    from fastapi import FastAPI, Request
    from fastapi.templating import Jinja2Templates
    from starlette.responses import Response

DESCRIPTION = """\
Reference lists in, structured citations out: the same library, and the same code path, as the
review page. `POST /api/parse` reads a text (any input format refparse knows, detected unless
given) and returns every reference as a citation, parsed or recovered, with its status, warnings,
raw text and line span. `POST /api/export` writes citations (as `/api/parse` returns them, edited
or not) as BibTeX, BibLaTeX, RIS, CSL-JSON, JSON Lines or a formatted bibliography.
Requests are capped at the server's `--max-size` (413 above it)."""


def templates() -> Jinja2Templates:
    """The page templates, from the package (autoescaped: every value is HTML-escaped)."""
    import jinja2
    from fastapi.templating import Jinja2Templates

    from ..models import Event
    from . import editing, present, spans

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("refparse.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        legend=spans.LEGEND, field_spans=spans.field_spans, segments=spans.segments,
        shown_fields=present.shown_fields, status_words=present.status_words, reasons=present.reasons,
        evidence=present.evidence, legend_label=dict(spans.LEGEND).get, size_text=size_text, version=__version__,
        label=editing.label, error_label=editing.error_label, choices=editing.choices,
        main_fields=editing.MAIN_FIELDS, more_fields=[n for n in editing.text_fields() if n not in editing.MAIN_FIELDS],
        choice_fields=editing.choice_fields(), event_parts=list(Event.model_fields),
    )
    return Jinja2Templates(env=env)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """A template rendered with the app's settings in its context."""
    app = request.app
    context.setdefault("settings", app.state.settings)
    response: Response = app.state.templates.TemplateResponse(request, name, context, status_code=status_code)
    return response


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The web app (an ASGI application) for ``refparse serve`` or any ASGI server.

    Args:
        settings: limits and DOI search; defaults: 5 MB requests, DOI search off.

    Returns:
        The FastAPI application. Its state lives in memory only.
    """
    from fastapi import FastAPI
    from starlette.exceptions import HTTPException
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.staticfiles import StaticFiles

    from . import api, views
    from .guard import Guard
    from .store import DocumentStore

    settings = settings or WebSettings()
    app = FastAPI(title="refparse", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.settings = settings
    app.state.store = DocumentStore(settings.max_documents, settings.max_references)
    app.state.templates = templates()
    app.mount("/static", StaticFiles(packages=[("refparse.web", "static")]), name="static")
    app.include_router(views.router)
    app.include_router(api.router)
    app.add_exception_handler(HTTPException, views.http_error)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    app.add_middleware(Guard, max_size=settings.max_size)  # outermost: its headers go on every answer
    return app
