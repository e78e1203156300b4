"""Stage 5 — enrich: DOIs from Crossref (search and validate) and checks of printed DOIs.

Public verbs::

    from refparse.enrich import EnrichOptions, enrich, verify
    citations = enrich(result.citations, EnrichOptions(mailto="me@example.org"))
"""

from .http import CrossrefClient, NotAskedError, NotCachedError
from .options import EnrichOptions, parse_expire
from .stage import NOT_LOOKED_UP, Enricher, build_query, enrich, not_looked_up, verify
from .validate import Assessment, assess, choose

__all__ = [
    "NOT_LOOKED_UP",
    "Assessment",
    "CrossrefClient",
    "EnrichOptions",
    "Enricher",
    "NotAskedError",
    "NotCachedError",
    "assess",
    "build_query",
    "choose",
    "enrich",
    "not_looked_up",
    "parse_expire",
    "verify",
]
