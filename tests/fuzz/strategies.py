"""Hypothesis strategies for the fuzzing harness: near-valid reference lists and raw bytes.

A *near-valid* list is what a browser copy really gives: a journal page's
numbered list, one element per line, damaged the ways pages damage it. Each
list is built from references (real ones cut from the fixture pages, and
synthetic ones with names and titles in any script), every reference's lines
then go through a random stack of damage:

* punctuation lines dropped, adjacent elements swapped, lines merged,
  numbers doubled (a year or volume printed twice, a label printed twice);
* stray HTML (tags, entities, a ``<script>``), tabs, odd line ends
  (``\\r\\n``, ``\\r``, U+2028, form feed);
* right-to-left (Arabic, Hebrew, with bidi marks) and CJK text, zero-width
  and combining characters;
* very long titles, thousands of authors.

The oracle is the generator's own count: a :class:`Page` knows how many
label lines it wrote, and damage never creates or destroys a label (a
body line that would read as a label is defused), so "references in =
references out" can be checked exactly.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
#: What the splitter reads as a label, on a cleaned line; body lines must never look like this.
LABEL = re.compile(r"\[?\d{1,6}[.\]]")
_LABEL_LINE = re.compile(r"^\[?(\d+)[.\]]$")
PUNCT_LINES = (".", ",", ";", ":", "(", ")", "):", ");", ").", ". (", "–", "-", ", et al", ".,", "“", "”.", ". doi:")


@dataclass(frozen=True)
class Page:
    """A generated page and what the generator knows about it.

    Attributes:
        text: the page as a user pastes it.
        labels: how many references (label lines) it holds.
    """

    text: str
    labels: int


@cache
def fixture_references() -> tuple[tuple[str, ...], ...]:
    """Reference bodies (lines without the label) cut from the fixture pages.

    Cut by a plain reading of the labels (``12.`` on its own line, numbers in
    sequence), not by refparse's splitter: the seeds must not depend on the
    code under test.
    """
    refs: list[tuple[str, ...]] = []
    for path in [FIXTURES / "seed000.txt", *sorted((FIXTURES / "dev").glob("*.txt"))]:
        current: list[str] | None = None
        expected = 1
        for line in path.read_text(encoding="utf-8").splitlines():
            m = _LABEL_LINE.match(line.strip())
            if m and int(m.group(1)) == expected:
                if current:
                    refs.append(tuple(current))
                current, expected = [], expected + 1
            elif current is not None and line.strip():
                current.append(line.strip())
        if current:
            refs.append(tuple(current[:60]))  # the last one carries the page's footer
    return tuple(refs)


# ----------------------------------------------------------------------------- text pieces

LATIN_UPPER = "ABCDEFGHIJKLMNOPRSTUVWZ"
SCRIPTS = {
    "latin": string.ascii_lowercase + "éüøçñß",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "hebrew": "אבגדהוזחטיכלמנסעפצקרשת",
    "cjk": "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现",
    "kana": "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん",
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщыэюя",
    "greek": "αβγδεζηθικλμνξοπρστυφχψω",
    "devanagari": "कखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसह",
}
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
COMBINING = "\u0300\u0301\u0302\u0303\u0308\u030a\u0327\u0331\u0651\u05b7\u3099"
HTML = (
    "<span class=\"ref-title\">",
    "</span>",
    "<a href=\"https://doi.org/10.1000/x\">",
    "</a>",
    "<br/>",
    "&nbsp;",
    "&amp;",
    "<i>",
    "</i>",
    "<script>alert(1)</script>",
    "<!-- comment -->",
    "<sup>1</sup>",
    "&#8211;",
)
LINK_NOISE = ("Google Scholar", "PubMed", "Crossref", "View Article", "[Google Scholar]", "PubMed Central")
PAGE_NOISE = ("Back to top", "Download PDF", "Comments (3)", "Cited by (12)", "Share", "Download references")


def words(script: str, min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[str]:
    """One word in a script."""
    return st.text(alphabet=SCRIPTS[script], min_size=min_size, max_size=max_size)


any_script = st.sampled_from(sorted(SCRIPTS))


@st.composite
def phrases(draw: st.DrawFn, min_words: int = 2, max_words: int = 14) -> str:
    """A title-like phrase, mostly in one script, sometimes mixed."""
    script = draw(any_script)
    n = draw(st.integers(min_words, max_words))
    out = [draw(words(draw(any_script) if draw(st.integers(0, 5)) == 0 else script)) for _ in range(n)]
    return " ".join(w for w in out if w) or "Untitled"


@st.composite
def surnames(draw: st.DrawFn) -> str:
    """A surname: Latin capitalised mostly, any script sometimes."""
    script = draw(st.sampled_from(["latin"] * 4 + sorted(SCRIPTS)))
    word = draw(words(script, 2, 10))
    return word.capitalize() if script == "latin" else word


initials = st.text(alphabet=LATIN_UPPER, min_size=1, max_size=3)


@st.composite
def synthetic_reference(draw: st.DrawFn) -> list[str]:
    """A reference in the line-broken format (AMA-like or author–year), any script."""
    n_authors = draw(st.integers(1, 8))
    lines: list[str] = []
    for i in range(n_authors):
        if i:
            lines.append(",")
        lines += [draw(surnames()), draw(initials)]
    author_year = draw(st.booleans())
    year = str(draw(st.integers(1800, 2030)))
    if draw(st.booleans()):
        lines += [",", "et al"]
    if author_year:
        lines += ["(", year, ")"]
    lines += [".", draw(phrases()), ".", draw(phrases(1, 4)), "."]
    if not author_year:
        lines += [year, ";"]
    lines += [str(draw(st.integers(1, 999)))]
    if draw(st.booleans()):
        lines += ["(", str(draw(st.integers(1, 60))), "):"]
    else:
        lines.append(":")
    first = draw(st.integers(1, 9000))
    lines += [str(first), "–", str(first + draw(st.integers(0, 40))), "."]
    if draw(st.booleans()):
        lines += ["doi:", f"10.{draw(st.integers(1000, 99999))}/{draw(st.text(string.ascii_lowercase + '.-', min_size=1, max_size=12))}"]
    return lines


def authors_block(n: int, script: str = "latin") -> list[str]:
    """``n`` authors (for the thousands-of-authors case); deterministic, cheap to build."""
    alphabet = SCRIPTS[script]
    lines: list[str] = []
    for i in range(n):
        if i:
            lines.append(",")
        name = alphabet[i % len(alphabet)] + alphabet[(i // len(alphabet)) % len(alphabet)] * 2
        lines += [name.capitalize(), LATIN_UPPER[i % len(LATIN_UPPER)] + LATIN_UPPER[(i // 23) % 23]]
    return lines


@st.composite
def base_reference(draw: st.DrawFn) -> list[str]:
    """A reference before damage: a real one from the fixtures, a synthetic one, or an extreme one."""
    kind = draw(st.sampled_from(["real"] * 5 + ["synthetic"] * 3 + ["long-title", "many-authors"]))
    if kind == "real":
        return list(draw(st.sampled_from(fixture_references())))
    ref = draw(synthetic_reference())
    if kind == "long-title":
        # a title of 2,000 to 20,000 characters, in its own line, where the title sits
        title = (draw(phrases(3, 8)) + " ") * draw(st.integers(60, 600))
        dot = ref.index(".") if "." in ref else 0
        ref.insert(dot + 1, title.strip())
        ref.insert(dot + 2, ".")
    elif kind == "many-authors":
        many = authors_block(draw(st.integers(200, 3000)), draw(st.sampled_from(["latin", "cyrillic", "cjk"])))
        ref = [*many, ",", *ref]
    return ref


# ----------------------------------------------------------------------------- damage


def _is_punct(line: str) -> bool:
    return bool(line.strip()) and all(not c.isalnum() for c in line)


@st.composite
def damaged(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """A reference's lines with a random stack of the damage pages do."""
    out = list(lines)
    for _ in range(draw(st.integers(0, 6))):
        if not out:
            break
        op = draw(st.sampled_from([
            "drop-punct", "swap", "merge", "double-number", "html", "tab", "rtl-cjk", "zero-width",
            "combining", "link-noise", "blank", "split-word",
        ]))
        i = draw(st.integers(0, len(out) - 1))
        if op == "drop-punct":
            punct = [j for j, line in enumerate(out) if _is_punct(line)]
            if punct:
                del out[draw(st.sampled_from(punct))]
        elif op == "swap" and i + 1 < len(out):
            out[i], out[i + 1] = out[i + 1], out[i]
        elif op == "merge" and i + 1 < len(out):
            sep = draw(st.sampled_from(["", " ", "\t"]))
            out[i : i + 2] = [out[i] + sep + out[i + 1]]
        elif op == "double-number":
            numbers = [j for j, line in enumerate(out) if line.strip().isdigit()]
            if numbers:
                j = draw(st.sampled_from(numbers))
                out.insert(j + 1, out[j])
        elif op == "html":
            tag = draw(st.sampled_from(HTML))
            if draw(st.booleans()):
                out.insert(i, tag)
            else:
                out[i] = tag + out[i] + draw(st.sampled_from(HTML))
        elif op == "tab":
            out[i] = draw(st.sampled_from(["\t", "\t\t", " \t "])) + out[i].replace(" ", "\t")
        elif op == "rtl-cjk":
            script = draw(st.sampled_from(["arabic", "hebrew", "cjk", "kana"]))
            text = draw(phrases(1, 6)) if script == "latin" else " ".join(draw(st.lists(words(script), min_size=1, max_size=6)))
            mark = draw(st.sampled_from(["", "\u200f", "\u202b", "\u200e"]))
            out.insert(i, mark + text + ("\u202c" if mark == "\u202b" else ""))
        elif op == "zero-width":
            line = out[i]
            k = draw(st.integers(0, len(line)))
            out[i] = line[:k] + draw(st.text(alphabet=ZERO_WIDTH, min_size=1, max_size=3)) + line[k:]
        elif op == "combining":
            line = out[i]
            k = draw(st.integers(0, len(line)))
            out[i] = line[:k] + draw(st.text(alphabet=COMBINING, min_size=1, max_size=4)) + line[k:]
        elif op == "link-noise":
            out.insert(i, draw(st.sampled_from(LINK_NOISE)))
        elif op == "blank":
            out.insert(i, draw(st.sampled_from(["", " ", "\t", "\u00a0"])))
        elif op == "split-word":
            line = out[i]
            if len(line) > 2:
                k = draw(st.integers(1, len(line) - 1))
                out[i : i + 1] = [line[:k], line[k:]]
    return [defuse(line) for line in out]


def defuse(line: str) -> str:
    """A body line that would read as a label gets a letter: damage must not add references."""
    from refparse.read import clean_line

    return line + " p" if LABEL.fullmatch(clean_line(line)) else line


@st.composite
def label_line(draw: st.DrawFn, n: int, bracket: bool) -> str:
    """A label as pages print it, with the invisible damage the reader must see through."""
    label = f"[{n}]" if bracket else f"{n}."
    pad = st.sampled_from(["", " ", "\t", "\u00a0", "\u200b", "\ufeff"])
    if draw(st.integers(0, 3)) == 0:
        k = draw(st.integers(0, len(label)))
        label = label[:k] + draw(st.sampled_from(["\u200b", "\u200d", "\u2060", "\u00ad"])) + label[k:]
    return draw(pad) + label + draw(pad)


NEWLINES = ("\n", "\n", "\n", "\r\n", "\r", "\u2028", "\x0c")


@st.composite
def pages(draw: st.DrawFn, min_refs: int = 1, max_refs: int = 12) -> Page:
    """A damaged page: an optional preface, a numbered list, optional page furniture."""
    refs = draw(st.lists(base_reference().flatmap(damaged), min_size=min_refs, max_size=max_refs))
    start = draw(st.sampled_from([1] * 6 + [2, 5, 37]))  # a list copied from its middle has no "1."
    bracket = draw(st.booleans())
    lines: list[str] = []
    if draw(st.booleans()):
        lines += [defuse(draw(phrases(5, 40))), ""]
    for k, body in enumerate(refs):
        lines.append(draw(label_line(start + k, bracket)))
        if draw(st.integers(0, 9)) == 0:  # the label printed twice: the second is not a new reference
            lines.append(f"{start + k}.")
        lines += body
    if draw(st.booleans()):
        lines += list(draw(st.lists(st.sampled_from(PAGE_NOISE), max_size=4)))
    newline = draw(st.sampled_from(NEWLINES))
    return Page(newline.join(lines) + draw(st.sampled_from(["", newline])), labels=len(refs))


# ----------------------------------------------------------------------------- raw bytes


@st.composite
def raw_inputs(draw: st.DrawFn) -> bytes:
    """Bytes a user might feed: random bytes, a page in another encoding, a page with junk spliced in."""
    kind = draw(st.sampled_from(["random", "page-encoded", "page-spliced", "text"]))
    if kind == "random":
        return draw(st.binary(max_size=4000))
    if kind == "text":
        return draw(st.text(max_size=2000)).encode("utf-8", "surrogatepass")
    page = draw(pages(max_refs=4)).text
    if kind == "page-encoded":
        codec = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "gb18030", "shift_jis"]))
        return page.encode(codec, errors="replace")
    data = bytearray(page.encode("utf-8"))
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)
