"""The built wheel carries the grammar files and works when installed non-editable.

Builds a wheel from this checkout, installs it into an empty target folder
(dependencies come from the running environment) and runs the installed
package from outside the checkout, so it cannot fall back to ``grammars/``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_grammars_and_parses_from_a_plain_install(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("refparse-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "refparse/grammars/reference.lark" in names
    assert "refparse/grammars/card.lark" in names
    assert "refparse/py.typed" in names

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "REFPARSE_CACHE_DIR": str(tmp_path / "cache")}
    code = (
        "import json, sys, refparse, refparse.grammar_files as g;"
        "r = refparse.parse(open(sys.argv[1], encoding='utf-8').read());"
        "print(json.dumps([str(g.grammar_dir()), len(r.citations), r.citations[2].authors[0].family]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(FIXTURES / "seed000.txt")],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    grammar_dir, count, family = json.loads(out.stdout)
    assert Path(grammar_dir).is_relative_to(target)
    assert (count, family) == (68, "Sluis")
