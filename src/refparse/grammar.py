"""Stage 3b — grammar: the Lark LALR parser and its one Transformer.

The grammar file ``grammars/reference.lark`` is data; this module loads it
once (lazily, on first use — importing refparse does no work) and wires it to
:class:`PartsTransformer`, which runs *inside* the LALR parser (no parse tree
is built). The transformer only turns grammar rules into :class:`Part`
values holding token positions; deciding which segment is the journal is
:mod:`refparse.assemble`'s job, and canonical forms are
:mod:`refparse.normalize`'s.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from copy import copy
from functools import cache
from pathlib import Path
from typing import Any

from lark import Lark, Transformer, Tree
from lark.exceptions import UnexpectedToken
from lark.lexer import Lexer

from .grammar_files import cache_dir, grammar_dir
from .lalr_tables import load_tables, save_tables
from .lexer import Tok
from .parts import Part, Rejection

#: Tokens the parser may skip in one reference before giving up on the grammar.
MAX_SKIPS = 12
#: Tokens that may be cut from the end of a reference the grammar finds unfinished.
MAX_TRAILING_CUT = 6
#: How far back recovery may roll the parser, and how far ahead it tests a repair.
ROLLBACK = 5
LOOKAHEAD = 6
#: References longer than this (in tokens; some 6,000 authors) are not repaired token by
#: token when the grammar rejects them: the repair's cost grows with the square of the
#: length, so such a reference goes straight to the fallback (its certain fields, its raw text).
MAX_REPAIR_TOKENS = 20_000


def _at(items: Iterable[Any]) -> int:
    for it in items:
        if isinstance(it, Tok):
            return it.index
        if isinstance(it, Part):
            return it.at
    return -1


def _first(children: Iterable[Any], *types: str) -> int | None:
    """Index of the first child token of one of ``types``."""
    for c in children:
        if isinstance(c, Tok) and c.type in types:
            return c.index
    return None


def _indices(children: Iterable[Any], *types: str) -> tuple[int, ...]:
    return tuple(c.index for c in children if isinstance(c, Tok) and c.type in types)


def _parts(children: Iterable[Any], kind: str) -> list[Part]:
    return [c for c in children if isinstance(c, Part) and c.kind == kind]


_NAME_TYPES = ("TEXT", "MONTH")


def _given_first_after_and(c: list[Any]) -> list[Any]:
    """"Li, X., and John Bai" (Chicago): after a first "Family, I." the name behind ", and" is given first.

    The grammar reads two words in a "Family, I." list as a surname and a full
    given name ("Liu" / "Xun", as line-broken pages print Chinese names); it
    cannot tell "John Bai" from them by type. The list's shape can: a first
    name printed with a comma before its initials, and this name after ", and"
    — a mark Vancouver's "Liu Xun" lists never print.
    """
    first = next((p for p in c if isinstance(p, Part)), None)
    if first is None or first.kind != "person" or first.tail == "FULL":
        return c
    given, family = first.value.get("given"), first.value.get("family")
    if given is None or family is None or given != family + 2:  # "Li" "," "X.": TEXT COMMA INIT
        return c
    out = list(c)
    for i in range(2, len(out)):
        p = out[i]
        if (isinstance(p, Part) and p.tail == "FULL" and isinstance(out[i - 1], Tok) and out[i - 1].type == "AND"
                and isinstance(out[i - 2], Tok) and out[i - 2].type == "COMMA"):
            value = {**p.value, "family": p.value["given"], "given": p.value["family"]}
            out[i] = Part("person", value, p.at)
    return out


class PartsTransformer(Transformer[Tok, Any]):
    """Turn each grammar rule into a :class:`Part` of token indices; nothing else."""

    # ---------------------------------------------------------------- who
    def person(self, c: list[Any]) -> Part:
        particle, text = _first(c, "PARTICLE"), _first(c, *_NAME_TYPES)
        family = text if text is not None else particle
        sfx = _parts(c, "suffix")
        value = {
            "family": family,
            "particle": particle if text is not None else None,
            "given": _first(c, "INIT", "GIVEN"),
            "suffix": sfx[0].value if sfx else None,
        }
        return Part("person", value, _at(c))

    fg_person = person

    def gf_person(self, c: list[Any]) -> Part:
        """A given name, then the family name ("Julia Paulsson")."""
        given, family = _indices(c, "TEXT", "MONTH", "INIT")
        sfx = _parts(c, "suffix")
        value = {"family": family, "given": given, "particle": None, "suffix": sfx[0].value if sfx else None}
        return Part("person", value, _at(c))

    def person_glued(self, c: list[Any]) -> Part:
        value = {"particle": _first(c, "PARTICLE"), "glued": _first(c, "GLUED"), "suffix": None}
        return Part("person", value, _at(c))

    given_name = person

    def glued_person(self, c: list[Any]) -> Part:
        sfx = _parts(c, "suffix")
        value = {"particle": None, "glued": _first(c, "GLUED"), "suffix": sfx[0].value if sfx else None}
        return Part("person", value, _at(c))

    def full_given_person(self, c: list[Any]) -> Part:
        texts = _indices(c, "TEXT")
        sfx = _parts(c, "suffix")
        value = {"family": texts[0], "given": texts[1], "particle": None, "suffix": sfx[0].value if sfx else None}
        return Part("person", value, _at(c), "FULL")

    def bare_person(self, c: list[Any]) -> Part:
        return Part("person", {"family": c[0].index, "given": None, "particle": None, "suffix": None}, _at(c))

    def org_then_people(self, c: list[Any]) -> Part:
        org = Part("organization", c[0].index, _at(c))
        return Part("name_list", (org, *(p for p in c if isinstance(p, Part))), _at(c))

    def organization(self, c: list[Any]) -> Part:
        return Part("organization", _first(c, "TEXT", "INIT", "PHRASE"), _at(c))

    def organization_etal(self, c: list[Any]) -> Part:
        return Part("organization_etal", _first(c, "TEXT", "PHRASE"), _at(c))

    def organization_comma(self, c: list[Any]) -> Part:
        org = Part("organization", _first(c, "TEXT", "PHRASE"), _at(c))
        return Part("contributors", {"names": (org,), "et_al": False}, _at(c))

    def suffix(self, c: list[Any]) -> Part:
        return Part("suffix", _first(c, "SUFFIX"), _at(c))

    def etal(self, c: list[Any]) -> Part:
        return Part("etal", True, _at(c))

    def contributors(self, c: list[Any]) -> Part:
        c = _given_first_after_and(c)
        flat = [q for p in c if isinstance(p, Part) for q in (p.value if p.kind == "name_list" else (p,))]
        names = tuple(
            Part("organization", p.value, p.at) if p.kind == "organization_etal" else p
            for p in flat
            if p.kind in ("person", "organization", "organization_etal")
        )
        et_al = bool(_parts(c, "etal") or _parts(c, "organization_etal"))
        return Part("contributors", {"names": names, "et_al": et_al}, _at(c))

    # ---------------------------------------------------------------- when
    def _date(self, kind: str, c: list[Any]) -> Part:
        value = {"year": _first(c, "YEAR"), "month": _first(c, "MONTH"), "status": _first(c, "INPRESS", "ND")}
        return Part(kind, value, _at(c))

    def date_early(self, c: list[Any]) -> Part:
        return self._date("date_early", c)

    date_bare = date_early

    def date_late(self, c: list[Any]) -> Part:
        return self._date("date_late", c)

    # ---------------------------------------------------------------- what
    def title(self, c: list[Any]) -> Part:
        quoted = isinstance(c[0], Tok) and c[0].type == "QUOTE"  # "“Title,”" (an article's or a chapter's)
        return Part("title", _first(c, "TEXT", "PHRASE", "GLUED"), _at(c), "QUOTE" if quoted else None)

    untitled_contributors = contributors

    def same_authors(self, c: list[Any]) -> Part:
        return Part("same_authors", None, _at(c))

    def journal(self, c: list[Any]) -> Part:
        return Part("segment", c[0].index, _at(c))

    def segment(self, c: list[Any]) -> Part:
        return Part("segment", c[0].index, _at(c), c[-1].type if len(c) > 1 else None)

    # ---------------------------------------------------------------- volume / issue / pages
    def volume(self, c: list[Any]) -> Part:
        return Part("volume", c[0].index, _at(c))

    kw_volume = volume

    def issue_value(self, c: list[Any]) -> Part:
        return Part("issue", tuple(t.index for t in c if isinstance(t, Tok)), _at(c))

    yissue_value = issue_value
    suppl_issue = issue_value

    def issue(self, c: list[Any]) -> Part:
        return next(p for p in c if isinstance(p, Part))

    yissue = issue

    def article_number(self, c: list[Any]) -> Part:
        return Part("article_number", c[0].index, _at(c))

    def first_page(self, c: list[Any]) -> Part:
        return Part("first_page", c[0].index, _at(c))

    def last_page(self, c: list[Any]) -> Part:
        return Part("last_page", c[0].index, _at(c))

    def page_range(self, c: list[Any]) -> Part:
        return Part("page_range", c[0].index, _at(c))

    def day(self, c: list[Any]) -> Part:
        return Part("day", c[0].index, _at(c))

    def vdate(self, c: list[Any]) -> Part:
        days = _parts(c, "day")
        value = {"year": _first(c, "YEAR"), "month": _first(c, "MONTH"), "day": days[0].value if days else None}
        return Part("vdate", value, _at(c))

    def _pub(self, shape: str, c: list[Any], kind: str = "pub") -> Part:
        value: dict[str, Any] = {"shape": shape, "year": _first(c, "YEAR"), "month": _first(c, "MONTH")}
        for p in c:
            if isinstance(p, Part) and p.kind == "vdate":  # "13 (1992): 197": the group's date
                value["year"], value["month"], value["day"] = p.value["year"], p.value["month"], p.value["day"]
                value["vdate"] = True
            elif isinstance(p, Part):
                value[p.kind] = p.value
        vol = _first(c, "VOL")
        if vol is not None and "volume" not in value:
            value["vol_keyword"] = vol  # "volume 156" in one element
        if vol is not None or _first(c, "NO") is not None:
            # "v. 34", "vol. 5", "n. 24" opening the group: the journal may carry its place before it (ABNT)
            value["labelled"] = True
        return Part(kind, value, _at(c))

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
        part = self._pub("journal_pages", c, kind="journal_pages")
        return Part("journal_pages", {**part.value, "journal": _first(c, "TEXT", "PHRASE")}, part.at)

    # ---------------------------------------------------------------- books, chapters, events
    def chapter_in(self, c: list[Any]) -> Part:
        return Part("chapter_in", None, _at(c))

    def eds_mark(self, c: list[Any]) -> Part:
        return Part("eds_mark", None, _at(c))

    def place_publisher(self, c: list[Any]) -> Part:
        """"Place: Publisher", bare or in parentheses, and "(Publisher[, Place], 2009)": one kind of part."""
        names = _indices(c, "TEXT", "PHRASE", "INIT")
        place: int | None
        if any(isinstance(t, Tok) and t.type == "COLON" for t in c):  # "Place: Publisher"
            place, publisher = names
        else:  # "(Publisher, 2009)", "(Publisher, Place, 2009)"
            publisher, place = names[0], (names[1] if len(names) > 1 else None)
        value = {"place": place, "publisher": publisher, "year": _first(c, "YEAR")}
        return Part("place_publisher", value, _at(c))

    paren_publisher = place_publisher

    def conference(self, c: list[Any]) -> Part:
        return Part("conference", c[0].index, _at(c))

    # ---------------------------------------------------------------- single tokens
    def _single(kind: str) -> Callable[[PartsTransformer, list[Any]], Part]:  # type: ignore[misc]  # noqa: N805
        def rule(self: PartsTransformer, c: list[Any]) -> Part:
            tokens = [t for t in c if isinstance(t, Tok)]
            return Part(kind, tokens[-1].index, _at(c))

        return rule

    edition = _single("edition")
    pages_count = _single("pages_count")
    doi = _single("doi")
    pmid = _single("pmid")
    pmcid = _single("pmcid")
    url = _single("url")
    isbn = _single("isbn")
    arxiv = _single("arxiv")
    accessed = _single("accessed")
    epub = _single("epub")
    genre = _single("genre")
    thesis = _single("thesis")
    status = _single("status")
    contrib = _single("contrib")
    edited = _single("edited")

    def start(self, c: list[Any]) -> list[Any]:
        return c


class _TokenStream(Lexer):
    """A Lark lexer that passes through tokens made by :mod:`refparse.lexer`."""

    def __init__(self, lexer_conf: Any) -> None:
        pass

    def lex(self, data: Any, *args: Any) -> Iterator[Tok]:  # type: ignore[override]
        return iter(data)


def table_cache_path() -> str | bool:
    """Where Lark keeps the analysed LALR tables between processes.

    Lark stores a hash of the grammar and options in the file and rebuilds a
    stale or broken one, so a cache can never give a wrong parser; without a
    writable folder only the ~0.1 s table analysis is repeated per process.

    Returns:
        A file path, or ``False`` when no cache folder is usable.
    """
    folder = cache_dir()
    if folder is None:
        return False
    return str(folder / f"reference-lalr-py{sys.version_info[0]}{sys.version_info[1]}.pickle")


def _options() -> dict[str, Any]:
    """How the reference parser is built; the shipped tables are analysed with the same."""
    return {"parser": "lalr", "lexer": _TokenStream, "maybe_placeholders": False}


@cache
def reference_parser() -> Lark:
    """The LALR parser for one reference, built once per process on first use.

    Its tables come analysed with the package (:mod:`refparse.lalr_tables`);
    when they do not match the grammar (an edited grammar, another Lark), the
    analysis is done here and cached on disk (:func:`table_cache_path`), so
    later processes load it instead of recomputing it.
    """
    grammar = (grammar_dir() / "reference.lark").read_text(encoding="utf-8")
    shipped = load_tables(grammar, _options(), PartsTransformer())
    if shipped is not None:
        return shipped
    return Lark(grammar, **_options(), transformer=PartsTransformer(), cache=table_cache_path())


def save_reference_tables() -> Path:
    """Analyse ``reference.lark`` and write the shipped tables (after editing the grammar)."""
    return save_tables((grammar_dir() / "reference.lark").read_text(encoding="utf-8"), _options())


def parse_tokens(tokens: list[Tok]) -> tuple[list[Any], list[Rejection]]:
    """Parse one reference's tokens into parts, skipping tokens the grammar rejects.

    The result depends only on the token *types*, so callers may cache it
    per type sequence.

    Args:
        tokens: the reference's tokens.

    Returns:
        ``(children of start, rejections)``; no rejections means a clean parse.

    Raises:
        UnexpectedToken: more than ``MAX_SKIPS`` rejections, the reference
            ended where the grammar needs more (no title, say), or a rejected
            reference is longer than ``MAX_REPAIR_TOKENS``.
    """
    try:
        return reference_parser().parse(iter(tokens)), []  # type: ignore[return-value]  # fast path
    except UnexpectedToken:
        if len(tokens) > MAX_REPAIR_TOKENS:
            raise
    errors: list[Rejection] = []
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
        errors.extend(Rejection(t.index, ()) for t in tokens[-cut:])
        return result, errors
    raise first_error


def _feed(tokens: list[Tok], errors: list[Rejection]) -> list[Any]:
    """Parse, recovering from each rejected token by the cheapest local repair.

    At a rejected token the parser may either skip it, or roll back up to
    ``ROLLBACK`` tokens and skip those too (a group the page left half
    printed, such as "Science ( 80- . )"). Each candidate is tried on a copy
    of the parser with the next ``LOOKAHEAD`` tokens; the one that reads
    furthest wins, and fewer skipped tokens break ties.
    """
    parser = reference_parser().parse_interactive(None)
    history: list[tuple[int, Any]] = []  # (token index, parser before it)
    skipped = 0
    i = 0
    while i < len(tokens):
        before = _fork(parser)
        try:
            parser.feed_token(tokens[i])  # type: ignore[arg-type]
        except UnexpectedToken as e:
            expected = tuple(sorted(e.expected))
            start, parser = _repair(tokens, i, before, history)
            errors.extend(Rejection(j, expected if j == i else ()) for j in range(start, i + 1))
            skipped += i - start + 1
            if skipped > MAX_SKIPS:
                raise
            history = [h for h in history if h[0] < start]
            i += 1
            continue
        history.append((i, before))
        del history[:-ROLLBACK]
        i += 1
    return parser.feed_eof()  # type: ignore[no-any-return,no-untyped-call]


def _fork(parser: Any) -> Any:
    """A copy of an interactive parser that shares the immutable leaves (tokens, parts).

    Why not ``parser.copy()``: it deep-copies the value stack, and an author
    list is one growing ``_fam_list`` tree on it, so each token of recovery
    deep-copied every name before it: quadratic, with a large constant (a
    reference of 2,000 authors with one glitch took a minute). The only thing
    Lark changes in place on the stack is the children list of an inlined
    rule's tree (left recursion appends to it), so copying the trees' lists
    and sharing their leaves keeps the fork as independent as a deep copy.
    """
    state = parser.parser_state
    values = [Tree(v.data, list(v.children)) if isinstance(v, Tree) else copy(v) if isinstance(v, list) else v
              for v in state.value_stack]
    forked = type(state)(state.parse_conf, state.lexer, list(state.state_stack), values)
    return type(parser)(parser.parser, forked, copy(parser.lexer_thread))


def _repair(tokens: list[Tok], i: int, before: Any, history: list[tuple[int, Any]]) -> tuple[int, Any]:
    """Choose where to resume after token ``i`` was rejected.

    Returns:
        ``(first skipped token index, parser to continue with)``.
    """
    candidates = [(i, before)] + [(start, state) for start, state in reversed(history)]
    best: tuple[int, int, Any] | None = None  # (-tokens read ahead, skipped, state)
    for start, state in candidates:
        read = _read_ahead(state, tokens[i + 1 : i + 1 + LOOKAHEAD])
        key = (-read, i - start)
        if best is None or key < best[:2]:
            best = (key[0], key[1], state)
    assert best is not None
    return i - best[1], _fork(best[2])


def _read_ahead(state: Any, ahead: list[Tok]) -> int:
    """How many of ``ahead`` a copy of the parser accepts (+1 if it may then end)."""
    trial = _fork(state)
    for n, token in enumerate(ahead):
        try:
            trial.feed_token(token)
        except UnexpectedToken:
            return n
    try:
        _fork(trial).feed_eof()
    except UnexpectedToken:
        return len(ahead)
    return len(ahead) + 1
