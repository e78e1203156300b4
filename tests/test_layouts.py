"""The layout seam: one registry of input formats, asked by detection, pipeline and batch.

Also the grammar's LALR conflicts, counted: every shift/reduce conflict Lark
resolves silently is listed in ``fixtures/reference-lark-conflicts.tsv``, so a new one
is a reviewed decision, not an accident.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable

import pytest

from conftest import FIXTURES, check_golden
from refparse import layouts, lexer
from refparse.detect import detect_format, parse_any
from refparse.errors import InputError, OptionError
from refparse.layouts.base import Block, Layout, Lexed, Split
from refparse.pipeline import CitationStream, parse
from refparse.read import Line


def test_every_format_is_in_the_registry() -> None:
    assert layouts.names()[:2] == ("card", "linebroken")
    assert all(layouts.get(name).name == name for name in layouts.names())
    assert [f.name for f in layouts.layouts()] == [n for n in layouts.names() if n != "card"]
    with pytest.raises(OptionError, match="unknown input format 'nope'"):
        layouts.get("nope")


def test_the_surest_format_wins_and_nothing_is_an_error() -> None:
    assert detect_format((FIXTURES / "seed000.txt").read_text(encoding="utf-8")) == "linebroken"
    assert detect_format((FIXTURES / "card001.txt").read_text(encoding="utf-8")) == "card"
    with pytest.raises(InputError, match=r"not a known input format \(tried: card, linebroken"):
        detect_format("just prose\nmore prose\n")


class _Lines(Split):
    """Every line is a reference (a toy layout for the seam)."""

    def __init__(self, lines: Iterable[Line]) -> None:
        self._lines = lines
        self.restarts: list[int] = []

    def __iter__(self):  # type: ignore[no-untyped-def]
        for line in self._lines:
            yield Block(line.number, line.number, (line,))


class _Toy(Layout):
    name = "toy"
    best = 5.0

    def recognise(self, text: str) -> float:
        return 5.0 if text.startswith("TOY") else 0.0

    def split(self, lines: Iterable[Line]) -> Split:
        return _Lines(line for line in lines if line.text != "TOY")

    def tokenize(self, block: Block) -> Lexed:
        words = block.lines[0].text.split("|")
        starts, pos = [], 0
        for w in words:
            starts.append(pos)
            pos += len(w) + 1
        raw = block.lines[0].text.replace("|", " ")
        return Lexed(raw, lexer.tokens(words), starts, words, [block.label_line] * len(words))


def test_the_registry_knows_each_formats_best_without_importing_it() -> None:
    # detection orders the formats by the registry's copy of ``best`` and imports a format
    # only when it is asked; the copy must be the format's own
    assert [entry[3] for entry in layouts._ENTRIES] == [layouts.get(name).best for name in layouts.names()]


def test_a_new_layout_is_one_registry_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    module = types.ModuleType("toy_layout")
    module.LAYOUT = _Toy()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "toy_layout", module)
    monkeypatch.setattr(layouts, "_ENTRIES", (*layouts._ENTRIES, ("toy", "toy_layout", "LAYOUT", _Toy.best)))
    layouts.get.cache_clear()
    try:
        text = "TOY\nGupta|S|.|A title of a study|.|Blood|.|2020|.\n"
        assert detect_format(text) == "toy"  # detection, parse_any and parse never name a layout
        result = parse_any(text)
        assert result.format == "toy" and parse(text).format == "toy"
        (c,) = result.citations
        assert (c.authors[0].family, c.title, c.container_title, c.year) == ("Gupta", "A title of a study", "Blood", 2020)
        assert c.raw == "Gupta S . A title of a study . Blood . 2020 ."
        assert [x.title for x in CitationStream(text, "toy")] == ["A title of a study"]
    finally:
        layouts.get.cache_clear()


def test_a_document_format_is_not_a_stream() -> None:
    with pytest.raises(OptionError, match="not a reference-list layout"):
        CitationStream("x", "card")


def test_lalr_conflicts_are_counted_and_listed() -> None:
    from lark import Lark
    from lark import logger as lark_logger

    from refparse.grammar import _TokenStream
    from refparse.grammar_files import grammar_dir

    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    level = lark_logger.level
    lark_logger.addHandler(handler)
    lark_logger.setLevel(logging.DEBUG)
    try:
        Lark((grammar_dir() / "reference.lark").read_text(encoding="utf-8"), parser="lalr", lexer=_TokenStream,
             debug=True)
    finally:
        lark_logger.removeHandler(handler)
        lark_logger.setLevel(level)
    lines = buffer.getvalue().splitlines()
    conflicts = []
    for head, rule in zip(lines[::2], lines[1::2], strict=True):
        assert head.startswith("Shift/Reduce conflict for terminal ") and head.endswith(": (resolving as shift)")
        conflicts.append(f"{head.split()[-4].rstrip(':')}\t{rule.strip(' *')}")
    listed = "".join(f"{c}\n" for c in sorted(conflicts))
    check_golden(FIXTURES / "reference-lark-conflicts.tsv", listed)  # 131 today (some in several parser states)


@pytest.mark.parametrize(("first", "label"), [(999_990, "{}."), (99_999_990, "[{}]")])
def test_labels_past_a_million_start_references(first: int, label: str) -> None:
    """A page numbered from 999,991 keeps all 68 references, each as it parses numbered from 1.

    Why: labels of seven digits once folded into the reference before them, which
    gained a false PMID and phantom editors (issue 19).
    """
    import re

    text = (FIXTURES / "seed000.txt").read_text(encoding="utf-8")
    renumbered = re.sub(r"(?m)^(\d{1,2})\.$", lambda m: label.format(int(m.group(1)) + first), text)
    plain, shifted = parse(text).citations, parse(renumbered).citations
    assert [c.number for c in shifted] == [n + first for n in range(1, 69)]
    assert [c.model_copy(update={"number": c.number - first, "span": None}) for c in shifted] == [
        c.model_copy(update={"span": None}) for c in plain]


def test_surnames_in_capitals_after_dotted_initials_on_a_page() -> None:
    """``ALI, S., KHAN, N.`` (Harvard in capitals, SciELO): KHAN is a surname, not initials."""
    elements = ["ALI", ",", "S.", ",", "KHAN", ",", "N.", ",", "NOUROZ", ",", "F.", "and", "SHAHID", ",", "M.A.",
                ",", "2018.", "In vitro effects of GA3 on morphogenesis of potato explants", ".",
                "In Vitro Cellular & Developmental Biology", ",", "vol.", "54", ",", "no.", "1", ",", "pp.",
                "104-111", "."]
    page = "1.\n" + "\n".join(elements) + "\n2.\n" + "\n".join(elements) + "\n"
    c = parse(page, "linebroken").citations[0]
    assert [(p.family, p.given) for p in c.authors] == [("Ali", "S."), ("Khan", "N."), ("Nouroz", "F."),
                                                        ("Shahid", "M.A.")]
    assert (c.title, c.container_title, c.volume, c.year, c.status) == (
        "In vitro effects of GA3 on morphogenesis of potato explants", "In Vitro Cellular & Developmental Biology",
        "54", 2018, "parsed")


def test_a_page_of_long_elements_is_line_broken_by_its_text_nodes() -> None:
    """A reference whose elements are long lines (untagged text) is still a page when a line opens
    with a mark: the text node between two elements (found by hypothesis in tests/fuzz)."""
    page = ("1.\nWorld Health Organization. Parties to the WHO Framework Convention on Tobacco Control: United "
            "Nations; 2016. Available:\nhttp://www.who.int/fctc/signatories_parties/en/\n. Accessed 4 February 2016.\n")
    result = parse_any(page)
    assert result.format == "linebroken" and len(result.citations) == 1
    assert result.citations[0].url == "http://www.who.int/fctc/signatories_parties/en/"
