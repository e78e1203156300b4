"""Catastrophic-backtracking audit of every regular expression in ``src/refparse``.

Run from the repository root (a minute or two; standard library and refparse only)::

    python benchmarks/limits/regex_audit.py            # the table of every pattern, flagged ones marked
    python benchmarks/limits/regex_audit.py --flagged  # only the patterns that grow faster than linearly

What it does, for each pattern:

1. **Collects** the patterns: every compiled pattern a refparse module holds
   (module globals, also inside tuples, lists and dicts), the phrase patterns
   of ``grammars/noise.txt``, and the literal patterns passed inline to
   ``re.sub``/``re.fullmatch``/... (found in the source with :mod:`ast`).
   Patterns built inside a function from run-time values (two, in
   ``export/text.py``) are rebuilt here with their default values.
2. **Pumps** it: from the pattern's own syntax tree (``re._parser``), every
   repeated sub-pattern (``*``, ``+``, ``{m,}``, ``{m,n}`` with n >= 8)
   gives "pumps": a shortest string its body matches, and each single
   character the body can start with. Inputs are ``prefix + pump * n +
   suffix`` where the prefixes are shortest strings of the pattern elements
   before the repeat, and the suffixes are characters that make a match fail
   late (``!``, a NUL, a letter, a digit, a dash, a space, a closing bracket).
3. **Times** the methods refparse calls on it (found in the source:
   ``NAME.fullmatch(``, ``re.sub(`` ...; ``sub``/``findall`` count as
   ``search``, since they try every start position; all three when the use
   cannot be told) with n doubling from 128 until one call takes 0.2 s
   or n reaches 32,768 characters; every call runs under a 2 s alarm (the
   regex engine is interruptible), so an exponential pattern is caught, not
   waited for.
4. **Fits** the growth: the exponent of time against n over the last
   doubling where the time is above the noise floor. Linear is 1; a pattern
   is flagged when the exponent exceeds 1.5 and the largest input takes
   over 20 ms, or when any call hits the alarm.

A flagged pattern is only a bug where refparse applies that method to text
of unbounded length; the table says which method grew, and the README of
this folder says what was done about each one.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import math
import pkgutil
import re
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "refparse"
sys.path.insert(0, str(ROOT / "src"))

try:  # Python 3.11+
    from re import _constants as sre_c  # type: ignore[attr-defined]
    from re import _parser as sre_p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as sre_c  # type: ignore[no-redef]
    import sre_parse as sre_p  # type: ignore[no-redef]

METHODS = ("fullmatch", "match", "search")
SUFFIXES = ("", "!", "\x00", "a", "1", "-", " ", ")")
START_N, MAX_N = 128, 32_768
SLOW_CALL = 0.2
ALARM = 2.0
_CATEGORY_SAMPLES = {
    sre_c.CATEGORY_DIGIT: "1",
    sre_c.CATEGORY_NOT_DIGIT: "a",
    sre_c.CATEGORY_SPACE: " ",
    sre_c.CATEGORY_NOT_SPACE: "a",
    sre_c.CATEGORY_WORD: "a",
    sre_c.CATEGORY_NOT_WORD: "-",
    sre_c.CATEGORY_UNI_DIGIT: "1",
    sre_c.CATEGORY_UNI_NOT_DIGIT: "a",
    sre_c.CATEGORY_UNI_SPACE: " ",
    sre_c.CATEGORY_UNI_NOT_SPACE: "a",
    sre_c.CATEGORY_UNI_WORD: "a",
    sre_c.CATEGORY_UNI_NOT_WORD: "-",
}


class AlarmError(Exception):
    """A regex call ran past the alarm."""


def _on_alarm(*_: object) -> None:
    raise AlarmError


# ----------------------------------------------------------------------------- collecting


@dataclass
class Found:
    """One pattern, where it lives, and the matching methods refparse calls on it.

    ``methods`` is what the source shows (``NAME.fullmatch(``; ``re.sub(...)``
    is a search); empty when it cannot be told (a pattern kept in a tuple and
    called through a loop variable), and then every method is timed.
    """

    where: str
    pattern: re.Pattern[str]
    methods: set[str] = field(default_factory=set)


#: What each call does to the engine: ``sub``/``findall``/... try every start position like ``search``.
_AS_METHOD = {"fullmatch": "fullmatch", "match": "match", "search": "search", "sub": "search", "subn": "search",
              "findall": "search", "finditer": "search", "split": "search"}


def _uses(name: str, sources: dict[Path, str]) -> set[str]:
    """Methods called on a module-level pattern by its name anywhere in refparse."""
    attr = name.rsplit(".", 1)[-1]
    call = re.compile(rf"\b{re.escape(attr)}\.(fullmatch|match|search|subn?|findall|finditer|split)\(")
    return {_AS_METHOD[m] for text in sources.values() for m in call.findall(text)}


def _patterns_in(value: Any, depth: int = 0) -> Iterator[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            yield value
    elif depth < 3 and isinstance(value, (tuple, list, frozenset, set)):
        for v in value:
            yield from _patterns_in(v, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for v in value.values():
            yield from _patterns_in(v, depth + 1)


_FLAG_NAMES = {"I": re.I, "IGNORECASE": re.I, "M": re.M, "MULTILINE": re.M, "S": re.S, "DOTALL": re.S,
               "X": re.X, "VERBOSE": re.X, "A": re.A, "ASCII": re.A}
_RE_FUNCS = {"compile", "match", "fullmatch", "search", "sub", "subn", "findall", "finditer", "split"}


def _flags(node: ast.expr | None) -> int:
    if node is None:
        return 0
    if isinstance(node, ast.Attribute):
        return _FLAG_NAMES.get(node.attr, 0)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flags(node.left) | _flags(node.right)
    return 0


def _inline_patterns(path: Path) -> Iterator[tuple[int, str, re.Pattern[str]]]:
    """Literal patterns passed to ``re.<function>(...)`` anywhere in a source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.func.attr in _RE_FUNCS):
            continue
        if not node.args or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
            continue
        flags_node = next((k.value for k in node.keywords if k.arg == "flags"), None)
        if flags_node is None and node.func.attr == "compile" and len(node.args) > 1:
            flags_node = node.args[1]
        method = _AS_METHOD.get(node.func.attr, "")
        yield node.lineno, method, re.compile(node.args[0].value, _flags(flags_node))


def collect() -> list[Found]:
    """Every pattern refparse uses, deduplicated by (pattern, flags)."""
    import refparse

    found: dict[tuple[str, int], Found] = {}
    sources = {path: path.read_text(encoding="utf-8") for path in sorted(SRC.rglob("*.py"))}

    def add(where: str, p: re.Pattern[str], methods: set[str]) -> None:
        entry = found.setdefault((p.pattern, p.flags), Found(where, p))
        entry.methods |= methods

    for info in pkgutil.walk_packages(refparse.__path__, "refparse."):
        if info.name.endswith(".__main__"):  # running it is the command line, not a module to read
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            direct = isinstance(value, re.Pattern)
            for p in _patterns_in(value):
                add(f"{info.name}.{name}", p, _uses(name, sources) if direct else set())
    from refparse.noise import _noise_phrases

    for section, (_, pattern) in _noise_phrases().items():
        if pattern is not None:  # the section's "re:" lines, joined into one alternation
            add(f"grammars/noise.txt [{section}]", pattern, {"fullmatch"})  # noise._matches
    for path in sources:
        for line, method, p in _inline_patterns(path):
            add(f"{path.relative_to(ROOT)}:{line}", p, {method} if method else set())
    # Built at run time inside export/text.py from the style's terms: rebuilt with English defaults.
    from refparse.export import text as text_export

    etal = getattr(text_export, "_ETAL", r"et\s+al")
    add("refparse.export.text (et al. remover, built per style)",
        re.compile(rf"(?<!\s)\s*(?:[,;]\s*)?(?:(?:&amp;|&|\b{re.escape('and')}\b)\s*)?{etal}\.?"), {"search"})
    add("refparse.export.text (label spacer, built per entry)", re.compile(r"^(\[12\]|12\.)(?=\S)"), {"search"})
    return list(found.values())


# ----------------------------------------------------------------------------- pumping


def _sample(items: Any) -> list[str]:
    """Characters an ``IN`` set (or a single item) can match: a few, not all."""
    out: list[str] = []
    negate = False
    for op, av in items:
        if op is sre_c.NEGATE:
            negate = True
        elif op is sre_c.LITERAL:
            out.append(chr(av))
        elif op is sre_c.RANGE:
            lo, hi = av
            out += [chr(lo), chr(hi)] if hi > lo else [chr(lo)]
        elif op is sre_c.CATEGORY:
            out.append(_CATEGORY_SAMPLES.get(av, "a"))
    if negate:
        excluded = set(out)
        return [c for c in ("a", "A", "1", " ", "-", ".", "\u00e9", "\u4e2d") if c not in excluded][:3]
    return list(dict.fromkeys(out))


def first_chars(seq: Any) -> list[str]:
    """Characters a sub-pattern's match can start with (a sample)."""
    for op, av in seq:
        if op is sre_c.LITERAL:
            return [chr(av)]
        if op is sre_c.NOT_LITERAL:
            return [c for c in ("a", "1", " ") if ord(c) != av][:2]
        if op is sre_c.ANY:
            return ["a", " "]
        if op is sre_c.IN:
            return _sample(av)
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
            lo, _, body = av
            chars = first_chars(body)
            if lo > 0:
                return chars
            continue  # optional: what follows may start the match too (a sample is enough)
        if op is sre_c.SUBPATTERN:
            return first_chars(av[-1])
        if op is sre_c.BRANCH:
            return [c for branch in av[1] for c in first_chars(branch)]
        if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            continue
        return []
    return []


def shortest(seq: Any) -> str:
    """A shortest-ish string a sub-pattern matches (assertions ignored)."""
    out = []
    for op, av in seq:
        if op is sre_c.LITERAL:
            out.append(chr(av))
        elif op is sre_c.NOT_LITERAL:
            out.append("a" if chr(av) != "a" else "b")
        elif op is sre_c.ANY:
            out.append("a")
        elif op is sre_c.IN:
            chars = _sample(av)
            out.append(chars[0] if chars else "a")
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) or op is getattr(sre_c, "POSSESSIVE_REPEAT", None):
            lo, _, body = av
            out.append(shortest(body) * lo)
        elif op is sre_c.SUBPATTERN:
            out.append(shortest(av[-1]))
        elif op is sre_c.BRANCH:
            out.append(min((shortest(b) for b in av[1]), key=len))
        elif op is sre_c.GROUPREF:
            pass
    return "".join(out)


@dataclass
class Pump:
    """An input family: ``prefix + unit * n + suffix``."""

    prefix: str
    unit: str
    suffix: str

    def make(self, n: int) -> str:
        reps = max(1, n // max(len(self.unit), 1))
        return self.prefix + self.unit * reps + self.suffix


def _repeats(seq: Any, before: str = "") -> Iterator[tuple[str, Any]]:
    """Each unbounded-ish repeat in a sub-pattern, with a prefix that can lead to it."""
    prefix = before
    for op, av in seq:
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) or op is getattr(sre_c, "POSSESSIVE_REPEAT", None):
            _, hi, body = av
            if hi is sre_c.MAXREPEAT or hi >= 8:
                yield prefix, body
            yield from _repeats(body, prefix)
        elif op is sre_c.SUBPATTERN:
            yield from _repeats(av[-1], prefix)
        elif op is sre_c.BRANCH:
            for branch in av[1]:
                yield from _repeats(branch, prefix)
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            yield from _repeats(av[1], prefix)
        prefix += shortest([(op, av)])


def pumps(p: re.Pattern[str]) -> list[Pump]:
    """Input families that stress each repeat of a pattern."""
    tree = sre_p.parse(p.pattern, p.flags)
    units: dict[tuple[str, str], None] = {}
    for prefix, body in _repeats(list(tree)):
        candidates = {shortest(body), *first_chars(body)}
        for unit in candidates:
            if unit:
                units[(prefix, unit)] = None
                units[("", unit)] = None
                if prefix:  # many starts for search: "**a**a**a"
                    units[("", prefix + unit)] = None
    # pairs of distinct single-character units: alternations such as (a|b)* and "a b a b"
    singles = sorted({u for _, u in units if len(u) == 1})
    for a in singles[:4]:
        for b in singles[:4]:
            if a < b:
                units[("", a + b)] = None
    return [Pump(prefix, unit, suffix) for prefix, unit in units for suffix in SUFFIXES]


# ----------------------------------------------------------------------------- timing


def _time(fn: Any, text: str) -> float:
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, ALARM)
    try:
        fn(text)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - start


@dataclass
class Growth:
    """How one method's time grew on one input family."""

    method: str
    pump: Pump
    sizes: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    alarm: bool = False

    @property
    def exponent(self) -> float:
        """Slope of log(time) against log(n) over the last doubling above the noise floor."""
        pairs = [(n, t) for n, t in zip(self.sizes, self.times, strict=True) if t > 2e-4]
        if len(pairs) < 2:
            return 0.0
        (n1, t1), (n2, t2) = pairs[-2], pairs[-1]
        return math.log(t2 / t1) / math.log(n2 / n1)

    @property
    def worst(self) -> float:
        return max(self.times, default=0.0)

    @property
    def flagged(self) -> bool:
        return self.alarm or (self.exponent > 1.5 and self.worst > 0.02)


def measure(p: re.Pattern[str], method: str, pump: Pump) -> Growth:
    """Time one method on one input family, n doubling until slow or large."""
    fn = getattr(p, method)
    g = Growth(method, pump)
    n = START_N
    while n <= MAX_N:
        text = pump.make(n)
        try:
            t = min(_time(fn, text) for _ in range(2))
        except AlarmError:
            g.sizes.append(len(text))
            g.times.append(ALARM)
            g.alarm = True
            break
        g.sizes.append(len(text))
        g.times.append(t)
        if t > SLOW_CALL:
            break
        n *= 2
    return g


@dataclass
class Verdict:
    """The audit of one pattern: its worst input family per method."""

    found: Found
    inputs: int
    worst: list[Growth]

    @property
    def flagged(self) -> list[Growth]:
        return [g for g in self.worst if g.flagged]


def audit(found: Found) -> Verdict:
    """Every input family against each method refparse uses; keep the worst per method."""
    worst: dict[str, Growth] = {}
    inputs = 0
    methods = [m for m in METHODS if m in found.methods] or list(METHODS)
    for pump in pumps(found.pattern):
        for method in methods:
            g = measure(found.pattern, method, pump)
            inputs += len(g.sizes)
            best = worst.get(method)
            if best is None or (g.flagged, g.exponent * (g.worst > 0.002), g.worst) > (
                best.flagged, best.exponent * (best.worst > 0.002), best.worst
            ):
                worst[method] = g
    return Verdict(found, inputs, list(worst.values()))


def _short(s: str, width: int = 60) -> str:
    r = repr(s)
    return r if len(r) <= width else r[: width - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flagged", action="store_true", help="print only flagged patterns")
    ap.add_argument("--match", help="audit only patterns whose location contains this text")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGALRM, _on_alarm)
    started = time.perf_counter()
    patterns = collect()
    if args.match:
        patterns = [f for f in patterns if args.match in f.where]
    flagged = 0
    total_inputs = 0
    for found in patterns:
        v = audit(found)
        total_inputs += v.inputs
        bad = v.flagged
        flagged += bool(bad)
        if args.flagged and not bad:
            continue
        mark = "FLAGGED" if bad else "ok"
        used = ",".join(m for m in METHODS if m in found.methods) or "all (usage not found)"
        print(f"{mark:7} {found.where} [{used}]: {_short(found.pattern.pattern, 90)}", flush=True)
        for g in bad or sorted(v.worst, key=lambda g: -g.worst)[:1]:
            sample = _short(g.pump.prefix + g.pump.unit * 3 + "..." + g.pump.suffix, 40)
            print(f"        {g.method:9} worst family {sample}: n={g.sizes[-1]:,} took {g.worst * 1e3:.1f} ms,"
                  f" growth exponent {g.exponent:.2f}{' (alarm)' if g.alarm else ''}")
    print(f"\n{len(patterns)} patterns, {total_inputs:,} timed inputs, {flagged} flagged,"
          f" {time.perf_counter() - started:.0f} s")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
