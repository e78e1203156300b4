"""The kinds of reference the first set under-represented, each as a registry of its own (a *suite*).

The dev set (``build_set.build``) is mostly journal articles whose Crossref
record closely follows the reference. Matching is weakest elsewhere (issue
16): short titles, subtitles printed or deposited on one side only, titles
in another language, books and chapters, references without a journal,
non-English records. Each suite below takes gold references (dev and
styles-dev: SciELO pages in Portuguese, Spanish and English), gives each
work a Crossref record varied the way such records really differ, and adds
**hard negatives** — the look-alikes each relaxed rule could mistake for
the work — plus about one work in ten withheld (the right answer is then
"no DOI" and only its look-alikes are served).

=================  ======================================================  ==========================================
suite              the record differs from the reference by                hard negatives
=================  ======================================================  ==========================================
``subtitle``       the subtitle: printed but not deposited, deposited in   the same main title with another subtitle
                   ``title`` but not printed, or split off and printed     (part II, a sequel) by the same author
                   after a full stop or a dash
``short-title``    nothing but the usual variations; the title is short    the same short title by other authors, and
                   (three significant words or fewer)                      in the same journal another year (columns)
``translated``     its title is in another language (the printed one in    the same author's other papers in the same
                   ``original-title`` for some), its journal may be named  journal and year (other volume or page)
                   in English
``book``           books, monographs, edited books (editors, no authors)   book reviews with the book's title, other
                   and chapters: no volume or pages, an e-book date years  editions, the other chapters of the book,
                   after the print date, ISBNs, publishers                 the book for a chapter and a chapter for it
``no-journal``     the reference prints no journal (or no volume either)   same title and author in another year
``non-english``    SciELO records: titles in two languages, compound       the usual look-alikes (corrections,
                   Spanish and Portuguese family names joined or split,    letters, reprints …)
                   accents and upper case
=================  ======================================================  ==========================================

The works and their DOIs are synthetic where the gold has none
(``10.5555/<suite>.<article>.<number>``); the citations are what the parser
gives for the printed reference, as in the dev set.
"""

from __future__ import annotations

import json
import random
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import refparse
from build_set import FAMILY_NAMES, FIRST_NAMES, HARD, WITHHOLD, _author, _date, _stripped, distractor, true_record

SUITES = ("subtitle", "short-title", "translated", "book", "no-journal", "non-english")
#: A vocabulary for "translations": a title in another language shares no words with the printed one.
_OTHER_LANGUAGE = (
    "analysis study effects evaluation patients health population children women risk factors review clinical "
    "treatment outcomes association cohort survey prevalence quality care national regional trends burden "
    "intervention community hospital primary program assessment model data case report municipal state city "
    "rural urban workers adolescents elderly nursing mortality morbidity vaccination coverage access services"
).split()
_SPLIT = re.compile(r"(?<=\w)(?P<sep>: | - | – |\? |\. )(?=\w)")
_STOP = set("a an and the of in on for to with by from at as or de da do dos das e em o a para com y el la los las del en".split())

Gold = tuple[dict[str, Any], dict[int, refparse.Citation]]


def load_golds(*folders: Path) -> list[Gold]:
    """Each gold file with its parsed citations by number."""
    out = []
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            if path.name == "MANIFEST.json":
                continue
            gold = json.loads(path.read_text(encoding="utf-8"))
            text = (folder / f"{gold['id']}.txt").read_text(encoding="utf-8")
            out.append((gold, {c.number: c for c in refparse.parse(text).citations if c.number is not None}))
    return out


def translate(title: str) -> str:
    """A stand-in for the title in another language: the same length, none of its words."""
    words = title.split()
    return " ".join(_OTHER_LANGUAGE[zlib.crc32(w.lower().encode()) % len(_OTHER_LANGUAGE)] for w in words).capitalize()


def significant(title: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]+", title.lower()) if len(w) > 2 and w not in _STOP]


def _year(ref: dict[str, Any]) -> int:
    found = re.search(r"\d{4}", ref["year"] or "")
    return int(found.group(0)) if found else 2000


def _people(rng: random.Random, n: int) -> list[dict[str, Any]]:
    return [_author(rng.choice(FAMILY_NAMES), rng.choice(FIRST_NAMES), i == 0) for i in range(n)]


def _doi(suite: str, gold: dict[str, Any], ref: dict[str, Any], tag: str = "") -> str:
    return f"10.5555/{suite}.{gold['id']}.{ref['number']}{tag}".lower()


# ----------------------------------------------------------------- records of the works
def subtitle_record(rng: random.Random, ref: dict[str, Any], doi: str) -> dict[str, Any]:
    rec = true_record(rng, {**ref, "doi": doi})
    title = ref["title"]
    m = _SPLIT.search(title)
    r = rng.random()
    rec.pop("subtitle", None)
    if m and r < 0.5:  # printed "Main: subtitle", deposited "Main" only
        rec["title"] = [title[: m.start()]]
    elif m:  # deposited as title + subtitle, printed with another separator
        rec["title"], rec["subtitle"] = [title[: m.start()]], [title[m.end():]]
    else:  # printed without the subtitle the record holds in its title
        rec["title"] = [f"{title}: {rng.choice(['a', 'the'])} {' '.join(rng.sample(_OTHER_LANGUAGE, 3))}"]
    return rec


def translated_record(rng: random.Random, ref: dict[str, Any], doi: str) -> dict[str, Any]:
    rec = true_record(rng, {**ref, "doi": doi})
    rec.pop("subtitle", None)
    rec["title"] = [translate(ref["title"])]
    if rng.random() < 0.3:
        rec["original-title"] = [ref["title"]]
    if rng.random() < 0.3 and rec.get("container-title"):
        rec["container-title"] = [translate(rec["container-title"][0])]
        rec.pop("short-container-title", None)
    return rec


def book_record(rng: random.Random, ref: dict[str, Any], doi: str) -> dict[str, Any]:
    year = _year(ref)
    chapter = ref["type"] == "chapter"
    kind = "book-chapter" if chapter else rng.choice(["book", "book", "monograph", "edited-book"])
    rec: dict[str, Any] = {"DOI": doi, "type": kind, "publisher": ref.get("publisher") or "Loopback Press",
                           "ISBN": [f"978-0-{zlib.crc32(doi.encode()) % 100000:05d}-{rng.randint(0, 99):02d}-1"]}
    title = ref["title"]
    m = _SPLIT.search(title)
    if m and rng.random() < 0.5:
        rec["title"], rec["subtitle"] = [title[: m.start()]], [title[m.end():]]
    else:
        rec["title"] = [title]
    people = [_author(a["family"], a.get("given"), i == 0) for i, a in enumerate(ref["authors"])]
    editors = [_author(e["family"], e.get("given"), i == 0) for i, e in enumerate(ref.get("editors") or [])]
    if kind == "edited-book" and people:
        rec["editor"] = people
    else:
        rec["author"] = people
        if editors:
            rec["editor"] = editors
    if chapter and ref["container_title"]:
        rec["container-title"] = [ref["container_title"]]
    r = rng.random()
    if r < 0.35:  # an e-book deposited years after the print edition
        rec["published-print"], rec["published-online"] = _date(year), _date(year + rng.randint(1, 15))
        rec["issued"] = _date(year)
    elif r < 0.5:  # only the online date of the e-book, the same year
        rec["published-online"] = rec["issued"] = _date(year)
    else:
        rec["published-print"] = rec["issued"] = _date(year)
    if chapter and ref["first_page"] and rng.random() < 0.7:
        rec["page"] = f"{ref['first_page']}-{ref['last_page']}" if ref["last_page"] else ref["first_page"]
    return rec


def non_english_record(rng: random.Random, ref: dict[str, Any], doi: str) -> dict[str, Any]:
    rec = true_record(rng, {**ref, "doi": doi})
    if rng.random() < 0.5:  # SciELO deposits both languages
        rec["title"] = [*rec["title"], translate(ref["title"])] if rng.random() < 0.5 else [translate(ref["title"]), *rec["title"]]
    for a in rec.get("author") or []:
        family = a.get("family") or ""
        r = rng.random()
        if "-" in family and r < 0.4:
            a["family"] = family.replace("-", " ")
        elif " " in family and r < 0.6:
            a["family"] = family.replace(" ", "-")
        elif r < 0.7:
            a["family"] = family.upper()
    return rec


# ----------------------------------------------------------------- hard negatives
def _negative(rng: random.Random, base: dict[str, Any], doi: str, **fields: Any) -> dict[str, Any]:
    rec = {"DOI": doi, "type": "journal-article", **{k: base[k] for k in ("container-title", "short-container-title") if k in base}}
    rec.update(fields)
    return rec


def negatives(suite: str, rng: random.Random, ref: dict[str, Any], base: dict[str, Any], pool: list[str]) -> list[dict[str, Any]]:
    """Look-alikes of ``base`` that the relaxations of ``suite`` must not accept."""
    doi = base["DOI"]
    year = _year(ref)
    vol = base.get("volume", "1")
    out: list[dict[str, Any]] = []
    title = base["title"][0] if base.get("title") else ref["title"]
    if suite == "subtitle":
        main = (_SPLIT.split(ref["title"])[0] if _SPLIT.search(ref["title"]) else ref["title"])
        out.append(_negative(rng, base, doi + ".part2", title=[f"{main}: part II"], author=base.get("author", [])[:2],
                             issued=_date(year + rng.randint(1, 3)), volume=str(rng.randint(1, 90)), page=str(rng.randint(1, 900))))
        out.append(_negative(rng, base, doi + ".sequel", title=[f"{main}: {' '.join(rng.sample(pool, 3))}"],
                             author=base.get("author", [])[:1], issued=_date(year + rng.choice((-2, 2))),
                             volume=str(rng.randint(1, 90)), page=str(rng.randint(1, 900))))
    elif suite == "short-title":
        out.append({"DOI": doi + ".other", "type": "journal-article", "title": [title], "author": _people(rng, 2),
                    "container-title": [rng.choice(pool).title() + " Journal"], "issued": _date(year + rng.randint(-3, 3)),
                    "volume": str(rng.randint(1, 90)), "page": str(rng.randint(1, 900))})
        out.append(_negative(rng, base, doi + ".column", title=[title], author=_people(rng, 1), issued=_date(year + 1),
                             volume=str(int(vol) + 1) if str(vol).isdigit() else vol, page=str(rng.randint(1, 900))))
    elif suite == "translated":
        for tag, change in ((".volume", {"volume": str(int(vol) + 1) if str(vol).isdigit() else "99"}),
                            (".page", {"page": str(rng.randint(1000, 1999))})):
            rec = _negative(rng, base, doi + tag, title=[translate(" ".join(rng.sample(pool, 6)))], author=base.get("author", [])[:3],
                            issued=base.get("issued", _date(year)), volume=vol, page=base.get("page", "1"))
            rec.update(change)
            out.append(rec)
    elif suite == "book":
        out.append({"DOI": doi + ".review", "type": "journal-article", "title": [title], "author": _people(rng, 1),
                    "container-title": ["Journal of Book Reviews"], "issued": _date(year + 1), "volume": str(rng.randint(1, 60)),
                    "page": str(rng.randint(1, 900))})
        out.append({**{k: v for k, v in base.items() if k not in ("published-print", "published-online", "issued", "ISBN")},
                    "DOI": doi + ".ed2", "issued": _date(year + rng.randint(3, 10)),
                    "edition-number": "2"})
        if base["type"] == "book-chapter":
            out.append({**base, "DOI": doi + ".ch2", "title": [" ".join(rng.sample(pool, 5))], "author": _people(rng, 2),
                        "page": str(rng.randint(1, 400))})
            if base.get("container-title"):
                out.append({"DOI": doi + ".book", "type": "edited-book", "title": base["container-title"],
                            "editor": base.get("editor") or _people(rng, 2), "issued": base.get("issued", _date(year)),
                            "publisher": base.get("publisher")})
        else:
            out.append({"DOI": doi + ".intro", "type": "book-chapter", "title": ["Introduction"],
                        "author": base.get("author") or base.get("editor") or [], "container-title": base["title"],
                        "issued": base.get("issued", _date(year)), "page": "1-12"})
    elif suite == "no-journal":
        out.append(_negative(rng, base, doi + ".again", title=[title], author=base.get("author", [])[:3],
                             issued=_date(year + rng.choice((-3, -2, 2, 3))), volume=str(rng.randint(1, 90)),
                             page=str(rng.randint(1, 900))))
    return out


# ----------------------------------------------------------------- which references each suite takes
def _wanted(suite: str, ref: dict[str, Any], citation: refparse.Citation) -> bool:
    title = ref["title"] or ""
    if not title or (not ref["authors"] and not ref.get("collab") and suite != "book"):
        return False
    if suite == "subtitle":
        return ref["type"] == "journal" and bool(ref["container_title"])
    if suite == "short-title":
        return 1 <= len(significant(title)) <= 3
    if suite == "translated":
        return ref["type"] == "journal" and bool(ref["volume"]) and bool(ref["first_page"] or ref["elocation"])
    if suite == "book":
        return ref["type"] in ("book", "chapter") and citation.type in ("book", "chapter")
    if suite == "no-journal":
        return ref["type"] == "journal" and bool(ref["container_title"])
    if suite == "non-english":
        return ref["type"] == "journal"
    raise ValueError(suite)


def _adjust(suite: str, rng: random.Random, citation: refparse.Citation) -> dict[str, Any]:
    data = _stripped(citation)
    if suite == "no-journal":
        data.pop("container_title", None)
        data.pop("container_title_full", None)
        if rng.random() < 0.3:
            data.pop("volume", None)
    return data


def plain_record(rng: random.Random, ref: dict[str, Any], doi: str) -> dict[str, Any]:
    return true_record(rng, {**ref, "doi": doi})


RECORD: dict[str, Callable[[random.Random, dict[str, Any], str], dict[str, Any]]] = {
    "subtitle": subtitle_record, "short-title": plain_record, "translated": translated_record, "book": book_record,
    "no-journal": plain_record, "non-english": non_english_record,
}


def _choose(suite: str, golds: list[Gold]) -> Iterator[tuple[dict[str, Any], dict[str, Any], refparse.Citation]]:
    for gold, parsed in golds:
        if suite == "non-english" and not gold["id"].startswith("scielo_"):
            continue
        for ref in gold["references"]:
            citation = parsed.get(ref["number"])
            if citation is not None and _wanted(suite, ref, citation):
                yield gold, ref, citation


def build_suite(
    suite: str, golds: list[Gold], limit: int = 400, withhold: float = WITHHOLD
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Records and cases of one suite (at most ``limit`` cases, chosen reproducibly).

    ``withhold`` is the share of works whose record is not served (``1.0``:
    the adversarial suite, where only look-alikes are served and every DOI
    added is wrong).
    """
    chosen = list(_choose(suite, golds))
    random.Random(suite).shuffle(chosen)
    chosen = chosen[:limit]
    pool = sorted({w for g, _ in golds for r in g["references"] for w in (r["title"] or "").split() if len(w) > 4 and w.isalpha()})
    journals = sorted({r["container_title"] for g, _ in golds for r in g["references"] if r["container_title"]})
    records: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    seen_dois: set[str] = set()
    n = 0
    for gold, ref, citation in chosen:
        key = (" ".join(significant(ref["title"])), ref["year"] or "")
        doi = (ref["doi"] or "").lower() or _doi(suite, gold, ref)
        if key in seen or doi in seen_dois:  # a work cited twice gets one record; the second citation is left out
            continue
        seen.add(key)
        seen_dois.add(doi)
        rng = random.Random(f"{suite}:{gold['id']}:{ref['number']}")
        base = RECORD[suite](rng, ref, doi)
        withheld = rng.random() < withhold
        if not withheld:
            records.append(base)
        if withheld:  # as in the dev set: a withheld work gets two of the hardest look-alikes
            kinds = rng.sample(HARD, 2)
        else:
            kinds = [rng.choice(HARD)] if rng.random() < 0.3 else []
        for kind in kinds:
            n += 1
            records.append(distractor(kind, rng, {**base, "title": base.get("title") or [ref["title"]]}, n, pool, journals))
        records += negatives(suite, rng, ref, base, pool)
        cases.append({"case": gold["id"], "number": ref["number"], "expected": None if withheld else doi,
                      "status": "withheld" if withheld else "held", "distractors": [*kinds, f"{suite}-negatives"],
                      "suite": suite, "citation": _adjust(suite, rng, citation)})
    return records, cases
