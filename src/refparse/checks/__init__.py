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

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: public name -> the submodule that defines it. Imported on first use (PEP 562): the command
#: line registers ``refparse check`` with the statuses and report formats alone, and a plain
#: ``refparse convert`` must not load requests and rapidfuzz through :mod:`.stage`.
_EXPORTS = {
    **dict.fromkeys(("FIELDS", "FLAGS", "STATUSES", "CheckResult", "CheckStatus", "FieldDifference", "Flag",
                     "FlagKind", "WorkSummary"), "models"),
    **dict.fromkeys(("CheckRun", "InputCheck", "check_paths"), "run"),
    **dict.fromkeys(("CheckOptions", "check"), "stage"),
    **dict.fromkeys(("Checker", "annotate"), "step"),
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .models import FIELDS, FLAGS, STATUSES, CheckResult, CheckStatus, FieldDifference, Flag, FlagKind, WorkSummary
    from .run import CheckRun, InputCheck, check_paths
    from .stage import CheckOptions, check
    from .step import Checker, annotate
