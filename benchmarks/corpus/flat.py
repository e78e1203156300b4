"""Flat layout for the style corpus: one reference per line, or per wrapped paragraph.

Shared by make_styles.py (hand-made styles) and make_csl.py (CSL styles through
citeproc-js). A flat file is what a user pastes from a PDF, a Word document or PubMed:
each reference on one line as printed, or wrapped at 80-100 columns (with or without a
hanging indent, a few lines cut mid-word with a hyphen), blank lines between references
or not, a heading and the page's preface and trailing furniture around the list.

Standard library only; every choice comes from the random generator handed in, so the
output is deterministic.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

HEADINGS = {
    "en": ["References", "REFERENCES", "Bibliography", "Literature Cited", "References and Notes",
           "Works Cited"],
    "pt": ["Referências", "REFERÊNCIAS", "Referências bibliográficas"],
    "other": ["Referencias", "Bibliografía", "Literatur", "Literaturverzeichnis"],
}

# Furniture after the list: web page chrome, PDF page furniture, Word/PubMed leftovers.
TRAILING = ["Back to top", "Download PDF", "Cite this article", "Download references",
            "Rights and permissions", "About this article", "Export citation", "Show more",
            "Comments (0)", "Related Articles", "Cited By", "Metrics", "Full text links",
            "Supporting information", "Figures", "Tables", "Page 14 of 14", "14 of 14",
            "Downloaded from the journal's website on 3 March 2022",
            "© 2021 The Authors. Published under a Creative Commons licence.",
            "Received: 12 May 2020; Accepted: 3 September 2020", "Appendix A"]

# Words a PDF or a Word document cuts at a line end with a hyphen: lower-case letters only,
# long enough to keep three letters each side (never a DOI, a URL, a number or a word
# that already holds a hyphen).
CUTTABLE = re.compile(r"[a-z]{8,}")


@dataclass
class FlatRef:
    """One reference as printed: its label (``[1]``, ``1.``, ``1``; None when the list is
    unnumbered), its text, and its gold dict (``line_start``/``line_end`` are set here)."""

    label: str | None
    text: str
    gold: dict


def one_line(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def wrap(line: str, width: int, indent: str, rng, cut_share: float) -> list[tuple[str, bool]]:
    """Greedy wrap at spaces; returns (line, cut) pairs, cut=True when the line ends with a
    hyphen the wrapper put into a word (the next line goes on without a space)."""
    words = line.split(" ")
    out: list[tuple[str, bool]] = []
    cur = ""
    for w in words:
        prefix = indent if out else ""
        trial = (cur + " " + w) if cur else w
        if len(prefix) + len(trial) <= width or not cur:
            cur = trial
            continue
        m = CUTTABLE.fullmatch(w.rstrip(",.;:"))
        room = width - len(prefix) - len(cur) - 2  # a space and the hyphen
        if m and room >= 3 and rng.random() < cut_share:
            core = m.group(0)
            k = min(room, len(core) - 3)
            if k >= 3:
                out.append((cur + " " + w[:k] + "-", True))
                cur = w[k:]
                continue
        out.append((cur, False))
        cur = w
    out.append((cur, False))
    return [(ln if i == 0 else indent + ln, cut) for i, (ln, cut) in enumerate(out)]


def unwrap(lines: list[tuple[str, bool]]) -> str:
    """The reference text back from its wrapped lines (the check of `wrap`)."""
    text = ""
    for i, (ln, _) in enumerate(lines):
        ln = ln.strip()
        cut = i and lines[i - 1][1]
        text = text[:-1] + ln if cut else ((text + " " + ln) if text else ln)
    return text


def choose_layout(rng, lang: str) -> dict:
    """Per-file layout switches."""
    wrapped = rng.random() < 0.4
    v = {
        "wrapped": wrapped,
        "width": rng.randint(80, 100) if wrapped else None,
        "hanging_indent": (rng.choice(["  ", "   ", "    ", "\t"]) if rng.random() < 0.5 else "") if wrapped else "",
        "hyphen_cuts": wrapped and rng.random() < 0.6,
        "blank_between": rng.random() < (0.5 if wrapped else 0.25),
        "heading": None,
    }
    if rng.random() < 0.5:
        pool = HEADINGS["pt"] if lang == "pt" else (HEADINGS["en"] if rng.random() < 0.8 else HEADINGS["other"])
        v["heading"] = rng.choice(pool)
    return v


def render_flat(preface: str, refs: list[FlatRef], rng, lang: str = "en") -> tuple[str, dict]:
    """The flat text of one file and its top-level JSON keys (the refs' gold gets line
    ranges). Raises ValueError when a wrapped reference does not join back to its text."""
    v = choose_layout(rng, lang)
    lines = [preface, ""]
    heading_line = None
    if v["heading"]:
        lines.append(v["heading"])
        heading_line = len(lines)
        if rng.random() < 0.5:
            lines.append("")
    for i, r in enumerate(refs):
        text = one_line(f"{r.label} {r.text}" if r.label else r.text)
        if v["wrapped"]:
            wrapped = wrap(text, v["width"], v["hanging_indent"], rng, 0.3 if v["hyphen_cuts"] else 0.0)
            if unwrap(wrapped) != text:
                raise ValueError(f"wrapped reference does not join back: {text!r}")
            block = [ln for ln, _ in wrapped]
        else:
            block = [text]
        if i and v["blank_between"]:
            lines.append("")
        r.gold["line_start"] = len(lines) + 1
        lines += block
        r.gold["line_end"] = len(lines)
    noise_lines = None
    if rng.random() < 0.7:
        noise = rng.sample(TRAILING, rng.randint(1, 3))
        if rng.random() < 0.5:
            lines.append("")
        noise_lines = [len(lines) + 1, len(lines) + len(noise)]
        lines += noise
    top = {"layout": "flat", "numbered": refs[0].label is not None if refs else True,
           "flat_variant": v, "preface_lines": [1, 1], "heading_line": heading_line,
           "noise_lines": noise_lines}
    return "\n".join(lines) + "\n", top


GOLD_VALUE_FIELDS = ["collab", "title", "container_title", "year", "volume", "issue", "first_page",
                     "last_page", "elocation", "publisher", "publisher_loc", "doi", "pmid", "url"]


def check_flat(name: str, text: str, refs: list[dict]) -> list[str]:
    """Every gold value is printed in its reference's lines (joined as `unwrap` joins them):
    the flat twin of make_styles.self_check. Returns the problems found."""
    lines = text.split("\n")
    problems = []
    prev_end = 0
    for r in refs:
        where = f"{name} #{r['number']}"
        ls, le = r["line_start"], r["line_end"]
        if not (prev_end < ls <= le <= len(lines)):
            problems.append(f"{where}: bad line range {ls}-{le}")
            continue
        prev_end = le
        block = lines[ls - 1:le]
        joined = ""
        for ln in block:
            ln = ln.strip()
            if re.search(r"[a-z]{3}-$", joined) and re.match(r"[a-z]{3}", ln):
                joined = joined[:-1] + ln  # a cut word (the generator's own marks; see wrap)
            else:
                joined = (joined + " " + ln) if joined else ln
        values = [r[f] for f in GOLD_VALUE_FIELDS if r.get(f)]
        values += [p[k] for role in ("authors", "editors") for p in r[role] for k in ("family", "given")]
        for val in values:
            if val not in joined:
                problems.append(f"{where}: {val!r} is not printed in {joined!r}")
        if r["et_al"] and not re.search(r"\bet al\b|\be col\b|\by col\b", joined):
            problems.append(f"{where}: et_al true but no 'et al' printed")
    return problems
