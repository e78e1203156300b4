"""Fallback for a reference the grammar rejects: recover what is certain.

Nothing may be lost, so a rejected reference still becomes a citation. Only
fields whose shape alone identifies them are taken (a DOI, a PMID after its
label, a URL, the first year, names at the start in "Surname Initials"
pairs, the first phrase after them as the title); the citation is marked
``recovered`` and carries the grammar's reason. Like the grammar's own plans,
the result depends only on the token types.
"""

from __future__ import annotations

from .parts import Plan, Step

_SINGLE = {"DOI": ("doi", "doi"), "URL": ("url", "url"), "PMCID": ("pmcid", "pmcid")}


def recover(types: tuple[str, ...] | list[str], reason: str | None) -> Plan:
    """A plan of the fields that are certain in a rejected reference.

    Args:
        types: the reference's token types.
        reason: why the grammar rejected it, when the same for every
            reference of this shape (else the caller sets ``failed_at``).

    Returns:
        A failed :class:`Plan` carrying ``reason``.
    """
    steps: list[Step] = [("type", "const", ("document",))]
    names = []
    i = 0
    while i + 1 < len(types) and types[i] in ("TEXT", "PARTICLE") and types[i + 1] == "INIT":
        names.append(("person", i, i + 1, None, None))
        i += 2
        if i < len(types) and types[i] in ("COMMA", "SEMI", "AND"):
            i += 1
    if names:
        steps.append(("authors", "names", (tuple(names),)))
    if "ETAL" in types[: i + 3]:
        steps.append(("et_al", "const", (True,)))
    title = next((j for j in range(i, len(types)) if types[j] == "PHRASE"), None)
    if title is not None:
        steps.append(("title", "text", (title,)))
    seen: set[str] = set()
    for j, kind in enumerate(types):
        field: str | None = None
        step: Step
        if kind == "YEAR":
            field, step = "date", ("date", "date", (j, None))
        elif kind in _SINGLE:
            name, builder = _SINGLE[kind]
            field, step = name, (name, builder, (j,))
        elif kind in ("NUM", "LONGNUM") and j and types[j - 1] == "PMIDKW":
            field, step = "pmid", ("pmid", "pmid", (j,))
        if field and field not in seen:
            seen.add(field)
            steps.append(step)
    return Plan(tuple(steps), failed=True, reason=reason)
