"""Fallback for a reference the grammar rejects: recover what is certain.

Nothing may be lost, so a rejected reference still becomes a citation. Only
fields whose shape alone identifies them are taken (a DOI, a PMID after its
label, a URL, the first year, names at the start in "Surname Initials"
pairs, the first long text as the title); the citation is marked
``recovered`` and carries the grammar's reason.
"""

from __future__ import annotations

from typing import Any

from lark import Token

from . import normalize as nz
from .assemble import pub_date


def recover(tokens: list[Token]) -> dict[str, Any]:
    """Best-effort fields from the tokens of a rejected reference.

    Args:
        tokens: the reference's tokens.

    Returns:
        Fields for :class:`refparse.models.Citation` (without raw/span/status).
    """
    fields: dict[str, Any] = {"type": "document"}
    authors: list[dict[str, Any]] = []
    i = 0
    while i + 1 < len(tokens) and tokens[i].type in ("TEXT", "PARTICLE") and tokens[i + 1].type == "INIT":
        family = str(tokens[i])
        particle, core = nz.split_particle(family)
        person: dict[str, Any] = {"kind": "person", "family": core, "given": str(tokens[i + 1])}
        person["initials"] = nz.initials(person["given"])
        if particle:
            person["particle"] = particle
        authors.append(person)
        i += 2
        if i < len(tokens) and tokens[i].type in ("COMMA", "SEMI", "AND"):
            i += 1
    if authors:
        fields["authors"] = tuple(authors)
    if any(t.type == "ETAL" for t in tokens[: i + 3]):
        fields["et_al"] = True
    rest = tokens[i:]
    title = next((str(t) for t in rest if t.type == "TEXT" and len(str(t)) > 20), None)
    if title:
        fields["title"] = nz.nfc(title)
    for j, t in enumerate(tokens):
        kind = t.type
        if kind == "YEAR" and "date" not in fields:
            fields["date"] = pub_date(str(t))
        elif kind == "DOI" and "doi" not in fields:
            fields["doi"] = nz.doi(str(t))
        elif kind == "URL" and "url" not in fields:
            fields["url"] = nz.url(str(t))
        elif kind == "PMCID" and "pmcid" not in fields:
            fields["pmcid"] = nz.pmcid(str(t))
        elif kind == "NUM" and j and tokens[j - 1].type == "PMIDKW" and "pmid" not in fields:
            fields["pmid"] = nz.pmid(str(t))
    return {k: v for k, v in fields.items() if v is not None}
