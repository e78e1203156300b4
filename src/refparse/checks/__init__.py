"""Check references against the registry: wrong fields, wrong DOIs, retractions, works not found.

Public verbs::

    import refparse
    results = refparse.check(refparse.parse(text).citations, refparse.EnrichOptions(mailto="me@example.org"))
    for r in results:
        print(r.number, r.status, r.message)

Modules: :mod:`.stage` (match, look for notices, compare: :func:`check`),
:mod:`.match` (which record is the cited work), :mod:`.compare` (field by
field), :mod:`.flags` (retractions, corrections …), :mod:`.models` (the
result), :mod:`.report` (table, JSON Lines, CSV), :mod:`.run` (files and
folders), :mod:`.step` (the batch converter's ``--check``).
"""

from .models import FIELDS, FLAGS, STATUSES, CheckResult, CheckStatus, FieldDifference, Flag, FlagKind, WorkSummary
from .run import CheckRun, InputCheck, check_paths
from .stage import CheckOptions, check
from .step import Checker, annotate

__all__ = [
    "FIELDS",
    "FLAGS",
    "STATUSES",
    "CheckOptions",
    "CheckResult",
    "CheckRun",
    "CheckStatus",
    "Checker",
    "FieldDifference",
    "Flag",
    "FlagKind",
    "InputCheck",
    "WorkSummary",
    "annotate",
    "check",
    "check_paths",
]
