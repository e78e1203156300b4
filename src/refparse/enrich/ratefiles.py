"""The files through which processes share one rate limit: a locked schedule and N lock files.

Why files: Crossref limits the *user*; ``-j`` workers, and two runs started
at once, must take their turns from one schedule. ``flock`` locks go away
with the process that held them, so a killed worker never leaves a place
in flight taken. Where ``fcntl`` is missing (Windows) the limit is per process.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

try:  # pragma: no cover - the import fails only on Windows
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

#: How long a waiting request sleeps before trying the places in flight again.
SLOT_POLL = 0.01
#: Whether files can be locked here (not on Windows): without it the limit is per process.
HAVE_FLOCK = fcntl is not None


class Schedule:
    """A bucket's shared state: next free start, pause and stated rate, in a locked JSON file.

    Times are wall-clock seconds (``time.time``): the only clock processes share.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    @contextmanager
    def _locked(self) -> Iterator[dict[str, float]]:
        with self._lock, self.path.open("a+", encoding="utf-8") as f:
            assert fcntl is not None
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                f.seek(0)
                try:
                    state = {k: float(v) for k, v in json.loads(f.read() or "{}").items()}
                except (ValueError, TypeError, AttributeError):
                    state = {}  # a torn or foreign file: start afresh
                before = dict(state)
                yield state
                if state != before:
                    f.seek(0)
                    f.truncate()
                    f.write(json.dumps(state))
                    f.flush()
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def reserve(self, now: float, rate: float) -> tuple[float, float]:
        """Take the next start turn; returns ``(start, rate in force)``."""
        with self._locked() as state:
            rate = min(rate, state.get("rate", rate))
            start = max(now, state.get("next", 0.0), state.get("paused", 0.0))
            if start - now > 3600:  # the wall clock went back: the stored times mean nothing
                start = now
            state["next"] = start + 1.0 / rate
            return start, rate

    def pause(self, until: float) -> None:
        with self._locked() as state:
            state["paused"] = max(state.get("paused", 0.0), until)

    def set_rate(self, rate: float) -> None:
        with self._locked() as state:
            state["rate"] = rate


class SharedSlots:
    """Places in flight shared by processes: N lock files, one held per request."""

    def __init__(self, prefix: Path) -> None:
        self.prefix = prefix

    def acquire(self, n: int, sleep: Callable[[float], None]) -> IO[str]:
        assert fcntl is not None
        while True:
            for i in range(n):
                f = open(f"{self.prefix}.{i}", "a+", encoding="utf-8")  # noqa: SIM115 - held until release
                try:
                    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    f.close()
                    continue
                return f
            sleep(SLOT_POLL)

    @staticmethod
    def release(f: IO[str]) -> None:
        assert fcntl is not None
        try:
            fcntl.flock(f, fcntl.LOCK_UN)
        finally:
            f.close()


def _private_folder(folder: Path) -> Path | None:
    """``folder`` created if needed, or ``None`` when it is not this user's alone to lock files in."""
    from ..grammar_files import is_private

    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        private = is_private(folder)
    except OSError:
        return None
    return folder if private and os.access(folder, os.W_OK) else None


def shared_folder() -> Path | None:
    """Where the shared limiter keeps its files: refparse's own cache folder, else a private temporary one.

    Why not beside the HTTP cache file: Crossref limits the *user*, so two
    runs with different ``--cache`` files must still share one limit.
    """
    from ..grammar_files import cache_dir

    folders = [cache_dir()]
    folders.append(Path(tempfile.gettempdir()) / f"refparse-{getattr(os, 'getuid', lambda: 0)()}")
    for folder in folders:
        found = _private_folder(folder / "ratelimit") if folder is not None else None
        if found is not None:
            return found
    return None


