"""Build the DOI-matching evaluation set from the dev gold: what the server holds, what is cited.

For every reference of ``shared/gold/dev``:

* the reference list is parsed with :func:`refparse.parse` and each citation is
  kept with its printed DOI stripped (``doi`` emptied, raw text dropped), so
  the matcher sees exactly what the parser gives it;
* a reference whose gold has a DOI gets a **true record** built from the gold
  fields (title, authors, container, year, volume, pages, DOI) and varied the
  way Crossref records differ from reference lists: full journal names beside
  the printed abbreviation, markup and case in titles, subtitles split off,
  expanded page ranges, authors beyond "et al", online-first dates a year
  before the print year, missing fields;
* a work cited by several articles, or cited once with and once without its
  DOI, has one record and one expected DOI (matched on title and year); a DOI
  the gold gives to two different titles (a publisher's error) is left out of
  the scoring (``excluded``);
* about one work in ten is **withheld**: the right answer is then "no DOI",
  and the server holds only look-alikes (``--withhold 1`` withholds all of
  them: the adversarial set, where every DOI added is wrong);
* **distractors** are added around references: same-title corrections,
  errata and retractions (with and without ``update-to``), replies and
  comments, same-title letters by other authors, reprints in another year,
  preprints, companion papers with one word changed, works sharing many
  words, ``component`` and ``journal-issue`` records.

Output (gzip JSON Lines, deterministic): ``records.jsonl.gz`` (what the server
holds) and ``cases.jsonl.gz`` (one line per citation: case, number, expected
DOI or null, status ``held``/``withheld``/``no-doi``/``excluded``, the
distractor kinds added, the citation). The citations are stored, not
re-parsed at test time, so parser work elsewhere does not move the figures
until the set is rebuilt. Re-run after parser changes::

    python benchmarks/doi_matching/build_set.py --gold ../shared/gold/dev
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import refparse

HERE = Path(__file__).resolve().parent
DEFAULT_GOLD = HERE.parents[2] / "shared" / "gold" / "dev"
DEFAULT_STYLES_GOLD = HERE.parents[2] / "shared" / "gold" / "styles-dev"
WITHHOLD = 0.10
#: Probability of each distractor kind around a reference whose record is held.
HELD_DISTRACTORS = {
    "correction": 0.12, "retraction": 0.03, "reply": 0.06, "letter": 0.05, "reprint": 0.04,
    "preprint": 0.08, "similar": 0.12, "companion": 0.04, "component": 0.05, "issue": 0.04,
}
HARD = ("correction", "letter", "reprint", "preprint", "companion", "component", "reply", "similar", "retraction")
ABBREVIATIONS = {
    "j": "Journal", "biol": "Biology", "chem": "Chemistry", "med": "Medicine", "natl": "National",
    "acad": "Academy", "sci": "Sciences", "proc": "Proceedings", "res": "Research", "rev": "Reviews",
    "int": "International", "am": "American", "clin": "Clinical", "mol": "Molecular", "genet": "Genetics",
    "comput": "Computational", "neurosci": "Neuroscience", "microbiol": "Microbiology", "immunol": "Immunology",
    "infect": "Infectious", "dis": "Diseases", "trop": "Tropical", "negl": "Neglected", "pathog": "Pathogens",
    "physiol": "Physiology", "ecol": "Ecology", "evol": "Evolution", "dev": "Development", "soc": "Society",
    "lett": "Letters", "epidemiol": "Epidemiology", "pharmacol": "Pharmacology", "biochem": "Biochemistry",
    "biophys": "Biophysics", "nat": "Nature", "engl": "England", "br": "British", "eur": "European",
    "psychol": "Psychology", "neurol": "Neurology", "endocrinol": "Endocrinology", "metab": "Metabolism",
    "hum": "Human", "anim": "Animal", "behav": "Behavior", "exp": "Experimental", "appl": "Applied",
    "environ": "Environmental", "bull": "Bulletin", "ann": "Annals", "annu": "Annual", "curr": "Current",
    "opin": "Opinion", "syst": "Systems", "struct": "Structural", "theor": "Theoretical", "phys": "Physics",
}
FIRST_NAMES = ["Maria", "John", "Wei", "Anna", "Carlos", "Fatima", "Hiroshi", "Olga", "Peter", "Amina"]
FAMILY_NAMES = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Kowalski", "Haddad", "Brennan", "Ivanova", "Silva", "Novak"]


def expand_container(printed: str) -> str:
    """A full journal name in the style Crossref holds, from a printed abbreviation."""
    words = printed.replace(".", "").split()
    if len(words) < 2 or not any(w.lower() in ABBREVIATIONS for w in words):
        return printed
    out = [ABBREVIATIONS.get(w.lower(), w) for w in words if w not in ("U", "S", "A")]
    if out and out[0] == "Journal" and len(out) > 1:
        out.insert(1, "of")
    return " ".join(out)


def _date(year: int, month: int = 6) -> dict[str, Any]:
    return {"date-parts": [[year, month]]}


def _author(family: str, given: str | None, first: bool) -> dict[str, Any]:
    a: dict[str, Any] = {"family": family, "sequence": "first" if first else "additional", "affiliation": []}
    if given:
        a["given"] = given
    return a


def _title_case(title: str) -> str:
    return " ".join(w[:1].upper() + w[1:] if len(w) > 3 else w for w in title.split())


ACCENTS = {"a": "á", "e": "é", "o": "ö", "u": "ü", "c": "ç", "n": "ñ"}
SPELLING = [("our", "or"), ("ise", "ize"), ("yse", "yze"), ("ae", "e"), ("-", " "), ("tumor", "tumour")]


def _vary_name(rng: random.Random, family: str) -> str:
    """A family name as another database spells it: accents, case, particles, compounds."""
    r = rng.random()
    if r < 0.3:
        i = next((i for i, ch in enumerate(family) if ch in ACCENTS), None)
        return family if i is None else family[:i] + ACCENTS[family[i]] + family[i + 1:]
    if r < 0.5:
        return family.upper()
    if r < 0.7 and "-" in family:
        return family.replace("-", " ")
    if r < 0.85:
        return "van " + family if " " not in family else family
    return family + "-" + rng.choice(FAMILY_NAMES)


def _vary_title(rng: random.Random, title: str) -> dict[str, Any]:
    r = rng.random()
    if r < 0.04:
        for a, b in SPELLING:
            if a in title:
                return {"title": [title.replace(a, b, 1)]}

    if r < 0.08:
        return {"title": [_title_case(title)]}
    if r < 0.14:
        words = title.split()
        i = rng.randrange(len(words))
        words[i] = f"<i>{words[i]}</i>"
        return {"title": [" ".join(words)]}
    if r < 0.24 and ": " in title:
        main, sub = title.split(": ", 1)
        return {"title": [main], "subtitle": [sub]}
    if r < 0.28:
        return {"title": [title + "."]}
    if r < 0.31:
        return {"title": [title.replace(" and ", " &amp; ")]}
    return {"title": [title]}


def true_record(rng: random.Random, ref: dict[str, Any]) -> dict[str, Any]:
    """The Crossref record of a gold reference, varied the way real records differ."""
    found = re.search(r"\d{4}", ref["year"] or "")
    year = int(found.group(0)) if found else 2000
    kind = {"journal": "journal-article", "book": "book", "chapter": "book-chapter", "conference": "proceedings-article"}
    rec: dict[str, Any] = {"DOI": ref["doi"], "type": kind.get(ref["type"], "report")}
    rec.update(_vary_title(rng, ref["title"] or ""))
    authors = [_author(a["family"], a.get("given"), i == 0) for i, a in enumerate(ref["authors"])]
    if ref.get("collab"):
        authors.insert(0, {"name": ref["collab"].split("; ")[0], "sequence": "first", "affiliation": []})
    if ref["et_al"] or len(authors) in (3, 6):
        authors += [_author(rng.choice(FAMILY_NAMES), rng.choice(FIRST_NAMES), False) for _ in range(rng.randint(1, 6))]
    if authors and "family" in authors[0] and rng.random() < 0.05:
        authors[0] = {**authors[0], "family": _vary_name(rng, authors[0]["family"])}
    if rng.random() >= 0.03:
        rec["author"] = authors
    if ref["container_title"]:
        rec["container-title"] = [expand_container(ref["container_title"])]
        rec["short-container-title"] = [ref["container_title"].replace(".", "")]
    r = rng.random()
    if r < 0.12:
        rec["published-online"], rec["published-print"], rec["issued"] = _date(year - 1, 11), _date(year), _date(year - 1, 11)
    elif r < 0.16:
        rec["published-online"], rec["issued"] = _date(year - 1, 12), _date(year - 1, 12)
    else:
        rec["published-print"], rec["issued"] = _date(year), _date(year)
    if ref["volume"] and rng.random() >= 0.02:
        rec["volume"] = ref["volume"]
    if ref["issue"]:
        rec["issue"] = ref["issue"]
    if rng.random() < 0.02:  # a deposit whose only date is a year off, with no online/print detail
        rec.pop("published-online", None)
        rec["published-print"] = rec["issued"] = _date(year + rng.choice((-1, 1)))
    if rng.random() < 0.05:  # deposited before pagination
        return rec
    if ref["first_page"]:
        last = ref["last_page"]
        if last and len(last) < len(ref["first_page"]):
            last = ref["first_page"][: len(ref["first_page"]) - len(last)] + last
        rec["page"] = f"{ref['first_page']}-{last}" if last else ref["first_page"]
    elif ref["elocation"]:
        rec["page" if rng.random() < 0.5 else "article-number"] = ref["elocation"]
    return rec


def _other_authors(rng: random.Random) -> list[dict[str, Any]]:
    return [_author(rng.choice(FAMILY_NAMES), rng.choice(FIRST_NAMES), i == 0) for i in range(rng.randint(1, 3))]


def _swap_words(rng: random.Random, title: str, n: int, pool: list[str]) -> str:
    words = title.split()
    spots = [i for i, w in enumerate(words) if len(w) > 3]
    for i in rng.sample(spots, min(n, len(spots))):
        words[i] = rng.choice(pool)
    return " ".join(words)


def distractor(kind: str, rng: random.Random, base: dict[str, Any], n: int, pool: list[str], journals: list[str]) -> dict[str, Any]:
    """One look-alike record of ``kind`` around ``base`` (a true record, held or not)."""
    title = re.sub(r"<[^>]+>", "", " ".join(base.get("title", [""]) + base.get("subtitle", [])))
    year = ((base.get("published-print") or base.get("issued") or {}).get("date-parts") or [[2000]])[0][0]
    prefix = base["DOI"].split("/", 1)[0]
    rec: dict[str, Any] = {"DOI": f"{prefix}/loopback.{kind}.{n}", "type": "journal-article"}
    same_venue = {k: base[k] for k in ("container-title", "short-container-title") if k in base}
    vol = base.get("volume", "1")
    nxt = str(int(vol) + 1) if vol.isdigit() else vol
    page = str(rng.randint(1, 999))
    if kind in ("correction", "retraction"):
        forms = {
            "correction": ["Correction: {t}", "Erratum: {t}", "Corrigendum: {t}", "Correction to: {t}",
                           "Publisher Correction: {t}", "{t} (vol {v}, pg {p}, {y})", "{t}"],
            "retraction": ["Retraction: {t}", 'Retraction notice to "{t}"', "Notice of Retraction: {t}", "{t}"],
        }[kind]
        form = rng.choice(forms)
        rec["title"] = [form.format(t=title, v=vol, p=base.get("page", "1"), y=year)]
        if form == "{t}" or rng.random() < 0.4:
            rec["update-to"] = [{"DOI": base["DOI"], "type": kind, "label": kind.title()}]
        if rng.random() < 0.4 and "author" in base:
            rec["author"] = base["author"]
        rec.update(same_venue, issued=_date(year + rng.randint(0, 1)), volume=rng.choice([vol, nxt]), page=page)
    elif kind == "reply":
        form = rng.choice(['Reply to "{t}"', 'Comment on "{t}"', "Re: {t}", "Response to comment on: {t}"])
        rec["title"] = [form.format(t=title)]
        rec["author"] = base.get("author", [])[:2] if form.startswith(("Reply", "Response")) else _other_authors(rng)
        if rng.random() < 0.3:
            rec["relation"] = {"is-reply-to" if "eply" in form else "is-comment-on": [{"id-type": "doi", "id": base["DOI"], "asserted-by": "subject"}]}
        rec.update(same_venue, issued=_date(year + rng.randint(0, 1)), volume=rng.choice([vol, nxt]), page=page)
    elif kind == "letter":
        rec.update(same_venue, title=[title], author=_other_authors(rng), issued=_date(year + rng.randint(0, 1)),
                   volume=rng.choice([vol, nxt]), page=page)
    elif kind == "reprint":
        other = rng.choice(journals)
        rec.update(title=[title], author=base.get("author", []), issued=_date(year + rng.randint(2, 8)),
                   volume=str(rng.randint(1, 90)), page=page)
        rec["container-title"] = [other]
    elif kind == "preprint":
        rec.update(type="posted-content", subtype="preprint", title=[title if rng.random() < 0.7 else _swap_words(rng, title, 1, pool)],
                   author=base.get("author", []), issued=_date(year - rng.randint(0, 1)), institution=[{"name": "bioRxiv"}])
        rec["DOI"] = f"10.1101/loopback.{n}"
        if rng.random() < 0.5:
            rec["relation"] = {"is-preprint-of": [{"id-type": "doi", "id": base["DOI"], "asserted-by": "subject"}]}
    elif kind == "companion":
        rec.update(same_venue, title=[_swap_words(rng, title, 1, pool)], author=base.get("author", []),
                   issued=base.get("issued", _date(year)), volume=vol, page=str(rng.randint(1000, 1999)))
    elif kind == "similar":
        rec["title"] = [_swap_words(rng, title, rng.randint(2, 4), pool)]
        rec["author"] = base.get("author", [])[:3] if rng.random() < 0.5 else _other_authors(rng)
        if rng.random() < 0.5:
            rec.update(same_venue)
        rec.update(issued=_date(year + rng.randint(-2, 2)), volume=str(rng.randint(1, 90)), page=page)
    elif kind == "component":
        rec.update(type="component", title=[title], DOI=base["DOI"] + f".s00{rng.randint(1, 9)}", issued=base.get("issued", _date(year)))
    elif kind == "issue":
        rec.update(same_venue, type="journal-issue", title=[] if rng.random() < 0.6 else [f"Special issue: {_swap_words(rng, title, 2, pool)}"],
                   issued=base.get("issued", _date(year)), volume=vol)
        if "issue" in base:
            rec["issue"] = base["issue"]
    return rec


def _stripped(citation: refparse.Citation) -> dict[str, Any]:
    data = citation.model_dump(mode="json", exclude_none=True, exclude={"raw", "match"})
    data.pop("doi", None)
    data["warnings"] = [w for w in data.get("warnings", []) if "doi" not in w.get("message", "").lower()]
    return data


def _work_key(ref: dict[str, Any]) -> tuple[str, str]:
    return " ".join(re.findall(r"[0-9a-z]+", (ref["title"] or "").lower())), (ref["year"] or "")[:4]


def _dois(golds: list[dict[str, Any]]) -> tuple[dict[str, str], set[str]]:
    """Which DOI each work has, and the DOIs the gold gives to two different works.

    Why: a work cited by several articles must have one record (and one
    expected DOI) however often it is cited, with or without its DOI; and a
    DOI printed for two different titles is a publisher's error, so its
    references are left out of the scoring rather than guessed.
    """
    titles: dict[str, set[str]] = {}
    for g in golds:
        for r in g["references"]:
            if r["doi"] and r["title"]:
                titles.setdefault(r["doi"].lower(), set()).add(_work_key(r)[0])
    bad = {d for d, t in titles.items() if len(t) > 1}
    by_work = {}
    for g in golds:
        for r in g["references"]:
            if r["doi"] and r["title"] and r["doi"].lower() not in bad:
                by_work.setdefault(_work_key(r), r["doi"].lower())
    return by_work, bad


def build(gold: Path, withhold: float = WITHHOLD) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Records the server holds and the cases to look up, from a gold folder.

    Args:
        gold: the gold folder (``NAME.txt`` + ``NAME.json`` per article).
        withhold: the share of works whose record the server does not hold
            (``1.0`` gives the adversarial set: only look-alikes are held).
    """
    golds = [json.loads(p.read_text()) for p in sorted(gold.glob("*.json")) if p.name != "MANIFEST.json"]
    pool = sorted({w for g in golds for r in g["references"] for w in (r["title"] or "").split() if len(w) > 4 and w.isalpha()})
    journals = sorted({expand_container(r["container_title"]) for g in golds for r in g["references"] if r["container_title"]})
    by_work, bad = _dois(golds)
    withheld = {d for d in set(by_work.values()) if random.Random(d).random() < withhold}
    made: set[str] = set()
    records: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    n = 0
    for g in golds:
        text = (gold / f"{g['id']}.txt").read_text(encoding="utf-8")
        parsed = {c.number: c for c in refparse.parse(text).citations}
        for ref in g["references"]:
            citation = parsed.get(ref["number"])
            if citation is None:
                continue
            rng = random.Random(f"{g['id']}:{ref['number']}")
            doi = by_work.get(_work_key(ref)) if ref["title"] else None
            expected, status, kinds = None, "no-doi", []
            if ref["doi"] and ref["doi"].lower() in bad:
                status = "excluded"
            elif doi and doi in withheld:
                status = "withheld"
                if doi not in made:
                    made.add(doi)
                    base = true_record(rng, {**ref, "doi": doi})
                    kinds = rng.sample(HARD, 2)
            elif doi:
                status, expected = "held", doi
                if doi not in made:
                    made.add(doi)
                    base = true_record(rng, {**ref, "doi": doi})
                    records.append(base)
                    kinds = [k for k, p in HELD_DISTRACTORS.items() if rng.random() < p]
            elif ref["title"] and ref["type"] == "journal" and rng.random() < 0.10:
                base = true_record(rng, {**ref, "doi": f"10.5555/loopback.base.{g['id']}.{ref['number']}"})
                kinds = [rng.choice(HARD)]
            for kind in kinds:
                n += 1
                records.append(distractor(kind, rng, base, n, pool, journals))
            cases.append({"case": g["id"], "number": ref["number"], "expected": expected, "status": status,
                          "distractors": kinds, "citation": _stripped(citation)})
    return records, cases


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        for row in rows:
            f.write((json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode())


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a gzip JSON Lines file written by this script."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def main() -> None:
    """Write ``records.jsonl.gz`` and ``cases.jsonl.gz`` (the dev suite) and each hard suite next to this script."""
    from hard_cases import SUITES, build_suite, load_golds

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="the gold folder (default ../shared/gold/dev)")
    ap.add_argument("--styles-gold", type=Path, default=DEFAULT_STYLES_GOLD,
                    help="the styles gold folder for the hard suites (default ../shared/gold/styles-dev)")
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: this script's)")
    ap.add_argument("--withhold", type=float, default=WITHHOLD, help=f"share of records withheld (default {WITHHOLD})")
    ap.add_argument("--suites", default="dev," + ",".join(SUITES), help="suites to build (default: all)")
    args = ap.parse_args()
    wanted = [s for s in args.suites.split(",") if s]
    args.out.mkdir(parents=True, exist_ok=True)
    if "dev" in wanted:
        records, cases = build(args.gold, args.withhold)
        _write(args.out / "records.jsonl.gz", records)
        _write(args.out / "cases.jsonl.gz", cases)
        _tell("dev", records, cases)
    hard = [s for s in wanted if s != "dev"]
    if hard:
        golds = load_golds(args.gold, args.styles_gold)
        for suite in hard:
            records, cases = build_suite(suite, golds, withhold=args.withhold)
            _write(args.out / f"records-{suite}.jsonl.gz", records)
            _write(args.out / f"cases-{suite}.jsonl.gz", cases)
            _tell(suite, records, cases)


def _tell(suite: str, records: list[dict[str, Any]], cases: list[dict[str, Any]]) -> None:
    counts = Counter(c["status"] for c in cases)
    print(f"{suite}: {len(records)} records, {len(cases)} citations: "
          + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
