"""The programs people read refparse's output with, driven as they are used.

Each function runs a real consumer — citeproc-js under node (the engine of
Zotero and Mendeley), citeproc-py, pandoc ``--citeproc``, bibtex with a
standard ``.bst``, biber with biblatex under pdflatex — on an output refparse
wrote, and returns what it printed, entry by entry with the entry's key.
``tests/tools/install.sh`` (the "consumers" section) installs them; nothing
here skips when one is missing: the test fails with the tool's error.

:func:`check_entry` is the one rule every consumer is held to: a reference's
rendering shows every author (family names, in order), "et al." exactly when
the list was printed truncated, and nothing of refparse's own — no author
named "others", no diagnostic, no raw text.
"""

from __future__ import annotations

import atexit
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from conftest import FIXTURES
from refparse.export.text import STYLES, style_path
from refparse.models import Citation, Organization

TOOLS = Path(__file__).resolve().parent / "tools"
CONSUMERS = FIXTURES / "consumers"
LOCALES = CONSUMERS / "locales"
#: every shipped style, by refparse's name
STYLE_FILES = {name: style_path(name) for name in STYLES}
#: what no rendering may show: refparse's diagnostics, or BibTeX's "others" printed as an author
FORBIDDEN = re.compile(r"(?i)\bothers\b|refparse|\braw\b|as printed|not placed in a field|not fully parsed")


@dataclass(frozen=True)
class Entry:
    """One bibliography entry as a consumer printed it."""

    key: str
    text: str


def _run(cmd: list[str], *, input: str | None = None, cwd: Path | None = None,
         env: dict[str, str] | None = None, timeout: float = 120) -> str:
    done = subprocess.run(cmd, input=input, capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=timeout, check=False)
    assert done.returncode == 0, f"{cmd[0]} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done.stdout


def citeproc_js(items: list[dict[str, object]], styles: dict[str, Path] | None = None,
                cite: tuple[str, ...] = ()) -> dict[str, tuple[list[Entry], dict[str, str]]]:
    """Bibliographies (and in-text citations of ``cite``) by citeproc-js, one node run for all styles.

    Returns:
        ``{style: (entries in the style's order, {key: citation})}``.
    """
    request = {"styles": {n: str(p) for n, p in (styles or STYLE_FILES).items()}, "localesDir": str(LOCALES),
               "items": items, "cite": list(cite)}
    out = _run(["node", str(TOOLS / "render_citeproc.js")], input=json.dumps(request),
               env={"NODE_PATH": str(TOOLS / "node_modules")})
    result = {}
    for name, r in json.loads(out).items():
        result[name] = ([Entry(k, t) for k, t in zip(r["ids"], r["entries"], strict=True)], r["cites"])
    return result


def citeproc_py(items: list[dict[str, object]], style: str) -> list[Entry]:
    """A bibliography by citeproc-py, from the CSL-JSON items exactly as refparse wrote them."""
    import warnings

    from citeproc import Citation as CpCitation
    from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about each variable it does not know (custom ...)
        source = CiteProcJSON(json.loads(json.dumps(items)))  # it consumes its input
        bibliography = CitationStylesBibliography(CitationStylesStyle(str(STYLE_FILES[style]), validate=False),
                                                  source, formatter.plain)
        for item in items:
            bibliography.register(CpCitation([CitationItem(str(item["id"]))]))
        bibliography.sort()
        keys = [str(ref.key) for ref in bibliography.items]
        texts = [str(e) for e in bibliography.bibliography()]
    return [Entry(k, " ".join(t.split())) for k, t in zip(keys, texts, strict=True)]


_PANDOC_ENTRY = re.compile(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>\s*(?=<div id="ref-|</div>\s*$)',
                           re.S)
_PANDOC_CITE = re.compile(r'<span class="citation" data-cites="([^"]+)">(.*?)</span>', re.S)


def pandoc(bibliography: Path, style: str | None, cite: tuple[str, ...] = ()) -> tuple[list[Entry], dict[str, str]]:
    """pandoc ``--citeproc``: the bibliography of every entry and the in-text citation of each key of ``cite``.

    Args:
        bibliography: a ``.json`` (CSL-JSON), ``.bib`` (BibLaTeX) or ``.bibtex`` (BibTeX) file.
        style: a shipped style, or ``None`` for pandoc's default (Chicago author-date).
        cite: keys cited in the text, one paragraph each.
    """
    text = '---\nnocite: "@*"\n---\n\n' + "".join(f"[@{k}]\n\n" for k in cite)
    cmd = ["pandoc", "--citeproc", "-f", "markdown", "-t", "html", "--wrap=none", f"--bibliography={bibliography}"]
    if style is not None:
        cmd.append(f"--csl={STYLE_FILES[style]}")
    out = _run(cmd, input=text)
    entries = [Entry(k, _plain(body)) for k, body in _PANDOC_ENTRY.findall(out)]
    return entries, {k: _plain(body) for k, body in _PANDOC_CITE.findall(out)}


def _plain(fragment: str) -> str:
    """Text of an HTML fragment, on one line."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split()).replace(" .", ".").replace(" ,", ",")


def bibtex(bib: str, folder: Path, bst: str = "unsrt") -> tuple[list[Entry], str]:
    """Classic bibtex with a standard style over every entry; the ``.bbl`` as text, entry by entry.

    The ``.aux`` is what LaTeX writes for ``\\nocite{*}`` with ``\\bibliographystyle{bst}``;
    the ``.bbl`` bibtex writes is the formatted bibliography, read as text by
    pylatexenc (the decoder bibtexparser uses).
    """
    from pylatexenc.latex2text import LatexNodes2Text

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    (folder / "doc.aux").write_text("\\relax\n\\citation{*}\n\\bibstyle{" + bst + "}\n\\bibdata{refs}\n", encoding="utf-8")
    log = _run(["bibtex", "doc"], cwd=folder)
    assert "Warning--" not in log and "error message" not in log, log
    bbl = (folder / "doc.bbl").read_text(encoding="utf-8")
    decode = LatexNodes2Text(math_mode="verbatim")
    entries = []
    for key, body in re.findall(r"\\bibitem\{([^}]*)\}\n(.*?)(?=\n\n|\n\\end\{thebibliography\})", bbl, re.S):
        entries.append(Entry(key, " ".join(decode.latex_to_text(body.replace("\\newblock", " ")).split())))
    return entries, bbl


_BIBLATEX_DOC = r"""\documentclass{article}
\usepackage[backend=biber,style=numeric,sorting=none,maxbibnames=99]{biblatex}
\addbibresource{refs.bib}
\setlength{\textwidth}{4000pt}\setlength{\pdfpagewidth}{4100pt}\setlength{\hoffset}{-1in}
\setlength{\oddsidemargin}{20pt}\setlength{\textheight}{12000pt}\setlength{\pdfpageheight}{12100pt}
\setlength{\voffset}{-1in}\setlength{\topmargin}{20pt}\pagestyle{empty}
\begin{document}
\raggedright\hyphenpenalty=10000\exhyphenpenalty=10000
\nocite{*}
\printbibliography
\end{document}
"""


@cache
def _texmf_var() -> str:
    """One folder per test run for the fonts TeX generates (not the user's home)."""
    folder = tempfile.mkdtemp(prefix="refparse-texmf-var-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def biblatex(bib: str, folder: Path) -> tuple[list[Entry], str]:
    """biber and biblatex's standard numeric style under pdflatex; the PDF read back by pdftotext.

    pdflatex, biber, pdflatex — as latexmk would — on a page wide enough for
    every entry to be one line. Returns the entries (in file order, keyed
    from biber's ``.bbl``) and the ``.bbl`` itself (biber's reading of each
    field). TeX's generated fonts go to a folder of the test run, not the home.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    (folder / "doc.tex").write_text(_BIBLATEX_DOC, encoding="utf-8")
    env = {"TEXMFVAR": _texmf_var()}
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    _run(latex, cwd=folder, env=env)
    log = _run(["biber", "doc"], cwd=folder, env=env)
    assert "ERROR" not in log and "WARN" not in log, log
    _run(latex, cwd=folder, env=env)
    bbl = (folder / "doc.bbl").read_text(encoding="utf-8")
    keys = re.findall(r"\\entry\{([^}]*)\}", bbl)
    text = _run(["pdftotext", "-raw", "doc.pdf", "-"], cwd=folder)
    lines = [line.strip() for line in text.splitlines() if line.strip() and line.strip() != "References"]
    entries = [re.sub(r"^\[\d+\]\s*", "", line) for line in lines]
    assert len(entries) == len(keys), (len(entries), len(keys), lines[:5])
    return [Entry(k, t) for k, t in zip(keys, entries, strict=True)], bbl


def _fold(text: str) -> str:
    """Lower case without accents, for comparing names across renderings."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)).lower()


def check_entry(entry: Entry, c: Citation, who: str) -> None:
    """The rule every consumer is held to (see the module docstring)."""
    text = entry.text
    where = f"{who}: {entry.key}: {text}"
    assert not FORBIDDEN.search(text), where
    folded, at = _fold(text), 0
    for name in c.authors:
        family = name.name if isinstance(name, Organization) else name.family
        found = folded.find(_fold(family), at)
        assert found >= 0, f"{where}\n  author {family!r} missing or out of order"
        at = found + len(family)
    assert text.count("et al.") + text.count("et al,") == (1 if c.et_al else 0), where
    if c.et_al:
        assert folded.find("et al", at) >= 0, f"{where}\n  et al. must follow the last author"


def entries_by_key(entries: list[Entry]) -> dict[str, str]:
    out = {e.key: e.text for e in entries}
    assert len(out) == len(entries), "a consumer printed two entries under one key"
    return out


def convert(source: Path, output: Path, *options: str) -> Path:
    """``refparse convert SOURCE -o OUTPUT [options]``, run as a user runs it (the format from the extension)."""
    from refparse.cli import main

    code = main(["convert", str(source), "-o", str(output), "-q", *options])
    assert code == 0 and output.is_file(), (code, source, output)
    return output


def golden(title: str, rows: list[tuple[str, str, str]]) -> str:
    """A golden file's text: a comment saying what it holds, then ``what | key | rendering`` lines."""
    head = "".join(f"# {line}\n" for line in title.splitlines())
    return head + "".join(f"{what} | {key} | {text}\n" for what, key, text in rows)
