"""The properties every fuzzed input must keep, as plain functions (hypothesis and atheris share them).

* **no foreign exception**: reading and parsing raise nothing but
  :class:`refparse.errors.RefparseError` subclasses;
* **references in = references out** (generated pages, whose label count is
  known);
* **every output validates**: CSL-JSON against ``fixtures/schemas/csl-data.json``,
  BibTeX read back by bibtexparser v2 with zero failed blocks and one entry
  per citation, RIS read back by rispy with one record per citation and no
  unknown tag, JSON Lines one valid citation per line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema
import rispy

from refparse.detect import parse_any
from refparse.errors import RefparseError
from refparse.export import export
from refparse.models import Citation, ParseResult
from refparse.read import decode

SCHEMA = Path(__file__).resolve().parents[2] / "fixtures" / "schemas" / "csl-data.json"


@cache
def csl_validator() -> Any:
    """A compiled validator for the CSL-JSON schema (compiling it per input would dominate)."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


@dataclass
class Tally:
    """What a harness saw, for its report."""

    inputs: int = 0
    bytes: int = 0
    citations: int = 0
    rejected: int = 0  # inputs refparse refused with its own error (binary, no references ...)
    recovered: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def refused(self, e: RefparseError) -> None:
        self.rejected += 1
        name = type(e).__name__
        self.errors[name] = self.errors.get(name, 0) + 1


TALLY = Tally()


def check_outputs(citations: tuple[Citation, ...] | list[Citation]) -> None:
    """Every export format of these citations reads back in the program people use for it."""
    cites = list(citations)
    n = len(cites)
    items = json.loads(export(cites, "csljson"))
    errors = sorted(csl_validator().iter_errors(items), key=lambda e: list(e.path))
    assert not errors, f"CSL-JSON invalid: {errors[0].message} at {list(errors[0].path)}"
    assert len(items) == n

    bib = export(cites, "bibtex")
    library = bibtexparser.parse_string(bib)
    assert library.failed_blocks == [], f"BibTeX failed blocks: {library.failed_blocks[0].raw[:300]!r}"
    assert len(library.entries) == n, (len(library.entries), n)
    assert len({e.key for e in library.entries}) == n, "duplicate BibTeX keys"

    ris = export(cites, "ris")
    records = rispy.loads(ris) if ris else []
    assert len(records) == n, (len(records), n)
    for record in records:
        assert "unknown_tag" not in record, record.get("unknown_tag")

    lines = export(cites, "jsonl").splitlines()
    assert len(lines) == n
    assert [Citation.model_validate_json(line) for line in lines] == cites


def parse_text(text: str) -> ParseResult | None:
    """``parse_any`` with refparse's own errors counted, anything else propagated."""
    try:
        return parse_any(text)
    except RefparseError as e:
        TALLY.refused(e)
        return None


def check_page(text: str, labels: int) -> ParseResult:
    """A generated page: parsed, one citation per label, every output valid."""
    TALLY.inputs += 1
    TALLY.bytes += len(text.encode("utf-8", "surrogatepass"))
    result = parse_any(text)  # a generated page is a reference list: refusing it is a failure
    assert result.format == "linebroken", result.format
    assert len(result.citations) == labels, (len(result.citations), labels)
    numbers = [c.number for c in result.citations]
    assert numbers == list(range(numbers[0], numbers[0] + labels)), numbers[:20]
    for c in result.citations:
        assert c.raw is not None
    TALLY.citations += labels
    TALLY.recovered += sum(c.status != "parsed" for c in result.citations)
    check_outputs(result.citations)
    return result


def check_bytes(data: bytes, outputs: bool = True) -> None:
    """Raw bytes: decoded and parsed with only refparse's errors, outputs valid when parsed."""
    TALLY.inputs += 1
    TALLY.bytes += len(data)
    try:
        text, _ = decode(data)
    except RefparseError as e:
        TALLY.refused(e)
        return
    result = parse_text(text)
    if result is None:
        return
    TALLY.citations += len(result.citations)
    TALLY.recovered += sum(c.status != "parsed" for c in result.citations)
    if outputs:
        check_outputs(result.citations)
