"""Stage 5 — enrich: DOIs from Crossref (search and validate) and checks of printed DOIs.

Public verbs::

    from refparse.enrich import EnrichOptions, enrich, verify
    citations = enrich(result.citations, EnrichOptions(mailto="me@example.org"))
"""

from .http import CrossrefClient, NotCachedError
from .options import EnrichOptions, parse_expire
from .stage import Enricher, build_query, enrich, verify
from .validate import Assessment, assess, choose

__all__ = [
    "Assessment",
    "CrossrefClient",
    "EnrichOptions",
    "Enricher",
    "NotCachedError",
    "assess",
    "build_query",
    "choose",
    "enrich",
    "parse_expire",
    "verify",
]
