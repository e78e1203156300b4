"""The web page's settings: limits, the hosts it answers to, and whether DOIs can be searched."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..enrich.options import EnrichOptions

#: The request cap: a long reference list is 1 to 2 MB; 5 MB leaves room and bounds memory per request.
DEFAULT_MAX_SIZE = 5 * 1024 * 1024
#: Host names a loopback server answers to (a request naming any other host is refused, which
#: defeats DNS rebinding: a web page cannot reach this server under a name it controls).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

DOI_OFF = (
    "DOI search is off: Crossref asks for a contact address. Start the server with "
    "--mailto you@example.org (or set REFPARSE_MAILTO) to turn it on."
)


def size_text(n: int) -> str:
    """A byte count for people: ``5 MB``, ``512 kB``, ``6.2 MB``."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n} bytes"


@dataclass(frozen=True)
class WebSettings:
    """How the app behaves.

    Attributes:
        max_size: the largest request body accepted, in bytes.
        page_size: references per page of the review.
        enrich: Crossref settings when DOI search is on; ``None`` when it is off.
        enrich_off: why DOI search is off, in words (shown on the disabled button).
        allowed_hosts: ``Host`` header values answered; ``("*",)`` answers any.
        max_documents: pastes kept in memory (least recently used forgotten first).
        max_references: references kept in memory over all pastes.
        read_wait: seconds a paste request waits for its parse before the page
            shows "reading" and refreshes itself.
    """

    max_size: int = DEFAULT_MAX_SIZE
    page_size: int = 100
    enrich: EnrichOptions | None = None
    enrich_off: str = DOI_OFF
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    max_documents: int = 20
    max_references: int = 400_000
    read_wait: float = 2.0


def enrich_settings(
    mailto: str | None = None, base_url: str | None = None, cache: Path | None = None
) -> EnrichOptions | None:
    """Crossref options for DOI search, or ``None`` when no contact address is known.

    The address and URL default to ``REFPARSE_MAILTO`` and ``REFPARSE_CROSSREF_URL``,
    as for ``refparse convert``.

    Raises:
        OptionError: a malformed address or URL.
    """
    given: dict[str, Any] = {"mailto": mailto, "base_url": base_url}
    options = EnrichOptions(cache_path=cache, **{k: v for k, v in given.items() if v})
    return options if options.mailto else None


def hosts_for(bind: str) -> tuple[str, ...]:
    """The host names to answer for a bind address: loopback names, plus the address itself.

    A server bound to every interface (``0.0.0.0``, ``::``) answers any name: the user chose to
    publish it.
    """
    if bind in ("0.0.0.0", "::", ""):
        return ("*",)
    return tuple(dict.fromkeys((*LOOPBACK_HOSTS, bind, f"[{bind}]" if ":" in bind else bind)))
