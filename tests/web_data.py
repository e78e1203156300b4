"""Data the web page's tests share: the seed, a hostile page, Crossref records, and readers of each download.

Downloads are read back by the programs the export tests use (bibtexparser,
rispy, the CSL-JSON schema through jsonschema), so a test of the page checks
the same things as a test of the library.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import rispy

from export_roundtrip import SEED, csl_schema, read_bibtex
from refparse.models import Citation, Organization

SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_REFERENCES = 68

#: Markup and template syntax in a family name, a title and a journal: none of it may act.
HOSTILE_PAGE = """\
1.
Smith<script>window.pwned = 1</script>
S
.
"><img src=x onerror="window.pwned = 2"> A title {{7*7}} and {% raw %}x{% endraw %}
.
J <b>Bold</b> Med
.
2020
;
1
:
2
.
2.
Jones
A
.
A second title with &amp; and <i>italics</i>
.
Lancet
.
2019
;
3
:
4
.
"""
HOSTILE_STRINGS = ("Smith<script>window.pwned = 1</script>", '"><img src=x onerror="window.pwned = 2">', "{{7*7}}",
                   "{% raw %}x{% endraw %}", "J <b>Bold</b> Med", "&amp;", "<i>italics</i>")


def crossref_records(citations: list[Citation]) -> list[dict[str, Any]]:
    """Crossref work records for these citations, with DOIs ``10.5555/refparse-web.N``.

    The fields are the citations' own (title, authors, journal, year, volume,
    pages), which is what a real record of a cited work carries.
    """
    out = []
    for c in citations:
        authors = [{"family": a.family, "given": a.given or "", "sequence": "first" if i == 0 else "additional"}
                   for i, a in enumerate(c.authors) if not isinstance(a, Organization)]
        pages = f"{c.pages.first}-{c.pages.last}" if c.pages and c.pages.last else (c.pages.first if c.pages else None)
        record: dict[str, Any] = {
            "DOI": f"10.5555/refparse-web.{c.number}",
            "type": "journal-article",
            "title": [c.title],
            "author": authors,
            "container-title": [c.container_title],
            "short-container-title": [c.container_title],
            "issued": {"date-parts": [[c.year]]},
            "published-print": {"date-parts": [[c.year]]},
            "volume": c.volume,
            "issue": c.issue,
        }
        if pages:
            record["page"] = pages
        out.append({k: v for k, v in record.items() if v is not None})
    return out


def read_download(kind: str, text: str) -> int:
    """Read a download back with its format's consumer; the number of references it holds.

    Raises:
        AssertionError: the consumer reports a problem (a failed BibTeX block, a schema error).
    """
    if kind in ("bibtex", "biblatex"):
        library, _ = read_bibtex(text)
        assert library.failed_blocks == []
        return len(library.entries)
    if kind == "ris":
        return len(rispy.loads(text))
    if kind == "csljson":
        items = json.loads(text)
        jsonschema.validate(items, csl_schema())
        return len(items)
    if kind == "jsonl":
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        for row in rows:
            Citation.model_validate({k: v for k, v in row.items() if k in Citation.model_fields})
        return len(rows)
    if kind == "text":
        return len([line for line in text.splitlines() if line.strip()])
    raise AssertionError(f"no reader for {kind}")


def bibtex_fields(text: str) -> list[dict[str, str]]:
    """Every BibTeX entry's decoded fields, in order."""
    library, decoded = read_bibtex(text)
    return [decoded[e.key] for e in library.entries]
