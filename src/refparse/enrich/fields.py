"""Pure comparisons between what a reference printed and what Crossref holds.

Each function compares one field and says ``agree``, ``near``, ``conflict`` or
``absent`` (one side has nothing to compare). They are pure and small so that
each can be tested on its own with a table of cases; :mod:`.validate` combines
them into a decision.

Why these shapes: a reference prints abbreviations (``Proc Natl Acad Sci U S A``),
initials, expanded or abbreviated page ranges and the print year, while
Crossref holds full titles, markup (``<i>Drosophila</i>``), online and print
dates and subtitles in their own field. Every comparison folds both sides to
the same plain form first.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from rapidfuzz import fuzz

from ..grammar_files import particles

Verdict = Literal["agree", "near", "conflict", "absent"]
#: A Crossref work record (the JSON object of one item).
Work = dict[str, Any]

_TAG = re.compile(r"<[^<>]+>")  # not "<[^>]+>": quadratic on a run of "<" (answers are remote data)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_SUBTITLE = re.compile(r"(?<!\s)\s*[:.?]\s+")  # no start inside a run of spaces: linear
#: Where a subtitle may begin: a colon, full stop or question mark, or a spaced dash (linear, as above).
_SUBTITLE_START = re.compile(r"(?<!\s)\s*[:.?]\s+|(?<!\s)\s+[-\u2013\u2014]\s+")
#: Titles split at most this often when looking for a main title (a long title is not a list of subtitles).
_MAX_SPLITS = 3
#: "vol" / "volume" / "v" / "tome" before a volume number (``Vol. 12`` in a deposit), folded.
_VOLUME_WORD = re.compile(r"^(?:vol|volume|v|vols|tome|t|bd|band) (?=\S)")
_ROMAN = re.compile(r"^(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)$")
STOPWORDS = frozenset(
    "a an and the of in on for to with by from at as or its is are be into via de la le et der die und "
    # Portuguese, Spanish, French, Italian: the words that make non-English titles and journals
    "da do dos das em na no nas nos e o os para com por del los las el y en les des du di della".split()
)
#: Particle words as :func:`fold` leaves them ("d'" becomes "d").
PARTICLES = frozenset(
    w.rstrip("'") for section in particles() for w in section
)


def fold(text: str | None) -> str:
    """Lower-case ASCII words separated by single spaces, markup and accents removed.

    ``fold("<i>Drosophila</i> Hox–genes: Müller's")`` gives ``drosophila hox genes muller s``.
    """
    if not text:
        return ""
    text = html.unescape(_TAG.sub(" ", text))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("ł", "l")
    return _NON_WORD.sub(" ", text.casefold()).strip()


def significant_words(words: Iterable[str]) -> set[str]:
    """The words that tell titles apart: not stop words, longer than two letters, or numbers."""
    return {w for w in words if (len(w) > 2 and w not in STOPWORDS) or w.isdigit() or _ROMAN.match(w)}


_significant = significant_words


#: The prefix a publisher puts before the title of the article itself once it is
#: retracted or withdrawn (Elsevier's ``RETRACTED: …``, ``WITHDRAWN: …``), folded.
RENAMED = re.compile(r"^(?:retracted article|retracted|withdrawn) (?=\S)")


def unrenamed(title: str) -> str:
    """A folded title without a ``retracted``/``withdrawn`` prefix (the title the work was cited by)."""
    return RENAMED.sub("", title, count=1)


def title_variants(item: Work) -> list[str]:
    """Every form under which Crossref may hold a work's title, folded.

    Title alone, title with its subtitle, original-language and short titles,
    and each without the ``RETRACTED:`` prefix of a retracted article.
    """
    titles = [t for t in item.get("title") or [] if t]
    subtitles = [s for s in item.get("subtitle") or [] if s]
    out = [fold(t) for t in titles]
    out += [fold(f"{t} {s}") for t in titles[:1] for s in subtitles[:1]]
    out += [fold(t) for t in (item.get("original-title") or []) + (item.get("short-title") or []) if t]
    out += [unrenamed(t) for t in out]
    return [t for t in dict.fromkeys(out) if t]


def substitution(cited: str, candidate: str) -> bool:
    """True when each title has a significant word the other lacks and the two differ.

    Why: "… in mice" and "… in rats", or "Part I" and "Part II", are near-identical
    strings but different works; a typo ("tumour"/"tumor") is not a substitution.
    A part number on one side only ("…: part II" deposited, "…" printed) is one.
    """
    a, b = _significant(cited.split()), _significant(candidate.split())
    only_a, only_b = a - b, b - a
    if any(w.isdigit() or _ROMAN.match(w) for w in only_a | only_b):
        return True  # "Part II", "2": another part of a series, however similar the rest
    if not only_a or not only_b:
        return False
    return not all(max(fuzz.ratio(x, y) for y in only_b) >= 80 for x in only_a)


def title_mains(text: str | None) -> list[str]:
    """The folded main titles of a title: what comes before its first, second … subtitle break.

    ``"Hallmarks of cancer: the next generation"`` → ``["hallmarks of cancer"]``.
    """
    if not text:
        return []
    out: list[str] = []
    for m in _SUBTITLE_START.finditer(text):
        if len(out) >= _MAX_SPLITS:
            break
        main = fold(text[: m.start()])
        if main:
            out.append(main)
    return out


def record_mains(item: Work) -> list[str]:
    """The folded main titles of a record's titles (the record holds a subtitle in ``title``)."""
    return [m for t in item.get("title") or [] if isinstance(t, str) for m in title_mains(t)]


def compare_title(
    cited: str | None, variants: Sequence[str], mains: Sequence[str] = ()
) -> tuple[Verdict, float, str]:
    """Compare a cited title with a candidate's title variants.

    Args:
        cited: the printed title.
        variants: the record's titles, folded (:func:`title_variants`).
        mains: the record's main titles, folded (:func:`record_mains`).

    Returns:
        ``(verdict, similarity 0..1, grade)`` where grade is ``exact``,
        ``close`` (≥ 0.93, no word substituted), ``main-title`` (one side
        lacks the other's subtitle: the printed main title is the record's
        title, or the printed title is the record's main title; at least
        four significant words), ``short-main`` (the same with fewer words),
        ``fuzzy`` (≥ 0.85) or ``low``; the verdict is ``agree`` for
        exact/close, ``near`` for main-title/short-main/fuzzy.
    """
    a = fold(cited)
    if not a or not variants:
        return "absent", 0.0, "absent"
    best, best_v = 0.0, ""
    for v in variants:
        s = fuzz.ratio(a, v) / 100.0
        if s > best:
            best, best_v = s, v
    if a in variants:
        return "agree", 1.0, "exact"
    if best >= 0.93 and not substitution(a, best_v):
        return "agree", best, "close"
    # One side lacks the other's subtitle: "Title: subtitle" printed, "Title" deposited, or the reverse.
    shared = [m for m in title_mains(cited) if m in variants] + [a for m in mains if m == a]
    if shared and not substitution(a, best_v):  # "…: part II" deposited is another part, not a subtitle
        words = max(len(_significant(m.split())) for m in shared)
        return "near", best, "main-title" if words >= 4 else "short-main"
    if best >= 0.85:
        return "near", best, "fuzzy"
    return "conflict", best, "low"


def core_family(name: str | None) -> str:
    """A family name folded, with leading particles dropped (``van der Sluis`` → ``sluis``)."""
    words = fold(name).split()
    while len(words) > 1 and words[0] in PARTICLES:
        words = words[1:]
    return " ".join(words)


def _same_family(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return True
    # One part of a compound name ("Garcia" / "Garcia Lopez", "Wu" / "Wu-Tanaka"): whole words only.
    if set(a.split()) <= set(b.split()) or set(b.split()) <= set(a.split()):
        return True
    return len(a) >= 5 and fuzz.ratio(a, b) >= 88


def compare_first_author(cited: Any, authors: Sequence[Work]) -> Verdict:
    """Compare the cited first author with the candidate's author list.

    A person matches on the core family name: the candidate's first author, or
    one of its next two (author order in deposits is sometimes off). An
    organisation is compared by name but never counts as a conflict, because
    collective names are printed in too many forms (WHO / World Health Organization).

    Args:
        cited: the citation's first contributor (a ``Person`` or ``Organization``) or ``None``.
        authors: the candidate's ``author`` list.

    Returns:
        ``agree``, ``conflict`` or ``absent``.
    """
    if cited is None or not authors:
        return "absent"
    if getattr(cited, "kind", "person") == "organization":
        name = fold(getattr(cited, "name", ""))
        for a in authors[:3]:
            if a.get("name") and fuzz.token_set_ratio(name, fold(a["name"])) >= 90:
                return "agree"
        return "absent"
    family = core_family(getattr(cited, "family", ""))
    people = [a for a in authors if a.get("family")]
    if not people:
        return "absent"
    if any(_same_family(family, core_family(a["family"])) for a in people[:3]):
        return "agree"
    # Some deposits put the whole name in ``family`` or swap the parts.
    if any(_same_family(family, core_family(a.get("given"))) for a in people[:1]):
        return "agree"
    if authors[0].get("name") and not authors[0].get("family"):
        # A consortium deposited first: the printed person may be anywhere after it.
        return "absent"
    return "conflict"


def year_of(item: Work, key: str) -> int | None:
    """The year of one of a record's dates (``issued``, ``published-print`` …), or ``None``."""
    parts = (item.get(key) or {}).get("date-parts") or [[None]]
    y = parts[0][0] if parts and parts[0] else None
    return int(y) if isinstance(y, int) or (isinstance(y, str) and y.isdigit()) else None


_years = year_of


def compare_year(cited: int | None, item: Work) -> Verdict:
    """Compare the printed year with the candidate's dates.

    ``agree`` when it equals the print, online, issued or published year.
    ``near`` only where an online-first explains a one-year gap: the record has
    an online date and no print date and the reference prints the next year,
    or a print date and no online date and the reference prints the year before;
    or only an ``issued`` year, one year off. Anything else is a ``conflict``.
    """
    if cited is None:
        return "absent"
    pr, on = _years(item, "published-print"), _years(item, "published-online")
    issued, published, posted = _years(item, "issued"), _years(item, "published"), _years(item, "posted")
    known = {y for y in (pr, on, issued, published, posted) if y}
    if not known:
        return "absent"
    if cited in known:
        return "agree"
    if on and not pr and cited == on + 1:
        return "near"
    if pr and not on and cited == pr - 1:
        return "near"
    if not pr and not on and issued and abs(cited - issued) == 1:
        return "near"
    return "conflict"


def _number_key(text: str | None) -> str:
    return fold(text).replace(" ", "")


def compare_volume(cited: str | None, volume: str | None) -> Verdict:
    """Compare volumes: equal, or the same leading number (``12`` vs ``12 Suppl 1``).

    A cited "volume" of six digits or more is no volume (a PubMed id or an
    article number the parser took for one), so it is not held against a candidate.
    """
    a, b = _VOLUME_WORD.sub("", fold(cited)), _VOLUME_WORD.sub("", fold(volume))
    if not a or not b or (a.isdigit() and len(a) >= 6):
        return "absent"
    if a.replace(" ", "") == b.replace(" ", "") or a.split()[0] == b.split()[0]:
        return "agree"
    return "conflict"


def first_page(page: str | None) -> str:
    """The first page of a Crossref ``page`` value (``"875-891"`` → ``"875"``)."""
    if not page:
        return ""
    return re.split(r"[-\u2010-\u2015,]", page.strip(), maxsplit=1)[0].rstrip()  # linear on runs of spaces


def last_page(page: str | None) -> str:
    """The last page of a Crossref ``page`` value, expanded (``"875-91"`` → ``"891"``; none: ``""``)."""
    if not page:
        return ""
    parts = re.split(r"[-\u2010-\u2015]", page.strip(), maxsplit=1)
    if len(parts) < 2:
        return ""
    first, last = parts[0].strip(), parts[1].strip().split(",")[0].strip()
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return last


def page_key(text: str | None) -> str:
    """A page or article number folded for comparison (``"73.e1"`` → ``"73e1"``)."""
    return _number_key(text)


def compare_page(cited: str | None, item: Work) -> Verdict:
    """Compare the cited first page or e-locator with the candidate's page / article number.

    ``756`` agrees with ``756.e11`` (an e-page of a printed page). A cited
    "page" equal to the record's issue is no page (``v. 13, n. 2`` read as
    volume and page) and is not held against the record.
    """
    a = _number_key(cited)
    values = [_number_key(first_page(item.get("page"))), _number_key(item.get("article-number"))]
    values = [v for v in values if v]
    if not a or not values:
        return "absent"
    for b in values:
        if a == b or (a.lstrip("e") == b.lstrip("e") and len(a.lstrip("e")) >= 4):
            return "agree"
        if a.isdigit() and b.startswith(a) and len(b) > len(a) and not b[len(a)].isdigit():
            return "agree"
    if a == _number_key(str(item.get("issue") or "")):
        return "absent"
    return "conflict"


def compare_publisher(cited: str | None, item: Work) -> Verdict:
    """Compare the printed publisher with the record's (``Academic Press`` / ``Academic Press Inc.``)."""
    a, b = fold(cited), fold(item.get("publisher") if isinstance(item.get("publisher"), str) else "")
    if not a or not b:
        return "absent"
    return "agree" if fuzz.token_set_ratio(a, b) >= 90 else "conflict"


def _shortens(word: str, full: str) -> bool:
    """``natl`` shortens ``national``: same first letter, letters in order."""
    if not word or not full or word[0] != full[0]:
        return False
    rest = iter(full[1:])
    return all(ch in rest for ch in word[1:])


def _abbreviates(short: list[str], full: list[str]) -> bool:
    """True when the words of ``short`` shorten successive words of ``full`` (ISO 4 style)."""
    j, hits = 0, 0
    for w in short:
        while j < len(full) and not _shortens(w, full[j]):
            j += 1
        if j == len(full):
            break
        hits, j = hits + 1, j + 1
    return hits >= max(1, round(0.75 * len(short))) and hits >= 0.6 * len(full)


def compare_container(cited: str | None, item: Work) -> Verdict:
    """Compare the journal (or book) as printed with the candidate's container titles.

    Accepts the abbreviation forms of reference lists (``J Biol Chem``,
    ``Proc Natl Acad Sci U S A``), acronyms (``PNAS``) and fuzzy equality.
    """
    a = [w for w in fold(cited).split() if w not in STOPWORDS]
    names = [*(item.get("container-title") or []), *(item.get("short-container-title") or [])]
    names += [i.get("name", "") for i in item.get("institution") or [] if isinstance(i, dict)]
    if not a or not any(names):
        return "absent"
    for name in names:
        b = [w for w in fold(name).split() if w not in STOPWORDS]
        if not b:
            continue
        if a == b or fuzz.ratio(" ".join(a), " ".join(b)) >= 90:
            return "agree"
        if _abbreviates(a, b) or _abbreviates(b, a):
            return "agree"
        if len(a) == 1 and len(a[0]) >= 3 and a[0] == "".join(w[0] for w in b):
            return "agree"
    return "conflict"

