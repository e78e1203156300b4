"""What a one-file ``refparse convert`` loads: start-up is the whole of a short run.

Not timed (these machines are noisy; ``benchmarks/bench_startup.py`` measures it): each test
runs the command in a fresh interpreter and asserts which modules it imported, which is
what the time went on — the Crossref stack, the parser generator, the other layouts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

#: Imported by nothing a plain conversion does once every shape's plan is stored.
_NOT_LOADED = ("requests", "requests_cache", "urllib3", "rapidfuzz", "lark", "citeproc", "nameparser", "tqdm",
               "refparse.enrich", "refparse.checks.stage", "refparse.checks.models", "refparse.grammar",
               "refparse.layouts.flat")

_PROBE = """\
import json, sys
from refparse.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _convert(args: list[str], cache: Path) -> tuple[int, set[str]]:
    env = {**os.environ, "REFPARSE_CACHE_DIR": str(cache)}
    run = subprocess.run([sys.executable, "-c", _PROBE, "convert", *args], env=env, capture_output=True,
                         text=True, check=True)
    report = json.loads(run.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


@pytest.mark.parametrize("to", ["csljson", "bibtex", "ris", "jsonl"])
def test_a_known_shape_converts_without_the_network_stack_or_lark(tmp_path: Path, to: str) -> None:
    seed = FIXTURES / "seed000.txt"
    out = tmp_path / f"out.{to}"
    cold_code, cold = _convert([str(seed), "--to", to, "-o", str(out)], tmp_path)  # fills the plan store
    assert cold_code == 0 and "lark" in cold  # a new shape is parsed: the grammar is loaded then
    code, modules = _convert([str(seed), "--to", to, "-o", str(out)], tmp_path)
    assert code == 0 and out.stat().st_size > 0
    assert not {m for m in modules if m.split(".")[0] in _NOT_LOADED or m in _NOT_LOADED}


def test_the_checks_package_resolves_its_names_on_first_use() -> None:
    from refparse import checks

    assert checks.check.__module__ == "refparse.checks.stage"
    assert checks.CheckRun.__module__ == "refparse.checks.run"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = checks.nope  # type: ignore[attr-defined]


def test_a_flat_list_still_loads_the_flat_layout(tmp_path: Path) -> None:
    flat = next((FIXTURES / "dev-flat").glob("*.txt"))
    code, modules = _convert([str(flat), "-o", str(tmp_path / "out.json")], tmp_path)
    assert code == 0 and "refparse.layouts.flat" in modules


def test_the_collector_is_resumed_as_it_was() -> None:
    import gc

    from refparse.cli.common import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
