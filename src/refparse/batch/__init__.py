"""The batch converter: folders of reference lists to CSL-JSON, BibTeX, RIS ... in parallel.

::

    from refparse.batch import BatchOptions, convert_paths
    summary = convert_paths(["pages/"], BatchOptions(to="bibtex", out_dir=Path("bib"), report=Path("report.jsonl")))
    print(summary.converted, summary.failed, summary.exit_code)

Modules: :mod:`.inputs` (PATHs → inputs), :mod:`.convert` (one input →
one output, in a worker), :mod:`.writers` (streaming, atomic outputs),
:mod:`.pool` (ordered worker processes), :mod:`.run` (the run),
:mod:`.console` (progress bar and summary for the CLI); on a Dask cluster
(``convert_paths(..., executor=client)``, imported only then):
:mod:`.cluster` (the tasks), :mod:`.ranges` (one large input in ranges),
:mod:`.cluster_enrich` (Crossref through one actor), :mod:`.scheduler`
(``--dask`` values).
"""

from .convert import FileResult
from .files import DEFAULT_MAX_SIZE
from .inputs import DEFAULT_GLOBS
from .run import BatchOptions, BatchSummary, convert_paths
from .writers import AtomicFile, StreamWriter, make_writer

__all__ = [
    "DEFAULT_GLOBS",
    "DEFAULT_MAX_SIZE",
    "AtomicFile",
    "BatchOptions",
    "BatchSummary",
    "FileResult",
    "StreamWriter",
    "convert_paths",
    "make_writer",
]
