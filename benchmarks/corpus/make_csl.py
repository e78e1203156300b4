#!/usr/bin/env python3
"""Render the dev gold references through real CSL styles (citeproc-js), in both layouts.

The hand-made styles of make_styles.py imitate publishers; this script prints the same dev
gold references (/work/shared/gold/dev: fully tagged journal articles, books and chapters)
through the published CSL styles themselves (csl/styles/*.csl, from the Citation Style
Language project, CC BY-SA 3.0), with citeproc-js under node (csl/render.js). Each
reference is rendered twice: as plain text, and with every variable and every name part
wrapped in private-use marker characters. The marked text gives

* the line-broken layout (styles/KEY_NN.txt): one line per variable or name part, text
  between them as text-node lines, as when a <mixed-citation> is copied from a page;
* the flat layout (styles-flat/KEY_NN.txt): the plain text, one reference per line or
  wrapped (see flat.py), numbered as the style numbers or not at all;
* the gold (KEY_NN.json, the dev gold schema): each value is the text the style printed
  for that variable (the authors the et-al rule kept, the journal in the form the style
  prints, the last page as printed, the title in the style's case).

Checks, any failure exits 1: the marked text without its markers equals the plain text
(markers change nothing); every printed person matches its source person; every gold value
is one line of its line-broken block and is printed in its flat reference.

Set-up once: ``npm install --prefix benchmarks/corpus/csl`` (citeproc, see csl/package.json).
Usage:

    python3 benchmarks/corpus/make_csl.py --gold /work/shared/gold/dev
"""
from __future__ import annotations

import argparse
import collections
import json
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import flat  # noqa: E402
import make_styles as ms  # noqa: E402

CSL_DIR = HERE / "csl"
SEED = 20250612
NS = "http://purl.org/net/xbiblio/csl"
FILES_PER_STYLE = 3
REFS_PER_FILE = 40

# key: (CSL style file, locale, flat heading language, share of journal items given a URL
# and an access date, description)
STYLES = {
    "abnt": ("associacao-brasileira-de-normas-tecnicas-ufrgs-initials", "pt-BR", "pt", 0.4,
             "ABNT NBR 6023:2018 (UFRGS, initials; author-date, pt-BR)"),
    "abnt-usp": ("associacao-brasileira-de-normas-tecnicas-usp-fmvz", "pt-BR", "pt", 0.4,
                 "ABNT NBR 6023 (USP FMVZ: every author, <URL>; pt-BR)"),
    "mla": ("modern-language-association", "en-US", "en", 0.3, "MLA 9th edition"),
    "chicago-nb": ("chicago-notes-bibliography", "en-US", "en", 0.1, "Chicago notes and bibliography (bibliography)"),
    "chicago-ad": ("chicago-author-date", "en-US", "en", 0.1, "Chicago author-date"),
    "apa-csl": ("apa", "en-US", "en", 0.0, "APA 7th edition"),
    "harvard-ctr": ("harvard-cite-them-right", "en-GB", "en", 0.3, "Harvard (Cite Them Right)"),
    "elsevier-harvard": ("elsevier-harvard", "en-US", "en", 0.0, "Elsevier Harvard"),
    "springer-basic": ("springer-basic-brackets", "en-US", "en", 0.0, "Springer basic (numbered, brackets)"),
    "acs": ("american-chemical-society", "en-US", "en", 0.0, "American Chemical Society"),
    "ama": ("american-medical-association", "en-US", "en", 0.1, "AMA 11th edition"),
    "ieee-csl": ("ieee", "en-US", "en", 0.1, "IEEE"),
    "vancouver-csl": ("nlm-citation-sequence", "en-US", "en", 0.0, "Vancouver / NLM citation-sequence"),
    "nature-csl": ("nature", "en-GB", "en", 0.0, "Nature"),
}

# Styles whose bibliographies print given names in full. The dev gold holds initials only,
# so for these a first initial is spelled out as a common given name (chosen from the
# person's name, so one person keeps one name): invented decoration, printed and so gold.
FULL_NAME_STYLES = {"chicago-nb", "mla"}
GIVEN_NAMES = {
    "A": ["Anna", "Alan", "Ahmed", "Alice"], "B": ["Brian", "Beatriz", "Bo"], "C": ["Carol", "Carlos", "Chen"],
    "D": ["David", "Daniela", "Dmitri"], "E": ["Emma", "Erik", "Elena"], "F": ["Frank", "Fatima", "Felix"],
    "G": ["George", "Grace", "Giulia"], "H": ["Hannah", "Hiroshi", "Henry"], "I": ["Irene", "Ivan", "Isabel"],
    "J": ["John", "Julia", "Jorge", "Jian"], "K": ["Karen", "Kenji", "Klaus"], "L": ["Laura", "Luis", "Li"],
    "M": ["Maria", "Michael", "Mohammed", "Mei"], "N": ["Nina", "Nikolai", "Naomi"], "O": ["Olga", "Oscar"],
    "P": ["Paul", "Priya", "Pedro"], "R": ["Robert", "Rosa", "Rajesh"], "S": ["Sarah", "Stefan", "Sofia"],
    "T": ["Thomas", "Tanya", "Takeshi"], "U": ["Ulrich", "Ursula"], "V": ["Victor", "Vera"],
    "W": ["William", "Wei", "Wanda"], "Y": ["Yuki", "Yusuf"], "Z": ["Zoe", "Zhang"],
}

M_OPEN, M_MID, M_CLOSE = "\ue000", "\ue001", "\ue002"
FAM_OPEN, FAM_CLOSE, GIV_OPEN, GIV_CLOSE = "\ue010", "\ue011", "\ue012", "\ue013"
MARKS = re.compile("[\ue000-\ue013]")
SPAN = re.compile(f"{M_OPEN}([^{M_MID}]*){M_MID}(.*?){M_CLOSE}", re.S)
NAME_ROLES = {"author": "authors", "editor": "editors", "container-author": "editors"}


class ReadBackError(Exception):
    """A reference whose gold cannot be read back from what the style printed."""


# --------------------------------------------------------------------------------------
# The marked style: every name part wrapped in marker affixes
# --------------------------------------------------------------------------------------
def marked_style(xml: str) -> str:
    ET.register_namespace("", NS)
    root = ET.fromstring(xml)
    info = root.find(f"{{{NS}}}info")
    if info is not None:
        root.remove(info)  # its <name> elements are the style's authors, not cs:name
    in_substitute = {id(n) for sub in root.iter(f"{{{NS}}}substitute") for n in sub.iter(f"{{{NS}}}names")}
    for names in root.iter(f"{{{NS}}}names"):
        # A <names> without <name> uses the style's inherited name options: an empty <name>
        # keeps them and takes the marker name-parts. (Not inside <substitute>, where a bare
        # <names> inherits the original element's <name>.)
        if id(names) not in in_substitute and names.find(f"{{{NS}}}name") is None:
            names.insert(0, ET.Element(f"{{{NS}}}name"))
    for name in root.iter(f"{{{NS}}}name"):
        parts = {p.get("name"): p for p in name.findall(f"{{{NS}}}name-part")}
        for part, (op, cl) in (("family", (FAM_OPEN, FAM_CLOSE)), ("given", (GIV_OPEN, GIV_CLOSE))):
            el = parts.get(part)
            if el is None:
                el = ET.SubElement(name, f"{{{NS}}}name-part", {"name": part})
            el.set("prefix", (el.get("prefix") or "") + op)
            el.set("suffix", cl + (el.get("suffix") or ""))
    return ET.tostring(root, encoding="unicode")


# --------------------------------------------------------------------------------------
# Source references -> CSL-JSON items
# --------------------------------------------------------------------------------------
def csl_given(raw: str, groups) -> str:
    """PLOS-style run-together initials ("AB", "K-L") become "A. B."; spelled-out given
    names ("Zhi-Feng", "John P.") are kept for the style to print or initialise."""
    if re.search(r"[a-z]{2}", raw):
        return raw
    return " ".join(".-".join(g) + "." for g in groups)


def spelled_out(family: str, groups) -> str:
    """"A. B." -> "Anna B." (see FULL_NAME_STYLES); hyphenated or unknown initials stay."""
    first = groups[0]
    names = GIVEN_NAMES.get(first[0]) if len(first) == 1 else None
    if not names:
        return " ".join(".-".join(g) + "." for g in groups)
    pick_ = names[sum(map(ord, family)) % len(names)]
    return " ".join([pick_] + [".-".join(g) + "." for g in groups[1:]])


def csl_names(src: ms.Src, role: str, full: bool = False) -> list[dict]:
    raw = src.original.get("authors" if role == "author" else "editors") or []
    people = [p for p in (src.people if role == "author" else src.editors) if p[0] == "p"]
    out = []
    for r, (_, fam, groups) in zip(raw, people, strict=True):
        given = csl_given(ms.clean(r.get("given")), groups)
        if full and not re.search(r"[a-z]{2}", given):
            given = spelled_out(fam, groups)
        out.append({"family": fam, "given": given, "parse-names": False})
    if role == "author":
        out += [{"literal": p[1]} for p in src.people if p[0] == "c"]
    return out


def csl_item(src: ms.Src, rng, web_share: float, full_names: bool = False) -> dict:
    it: dict = {"id": f"{src.case}#{src.number}",
                "type": {"journal": "article-journal", "book": "book", "chapter": "chapter"}[src.type],
                "author": csl_names(src, "author", full_names),
                "title": src.title}
    if src.editors:
        it["editor"] = csl_names(src, "editor", full_names)
    year = int(src.year[:4])
    date = [year]
    if src.type == "journal":
        it["container-title"] = src.jforms["full"]
        it["container-title-short"] = src.jforms["iso"]
        if rng.random() < 0.5:  # a publication month: printed by some styles, never gold
            date.append(rng.randint(1, 12))
    else:
        if src.container:
            it["container-title"] = src.container
        if src.publisher:
            it["publisher"] = src.publisher
        if src.publisher_loc:
            it["publisher-place"] = src.publisher_loc
    it["issued"] = {"date-parts": [date]}
    for f, v in (("volume", src.volume), ("issue", src.issue)):
        if v:
            it[f] = v
    if src.first_page:
        it["page"] = src.first_page + ("-" + src.last_full if src.last_full else "")
    elif src.elocation:
        it["page"] = src.elocation
    if src.doi:
        it["DOI"] = src.doi
    if src.url:
        it["URL"] = src.url
    elif src.doi and rng.random() < web_share:  # "Disponível em: https://doi.org/... Acesso em: ..."
        it["URL"] = "https://doi.org/" + src.doi
    if "URL" in it:
        acc = rng.randint(max(year, 2012), 2024)
        it["accessed"] = {"date-parts": [[acc, rng.randint(1, 12), rng.randint(1, 28)]]}
    return it


# --------------------------------------------------------------------------------------
# Marked entry -> element/text items and gold
# --------------------------------------------------------------------------------------
FOLD = str.maketrans({c: "'" for c in "\"\u201c\u201d\u2018\u2019\u00ab\u00bb"})


def fold(s: str) -> str:
    """Case- and quote-insensitive, same length as s (so indexes carry over)."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s.translate(FOLD))


def find(content: str, value: str, insensitive: bool = False, word: bool = True):
    hay, needle = (fold(content), fold(value)) if insensitive else (content, value)
    pat = (r"(?<![\w])" + re.escape(needle) + r"(?![\w])") if word and needle[-1:].isalnum() else re.escape(needle)
    if word and needle[:1].isalnum() and not pat.startswith("(?<!"):
        pat = r"(?<![\w])" + pat
    m = re.search(pat, hay)
    return (m.start(), m.end()) if m else None


class Entry:
    """Builds a make_styles.Block (items and gold) from one marked citeproc entry."""

    def __init__(self, src: ms.Src, item: dict):
        self.src, self.item = src, item
        self.block = ms.Block(src)
        self.label: str | None = None
        self.substituted = False
        self.year_done = False

    def t(self, s: str):
        if s:
            self.block.t(s)

    def e(self, s: str):
        if s.strip():
            self.block.e(s)
        else:
            self.t(s)

    def cut(self, content: str, start: int, end: int, field: str | None, value: str | None = None):
        """Text before, the element content[start:end] (gold `field`), text after is returned."""
        self.t(content[:start])
        printed = content[start:end]
        if field:
            if self.block.gold.get(field) not in (None, []):
                raise ReadBackError(f"{field} printed twice")
            self.block.f(field, value if value is not None else printed, printed)
        else:
            self.e(printed)
        return content[end:]

    def span(self, var: str, content: str):
        names = var.split("+")
        present = [v for v in names if v in self.item]
        var = present[0] if present else names[0]
        if var not in self.item and var not in ("citation-number",):
            var = self.name_role_of(content) or var  # a <names> element substituted by author/editor
        handler = getattr(self, "v_" + var.replace("-", "_").lower(), None)
        if handler is None:
            raise ReadBackError(f"no rule for variable {var!r}: {content!r}")
        handler(content, var)

    def name_role_of(self, content: str) -> str | None:
        fams = [fold(f) for f in re.findall(f"{FAM_OPEN}(.*?){FAM_CLOSE}", content)]
        plain = fold(strip_marks(content))
        for var in ("author", "editor"):
            people = self.item.get(var) or []
            if fams and [fold(p.get("family", "")) for p in people][:len(fams)] == fams:
                return var
            if not fams and any("literal" in p and fold(p["literal"]) in plain for p in people):
                return var
        return None

    # -- variables ------------------------------------------------------------------
    def v_citation_number(self, content, var):
        if self.block.items and "".join(x for _, x in self.block.items).strip():
            raise ReadBackError("the citation number is not printed first")
        self.block.items.clear()
        self.label = content.strip()

    def names(self, content, var):
        role = NAME_ROLES[var]
        src_people = self.item["author" if var == "author" else "editor"]
        persons, cur = [], {}
        rest = content
        pieces = re.split(f"([{FAM_OPEN}{FAM_CLOSE}{GIV_OPEN}{GIV_CLOSE}])", content)
        kind = None
        for p in pieces:
            if p in (FAM_OPEN, GIV_OPEN):
                kind = "family" if p == FAM_OPEN else "given"
                continue
            if p in (FAM_CLOSE, GIV_CLOSE):
                kind = None
                continue
            if kind is None:
                self.literal_or_text(p, src_people)
                continue
            if kind in cur:
                persons.append(cur)
                cur = {}
            cur[kind] = p
            self.block.items.append(("e", p))
        if cur:
            persons.append(cur)
        del rest
        src_persons = [s for s in src_people if "literal" not in s]
        if len(persons) > len(src_persons):
            raise ReadBackError(f"more printed persons than source persons in {content!r}")
        for got, want in zip(persons, src_persons, strict=False):  # the et-al rule cuts
            if "family" not in got or "given" not in got:
                raise ReadBackError(f"person without family or given printed: {got}")
            if fold(got["family"]) != fold(want["family"]):
                raise ReadBackError(f"family {got['family']!r} is not the source's {want['family']!r}")
            if got["given"][:1].upper() != want["given"][:1].upper():
                raise ReadBackError(f"given {got['given']!r} does not start as the source's {want['given']!r}")
            self.block.gold[role].append({"family": got["family"], "given": got["given"]})
        if role == "authors" and re.search(r"\bet al\b", strip_marks(content)):
            self.block.gold["et_al"] = True

    v_author = v_editor = v_container_author = names

    def literal_or_text(self, text: str, src_people):
        for s in src_people:
            if "literal" in s:
                hit = find(text, s["literal"], insensitive=True)
                if hit:
                    self.t(text[:hit[0]])
                    printed = text[hit[0]:hit[1]]
                    self.block.items.append(("e", printed))
                    self.block.gold["collab"] = printed
                    self.t(text[hit[1]:])
                    return
        if re.fullmatch(r"\s*[\u2014\u2013_-]{2,}\.?\s*", text):  # same author as the previous one
            self.substituted = True
        self.t(text)

    def v_title(self, content, var):
        hit = find(content, self.item["title"], insensitive=True)
        if not hit:
            raise ReadBackError(f"title not found in {content!r}")
        rest = self.cut(content, *hit, "title")
        self.t(rest)

    def v_container_title(self, content, var):
        if self.src.type == "journal":
            short = self.item["container-title-short"]
            cands = {short, ms.drop_dots(short), self.item["container-title"]}
        else:
            cands = {self.item["container-title"]}
        hits = [(h, c) for c in cands if (h := find(content, c, insensitive=True))]
        if not hits:
            raise ReadBackError(f"container {cands} not found in {content!r}")
        (s, e), _ = max(hits, key=lambda x: x[0][1] - x[0][0])
        self.t(self.cut(content, s, e, "container_title"))

    def simple(self, content, var, field, value):
        hit = find(content, value) or find(content, value, insensitive=True)
        if not hit:
            raise ReadBackError(f"{field} {value!r} not found in {content!r}")
        self.t(self.cut(content, *hit, field))

    def v_volume(self, content, var):
        self.simple(content, var, "volume", self.item["volume"])

    def v_issue(self, content, var):
        self.simple(content, var, "issue", self.item["issue"])

    def v_publisher(self, content, var):
        self.simple(content, var, "publisher", self.item["publisher"])

    def v_publisher_place(self, content, var):
        self.simple(content, var, "publisher_loc", self.item["publisher-place"])

    def v_page(self, content, var):
        src = self.src
        first = src.first_page or src.elocation
        field = "first_page" if src.first_page else "elocation"
        hit = find(content, first)
        if not hit:
            raise ReadBackError(f"page {first!r} not found in {content!r}")
        rest = self.cut(content, *hit, field)
        m = re.match(r"(\s*[-\u2013\u2014]\s*)([A-Za-z]{0,3}\d+[a-z]?)(?!\w)", rest)
        if m and src.last_full:
            self.t(m.group(1))
            self.block.f("last_page", m.group(2))
            rest = rest[m.end():]
            if not src.last_full.endswith(m.group(2)) and m.group(2) != src.last_full:
                raise ReadBackError(f"last page {m.group(2)!r} is not the end of {src.last_full!r}")
        self.t(rest)

    def v_issued(self, content, var):
        m = re.search(r"(?<!\d)(\d{4})([a-z]?)(?!\d)", content)
        if m and not self.year_done and m.group(1) == self.src.year[:4]:
            self.year_done = True
            self.decoration(content[:m.start()])
            self.block.f("year", m.group(0))
            self.decoration(content[m.end():])
        else:
            self.decoration(content)

    def decoration(self, text: str):
        """Month names, days, access dates: element lines that are no gold field."""
        m = re.search(r"[\w.][\w.,\s]*[\w.]|\w", text)
        if not m:
            self.t(text)
            return
        core = text[m.start():m.end()].rstrip(",")
        self.t(text[:m.start()])
        self.e(core)
        self.t(text[m.start() + len(core):])

    def v_accessed(self, content, var):
        self.decoration(content)

    def v_doi(self, content, var):
        doi = self.item["DOI"]
        hit = find(content, doi, insensitive=True, word=False)
        if not hit:
            raise ReadBackError(f"DOI {doi!r} not found in {content!r}")
        s, e = hit
        while s > 0 and not content[s - 1].isspace():
            s -= 1
        printed = content[s:e]
        self.t(content[:s])
        if self.block.gold["doi"]:
            self.e(printed)
        else:
            self.block.f("doi", doi, printed)
        self.t(content[e:])

    def v_url(self, content, var):
        url = self.item["URL"]
        hit = find(content, url, word=False)
        if not hit:
            raise ReadBackError(f"URL {url!r} not found in {content!r}")
        rest = self.cut(content, *hit, "url")
        if url.startswith("https://doi.org/") and not self.block.gold["doi"]:
            self.block.gold["doi"] = url.removeprefix("https://doi.org/")
        self.t(rest)


MARK_TOKEN = re.compile(f"({M_OPEN}[^{M_MID}]*{M_MID}|[{M_CLOSE}{FAM_OPEN}{FAM_CLOSE}{GIV_OPEN}{GIV_CLOSE}])")


def strip_marks(s: str) -> str:
    return "".join(t for t in MARK_TOKEN.split(s) if not MARK_TOKEN.fullmatch(t))


def realign(marked: str, plain: str) -> str:
    """The markers put into the plain text. Markers hide punctuation from citeproc's
    merging ("G.<mark>." is not collapsed to "G."), so the marked text may hold extra
    punctuation; it is dropped here, and any other difference is a failure."""
    out, j = [], 0
    for tok in MARK_TOKEN.split(marked):
        if MARK_TOKEN.fullmatch(tok):
            out.append(tok)
            continue
        for c in tok:
            if j < len(plain) and plain[j] == c:
                out.append(c)
                j += 1
            elif c in ".,;: ":
                continue  # punctuation citeproc merged away in the plain text
            else:
                raise ReadBackError(f"the markers changed the output:\n  {strip_marks(marked)!r}\n  {plain!r}")
    if j != len(plain):
        raise ReadBackError(f"the markers changed the output:\n  {strip_marks(marked)!r}\n  {plain!r}")
    return "".join(out)


def spans(marked: str) -> list[tuple]:
    """("t", text) and ("span", variable, content) pieces; a variable printed inside another
    (APA's container-author around editor) belongs to the outer one."""
    out: list[tuple] = []
    depth, var, buf = 0, "", []
    for tok in MARK_TOKEN.split(marked):
        if tok.startswith(M_OPEN):
            if depth == 0:
                if buf:
                    out.append(("t", "".join(buf)))
                var, buf = tok[1:-1], []
            depth += 1
        elif tok == M_CLOSE:
            depth -= 1
            if depth < 0:
                raise ReadBackError("unbalanced markers")
            if depth == 0:
                out.append(("span", var, "".join(buf)))
                buf = []
        else:
            buf.append(tok)
    if depth:
        raise ReadBackError("unbalanced markers")
    if buf:
        out.append(("t", "".join(buf)))
    return out


def read_entry(src: ms.Src, item: dict, marked: str, plain: str) -> Entry:
    marked = realign(marked, plain)
    ent = Entry(src, item)
    for piece in spans(marked):
        if piece[0] == "t":
            ent.t(piece[1])
        else:
            ent.span(piece[1], piece[2])
    text = "".join(s for _, s in ent.block.items)
    if MARKS.search(text):
        raise ReadBackError(f"stray markers (nested variables?) in {marked!r}")
    if ent.label is not None:  # printed first: the label's own punctuation goes with it
        items = ent.block.items
        while items and items[0][0] == "t" and re.fullmatch(r"[\s.)\]:]*", items[0][1]):
            ent.label += items.pop(0)[1].strip()
        text = "".join(s for _, s in items)
        head, sep, tail = plain.partition(ent.label)
        if not sep or head.strip():
            raise ReadBackError(f"label {ent.label!r} does not open {plain!r}")
        plain = tail.lstrip()
        text = text.lstrip()
    if text != plain:
        raise ReadBackError(f"items do not rebuild the entry:\n  {text!r}\n  {plain!r}")
    return ent


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------
def run_node(style_xml: str, locales: dict, lang: str, jobs: list[list[dict]]) -> list[dict]:
    payload = {"style": style_xml, "marked_style": marked_style(style_xml), "locales": locales,
               "lang": lang, "jobs": jobs}
    proc = subprocess.run(["node", str(CSL_DIR / "render.js")], input=json.dumps(payload),
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"render.js failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def pick(cases, key_index: int, rng, n: int) -> list[ms.Src]:
    """n references for one style: journal articles from every article, rotated so styles
    differ, with about a quarter books and chapters."""
    journals, others = [], []
    for ci, case in enumerate(cases):
        js = [r for r in case["refs"] if r.type == "journal"]
        os_ = [r for r in case["refs"] if r.type != "journal"]
        if js:
            start = (key_index * 7 + ci * 3) % len(js)
            journals += [js[(start + j) % len(js)] for j in range(min(2, len(js)))]
        others += [r for oi, r in enumerate(os_) if (oi + ci + key_index) % 4 == 0]
    rng.shuffle(journals)
    rng.shuffle(others)
    n_other = min(len(others), n // 4)
    chosen = journals[: n - n_other] + others[:n_other]
    rng.shuffle(chosen)
    return chosen


def build_style(key: str, cases, cases_by_id, args, ki: int) -> tuple[list[str], dict]:
    csl_name, lang, head_lang, web_share, desc = STYLES[key]
    style_xml = (CSL_DIR / "styles" / f"{csl_name}.csl").read_text(encoding="utf-8")
    locales = {p.stem.removeprefix("locales-"): p.read_text(encoding="utf-8")
               for p in (CSL_DIR / "locales").glob("locales-*.xml")}
    rng = random.Random(f"{args.seed}-{key}")
    refs = pick(cases, ki, rng, args.files * args.per_file)
    groups = [refs[i::args.files] for i in range(args.files)]
    items = [[csl_item(s, rng, web_share, key in FULL_NAME_STYLES) for s in g] for g in groups]
    results = run_node(style_xml, locales, lang, items)
    problems: list[str] = []
    summary = {"files": 0, "references": 0, "types": collections.Counter()}
    skipped: collections.Counter = collections.Counter()
    for fi, (group, its, res) in enumerate(zip(groups, items, results, strict=True), 1):
        name = f"{key}_{fi:02d}"
        by_id = {it["id"]: (s, it) for s, it in zip(group, its, strict=True)}
        entries = []
        for rid, marked, plain in zip(res["order"], res["marked"], res["plain"], strict=True):
            src, it = by_id[rid]
            try:
                entries.append(read_entry(src, it, marked.strip(), plain.strip()))
            except ReadBackError as e:  # left out (and counted): the file keeps only what was checked
                skipped[str(e).split(":")[0][:60]] += 1
                print(f"  skipped {name} {rid}: {e}", file=sys.stderr)
        if not entries:
            continue
        lb_text, lb_doc, flat_refs = assemble(key, name, desc, entries, cases_by_id,
                                              random.Random(f"{args.seed}-{name}"), problems)
        ftext, fdoc = flat_file(lb_doc, flat_refs, cases_by_id, head_lang, random.Random(f"{args.seed}-{name}-flat"),
                                problems)
        (args.out / f"{name}.txt").write_text(lb_text, encoding="utf-8")
        (args.out / f"{name}.json").write_text(ms.dump_case(lb_doc), encoding="utf-8")
        (args.flat_out / f"{name}.txt").write_text(ftext, encoding="utf-8")
        (args.flat_out / f"{name}.json").write_text(ms.dump_case(fdoc), encoding="utf-8")
        summary["files"] += 1
        summary["references"] += len(entries)
        summary["types"].update(r["type"] for r in lb_doc["references"])
    summary["types"] = dict(summary["types"])
    summary["skipped"] = dict(skipped)
    if sum(skipped.values()) > 0.05 * len(refs):
        problems.append(f"{key}: {sum(skipped.values())} of {len(refs)} references could not be read back")
    summary["csl"] = csl_name
    summary["locale"] = lang
    return problems, summary


def assemble(key, name, desc, entries, cases_by_id, vrng, problems):
    preface_case = entries[0].src.case
    lines = [cases_by_id[preface_case]["preface"], ""]
    gold_refs, derived, flat_refs = [], [], []
    prev_gold = None
    numbered = entries[0].label is not None
    for i, ent in enumerate(entries, 1):
        b = ent.block
        if ent.substituted and prev_gold:  # "———." prints the previous reference's authors
            b.gold["authors"] = [dict(a) for a in prev_gold["authors"]]
            b.gold["et_al"] = prev_gold["et_al"]
            b.gold["collab"] = prev_gold["collab"]
        ls = len(lines) + 1
        lines.append(f"{i}.")
        lines += b.lines()
        g = dict(b.gold)
        g.update(number=i, line_start=ls, line_end=len(lines), render=f"csl-{key}", fully_tagged=True,
                 untagged_text=[], unverified=[], xml_label=None)
        gold = {k: g[k] for k in ms.GOLD_ORDER}
        gold_refs.append(gold)
        prev_gold = gold
        derived.append({"case": ent.src.case, "number": ent.src.number})
        text = ms.norm_line("".join(s for _, s in b.items))
        if numbered:
            if ent.label is None or not re.fullmatch(r"\W*\d+\W*", ent.label):
                problems.append(f"{name} #{i}: label {ent.label!r} is not a number")
            else:  # a left-out reference shifts the numbers: the label is the position
                text = re.sub(r"\d+", str(i), ent.label, count=1) + " " + text
        flat_refs.append(flat.FlatRef(None, text, dict(gold)))
    noise = vrng.sample(ms.END_NOISE, vrng.randint(1, 3)) if vrng.random() < 0.7 else []
    noise_lines = [len(lines) + 1, len(lines) + len(noise)] if noise else []
    lines += noise
    check = [dict(r, authors=[] if e.substituted else r["authors"]) for r, e in zip(gold_refs, entries, strict=True)]
    try:
        ms.self_check(name, lines, check)
    except ms.CheckError as e:
        problems.append(str(e))
    src_ids = sorted({d["case"] for d in derived})
    doc = {
        "id": name, "split": "synthetic-styles", "style": key, "style_name": desc,
        "render_mode": f"csl-{key}", "csl_style": STYLES[key][0], "locale": STYLES[key][1],
        "sources": [{"case": c, "doi": cases_by_id[c]["doc"]["article"].get("doi"),
                     "license": cases_by_id[c]["doc"]["source"].get("license")} for c in src_ids],
        "preface_from": preface_case, "derived_from": derived, "preface_lines": [1, 1],
        "noise_lines": noise_lines, "link_lines": 0, "numbered_as_printed": numbered,
        "references": gold_refs,
    }
    return "\n".join(lines) + "\n", doc, flat_refs


def flat_file(doc, flat_refs, cases_by_id, head_lang, rng, problems):
    """Flat twin: numbered lists keep the style's own label in the text (`[1]`, `1.`, `(1)`)."""
    numbered = doc["numbered_as_printed"]
    preface = cases_by_id[doc["preface_from"]]["preface"]
    text, top = flat.render_flat(preface, flat_refs, rng, head_lang)
    top["numbered"] = numbered
    problems += flat.check_flat(doc["id"], text, [r.gold for r in flat_refs])
    out = {k: v for k, v in doc.items() if k not in ("references", "noise_lines", "link_lines", "preface_lines",
                                                      "numbered_as_printed")}
    out["id"] = doc["id"] + "_flat"
    out["split"] = "synthetic-styles-flat"
    out.update(top)
    out["references"] = [r.gold for r in flat_refs]
    return text, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", type=Path, default=ms.DEFAULT_GOLD)
    ap.add_argument("--out", type=Path, default=ms.DEFAULT_OUT)
    ap.add_argument("--flat-out", type=Path, default=ms.DEFAULT_FLAT_OUT)
    ap.add_argument("--files", type=int, default=FILES_PER_STYLE)
    ap.add_argument("--per-file", type=int, default=REFS_PER_FILE)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--only", nargs="*", help="style keys to render (default: all)")
    args = ap.parse_args()
    if not (CSL_DIR / "node_modules" / "citeproc").exists():
        print("citeproc is missing: npm install --prefix benchmarks/corpus/csl", file=sys.stderr)
        return 1
    cases, _ = ms.load_sources(args.gold)
    cases_by_id = {c["id"]: c for c in cases}
    args.out.mkdir(parents=True, exist_ok=True)
    args.flat_out.mkdir(parents=True, exist_ok=True)
    keys = args.only or list(STYLES)
    all_problems, summary = [], {}
    for ki, key in enumerate(STYLES):
        if key not in keys:
            continue
        for folder in (args.out, args.flat_out):
            for old in list(folder.glob(f"{key}_[0-9]*.txt")) + list(folder.glob(f"{key}_[0-9]*.json")):
                old.unlink()
        problems, summary[key] = build_style(key, cases, cases_by_id, args, ki)
        all_problems += problems
        print(f"{key}: {summary[key]['references']} references, {len(problems)} problems", file=sys.stderr)
    if all_problems:
        print("SELF-CHECK FAILED:\n" + "\n".join(all_problems[:200]), file=sys.stderr)
        return 1
    summary_path = HERE / "csl_summary.json"
    old = json.loads(summary_path.read_text()) if summary_path.exists() and args.only else {"styles": {}}
    old["styles"].update(summary)
    old.update(seed=args.seed, gold=str(args.gold))
    summary_path.write_text(json.dumps(old, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
