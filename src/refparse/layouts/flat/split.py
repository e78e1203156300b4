"""The flat layout's splitter: one reference per line, or per wrapped paragraph.

What users paste from a PDF, Word, PubMed or Google Scholar:

* **numbered** lists (``1.``, ``1 ``, ``[1]``, ``(1)``, ``1)`` at the start of
  a line): as on a journal page, the longest run of consecutive labels among
  the first few decides where the list starts, then each next number starts
  the next reference and any other line continues the current one (a
  wrapped line); a next number inside a line (references glued together)
  starts the next reference there;
* **unnumbered** lists (author–date, alphabetical): a line that starts with
  a name (or an organisation in capitals, or a same-author dash) starts a
  reference; a line that does not, after a line cut at the wrap width or
  ending in a hyphen, continues it. Blank lines between paragraphs separate
  references when the list has them.

Before the list: the preface (an abstract, a heading such as "References"
or "Referências"); after it, page furniture (``grammars/noise.txt``), both
kept out of the references as on a journal page. Lines are joined with a
space; a word cut by a hyphen at a line's end is rejoined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import pairwise

from ...noise import is_noise
from ...read import Line
from ..base import Block, Split
from .names import scan_authors
from .segment import SAME_AUTHOR

#: A label at a line's start: "12.", "12 ", "[12]", "(12)", "12)".
_LABEL = re.compile(r"(?:\[(\d{1,9})\]|\((\d{1,9})\)|(\d{1,9})(?:[.)](?!\d)|(?=\s)))(?:\s*(?=\S)|$)")
#: Numbers from here to 299 later are years, not labels, at a line's start.
_YEARLIKE = 1800
#: Headings that open a reference list; never references themselves.
_HEADING = re.compile(
    r"(?i)(?:\d+\.?\s*)?(?:references?(?: and notes)?|bibliography|bibliografia|bibliografía|literature cited"
    r"|literatur(?:verzeichnis)?|works cited|referências(?: bibliográficas)?|referencias(?: bibliográficas)?"
    r"|références(?: bibliographiques)?|riferimenti bibliografici|cited literature|sources)\s*:?"
)
#: A word in capitals then a comma or full stop: an ABNT surname or an organisation ("SILVA,", "BRASIL.",
#: "U.S. GENERAL ACCOUNTING OFFICE.").
_CAPS = r"[A-Z\u00c0-\u00de][A-Z\u00c0-\u00de'\u2019-]+"
_CAPS_START = re.compile(
    rf"(?:(?:[A-Z]\.){{1,3}} ?)?{_CAPS}(?: {_CAPS})*(?:, [A-Z\u00c0-\u00de](?:\.|[a-z\u00df-\u00ff]+)|\.)"
)


def label_of(text: str) -> tuple[int, int] | None:
    """The label number at a line's start and where its text begins, or ``None``."""
    first = text[:1]
    if first != "[" and first != "(" and not first.isdecimal():  # (what ``\d`` is): most lines open with none
        return None
    m = _LABEL.match(text)
    if m is None:
        return None
    return int(m.group(1) or m.group(2) or m.group(3)), m.end()  # (the one of the three that matched)


def is_heading(text: str) -> bool:
    """Whether a line is a reference list's heading ("References", "Referências bibliográficas")."""
    return len(text) <= 60 and _HEADING.fullmatch(text) is not None


def starts_reference(text: str) -> bool:
    """Whether a line can be the start of an unnumbered reference."""
    if SAME_AUTHOR.match(text) or _CAPS_START.match(text):
        return True
    names, end = scan_authors(text)
    if not names:
        return False
    # names up to the line's end start a reference only when the list goes on ("…, & Black, C.")
    return end < len(text.rstrip(" .")) or text.rstrip().endswith((",", "&", ";", " and")) or len(names) >= 4


def _cites(lines: Iterable[Line]) -> bool:
    """Whether lines cite something (a year, a date, an identifier) other than as page furniture."""
    return any(_CITED.search(line.text) and not is_noise(line.text) for line in lines)


def strong_start(text: str) -> bool:
    """Whether a line plainly starts a reference.

    Several names, names then a year or "et al.", or a surname, a comma and
    a given name or initials ("Butler, Jorge M.", "CRANK, J.") — not a
    word that merely could be a surname ("BMJ, 309").
    """
    if SAME_AUTHOR.match(text) or _CAPS_START.match(text):
        return True
    names, end = scan_authors(text)
    if not names:
        return False
    persons = sum(1 for p in names if p.text not in (",", ";", "&", "and", ", and"))
    comma_form = len(names) >= 3 and names[1].text == ","
    etal = "et al" in names[-1].text
    return persons >= 4 or comma_form or etal or _YEAR_SOON.match(text, end) is not None


#: A year just after the names: "(2010)", ", 2007.", ". 2010.".
_YEAR_SOON = re.compile(r"[.,]?\s*\(?(?:1[5-9]|20)\d\d[a-z]?\b")
#: What a line starts with when it goes on with the reference before: a note on access, a link's label.
_CONTINUING = re.compile(
    r"(?:Acesso em|Acessado em|Accessed|Consultado|Citado em|Retrieved|Dispon[íi]vel em|Available (?:from|at)"
    r"|doi:|DOI:|PMID|PMCID|ISBN|Epub|\[cited|\[Internet\]|<https?://)"
)
#: A line ending with a link or DOI.
_LINKED = re.compile(r"(?:https?://\S+|\b10\.\d{4,9}/\S+)$")
#: A line that ends a sentence or a reference: a full stop, a closing bracket, a digit, a link.
_FINISHED = re.compile(r"(?:[.)\]>]|\d|https?://\S+)$")
#: A line's end after which the reference goes on: a separator, or a word cut by the wrap.
_GOES_ON = re.compile(r"(?:[,&;:/-]|\band|\bet|\bIn|\bvol\.|(?<!\d )\bpp?\.|\bv\.|\bn\.)$")
#: Where a year, "n.d." or an identifier shows a block is a reference (not page furniture).
#: (Spelled out in both cases, not with re.I: case-folding every character made this test the splitter's
#: slowest, and it runs on every line. And the first characters of a year, "n.d.", "in press", "http" and
#: "doi" read first, each alternative after its own (a look-behind, with the ``\b`` before it): a pattern
#: that opens with a character set lets the engine skip to those, where alternatives that open with
#: ``\b`` are tried at every character.)
CITED = re.compile(
    r"[12NnSsIiHhDd](?:(?<=\b1)[5-9]\d\d[a-z]?\b|(?<=\b2)0\d\d[a-z]?\b|(?<=\b[NnSs])\.\s?[Dd]\."
    r"|(?<=\b[Ii])[Nn] [Pp][Rr][Ee][Ss][Ss]\b|(?<=[Hh])[Tt][Tt][Pp][Ss]?://|(?<=\b[Dd])[Oo][Ii]\b)"
)
_CITED = CITED


#: What a citation prints and prose seldom does: a volume–issue–pages group, "Place: Publisher, year",
#: "[Internet]", a volume or page label, a DOI.
_SHAPE = re.compile(
    r"\d+\s*\(\s*[\w\s.-]{1,12}\)\s*:\s*[A-Za-z]?\d|(?:1[5-9]|20)\d\d[a-z]?\s*;\s*\d+"
    r"|[A-Z][\w\u00c0-\u017f-]+: [A-Z][^.;:]{1,60}[,;] (?:1[5-9]|20)\d\d\b|\[Internet\]|\b(?:v|vol|pp?)\.\s?\d|\bdoi\b",
    re.I,
)


def _shaped(text: str) -> bool:
    """Whether a line is shaped like a citation (it cites a year and prints one of :data:`_SHAPE`)."""
    return _CITED.search(text) is not None and _SHAPE.search(text) is not None and not is_heading(text)


#: A line opening with an author–date reference's date: "(2013). World …", "(2008, May 3). …".
_DATE_FIRST = re.compile(r"\((?:1[5-9]|20)\d\d[a-z]?(?:, [^)]{1,30})?\)\.")


def _ends_cut(text: str) -> bool:
    """A line cut mid-word or mid-identifier: the next line continues it."""
    return text.endswith("-") or text.endswith("/")


def join_lines(lines: Iterable[Line]) -> tuple[str, list[int], list[int]]:
    """A reference's lines as one text; where each line starts in it, and its number.

    Lines are joined with a space; a line ending in a hyphen after a letter,
    followed by one starting with a lower-case letter, is a word cut in two
    and rejoined without the hyphen; after a slash or another hyphen, without
    a space (a URL or a hyphenated name).
    """
    out = ""
    starts: list[int] = []
    numbers: list[int] = []
    for number, text in lines:
        if out:
            if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and text[:1].islower():
                out = out[:-1]
            elif not _ends_cut(out):
                out += " "
        starts.append(len(out))
        numbers.append(number)
        out += text
    return out, starts, numbers


class FlatStream(Split):
    """Split a flat list's lines into reference blocks (see the module docstring).

    The first :attr:`window` lines decide whether the list is numbered and,
    when not, how its references are set apart (blank lines between them, a
    hanging indent, or neither); the rest streams, one reference held at a time.
    Lines arrive marked when indented (``iter_lines(..., indent=True)``).
    """

    #: Lines read before deciding how the list is laid out.
    window = 400

    def __init__(self, lines: Iterable[Line]) -> None:
        self._lines = iter(lines)
        self.preface: tuple[Line, ...] = ()
        self.noise: tuple[Line, ...] = ()
        self.restarts: list[int] = []
        self._indented: set[int] = set()

    def _clean(self, line: Line) -> Line:
        if line.text.startswith(" "):
            self._indented.add(line.number)
            return Line(line.number, line.text[1:])
        return line

    def __iter__(self) -> Iterator[Block]:
        head: list[Line] = []
        for line in self._lines:
            head.append(self._clean(line))
            if len(head) >= self.window:
                break
        rest = (self._clean(line) for line in self._lines)
        numbered = self._numbered_start(head)
        if numbered is not None:
            yield from self._ending(self._numbered(head, rest, numbered), labelled=True)
        else:
            yield from self._ending(self._unnumbered(head, rest), labelled=False)

    def _ending(self, blocks: Iterator[Block], labelled: bool) -> Iterator[Block]:
        """Blocks, with the page furniture after the last reference moved to :attr:`noise`.

        A reference ends at a blank line: what follows a blank line inside a
        block and cites nothing (no year, date or identifier) is held back,
        and so is an unlabelled block that cites nothing ("Supporting
        information"); held lines are given out again, in place, when a
        reference follows them, and are furniture when none does.
        """
        held: list[Block] = []
        last: Block | None = None
        for block in blocks:
            if not labelled and not _cites(block.lines):
                held.append(block)
                continue
            if last is not None:
                yield last
            yield from held
            held, last = [], block
        if last is not None:
            lines = list(last.lines)
            cut = next((i for i in range(1, len(lines)) if lines[i].number > lines[i - 1].number + 1), None)
            if cut is not None and not _cites(lines[cut:]):
                held.insert(0, Block(None, lines[cut].number, tuple(lines[cut:])))
                last = last._replace(lines=tuple(lines[:cut]))
            yield last
        trailing = [line for b in held for line in b.lines]
        self.noise = (*trailing, *self.noise)

    # ------------------------------------------------------------------ numbered
    def _numbered_start(self, head: list[Line]) -> tuple[int, int] | None:
        """(line index, number) where the longest run of consecutive labels starts, if it has two or more."""
        candidates: list[tuple[int, int]] = []
        for i, line in enumerate(head):
            found = label_of(line.text)
            if found is not None and not _YEARLIKE <= found[0] <= _YEARLIKE + 299:  # "(2008). A model …"
                candidates.append((i, found[0]))
        best: dict[int, tuple[int, int]] = {}  # number -> (run length, first index)
        top: tuple[int, int, int] | None = None  # (length, first index, first number)
        for i, n in candidates:
            length, first = best.get(n - 1, (0, i))
            length += 1
            if length >= best.get(n, (0, 0))[0]:
                best[n] = (length, first)
            if top is None or length > top[0]:
                top = (length, first, n - length + 1)
        if top is None or top[0] < 2:
            if top is not None and len(candidates) == 1 and (top[2] == 1 or top[1] == _first_text(head)):
                return top[1], top[2]  # one numbered reference ("[12] Parker R, …" pasted alone)
            return None
        return top[1], top[2]

    def _numbered(self, head: list[Line], rest: Iterator[Line], start: tuple[int, int]) -> Iterator[Block]:
        first, number = start
        self.preface = tuple(head[:first])
        body: list[Line] = []
        label_line = 0
        current: int | None = None
        for line in _chain(head[first:], rest):
            text = line.text
            found = label_of(text)
            expected = number if current is None else current + 1
            if found is not None and found[0] != expected and current is not None:
                found = _label_after_stray(text, expected) or found
            if found is not None and found[0] == expected:
                if current is not None:
                    yield from self._glued(current, label_line, body)
                current, label_line = expected, line.number
                body = [Line(line.number, text[found[1] :])] if found[1] < len(text) else []
            elif current is not None:
                body.append(line)
        if current is None:
            return
        while body and is_noise(body[-1].text):
            self.noise = (body.pop(), *self.noise)
        yield from self._glued(current, label_line, body)

    def _glued(self, number: int, label_line: int, body: list[Line]) -> Iterator[Block]:
        """The block, or several when the next numbers are glued into its lines ("… 2003. 2. Kim …")."""
        lines = list(body)
        while True:
            cut = _glued_label(lines, number + 1)
            if cut is None:
                yield Block(number, label_line, tuple(lines))
                return
            k, at, rest = cut
            head = [*lines[:k], Line(lines[k].number, lines[k].text[:at].rstrip())] if at else lines[:k]
            yield Block(number, label_line, tuple(x for x in head if x.text))
            number, label_line = number + 1, lines[k].number
            lines = [Line(lines[k].number, rest), *lines[k + 1 :]]

    # ------------------------------------------------------------------ unnumbered
    def _unnumbered(self, head: list[Line], rest: Iterator[Line]) -> Iterator[Block]:
        start = next((i for i, line in enumerate(head) if starts_reference(line.text) and not is_heading(line.text)),
                     None)
        if start is None:  # no line opens with names: organisations only ("Ministério da Saúde (BR). …")
            start = next((i for i, line in enumerate(head) if _shaped(line.text)), None)
        if start is None:
            self.preface = (*head, *rest)
            return
        start = _list_start(head, start)
        self.preface = tuple(head[:start])
        listed = head[start:]
        gaps = sum(1 for a, b in pairwise(listed) if b.number > a.number + 1)
        indented = sum(1 for line in listed if line.number in self._indented)
        paragraphs = gaps >= 2 and len(listed) > gaps + 1
        hanging = listed[0].number not in self._indented and indented >= max(2, len(listed) // 8)
        wrap = _wrap_width(listed)
        number = 0
        body: list[Line] = []
        previous: Line | None = None
        lines = _chain(listed, rest)
        upcoming = next(lines, None)
        while upcoming is not None:
            line, upcoming = upcoming, next(lines, None)
            if body and not self._continues(previous, line, wrap, paragraphs, hanging, upcoming):
                number += 1
                yield Block(number, body[0].number, tuple(body))
                body = []
            body.append(line)
            previous = line
        while body and is_noise(body[-1].text):
            self.noise = (body.pop(), *self.noise)
        if body:
            number += 1
            yield Block(number, body[0].number, tuple(body))

    def _continues(self, previous: Line | None, line: Line, wrap: int | None, paragraphs: bool,
                   hanging: bool, upcoming: Line | None = None) -> bool:
        """Whether ``line`` continues the reference ``previous`` belongs to.

        A blank line, or a hanging indent, says so outright. Otherwise: a line
        ending in a separator goes on; in wrapped text a line shorter than the
        wrap width ends its reference, and a full one goes on unless the next
        line plainly starts one (names then a year, after a finished sentence);
        in a list with one reference per line every line is a reference, but
        for one starting in lower case (a stray line break).
        """
        if previous is None:
            return False
        if line.number > previous.number + 1:  # a blank line between them
            return False
        if hanging:
            return line.number in self._indented
        if _GOES_ON.search(previous.text):
            return True
        names, end = scan_authors(previous.text)
        if names and end >= len(previous.text.rstrip(" .")):  # a line of names only: the title follows
            return True
        starts = starts_reference(line.text)
        finished = _FINISHED.search(previous.text) is not None
        if _CONTINUING.match(line.text):  # "Acesso em: 12 jan. 2013.", "doi: 10.1…", "[cited 2020 Mar 23]"
            return True
        if wrap is not None and _LINKED.search(previous.text) and line.text[:1].isupper():
            return False  # a reference's last element is its link
        if paragraphs:
            return not (starts and finished and strong_start(line.text))
        if wrap is not None:
            if finished and upcoming is not None and _DATE_FIRST.match(upcoming.text) and line.text.endswith("."):
                return False  # "United Nations, Department of …." then "(2013). World …": an author's line
            if len(previous.text) < wrap:  # the last line of its reference, unless this one cites nothing
                return not starts and (line.text[:1].islower() or not _cites([line]))
            return not (starts and finished and strong_start(line.text))
        return not starts and line.text[:1].islower()


def _first_text(head: list[Line]) -> int:
    """The index of the first line that is not a heading."""
    return next((i for i, line in enumerate(head) if not is_heading(line.text)), 0)


def _label_after_stray(text: str, expected: int) -> tuple[int, int] | None:
    """Label ``expected`` after a stray number a PDF put before it ("1 32. Centers …"), or ``None``."""
    m = re.match(rf"\d{{1,3}}\s+(?:\[{expected}\]|\({expected}\)|{expected}[.)])\s+(?=\S)", text)
    return (expected, m.end()) if m else None


def _list_start(head: list[Line], first: int) -> int:
    """Where an unnumbered list starts, given the first line that starts a reference by its names.

    A list may open with references whose authors are organisations ("World
    Health Organization. 2010. …"): the lines after the last heading or blank
    line before ``first`` belong to the list when they cite a year.
    """
    i = first
    while i > 0 and head[i - 1].number == head[i].number - 1 and not is_heading(head[i - 1].text):
        i -= 1
    if i > 0 and head[i].number > head[i - 1].number + 1 and all(_CITED.search(x.text) for x in head[i:first]):
        return i
    if i > 0 and is_heading(head[i - 1].text) and all(_CITED.search(x.text) for x in head[i:first]):
        return i
    return first


def _glued_label(lines: list[Line], number: int) -> tuple[int, int, str] | None:
    """Where label ``number`` starts a reference inside the block's lines: (line, offset, text after)."""
    pattern = re.compile(rf"(?<=[.\s])\s*(?:\[{number}\]|\({number}\)|{number}[.)])\s+(?=\S)")
    # a label prints the number then "]", ")" or "."; the search is left for the lines that hold one
    bracket, paren, dot = f"{number}]", f"{number})", f"{number}."
    for k, line in enumerate(lines):
        if bracket not in line.text and paren not in line.text and dot not in line.text:
            continue
        for m in pattern.finditer(line.text):
            before = line.text[: m.start()].rstrip()
            rest = line.text[m.end() :]
            if (not before or before[-1] in ".)]") and starts_reference(rest):
                return k, m.start(), rest
    return None


def _wrap_width(lines: list[Line]) -> int | None:
    """The width lines were wrapped at, when they were (else ``None``).

    Wrapped text has many lines of about the same, greatest length; a list
    with one reference per line has lengths all over the place.
    """
    lengths = sorted(len(line.text) for line in lines[:200])
    if len(lengths) < 4:
        return None
    top = lengths[int(len(lengths) * 0.9)]
    near = sum(1 for n in lengths if top - 12 <= n <= top + 2)
    return top - 12 if near >= len(lengths) * 0.35 and top <= 140 else None


def _chain(first: list[Line], rest: Iterator[Line]) -> Iterator[Line]:
    yield from first
    yield from rest
