"""Stage 3d — fill: apply a field plan to a reference's token values.

A :class:`refparse.assemble.Plan` says which token fills which field and
through which builder; this module holds the builders. Each takes the
tokens, the field name and token indices, and returns the fields it makes,
normalised by :mod:`refparse.normalize`. The first builder that yields a
field wins it, as the plan orders them.

Names and dates recur (an author across a list, a year across hundreds of
references), so :func:`person` and :func:`pub_date` return validated,
frozen models from a cache: each distinct one is validated once and shared,
and a citation holding it validates it as an instance, not field by field.

The names' cache is small on purpose. A name recurs within its own list
(an author's several papers), seldom across lists; and every cached name is
two long-lived objects (the model and its set of fields) that the cyclic
garbage collector walks on each full pass. A cache of 16,384 names cost more
in those passes than its hits saved: 9,592 against 10,277 references/s on
the dev pages, while 256 names keep the repeated seed as fast (14,250 and
14,188), ``benchmarks/bench_parse.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from . import normalize as nz
from .models import Person, PubDate
from .parts import Plan

Fields = dict[str, Any]
#: The models' validators called directly: ``Model.model_validate`` adds a
#: Python call around the same validator, for every name of every reference.
_PERSON: Callable[[Fields], Person] = Person.__pydantic_validator__.validate_python
_PUB_DATE: Callable[[Fields], PubDate] = PubDate.__pydantic_validator__.validate_python
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")
Builder = Callable[..., Fields | None]


def _v(vals: list[str], i: int | None) -> str | None:
    return None if i is None else vals[i]


# --------------------------------------------------------------------------- names
@lru_cache(maxsize=256)  # small on purpose: see the module's docstring
def person(family: str, given: str | None, particle: str | None = None, suffix: str | None = None) -> Person | Fields:
    """Person fields from the printed parts of a name.

    Args:
        family: the surname line (may start with a particle).
        given: the initials or given names as printed.
        particle: a particle printed on a line of its own (``van der``).
        suffix: ``Jr``, ``3rd`` ...

    Returns:
        The :class:`refparse.models.Person` (cached and shared: it is frozen);
        its fields as a dict when the family name is blank, for the
        citation's validator to drop with a warning.
    """
    family = nz.natural_case(family.strip())
    if particle:
        family = f"{particle.strip()} {family}".strip()
    lower_particle, core = nz.split_particle(family)
    out: Fields = {"kind": "person", "family": core or family}
    if lower_particle:
        out["particle"] = lower_particle
    if given:
        given = given.strip().rstrip(",")
        out["given"] = given
        out["initials"] = nz.initials(given)
    sfx = nz.suffix(suffix)
    if sfx:
        out["suffix"] = sfx
    return _PERSON(out) if out["family"].strip() else out


def names(vals: list[str], field: str, spec: tuple[tuple[Any, ...], ...]) -> Fields:
    """Persons and organizations from a plan's name spec (indices into ``vals``)."""
    out: list[Person | Fields] = []
    for entry in spec:
        if entry[0] == "person":  # most names: the parts' values fetched here, not through _v
            _, family, given, particle, suffix = entry
            out.append(person(
                vals[family],
                None if given is None else vals[given],
                None if particle is None else vals[particle],
                None if suffix is None else vals[suffix],
            ))
        elif entry[0] == "glued":
            family, given = nz.split_glued(vals[entry[2]])
            out.append(person(family, given, _v(vals, entry[1]), _v(vals, entry[3])))
        else:
            out.append({"kind": "organization", "name": vals[entry[1]]})
    return {field: tuple(out)}


# --------------------------------------------------------------------------- dates
@lru_cache(maxsize=1 << 12)
def pub_date(year_text: str | None, month_text: str | None = None, day_text: str | None = None) -> PubDate | None:
    """A PubDate from a printed year (``2011a``), month (``Mar 15``) and day (cached and shared: it is frozen)."""
    parsed = nz.year(year_text)
    if not parsed:
        return None
    y, suffix = parsed
    out: Fields = {"year": y}
    if suffix:
        out["year_suffix"] = suffix
    m = nz.month(month_text)
    if m:
        out["month"] = m
        d = nz.day(day_text or month_text)
        if d:
            out["day"] = d
    out["printed"] = " ".join(x for x in (year_text, month_text, day_text) if x)
    return _PUB_DATE(out)


def date(vals: list[str], field: str, year: int, month: int | None, day: int | None = None) -> Fields:
    """The ``date`` field from the year, month and day elements."""
    return {"date": pub_date(vals[year], _v(vals, month), _v(vals, day))}


# --------------------------------------------------------------------------- volume, issue, pages
def pages(first: str | None, last: str | None, whole: str | None = None) -> Fields | None:
    """A Pages dict; ``whole`` is a range printed as one element (``223–224``)."""
    if whole:
        first, last = nz.split_range(whole)
    if not first:
        return None
    out: Fields = {"first": first, "printed": f"{first}-{last}" if last else first}
    if last:
        out["last"] = nz.expand_last_page(first, last)
    return out


def page_fields(vals: list[str], field: str, first: int | None, last: int | None, whole: int | None) -> Fields:
    """The ``pages`` field from first/last elements or one printed range."""
    return {"pages": pages(_v(vals, first), _v(vals, last), _v(vals, whole))}


def volume(vals: list[str], field: str, i: int) -> Fields:
    """A volume, split when the page glued a supplement to it ("108 Suppl")."""
    text = vals[i]
    issue_text, supplement = nz.issue(text)
    head = text.split()[0]
    if supplement is not None and head.isdigit() and head != text:
        rest = issue_text.split(" ", 1)[1] if " " in issue_text else issue_text
        return {"volume": head, "issue": rest, "supplement": supplement or None}
    if supplement is not None:  # "Suppl 47" alone: a supplement issue, no volume printed
        return {"issue": issue_text, "supplement": supplement or None}
    if _E_LOCATOR.fullmatch(text):  # "eLife e00007 (2012)": an article number where no volume was printed
        return {"pages": pages(text, None)}
    return {"volume": text}


#: An electronic article number ("e00007", "e1001234"): no volume is printed so.
_E_LOCATOR = re.compile(r"e\d{4,}")


def volume_keyword(vals: list[str], field: str, i: int) -> Fields | None:
    """The number in a "volume 156" element (a bare "vol." gives nothing)."""
    value = vals[i]
    return {"volume": value} if value.isdigit() else None


def issue(vals: list[str], field: str, idxs: tuple[int, ...]) -> Fields:
    """An issue joined from its elements (``3-4``, ``Suppl 2``), supplement split off."""
    text = ""
    for i in idxs:
        value = vals[i]
        if value in _DASHES or text.endswith("-"):
            text += "-" if value in _DASHES else value
        else:
            text = f"{text} {value}" if text else value
    if nz.is_month_name(text):  # "9 (March): 397" (Chicago): the issue's place holds the month
        return {}
    issue_text, supplement = nz.issue(text)
    return {"issue": issue_text, "supplement": supplement or None}


# --------------------------------------------------------------------------- conferences
def conference(vals: list[str], field: str, presented: int, year: int | None, place: int | None,
               session: int | None) -> Fields:
    """Event fields from "EHA Library; 13 June" + "2024" + "Madrid, Spain" + "Session 422215."."""
    pieces = [nz.strip_edge_punct(p) for p in vals[presented].split(";")]
    date_bits = [p for p in pieces[1:] if p]
    year_text = _v(vals, year)
    event = {
        "title": pieces[0] or None,
        "date": " ".join([*date_bits, year_text] if year_text else date_bits) or None,
        "place": nz.strip_edge_punct(vals[place]) if place is not None else None,
        "session": nz.strip_edge_punct(vals[session]) if session is not None else None,
    }
    return {"event": {k: v for k, v in event.items() if v}}


def conference_date(vals: list[str], field: str, presented: int, year: int) -> Fields:
    """The date of a presentation: the year with the day printed after "presented at"."""
    bits = [p for p in (nz.strip_edge_punct(x) for x in vals[presented].split(";")[1:]) if p]
    return {"date": pub_date(vals[year], bits[0] if bits else None)}


# --------------------------------------------------------------------------- simple fields
def const(vals: list[str], field: str, value: Any) -> Fields:
    """A value the plan decided (a type), not read from the text."""
    return {field: value}


def text(vals: list[str], field: str, i: int) -> Fields:
    """One element as printed."""
    return {field: vals[i]}  # token values are already NFC with spaces collapsed (refparse.read)


def journal(vals: list[str], field: str, i: int) -> Fields:
    """A journal's name as printed, without a reference manager's series mark ("Science (80-.)")."""
    return {field: nz.journal_name(vals[i])}


def container_or_publisher(vals: list[str], field: str, i: int) -> Fields:
    """A lone segment after the title: a journal, unless it reads as a publisher."""
    value = vals[i]
    if nz.looks_like_publisher(value) or nz.looks_like_publishing_body(value):
        return {"publisher": value, "type": "book"}
    return {"container_title": nz.journal_name(value), "type": "article-journal"}


def publisher_or_journal(vals: list[str], field: str, i: int) -> Fields:
    """A lone "Name, 1876." after the title: a book's publisher, unless the name holds a journal word."""
    value = vals[i]
    if nz.has_journal_word(value):
        return {"container_title": nz.journal_name(value), "type": "article-journal"}
    return {"publisher": value, "type": "book"}


def stripped(vals: list[str], field: str, i: int) -> Fields:
    """One element without the punctuation at its edges."""
    return {field: nz.strip_edge_punct(nz.nfc(vals[i]))}


def doi(vals: list[str], field: str, i: int) -> Fields:
    """A DOI, normalized (prefix and resolver removed)."""
    return {"doi": nz.doi(vals[i])}


def url(vals: list[str], field: str, i: int) -> Fields:
    """A URL; a doi.org URL also gives the DOI."""
    value = nz.url(vals[i])
    out: Fields = {"url": value}
    if value and "doi.org/10." in value:
        out["doi"] = nz.doi(value)
    return out


def pmid(vals: list[str], field: str, i: int) -> Fields:
    """A PubMed id (digits only)."""
    return {"pmid": nz.pmid(vals[i])}


def pmcid(vals: list[str], field: str, i: int) -> Fields:
    """A PubMed Central id (``PMC`` and digits)."""
    return {"pmcid": nz.pmcid(vals[i])}


def isbn(vals: list[str], field: str, i: int) -> Fields:
    """An ISBN, hyphens removed."""
    return {"isbn": nz.isbn(vals[i])}


BUILDERS: dict[str, Builder] = {
    "names": names,
    "date": date,
    "pages": page_fields,
    "volume": volume,
    "volume_keyword": volume_keyword,
    "issue": issue,
    "conference": conference,
    "conference_date": conference_date,
    "const": const,
    "text": text,
    "journal": journal,
    "stripped": stripped,
    "container_or_publisher": container_or_publisher,
    "publisher_or_journal": publisher_or_journal,
    "doi": doi,
    "url": url,
    "pmid": pmid,
    "pmcid": pmcid,
    "isbn": isbn,
}


def fill(plan: Plan, vals: list[str]) -> Fields:
    """Citation fields from a plan and the reference's token values.

    Args:
        plan: the reference shape's plan.
        vals: the reference's token values, by token index.

    Returns:
        Fields for :class:`refparse.models.Citation` (no raw text, span or status).
    """
    out: Fields = {}
    for field, builder, args in plan.steps:
        if field in out:
            continue
        produced = BUILDERS[builder](vals, field, *args)
        if produced:
            for key, value in produced.items():
                # "value != ''" without calling a model's Python-level __eq__ (a date) for every reference
                if value is not None and (value or not isinstance(value, str)) and key not in out:
                    out[key] = value
    return out
