"""Field-level comparison of citations with publisher gold (the dev-gold format).

A small re-implementation of the rules of the project's evaluation tool, so
tests can hold accuracy floors without depending on files outside the repo.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from refparse.models import Citation

FIELDS = ("authors", "et_al", "title", "container_title", "year", "volume", "issue", "first_page", "last_page", "doi")


def norm(value: Any) -> str:
    if value is None:
        return ""
    s = unicodedata.normalize("NFKC", str(value))
    s = re.sub(r"[\u2013\u2014\u2212]", "-", s)
    s = re.sub(r"[\u2018\u2019\u201c\u201d\"'`]", "", s)
    return re.sub(r"\s+", " ", s).strip().casefold().strip(" .,;:")


def _initial(given: str | None) -> str:
    letters = re.findall(r"[^\W\d_]", unicodedata.normalize("NFKC", given or ""))
    return letters[0].casefold() if letters else ""


def gold_fields(ref: dict[str, Any]) -> dict[str, Any]:
    authors = [norm(a["family"]) + "|" + _initial(a.get("given")) for a in ref.get("authors") or []]
    if not authors and ref.get("collab"):
        authors = ["lit:" + norm(ref["collab"])]
    first, last = ref.get("first_page") or ref.get("elocation"), ref.get("last_page")
    if first and not last and re.fullmatch(r"\s*\w+\s*[-\u2013]\s*\w+\s*", str(first)):
        first, last = re.split(r"\s*[-\u2013]\s*", str(first).strip(), maxsplit=1)
    year = re.search(r"\d{4}", str(ref.get("year") or ""))
    return {
        "authors": authors or None,
        "et_al": bool(ref.get("et_al")),
        "title": norm(ref.get("title")) or None,
        "container_title": norm(ref.get("container_title")) or None,
        "year": year.group(0) if year else None,
        "volume": norm(ref.get("volume")) or None,
        "issue": re.sub(r"suppl(ement)?\.?", "suppl", norm(ref.get("issue"))).replace(" ", "") or None,
        "first_page": norm(first) or None,
        "last_page": norm(last) or None,
        "doi": norm(ref.get("doi")) or None,
    }


def citation_fields(c: Citation) -> dict[str, Any]:
    authors = []
    for a in c.authors:
        if a.kind == "organization":
            authors.append("lit:" + norm(a.name))
        else:
            authors.append(norm(" ".join(x for x in (a.particle, a.family) if x)) + "|" + _initial(a.given))
    first = c.pages.first if c.pages else c.article_number
    return {
        "authors": authors or None,
        "et_al": c.et_al,
        "title": norm(c.title) or None,
        "container_title": norm(c.container_title or (c.event.title if c.event else None)) or None,
        "year": str(c.year) if c.year else None,
        "volume": norm(c.volume) or None,
        "issue": re.sub(r"suppl(ement)?\.?", "suppl", norm(c.issue)).replace(" ", "") or None,
        "first_page": norm(first) or None,
        "last_page": norm(c.pages.last if c.pages else None) or None,
        "doi": norm(c.doi) or None,
    }


def same(field: str, gold: Any, got: Any) -> bool:
    if field == "last_page" and gold and got and gold != got:
        return got.endswith(gold) or gold.endswith(got)
    return bool(gold == got)


class Tally:
    """Per-field true/false positives and negatives, and exact references, over pairs."""

    def __init__(self) -> None:
        self.tp = dict.fromkeys(FIELDS, 0)
        self.fp = dict.fromkeys(FIELDS, 0)
        self.fn = dict.fromkeys(FIELDS, 0)
        self.refs = self.exact = self.found = 0

    def add(self, ref: dict[str, Any], c: Citation | None) -> None:
        g = gold_fields(ref)
        p = citation_fields(c) if c else dict.fromkeys(FIELDS)
        lenient = ref.get("fully_tagged") is False
        skip = set(ref.get("unverified") or [])
        ok = c is not None
        for f in FIELDS:
            if f in skip or (lenient and g[f] in (None, False)):
                continue
            if g[f] in (None, False) and p[f] in (None, False):
                continue
            if g[f] not in (None, False) and p[f] not in (None, False) and same(f, g[f], p[f]):
                self.tp[f] += 1
                continue
            ok = False
            self.fp[f] += p[f] not in (None, False)
            self.fn[f] += g[f] not in (None, False)
        self.refs += 1
        self.found += c is not None
        self.exact += ok

    def f1(self, field: str | None = None) -> float:
        """Micro F1 over every field, or the F1 of one field."""
        fields = FIELDS if field is None else (field,)
        tp, fp, fn = (sum(d[f] for f in fields) for d in (self.tp, self.fp, self.fn))
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def exact_share(self) -> float:
        return self.exact / self.refs if self.refs else 0.0


def score(pairs: list[tuple[dict[str, Any], Citation | None]]) -> tuple[float, float]:
    """(micro F1, share of references with every field right) over gold/citation pairs."""
    tally = Tally()
    for ref, c in pairs:
        tally.add(ref, c)
    return tally.f1(), tally.exact_share()
