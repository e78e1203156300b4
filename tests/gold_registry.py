"""A loopback registry built from a gold file: one Crossref-shaped record per gold reference.

The records differ from the printed references only in the ways real records
do without contradicting them — full journal names beside the abbreviation,
every author where the reference printed "et al.", page ranges written out,
an online-first date the year before the print date, markup in titles, a
subtitle in its own field — so a check of the page against them must find
every reference verified. Tests alter the printed page, not the registry.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks" / "doi_matching"))

from build_set import FAMILY_NAMES, FIRST_NAMES, expand_container

KINDS = {"journal": "journal-article", "book": "book", "chapter": "book-chapter", "conference": "proceedings-article"}


def _author(family: str, given: str | None, first: bool) -> dict[str, Any]:
    a: dict[str, Any] = {"family": family, "sequence": "first" if first else "additional", "affiliation": []}
    if given:
        a["given"] = " ".join(f"{ch}." for ch in given) if given.isupper() and len(given) <= 3 else given
    return a


def _date(year: int, month: int) -> dict[str, Any]:
    return {"date-parts": [[year, month]]}


def record(ref: dict[str, Any], doi: str, rng: random.Random) -> dict[str, Any]:
    """The Crossref record of one gold reference, varied without contradicting it."""
    year = int(re.search(r"\d{4}", ref["year"]).group(0))  # type: ignore[union-attr]
    rec: dict[str, Any] = {"DOI": doi, "type": KINDS.get(ref["type"], "journal-article"), "publisher": "Loopback Press"}
    title = ref["title"]
    r = rng.random()
    if r < 0.2 and ": " in title:
        main, sub = title.split(": ", 1)
        rec["title"], rec["subtitle"] = [main], [sub]
    elif r < 0.35:
        words = title.split()
        i = rng.randrange(len(words))
        words[i] = f"<i>{words[i]}</i>"
        rec["title"] = [" ".join(words)]
    else:
        rec["title"] = [title]
    authors = [_author(a["family"], a.get("given"), i == 0) for i, a in enumerate(ref["authors"])]
    if ref["et_al"]:
        authors += [_author(rng.choice(FAMILY_NAMES), rng.choice(FIRST_NAMES), False) for _ in range(rng.randint(1, 9))]
    rec["author"] = authors
    if ref["container_title"]:
        rec["container-title"] = [expand_container(ref["container_title"])]
        rec["short-container-title"] = [ref["container_title"]]
        rec["ISSN"] = [f"{abs(hash(ref['container_title'])) % 9000 + 1000}-{abs(hash(ref['container_title'][::-1])) % 9000 + 1000}"]
    if rng.random() < 0.3:
        rec["published-online"], rec["published-print"] = _date(year - 1, 12), _date(year, 2)
        rec["issued"] = _date(year - 1, 12)
    else:
        rec["published-print"] = rec["issued"] = _date(year, 6)
    for key in ("volume", "issue"):
        if ref[key]:
            rec[key] = ref[key]
    first, last = ref["first_page"], ref["last_page"]
    if first:
        if last and len(last) < len(first) and last.isdigit():
            last = first[: len(first) - len(last)] + last
        rec["page"] = f"{first}-{last}" if last else first
    elif ref["elocation"]:
        rec["article-number"] = ref["elocation"]
    return rec


def registry(gold: Path, prefix: str = "10.5555/gold") -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Records for every reference of ``gold`` (a ``NAME.json``) and the DOI given to each number."""
    refs = json.loads(gold.read_text(encoding="utf-8"))["references"]
    rng = random.Random(gold.name)
    dois = {r["number"]: f"{prefix}.{r['number']}" for r in refs}
    return [record(r, dois[r["number"]], rng) for r in refs], dois
