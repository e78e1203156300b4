"""The author list at the start of a flat reference, cut into name elements.

A line-broken page prints a surname, the initials and every separator on
lines of their own; a flat reference runs them together (``Bae E, Calhoun VC,
Levine M.``, ``Smith, J. A., & Jones, B. (2010).``, ``SILVA, J. A.; SOUZA,
B.``, ``J. A. Smith, B. Jones, and C. Lee, “…``). :func:`scan_authors` reads
the list name by name and cuts it into the same pieces, so the shared lexer
and grammar see what they see on a page. It only cuts; which piece is a
surname, which initials, is still the grammar's decision.

A name is tried in the forms the styles print, most specific first:

* family then initials: ``Bae E``, ``Udan R. S.``, ``van der Sluis IM``,
  ``LevinLA`` (a page's surname and initials glued without a space);
* family, comma, initials: ``Smith, J. A.``, ``SILVA, J. A.``, ``Agrelos, C. da S. T.``;
* family, comma, given names: ``BARTHES, Roland``, ``Smith, John A.``;
* initials then family: ``J. A. Smith``, ``R.-P. Li``.

Every name must be followed by a separator (``,``, ``;``, ``and``, ``&``,
``e``, ``y``) and another name or ``et al.``, or by the list's end (a full
stop, a parenthesised year, a colon, a year, a quote). The list ends before
the first piece that is none of these; a reference whose first piece is no
name starts with an organisation or with its title, which the grammar tells
apart.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ...grammar_files import particles
from ...normalize import looks_like_organization

_UP = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f"  # Latin capitals (the Extended-A block mixes cases)
_LO = "a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u017f"
_LETTER = rf"[{_UP}{_LO}]"
#: Capitals only (Extended-A's too): initials glued to a surname ("KoljenovićS": "ć" is not one).
_CAPS = "A-Z\u00c0-\u00d6\u00d8-\u00de" + "".join(chr(c) for c in range(0x100, 0x180) if chr(c).isupper())
#: One word of a surname: a capital, then letters, apostrophes and hyphens
#: ("O'Connor", "D’Acquarica", "Gotor-Fernández", "Baron‐Cohen" with U+2010, "McKay"); or all capitals (ABNT).
_WORD = rf"(?:(?:(?:ben|bin|ibn|al|el|ul|abu)-)?[{_UP}](?:['\u2019]?[{_LO}{_UP}]|[-\u2010\u2011](?=[{_UP}{_LO}]))+)"


def _particle_words() -> str:
    leading, following, _ = particles()
    words = sorted({*leading, *following}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


def _elided() -> str:
    _, _, elided = particles()
    return "|".join(re.escape(w) for w in sorted(elided, key=len, reverse=True))


_PARTICLE = rf"(?:(?:{_particle_words()}) )"
#: A surname: optional lower-case particles, then one to four capitalised words
#: ("de Ruyter van Steveninck", "Costa Filho", "Aguera y Arcas", "Di Martino").
_SURNAME = rf"(?:{_PARTICLE}{{0,3}}(?:{_elided()})?{_WORD}(?: (?:{_PARTICLE}{{0,2}}){_WORD}){{0,3}})"
#: :data:`_WORD` taken whole, for where a space or a comma must follow it: a shorter word ends before
#: a letter, an apostrophe or a hyphen, so it never leads to a match there. The same words, read as runs
#: of letters (possessive: the engine keeps no place to come back to) instead of letter by letter.
_WHOLE_WORD = (
    rf"(?>(?:(?:ben|bin|ibn|al|el|ul|abu)-)?[{_UP}]"
    rf"(?:[{_LO}{_UP}]++|['\u2019][{_LO}{_UP}]|[-\u2010\u2011](?=[{_UP}{_LO}]))++)"
)
#: The same surname, each word taken whole, for the forms where a space or a comma must follow it;
#: without it the engine tries one letter fewer at every failure. (Not where "et al." may follow a
#: surname unspaced: "Smithet al.")
_SURNAME_SPACED = _SURNAME.replace(_WORD, _WHOLE_WORD)
#: Initials with dots, possibly hyphenated or with a particle ("R. S.", "J.-P.", "C. da S. T.", "Ch.").
_INITIAL = rf"[{_UP}][{_LO}]?\."
_DOTTED = (
    rf"(?:(?:{_INITIAL}|[{_UP}]{{2,3}}\.(?= ?(?:&|and) ))(?:(?: ?-|\u2010) ?{_INITIAL}|-[a-z]\.)?"  # "C.-q." too
    rf"(?: ?(?:(?:da|de|do|dos|das|del|van|von)\.? )?{_INITIAL}(?:-[{_UP}]\.)?)*"
    # a particle after the initials ("Barros, S. L. de", "Souza, F. F. de."; Brazilian APA)
    r"(?: (?:da|de|do|dos|das|del|van|von)\b\.?)?)"
)
#: Initials without dots, as Vancouver prints them ("E", "VC", "RA", "I-MA", "C-q"), or two letters
#: in mixed case ("Sa", a page's glitch the lexer reads as initials too).
_BARE = rf"(?:[{_UP}]{{1,4}}(?:-(?:[{_UP}]{{1,2}}|[a-z]\b))?|[{_UP}][a-z](?=,|;| and | & ))"
_DOTTED_ONLY = re.compile(_DOTTED)
_TRAILING_PARTICLE = re.compile(r" (?:da|de|do|dos|das|del|van|von)\.?$")
#: A suffix after the initials ("Ferrell JE Jr", "Owens AP 3rd").
_SUFFIX = r"(?: (?P<suffix>Jr\.?|Sr\.?|II|III|IV|2nd|3rd|[4-9]th))?"
#: Full given names: capitalised words, possibly particles and last initials ("Roland", "John A.",
#: "Gersem dos Santos Luciano", "Luis-Andrés"); no word after an initial ("Rosa V. Phyllotaxis": a title).
_GIVEN = rf"(?:{_WORD}(?: (?:{_PARTICLE}){{0,2}}{_WORD}){{0,3}}(?: [{_UP}]\.){{0,2}})"  # an initial ends them

# What may follow a name: the start of the next one, or the end of the list.
_SEP_RX = r"(?:, ?& ?|, and |, y |, e |; and | ?;|,| and | & | e | y | und )(?= ?\S)"  # " ;": a stray space
_ETAL_RX = r"(?:,? ?(?:et\.? al\.?|e col\.?|y col\.?|et coll\.|and others|u\. ?a\.))(?=[\s.,:;()]|$)"
#: The list's end after a name: a mark before the title or date, a year, or (after dotted
#: initials, ABNT) the title itself.
_END_RX = (
    r"[.:]?\s*[(\[]|(?:[.,:;]\s*|\s+)[\u201c\"\u2018\u00ab]|[.:](?:\s(?![A-Z\u00c0-\u00de]\.[\s,-])|$)"
    r"|\s+\d{4}|[,;]\s*\d{4}|\.,\s*\d{4}|$"  # "J.M.A.., 1983": a doubled full stop before the year
    r"|(?<=\.)\s+(?=\S)"
)
_FOLLOWS = rf"(?={_SEP_RX}|{_ETAL_RX}|{_END_RX})"
_ETAL = re.compile(_ETAL_RX)
#: What follows a name in the list: "et al." (tried first, group ``etal``), else a separator.
_ETAL_OR_SEP = re.compile(rf"(?P<etal>{_ETAL_RX})|{_SEP_RX}")

#: Bare initials unless a dot and "and" follow ("Ramos A. and Camargo F. D.,": dotted initials, IEEE).
_FAMILY_INITIALS = re.compile(
    rf"(?P<family>{_SURNAME_SPACED}) (?P<given>{_BARE}(?!\.,? (?:and|&) )|{_DOTTED}){_SUFFIX}{_FOLLOWS}"
)
#: "LevinLA", "ChenI-MA", "FodorAa": a page's surname and initials glued together (PLOS,
#: when the space between them was a tag).
_CAMEL = re.compile(
    rf"(?P<family>(?:{_PARTICLE}{{0,2}})(?:{_WORD} (?:{_PARTICLE}{{0,2}})){{0,2}}[{_UP}][\w'\u2019-]*?[{_LO}])"
    rf"(?P<given>[{_CAPS}]{{1,4}}(?:-[{_CAPS}]{{1,2}})?|[{_CAPS}][a-z])(?P<suffix>Jr|Sr|2nd|3rd)?{_FOLLOWS}"
)
#: A suffix printed before the comma ("Faro Jr., A. C.", "Silveira Neto, S.", "Cominatto Junior, J.L.").
_SUFFIX_FIRST = r"(?: (?P<suffix_first>Jr\.?|Sr\.?|Neto|Filho|J[úu]nior|Sobrinho|II|III|IV))?"
#: A suffix ending the surname the pattern took ("Silveira Neto" before the comma).
_TRAILING_SUFFIX = re.compile(r" (?:(?i:Neto|Filho|J[úu]nior|Sobrinho)|Jr\.?|Sr\.?)$")
_FAMILY_COMMA_INITIALS = re.compile(
    rf"(?P<family>{_SURNAME_SPACED}?){_SUFFIX_FIRST}, ?(?P<given>{_DOTTED}|{_BARE}){_SUFFIX}{_FOLLOWS}"
)
_FAMILY_COMMA_GIVEN = re.compile(rf"(?P<family>{_SURNAME_SPACED}), (?P<given>{_GIVEN}){_FOLLOWS}")
_INITIALS_FAMILY = re.compile(rf"(?P<given>{_DOTTED}) ?(?P<family>{_SURNAME}){_SUFFIX}{_FOLLOWS}")
#: "Julia Paulsson", "Mohammed B. Elowitz": given names first, after a first name printed
#: "Family, Given" (MLA, Chicago).
_GIVEN_WORD = rf"[{_UP}][{_LO}]+(?:-[{_UP}][{_LO}]+)?"
_GIVEN_FAMILY = re.compile(
    rf"(?P<given>{_GIVEN_WORD}(?: (?:{_GIVEN_WORD}|[{_UP}]\.)){{0,2}}) (?P<family>{_SURNAME}){_SUFFIX}{_FOLLOWS}"
)
#: A surname alone inside a list ("…, Holderied, Surlykke A"): only before another name, a year or "et al."
_BARE_FAMILY = re.compile(rf"(?P<family>{_SURNAME_SPACED})(?=, | \((?:1[5-9]|20)\d\d[a-z]?\)| et\.? al\.)")


class Piece(NamedTuple):
    """One element: where it starts in the reference and its text."""

    start: int
    text: str


#: The forms a name is tried in, most specific first; after a first name printed "Family,
#: Given" and a comma (MLA, Chicago), names are printed given name first.
_USUAL = (
    ("family, initials", "fg"),
    ("family initials", "fg"),
    ("camel", "fg"),
    ("initials family", "gf"),
    ("family, given", "fg"),
)
#: After a semicolon in a list of "Family, Initials" (ACS, ABNT): the same form, never
#: initials first ("Calcaterra, A.; D’Acquarica, I.; J. Pharm. Biomed. Anal." — a journal).
_SEMICOLON_LIST = (
    ("family, initials", "fg"),
    ("family, given", "fg"),
    ("family initials", "fg"),
    ("camel", "fg"),
)
_INVERTED_FIRST = (
    ("initials family", "gf"),
    ("given family", "gf"),
    ("family, initials", "fg"),
    ("family initials", "fg"),
    ("camel", "fg"),
)


#: Each form's pattern.
_PATTERNS = {
    "family, initials": _FAMILY_COMMA_INITIALS,
    "family initials": _FAMILY_INITIALS,
    "camel": _CAMEL,
    "initials family": _INITIALS_FAMILY,
    "family, given": _FAMILY_COMMA_GIVEN,
    "given family": _GIVEN_FAMILY,
}
#: The forms that print a comma after the family name.
_COMMA_FORMS = frozenset({"family, initials", "family, given"})
#: The forms with a suffix before the comma, and those with one after the name (looked up once: a
#: pattern's ``groupindex`` is a new mapping at each reading).
_WITH_SUFFIX_FIRST = frozenset(form for form, p in _PATTERNS.items() if "suffix_first" in p.groupindex)
_WITH_SUFFIX = frozenset(form for form, p in _PATTERNS.items() if "suffix" in p.groupindex)
#: The last characters of the suffixes :data:`_TRAILING_SUFFIX` finds ("Neto", "Filho", "Junior",
#: "Sobrinho", "Jr", "Sr.", in any case).
_SUFFIX_LAST = frozenset("oOrR.")


def _may_end_in_suffix(text: str, end: int) -> bool:
    """Whether the surname ending at ``end`` may end in a suffix: its last character first, a regex only then.

    Most surnames end in some other letter; the search is left for the few that can.
    """
    return text[end - 1 : end] in _SUFFIX_LAST


def _name_at(
    text: str, p: int, first: bool, inverted: bool = False, semicolons: bool = False
) -> tuple[list[Piece], int] | None:
    """The elements of the name starting at ``p`` and where it ends, or ``None``.

    ``inverted``: the list's first name was printed "Family, Given" and a
    comma came before this one, so given names come first here.
    ``semicolons``: a list of "Family, Initials" names set apart by semicolons.
    """
    forms = _INVERTED_FIRST if inverted else _SEMICOLON_LIST if semicolons else _USUAL
    for form, order in forms:
        pattern = _PATTERNS[form]
        m = pattern.match(text, p)
        if m is None:
            continue
        if pattern is _FAMILY_COMMA_GIVEN and not _given_is_plausible(m.group("given"), first):
            continue
        if pattern is _INITIALS_FAMILY and looks_like_organization(m.group("family")):
            continue  # "U.S. General Accounting Office": an organisation, not Mr Office
        family_start, family_end = m.span("family")
        given_start, given_end = m.span("given")
        if form == "initials family":  # "P. de Valpine": the particle is the family name's
            tail = _TRAILING_PARTICLE.search(text, given_start, given_end)
            if tail is not None:
                given_end, family_start = tail.start(), tail.start() + 1
        has_suffix = form in _WITH_SUFFIX_FIRST
        suffix_first = m.span("suffix_first") if has_suffix and m.group("suffix_first") else None
        if (has_suffix or pattern is _FAMILY_INITIALS) and suffix_first is None and _may_end_in_suffix(
            text, family_end
        ):  # "Oliveira Jr EN" too
            tail = _TRAILING_SUFFIX.search(text, family_start, family_end)  # "Silveira Neto": the surname is "Silveira"
            if tail is not None and tail.start() > family_start:
                suffix_first = (tail.start() + 1, tail.end())
                family_end = tail.start()
        family = Piece(family_start, text[family_start:family_end])
        given = Piece(given_start, text[given_start:given_end])
        if order == "gf":
            pieces = [given, family]
        elif form in _COMMA_FORMS and text[family_end] == ",":
            pieces = [family, Piece(family_end, ","), given]
        else:
            pieces = [family, given]
        if suffix_first is not None:  # "Faro", "Jr.", ",", "A. C.": as a page prints "Coimbra Neto, J. P. C."
            after = [Piece(suffix_first[1], ",")] if text[suffix_first[1] : suffix_first[1] + 1] == "," else []
            pieces[1:1] = [Piece(suffix_first[0], text[slice(*suffix_first)]), *after]
        if form in _WITH_SUFFIX and m.group("suffix"):
            pieces.append(Piece(m.start("suffix"), m.group("suffix")))
        return pieces, m.end()
    if not first:
        m = _BARE_FAMILY.match(text, p)
        if m is not None and (text[m.end()] == " " or _name_at(text, m.end() + 2, False) is not None):
            return [Piece(p, m.group("family"))], m.end()  # "…, Holderied, Surlykke A", "…, Tesser (2003)"
    return None


#: Words that end a publisher's or a firm's name, never a given name ("Curran Associates, Inc.").
_NOT_GIVEN = frozenset({"inc", "ltd", "llc", "co", "corp", "gmbh", "press", "publishers", "ag", "sa", "plc"})


def _given_is_plausible(given: str, first: bool) -> bool:
    """"Family, Given" only when the given part is short and no firm's ending: a title is not a given name."""
    words = given.split()
    return len(words) <= (4 if first else 3) and len(given) <= 40 and words[0].casefold() not in _NOT_GIVEN


#: An organisation among the authors, after a semicolon ("…, Oxman AD; HARLOT plc."):
#: a few words without digits up to the next semicolon or full stop.
_ORGANIZATION = re.compile(r"[^\W\d_][^;.\d]{1,80}?(?=;|\.\s|,? et al|$)")


def _is_organization(name: str, after: str) -> bool:
    """An organisation after a semicolon: a few words, not an abbreviated journal before its year."""
    words = name.split()
    if not 2 <= len(words) <= 8 or _YEAR_NEXT.match(after):
        return False
    if _ABBREVIATED_NEXT.match(after) and all(w[:1].isupper() for w in words):
        return False  # "Food Technol. Biotechnol. 2017": a journal's abbreviated name (ACS without titles)
    return not all(len(w.rstrip(".")) <= 5 and w[:1].isupper() for w in words)


_YEAR_NEXT = re.compile(r"\.?\s*(?:1[5-9]|20)\d\d\b")
_ABBREVIATED_NEXT = re.compile(r"\.\s*(?:[A-Z][a-z]{0,10}\.\s*){1,3}(?:1[5-9]|20)\d\d\b")


def scan_authors(text: str, start: int = 0) -> tuple[list[Piece], int]:
    """Cut the author list at ``start`` (the start of a reference, or editors after "In:") into elements.

    Args:
        text: the reference without its label.
        start: where the list starts.

    Returns:
        ``(elements, end)``: the name and separator elements, and where the
        list ends in ``text`` (``start`` when it does not start with a name).
    """
    out: list[Piece] = []
    found = _name_at(text, start, True)
    if found is None:
        return out, start
    pieces, p = found
    out.extend(pieces)
    # "Smith, John, and Bob Jones" (MLA, Chicago): after a first "Family, Given", given first
    comma_form = len(pieces) >= 3 and pieces[1].text == ","
    comma_first = comma_form and not _DOTTED_ONLY.fullmatch(pieces[2].text)
    while True:
        sep = _ETAL_OR_SEP.match(text, p)
        if sep is None:
            return out, p
        if sep.lastgroup == "etal":
            out.append(Piece(sep.start(), sep.group()))
            return out, sep.end()
        between = sep.group()
        after = sep.end() + (1 if text[sep.end() : sep.end() + 1] == " " else 0)
        semicolon = between.strip() == ";"
        # after "Family, I." a name is given first only behind ", and" (Chicago: "Li, X., and John Bai")
        last_and = comma_form and between == ", and "
        found = _name_at(text, after, False, inverted=(comma_first or last_and) and not semicolon,
                         semicolons=semicolon and comma_form)
        if found is None:  # "…; HARLOT plc.", "…, and HARLOT plc.", "… & Genomes Project Consortium et al."
            org = _ORGANIZATION.match(text, after)
            joined = "&" in between or "and" in between  # not after a comma: the grammar reads no such list
            if (org is not None and (semicolon or last_and or (joined and _ETAL.match(text, org.end())))
                    and _is_organization(org.group(), text[org.end() :])):
                found = [Piece(after, org.group().rstrip())], org.end()
        if found is None:
            etal = _ETAL.match(text, sep.start())
            if etal:
                out.append(Piece(etal.start(), etal.group()))
                return out, etal.end()
            return out, p
        mark = between.strip() or between
        out.append(Piece(sep.start() + between.index(mark), mark))
        pieces, p = found
        out.extend(pieces)
