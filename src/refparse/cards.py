"""Article summary cards (markdown) read into citations.

A card (see ``grammars/card.lark``) describes one article: ``# Title``,
``**Authors:**`` with full names, a metadata line ``PMC · DOI: … · 2026-01-28``,
sections (TL;DR, Abstract, Linked entities …) and a ``Source:`` footer with the
PMC id. Files often hold several cards, concatenated.

The stages are the line-broken format's, adapted: read (:mod:`refparse.read`
cleans the text), parse (the card grammar, one Transformer that only collects
lines into :class:`CardParts`), build (:func:`build_citation` turns the parts
into a :class:`~refparse.models.Citation`, reading fields with the pure
functions of :mod:`refparse.card_fields` and :mod:`refparse.names`).

A bad card is data: a card without a title, or whose DOI or date is not one,
comes back with ``status="recovered"``, its raw text and a diagnostic; a card
lacking an optional part (authors, abstract, linked entities, source) comes
back parsed, with a diagnostic saying what is missing. Nothing is dropped:
everything the card printed stays in :attr:`Citation.raw`.

What is *not* read into fields, on purpose: the TL;DR, contribution, key
findings and figures (the card site's summary, not the article's metadata),
the full-text entities (mentions in the text, not the article's subject), the
source database name and the card's own URL (a summary page, not the
article). The journal is not printed on a card and is left empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from itertools import pairwise
from typing import Any, NamedTuple

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput

from . import card_fields as cf
from .errors import ParseError
from .grammar_files import grammar_dir
from .models import Citation, Diagnostic, ParseResult
from .names import split_full_name, split_name_list
from .read import iter_lines


class CardLine(NamedTuple):
    """One line of a card as the grammar classified it.

    Attributes:
        kind: ``title``, ``authors``, ``meta``, ``loose``, ``heading``,
            ``text``, ``bullet``, ``rule`` or ``footer``.
        text: the line's text (cleaned, markers still on).
        line: 1-based input line.
    """

    kind: str
    text: str
    line: int

    @property
    def content(self) -> str:
        """The text without its markdown marker."""
        return cf.strip_marker(self.text, self.kind)


class Section(NamedTuple):
    """A ``## Heading`` and the lines under it."""

    heading: CardLine
    lines: tuple[CardLine, ...]

    @property
    def name(self) -> str:
        """The heading, case-folded, for matching (``linked entities``)."""
        return " ".join(self.heading.content.casefold().split())


class CardParts(NamedTuple):
    """One card's lines, grouped by the grammar."""

    title: CardLine | None
    header: tuple[CardLine, ...]
    sections: tuple[Section, ...]
    footer: CardLine | None = None

    def lines(self) -> list[CardLine]:
        """Every line of the card, in input order."""
        out = [self.title] if self.title else []
        out += self.header
        for s in self.sections:
            out += [s.heading, *s.lines]
        return out + ([self.footer] if self.footer else [])


def _line_rule(kind: str) -> Any:
    """A Transformer method turning a one-token rule into a :class:`CardLine`."""

    def rule(self: CardTransformer, children: list[Token]) -> CardLine:
        token = children[0]
        return CardLine(kind, str(token), token.line or 0)

    return rule


class CardTransformer(Transformer[Token, Any]):
    """Turn grammar rules into :class:`CardLine` / :class:`CardParts`; no field logic."""

    title = _line_rule("title")
    authors = _line_rule("authors")
    meta = _line_rule("meta")
    loose = _line_rule("loose")
    text = _line_rule("text")
    bullet = _line_rule("bullet")
    rule = _line_rule("rule")

    def footer(self, children: list[Any]) -> CardLine:
        """The ``Source:`` line; rules after it only separate cards."""
        token = children[0]
        return CardLine("footer", str(token), token.line or 0)

    def section(self, children: list[Any]) -> Section:
        heading = children[0]
        return Section(CardLine("heading", str(heading), heading.line or 0), tuple(children[1:]))

    def titled(self, children: list[Any]) -> CardParts:
        return self._card(children[0], children[1:])

    def lead(self, children: list[Any]) -> CardParts:
        return self._card(None, children)

    @staticmethod
    def _card(title: CardLine | None, rest: Iterable[Any]) -> CardParts:
        rest = list(rest)
        header = tuple(x for x in rest if isinstance(x, CardLine))
        sections = tuple(x for x in rest if isinstance(x, Section))
        return CardParts(title, header, sections)

    def start(self, children: list[Any]) -> list[CardParts]:
        """Give each footer to the card before it (a lone footer is a card of its own)."""
        cards: list[CardParts] = []
        for child in children:
            if isinstance(child, CardParts):
                cards.append(child)
            elif child.kind == "rule":  # a separator before the first card
                continue
            elif cards and cards[-1].footer is None:
                cards[-1] = cards[-1]._replace(footer=child)
            else:
                cards.append(CardParts(None, (), (), child))
        return cards


@cache
def card_parser() -> Lark:
    """The LALR parser for card files, built once on first use."""
    return Lark(
        (grammar_dir() / "card.lark").read_text(encoding="utf-8"),
        parser="lalr",
        lexer="basic",
        transformer=CardTransformer(),
    )


def _clean_text(text: str) -> str:
    """The text cleaned line by line, line numbers kept, ending in a newline."""
    lines: list[str] = []
    for line in iter_lines(text):
        lines.extend([""] * (line.number - 1 - len(lines)))
        lines.append(line.text)
    return "\n".join(lines) + "\n"


def split_cards(text: str) -> list[CardParts]:
    """Parse a file of cards into each card's lines.

    Args:
        text: one or more cards.

    Returns:
        The cards in order (empty for blank text).

    Raises:
        ParseError: never for real input (every line is some line kind);
            kept so that a grammar bug surfaces as refparse's own error.
    """
    try:
        cards: list[CardParts] = card_parser().parse(_clean_text(text))  # type: ignore[assignment]
    except UnexpectedInput as e:  # pragma: no cover - the grammar accepts any text
        raise ParseError(f"card grammar rejected line {e.line}: {e}", line=e.line) from e
    return cards


# --------------------------------------------------------------------------- building
#: Sections a card may have that refparse deliberately does not read.
_UNUSED_SECTIONS = frozenset({"tl;dr", "contribution", "key findings", "full-text entities", "figures"})
#: Diagnostic codes that make a card ``recovered`` (something printed could not be read).
MALFORMED = frozenset({"no-title", "bad-doi", "bad-date", "bad-name"})


def _raw(lines: list[CardLine]) -> str:
    """The card's text as printed (cleaned), blank lines between paragraphs kept."""
    out = lines[0].text if lines else ""
    for prev, line in pairwise(lines):
        out += ("\n\n" if line.line > prev.line + 1 else "\n") + line.text
    return out


def _paragraphs(lines: Iterable[CardLine]) -> str:
    paragraphs: list[list[str]] = []
    last = -1
    for line in lines:
        if line.kind == "rule":
            continue
        if not paragraphs or line.line > last + 1:
            paragraphs.append([])
        paragraphs[-1].append(line.content)
        last = line.line
    return "\n\n".join(" ".join(p) for p in paragraphs)


class _Builder:
    """Collects one card's fields and diagnostics (one instance per card)."""

    def __init__(self, parts: CardParts) -> None:
        self.parts = parts
        self.fields: dict[str, Any] = {"type": "article-journal"}
        self.notes: list[str] = []
        self.warnings: list[Diagnostic] = []
        lines = parts.lines()
        self.first_line = lines[0].line if lines else None

    def warn(self, code: str, message: str, line: int | None = None) -> None:
        self.warnings.append(Diagnostic(code=code, message=message, line=line or self.first_line))

    def title(self) -> None:
        title = self.parts.title.content if self.parts.title else ""
        if title:
            self.fields["title"] = title
        else:
            self.warn("no-title", "the card has no title line ('# Title')")

    def header(self) -> None:
        authors = [h for h in self.parts.header if h.kind == "authors"]
        metas = [h for h in self.parts.header if h.kind == "meta"]
        for extra in (*authors[1:], *metas[1:]):
            self.warn("duplicate-line", f"a second {extra.kind} line was not read: {extra.content!r}", extra.line)
        for loose in (h for h in self.parts.header if h.kind == "loose"):
            self.warn("unread-line", f"a header line was not recognised: {loose.content!r}", loose.line)
        if authors:
            self.authors(authors[0])
        else:
            self.warn("no-authors", "the card has no '**Authors:**' line")
        if metas:
            self.meta(metas[0])
        else:
            self.warn("no-doi", "the card has no metadata line with a DOI ('PMC · DOI: … · date')")
            self.warn("no-date", "the card has no metadata line with a date")

    def authors(self, line: CardLine) -> None:
        names, et_al = split_name_list(line.content)
        people = []
        for name in names:
            person = split_full_name(name)
            if person is None:
                self.warn("bad-name", f"{name!r} is not a name; not read", line.line)
            else:
                people.append(person)
        if not people:
            self.warn("no-authors", "the authors line names nobody", line.line)
        self.fields["authors"] = tuple(people)
        self.fields["et_al"] = et_al

    def meta(self, line: CardLine) -> None:
        meta = cf.split_meta(line.content)
        if meta.doi is None:
            self.warn("no-doi", "the metadata line has no DOI", line.line)
        elif (doi := cf.card_doi(meta.doi)) is None:
            self.warn("bad-doi", f"{meta.doi!r} is not a DOI; not read", line.line)
        else:
            self.fields["doi"] = doi
        if meta.date is None:
            self.warn("no-date", "the metadata line has no date", line.line)
        elif (ymd := cf.iso_date(meta.date)) is None:
            self.warn("bad-date", f"{meta.date!r} is not a date (YYYY-MM-DD); not read", line.line)
        else:
            year, month, day = ymd
            self.fields["date"] = {"year": year, "month": month, "day": day, "printed": meta.date}

    def sections(self) -> None:
        seen = set()
        for section in self.parts.sections:
            seen.add(section.name)
            if section.name == "abstract":
                self.abstract(section)
            elif section.name == "linked entities":
                self.keywords(section)
            elif section.name not in _UNUSED_SECTIONS:
                self.warn("unknown-section", f"section {section.heading.content!r} is not read", section.heading.line)
        if "abstract" not in seen:
            self.warn("no-abstract", "the card has no '## Abstract' section")
        if "linked entities" not in seen:
            self.warn("no-keywords", "the card has no '## Linked entities' section")

    def abstract(self, section: Section) -> None:
        body = []
        for line in section.lines:
            reg = cf.registration(line.content) if line.kind == "text" else None
            if reg:
                self.notes.append(f"Registration: {reg.identifier}" + (f" ({reg.url})" if reg.url else ""))
            else:
                body.append(line)
        text = _paragraphs(body)
        if text:
            self.fields["abstract"] = text
        else:
            self.warn("no-abstract", "the abstract section is empty", section.heading.line)

    def keywords(self, section: Section) -> None:
        keywords: list[str] = []
        for line in section.lines:
            if line.kind == "rule":
                continue
            _, listed = cf.split_label(line.content)
            for entity in cf.parse_entities(listed):
                if entity.keyword() not in keywords:
                    keywords.append(entity.keyword())
        self.fields["keywords"] = tuple(keywords)

    def footer(self) -> None:
        footer = self.parts.footer
        if footer is None:
            self.warn("no-source", "the card has no 'Source:' line; no PMCID")
            return
        m = cf.PMCID_IN_URL.search(footer.content)
        if m:
            self.fields["pmcid"] = m.group(0).upper()
        else:
            self.warn("no-pmcid", f"the source {footer.content!r} names no PMC id", footer.line)

    def citation(self) -> Citation:
        self.title()
        self.header()
        self.sections()
        self.footer()
        lines = self.parts.lines()
        # Why it is malformed first: a caller showing one reason shows that one.
        warnings = sorted(self.warnings, key=lambda w: w.code not in MALFORMED)
        malformed = bool(warnings) and warnings[0].code in MALFORMED
        return Citation.model_validate(
            {
                **self.fields,
                "note": "\n".join(self.notes) or None,
                "raw": _raw(lines),
                "span": {"start": lines[0].line, "end": lines[-1].line} if lines else None,
                "status": "recovered" if malformed else "parsed",
                "warnings": tuple(warnings),
            }
        )


def build_citation(parts: CardParts) -> Citation:
    """Turn one card's lines into a citation (never raises for bad cards).

    Args:
        parts: one card from :func:`split_cards`.

    Returns:
        The citation; ``status="recovered"`` when the card has no title or
        printed a DOI, date or name that could not be read.
    """
    return _Builder(parts).citation()


def parse_cards(text: str) -> ParseResult:
    """Parse a file of article summary cards into citations.

    Args:
        text: one or more cards (markdown), as saved or concatenated.

    Returns:
        A :class:`ParseResult` with ``format="card"`` and one citation per card.
    """
    citations = tuple(build_citation(parts) for parts in split_cards(text))
    warnings = () if citations else (Diagnostic(code="no-cards", message="no summary cards found"),)
    return ParseResult(citations=citations, format="card", warnings=warnings)
