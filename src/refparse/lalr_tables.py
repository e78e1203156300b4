"""The reference grammar's LALR tables, analysed once and shipped with the package.

Why: analysing ``reference.lark`` into LALR tables takes about 0.3 s, more
than the rest of a one-reference conversion; a process that meets a new
shape with an empty cache folder paid it every time. The analysis depends
only on the grammar text, the parser options and the Lark version, so it is
done once (:func:`save_tables`, whose output is committed as
``grammars/reference.lalr.pickle`` and shipped in the wheel) and loaded with
Lark's own deserialiser, the one its ``cache=`` option uses.

The file starts with a fingerprint of what the tables were built from.
:func:`load_tables` refuses a file whose fingerprint differs (an edited
grammar, other options, another Lark), and the caller then analyses the
grammar itself as before: a stale file costs time, never a wrong parse. The
tests fail when the grammar changes and the file is not rebuilt::

    python -c "from refparse.grammar import save_reference_tables; save_reference_tables()"

It is a pickle, read only from the package's own folder (as trusted as the
code beside it), never from a folder another user could write to.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import pickle
from pathlib import Path
from types import ModuleType
from typing import Any

from lark import Lark
from lark import __version__ as lark_version
from lark.parser_frontends import ParsingFrontend
from lark.parsers.lalr_analysis import Action
from lark.parsers.lalr_parser import LALR_Parser, _Parser

from .grammar_files import grammar_dir

#: The shipped tables, beside the grammar they were analysed from.
TABLES = "reference.lalr.pickle"


def _option_text(options: dict[str, Any]) -> str:
    """The options as stable text: classes by their qualified name, not their address."""
    def show(value: Any) -> str:
        return f"{value.__module__}.{value.__qualname__}" if isinstance(value, type) else repr(value)

    return ";".join(f"{k}={show(v)}" for k, v in sorted(options.items()))


def grammar_fingerprint(grammar: str, options: dict[str, Any]) -> str:
    """A hash of the grammar text and the parser options the tables were analysed with."""
    return hashlib.sha256(f"{grammar}\0{_option_text(options)}".encode()).hexdigest()


def _stamp(grammar: str, options: dict[str, Any]) -> bytes:
    return f"{grammar_fingerprint(grammar, options)} lark-{lark_version}\n".encode()


def save_tables(grammar: str, options: dict[str, Any], path: Path | None = None) -> Path:
    """Analyse ``grammar`` and write its tables, behind their fingerprint, to ``path``.

    The parser is stored as the objects Lark's deserialiser makes (options, rules, lexer and
    parser settings, the parse table), so loading is one ``pickle.load`` (~6 ms) instead of
    Lark's rebuilding them from its serialised form (~30 ms).

    Returns:
        The file written (by default ``grammars/reference.lalr.pickle``).
    """
    target = path or grammar_dir() / TABLES
    buffer = io.BytesIO()
    Lark(grammar, **options).save(buffer)
    loaded = Lark.__new__(Lark)
    loaded._load(pickle.loads(buffer.getvalue()))  # the objects a cached Lark is made of
    loaded.parser.parser_conf.callbacks = {}  # the tree builder's closures: remade at load
    state = {
        "options": loaded.options,
        "rules": loaded.rules,
        "lexer_conf": loaded.lexer_conf,
        "parser_conf": loaded.parser.parser_conf,
        "table": loaded.parser.parser._parse_table,
    }
    out = io.BytesIO()
    _Pickler(out, protocol=4).dump(state)
    target.write_bytes(_stamp(grammar, options) + out.getvalue())
    return target


class _Pickler(pickle.Pickler):
    """Stores Lark's ``Shift``/``Reduce`` markers by name (the parser tests them with ``is``) and modules by name."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, Action):
            return obj.name  # a global of lark.parsers.lalr_analysis: the same object when loaded
        if isinstance(obj, ModuleType):
            return importlib.import_module, (obj.__name__,)
        return NotImplemented


def shipped_stamp(path: Path | None = None) -> str:
    """The first line of the shipped file: ``<grammar fingerprint> lark-<version>``."""
    with (path or grammar_dir() / TABLES).open("rb") as f:
        return f.readline().decode().strip()


def load_tables(grammar: str, options: dict[str, Any], transformer: Any, path: Path | None = None) -> Lark | None:
    """The parser from the shipped tables, or ``None`` when they were built from anything else.

    Args:
        grammar: the grammar text now in use.
        options: the options it is built with (as given to :func:`save_tables`).
        transformer: the transformer to run inside the parser.
        path: the tables file (the shipped one by default).

    Returns:
        A ready parser, or ``None`` for a missing, stale or unreadable file.
    """
    try:
        with (path or grammar_dir() / TABLES).open("rb") as f:
            if f.readline() != _stamp(grammar, options):
                return None
            state = pickle.load(f)
        return _assemble(state, transformer)
    except Exception:  # any failure means "analyse the grammar", as Lark's cache does
        return None


def _assemble(state: dict[str, Any], transformer: Any) -> Lark:
    """A Lark parser from stored parts, step by step as ``Lark._load`` assembles a cached one.

    Only the parse tree builder's callbacks are made here: they close over the transformer.
    """
    for rule in state["rules"]:  # hashes of strings differ between processes
        rule._hash = hash((rule.origin, tuple(rule.expansion)))
    parser = Lark.__new__(Lark)
    options = parser.options = state["options"]
    options.transformer = transformer
    parser.rules = state["rules"]
    parser.source_path = "<deserialized>"
    parser.lexer_conf = state["lexer_conf"]
    parser.terminals = parser.lexer_conf.terminals
    parser._prepare_callbacks()
    parser._terminals_dict = {t.name: t for t in parser.terminals}
    parser_conf = state["parser_conf"]
    parser_conf.callbacks = parser._callbacks
    lalr_class = options._plugins.get("LALR_Parser") or LALR_Parser
    lalr = lalr_class.__new__(lalr_class)
    lalr._parse_table = state["table"]
    lalr.parser = _Parser(lalr._parse_table, parser._callbacks, options.debug)
    parser.parser = ParsingFrontend(parser.lexer_conf, parser_conf, options, parser=lalr)
    return parser
