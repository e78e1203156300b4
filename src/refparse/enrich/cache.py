"""The Crossref client's SQLite cache, and what happens when the cache file fails.

A cache is an optimisation: no fault in it may cost a result or stop a run.
:class:`CrossrefCache` owns the requests-cache session and moves between
three modes, each change announced once as a warning on the
``refparse.enrich`` logger (the command line prints it on stderr) and kept in
:attr:`CrossrefCache.events`:

* ``read-write`` — the normal cache: answers are read from it and stored in it;
* ``read-only`` — it cannot be written (a read-only file, a full disk, a lock
  held past the busy timeout): the answers it holds are still used, new
  answers are fetched without it and not kept;
* ``off`` — it cannot be opened or read (a read-only folder with no cache
  yet, a path that is not a folder, a file refused twice): every answer is
  fetched again (offline, nothing can be answered: each lookup warns).

An existing cache in a read-only folder cannot be opened in place (SQLite's
WAL journal needs to create files next to it): it is read from a temporary
copy, removed when the client closes (``read-only``).

A **damaged** file (not a database, truncated, malformed pages) is moved aside
as ``NAME.corrupt-YYYYMMDD-HHMMSS`` (kept for inspection, never deleted) and a
new, empty cache is started in its place; if that fails too, the cache is off.
Two processes sharing one cache file are SQLite's business (WAL journal,
busy timeout); a process that finds the file already replaced by another one
does not move the new file aside.

Requests go out through a plain session (:attr:`CrossrefCache.session`), whose
answers are read within the client's limits (time, size) and only then
stored (:meth:`CrossrefCache.store`): requests-cache reads a whole body
before its filter can refuse it, and a 50 MB answer must cost neither the
memory nor the disk.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any, Literal

import requests

from .options import EnrichOptions

CacheMode = Literal["read-write", "read-only", "off"]

logger = logging.getLogger("refparse.enrich")

#: What SQLite says when the file itself is damaged (rather than unwritable or locked).
_DAMAGED = ("file is not a database", "malformed", "disk image", "database corrupt", "not a database")


def is_damaged(error: BaseException) -> bool:
    """Whether an error from the cache means the file's content is damaged."""
    text = str(error).lower()
    return isinstance(error, sqlite3.DatabaseError) and any(marker in text for marker in _DAMAGED)


def sqlite_path(path: Path) -> Path:
    """The file requests-cache really uses for ``path`` (it adds ``.sqlite`` when there is no suffix)."""
    return path if path.suffix else path.with_name(path.name + ".sqlite")


def _describe(error: BaseException) -> str:
    if not isinstance(error, (sqlite3.Error, OSError)):
        # requests-cache swallows some sqlite3 errors and fails later with its own slip
        # (an UnboundLocalError after a refused write): its text would only confuse.
        return f"{type(error).__name__} from requests-cache"
    return str(error).strip() or type(error).__name__


def _write_problem(path: Path, error: BaseException) -> str:
    """Why a cache file cannot be written, as a user can act on it."""
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(path.parent, os.W_OK):
        return "its folder is read-only"
    return _describe(error)


class CrossrefCache:
    """The cache behind a :class:`~refparse.enrich.http.CrossrefClient`, with its fault handling.

    Args:
        options: the cache path, lifetime and whether to use a cache at all.
        headers: headers every session sends (User-Agent, Accept).
        ignored: request parameters and headers left out of cache keys.

    Attributes:
        mode: ``read-write``, ``read-only`` or ``off`` (see the module docstring).
        session: the plain session requests go out through (answers are
            stored by :meth:`store`).
        events: the warnings given so far, in order.
    """

    def __init__(
        self,
        options: EnrichOptions,
        headers: Mapping[str, str],
        ignored: tuple[str, ...],
    ) -> None:
        self.options = options
        self.headers = dict(headers)
        self.events: list[str] = []
        self._ignored = ignored
        self._lock = threading.Lock()
        self._cached: requests.Session | None = None
        self._inode: int | None = None
        self._copy: Path | None = None  # the temporary folder of a copied cache
        self._retired: list[requests.Session] = []
        self._epoch = 0  # bumped at every change of mode or session: see fault()
        self._writing = threading.Lock()
        # The last answers stored: written again into a new cache when the file turns out damaged
        # (another thread may have written into it just before the damage was found).
        self._recent: deque[tuple[requests.Response, requests.PreparedRequest]] = deque(maxlen=64)
        self._use = threading.Condition()  # counts the threads inside the database; close() waits for them
        self._users = 0
        self._closed = False
        self.path = sqlite_path(options.resolved_cache_path)
        self.mode: CacheMode = "off"
        self.session = self._plain()
        if options.no_cache:
            return
        try:
            self._open(self.path)
        except Exception as e:  # requests-cache and sqlite3 raise many kinds; none may stop a run
            if is_damaged(e):
                self._rebuild(e)
            elif self.path.is_file() and os.access(self.path, os.R_OK):
                self._open_copy(e)
            else:
                self._turn_off(f"cannot open the Crossref cache {self.path} ({_describe(e)})")

    # ----------------------------------------------------------------- sessions
    def _plain(self) -> requests.Session:
        session = requests.Session()
        session.headers.update(self.headers)
        return session

    def _open(self, path: Path) -> None:
        """Open (or create) a cache file in read-write mode."""
        from requests_cache import CachedSession
        from requests_cache.backends.sqlite import SQLiteCache

        opts = self.options
        self._inode = _inode(path)  # before opening: a damaged file is known by it even if opening fails
        path.parent.mkdir(parents=True, exist_ok=True)
        backend = SQLiteCache(path, wal=True, busy_timeout=30_000)
        session = CachedSession(
            backend=backend,
            expire_after=opts.cache_expire if opts.cache_expire is not None else -1,
            allowable_codes=(200,),
            allowable_methods=("GET",),
            ignored_parameters=self._ignored,
            # No filter: answers are stored only by store(), once checked. With a filter, a lookup that
            # misses (requests-cache's 504) deletes its key — racing another thread's store() of that
            # very key, whose read-back then fails and turns the cache read-only.
            filter_fn=None,
            stale_if_error=False,
        )
        session.headers.update(self.headers)
        self._inode = self._inode or _inode(path)
        self._cached = session
        self.mode = "read-write"
        self._epoch += 1

    def _open_copy(self, error: BaseException) -> None:
        """Read a cache that cannot be opened in place (a read-only folder) from a temporary copy."""
        problem = f"cannot open the Crossref cache {self.path} in place ({_write_problem(self.path, error)})"
        try:
            self._copy = Path(tempfile.mkdtemp(prefix="refparse-crossref-"))
            for suffix in ("", "-wal"):  # SQLite rebuilds -shm; -wal may hold answers not yet in the file
                source = self.path.with_name(self.path.name + suffix)
                if source.exists():
                    shutil.copyfile(source, self._copy / source.name)
            self._open(self._copy / self.path.name)
        except Exception as e:
            self._turn_off(f"{problem}, nor from a copy ({_describe(e)})")
            return
        self.mode = "read-only"
        self._warn(f"{problem}; reading a temporary copy: the answers it holds are used, new answers are not kept")

    def _retire_cached(self) -> None:
        """Stop using the cached session, but close it only in :meth:`close`.

        Why not now: other lookup threads may be inside a query on its SQLite
        connection, and closing a connection under a running query crashes the
        interpreter. A retired session is unused, so this holds one database
        handle per fault, for the life of the client.
        """
        if self._cached is not None:
            self._retired.append(self._cached)
            self._cached = None

    # ----------------------------------------------------------------- reading
    @contextmanager
    def _inside(self) -> Iterator[bool]:
        """Count a thread using the database; yields False once the cache is closed (then do nothing).

        Why: a lookup abandoned by an interrupt may still be inside SQLite
        when the client closes, and closing a connection under a running
        query crashes the interpreter.
        """
        with self._use:
            usable = not self._closed
            self._users += usable
        try:
            yield usable
        finally:
            if usable:
                with self._use:
                    self._users -= 1
                    self._use.notify_all()

    def lookup(self, url: str, params: Mapping[str, str]) -> requests.Response | None:
        """The cached answer for a request, without asking the network.

        Returns:
            The stored response, or ``None`` on a miss, with the cache off, or
            when reading failed (the fault is handled, and warned about, first).
        """
        with self._inside() as usable:
            for _ in range(2 if usable else 0):  # once more if another thread changed the cache meanwhile
                cached, epoch = self._cached, self._epoch
                if cached is None or self.mode == "off":
                    return None
                try:
                    response = cached.get(url, params=params, only_if_cached=True)  # type: ignore[call-arg]
                except requests.RequestException:
                    return None
                except Exception as e:  # a cache read must never stop a lookup
                    self.fault(e, epoch)
                    continue
                return response if response.status_code == 200 else None
        return None

    def store(self, response: requests.Response, request: requests.PreparedRequest) -> None:
        """Keep an answer that has been read and checked, while the cache can be written.

        Args:
            response: the answer, its body read (``response.content``).
            request: the request first sent (after redirects the answer is
                still found under it).

        A fault here (damaged file, refused write) is handled as in a lookup,
        and storing is tried again in the new mode; the answer itself is
        never lost, only not kept.
        """
        with self._inside() as usable:
            for _ in range(3 if usable else 0):
                with self._lock:  # a fault being handled (a new cache being started) is waited for
                    cached, epoch = self._cached, self._epoch
                if cached is None or self.mode != "read-write":
                    return
                try:
                    # One write at a time: requests-cache shares one SQLite connection between threads,
                    # and a write begun while another's transaction is open joins it — and is lost
                    # with it when that commit is refused (a damaged file), without a word.
                    with self._writing:
                        # An answer that cannot be read back was not kept: the file is looked at.
                        if not _save(cached, response, request):
                            raise sqlite3.DatabaseError("an answer written to the cache could not be read back")
                        self._recent.append((response, request))
                    return
                except Exception as e:  # a cache write must never stop a lookup; see fault()
                    self.fault(e, epoch)
            if usable:
                with self._lock:  # damaged again and again: give the cache up
                    if self.mode != "off":
                        self._turn_off(f"the Crossref cache {self.path} keeps failing")

    # ----------------------------------------------------------------- faults
    def fault(self, error: BaseException, epoch: int) -> None:
        """Handle an error the cache raised; the mode changes and a warning is given.

        Args:
            error: what the cached session raised.
            epoch: the cache's epoch when the failed call began. Several threads
                may fail on one fault, or a call begun before a change may fail
                after it: only a failure of the current epoch is acted on; the
                others just try again in the new mode.
        """
        with self._lock:
            if epoch != self._epoch:
                return
            if self._copy is None and self._damaged(error):
                self._rebuild(error)
            elif self.mode == "read-write":
                self._read_only(error)
            else:
                self._turn_off(f"cannot read the Crossref cache {self.path} ({_describe(error)})")

    def _damaged(self, error: BaseException) -> bool:
        """Whether the file is damaged: by the error's words, else by SQLite's own quick check.

        Why the check: one damaged file fails in many ways ("no such table", a
        write refused inside requests-cache), and only a damaged one may be
        moved aside; a healthy database (another program's, a read-only one)
        never is.
        """
        if is_damaged(error):
            return True
        try:
            with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=1)) as con:
                row = con.execute("PRAGMA quick_check(1)").fetchone()
        except sqlite3.DatabaseError as e:
            return is_damaged(e)
        return row is None or row[0] != "ok"

    def _read_only(self, error: BaseException) -> None:
        assert self._cached is not None
        self.mode = "read-only"
        self._epoch += 1
        self._warn(
            f"cannot write the Crossref cache {self.path} ({_write_problem(self.path, error)}); the answers it "
            "holds are used, new answers are fetched without it and not kept"
        )

    def _rebuild(self, error: BaseException) -> None:
        self._retire_cached()
        problem = f"the Crossref cache {self.path} is damaged ({_describe(error)})"
        try:
            moved = self._move_aside()
            self._open(self.path)
        except Exception as e:
            self._turn_off(f"{problem}, and a new one cannot be started ({_describe(e)})")
            return
        where = f"moved it to {moved.name} and " if moved else "another process already replaced it; "
        self._replay()
        self._warn(f"{problem}; {where}started a new cache")

    def _replay(self) -> None:
        """Store the last answers again, in the new cache (best effort: the cache is an optimisation)."""
        recent, cached = list(self._recent), self._cached
        self._recent.clear()
        if cached is None:
            return
        with self._writing, suppress(Exception):
            for response, request in recent:
                _save(cached, response, request)

    def _move_aside(self) -> Path | None:
        """Rename the damaged file (and its journal files) out of the way; ``None`` if already replaced."""
        if self._inode is not None and _inode(self.path) not in (None, self._inode):
            return None  # another process moved the damaged file and started a new one: keep that one
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():  # damaged twice within a second: keep both
            n += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        if self.path.exists():
            os.replace(self.path, target)
        for suffix in ("-wal", "-shm"):
            journal = self.path.with_name(self.path.name + suffix)
            if journal.exists():
                os.replace(journal, target.with_name(target.name + suffix))
        return target

    def _turn_off(self, problem: str) -> None:
        self._retire_cached()
        self.mode = "off"
        self._epoch += 1
        tail = (
            "offline, so no lookup can be answered" if self.options.offline
            else "continuing without it: every answer is fetched again and none is kept"
        )
        self._warn(f"{problem}; {tail}")

    def _warn(self, message: str) -> None:
        self.events.append(message)
        logger.warning("warning: %s", message)

    def close(self) -> None:
        """Release the database handles and the connection pools; remove a temporary copy.

        Call it at the end (the client's owner does). Lookups abandoned by an
        interrupt that are still inside the database get two seconds to
        leave; if one does not, its database handle is left to the process's
        end rather than closed under it.
        """
        with self._use:
            self._closed = True
            idle = self._use.wait_for(lambda: self._users == 0, timeout=2.0)
        self._retire_cached()
        for session in (*(self._retired if idle else ()), self.session):
            with suppress(Exception):  # closing a broken database may fail; it is dropped anyway
                session.close()
        self._retired.clear()
        if self._copy is not None:
            shutil.rmtree(self._copy, ignore_errors=True)
            self._copy = None


def _save(cached: Any, response: requests.Response, request: requests.PreparedRequest) -> bool:
    """Write an answer through a CachedSession's backend; whether it can be read back.

    Raises:
        Exception: whatever the backend raises (the caller handles it as a fault).
    """
    from requests_cache.policy.expiration import get_expiration_datetime

    backend = cached.cache
    key = backend.create_key(request)
    backend.save_response(response, cache_key=key, expires=get_expiration_datetime(cached.settings.expire_after))
    return backend.responses.get(key) is not None  # a value read back garbled is None too


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None
