"""Form bodies read in memory: pasted text, uploaded files and edit forms.

Why not the framework's form parser: Starlette spools an uploaded file of
over 1 MB to a temporary file on disk, and a pasted manuscript must leave no
trace. The body is already bounded by the request cap
(:class:`refparse.web.guard.Guard`), so holding it in memory is safe; the
multipart reader is python-multipart's, fed that body.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from python_multipart.multipart import MultipartParser, parse_options_header

from ..errors import InputError


class FormError(InputError):
    """A form body that cannot be read (a malformed multipart message)."""


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its name as the browser sent it (never used as a path) and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Form:
    """A form's fields (every value of each name, in order) and its files."""

    fields: Mapping[str, list[str]]
    files: tuple[Upload, ...] = ()

    def get(self, name: str, default: str = "") -> str:
        """The first value of a field, or ``default``."""
        values = self.fields.get(name)
        return values[0] if values else default

    def getlist(self, name: str) -> list[str]:
        return list(self.fields.get(name, ()))


def read_form(body: bytes, content_type: str) -> Form:
    """Read an ``application/x-www-form-urlencoded`` or ``multipart/form-data`` body.

    Args:
        body: the whole request body (bounded by the request cap).
        content_type: the request's ``Content-Type`` header.

    Returns:
        The fields and files; text fields decoded as UTF-8 (invalid bytes replaced).

    Raises:
        FormError: a multipart body without a boundary or that does not parse.
    """
    kind, params = parse_options_header(content_type)
    if kind != b"multipart/form-data":
        return Form(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
    boundary = params.get(b"boundary")
    if not boundary:
        raise FormError("a multipart form without a boundary")
    return _multipart(body, boundary)


def _multipart(body: bytes, boundary: bytes) -> Form:
    fields: dict[str, list[str]] = {}
    files: list[Upload] = []
    part: dict[str, Any] = {}
    header: dict[str, bytes] = {"name": b"", "value": b""}

    def on_part_begin() -> None:
        part.clear()
        part.update(headers={}, data=bytearray())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header["name"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header["value"] += data[start:end]

    def on_header_end() -> None:
        part["headers"][header["name"].lower()] = header["value"]
        header.update(name=b"", value=b"")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part["data"] += data[start:end]

    def on_part_end() -> None:
        _, options = parse_options_header(part["headers"].get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            filename = options[b"filename"].decode("utf-8", "replace")
            if filename or part["data"]:  # an empty file input sends a nameless, empty part
                files.append(Upload(filename, bytes(part["data"])))
        else:
            fields.setdefault(name, []).append(bytes(part["data"]).decode("utf-8", "replace"))

    callbacks: Any = {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    }
    try:
        parser = MultipartParser(boundary, callbacks)
        parser.write(body)
        parser.finalize()
    except ValueError as e:  # python-multipart's errors are ValueErrors
        raise FormError(f"the form could not be read: {e}") from e
    return Form(fields, tuple(files))
