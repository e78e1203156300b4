"""Fallback for a reference the grammar rejects: recover what is certain.

Nothing may be lost, so a rejected reference still becomes a citation. Only
fields whose shape alone identifies them are taken (a DOI, a PMID after its
label, a URL, the first year, names at the start in "Surname Initials"
pairs, the first phrase after them as the title); the citation is marked
``recovered`` and carries the grammar's reason. Like the grammar's own plans,
the result depends only on the token types.
"""

from __future__ import annotations

from .assemble import Plan, Step
from .lexer import Tok

_SINGLE = {"DOI": ("doi", "doi"), "URL": ("url", "url"), "PMCID": ("pmcid", "pmcid")}


def recover(tokens: list[Tok], reason: str) -> Plan:
    """A plan of the fields that are certain in a rejected reference.

    Args:
        tokens: the reference's tokens.
        reason: why the grammar rejected it.

    Returns:
        A failed :class:`Plan` carrying ``reason``.
    """
    steps: list[Step] = [("type", "const", ("document",))]
    names = []
    i = 0
    while i + 1 < len(tokens) and tokens[i].type in ("TEXT", "PARTICLE") and tokens[i + 1].type == "INIT":
        names.append(("person", i, i + 1, None, None))
        i += 2
        if i < len(tokens) and tokens[i].type in ("COMMA", "SEMI", "AND"):
            i += 1
    if names:
        steps.append(("authors", "names", (tuple(names),)))
    if any(t.type == "ETAL" for t in tokens[: i + 3]):
        steps.append(("et_al", "const", (True,)))
    title = next((t.index for t in tokens[i:] if t.type == "PHRASE"), None)
    if title is not None:
        steps.append(("title", "text", (title,)))
    seen: set[str] = set()
    for t in tokens:
        field = None
        if t.type == "YEAR":
            field, step = "date", ("date", "date", (t.index, None))
        elif t.type in _SINGLE:
            name, builder = _SINGLE[t.type]
            field, step = name, (name, builder, (t.index,))
        elif t.type in ("NUM", "LONGNUM") and t.index and tokens[t.index - 1].type == "PMIDKW":
            field, step = "pmid", ("pmid", "pmid", (t.index,))
        if field and field not in seen:
            seen.add(field)
            steps.append(step)
    return Plan(tuple(steps), failed=True, reason=reason)
