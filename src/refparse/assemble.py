"""Stage 3c — assemble: the grammar's parts, in order, become citation fields.

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

These rules are small and pure; each is covered by a test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lark import Token

from . import normalize as nz
from .grammar import Part


@dataclass
class _Fields:
    """Mutable scratch space for one reference; becomes a Citation dict."""

    data: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def set(self, key: str, value: Any) -> None:
        if value not in (None, "", ()) and key not in self.data:
            self.data[key] = value

    def warn(self, code: str, message: str, line: int | None = None) -> None:
        self.warnings.append({"code": code, "message": message, "line": line})


# --------------------------------------------------------------------------- names
def person(value: dict[str, Any]) -> dict[str, Any]:
    """A person part from the grammar as Person fields.

    Args:
        value: ``family``/``given``/``particle``/``suffix`` as printed, or
            ``particle``/``glued`` for a surname glued to its initials.

    Returns:
        Fields for :class:`refparse.models.Person`.
    """
    if "glued" in value:
        family, given = nz.split_glued(value["glued"])
        printed_particle = value.get("particle")
    else:
        family, given = value.get("family") or "", value.get("given")
        printed_particle = value.get("particle")
    family = family.strip()
    if printed_particle:
        family = f"{printed_particle.strip()} {family}".strip()
    particle, core = nz.split_particle(family)
    if given:
        given = given.strip().rstrip(",")
    out: dict[str, Any] = {"kind": "person", "family": core or family}
    if particle:
        out["particle"] = particle
    if given:
        out["given"] = given
        out["initials"] = nz.initials(given)
    sfx = nz.suffix(value.get("suffix"))
    if sfx:
        out["suffix"] = sfx
    return out


def names(parts: list[Part]) -> list[dict[str, Any]]:
    """Persons and organizations from name parts, in printed order."""
    out = []
    for p in parts:
        if p.kind == "person":
            out.append(person(p.value))
        elif p.kind == "organization" and p.value:
            out.append({"kind": "organization", "name": nz.nfc(str(p.value))})
    return out


# --------------------------------------------------------------------------- dates
def pub_date(year_text: str | None, month_text: str | None = None) -> dict[str, Any] | None:
    """A PubDate dict from a printed year (``2011a``) and month (``Mar 15``)."""
    parsed = nz.year(year_text)
    if not parsed:
        return None
    y, suffix = parsed
    out: dict[str, Any] = {"year": y}
    if suffix:
        out["year_suffix"] = suffix
    m = nz.month(month_text)
    if m:
        out["month"] = m
        d = nz.day(month_text)
        if d:
            out["day"] = d
    printed = " ".join(x for x in (year_text, month_text) if x)
    out["printed"] = printed
    return out


# --------------------------------------------------------------------------- pages
def pages(first: str | None, last: str | None, whole: str | None = None) -> dict[str, Any] | None:
    """A Pages dict; ``whole`` is a range printed as one element (``223–224``)."""
    if whole:
        first, last = nz.split_range(whole)
    if not first:
        return None
    printed = f"{first}-{last}" if last else first
    out: dict[str, Any] = {"first": first, "printed": printed}
    if last:
        out["last"] = nz.expand_last_page(first, last)
    return out


def _apply_pub(f: _Fields, pub: dict[str, Any], author_year: bool) -> None:
    shape = pub.get("shape")
    year_text = pub.get("year")
    if year_text and shape in ("year_pages", "year_only") and author_year and not pub.get("month"):
        # Author–year styles print the year after the names; a year-shaped
        # number after the journal is then its volume ("J Allergy 2012: 316049").
        f.set("volume", year_text)
    elif year_text:
        f.set("date", pub_date(year_text, pub.get("month")))
    if pub.get("volume"):
        volume = pub["volume"]
        issue_text, supplement = nz.issue(volume)
        if supplement is not None and volume.split()[0].isdigit():
            f.set("volume", volume.split()[0])
            f.set("issue", issue_text.split(" ", 1)[1] if " " in issue_text else issue_text)
            f.set("supplement", supplement or None)
        else:
            f.set("volume", volume)
    if pub.get("issue"):
        issue_text, supplement = nz.issue(pub["issue"])
        f.set("issue", issue_text)
        f.set("supplement", supplement or None)
    p = pages(pub.get("first_page"), pub.get("last_page"), pub.get("page_range"))
    if p:
        f.set("pages", p)
    f.set("article_number", pub.get("article_number"))


# --------------------------------------------------------------------------- the reference
def _conference(f: _Fields, text: str, rest: list[Any]) -> None:
    """Event title, date and place from "Paper presented at: EHA Library; 13 June 2024; Madrid"."""
    pieces = [nz.strip_edge_punct(p) for p in text.split(";")]
    event: dict[str, Any] = {"title": pieces[0] or None}
    date_bits = [p for p in pieces[1:] if p]
    year_text = None
    place = None
    session = None
    for item in rest:
        if isinstance(item, Part) and item.kind == "pub" and item.value.get("year") and not year_text:
            year_text = item.value["year"]
        elif isinstance(item, Part) and item.kind == "segment":
            seg = nz.strip_edge_punct(item.value)
            if place is None and not seg.lower().startswith(("session", "abstract", "poster")):
                place = seg
            else:
                session = seg
    date = " ".join([*date_bits, year_text] if year_text else date_bits) or None
    event["date"] = date
    event["place"] = place
    event["session"] = session
    f.set("event", {k: v for k, v in event.items() if v})
    f.set("type", "paper-conference")
    if year_text:
        f.set("date", pub_date(year_text, date_bits[0] if date_bits else None))


def assemble(children: list[Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Citation fields from the parts of one parsed reference.

    Args:
        children: what the grammar's ``start`` rule returned: parts and the
            separator tokens between them, in order.

    Returns:
        ``(fields, warnings)`` ready for :class:`refparse.models.Citation`.
    """
    f = _Fields()
    items = list(children)
    parts = [c for c in items if isinstance(c, Part)]
    author_year = any(p.kind == "date_early" for p in parts)

    for p in parts:
        if p.kind == "contributors":
            f.set("authors", tuple(names(p.value["names"])))
            if p.value["et_al"]:
                f.set("et_al", True)
        elif p.kind == "date_early":
            _date_part(f, p)
        elif p.kind == "title":
            f.set("title", nz.nfc(p.value))

    conference = next((i for i, c in enumerate(items) if isinstance(c, Part) and c.kind == "conference"), None)
    if conference is not None:
        _conference(f, items[conference].value, items[conference + 1 :])
        items = items[:conference]

    chapter = next((i for i, c in enumerate(items) if isinstance(c, Part) and c.kind == "chapter_in"), None)
    segments: list[tuple[Part, Any]] = []  # (segment, the token after it)
    for i, c in enumerate(items):
        if isinstance(c, Part) and c.kind == "segment":
            nxt = items[i + 1] if i + 1 < len(items) else None
            segments.append((c, nxt))

    journal_like = False
    for i, c in enumerate(items):
        if not isinstance(c, Part):
            continue
        if c.kind == "pub":
            has_numbers = any(c.value.get(k) for k in ("volume", "issue", "first_page", "page_range", "article_number"))
            journal_like = journal_like or (has_numbers and c.value.get("shape") != "pages")
            _apply_pub(f, c.value, author_year)
        elif c.kind == "journal_pages":
            journal_like = True
            f.set("container_title", nz.nfc(c.value["journal"]))
            _apply_pub(f, c.value, author_year)
        elif c.kind == "date_late":
            _date_part(f, c)
        elif c.kind == "place_publisher":
            f.set("publisher_place", nz.nfc(c.value["place"]))
            f.set("publisher", nz.nfc(c.value["publisher"]))
        elif c.kind == "edition":
            f.set("edition", c.value)
        elif c.kind == "doi":
            f.set("doi", nz.doi(c.value))
        elif c.kind == "pmid":
            f.set("pmid", nz.pmid(c.value))
        elif c.kind == "pmcid":
            f.set("pmcid", nz.pmcid(c.value))
        elif c.kind == "url":
            value = nz.url(c.value)
            if value and "doi.org/10." in value and not f.data.get("doi"):
                f.set("doi", nz.doi(value))
            f.set("url", value)
        elif c.kind == "isbn":
            f.set("isbn", nz.isbn(c.value))
        elif c.kind == "accessed":
            f.set("accessed", nz.strip_edge_punct(c.value))
        elif c.kind == "genre":
            f.set("genre", nz.strip_edge_punct(c.value))
        elif c.kind == "status":
            f.set("note", c.value)
        elif c.kind == "arxiv":
            f.set("note", c.value)

    _roles(f, items, segments, chapter, journal_like)
    return f.data, f.warnings


def _date_part(f: _Fields, p: Part) -> None:
    value = p.value
    if value.get("year"):
        f.set("date", pub_date(value["year"], value.get("month")))
    elif value.get("status"):
        f.set("note", value["status"])


def _roles(
    f: _Fields,
    items: list[Any],
    segments: list[tuple[Part, Any]],
    chapter: int | None,
    journal_like: bool,
) -> None:
    """Give the plain segments their roles and choose the item type."""
    if f.data.get("type") == "paper-conference":
        return
    editors = [c for c in items if isinstance(c, Part) and c.kind == "person"]
    if editors:
        f.set("editors", tuple(names(editors)))
    if chapter is not None:
        after = [(s, nxt) for s, nxt in segments if items.index(s) > chapter]
        if after:
            f.set("container_title", nz.nfc(after[0][0].value))
            rest = [nz.nfc(s.value) for s, _ in after[1:]]
            if rest and "publisher" not in f.data:
                f.set("publisher", rest[0])
                if len(rest) > 1:
                    f.set("publisher_place", rest[1])
        f.set("type", "chapter")
        return

    texts = [(s, nxt) for s, nxt in segments]
    if journal_like or "container_title" in f.data:
        # The journal: the last segment before the first numbers group.
        first_pub = next(
            (i for i, c in enumerate(items) if isinstance(c, Part) and c.kind in ("pub", "journal_pages")),
            len(items),
        )
        before = [s for s, _ in texts if items.index(s) < first_pub]
        if before and "container_title" not in f.data:
            f.set("container_title", nz.nfc(before[-1].value))
        f.set("type", "article-journal")
        return

    genre = (f.data.get("genre") or "").lower()
    if "thesis" in genre or "dissertation" in genre:
        f.set("type", "thesis")
        if texts:
            f.set("publisher", nz.nfc(texts[0][0].value))
        return

    if "publisher" in f.data or any(p.kind == "pages_count" for p in items if isinstance(p, Part)):
        f.set("type", "book")
        for s, _ in texts:
            if "publisher" not in f.data:
                f.set("publisher", nz.nfc(s.value))
        return

    if texts:
        seg, nxt = texts[0]
        year_follows = _year_after(items, seg)
        is_publisher = isinstance(nxt, Token) and nxt.type in ("SEMI", "COMMA") and year_follows
        if len(texts) >= 2 and not journal_like:
            # "Title. Place. Publisher." or "Title. Publisher, Place." — a book
            f.set("type", "book")
            f.set("publisher", nz.nfc(texts[-1][0].value))
            f.set("publisher_place", nz.nfc(texts[0][0].value))
            return
        if is_publisher:
            f.set("type", "book")
            f.set("publisher", nz.nfc(seg.value))
            return
        if f.data.get("date") or year_follows:
            f.set("container_title", nz.nfc(seg.value))
            f.set("type", "article-journal")
            return
        f.set("container_title", nz.nfc(seg.value))
        f.set("type", "article-journal")
        return

    if f.data.get("url"):
        f.set("type", "webpage")
    else:
        f.set("type", "document")


def _year_after(items: list[Any], seg: Part) -> bool:
    i = items.index(seg)
    for c in items[i + 1 :]:
        if isinstance(c, Part):
            return c.kind == "pub" and bool(c.value.get("year"))
    return False
