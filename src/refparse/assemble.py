"""Stage 3c — assemble: the grammar's parts, in order, become a field plan.

The grammar recognises each part and its local role (a person, an issue in
parentheses, a page range after a colon, "In:" editors, "place: publisher").
What it leaves open is the role of the plain text segments after the title,
because that depends on what surrounds them, and a few numbers whose role
depends on the style:

* the segment just before a volume/issue/pages group is the journal; one
  followed by ``; 2005`` with no volume is a publisher (AMA books);
* after "In:", the first segment is the book; later ones are publisher/place;
* in author–year styles (the year printed after the names) a four-digit
  number after the journal is the volume ("J Allergy 2012: 316049");
* a parenthesised year after the pages is the date (Nature, Springer).

Every decision here reads token *types* and part kinds only, never text, so
the result — a :class:`Plan` of which token fills which field through which
normaliser — is the same for every reference of the same shape and is cached
per shape by :mod:`refparse.plans`. :mod:`refparse.fill` then applies
the plan to the token values.
"""

from __future__ import annotations

from typing import Any

from .lexer import Tok
from .parts import Part, Plan, Step


class _Steps:
    """Collects steps; a field is claimed by its first step."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.claimed: set[str] = set()

    def add(self, field: str, builder: str, *args: Any) -> None:
        if field not in self.claimed:
            self.claimed.add(field)
            self.steps.append((field, builder, args))

    def has(self, field: str) -> bool:
        return field in self.claimed


def names_spec(parts: tuple[Part, ...] | list[Part]) -> tuple[tuple[Any, ...], ...]:
    """Persons and organizations as index tuples for :func:`refparse.fill.names`."""
    out: list[tuple[Any, ...]] = []
    for p in parts:
        v = p.value
        if p.kind == "person" and "glued" in v:
            out.append(("glued", v["particle"], v["glued"], v.get("suffix")))
        elif p.kind == "person":
            out.append(("person", v["family"], v["given"], v["particle"], v["suffix"]))
        elif p.kind == "organization" and v is not None:
            out.append(("organization", v))
    return tuple(out)


def _date_part(s: _Steps, value: dict[str, Any]) -> None:
    if value.get("year") is not None:
        s.add("date", "date", value["year"], value.get("month"))
    elif value.get("status") is not None:
        s.add("note", "text", value["status"])


def _apply_pub(s: _Steps, pub: dict[str, Any], author_year: bool) -> None:
    year = pub.get("year")
    if year is not None and pub["shape"] in ("year_pages", "year_only") and author_year and pub.get("month") is None:
        # Author–year styles print the year after the names; a year-shaped
        # number after the journal is then its volume ("J Allergy 2012: 316049").
        s.add("volume", "text", year)
    elif year is not None and author_year and pub.get("vdate") and pub.get("month") is None and "issue" not in pub:
        # ... and a year-shaped number in brackets after the volume is its issue
        # (APA: "Proceedings B, 278(1719), 2714–2723").
        s.add("issue", "issue", (year,))
    elif year is not None:
        s.add("date", "date", year, pub.get("month"), pub.get("day"))
    if pub.get("volume") is not None:
        s.add("volume", "volume", pub["volume"])
    elif pub.get("vol_keyword") is not None:
        s.add("volume", "volume_keyword", pub["vol_keyword"])
    if pub.get("issue") is not None:
        s.add("issue", "issue", pub["issue"])
    if pub.get("first_page") is not None or pub.get("page_range") is not None:
        s.add("pages", "pages", pub.get("first_page"), pub.get("last_page"), pub.get("page_range"))
    if pub.get("article_number") is not None:
        s.add("article_number", "text", pub["article_number"])


_NUMBERS = ("volume", "issue", "first_page", "page_range", "article_number", "vol_keyword")
_SIMPLE = {
    "edition": ("edition", "text"),
    "doi": ("doi", "doi"),
    "pmid": ("pmid", "pmid"),
    "pmcid": ("pmcid", "pmcid"),
    "url": ("url", "url"),
    "isbn": ("isbn", "isbn"),
    "accessed": ("accessed", "stripped"),
    "genre": ("genre", "stripped"),
    "thesis": ("genre", "stripped"),
    "status": ("note", "text"),
    "contrib": ("note", "stripped"),
    "edited": ("note", "stripped"),
    "arxiv": ("note", "text"),
}


def assemble(children: list[Any]) -> Plan:
    """The field plan for one parsed reference.

    Args:
        children: what the grammar's ``start`` rule returned: parts and the
            separator tokens between them, in order.

    Returns:
        The :class:`Plan` (without rejections; the caller adds them).
    """
    s = _Steps()
    items = list(children)
    parts = [c for c in items if isinstance(c, Part)]
    author_year = any(p.kind == "date_early" for p in parts)
    if _untitled_book(s, items):
        parts = [c for c in items if isinstance(c, Part)]

    for p in parts:
        if p.kind == "contributors":
            s.add("authors", "names", names_spec(p.value["names"]))
            if p.value["et_al"]:
                s.add("et_al", "const", True)
        elif p.kind == "date_early":
            _date_part(s, p.value)
        elif p.kind == "title":
            s.add("title", "text", p.value)
        elif p.kind == "same_authors":
            s.add("same_authors", "const", True)

    conference = next((i for i, c in enumerate(items) if isinstance(c, Part) and c.kind == "conference"), None)
    if conference is not None:
        _conference(s, items[conference].value, items[conference + 1 :])
        items = items[:conference]

    in_book = any(p.kind in ("chapter_in", "thesis") for p in parts)
    journal_like = False
    for c in items:
        if not isinstance(c, Part):
            continue
        if c.kind == "pub":
            has_numbers = any(c.value.get(k) is not None for k in _NUMBERS)
            journal_like = journal_like or (has_numbers and c.value["shape"] != "pages")
            pub = c.value
            if _dated_later(items, c):  # "Acta 1777, 684–688 (2008)": the year-shaped number is the volume
                s.add("volume", "text", pub["year"])
                pub = {**pub, "year": None}
            _apply_pub(s, pub, author_year)
        elif c.kind == "journal_pages":
            # "Nature 488: S2-S3" — but in a chapter or a thesis the text
            # before the pages is the publisher ("InTech: 299-322").
            if in_book:
                s.add("publisher", "text", c.value["journal"])
            else:
                journal_like = True
                s.add("container_title", "journal", c.value["journal"])
            _apply_pub(s, c.value, author_year)
        elif c.kind == "date_late":
            _date_part(s, c.value)
        elif c.kind == "place_publisher":
            if c.value["place"] is not None:
                s.add("publisher_place", "text", c.value["place"])
            s.add("publisher", "text", c.value["publisher"])
            if c.value["year"] is not None:
                s.add("date", "date", c.value["year"], None)
        elif c.kind in _SIMPLE:
            field, builder = _SIMPLE[c.kind]
            s.add(field, builder, c.value)

    _roles(s, items, journal_like)
    return Plan(tuple(s.steps))


def _untitled_book(s: _Steps, items: list[Any]) -> bool:
    """A book with no author ("Trends in maternal mortality. Geneva: WHO; 2010.").

    The grammar reads the first text as an organisation author and the place
    as the title. The tell: the "title" is followed by a colon and a
    segment, which is "Place: Publisher". Then the organisation is the
    title, the "title" the place, the segment the publisher.
    """
    contrib = next((c for c in items if isinstance(c, Part) and c.kind == "contributors"), None)
    title_at = next((i for i, c in enumerate(items) if isinstance(c, Part) and c.kind == "title"), None)
    if contrib is None or title_at is None or title_at + 2 >= len(items):
        return False
    names = contrib.value["names"]
    colon, publisher = items[title_at + 1], items[title_at + 2]
    if not (
        len(names) == 1
        and names[0].kind == "organization"
        and isinstance(colon, Tok)
        and colon.type == "COLON"
        and isinstance(publisher, Part)
        and publisher.kind == "segment"
    ):
        return False
    s.add("title", "text", names[0].value)
    s.add("publisher_place", "text", items[title_at].value)
    s.add("publisher", "text", publisher.value)
    s.add("type", "const", "book")
    for i in sorted((items.index(contrib), title_at, title_at + 2), reverse=True):
        del items[i]
    return True


def _conference(s: _Steps, presented: int, rest: list[Any]) -> None:
    """Event title, date and place from "Paper presented at: EHA Library; 13 June" "2024" ";" "Madrid"."""
    year = None
    place = None
    session = None
    for item in rest:
        if isinstance(item, Part) and item.kind == "pub" and item.value.get("year") is not None and year is None:
            year = item.value["year"]
        elif isinstance(item, Part) and item.kind == "segment":
            if place is None:
                place = item.value
            else:
                session = item.value
    s.add("event", "conference", presented, year, place, session)
    s.add("type", "const", "paper-conference")
    if year is not None:
        s.add("date", "conference_date", presented, year)


def _segments(items: list[Any]) -> list[tuple[Part, Any]]:
    """Each segment with the item that follows it."""
    out = []
    for i, c in enumerate(items):
        if isinstance(c, Part) and c.kind == "segment":
            out.append((c, items[i + 1] if i + 1 < len(items) else None))
    return out


def _dated_later(items: list[Any], pub: Part) -> bool:
    """A group read as "year, pages" that has no volume, then a date in brackets (Nature, Springer).

    ``Biochim Biophys Acta 1777, 684–688 (2008)``: the date is the bracketed
    year, so the year-shaped number before the pages is the volume.
    """
    v = pub.value
    if v.get("year") is None or v.get("volume") is not None or v.get("vol_keyword") is not None:
        return False
    if v.get("first_page") is None and v.get("page_range") is None:
        return False
    after = False
    for c in items:
        if c is pub:
            after = True
        elif after and isinstance(c, Part) and c.kind == "date_late":
            return c.value.get("year") is not None
    return False


def _numbered(pub: Part) -> bool:
    """A volume–issue–pages group with numbers, not a year alone ("Title. 2017. J Nat Prod Resour 3: 94")."""
    return any(pub.value.get(k) is not None for k in _NUMBERS)


def _sep_then_year(items: list[Any], seg: Part, nxt: Any) -> bool:
    """``Publisher; 2005`` or ``Publisher, 2005``: a separator, then the year."""
    return isinstance(nxt, Tok) and nxt.type in ("SEMI", "COMMA") and _year_after(items, seg)


def _year_after(items: list[Any], seg: Part) -> bool:
    after = False
    for c in items:
        if c is seg:
            after = True
        elif after and isinstance(c, Part):
            return c.kind == "pub" and c.value.get("year") is not None
    return False


def _edited_book(s: _Steps, segments: list[tuple[Part, Any]], edited: Part) -> bool:
    """"“Chapter.” Book, edited by A and B, Publisher, 2008, pp. 1–9" (MLA): a chapter.

    The editors' credit follows the book's title, as "In:" precedes it in
    other styles; the segments after the credit are the publisher.
    """
    before = [seg for seg, _ in segments if seg.at < edited.at]
    if not before:
        return False  # "Book. Edited by A, Publisher": the book's own editors
    s.add("container_title", "journal", before[-1].value)
    for seg, _ in segments:
        if seg.at > edited.at:
            s.add("publisher", "text", seg.value)
    s.add("type", "const", "chapter")
    return True


def _roles(s: _Steps, items: list[Any], journal_like: bool) -> None:
    """Give the plain segments their roles and choose the item type."""
    if s.has("type"):
        return
    parts = [c for c in items if isinstance(c, Part)]
    editors = [c for c in parts if c.kind == "person"]
    if editors:
        s.add("editors", "names", names_spec(editors))
    segments = _segments(items)
    chapter = next((c for c in parts if c.kind == "chapter_in"), None)
    if chapter is not None:
        after = [seg for seg, _ in segments if seg.at > chapter.at]
        if after:
            s.add("container_title", "journal", after[0].value)
            if len(after) > 1:
                s.add("publisher", "text", after[1].value)
            if len(after) > 2:
                s.add("publisher_place", "text", after[2].value)
        s.add("type", "const", "chapter")
        return
    edited = next((c for c in parts if c.kind == "edited"), None)
    if edited is not None and _edited_book(s, segments, edited):
        return

    if journal_like or s.has("container_title"):
        first = next((c for c in parts if c.kind == "journal_pages" or (c.kind == "pub" and _numbered(c))), None)
        before = [(seg, nxt) for seg, nxt in segments if first is None or seg.at < first.at]
        if len(before) >= 2 and first is not None and first.value.get("labelled") and before[-2][0].tail == "COMMA":
            # "Educação e Pesquisa, São Paulo, v. 34" (ABNT): the journal, then its place
            s.add("container_title", "journal", before[-2][0].value)
            s.add("publisher_place", "text", before[-1][0].value)
        elif before and first is not None and first.kind == "pub" and first.value["shape"] == "year_pages":
            # "WHO Press; 2008:146" (AMA books): no volume, so the name decides — a journal or a publisher
            s.add("container_title", "container_or_publisher", before[-1][0].value)
        elif before:
            s.add("container_title", "journal", before[-1][0].value)
        s.add("type", "const", "article-journal")
        return

    if any(c.kind == "thesis" for c in parts):
        s.add("type", "const", "thesis")
        if segments:
            s.add("publisher", "text", segments[0][0].value)
        return

    place_publisher = next((c for c in parts if c.kind == "place_publisher"), None)
    if s.has("publisher") or any(c.kind == "pages_count" for c in parts):
        # A book. A segment between the title and "Place: Publisher" is the
        # series or the book a part appeared in ("NOAA Technical Paper 146").
        if place_publisher is not None:
            series = [seg for seg, _ in segments if seg.at < place_publisher.at]
            if series:
                s.add("container_title", "journal", series[-1].value)
        s.add("type", "const", "book")
        for seg, _ in segments:
            s.add("publisher", "text", seg.value)
        return

    if segments:
        seg, nxt = segments[0]
        last, last_next = segments[-1]
        if len(segments) >= 2 and _sep_then_year(items, last, last_next):
            # "Title. Book or series. Publisher; 1928." — a part of a book
            s.add("container_title", "journal", segments[-2][0].value)
            s.add("publisher", "text", last.value)
            chapter_like = editors or any(c.kind == "pub" and c.value["shape"] == "pages" for c in parts)
            s.add("type", "const", "chapter" if chapter_like else "book")
            return
        if len(segments) >= 2:
            # "Title. Place. Publisher." or "Title. Publisher, Place." — a book
            s.add("type", "const", "book")
            s.add("publisher", "text", last.value)
            s.add("publisher_place", "text", seg.value)
            return
        if _sep_then_year(items, seg, nxt):
            s.add("type", "const", "book")
            s.add("publisher", "text", seg.value)
            return
        quoted = any(isinstance(c, Part) and c.kind == "title" and c.tail == "QUOTE" for c in items)
        if seg.tail == "COMMA" and _year_after(items, seg) and not quoted:
            # "Title. John Murray, 1876." (Chicago, MLA books): a publisher, unless a journal's name
            # ("Animation: An Interdisciplinary Journal, 2006.") — decided on the text
            s.add("publisher", "publisher_or_journal", seg.value)
            return
        # One segment and no volume: a journal ("Blood Adv. 2025.") unless it
        # reads as a publisher ("Oxford University Press.") — decided on the text.
        s.add("container_title", "container_or_publisher", seg.value)
        s.add("type", "const", "article-journal")
        return

    s.add("type", "const", "webpage" if s.has("url") else "document")
