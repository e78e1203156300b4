"""The JSON API (``POST /api/parse``, ``POST /api/export``) and the page that documents it.

Both routes call what the review page calls (:func:`refparse.web.service.read_source`,
:func:`refparse.web.service.export_as`), so a program gets exactly what a person
sees. The OpenAPI description is FastAPI's, generated from these models; it is
shown by a page of this server (``/api``), not by a script from a CDN.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ..detect import format_names
from ..errors import OptionError
from ..models import Citation, Diagnostic
from . import service
from .app import render
from .store import Source

router = APIRouter(prefix="/api", tags=["api"])


def _formats_schema(schema: dict[str, Any]) -> None:
    schema["description"] = "input format: one of " + ", ".join(format_names()) + "; omit it to detect the format"


def _downloads_schema(schema: dict[str, Any]) -> None:
    schema["enum"] = list(service.downloads())


def _styles_schema(schema: dict[str, Any]) -> None:
    styles = ", ".join(service.styles())
    schema["description"] = f"bibliography style for format text: {styles} (default vancouver)"


class ParseRequest(BaseModel):
    """A reference list to read."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="the reference list as copied from a page (or a summary card)")
    format: str | None = Field(default=None, json_schema_extra=_formats_schema)


class SourceReport(BaseModel):
    """How the text was read."""

    name: str
    format: str | None = Field(description="the input format it was read in")
    details: dict[str, str] = Field(default_factory=dict,
                                    description="other facts the parser reports (layout, style)")
    warnings: list[Diagnostic] = Field(default_factory=list, description="document-level warnings")


class Counts(BaseModel):
    """What the review page shows at its top."""

    references: int
    parsed: int = Field(description="references with status parsed")
    flagged: int = Field(description="references not cleanly parsed, or with warnings")
    with_warnings: int
    by_status: dict[str, int]


class ParseResponse(BaseModel):
    """Every reference of the text, in order: parsed, or kept with its raw text and the reason."""

    source: SourceReport
    counts: Counts
    citations: list[Citation]


class ExportRequest(BaseModel):
    """Citations to write (as ``POST /api/parse`` returns them, edited or not)."""

    model_config = ConfigDict(extra="forbid")
    citations: list[Citation]
    format: str = Field(default="bibtex", json_schema_extra=_downloads_schema)
    style: str | None = Field(default=None, json_schema_extra=_styles_schema)
    locale: str | None = Field(default=None, description="CSL locale for format text, such as en-GB")
    ascii: bool = Field(default=False, description="ASCII only (bibtex, biblatex, csljson, jsonl)")


_ERROR = {
    "description": "the request could not be carried out; `detail` says why",
    "content": {"application/json": {"example": {"detail": "not a known input format (tried: card, linebroken)"}}},
}


def parse_text(text: str, fmt: str | None) -> ParseResponse:
    """Read a text as the review page reads a paste.

    Raises:
        OptionError: an unknown format.
        HTTPException: 422 when no reference is found.
    """
    source = Source(name="text", text=text, forced=service.check_format(fmt))
    citations = service.read_source(source)
    if source.error:
        raise HTTPException(422, source.error)
    c = service.count(citations)
    return ParseResponse(
        source=SourceReport(name=source.name, format=source.format, details=dict(source.details),
                            warnings=list(source.warnings)),
        counts=Counts(references=c.references, parsed=c.parsed, flagged=c.flagged, with_warnings=c.with_warnings,
                      by_status=c.by_status),
        citations=list(citations),
    )


@router.post("/parse", response_model=ParseResponse, responses={413: _ERROR, 422: _ERROR},
             summary="Read a reference list into citations")
async def api_parse(body: ParseRequest) -> ParseResponse:
    """The text's references, each with its fields, status, warnings, raw text and line span."""
    try:
        return await run_in_threadpool(parse_text, body.text, body.format)
    except OptionError as e:
        raise HTTPException(422, str(e)) from e


@router.post(
    "/export",
    response_class=Response,
    responses={
        200: {"description": "the file, in the format's media type",
              "content": {"text/plain": {}, "application/x-bibtex": {}, "application/x-research-info-systems": {},
                          "application/vnd.citationstyles.csl+json": {}, "application/jsonl": {}}},
        413: _ERROR,
        422: _ERROR,
    },
    summary="Write citations as BibTeX, BibLaTeX, RIS, CSL-JSON, JSON Lines or a bibliography",
)
async def api_export(body: ExportRequest) -> Response:
    """The citations in one format, as the page's downloads write them."""
    try:
        text, spec = await run_in_threadpool(
            service.export_as, body.citations, body.format, body.style, body.locale, body.ascii)
    except OptionError as e:
        raise HTTPException(422, str(e)) from e
    return Response(text, media_type=f"{spec.media_type}; charset=utf-8")


@router.get("", include_in_schema=False)
def api_page(request: Request) -> Response:
    """The API's documentation, rendered from its OpenAPI description."""
    spec = request.app.openapi()
    return render(request, "api.html", spec=spec, schema_type=schema_type)


def schema_type(schema: dict[str, Any] | bool) -> str:
    """A JSON schema's type in words: ``string or null``, ``list of Citation``, ``one of: a, b``."""
    if not isinstance(schema, dict):  # ``true``: anything
        return "any"
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "enum" in schema:
        return "one of: " + ", ".join(map(str, schema["enum"]))
    if "anyOf" in schema:
        return " or ".join(schema_type(s) for s in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {schema_type(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema:
        return f"object of {schema_type(schema['additionalProperties'])}"
    return str(kind)
