"""The README's command-line examples run as written, on the repository's own files.

Before, they called ``refparse`` without saying to activate the virtual
environment and used ``page.txt``, ``pages/`` and ``cards.md``, which do not
exist. The "Use" block is run line by line by bash in a folder that holds
the repository's ``fixtures/`` and ``.venv`` (this test's own environment),
as a user does after the set-up; the Crossref example talks to a loopback
server (``REFPARSE_CROSSREF_URL``), never the internet.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES
from crossref_server import CrossrefStub

README = FIXTURES.parent / "README.md"


def use_block() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Use\n"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "no shell block in the README's Use section"
    return [line for line in block.group(1).splitlines() if line.strip()]


def _venv(folder: Path) -> None:
    """``.venv`` in ``folder``: this test's environment, with an ``activate`` that puts its scripts first."""
    venv = folder / ".venv"
    (venv / "bin").mkdir(parents=True)
    scripts = Path(sys.executable).parent
    (venv / "bin" / "activate").write_text(f'export PATH="{scripts}:$PATH"\n', encoding="utf-8")
    (venv / "bin" / "refparse").symlink_to(scripts / "refparse")


def test_every_example_names_files_that_exist() -> None:
    for line in use_block():
        for word in re.findall(r"(?<![\w/.-])(fixtures/[\w./-]*)", line):
            assert (FIXTURES.parent / word).exists(), f"{word} in the README does not exist: {line}"


def test_the_use_examples_run_as_written(tmp_path: Path) -> None:
    (tmp_path / "fixtures").symlink_to(FIXTURES)
    _venv(tmp_path)
    lines = use_block()
    assert lines[0].startswith("source .venv/bin/activate")
    script = "set -euo pipefail\n" + "\n".join(lines) + "\n"
    with CrossrefStub([]) as crossref:
        env = {**os.environ, "REFPARSE_CROSSREF_URL": crossref.url, "XDG_CACHE_HOME": str(tmp_path / "cache")}
        done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "refs.bib").read_text(encoding="utf-8").startswith("@article{gupta2025blinatumomab,")
    pages = sorted(p.stem for p in (FIXTURES / "dev").glob("*.txt"))
    assert sorted(p.stem for p in (tmp_path / "json").glob("*.json")) == pages
    assert (tmp_path / "all.ris").read_text(encoding="utf-8").count("ER  - ") > 100
    report = [json.loads(line) for line in (tmp_path / "report.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in report] == ["skipped"] * len(pages)  # the run was already complete
    assert "Gupta, S., Rau, R. E., Kairalla, J. A., et al. (2025)." in done.stdout  # the text example
    assert "TY  - JOUR" in done.stdout  # the card example
    flat = json.loads((tmp_path / "flat.json").read_text(encoding="utf-8"))  # 25 references, the abstract left out
    assert len(flat) == 25 and flat[0]["author"][:2] == [{"family": "Alves", "given": "M. T. G."},
                                                         {"family": "Soares", "given": "J. F."}]
    assert json.loads((tmp_path / "card.jsonl").read_text(encoding="utf-8"))["doi"]
