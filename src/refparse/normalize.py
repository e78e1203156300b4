"""Stage 4 — normalize: small pure functions from printed text to canonical values.

Each function takes what a page printed and returns the canonical value (or
``None`` when the text is not a valid value of that kind). They are pure so
they can be tested one by one and are idempotent:
``f(f(x)) == f(x)`` wherever the output is a string of the same kind.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .grammar_files import particles

# Compiled once: these run for every reference.
_CAPS_INITIALS = re.compile(r"[A-Z\u00c0-\u00de\u0100-\u017f]{1,4}")
_HYPHEN = re.compile(r"(-)")
_DOTTED_RUN = re.compile(r"[^.]+\.?")
# Linear on long runs of spaces: no match starts inside a run ("(?<!\s)"), and no two
# "\s*" meet around an optional part (both read the same spaces every way).
_RANGE_DASH = re.compile(r"(?<!\s)\s*[-\u2010-\u2014\u2212]\s*")
_PMID = re.compile(r"\s*(?:(?:PMID:?|PubMed:?)\s*)?(\d{1,9})\s*(?:\.\s*)?")
_PMCID = re.compile(r"(?:PMC(?:ID)?:?\s*)?(?:PMC)?(\d{4,9})", re.I)
_URL = re.compile(r"(?:https?|ftp)://\S+$")
_NOT_ISBN = re.compile(r"[^0-9Xx]")
_WORD = re.compile(r"[A-Za-z]+")
_DAY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|º|°)?(?!\w)")
_YEAR = re.compile(r"\s*(\d{4})([a-z])?\s*")
_SUPPL = re.compile(r"(?:(?P<n>\d+)\s+)?(?:suppl?(?:ement)?\.?)(?:\s*(?P<s>\w+))?", re.I)

# --------------------------------------------------------------------------- text


def nfc(text: str) -> str:
    """Unicode NFC with runs of whitespace collapsed and ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def strip_edge_punct(text: str) -> str:
    """Drop separator punctuation a page left at either end of an element.

    Keeps closing brackets, quotes and a final ``?``/``!`` that belong to it.
    """
    return text.strip().strip(",;:").rstrip(".").strip()


# --------------------------------------------------------------------------- names
#: Particles written in lower case are non-dropping particles (CSL/biblatex
#: practice): "van der Sluis" sorts under S. Capitalised ones ("De Moerloose",
#: "Van der Velden") are part of the family name as printed.
def _particle_pattern() -> re.Pattern[str]:
    leading, following, elided = particles()
    first = "|".join(map(re.escape, leading))
    more = "|".join(map(re.escape, (*leading, *following)))
    marks = "|".join(map(re.escape, elided))
    return re.compile(rf"(?P<p>(?:{first})(?:\s|$)(?:(?:{more})(?:\s|$))*|(?:{marks}))(?P<rest>.*)", re.S)


_PARTICLE = _particle_pattern()
_GLUED = re.compile(r"(?P<family>.+?)\s+(?P<initials>[A-Z\u00c0-\u00de]{1,4}|(?:[A-Z]\.\s?)+)")


_NAME_PIECES = re.compile(r"([\s'\u2019-]+)")


def natural_case(name: str) -> str:
    """A name printed in capitals in its natural case (ABNT's ``SILVA`` → ``Silva``).

    Each part is capitalised (``GOULET-CAZÉ`` → ``Goulet-Cazé``, ``O'CONNOR`` →
    ``O'Connor``), particles after the first word are lower case (``SOUZA DA
    SILVA`` → ``Souza da Silva``). A name in mixed case is returned as it is:
    only a page's capitals are undone, never a printed spelling.

    Args:
        name: a family name as printed.

    Returns:
        The name in natural case.
    """
    if not name.isupper() or len(name) < 2:
        return name
    leading, following, _ = particles()
    small = {*leading, *following}
    out = []
    for i, piece in enumerate(_NAME_PIECES.split(name)):
        if not piece or _NAME_PIECES.fullmatch(piece):
            out.append(piece)
        elif i and piece.lower() in small:
            out.append(piece.lower())
        else:
            out.append(piece[0] + piece[1:].lower())
    return "".join(out)


@lru_cache(maxsize=1 << 14)
def split_particle(family: str) -> tuple[str | None, str]:
    """Split a lower-case particle off a family name.

    Args:
        family: the family name as printed, e.g. ``van der Sluis``.

    Returns:
        ``(particle, core)``, e.g. ``("van der", "Sluis")``; ``(None, family)``
        when there is no lower-case particle or nothing would remain.
    """
    m = _PARTICLE.fullmatch(family.strip())
    if not m or not m.group("rest").strip():
        return None, family.strip()
    return m.group("p").strip(), m.group("rest").strip()


def split_glued(text: str) -> tuple[str, str | None]:
    """Separate initials a page glued to a surname (``Sluis IM``).

    Args:
        text: a surname line that may end in initials.

    Returns:
        ``(family, initials)``; initials is ``None`` when none are glued on.
    """
    m = _GLUED.fullmatch(text.strip())
    if not m:
        return text.strip(), None
    return m.group("family"), m.group("initials").strip()


@lru_cache(maxsize=1 << 14)
def initials(given: str | None) -> str | None:
    """Canonical dotted initials of a given name as printed.

    ``RE`` → ``R.E.``; ``R. S.`` → ``R.S.``; ``J.-P.`` → ``J.-P.``;
    ``Juan Luis`` → ``J.L.``; ``Ch.`` → ``Ch.``.

    Args:
        given: the given name(s) or initials as printed.

    Returns:
        The initials, or ``None`` for an empty input.
    """
    if not given or not given.strip():
        return None
    g = given.strip()
    if _CAPS_INITIALS.fullmatch(g) and g.isupper():
        return ".".join(g) + "."
    out = []
    for part in g.split():
        pieces = [p for p in _HYPHEN.split(part) if p]
        if any("." in p[:-1] for p in pieces):  # "J.M.A.": initials run together, each its own
            pieces = [q for p in pieces for q in (_DOTTED_RUN.findall(p) if "." in p[:-1] else (p,))]
        for piece in pieces:
            if piece == "-":
                out.append("-")
                continue
            core = piece.rstrip(".")
            if not core:
                continue
            if piece.endswith(".") and len(core) <= 3:
                out.append(core + ".")
            else:
                out.append(core[0] + ".")
    return "".join(out) or None


_SUFFIXES = {"jr": "Jr.", "jr.": "Jr.", "sr": "Sr.", "sr.": "Sr."}


def suffix(text: str | None) -> str | None:
    """Canonical name suffix: ``Jr`` → ``Jr.``; ``3rd``, ``II`` unchanged."""
    if not text:
        return None
    t = text.strip().strip(",")
    if len(t) > 3:  # "FILHO" (ABNT capitals): in its natural case, as the surname is ("II", "III" stay)
        t = natural_case(t)
    return _SUFFIXES.get(t.casefold(), t)


# --------------------------------------------------------------------------- pages
_NUMERIC = re.compile(r"\d+")
_PREFIXED = re.compile(r"(?P<pre>[A-Za-z]*\d*?[.]?[A-Za-z]*)(?P<num>\d+)")


def expand_last_page(first: str, last: str) -> str:
    """Expand an abbreviated last page against the first page.

    ``1572``–``81`` → ``1581``; ``e24``–``e34`` unchanged; ``73.e1``–``e9``
    → ``73.e9``; ``579e1``–``579e10`` unchanged; ``S2``–``3`` → ``S3``.

    Args:
        first: the first page as printed.
        last: the last page as printed.

    Returns:
        The last page in full; ``last`` unchanged when it cannot be expanded.
    """
    first, last = first.strip(), last.strip()
    if _NUMERIC.fullmatch(first) and _NUMERIC.fullmatch(last):
        if len(last) < len(first):
            full = first[: len(first) - len(last)] + last
            # equal lengths, so comparing the strings compares the numbers
            # (no int(): a page of thousands of digits must not raise)
            return full if full >= first else last
        return last
    fm = _PREFIXED.fullmatch(first)
    if fm and _NUMERIC.fullmatch(last):
        digits = fm.group("num")
        if len(last) < len(digits):
            last = digits[: len(digits) - len(last)] + last
        return fm.group("pre") + last
    lm = _PREFIXED.fullmatch(last)
    if fm and lm and not lm.group("pre") and fm.group("pre"):
        return fm.group("pre") + lm.group("num")
    if fm and lm and fm.group("pre") != lm.group("pre") and fm.group("pre").endswith(lm.group("pre")):
        return fm.group("pre")[: -len(lm.group("pre")) or None] + last
    return last


def split_range(text: str) -> tuple[str, str | None]:
    """Split a printed range ``223–224`` into its ends.

    Args:
        text: a page element, possibly a range in one element.

    Returns:
        ``(first, last)``; ``last`` is ``None`` when ``text`` is no range.
    """
    parts = _RANGE_DASH.split(text.strip(), maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        return parts[0], parts[1]
    return text.strip(), None


#: Mendeley's mark of a journal's series, from the ISSN register's title ("Science (80-. )"): not printed
#: by the journal, and no part of its name.
_SERIES_MARK = re.compile(r"\s*\(\d{1,4}-\s?\.?\s?\)\.?$")


def journal_name(text: str) -> str:
    """A journal's name without a reference manager's series mark: "Science (80-.)" is "Science"."""
    bare = _SERIES_MARK.sub("", text)
    return bare if bare else text


# --------------------------------------------------------------------------- roles
@lru_cache(maxsize=1)
def _role_words() -> dict[str, frozenset[str]]:
    from .grammar_files import read_sections

    return {k: frozenset(e.casefold() for e in v) for k, v in read_sections("publishers.txt", "publisher").items()}


_WORDS = re.compile(r"[^\W\d_][\w.'-]*")


@lru_cache(maxsize=1 << 12)
def looks_like_publisher(text: str) -> bool:
    """Whether a name reads as a publisher's rather than a journal's.

    ``Oxford University Press``, ``CRC press``, ``Dover Publications`` →
    True; ``Nature``, ``J Exp Biol``, ``Annals of Botany``,
    ``Proceedings ... Society Press`` → False (a journal word wins).

    Args:
        text: a segment as printed.

    Returns:
        True when a publisher word occurs and no journal word does.
    """
    found = _WORDS.findall(text)
    words = {w.casefold().rstrip(".,") for w in found} | {w.casefold() for w in found}
    # the parts of a joined name count too ("Wiley-Interscience", "Prentice-Hall", "Brooks/Cole")
    words |= {part.casefold() for w in found for part in re.split(r"[-/]", w.rstrip(".,")) if part}
    roles = _role_words()
    return bool(words & roles["publisher"]) and not words & roles["journal"]


#: Organisation words that no journal's name holds without a journal word ("Psychiatric Services",
#: "Health Affairs" are journals; "World Health Organization" publishes).
_PUBLISHING_BODY = frozenset(
    "organization organisation foundation institute institution ministry agency commission council office bureau "
    "department administration consortium committee".split()
)


def looks_like_publishing_body(text: str) -> bool:
    """Whether a lone name after a title reads as the body that published it, not as a journal.

    ``World Health Organization``, ``R Foundation for Statistical Computing``:
    one of :data:`_PUBLISHING_BODY`'s words, and no journal word.
    """
    words = {w.casefold() for w in _WORDS.findall(text)}
    return bool(words & _PUBLISHING_BODY) and not words & _role_words()["journal"]


def has_journal_word(text: str) -> bool:
    """Whether a name holds a word journals' names hold ("Journal", "Proc", "Review", "Bulletin" …)."""
    return bool({w.casefold().rstrip(".") for w in _WORDS.findall(text)} & _role_words()["journal"])


def looks_like_organization(text: str) -> bool:
    """Whether a name holds a word only organisations' names hold ("General Accounting Office")."""
    return any(w.casefold() in _role_words()["organization"] for w in _WORDS.findall(text))


# --------------------------------------------------------------------------- identifiers
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|DOI:?\s*)", re.I)


def doi(text: str | None, whole: bool = False) -> str | None:
    """The bare DOI in a printed DOI, link or ``doi:`` note.

    Trailing punctuation a page put after the DOI (``.``, ``,``, ``;``) is
    removed; a closing parenthesis is kept only when the DOI opened one.

    Args:
        text: ``doi: 10.1/x.``, ``https://doi.org/10.1/x`` or ``10.1/x``.
        whole: the text must be the DOI (after its prefix, a final period
            allowed), not merely contain one: a card's ``DOI:`` field.

    Returns:
        ``10.1/x``, or ``None`` when no DOI is present.
    """
    if not text:
        return None
    t = _DOI_PREFIX.sub("", text.strip())
    if whole:
        value = doi(t)
        return value if value == t.rstrip(".") else None
    m = _DOI.search(t)
    if not m:
        return None
    value = m.group(0).rstrip(".,;")
    while value.endswith(")") and value.count(")") > value.count("("):
        value = value[:-1].rstrip(".,;")
    while value.endswith("]") and value.count("]") > value.count("["):
        value = value[:-1].rstrip(".,;")
    return value if _DOI.fullmatch(value) else None


def pmid(text: str | None) -> str | None:
    """A PubMed id (1–9 digits) from ``PMID: 123`` or ``123``."""
    if not text:
        return None
    m = _PMID.fullmatch(text)
    return m.group(1) if m else None


def pmcid(text: str | None) -> str | None:
    """A PubMed Central id in canonical form ``PMC123``."""
    if not text:
        return None
    m = _PMCID.search(text)
    return f"PMC{m.group(1)}" if m else None


def url(text: str | None) -> str | None:
    """A URL as printed, with page punctuation removed from its end."""
    if not text:
        return None
    t = text.strip().rstrip(".,;")
    if t.startswith("www."):
        t = "http://" + t
    return t if _URL.match(t) else None


def isbn(text: str | None) -> str | None:
    """An ISBN-10 or ISBN-13 with separators removed."""
    if not text:
        return None
    digits = _NOT_ISBN.sub("", text)
    return digits.upper() if len(digits) in (10, 13) else None


# --------------------------------------------------------------------------- dates
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    # Portuguese and Spanish (fev., abr., maio, ago., set., out., dez.; ene., dic.)
    "fev": 2, "abr": 4, "mai": 5, "ago": 8, "set": 9, "out": 10, "dez": 12, "ene": 1, "dic": 12,
}
_SEASONS = {"spring": 13, "summer": 14, "autumn": 15, "fall": 15, "winter": 16}


def month(text: str | None) -> int | None:
    """Month number from a printed month (``Mar``, ``March``, ``Sept.``).

    Seasons map to CSL's 13–16 (spring … winter). A range (``Jan-Feb``) gives
    its first month.
    """
    if not text:
        return None
    m = _WORD.search(text)
    if m is not None and m.group(0).casefold() in ("de", "del"):  # "7 de julho", "1º de setembro"
        m = _WORD.search(text, m.end())
    if not m:
        return None
    word = m.group(0).casefold()
    if word in _SEASONS:
        return _SEASONS[word]
    return _MONTHS.get(word[:3])


def is_month_name(text: str) -> bool:
    """Whether a printed text is one month's name, nothing more (``March``, ``Mar.``, ``out.``; not a season)."""
    return text.strip().rstrip(".").casefold() in _MONTH_NAMES


#: Month names and their abbreviations in English, Portuguese and Spanish.
_MONTH_NAMES = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro "
    "fev abr ago set out dez enero febrero marzo mayo junio julio septiembre setiembre octubre noviembre "
    "diciembre ene dic".split()
)


def day(text: str | None) -> int | None:
    """Day of month from a printed date part (``13 June``, ``June 13th``)."""
    if not text:
        return None
    m = _DAY.search(text)
    if not m:
        return None
    d = int(m.group(1))
    return d if 1 <= d <= 31 else None


def year(text: str | None) -> tuple[int, str | None] | None:
    """Year and disambiguation suffix from ``2011`` or ``2011a``."""
    if not text:
        return None
    m = _YEAR.fullmatch(text)
    if not m:
        return None
    return int(m.group(1)), m.group(2)


# --------------------------------------------------------------------------- issues
def issue(text: str) -> tuple[str, str | None]:
    """Canonical issue and supplement from a printed issue.

    ``suppl 1`` → ``("suppl 1", "1")``; ``Suppl 2`` → ``("suppl 2", "2")``;
    ``9`` → ``("9", None)``; ``Pt 2`` → ``("Pt 2", None)``.

    Returns:
        ``(issue, supplement)``.
    """
    t = " ".join(text.split())
    m = _SUPPL.fullmatch(t)
    if m:
        s = m.group("s")
        base = f"suppl {s}" if s else "suppl"
        return (f"{m.group('n')} {base}" if m.group("n") else base), (s or "")
    return t, None
