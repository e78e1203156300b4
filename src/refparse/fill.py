"""Stage 3d — fill: apply a field plan to a reference's token values.

A :class:`refparse.assemble.Plan` says which token fills which field and
through which builder; this module holds the builders. Each takes the
tokens, the field name and token indices, and returns the fields it makes,
normalised by :mod:`refparse.normalize`. The first builder that yields a
field wins it, as the plan orders them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import normalize as nz
from .assemble import Plan
from .lexer import Tok

Fields = dict[str, Any]
Builder = Callable[..., Fields | None]


def _v(toks: list[Tok], i: int | None) -> str | None:
    return None if i is None else toks[i].value


# --------------------------------------------------------------------------- names
def person(family: str, given: str | None, particle: str | None = None, suffix: str | None = None) -> Fields:
    """Person fields from the printed parts of a name.

    Args:
        family: the surname line (may start with a particle).
        given: the initials or given names as printed.
        particle: a particle printed on a line of its own (``van der``).
        suffix: ``Jr``, ``3rd`` ...

    Returns:
        Fields for :class:`refparse.models.Person`.
    """
    family = family.strip()
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
    return out


def names(toks: list[Tok], field: str, spec: tuple[tuple[Any, ...], ...]) -> Fields:
    out: list[Fields] = []
    for entry in spec:
        if entry[0] == "person":
            _, family, given, particle, suffix = entry
            out.append(person(toks[family].value, _v(toks, given), _v(toks, particle), _v(toks, suffix)))
        elif entry[0] == "glued":
            family, given = nz.split_glued(toks[entry[2]].value)
            out.append(person(family, given, _v(toks, entry[1])))
        else:
            out.append({"kind": "organization", "name": nz.nfc(toks[entry[1]].value)})
    return {field: tuple(out)}


# --------------------------------------------------------------------------- dates
def pub_date(year_text: str | None, month_text: str | None = None) -> Fields | None:
    """A PubDate dict from a printed year (``2011a``) and month (``Mar 15``)."""
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
        d = nz.day(month_text)
        if d:
            out["day"] = d
    out["printed"] = " ".join(x for x in (year_text, month_text) if x)
    return out


def date(toks: list[Tok], field: str, year: int, month: int | None) -> Fields:
    return {"date": pub_date(toks[year].value, _v(toks, month))}


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


def page_fields(toks: list[Tok], field: str, first: int | None, last: int | None, whole: int | None) -> Fields:
    return {"pages": pages(_v(toks, first), _v(toks, last), _v(toks, whole))}


def volume(toks: list[Tok], field: str, i: int) -> Fields:
    """A volume, split when the page glued a supplement to it ("108 Suppl")."""
    text = toks[i].value
    issue_text, supplement = nz.issue(text)
    head = text.split()[0]
    if supplement is not None and head.isdigit() and head != text:
        rest = issue_text.split(" ", 1)[1] if " " in issue_text else issue_text
        return {"volume": head, "issue": rest, "supplement": supplement or None}
    return {"volume": text}


def volume_keyword(toks: list[Tok], field: str, i: int) -> Fields | None:
    """The number in a "volume 156" element (a bare "vol." gives nothing)."""
    value = toks[i].value
    return {"volume": value} if value.isdigit() else None


def issue(toks: list[Tok], field: str, idxs: tuple[int, ...]) -> Fields:
    text = ""
    for i in idxs:
        t = toks[i]
        if t.type == "DASH" or text.endswith("-"):
            text += "-" if t.type == "DASH" else t.value
        else:
            text = f"{text} {t.value}" if text else t.value
    issue_text, supplement = nz.issue(text)
    return {"issue": issue_text, "supplement": supplement or None}


# --------------------------------------------------------------------------- conferences
def conference(toks: list[Tok], field: str, presented: int, year: int | None, place: int | None,
               session: int | None) -> Fields:
    """Event fields from "EHA Library; 13 June" + "2024" + "Madrid, Spain" + "Session 422215."."""
    pieces = [nz.strip_edge_punct(p) for p in toks[presented].value.split(";")]
    date_bits = [p for p in pieces[1:] if p]
    year_text = _v(toks, year)
    event = {
        "title": pieces[0] or None,
        "date": " ".join([*date_bits, year_text] if year_text else date_bits) or None,
        "place": nz.strip_edge_punct(toks[place].value) if place is not None else None,
        "session": nz.strip_edge_punct(toks[session].value) if session is not None else None,
    }
    return {"event": {k: v for k, v in event.items() if v}}


def conference_date(toks: list[Tok], field: str, presented: int, year: int) -> Fields:
    bits = [p for p in (nz.strip_edge_punct(x) for x in toks[presented].value.split(";")[1:]) if p]
    return {"date": pub_date(toks[year].value, bits[0] if bits else None)}


# --------------------------------------------------------------------------- simple fields
def const(toks: list[Tok], field: str, value: Any) -> Fields:
    return {field: value}


def text(toks: list[Tok], field: str, i: int) -> Fields:
    return {field: nz.nfc(toks[i].value)}


def stripped(toks: list[Tok], field: str, i: int) -> Fields:
    return {field: nz.strip_edge_punct(nz.nfc(toks[i].value))}


def doi(toks: list[Tok], field: str, i: int) -> Fields:
    return {"doi": nz.doi(toks[i].value)}


def url(toks: list[Tok], field: str, i: int) -> Fields:
    value = nz.url(toks[i].value)
    out: Fields = {"url": value}
    if value and "doi.org/10." in value:
        out["doi"] = nz.doi(value)
    return out


def pmid(toks: list[Tok], field: str, i: int) -> Fields:
    return {"pmid": nz.pmid(toks[i].value)}


def pmcid(toks: list[Tok], field: str, i: int) -> Fields:
    return {"pmcid": nz.pmcid(toks[i].value)}


def isbn(toks: list[Tok], field: str, i: int) -> Fields:
    return {"isbn": nz.isbn(toks[i].value)}


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
    "stripped": stripped,
    "doi": doi,
    "url": url,
    "pmid": pmid,
    "pmcid": pmcid,
    "isbn": isbn,
}


def fill(plan: Plan, toks: list[Tok]) -> Fields:
    """Citation fields from a plan and the reference's tokens.

    Args:
        plan: the reference shape's plan.
        toks: the reference's tokens (their values fill the fields).

    Returns:
        Fields for :class:`refparse.models.Citation` (no raw text, span or status).
    """
    out: Fields = {}
    for field, builder, args in plan.steps:
        if field in out:
            continue
        produced = BUILDERS[builder](toks, field, *args)
        if produced:
            for key, value in produced.items():
                if value is not None and value != "" and key not in out:
                    out[key] = value
    return out
