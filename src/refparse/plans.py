"""Plans by reference shape: a memoiser around the parse stage, in memory and on disk.

The parse stage (:func:`refparse.parser.make_plan`) reads token *types*
only, so the :class:`~refparse.parts.Plan` for a reference depends only on
its shape (the tuple of its token types). A journal's list has few shapes;
this module runs the parse stage once per new shape and answers the rest
from a dictionary. It decides nothing itself: with the store empty the
results are the same, only slower.

The plans also persist in the cache folder (``plans.json``), so a later
process that meets only known shapes never loads the parser at all — which
matters for one-file conversions, where loading Lark and its tables is a
fifth of the run. The file carries a fingerprint of everything a plan
depends on (the grammar files and the modules of :data:`PLAN_MODULES`);
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
from pathlib import Path
from typing import Any

from . import __version__
from .grammar_files import cache_dir, grammar_dir
from .lexer import Tokens
from .parser import make_plan
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
            plan = make_plan(tokens)
            if not _state["new"]:
                atexit.register(_save)
            _state["new"] += 1
        if len(_PLANS) >= MAX_PLANS:
            for key in list(_PLANS)[: MAX_PLANS // 2]:
                del _PLANS[key]
        _PLANS[shape] = plan
    return plan


# --------------------------------------------------------------------------- on disk
#: The modules a stored plan depends on: those that make plans from token
#: types (grammar, assembler, fallback, the parse stage, this store) and those
#: that read them (the lexer, whose token types a plan is keyed by, and the
#: fill, whose builders a plan names). Any change to one of them, or to a
#: reference grammar, makes the stored plans invisible, never stale.
PLAN_MODULES = ("parts.py", "grammar.py", "assemble.py", "recover.py", "parser.py", "plans.py", "lexer.py", "fill.py")


def fingerprint() -> str:
    """A hash of everything a plan depends on, for the stored plans' validity."""
    digest = hashlib.sha256(__version__.encode())
    for grammar in sorted(grammar_dir().glob("*.lark")):
        digest.update(grammar.name.encode())
        digest.update(grammar.read_bytes())
    here = Path(__file__).parent
    for module in PLAN_MODULES:
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
