"""One exception hierarchy for everything refparse raises on purpose.

Callers catch :class:`RefparseError` and know they have seen every error the
library documents; anything else escaping is a bug. Each stage has its own
subclass, and the subclasses carry data (line numbers, HTTP status) rather
than only a message, so a CLI or a batch report can say exactly what went
wrong without parsing strings.
"""

from __future__ import annotations


class RefparseError(Exception):
    """Root of every error refparse raises on purpose."""


class InputError(RefparseError):
    """The input cannot be read as any supported format.

    Attributes:
        source: a name for the input (a path or ``"<stdin>"``), if known.
    """

    def __init__(self, message: str, source: str | None = None) -> None:
        super().__init__(f"{source}: {message}" if source else message)
        self.source = source


class InputTooLargeError(InputError):
    """The input exceeds a configured size limit."""


class ParseError(RefparseError):
    """A grammar rejected text it must accept.

    A reference the reference grammar rejects is *data*, never this error: it
    is kept, with recovered fields, its raw text and the reason. This error
    is raised only where a rejection means refparse itself is broken: the
    card grammar, which has a line kind for every line, rejecting a card.

    Attributes:
        line: 1-based line of the input where parsing stopped.
        token: the text of the offending element, if any.
        expected: names of the elements the grammar would have accepted.
    """

    def __init__(
        self,
        message: str,
        line: int | None = None,
        token: str | None = None,
        expected: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.line = line
        self.token = token
        self.expected = expected


class OptionError(RefparseError, ValueError):
    """A caller passed an invalid option (unknown format, style, bad value)."""


class ExportError(RefparseError):
    """A citation could not be written in the requested format."""


class EnrichError(RefparseError):
    """Talking to the metadata service (Crossref) failed.

    Attributes:
        status: the HTTP status code, when the service answered.
        url: the request URL, without credentials.
    """

    def __init__(self, message: str, status: int | None = None, url: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.url = url


class CacheError(EnrichError):
    """The HTTP cache is unusable (corrupt, read-only, locked)."""


class ClusterError(RefparseError):
    """The Dask cluster cannot run the batch (unreachable, workers without refparse, lost)."""
