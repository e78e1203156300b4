"""Editing a citation in place: the form's draft, its list operations, and validation by the models.

A :class:`Draft` is what the edit form shows: strings, one list of name rows
per role, check boxes. Operations on it (add, remove, move a name) change the
draft only; saving builds a new :class:`~refparse.models.Citation` from it
with the parser's own helpers (``fill.person`` splits particles and derives
initials, ``fill.pages`` expands ``1572-81``) and validates it with the
models. The models never raise on bad data from a page: they drop an
impossible value with a warning. An edit is a person's statement, so a
warning the edit itself caused (``year 3025 is impossible``) refuses the edit
with that message instead of dropping the value quietly.

Fields are listed from the model, so a field the model gains appears in the
form without a change here: every ``str | None`` field is a text input, every
``Literal`` a choice, every ``bool`` a check box.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from .. import fill
from .. import normalize as nz
from ..errors import RefparseError
from ..models import Citation, Event, Organization, Person, PubDate
from .store import NOT_EDITED

ROLES = ("authors", "editors")
#: Text fields first in the form, in this order; the model's other text fields follow ("more fields").
MAIN_FIELDS = ("title", "container_title", "volume", "issue", "pages", "article_number", "doi", "url")
LABELS = {
    "container_title": "Journal or book",
    "container_title_full": "Full journal title",
    "article_number": "Article number",
    "publisher_place": "Place of publication",
    "doi": "DOI", "pmid": "PMID", "pmcid": "PMCID", "url": "URL", "isbn": "ISBN",
    "et_al": "et al. (the printed author list is truncated)",
    "editors_et_al": "et al. (the printed editor list is truncated)",
    "type": "Type",
    "status": "Status",
}
#: Which form field a warning the models add is about.
_WARNING_FIELD = {"year-range": "year", "empty-name": "authors"}


def label(name: str) -> str:
    """A field's label in the form and the review."""
    return LABELS.get(name, name.replace("_", " ").capitalize())


def error_label(key: str) -> str:
    """What an error's key names, for the list of refusals: ``authors.2`` is "Authors, name 3"."""
    name, _, index = key.partition(".")
    if name in ROLES and index.isdigit():
        return f"{label(name)}, name {int(index) + 1}"
    if name == "event":
        return f"Event {index}"
    return "Reference" if name == "form" else label(name)


def _optional_str(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and set(typing.get_args(annotation)) == {
        str, type(None)}


def text_fields() -> list[str]:
    """The model's free-text fields, main ones first, then the rest in model order (and pages)."""
    fields = Citation.model_fields
    others = [n for n, f in fields.items() if _optional_str(f.annotation) and n not in NOT_EDITED]
    return [*MAIN_FIELDS, *(n for n in others if n not in MAIN_FIELDS)]


def choices(name: str) -> tuple[str, ...]:
    """The values a ``Literal`` field of the model allows (``type``, ``status``)."""
    annotation = Citation.model_fields[name].annotation
    return tuple(str(a) for a in typing.get_args(annotation)) if typing.get_origin(annotation) is Literal else ()


def choice_fields() -> list[str]:
    """The model's fields with a fixed set of values (``type``, ``status``)."""
    return [n for n in Citation.model_fields if choices(n) and n not in NOT_EDITED]


def flag_fields() -> list[str]:
    """The model's yes/no fields (``et_al``, ``editors_et_al``)."""
    return [n for n, f in Citation.model_fields.items() if f.annotation is bool and n not in NOT_EDITED]


@dataclass
class NameRow:
    """One name in the form: a person (family, given, suffix) or an organisation (its name in ``family``)."""

    kind: str = "person"
    family: str = ""
    given: str = ""
    suffix: str = ""

    @property
    def blank(self) -> bool:
        return not (self.family.strip() or self.given.strip() or self.suffix.strip())


@dataclass
class Draft:
    """What the edit form shows; ``errors`` maps a form field's name to why it was refused."""

    values: dict[str, str] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)
    people: dict[str, list[NameRow]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    note: str | None = None


class EditError(RefparseError, ValueError):
    """The draft does not make a valid citation; ``errors`` says why, per form field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _rows(people: tuple[Any, ...]) -> list[NameRow]:
    rows = []
    for p in people:
        if isinstance(p, Organization):
            rows.append(NameRow("organization", p.name))
        else:
            family = f"{p.particle} {p.family}" if p.particle else p.family
            rows.append(NameRow("person", family, p.given or "", p.suffix or ""))
    return rows


def draft_of(c: Citation, text: str | None = None) -> Draft:
    """The form's draft of a citation; ``text`` is its input text to read again (default: ``raw``)."""
    values = {name: getattr(c, name) or "" for name in text_fields() if name != "pages"}
    values["pages"] = c.pages.printed if c.pages else ""
    values["raw"] = text if text is not None else c.raw
    for name in choice_fields():
        values[name] = str(getattr(c, name))
    values["year"] = f"{c.date.year}{c.date.year_suffix or ''}" if c.date else ""
    values["month"] = str(c.date.month) if c.date and c.date.month else ""
    values["day"] = str(c.date.day) if c.date and c.date.day else ""
    for part in Event.model_fields:
        values[f"event.{part}"] = (getattr(c.event, part) or "") if c.event else ""
    values["keywords"] = "\n".join(c.keywords)
    return Draft(
        values=values,
        flags={name: bool(getattr(c, name)) for name in flag_fields()},
        people={role: _rows(getattr(c, role)) for role in ROLES},
    )


def draft_from_form(form: Any) -> Draft:
    """The draft a submitted edit form describes (``form`` has ``get`` and ``getlist``)."""
    names = [*text_fields(), *choice_fields(), "raw", "year", "month", "day", "keywords",
             *(f"event.{p}" for p in Event.model_fields)]
    people = {}
    for role in ROLES:
        columns = [form.getlist(f"{role}.{col}") for col in ("kind", "family", "given", "suffix")]
        size = max(map(len, columns))
        people[role] = [NameRow(*(col[i] if i < len(col) else "" for col in columns)) for i in range(size)]
    return Draft(
        values={name: form.get(name) for name in names},
        flags={name: form.get(name) == "1" for name in flag_fields()},
        people=people,
    )


def apply_op(draft: Draft, op: str) -> Draft:
    """A list operation on the draft's names: ``add:ROLE``, ``remove:ROLE:I``, ``up:ROLE:I``, ``down:ROLE:I``.

    Unknown or out-of-range operations leave the draft as it is.
    """
    verb, _, rest = op.partition(":")
    role, _, where = rest.partition(":")
    rows = draft.people.get(role)
    if rows is None:
        return draft
    if verb == "add":
        rows.append(NameRow())
        return draft
    if not where.isdigit() or int(where) >= len(rows):
        return draft
    i = int(where)
    if verb == "remove":
        del rows[i]
    elif verb == "up" and i > 0:
        rows[i - 1], rows[i] = rows[i], rows[i - 1]
    elif verb == "down" and i + 1 < len(rows):
        rows[i], rows[i + 1] = rows[i + 1], rows[i]
    return draft


def _message(e: ValidationError) -> str:
    return "; ".join(str(err["msg"]).removeprefix("Value error, ") for err in e.errors())


def _people(role: str, rows: list[NameRow], errors: dict[str, str]) -> tuple[Any, ...]:
    out: list[Any] = []
    for i, row in enumerate(rows):
        if row.blank:
            continue
        if row.kind == "organization":
            if not row.family.strip():
                errors[f"{role}.{i}"] = "an organisation needs a name"
                continue
            out.append(Organization(name=row.family.strip()))
            continue
        person = fill.person(row.family, row.given.strip() or None, suffix=row.suffix.strip() or None)
        if isinstance(person, dict):  # a blank family name: the model says why
            try:
                person = Person.model_validate(person)
            except ValidationError as e:
                errors[f"{role}.{i}"] = _message(e)
                continue
        out.append(person)
    return tuple(out)


def _number(text: str, name: str, low: int, high: int, errors: dict[str, str]) -> int | None:
    if not text.strip():
        return None
    if text.strip().isdigit() and low <= int(text) <= high:
        return int(text)
    errors[name] = f"{label(name).lower()} must be a number from {low} to {high}"
    return None


def _date(d: Draft, base: Citation, errors: dict[str, str]) -> PubDate | None:
    year_text = d.values.get("year", "").strip()
    month = _number(d.values.get("month", ""), "month", 1, 16, errors)  # 13-16: CSL's seasons
    day = _number(d.values.get("day", ""), "day", 1, 31, errors)
    if not year_text:
        if month or day:
            errors["year"] = "a month or day needs a year"
        return None
    parsed = nz.year(year_text)
    try:
        if parsed is None:  # not 2011 or 2011a: the model says what is wrong with it
            return PubDate.model_validate({"year": year_text, "month": month, "day": day})
        year, suffix = parsed
        printed = base.date.printed if base.date and base.date.year == year else None
        return PubDate(year=year, year_suffix=suffix, month=month, day=day, printed=printed)
    except ValidationError as e:
        errors["year"] = _message(e)
        return None


def build(base: Citation, d: Draft) -> Citation:
    """The citation a draft describes, validated by the models.

    Args:
        base: the citation being edited (fields the form does not show are kept).
        d: the draft.

    Returns:
        The new citation.

    Raises:
        EditError: a value the models refuse, or one they would drop with a
            warning; each message names the field.
    """
    errors: dict[str, str] = {}
    data: dict[str, Any] = dict(base)
    for name in text_fields():
        data[name] = " ".join(d.values.get(name, "").split()) or None
    data["pages"] = fill.pages(None, None, data["pages"]) if data["pages"] else None
    if data["doi"]:
        doi = nz.doi(data["doi"], whole=True)
        if doi is None:
            errors["doi"] = f"not a DOI: {data['doi']!r} (a DOI starts with 10. and a prefix, as 10.1056/x)"
        data["doi"] = doi
    for name in choice_fields():
        value = d.values.get(name, "")
        if value not in choices(name):
            errors[name] = f"choose one of {', '.join(choices(name))}"
        data[name] = value
    data.update(d.flags)
    data["date"] = _date(d, base, errors)
    for role in ROLES:
        data[role] = _people(role, d.people.get(role, []), errors)
    event = {p: " ".join(d.values.get(f"event.{p}", "").split()) or None for p in Event.model_fields}
    data["event"] = Event(**event) if any(event.values()) else None
    data["keywords"] = tuple(k.strip() for k in d.values.get("keywords", "").splitlines() if k.strip())
    if errors:
        raise EditError(errors)
    try:
        out = Citation.model_validate(data)
    except ValidationError as e:
        raise EditError({str(err["loc"][0]) if err["loc"] else "form": str(err["msg"]) for err in e.errors()}) from e
    added = [w for w in out.warnings if w not in base.warnings]
    if added:
        raise EditError({_WARNING_FIELD.get(w.code, "form"): f"{w.message} (not saved)" for w in added})
    return out
