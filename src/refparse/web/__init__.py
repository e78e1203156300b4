"""The review page (``refparse serve``, the ``web`` extra): paste, review, fix, download.

A local web app over the library: the pasted text is read by
:func:`refparse.parse_any`, shown with each field highlighted in its raw text,
edited through the models, and written by :func:`refparse.export.export`. The
JSON API (``/api/parse``, ``/api/export``) takes the same code path.

Modules: :mod:`.app` (the application), :mod:`.views` (the page's routes),
:mod:`.api` (the JSON API), :mod:`.service` (what both share), :mod:`.store`
(documents in memory), :mod:`.editing` (form drafts validated by the
models), :mod:`.spans` (where each field was printed), :mod:`.present`
(fields and reasons in words), :mod:`.dois` (DOI search with progress),
:mod:`.forms` (form bodies read in memory), :mod:`.guard` (headers, request
cap, same-origin writes) and :mod:`.settings`.

Importing this package imports no web framework; :func:`create_app` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from fastapi import FastAPI

    from .settings import WebSettings

__all__ = ["create_app"]


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The web app; see :func:`refparse.web.app.create_app`."""
    from .app import create_app as make

    return make(settings)


def __getattr__(name: str) -> Any:
    raise AttributeError(f"module 'refparse.web' has no attribute {name!r}")
