"""The fixture pages cut into references by their labels (standard library only).

The benchmarks build their inputs from these. A plain reading of the labels
(``12.`` or ``[12]`` alone on a line, numbers in sequence), not refparse's
splitter, so an input does not depend on the code it measures.
"""

from __future__ import annotations

import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
#: The seed page and the dev pages, in a fixed order.
PAGES = [FIXTURES / "seed000.txt", *sorted((FIXTURES / "dev").glob("*.txt"))]
LABEL = re.compile(r"^\[?(\d+)[.\]]$")


def cut(text: str) -> list[list[str]]:
    """One page's reference bodies: stripped, non-empty lines, label excluded.

    The last body runs to the end of the page, so it carries the page's footer.
    """
    refs: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        m = LABEL.match(line)
        if m and int(m.group(1)) == len(refs) + 1:
            refs.append([])
        elif refs and line:
            refs[-1].append(line)
    return refs
