"""Stage 3a — lex: each line of a reference becomes one or more grammar tokens.

The line-broken format already did most of a lexer's work: a publisher's page
puts every element (a surname, the initials, the title, a volume) and every
text node between elements (``, ``, ``):``, ``. doi:``) on a line of its own.
So a line is the unit, and this module only *classifies* it:

* **punctuation lines** (``):``, ``. (``, ``,”``) are split into one token per
  mark, so the grammar sees ``RPAR COLON`` however a publisher glued them;
* **keyword lines** (``, et al``, ``. In:``, ``, editors.``, ``doi:``, ``pp.``,
  ``Available from:``) give their punctuation tokens plus one keyword token;
* **element lines** are classified by shape: a year, a number, a page
  locator (``e24``, ``73.e1``), initials, a name particle (``van der``), a DOI,
  a URL, ``TEXT`` when it could be a surname (at most four name-like words),
  or ``PHRASE`` for any other text (a title, a journal, a publisher). Numbers wrapped in brackets or
  followed by a separator (``(2011).``, ``12,``) are unwrapped the same way.

Which ``TEXT`` is a surname, a title or a journal is *not* decided here: the
grammar decides it from the position, which is the point of having one.

Classification is a pure function of the line's text, cached, because the
same punctuation lines recur tens of times per reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from .grammar_files import particles
from .noise import is_link_noise
from .read import CACHED_LINE

# --------------------------------------------------------------------------- punctuation
_PUNCT_TYPES = {
    ".": "DOT",
    ",": "COMMA",
    ";": "SEMI",
    ":": "COLON",
    "(": "LPAR",
    ")": "RPAR",
    "[": "LPAR",
    "]": "RPAR",
    "-": "DASH",
    "\u2010": "DASH",
    "\u2011": "DASH",
    "\u2012": "DASH",
    "\u2013": "DASH",
    "\u2014": "DASH",
    "\u2212": "DASH",
    "\u201c": "QUOTE",
    "\u201d": "QUOTE",
    "\u201e": "QUOTE",
    '"': "QUOTE",
    "\u2018": "QUOTE",
    "\u2019": "QUOTE",
    "'": "QUOTE",
    "\u00ab": "QUOTE",
    "\u00bb": "QUOTE",
    "&": "AND",
    "?": "QMARK",
    "!": "QMARK",
    "/": "SLASH",
    "{": "NOISE",
    "}": "NOISE",
    "<": "NOISE",
    ">": "NOISE",
}
_PUNCT_CHARS = "".join(_PUNCT_TYPES)
_PUNCT_CLASS = "[" + re.escape(_PUNCT_CHARS) + r"\s]"
_PUNCT_LINE = re.compile(_PUNCT_CLASS + "+")

# --------------------------------------------------------------------------- keywords
# Each keyword may be wrapped in punctuation (", et al", ". In:", ", editors.").
# Groups named V_... carry a value the transformer needs.
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
    r"|Spring|Summer|Autumn|Fall|Winter"
    # Portuguese and Spanish, as ABNT and Vancouver print them in those languages ("out. 2013")
    r"|[Jj]an(?:eiro)?|[Ff]ev(?:ereiro)?|[Mm]ar(?:ço)?|[Aa]br(?:il)?|[Mm]aio|[Jj]un(?:ho)?|[Jj]ul(?:ho)?"
    r"|[Aa]go(?:sto)?|[Ss]et(?:embro)?|[Oo]ut(?:ubro)?|[Nn]ov(?:embro)?|[Dd]ez(?:embro)?"
    r"|[Ee]ne(?:ro)?|[Ff]eb(?:rero)?|[Mm]arzo|[Mm]ayo|[Jj]unio|[Jj]ulio|[Ss]ep(?:tiembre)?|[Ss]etiembre"
    r"|[Oo]ct(?:ubre)?|[Nn]oviembre|[Dd]ic(?:iembre)?)\.?"
)
_KEYWORDS: list[tuple[str, str]] = [
    ("ETAL", r"et\.? ?al\.?|and others|u\.? ?a\.|et coll\.|[ey] col\.?|et alii|e outros|y otros"),
    ("AND", r"and|&|und|e|y"),
    ("ND", r"n\.? ?d\.?|[Nn]o date|[Uu]ndated|s\.? ?d\.?"),
    (
        "INPRESS",
        r"[Ii]n [Pp]ress|[Ff]orthcoming|[Uu]npublished(?: data| work)?|[Ii]n preparation"
        r"|[Pp]ersonal communication|[Ss]ubmitted",
    ),
    ("IN", r"[Ii]n:?|[Ee]m:|[Ee]n:"),
    (
        "EDS",
        r"(?:eds?|Eds?|Hrsg)\.?|[Ee]ditors?|[Ee]dited by"
        # Portuguese and Spanish: "Pinheiro R, Mattos RA, organizadores."
        r"|[Oo]rganizador(?:a|es|as)?|[Ee]ditor(?:a|es|as)|[Cc]oordenador(?:a|es|as)?|[Cc]oordinador(?:a|es|as)?"
        r"|\((?:eds?|Eds?|editors?|Editors?|[Oo]rgs?|[Cc]oords?|[Cc]omps?|[Dd]irs?|[Hh]rsg)\.?\)",
    ),
    ("DOIKW", r"doi:?|Doi:?|DOI:|https?://(?:dx\.)?doi\.org/?"),
    ("PMIDKW", r"PMID:?|PMid:?|PubMed(?: PMID)?:"),
    ("PMCID", r"(?:PubMed Central )?PMCID:? ?PMC(?:PMC|Pmc)?(?P<V_PMCID>\d+)"),
    ("PP", r"pp?\.?|pages?|Pp\.|págs?\."),
    ("ARTNO", r"Art(?:icle)?\.? ?(?:[Nn]o|[Nn]umber|ID|[Nn]r)\.?:?|Article ID:?|e-?[Ll]ocator:?|Artn\.?"),
    ("VOL", r"(?:[Vv]ol(?:ume)?s?\.?|v\.|[Tt]omo|Bd\.)(?: ?(?P<V_VOL>\d+))?"),
    ("NO", r"[Nn]o\.?|[Nn]r\.?|[Ii]ssue|[Nn]umber|n\.|[Nn][º°]\.?|[Nn]úm\."),
    (
        "SUPPL",
        r"(?:\d+ )?[Ss]uppl?(?:ement)?\.?(?: ?(?:[0-9]+[A-Za-z]?|[A-Z]))?"
        r"|(?:\d+ )?(?:[Pp]t\.?|[Pp]art) ?(?:\d+|[A-Z])",
    ),
    (
        "AVAIL",
        r"Available(?: (?:from|at|online))?:?|Retrieved from:?|URL:?|Online:?|Accessible at:?"
        r"|Dispon[íi]vel em:?|Disponible en:?|Recuperado de:?|Verfügbar unter:?",
    ),
    (
        "ACCESSED",
        r"(?:[Aa]ccessed(?: on)?|[Cc]ited|[Ll]ast accessed|[Vv]iewed|[Rr]etrieved(?! from)|[Aa]cess(?:o|ado) em"
        r"|[Aa]ccedido(?: el)?|[Cc]onsultado(?: el| em)?|[Cc]itado(?: em| el)?):? ?(?P<V_ACCESSED>.*)"
        # "[cited 2022 Mar 5]", "[updated 2021 Jan 3; cited 2022 Mar 5]" (Vancouver): a date, not a genre
        r"|\[(?:[Cc]ited|[Aa]ccessed|[Uu]pdated|[Cc]itado|[Aa]cesso em)\s?(?P<V_ACCESSED_BRACKETED>[^\]]{1,60})\]",
    ),
    ("PRESENTED", r"(?:(?:Paper|Poster|Abstract|Oral presentation) )?[Pp]resented at:? ?(?P<V_EVENT>.*)"),
    # "Trad. Luis-Andrés Bredlow", "Org. Sergio Cohn", "Translated by …": a translator or organiser
    # after a book's title (ABNT, Chicago), kept as a note, never the container ("Organização …" and
    # "Coordenação …" start the names of organisations: not here)
    (
        "CONTRIB",
        r"(?P<V_CONTRIB>(?:Trad\.(?: cast\.)?(?: de)?|Tradução de|Traducción de|[Tt]ranslated by|Trans\.|Transl\."
        r"|Org\.|Coord\.)"
        r" [A-Z\u00c0-\u00de\u00ab\u201c].*)",
    ),
    # "edited by Stefan Kotz and Nina L. Johnson" after a book's title (MLA: "“Chapter.” Book, edited by …,
    # Publisher, 1973"): the editors' credit, one element, which makes the text before it a book
    (
        "EDITED",
        r"(?P<V_EDITED>(?:[Ee]dited|[Ee]dited and translated|Ed\. and trans\.) by [A-Z\u00c0-\u00de].*"
        r"|Ed\. and trans\. [A-Z\u00c0-\u00de].*)",
    ),
    (
        "EPUB",
        r"\[?(?:Epub|E-?pub(?:lished)?|Published online|[Oo]nline ahead of print|Epub ahead of print)\b ?(?P<V_EPUB>.*)"
        r"|(?P<V_EPUBDATE>(?:1[89]|20)\d\d(?: [A-Z][a-z]{2}\.?(?: \d{1,2})?)?\.? ?\[?(?:Epub|E-?pub)[^\]]*\]?)",
    ),
    ("ISBN", r"ISBN(?:-1[03])?:? ?(?P<V_ISBN>[0-9][0-9Xx -]{8,20})"),
    ("ARXIV", r"(?P<V_ARXIV>arXiv: ?\S+)"),
    (  # "June 13th", "13 June", "7 de julho", "1º de setembro", "Jan-Feb"
        "MONTH",
        r"(?:\d{1,2}[º°]?(?: de)? )?" + _MONTHS + r"(?: ?[-/\u2013] ?" + _MONTHS + r")?(?: \d{1,2}(?:st|nd|rd|th)?)?",
    ),
    (
        "EDITION",
        r"(?P<V_EDITION>\d+(?:st|nd|rd|th|ª|º|a|\.)|[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth|[Ff]ifth|[Ss]ixth"
        r"|[Rr]ev(?:ised)?\.?)"
        r" ?(?:[Ee]d(?:ition|n|ição|ición)?\.?)",
    ),
    (
        "THESIS",
        r"\[?(?P<V_THESIS>(?:Ph\.? ?D\.?|Doctoral|Master'?s?|MSc|Bachelor'?s?) (?:[Tt]hesis|[Dd]issertation)"
        r"|[Dd]issertation|[Tt]hesis|[Tt]ese(?: \([^)]{3,40}\))?|[Dd]isserta[çc][ãa]o(?: \([^)]{3,40}\))?"
        r"|[Tt]esis(?: doctoral| de (?:maestr[íi]a|doctorado|licenciatura))?|[Tt]ese de (?:doutorado|livre-doc[êe]ncia)"
        r"|[Dd]isserta[çc][ãa]o de mestrado|[Mm]onografia|[Tt]rabalho de [Cc]onclus[ãa]o de [Cc]urso)\]?",
    ),
    # "[s. l.]", "[s.n.]", "[s. l.: s. n.]": no place, no publisher (ABNT); nothing to read
    ("NOISE", r"\[s\. ?[ln]\.?(?::? ?s\. ?n\.?)?\]"),
    ("GENRE", r"\[(?P<V_GENRE>[^\]]{2,40})\]"),
]


def _alternatives(table: list[tuple[str, str]]) -> str:
    """One alternation of a table's patterns, in order, each marked by an empty group named after its kind.

    The mark goes *after* the pattern, not around it: an alternative that
    starts with a literal or a character class is then skipped by the regex
    engine after one character test, which makes a failed match (most lines
    fail most tables) cheaper.
    """
    return "|".join(f"(?:{rx})(?P<{name}>)" for name, rx in table)


_LEAD = r"(?P<lead>(?:" + _PUNCT_CLASS + r")*?)"
_TRAIL = r"(?P<trail>(?:" + _PUNCT_CLASS + r")*)"
_KEYWORD_LINE = re.compile(_LEAD + r"(?P<word>" + _alternatives(_KEYWORDS) + r")" + _TRAIL)
_KEYWORD_KINDS = tuple(name for name, _ in _KEYWORDS)
#: The groups that carry a keyword's value, in pattern order (the first that matched gives the value).
_KEYWORD_VALUES = tuple(
    g for g, _ in sorted(_KEYWORD_LINE.groupindex.items(), key=lambda kv: kv[1]) if g.startswith("V_")
)

# --------------------------------------------------------------------------- element shapes
def _particle_shape() -> str:
    """A particle element: a leading word (either case of its first letter), lower-case words after."""
    leading, following, elided = particles()
    first = "|".join(f"[{w[0].upper()}{w[0]}]{re.escape(w[1:])}" for w in (*leading, *elided))
    more = "|".join(map(re.escape, (*leading, *following)))
    return rf"(?:{first})(?: (?:{more}))*"


_UP = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f\u0391-\u03a9\u0410-\u042f"
_SHAPES: list[tuple[str, str]] = [
    ("DOI", r"(?:(?:doi|DOI):? ?|https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/\S+"),
    ("URL", r"(?:https?|ftp)://\S+|www\.(?=\S*\.)\S+"),  # (lookahead, not \S+\.\S+: linear on long lines)
    ("PMCID", r"PMC\d{4,9}"),
    ("YEAR", r"(?:1[4-9]\d\d|20\d\d)[a-z]?"),
    ("LONGNUM", r"\d{6,9}"),
    ("NUM", r"\d+"),
    ("SUFFIX", r"Jr\.?|Sr\.?|II|III|IV|2nd|3rd|[4-9]th|(?i:Neto|Filho|J[úu]nior|Sobrinho)"),
    ("LOC", r"(?:[A-Z]{1,10}|[a-z]{1,2})?\d+(?:[A-Za-z]{1,2}\d*|\.[A-Za-z]?\d+)?|[A-Z]{1,2}-\d+|[ivxlcdm]{1,6}"),
    # "\d+(?:[A-Za-z]\d*)?", not "\d+[A-Za-z]?\d*": the same strings, but a run of digits
    # splits one way only (the other took time quadratic in the run).
    ("RANGE", r"(?:[A-Za-z]{1,2})?\d+(?:[A-Za-z]\d*)? ?[-\u2010-\u2014] ?(?:[A-Za-z]{1,2})?\d+(?:[A-Za-z]\d*)?"),
    ("PARTICLE", _particle_shape()),
    (
        "INIT",
        # Each repetition takes at most one space, so a run of "A. " has one
        # way to match (a space on either side of the hyphen made it exponential).
        # Particles may sit between dotted initials or after them ("C. da S. T.", "D. F. de.": Brazilian
        # APA); each starts with a lower-case d or v, an initial with a capital, so the split is unique.
        rf"[{_UP}]{{1,4}}|[{_UP}]{{2,3}}\.|(?:[{_UP}][a-z]{{0,2}}\.(?: ?[-\u2010])? ?)+"
        rf"(?:(?:d[aeo]s?|del|der|van|von)\.? ?(?:[{_UP}][a-z]{{0,2}}\.(?: ?[-\u2010])? ?)*)*"
        rf"|[{_UP}]{{1,3}}(?:[-\u2010][{_UP}]{{1,3}})+\.?"
        rf"|[{_UP}]\.-[a-z]\.",  # "C.-q." (a Chinese given name's second syllable, printed in lower case)
    ),
]
_SHAPE = re.compile(_alternatives(_SHAPES))
# An element wrapped in brackets or followed by separators: "(2011).", "12,", "C.:".
_WRAP_LEAD, _WRAP_TRAIL = "([\u201c\"", ")],;:\u201d\""
_WRAPPED = re.compile(rf"(?P<lead>[{re.escape(_WRAP_LEAD)}]*)(?P<core>.+?)(?P<trail>[{re.escape(_WRAP_TRAIL)}]*)")
_DIGIT = re.compile(r"\d")
#: A same-author dash: three or more dashes or underscores, or two em dashes ("———.", "______.").
_SAME_AUTHORS = re.compile(r"(?:[\u2014_-] ?){3,}[.,]?|\u2014\u2014[.,]?")
#: The marks a same-author dash starts with: a cheap test before the pattern.
_SAME_AUTHORS_FIRST = "\u2014_-"


def is_same_authors(text: str) -> bool:
    """Whether a line is a same-author dash ("———.", "______."): the authors of the reference before."""
    return _SAME_AUTHORS.fullmatch(text) is not None
#: "In W. C. S.", "In: R. Lee", "Em: SILVA": the chapter keyword, then the first editor's name.
_OPENS_WITH_IN = re.compile(rf"([Ii]n:?|[Ee]m:|[Ee]n:) ((?:[{_UP}][a-z]{{0,2}}\.|[{_UP}]{{2,}}\b).*)")
# A text node after an element: leading punctuation, a space, then words.
# All the leading marks at once (". . , "), so the rest starts with a word.
_TEXT_NODE = re.compile(r"(?P<lead>[.,;:)\]]+(?: [.,;:)\]]+)* ?)(?P<rest>[^\s.,;:)\]].*)")  # no nested "+": linear

_ATOM = re.compile(
    r"(?:doi: ?)?10\.\d{4,9}/[^\s]+?(?=\.?(?:\s|$))|[Dd][Oo][Ii]:"
    r"|[A-Za-z]{0,3}\d+(?:\.[A-Za-z]?\d+)?[A-Za-z]{0,2}\d*|[A-Za-z]+\.?|[^\w\s]"
)

_Kinds = tuple[tuple[str, str], ...]


def _punct(chars: str) -> list[tuple[str, str]]:
    return [(_PUNCT_TYPES[c], c) for c in chars if not c.isspace()]


#: How the keywords can start: their first letter, or first two when both are
#: letters, case-folded ("et al" et, "n.d." n, "pp." pp, "Suppl" su). A line
#: that starts with a mark or a digit can start any keyword line; one that
#: starts with letters not listed here starts none, and skips the keyword
#: alternation — the slowest test a surname or a title meets, and most of them
#: start otherwise. tests/test_lexer.py generates text from every keyword
#: pattern and checks that it starts as listed.
_KEYWORD_STARTS = frozenset({
    "ab", "ac", "an", "ap", "ar", "au", "av", "ba", "ci", "de", "di", "do", "e", "ed", "el", "ep", "et", "fa",
    "fe", "fi", "fo", "hr", "ht", "in", "is", "ja", "ju", "la", "ma", "ms", "n", "nd", "no", "nr", "nu", "oc",
    "on", "or", "p", "pa", "pe", "ph", "pm", "po", "pp", "pr", "pt", "pu", "re", "s", "sd", "se", "si", "sp",
    "su", "th", "u", "ua", "un", "ur", "vi", "vo", "wi",
    # Portuguese, Spanish and German labels and months (ABNT, SciELO)
    "ag", "bd", "co", "em", "en", "mo", "nº", "nú", "ou", "pá", "te", "to", "tr", "v", "ve", "y",
})


#: Digits, a dot and a digit ("10.1016/…", "3.2"): no keyword starts so. Those that start with a
#: number follow it with a space, a letter, "ª" or "º", or a dot and then a space, a letter or
#: "[" ("2nd ed.", "3 Suppl", "12 Jan", "10. ed.", "2019. [Epub"); a DOI then skips the alternation.
_DECIMAL_START = re.compile(r"\d+\.\d")


def _may_be_keyword(text: str) -> bool:
    """Whether ``text`` can be a keyword line, from its first characters (see :data:`_KEYWORD_STARTS`)."""
    start = text[:2]
    if not start[:1].isalpha():
        return _DECIMAL_START.match(text) is None
    if not start[1:].isalpha():
        start = start[:1]
    return start.casefold() in _KEYWORD_STARTS


def _keyword(text: str) -> _Kinds | None:
    if not _may_be_keyword(text):
        return None
    m = _KEYWORD_LINE.fullmatch(text)
    if m is None:
        return None
    kind = next(name for name in _KEYWORD_KINDS if m.group(name) is not None)
    values = [v for v in m.group(*_KEYWORD_VALUES) if v]
    value = values[0] if values else m.group("word")
    return (*_punct(m.group("lead")), (kind, value.strip()), *_punct(m.group("trail")))


def _shape(text: str) -> str | None:
    m = _SHAPE.fullmatch(text)
    return m.lastgroup if m else None


def _compound(text: str) -> _Kinds | None:
    """Split a short line of numbers and marks (``109(41)``, ``3: 154-178``).

    Some pages print volume, issue and pages in one text node; when every
    piece of such a line is a number, a locator, a keyword or a mark, the
    pieces are the tokens.
    """
    if len(text) > 80 or not _DIGIT.search(text):
        return None
    out: list[tuple[str, str]] = []
    for atom in _ATOM.findall(text):
        if atom in _PUNCT_TYPES:
            out.append((_PUNCT_TYPES[atom], atom))
            continue
        kinds = _keyword(atom)
        if kinds is None:
            kind = _shape(atom)
            if kind is None or kind == "RANGE":
                return None
            kinds = ((kind, atom),)
        out.extend(kinds)
    return tuple(out)


#: Lines longer than this are text, whatever they look like: no element of a
#: reference is this long, and every pattern then runs on bounded input.
MAX_ELEMENT = 1_000


def classify(text: str) -> _Kinds:
    """Classify one cleaned line into ``(token type, value)`` pairs.

    Args:
        text: a cleaned, non-empty line.

    Returns:
        A tuple of pairs; most lines give exactly one.
    """
    if len(text) > MAX_ELEMENT:
        return (("PHRASE", text),)
    return _classify_short(text) if len(text) <= CACHED_LINE else _classify(text)


def _classify(text: str) -> _Kinds:
    """:func:`classify` for lines of bounded length.

    The checks run in priority order. Two shortcuts skip checks that cannot
    succeed (tests hold both facts): no keyword and no link label is all
    digits, so a line of digits is a number shape at once; and a name-like
    line starts with a letter, ends with a letter or a dot and holds no digit,
    so it is neither wrapped, nor a text node, nor a compound.
    """
    if text.isascii() and text.isdigit():
        kind = _shape(text)
        if kind is not None:  # always (NUM): the check only keeps the types honest
            return ((kind, text),)
    if "[s" in text or "[S" in text:
        bare = _SINE.sub(_sine, text).strip()
        if bare != text:  # "[s. l.], v." -> ", v.": no place (ABNT); "[s. d.]" -> "s. d.": no date
            return _classify(bare) if bare else ()
    # "———." (Chicago, MLA, ABNT): the authors of the reference before (its first mark tested first)
    if text[:1] in _SAME_AUTHORS_FIRST and _SAME_AUTHORS.fullmatch(text):
        return (("SAME", text),)
    if _PUNCT_LINE.fullmatch(text):
        return tuple(_punct(text))
    if is_link_noise(text):
        return (("NOISE", text),)
    kw = _keyword(text)
    if kw is not None:
        return kw
    m = _SHAPE.fullmatch(text)
    if m is not None and m.lastgroup is not None:
        return ((m.lastgroup, text),)
    if text.count(" ") <= 3 and _NAMEISH.fullmatch(text):  # the count first: it rules out most titles at once
        # A surname with initials glued on ("Mirabet V"); the lexer decides by
        # context whether it really is one (see _in_context).
        glued = " " in text and _GLUED_ALONE.fullmatch(text)  # (its initials follow a space)
        return (("TEXT?" if glued else "TEXT", text),)
    m = _WRAPPED.fullmatch(text) if text[0] in _WRAP_LEAD or text[-1] in _WRAP_TRAIL else None
    if m and (m.group("lead") or m.group("trail")):
        core = m.group("core")
        lead, trail = _punct(m.group("lead")), _punct(m.group("trail"))
        inner = _shape(core)
        if inner is not None:
            return (*lead, (inner, core), *trail)
        kw = _keyword(core)
        if kw is not None:
            return (*lead, *kw, *trail)
    node = _TEXT_NODE.fullmatch(text)
    if node is not None:
        return (*_punct(node.group("lead")), *_classify(node.group("rest")))
    opening = _OPENS_WITH_IN.fullmatch(text) if text[:1] in "IiEe" else None
    if opening is not None:  # "In W. C. S." (a text node and the editors' initials on one line)
        return (("IN", opening.group(1)), *_classify(opening.group(2)))
    compound = _compound(text)
    if compound is not None:
        return compound
    return (("PHRASE", text),)


#: "[s. l.]" (no place), "[s. n.]" (no publisher), "[s. d.]" (no date), alone or together (ABNT).
_SINE = re.compile(r"\[[sS]\. ?([lnd])\.?(?::? ?[sS]\. ?[lnd]\.?)?\]")


_SINE_DATA = re.compile(r"[sS]\. ?d\.")


def _sine(m: re.Match[str]) -> str:
    return " s. d. " if _SINE_DATA.search(m.group(0)) else " "


#: Short lines recur (marks, initials, journal abbreviations); titles rarely do.
_classify_short = lru_cache(maxsize=1 << 14)(_classify)


# A line that could be a surname: at most four name-like words ("de Ruyter
# van Steveninck", "O'Connor", "Nik-Zainal"). Any other text is a PHRASE —
# a title, a journal, a book, a publisher — and can never start a person.
_NAMEISH = re.compile(
    r"[^\W\d_][^\W\d_'\u2019.\u2010\u2011-]*(?:[ '\u2019.\u2010\u2011-]+[^\W\d_][^\W\d_'\u2019.\u2010\u2011-]*){0,3}\.?"
)
_GLUED = re.compile(rf"[^\W\d_][\w'\u2019-]*(?: [^\W\d_][\w'\u2019-]*)* [{_UP}]{{1,3}}")
# Without a particle before it, a glued name has at most two words: "Mirabet V",
# "Jacobs WR" ("Proc R Soc B" is a journal, not a name).
_GLUED_ALONE = re.compile(rf"[{_UP}][\w'\u2019-]*(?: [{_UP}][\w'\u2019-]*)? [{_UP}]{{1,3}}")


class Tok:
    """One token: its grammar type, the text, its position in the reference.

    A plain slotted object rather than a ``lark.Token``: the LALR parser only
    reads ``type``, and this is several times cheaper to create (every
    element of every reference becomes one). The class attributes are the
    position fields Lark reads when it builds its end-of-input token.
    """

    __slots__ = ("index", "type", "value")
    start_pos = line = column = end_line = end_column = end_pos = None

    def __init__(self, type: str, value: str, index: int) -> None:
        self.type = type
        self.value = value
        self.index = index

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"Tok({self.type}, {self.value!r}, index={self.index})"


_NAME_SEPARATORS = frozenset({"COMMA", "SEMI", "AND"})
# Initials right after a surname that starts a name, whatever else the line could be: two
# letters in mixed case ("Aa", not a second surname), or up to three capitals that alone on
# a line the lexer reads as something else: a suffix (II), link furniture (CAS, ISI), a
# keyword (URL). One pattern for both: it is tried after every surname.
_INITIALS_AFTER_NAME = re.compile(rf"[{_UP}](?:[a-z]|[{_UP}]{{0,2}})")


def _after_name_start(types: list[str]) -> bool:
    """Whether the last token is a surname at the start of a name (list start or after a separator)."""
    return len(types) == 1 or types[-2] in _NAME_SEPARATORS


class Tokens(NamedTuple):
    """A reference's tokens as parallel lists (cheap to build, cheap to hash).

    ``types`` is the reference's *shape*: everything the grammar and the
    assembler look at; ``at`` is the element (a line of a line-broken page,
    a piece of a flat reference) each token was read from. :meth:`toks`
    makes parser tokens only when a shape is new and must really be parsed.
    """

    types: tuple[str, ...]
    values: list[str]
    at: list[int]

    def toks(self) -> list[Tok]:
        """Parser tokens (``Tok``) for these tokens."""
        return [Tok(t, v, i) for i, (t, v) in enumerate(zip(self.types, self.values, strict=True))]


_CONTEXTUAL = frozenset({"NOISE", "TEXT", "TEXT?", "INIT", "DOI"})
#: Keywords that are also surnames (Ed, In, Number, Online ...): where a name starts and
#: initials follow, the word is the surname.
_WORD_KEYWORDS = frozenset({"EDS", "IN", "NO", "VOL", "AVAIL", "ACCESSED", "THESIS", "SUPPL", "EPUB", "ARTNO"})
#: For each kind :func:`_in_context` may change, the types the token before
#: must have for its rule to apply (``None``: the rule always applies). The
#: lexer skips the call otherwise: names make most tokens TEXT and INIT.
_RULE_AFTER: dict[str, frozenset[str] | None] = {
    "TEXT?": None,
    "TEXT": frozenset({"PARTICLE"}),
    "INIT": _WORD_KEYWORDS,
    "DOI": frozenset({"INIT"}),
}
_NO_RULE: frozenset[str] = frozenset()  # the kinds no rule changes


def _in_context(kind: str, value: str, types: list[str], values: list[str]) -> str:
    """The rules that look at the token before (see :func:`tokens`)."""
    if kind == "TEXT?":  # "Mirabet V": glued where a name starts, else plain text
        if not types or types[-1] in _NAME_SEPARATORS or types[-1] == "PARTICLE":
            return "GLUED"
        return "TEXT"
    if kind == "TEXT":
        if types and types[-1] == "PARTICLE" and _GLUED.fullmatch(value):
            return "GLUED"
    elif kind == "INIT":
        if types and types[-1] in _WORD_KEYWORDS and _after_name_start(types):
            word = values[-1].rstrip(".")
            if word.isalpha() and word[0].isupper():
                types[-1] = "TEXT"  # "Ed" / "L", "In" / "S": the surnames Ed and In, not labels
    elif kind == "DOI" and types and types[-1] == "INIT" and values[-1] == "DOI":
        types[-1] = "DOIKW"  # "DOI" is a label only when a DOI follows; else initials
    return kind


def tokens(elements: Iterable[str]) -> Tokens:
    """Turn a reference's elements into tokens, dropping link furniture.

    An element is what a page prints on a line of its own: a surname, the
    initials, a title, a text node of marks between them. A line-broken page
    gives its lines; the flat layout cuts a reference's text into the same
    kind of pieces (:mod:`refparse.layouts.flat`).

    Rules that look at the token before (all the context the lexer uses):

    * a surname line that ends in initials right after a particle line
      (``van der`` / ``Sluis IM``) is a page's tagging glitch, emitted as
      ``GLUED`` so the grammar can rejoin the name;
    * two letters in mixed case right after a surname that starts a name
      (``Fodor`` / ``Aa``) are initials, not a second surname; so are up to
      three capitals there, whatever else they could be: ``II`` (a suffix
      follows initials, not a bare surname), ``CAS`` (link furniture follows
      a reference, not a surname), ``URL`` (a URL label follows a period);
    * a line "DOI" is a label when a DOI follows it, else initials;
    * a name line with initials glued on ("Mirabet V") where a name starts
      is ``GLUED``; a keyword word where a name starts, followed by initials,
      is a surname ("Ed" / "L", "In" / "S");
    * text that cannot be a surname is a ``PHRASE`` (decided in :func:`classify`).

    Args:
        elements: the reference's elements, in order (label excluded).

    Returns:
        The reference's :class:`Tokens`.
    """
    types: list[str] = []
    values: list[str] = []
    numbers: list[int] = []
    bracketed_noise = False  # "[" then "Google Scholar": drop the "]" that closes it
    for number, text in enumerate(elements):
        if (
            types
            and types[-1] == "TEXT"
            and _INITIALS_AFTER_NAME.fullmatch(text)
            and text not in _SUFFIX_WORDS  # "Oliveira" / "Jr" / "EN": a suffix, then the initials
            and _after_name_start(types)
        ):
            types.append("INIT")
            values.append(text)
            numbers.append(number)
            continue
        # classify() inlined (this runs for every line): short lines from the cache
        kinds = _classify_short(text) if len(text) <= CACHED_LINE else classify(text)
        for kind, value in kinds:
            if kind in _CONTEXTUAL or bracketed_noise:
                if kind == "NOISE":
                    if types and types[-1] == "LPAR":
                        types.pop()
                        values.pop()
                        numbers.pop()
                        bracketed_noise = True
                    continue
                if bracketed_noise:
                    bracketed_noise = False
                    if kind == "RPAR":
                        continue
                after = _RULE_AFTER.get(kind, _NO_RULE)
                if after is None or (types and types[-1] in after):
                    kind = _in_context(kind, value, types, values)
            if kind == "COMMA" or (len(types) >= 3 and types[-2] == "COMMA"):
                # only where one of _names_before's rules can apply: capitals before a comma, a
                # name part after "TEXT ," (the call itself was most of the cost of a name list)
                last = types[-1] if types else None
                if (kind == "COMMA" and last in _BEFORE_A_COMMA) or (
                    last == "TEXT" and len(types) >= 3 and types[-2] == "COMMA" and types[-3] == "TEXT"
                ):
                    _names_before(kind, types, values)
            elif kind == "YEAR" and len(types) >= 3:
                _untitled_journal(types, values)
            elif kind == "DOT" and types and types[-1] == "PARTICLE":
                _surname_particle(types, values)
            types.append(kind)
            values.append(value)
            numbers.append(number)
    return Tokens(tuple(types), values, numbers)


_NAME_START = frozenset({"SEMI", "AND"})
#: The last types before a comma that :func:`_names_before` may change (a surname read as
#: initials, a particle or a month).
_BEFORE_A_COMMA = frozenset({"INIT", "PARTICLE", "MONTH"})


def _surname_particle(types: list[str], values: list[str]) -> None:
    """``Anna V.`` ``Das`` then ``.``: a surname that reads as a particle ends a name printed given first.

    A particle is followed by the rest of its surname; one capitalised word
    right after given names and before a full stop is the surname itself.
    """
    if (len(types) >= 2 and types[-2] == "TEXT" and " " not in values[-1] and values[-1][:1].isupper()
            and _LAST_INITIAL.search(values[-2])):
        types[-1] = "TEXT"
#: Suffixes that read like two initials in mixed case after a surname.
_SUFFIX_WORDS = frozenset({"Jr", "Sr"})
#: Tokens after which a text cannot be a given name printed in full: it is a surname then.
_NOT_AFTER_GIVEN = frozenset({"INIT", "SUFFIX", "GLUED", "PARTICLE", "TEXT"})
_CAPS_WORD = re.compile(rf"[{_UP}]{{2,4}}")
_LAST_INITIAL = re.compile(rf"[a-z\u00df-\u00ff] [{_UP}]\.$")
#: Given names printed in full: capitalised words, particles between them, a last initial
#: ("Roland", "Gersem dos Santos Luciano", "John A.", "Luis-Andrés").
_GIVEN_NAMES = re.compile(
    rf"[{_UP}][^\W\d_]*[a-z\u00df-\u00ff][\w'\u2019-]*"
    rf"(?: (?:d[aeo]s?|d[ae]l|van|von|y|e|[{_UP}][^\W\d_]*[a-z\u00df-\u00ff][\w'\u2019-]*|[{_UP}]\.))*"
)


#: An abbreviated word ("Mol.", "Sci."), which initials are not.
_ABBREVIATED_WORD = re.compile(r"[A-Z][a-z]{2}\.")


#: A journal's name with its section or subtitle after a colon or a comma, in a few capitalised words:
#: "Tetrahedron: Asymmetry", "J. Mol. Catal. B: Enzym.", "Appl. Catal., A".
_SECTIONED_JOURNAL = re.compile(
    r"[A-Z][\w'-]*\.?(?:(?:,? |: )(?:[A-Z][\w'-]*\.?|of|and|&)){1,5}"
)


def _untitled_journal(types: list[str], values: list[str]) -> None:
    """Before a year: a text right after the names' closing semicolon is a journal, not a title.

    ``Shen`` ``,`` ``J.`` ``;`` ``Chem. Rev`` ``.`` then ``2016``: ACS lists
    that print no title. Marked ``JTEXT`` so the grammar reads no title. A
    journal with a section after a colon or a comma ("Tetrahedron: Asymmetry")
    is a ``PHRASE`` to the lexer, and a journal here as well.
    """
    at = len(types) - 2 if types[-1] == "DOT" else len(types) - 1
    if at >= 2 and types[at - 1] == "SEMI" and types[at - 2] == "INIT" and (
        types[at] == "TEXT"
        or (types[at] == "INIT" and _ABBREVIATED_WORD.search(values[at]))
        or (types[at] == "PHRASE" and _SECTIONED_JOURNAL.fullmatch(values[at]))
    ):
        types[at] = "JTEXT"  # "J. Mol. Sci." reads like initials; its "Mol." does not


def _names_before(kind: str, types: list[str], values: list[str]) -> None:
    """Rules that decide a name once the token after it is known.

    * ``SILVA`` then ``,`` (ABNT): capitals before a comma where a name
      starts (the list's start, after ``;`` or ``and``, or after dotted
      initials and a comma: ``ALI, S., KHAN, N.``) are a surname, not
      initials (``LIMA``, ``SADE``, ``KHAN`` look like them);
    * ``Das`` then ``,`` where a name starts or after initials: a surname
      that reads as a particle, which a comma never follows; ``May`` or
      ``Summer`` then ``,`` at the list's start: a surname, not a month;
    * ``BARTHES`` ``,`` ``Roland`` then anything but initials or another
      name part: ``Roland`` is the given name printed in full (ABNT, MLA,
      Chicago), a ``GIVEN``.

    :func:`tokens` calls this only where a rule can apply (the last type
    ``INIT``, ``PARTICLE`` or ``MONTH`` before a comma, or ``TEXT`` after
    ``TEXT ,``); a new rule here
    must widen that test (tests/test_lexer.py checks it).
    """
    if kind == "COMMA":
        start = types and types[-1] == "INIT" and (
            len(types) == 1
            or types[-2] in _NAME_START
            # "ALI, S., KHAN, N." (Harvard in capitals): after dotted initials and a comma, a name starts
            or (len(types) >= 3 and types[-2] == "COMMA" and types[-3] == "INIT" and values[-3].endswith("."))
        )
        # "Das" then ",": a surname that is also a particle ("Das, Anna V.", "…, X. Du, and …"): no particle
        # before a comma; "May" or "Summer" then "," at the list's start: a surname, not a month
        surname = types and (
            (types[-1] == "PARTICLE" and (len(types) == 1 or types[-2] in _NAME_START or types[-2] == "INIT"))
            or (types[-1] == "MONTH" and len(types) == 1)
        ) and values[-1][:1].isupper() and values[-1].isalpha()
        if (start and _CAPS_WORD.fullmatch(values[-1])) or surname:
            types[-1] = "TEXT"
    if len(types) < 3 or types[-2] != "COMMA":
        return
    # a last initial ends the given names ("Rosa V." then "Phyllotaxis": the title, not a name part)
    given = types[-1] == "TEXT" and types[-3] == "TEXT" and (
        kind not in _NOT_AFTER_GIVEN or (kind == "TEXT" and _LAST_INITIAL.search(values[-1]) is not None)
    )
    # (after "In": not before a colon, "in Research brief, Washington: …" is a book and its place)
    where = len(types) == 3 or types[-4] in _NAME_START or (types[-4] == "IN" and kind != "COLON")
    if given and where and _GIVEN_NAMES.fullmatch(values[-1]):  # "In: NOWELL-SMITH, Geoffrey (ed.)": an editor's too
        types[-1] = "GIVEN"
