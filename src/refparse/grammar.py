"""Stage 3b — grammar: the Lark LALR parser and its one Transformer.

The grammar file ``grammars/reference.lark`` is data; this module loads it
once (lazily, on first use — importing refparse does no work) and wires it to
:class:`PartsTransformer`, which runs *inside* the LALR parser (no parse tree
is built). The transformer only turns grammar rules into :class:`Part`
values; deciding which segment is the journal is :mod:`refparse.assemble`'s
job, and canonical forms are :mod:`refparse.normalize`'s.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any, NamedTuple

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedToken
from lark.lexer import Lexer

from .grammar_files import grammar_dir


#: Tokens the parser may skip in one reference before giving up on the grammar.
MAX_SKIPS = 8
#: Tokens that may be cut from the end of a reference the grammar finds unfinished.
MAX_TRAILING_CUT = 6


class Part(NamedTuple):
    """One recognised piece of a reference.

    Attributes:
        kind: what the grammar recognised (``person``, ``segment``, ``pub`` ...).
        value: the piece's data (a string, a dict, a list of names ...).
        line: 1-based input line where it starts.
    """

    kind: str
    value: Any
    line: int | None = None


def _line(items: Iterable[Any]) -> int | None:
    for it in items:
        if isinstance(it, Token):
            return it.line
        if isinstance(it, Part):
            return it.line
    return None


def _tokens(children: Iterable[Any], *types: str) -> list[str]:
    return [str(c) for c in children if isinstance(c, Token) and c.type in types]


def _first(children: Iterable[Any], *types: str) -> str | None:
    found = _tokens(children, *types)
    return found[0] if found else None


def _parts(children: Iterable[Any], kind: str) -> list[Part]:
    return [c for c in children if isinstance(c, Part) and c.kind == kind]


class PartsTransformer(Transformer[Token, Any]):
    """Turn each grammar rule into a :class:`Part`; no field logic here."""

    # ---------------------------------------------------------------- who
    def person(self, c: list[Any]) -> Part:
        particles = _tokens(c, "PARTICLE")
        texts = _tokens(c, "TEXT", "MONTH")
        family = texts[0] if texts else (particles[0] if particles else "")
        particle = particles[0] if particles and texts else None
        sfx = _parts(c, "suffix")
        return Part(
            "person",
            {"family": family, "particle": particle, "given": _first(c, "INIT"), "suffix": sfx[0].value if sfx else None},
            _line(c),
        )

    def person_glued(self, c: list[Any]) -> Part:
        return Part("person", {"particle": _first(c, "PARTICLE"), "glued": _first(c, "GLUED")}, _line(c))

    def given_name(self, c: list[Any]) -> Part:
        sfx = _parts(c, "suffix")
        return Part(
            "person",
            {
                "family": _first(c, "TEXT", "MONTH") or "",
                "particle": _first(c, "PARTICLE"),
                "given": _first(c, "INIT"),
                "suffix": sfx[0].value if sfx else None,
            },
            _line(c),
        )

    def organization(self, c: list[Any]) -> Part:
        return Part("organization", _first(c, "TEXT", "INIT", "PHRASE"), _line(c))

    def organization_etal(self, c: list[Any]) -> Part:
        return Part("organization_etal", _first(c, "TEXT", "PHRASE"), _line(c))

    def organization_comma(self, c: list[Any]) -> Part:
        org = Part("organization", _first(c, "TEXT", "PHRASE"), _line(c))
        return Part("contributors", {"names": [org], "et_al": False}, _line(c))

    def suffix(self, c: list[Any]) -> Part:
        return Part("suffix", _first(c, "SUFFIX"), _line(c))

    def etal(self, c: list[Any]) -> Part:
        return Part("etal", True, _line(c))

    def contributors(self, c: list[Any]) -> Part:
        names = [
            Part("organization", p.value, p.line) if p.kind == "organization_etal" else p
            for p in c
            if isinstance(p, Part) and p.kind in ("person", "organization", "organization_etal")
        ]
        et_al = bool(_parts(c, "etal") or _parts(c, "organization_etal"))
        return Part("contributors", {"names": names, "et_al": et_al}, _line(c))

    # ---------------------------------------------------------------- when
    def _date(self, c: list[Any]) -> dict[str, str | None]:
        return {"year": _first(c, "YEAR"), "month": _first(c, "MONTH"), "status": _first(c, "INPRESS", "ND")}

    def date_early(self, c: list[Any]) -> Part:
        return Part("date_early", self._date(c), _line(c))

    def date_bare(self, c: list[Any]) -> Part:
        return Part("date_early", self._date(c), _line(c))

    def date_late(self, c: list[Any]) -> Part:
        return Part("date_late", self._date(c), _line(c))

    # ---------------------------------------------------------------- what
    def title(self, c: list[Any]) -> Part:
        return Part("title", _first(c, "TEXT", "PHRASE"), _line(c))

    def segment(self, c: list[Any]) -> Part:
        return Part("segment", str(c[0]), _line(c))

    # ---------------------------------------------------------------- volume / issue / pages
    def volume(self, c: list[Any]) -> Part:
        return Part("volume", str(c[0]), _line(c))

    def issue_value(self, c: list[Any]) -> Part:
        return Part("issue", " ".join(str(t) for t in c if isinstance(t, Token) and t.type != "DASH") if len(c) != 3
                    else f"{c[0]}-{c[2]}", _line(c))

    def issue(self, c: list[Any]) -> Part:
        return next(p for p in c if isinstance(p, Part))

    yissue = issue
    yissue_value = issue_value

    def kw_volume(self, c: list[Any]) -> Part:
        return Part("volume", str(c[0]), _line(c))

    def article_number(self, c: list[Any]) -> Part:
        return Part("article_number", str(c[0]), _line(c))

    def first_page(self, c: list[Any]) -> Part:
        return Part("first_page", str(c[0]), _line(c))

    def last_page(self, c: list[Any]) -> Part:
        return Part("last_page", str(c[0]), _line(c))

    def page_range(self, c: list[Any]) -> Part:
        return Part("page_range", str(c[0]), _line(c))

    def _pub(self, shape: str, c: list[Any]) -> Part:
        value: dict[str, Any] = {"shape": shape, "year": _first(c, "YEAR"), "month": _first(c, "MONTH")}
        for p in c:
            if isinstance(p, Part):
                value[p.kind] = p.value
        if _first(c, "VOL") and "volume" not in value:
            vol = _first(c, "VOL")
            if vol and vol.isdigit():
                value["volume"] = vol
        return Part("pub", value, _line(c))

    def year_volume(self, c: list[Any]) -> Part:
        return self._pub("year_volume", c)

    def year_pages(self, c: list[Any]) -> Part:
        return self._pub("year_pages", c)

    def year_only(self, c: list[Any]) -> Part:
        return self._pub("year_only", c)

    def volume_group(self, c: list[Any]) -> Part:
        return self._pub("volume_group", c)

    def pages(self, c: list[Any]) -> Part:
        return self._pub("pages", c)

    def journal_pages(self, c: list[Any]) -> Part:
        part = self._pub("journal_pages", c)
        return Part("journal_pages", {**part.value, "journal": _first(c, "TEXT", "PHRASE")}, _line(c))

    # ---------------------------------------------------------------- books, chapters, events
    def chapter_in(self, c: list[Any]) -> Part:
        return Part("chapter_in", None, _line(c))

    def eds_mark(self, c: list[Any]) -> Part:
        return Part("eds_mark", None, _line(c))

    def place_publisher(self, c: list[Any]) -> Part:
        texts = [str(t) for t in c if isinstance(t, Token) and t.type in ("TEXT", "PHRASE", "INIT")]
        return Part("place_publisher", {"place": texts[0], "publisher": texts[1]}, _line(c))

    def edition(self, c: list[Any]) -> Part:
        return Part("edition", str(c[0]), _line(c))

    def pages_count(self, c: list[Any]) -> Part:
        return Part("pages_count", str(c[0]), _line(c))

    def conference(self, c: list[Any]) -> Part:
        return Part("conference", str(c[0]), _line(c))

    # ---------------------------------------------------------------- identifiers and notes
    def _single(kind: str) -> Callable[[PartsTransformer, list[Any]], Part]:  # type: ignore[misc]
        def rule(self: PartsTransformer, c: list[Any]) -> Part:
            tokens = [t for t in c if isinstance(t, Token)]
            value = str(tokens[-1]) if tokens else ""
            return Part(kind, value, _line(c))

        return rule

    doi = _single("doi")
    pmid = _single("pmid")
    pmcid = _single("pmcid")
    url = _single("url")
    isbn = _single("isbn")
    arxiv = _single("arxiv")
    accessed = _single("accessed")
    epub = _single("epub")
    genre = _single("genre")
    status = _single("status")

    def start(self, c: list[Any]) -> list[Any]:
        return c


class _TokenStream(Lexer):
    """A Lark lexer that passes through tokens made by :mod:`refparse.lexer`."""

    def __init__(self, lexer_conf: Any) -> None:  # noqa: D107 - Lark's signature
        pass

    def lex(self, data: Any, *args: Any) -> Iterator[Token]:  # type: ignore[override]
        return iter(data)


def table_cache_path() -> str | bool:
    """Where Lark keeps the analysed LALR tables between processes.

    ``REFPARSE_CACHE_DIR`` or the user cache folder. Lark stores a hash of
    the grammar and options in the file and rebuilds a stale or broken one,
    so a cache can never give a wrong parser; an unwritable folder only
    costs the ~0.1 s table analysis per process.

    Returns:
        A file path, or ``False`` when no folder is writable.
    """
    from platformdirs import user_cache_dir

    folder = os.environ.get("REFPARSE_CACHE_DIR") or user_cache_dir("refparse")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    if not os.access(folder, os.W_OK | os.R_OK):
        return False
    return os.path.join(folder, f"reference-lalr-py{sys.version_info[0]}{sys.version_info[1]}.pickle")


@cache
def reference_parser() -> Lark:
    """The LALR parser for one reference, built once per process on first use.

    The table analysis is cached on disk (:func:`table_cache_path`), so later
    processes load it instead of recomputing it.
    """
    return Lark(
        (grammar_dir() / "reference.lark").read_text(encoding="utf-8"),
        parser="lalr",
        lexer=_TokenStream,
        transformer=PartsTransformer(),
        maybe_placeholders=False,
        cache=table_cache_path(),
    )


def parse_tokens(tokens: Iterable[Token]) -> tuple[list[Any], list[UnexpectedToken]]:
    """Parse one reference's tokens into parts, skipping tokens the grammar rejects.

    Args:
        tokens: the reference's tokens.

    Returns:
        ``(children of start, errors)``: ``errors`` lists each rejected token
        (skipped so the rest could still be read); empty means a clean parse.

    Raises:
        UnexpectedToken: more than ``MAX_SKIPS`` rejections, or the reference
            ended where the grammar needs more (no title, say).
    """
    tokens = list(tokens)
    errors: list[UnexpectedToken] = []
    try:
        return _feed(tokens, errors), errors
    except UnexpectedToken as e:
        if e.token.type != "$END" or len(errors) > MAX_SKIPS:
            raise
        first_error = e
    # The reference ended where the grammar needs more. Usually trailing
    # furniture or a stray mark is to blame: drop tokens from the end, one at
    # a time, and keep the first prefix that parses, reporting what was cut.
    for cut in range(1, min(MAX_TRAILING_CUT, len(tokens)) + 1):
        errors = []
        try:
            result = _feed(tokens[:-cut], errors)
        except UnexpectedToken:
            continue
        for dropped in tokens[-cut:]:
            errors.append(UnexpectedToken(dropped, set(), state=None))
        return result, errors
    raise first_error


def _feed(tokens: list[Token], errors: list[UnexpectedToken]) -> list[Any]:
    parser = reference_parser().parse_interactive(None)
    for token in tokens:
        try:
            parser.feed_token(token)
        except UnexpectedToken as e:
            errors.append(e)
            if len(errors) > MAX_SKIPS:
                raise
    return parser.feed_eof()  # type: ignore[no-any-return]
