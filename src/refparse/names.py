"""Full personal names ("Juan Luis Chávez-Pacheco") split into citation parts.

The line-broken format prints surnames and initials on separate lines, so its
grammar knows which is which. Cards and similar formats print whole names in
reading order, and the split has to be inferred. ``nameparser`` does that
well (hyphenated and ``y``-joined Hispanic surnames, particles, ``Jr.``), so
refparse uses it and corrects the cases where its defaults are wrong for
scholarly author lists:

* its 800-word title list eats given names that are also titles or ranks
  ("Judge Reinhold", "Sister ..."): refparse passes a private
  ``Constants`` with only true honorifics, so other words stay names;
* it keeps particles inside the last name ("van Beethoven"): refparse splits a
  lower-case particle into :attr:`Person.particle` with the same rule the
  line-broken parser uses (:func:`refparse.normalize.split_particle`);
* it treats degrees as suffixes ("MD", "PhD"): refparse keeps only
  generational suffixes (``Jr.``, ``III``), canonicalized;
* it reads PubMed-style "Smith JA" as given "Smith": refparse reads a final
  run of capital initials as the given name;
* a one-word name ("Madonna") comes back as a first name: refparse makes it
  the family name, since a citation needs one;
* collective authors ("WHO Collaborators") become an :class:`Organization`.

The private ``Constants`` matters: nameparser's module-level configuration is
shared process-wide, and a library must not change it under its callers.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from nameparser import HumanName
from nameparser.config import Constants

from .models import Organization, Person
from .normalize import initials, nfc, split_particle, suffix

#: Honorifics dropped from a name. Deliberately short: a rank or title that is
#: also a given name (Major, Dean, Judge, King) must stay a name.
_HONORIFICS = ("dr", "prof", "professor", "mr", "mrs", "ms", "mx", "sir", "dame", "rev")

#: Suffixes that are part of a name for citation purposes (generational).
_GENERATIONAL = re.compile(r"(?i:jr|jnr|junior|sr|snr|senior)\.?|I{2,3}|IV|VI{0,3}|IX|X|\d(?:st|nd|rd|th)")

#: Words that mark a collective author.
_ORGANIZATION = re.compile(
    r"\b(?:group|consortium|committee|collaborat\w*|network|society|association|investigators|team|"
    r"initiative|study|working|council|organi[sz]ation|institute|foundation|alliance|board|panel)\b",
    re.I,
)

#: PubMed-style family-first name: "Smith JA", "van der Sluis IM".
_FAMILY_INITIALS = re.compile(r"(?P<family>.*\S)\s+(?P<initials>[A-Z\u00c0-\u00de]{1,3})")

#: Separators between names in a printed author list.
# "(?<!\s)": no separator starts inside a run of spaces (split stays linear on long runs).
_LIST_SEP = re.compile(r"(?<!\s)(?:\s*;\s*|\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+)")
_ETAL = re.compile(r"(?:,\s*)?\bet\s+al\.?\s*$", re.I)


@cache
def _constants() -> Constants:
    """The nameparser configuration private to refparse, built once on first use."""
    return Constants(titles=_HONORIFICS, first_name_titles=("sir", "dame"))


def split_name_list(text: str) -> tuple[list[str], bool]:
    """Split a printed author list into names.

    Separators are commas, semicolons, "and" and "&"; a generational suffix
    after a comma ("King, Jr.") stays with its name, and a final "et al."
    is reported rather than read as a name.

    Args:
        text: the list as printed, e.g. ``A Smith, B Jones and C Lee, et al.``.

    Returns:
        ``(names, et_al)``: the names in order (stripped, non-empty) and
        whether the list ended in "et al".
    """
    text = nfc(text)
    et_al = bool(_ETAL.search(text))
    text = _ETAL.sub("", text).strip().rstrip(",;.")
    names: list[str] = []
    for piece in _LIST_SEP.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if names and _GENERATIONAL.fullmatch(piece):
            names[-1] = f"{names[-1]}, {piece}"
            continue
        names.append(piece)
    return names, et_al


@lru_cache(maxsize=4096)
def split_full_name(name: str) -> Person | Organization | None:
    """Split one full name, printed given-first, into a Person.

    Cached: nameparser takes about a millisecond per name, and a collection
    of cards repeats its authors. The results are frozen values.

    Args:
        name: e.g. ``Juan Luis Chávez-Pacheco``, ``Ludwig van Beethoven``,
            ``Martin Luther King Jr.``, ``Smith JA``.

    Returns:
        The :class:`Person` (family, given, initials, particle, suffix), an
        :class:`Organization` for a collective author, or ``None`` for a
        name with no letters.
    """
    text = nfc(name).strip(" ,;")
    if not any(ch.isalpha() for ch in text):
        return None
    if _ORGANIZATION.search(text):
        return Organization(name=text)
    m = _FAMILY_INITIALS.fullmatch(text)
    if m and not m.group("family").isupper() and not _GENERATIONAL.fullmatch(m.group("initials")):
        particle, family = split_particle(m.group("family"))
        given = m.group("initials")
        return Person(family=family, given=given, initials=initials(given), particle=particle)
    parsed = HumanName(text, constants=_constants())
    given = " ".join(p for p in (parsed.first, parsed.middle) if p) or None
    last = parsed.last
    if not last:
        # One word ("Madonna"), or a name nameparser read as all title.
        last, given = (given or parsed.title or text), None
    particle, family = split_particle(last)
    suffixes = [suffix(s) for s in parsed.suffix_list if _GENERATIONAL.fullmatch(s.strip(", "))]
    return Person(
        family=family,
        given=given,
        initials=initials(given),
        particle=particle,
        suffix=" ".join(s for s in suffixes if s) or None,
    )
