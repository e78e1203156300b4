r"""JSON Lines: one citation per line with every model field — the format for pipelines.

Each line is ``Citation.model_dump(mode="json")``: all fields, including
``raw``, ``span``, ``status`` and ``warnings``, so a later stage (or
``Citation.model_validate``) gets back exactly what refparse produced.

A record must stay on its line for every reader. ``json.dumps`` escapes
``\n`` and other C0 controls, but with ``ensure_ascii=False`` it leaves
U+0085, U+2028 and U+2029 raw, and ``str.splitlines()`` splits on them; they
are escaped here too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Citation

#: Characters Python's ``str.splitlines`` treats as line ends that
#: ``json.dumps(ensure_ascii=False)`` would leave unescaped.
_LINE_ENDS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


@dataclass(frozen=True)
class JsonlOptions:
    r"""Options for JSON Lines output.

    Attributes:
        ascii: escape every non-ASCII character (``\u00e0``).
        exclude_none: leave out fields whose value is ``None``.
    """

    ascii: bool = False
    exclude_none: bool = False


def jsonl_line(c: Citation, options: JsonlOptions | None = None) -> str:
    """One citation as one JSON line (without the newline).

    Args:
        c: the citation.
        options: output options.

    Returns:
        A JSON object on a single line.
    """
    opts = options or JsonlOptions()
    data = c.model_dump(mode="json", exclude_none=opts.exclude_none)
    line = json.dumps(data, ensure_ascii=opts.ascii, separators=(",", ":"))
    return line.translate(_LINE_ENDS)


def to_jsonl(citations: Sequence[Citation], options: JsonlOptions | None = None) -> str:
    """Citations as JSON Lines.

    Why: pipelines stream records; one self-contained object per line can be
    read, filtered and re-validated without parsing the whole file.

    Args:
        citations: the citations, in order.
        options: output options.

    Returns:
        One line per citation, each ending with a newline.
    """
    return "".join(jsonl_line(c, options) + "\n" for c in citations)
