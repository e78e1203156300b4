"""The batch converter's check step: check results as warnings, so the batch report shows them.

``refparse convert --check`` runs :class:`Checker` on each input's citations
(:class:`refparse.batch.BatchOptions` takes it as ``enrich``). A citation
keeps its printed fields; what the check found is added:

* a warning ``check-<status>`` for every status but ``verified``, with the
  result's sentence, and ``check-<flag>`` for each flag — the batch report
  lists warnings per reference, and every output format keeps them;
* ``match`` (when there was none) with the DOI of the record compared and
  the whole result under ``evidence["check"]`` (JSON Lines shows it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Citation, Diagnostic, Match
from .models import CheckResult
from .stage import CheckOptions, check

if TYPE_CHECKING:
    from ..enrich import CrossrefClient


def annotate(citation: Citation, result: CheckResult) -> Citation:
    """The citation with its check result as warnings (and as ``match`` evidence when it had none)."""
    line = citation.span.start if citation.span else None
    notes = [] if result.status == "verified" else [Diagnostic(code=f"check-{result.status}", message=result.message,
                                                                line=line)]
    for kind in result.flag_kinds:
        about = "; ".join(f.notice or f.label or f.via for f in result.flags if f.kind == kind)
        notes.append(Diagnostic(code=f"check-{kind}", message=f"Crossref records the cited work as {kind} ({about})",
                                line=line))
    update: dict[str, object] = {"warnings": (*citation.warnings, *notes)}
    if citation.match is None and result.doi:
        evidence = {"mode": "check", "check": result.model_dump(mode="json", exclude_none=True)}
        update["match"] = Match(doi=result.doi, score=1.0 if result.score is None else result.score, evidence=evidence)
    return citation.model_copy(update=update)


@dataclass
class Checker:
    """A callable on a list of citations that checks them and annotates them (:func:`annotate`).

    It shares one client, its cache and its rate limit across the chunks of
    a run, and pickles without its client (made again in a worker process;
    the rate limit is shared between processes through files).

    Attributes:
        options: the check's settings.
    """

    options: CheckOptions
    _client: CrossrefClient | None = field(default=None, init=False, repr=False, compare=False)

    def __call__(self, citations: list[Citation]) -> list[Citation]:
        from ..enrich import CrossrefClient

        if self._client is None:
            self._client = CrossrefClient(self.options.crossref)
        results = check(citations, self.options, client=self._client)
        return [annotate(c, r) for c, r in zip(citations, results, strict=True)]

    def close(self) -> None:
        """Close the client, if one was made."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __getstate__(self) -> dict[str, object]:
        return {"options": self.options, "_client": None}
