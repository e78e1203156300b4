"""Coverage-guided fuzzing of reading, parsing and exporting with atheris (libFuzzer for Python).

Needs ``pip install atheris`` (the ``fuzz`` extra; CI does not). Run from the
repository root::

    python tests/fuzz/atheris_parse.py --make-corpus tests/fuzz/corpus   # seeds from the fixtures, once
    python tests/fuzz/atheris_parse.py tests/fuzz/corpus -max_total_time=600 -max_len=65536

Everything after the script's own options goes to libFuzzer (``-runs=N``,
``-max_total_time=S``, ``-jobs=N``, ``-dict=...``). Every input goes through
:func:`refparse.read.decode` and :func:`refparse.detect.parse_any`, and the
citations through every export format, read back by bibtexparser, rispy and
the CSL-JSON schema (:func:`properties.check_bytes`). Anything but a
:class:`refparse.errors.RefparseError` escaping, or a broken property, is a
crash: libFuzzer writes the input to ``crash-<sha1>`` and stops. Reproduce one
with ``python tests/fuzz/atheris_parse.py crash-<sha1>``.

Only refparse's own modules are instrumented, so coverage means refparse's
branches (lark's parser tables are data, not branches).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
FIXTURES = HERE.parents[1] / "fixtures"


def make_corpus(folder: Path) -> int:
    """Seed inputs: the fixture pages and cards, whole and cut into slices of a few references."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    sources = sorted(FIXTURES.glob("*.txt")) + sorted((FIXTURES / "dev").glob("*.txt"))
    for path in sources:
        data = path.read_bytes()
        (folder / path.name).write_bytes(data[:65536])
        n += 1
        lines = data.splitlines(keepends=True)
        for start in range(0, min(len(lines), 3000), 150):
            (folder / f"{path.stem}-{start}.txt").write_bytes(b"".join(lines[start : start + 150]))
            n += 1
    return n


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--make-corpus":
        print(f"{make_corpus(Path(sys.argv[2]))} seed inputs in {sys.argv[2]}")
        return
    import atheris

    with atheris.instrument_imports(include=["refparse"]):
        import refparse.detect
        import refparse.export.bibtex
        import refparse.export.csljson
        import refparse.export.jsonl
        import refparse.export.ris
        import refparse.read  # noqa: F401
    import properties

    def test_one_input(data: bytes) -> None:
        properties.check_bytes(data)

    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
