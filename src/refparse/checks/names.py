"""The names a check reports in: statuses, flags and report formats, without the result models.

Why a module of its own: the command line lists these names in ``refparse check --help``, and
registering that command happens in every ``refparse`` process; importing :mod:`.models` for
them built the check models' validators (pydantic) in every ``refparse convert`` too.
"""

from __future__ import annotations

from typing import Literal

#: What became of one reference, from best to worst news for the reference:
#:
#: * ``verified`` — a record is the cited work and no printed field contradicts it;
#: * ``mismatch`` — a record is the cited work, but printed fields differ (``differences``);
#: * ``doi-mismatch`` — the printed DOI resolves to another work (``record`` says which);
#: * ``doi-invalid`` — the printed DOI is registered nowhere;
#: * ``not-found`` — nothing plausible in Crossref (not the same as "does not exist");
#: * ``unknown`` — the reference could not be checked (time-out, service error,
#:   offline, too little printed, a DOI another agency registers): never clean.
CheckStatus = Literal["verified", "mismatch", "doi-mismatch", "doi-invalid", "not-found", "unknown"]
STATUSES: tuple[CheckStatus, ...] = ("verified", "mismatch", "doi-mismatch", "doi-invalid", "not-found", "unknown")

#: Editorial events recorded against the cited work, independent of the status.
FlagKind = Literal["retracted", "corrected", "expression-of-concern", "withdrawn"]
FLAGS: tuple[FlagKind, ...] = ("retracted", "corrected", "expression-of-concern", "withdrawn")

#: The formats of a check report (:mod:`.report`).
REPORT_FORMATS = ("table", "jsonl", "csv")
