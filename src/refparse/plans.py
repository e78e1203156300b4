"""Plans by reference shape: made once, kept in memory and on disk.

The grammar, the assembler and the fallback read token *types* only, so the
:class:`~refparse.parts.Plan` for a reference depends only on its shape (the
tuple of its token types). A journal's list has few shapes; this module runs
the LALR parser once per new shape and answers the rest from a dictionary.

The plans also persist in the cache folder (``plans.json``), so a later
process that meets only known shapes never loads the parser at all — which
matters for one-file conversions, where loading Lark and its tables is a
fifth of the run. The file carries a fingerprint of everything a plan
depends on (the grammar file and the modules that turn parses into plans);
any change to those makes the stored plans invisible, never wrong. It is
JSON, not pickle: a cache file must not be able to run code; and each plan
is kept as its own JSON text, decoded the first time its shape is met, so
reading a store of thousands of plans costs milliseconds.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import __version__
from .grammar_files import cache_dir, grammar_dir
from .lexer import Tokens
from .parts import Plan, Rejection

#: Plans kept in memory. When full, the oldest half is dropped, so memory
#: stays flat on any input.
MAX_PLANS = 20_000
#: Plans kept on disk (the newest); loading them must stay cheaper than the parser.
MAX_STORED = 4_000
#: Longest shape (tokens) stored on disk: one odd input (a "reference" of 100,000 lines) must
#: not leave a plan that every later process loads at start; such shapes never recur anyway.
MAX_STORED_SHAPE = 1_000

_PLANS: dict[tuple[str, ...], Plan] = {}
#: Plans read from the store and not yet needed, each still as its JSON text,
#: keyed by its shape's token types joined by spaces: a plan is decoded the
#: first time its shape is met. The store is a list of (shape, text) string
#: pairs, so reading it makes two strings per plan — a few milliseconds —
#: instead of the thousands of small lists and dicts of every plan, most of
#: which a run never needs; and no tuple per stored shape (a store of long
#: shapes held that way took 40 MB).
_STORED: dict[str, str] = {}
_state = {"loaded": False, "new": 0}


def plan_for(tokens: Tokens) -> Plan:
    """The field plan for a reference, made only when its shape is new.

    Args:
        tokens: the reference's tokens.

    Returns:
        Its :class:`~refparse.parts.Plan`.
    """
    if not _state["loaded"]:
        _load()
    shape = tokens.types
    plan = _PLANS.get(shape)
    if plan is None:
        row = _STORED.pop(" ".join(shape), None) if _STORED else None
        plan = _from_row(row) if row is not None else None
        if plan is None:
            plan = _make_plan(tokens)
            if not _state["new"]:
                atexit.register(_save)
            _state["new"] += 1
        if len(_PLANS) >= MAX_PLANS:
            for key in list(_PLANS)[: MAX_PLANS // 2]:
                del _PLANS[key]
        _PLANS[shape] = plan
    return plan


def _make_plan(tokens: Tokens) -> Plan:
    # Imported here: only a new shape needs the parser (and Lark).
    from lark.exceptions import UnexpectedToken

    from .assemble import assemble
    from .grammar import parse_tokens
    from .recover import recover

    if not tokens.types:
        return Plan((), failed=True, reason="the reference has no text")
    try:
        children, rejections = parse_tokens(tokens.toks())
    except UnexpectedToken as e:
        if e.token.type == "$END":
            return recover(tokens.types, "not parsed: the reference ends too early")
        plan = recover(tokens.types, None)
        return plan._replace(failed_at=Rejection(e.token.index, tuple(sorted(e.expected))))
    plan = assemble(children)._replace(rejections=tuple(rejections))
    return plan._replace(unplaced=unplaced(plan, tokens.types))


#: Token types that mark content rather than carry it: punctuation, and
#: labels whose meaning the plan's structure already holds ("doi:" before a
#: DOI, "pp." before pages, "et al" as the truncated-list flag, "In:").
MARKERS = frozenset({
    "DOT", "COMMA", "SEMI", "COLON", "LPAR", "RPAR", "DASH", "QUOTE", "AND", "QMARK", "SLASH", "NOISE",
    "ETAL", "IN", "EDS", "DOIKW", "PMIDKW", "PP", "ARTNO", "NO", "VOL", "AVAIL", "ND",
})


def unplaced(plan: Plan, types: tuple[str, ...]) -> tuple[int, ...]:
    """Positions of content tokens that no step of ``plan`` reads and the grammar did not reject.

    Builder arguments are token positions (ints, possibly nested in tuples);
    ``const`` steps hold values, not positions.
    """
    used: set[int] = {r.at for r in plan.rejections}
    for _, builder, args in plan.steps:
        if builder != "const":
            used.update(_positions(args))
    return tuple(i for i, t in enumerate(types) if i not in used and t not in MARKERS)


def _positions(value: Any) -> Iterator[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _positions(item)


def unexpected(tokens: Tokens, i: int, expected: tuple[str, ...]) -> str:
    """One sentence about a rejected token: what, where, and what was expected."""
    text = f"unexpected {tokens.types[i].lower()} {tokens.values[i]!r} at line {tokens.lines[i]}"
    return f"{text} (expected {', '.join(expected[:6])})" if expected else f"{text} (cut from the end)"


# --------------------------------------------------------------------------- on disk
def fingerprint() -> str:
    """A hash of everything a plan depends on, for the stored plans' validity."""
    digest = hashlib.sha256(__version__.encode())
    digest.update((grammar_dir() / "reference.lark").read_bytes())
    here = Path(__file__).parent
    for module in ("parts.py", "grammar.py", "assemble.py", "recover.py", "plans.py"):
        digest.update((here / module).read_bytes())
    return digest.hexdigest()


def _store() -> Path | None:
    if os.environ.get("REFPARSE_NO_PLAN_CACHE"):
        return None
    folder = cache_dir()
    return folder / "plans.json" if folder else None


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _read(path: Path, stamp: str) -> dict[str, str]:
    """The stored plans' texts by joined shape; none when the file is missing, foreign, stale or damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("fingerprint") != stamp:
            return {}
        return {shape: row for shape, row in data["plans"] if isinstance(shape, str) and isinstance(row, str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return {}  # a missing, foreign or damaged file is simply no plans


def _from_row(text: str) -> Plan | None:
    """A plan from its stored text; ``None`` for a damaged one (the parser then makes the plan)."""
    try:
        row = json.loads(text)
        return Plan(
            steps=_tuples(row["steps"]),
            rejections=tuple(Rejection(at, tuple(exp)) for at, exp in row["rejections"]),
            failed=row["failed"],
            reason=row["reason"],
            failed_at=Rejection(row["failed_at"][0], tuple(row["failed_at"][1])) if row.get("failed_at") else None,
            unplaced=tuple(row.get("unplaced", ())),
        )
    except (KeyError, TypeError, ValueError, IndexError, RecursionError):
        return None


def _row(plan: Plan) -> str:
    """A plan's stored text (see :data:`_STORED`)."""
    fields = {
        "steps": plan.steps,
        "rejections": plan.rejections,
        "failed": plan.failed,
        "reason": plan.reason,
        "failed_at": plan.failed_at,
        "unplaced": plan.unplaced,
    }
    return json.dumps(fields, separators=(",", ":"))


def load() -> None:
    """Read the plan store now (it is read on first use otherwise).

    The batch converter calls this before it forks its workers, so that
    they share one reading instead of each making its own.
    """
    if not _state["loaded"]:
        _load()


def _load() -> None:
    _state["loaded"] = True
    path = _store()
    if path is not None and path.exists():
        _STORED.update(_read(path, fingerprint()))


def _save() -> None:
    """Merge this process's new plans into the file, atomically; best effort."""
    path = _store()
    if path is None or not _state["new"]:
        return
    try:
        stamp = fingerprint()
        merged = _read(path, stamp) if path.exists() else {}
        merged.update(_STORED)  # read at start and not needed since: still worth keeping
        merged.update((" ".join(shape), _row(p)) for shape, p in _PLANS.items() if len(shape) <= MAX_STORED_SHAPE)
        rows = [[shape, row] for shape, row in merged.items() if shape.count(" ") < MAX_STORED_SHAPE]
        payload = {"fingerprint": stamp, "plans": rows[-MAX_STORED:]}
        fd, tmp = tempfile.mkstemp(prefix=".plans.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(payload, f, separators=(",", ":"))
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass  # the store is a speed-up; an unwritable folder only costs the parser later
