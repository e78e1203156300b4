"""The LALR tables shipped beside the grammar: current, equal to a fresh analysis, refused when stale.

The shipped file saves every new process the grammar's analysis; these tests keep it from
going stale without anyone noticing. After editing ``grammars/reference.lark`` rebuild it::

    python -c "from refparse.grammar import save_reference_tables; save_reference_tables()"
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

import pytest
from lark import Lark
from lark import __version__ as lark_version

from refparse import grammar, lalr_tables
from refparse.grammar_files import grammar_dir

REBUILD = 'python -c "from refparse.grammar import save_reference_tables; save_reference_tables()"'


def _grammar() -> str:
    return (grammar_dir() / "reference.lark").read_text(encoding="utf-8")


def _canonical(parser: Lark) -> list[list[tuple[str, str, Any]]]:
    """The parse table with states numbered in the order a walk from the start meets them.

    The analysis numbers states in an order that varies between processes (it walks sets of
    strings); two tables are the same automaton when this walk makes the same lists.
    """
    table = parser.parser.parser._parse_table  # type: ignore[attr-defined]
    (start,) = table.start_states.values()
    number = {start: 0}
    todo, out = deque([start]), []
    while todo:
        row = []
        for token, (action, arg) in sorted(table.states[todo.popleft()].items()):
            if action.name == "Shift":
                if arg not in number:
                    number[arg] = len(number)
                    todo.append(arg)
                row.append((token, "shift", number[arg]))
            else:
                row.append((token, "reduce", (arg.origin.name, tuple(s.name for s in arg.expansion), arg.alias)))
        out.append(row)
    assert len(number) == len(table.states)
    return out


def test_the_shipped_tables_were_analysed_from_the_grammar_as_it_is() -> None:
    fingerprint, _, built_with = lalr_tables.shipped_stamp().partition(" ")
    assert fingerprint == lalr_tables.grammar_fingerprint(_grammar(), grammar._options()), (
        f"grammars/{lalr_tables.TABLES} is stale: the grammar or its options changed; rebuild it with {REBUILD}")
    assert built_with == f"lark-{lark_version}", f"built with {built_with}; rebuild it with {REBUILD}"


def test_the_shipped_tables_are_the_grammars_own_analysis() -> None:
    shipped = lalr_tables.load_tables(_grammar(), grammar._options(), grammar.PartsTransformer())
    assert shipped is not None
    fresh = Lark(_grammar(), **grammar._options())
    assert _canonical(shipped) == _canonical(fresh)


@pytest.mark.parametrize("damage", ["other grammar", "garbage", "missing"])
def test_stale_or_damaged_tables_are_refused(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "tables.pickle"
    if damage == "other grammar":
        lalr_tables.save_tables(_grammar() + "\n// an edit\n", grammar._options(), path)
    elif damage == "garbage":
        path.write_bytes(lalr_tables.shipped_stamp().encode() + b"\nnot a pickle")
    assert lalr_tables.load_tables(_grammar(), grammar._options(), None, path) is None


def test_without_current_tables_the_parser_analyses_the_grammar(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from refparse.lexer import tokens as lex

    tokens = lex(["Gupta", "S", ".", "A title of a study", ".", "Blood", ".", "2020", ";", "1", ":", "2", "."]).toks()
    expected = grammar.parse_tokens(tokens)
    stale = tmp_path / "stale.pickle"
    lalr_tables.save_tables(_grammar() + "\n// an edit\n", grammar._options(), stale)
    monkeypatch.setattr(lalr_tables, "TABLES", str(stale))  # an absolute path: grammar_dir() / it is it
    monkeypatch.setenv("REFPARSE_CACHE_DIR", str(tmp_path / "cache"))
    grammar.reference_parser.cache_clear()
    try:
        assert grammar.parse_tokens(tokens) == expected
        assert grammar.reference_parser().source_path != "<deserialized>"  # analysed here, not loaded
    finally:
        grammar.reference_parser.cache_clear()
