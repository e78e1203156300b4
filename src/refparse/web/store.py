"""The documents a running server holds: pasted texts, their citations and the user's edits.

State lives in the server's memory, one :class:`Document` per paste, reached
through an unguessable id in its URL. Why not in the browser: a paste of
50,000 references is some 100 MB of citations, which a page cannot send
back with every download under a 5 MB request cap, while the server pages
through it for free; and nothing is ever written to disk (no database, no
session file), so a pasted manuscript leaves no trace once the server stops.
The cost: a restart forgets the edits (download first), and the store is
bounded (:class:`DocumentStore` forgets the least recently used documents
beyond its limits).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..models import Citation, Diagnostic, Span
from ..read import clean_lines

#: Citation fields an edit can change; the others (raw, span, warnings, match ...) are the parse's record.
NOT_EDITED = frozenset({"raw", "span", "warnings", "match", "number", "list_number"})


def edited_fields(before: Citation, after: Citation) -> frozenset[str]:
    """Names of the model fields whose values differ (``raw`` included: re-parsing edits it)."""
    names = [n for n in Citation.model_fields if n not in NOT_EDITED or n == "raw"]
    return frozenset(n for n in names if getattr(before, n) != getattr(after, n))


def is_flagged(c: Citation) -> bool:
    """A reference a person should look at: not a clean parse, or carrying warnings."""
    return c.status != "parsed" or bool(c.warnings)


@dataclass
class Entry:
    """One reference on the page.

    Attributes:
        index: its position in the document (0-based), which URLs use.
        source: the index of the text it came from.
        baseline: what the parser (and a DOI search) produced: edits are shown against it.
        current: what is on screen and downloaded: the baseline plus the user's edits.
        reviewed: the user's mark that the reference was checked.
        text: the reference's input text as the user edited it to read it again
            (``None``: as it is in its source).
    """

    index: int
    source: int
    baseline: Citation
    current: Citation
    reviewed: bool = False
    text: str | None = None

    @property
    def edited(self) -> frozenset[str]:
        """Fields the user changed."""
        return edited_fields(self.baseline, self.current) if self.current is not self.baseline else frozenset()

    @property
    def flagged(self) -> bool:
        return is_flagged(self.current)


@dataclass
class Source:
    """One pasted text or uploaded file.

    Attributes:
        name: ``pasted text`` or the file's name (shown, never used as a path).
        text: the decoded text, kept to read it again in another format.
        forced: the format the user chose, ``None`` to detect it.
        format: the format it was read in (empty when it could not be read).
        encoding: the codec an upload was decoded with.
        error: why it could not be read, in words.
        warnings: document-level diagnostics of its parse.
        details: other facts the parse reports about the input (its layout or style, when known).
    """

    name: str
    text: str
    forced: str | None = None
    format: str = ""
    encoding: str = "utf-8"
    error: str | None = None
    warnings: tuple[Diagnostic, ...] = ()
    details: tuple[tuple[str, str], ...] = ()
    count: int = 0
    _lines: list[str] | None = field(default=None, repr=False)

    def block(self, span: Span | None) -> str | None:
        """The input lines of a reference (by its line span), as the parser read them."""
        if span is None or not self.text:
            return None
        if self._lines is None:
            self._lines = clean_lines(self.text.removeprefix("\ufeff"))
        return "\n".join(self._lines[span.start - 1: span.end]) or None


@dataclass
class Document:
    """Everything one paste produced, and its state.

    ``state`` is ``reading`` while the texts are parsed (a large paste is
    read in the background, so the page answers at once), then ``ready`` or
    ``failed``. Mutations hold ``lock``: requests run in a thread pool.
    """

    id: str
    sources: list[Source]
    entries: list[Entry] = field(default_factory=list)
    state: str = "reading"
    error: str | None = None
    created: float = field(default_factory=time.time)
    touched: float = field(default_factory=time.monotonic)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    ready: threading.Event = field(default_factory=threading.Event, repr=False)
    doi_job: Any = None

    @property
    def size(self) -> int:
        return sum(len(s.text) for s in self.sources)

    def citations(self) -> list[Citation]:
        """What is on screen, edits included, in order: what downloads contain."""
        return [e.current for e in self.entries]

    def replace_source(self, k: int, citations: tuple[Citation, ...]) -> None:
        """Put a source's citations in place of its old entries (others keep their edits)."""
        with self.lock:
            kept = [e for e in self.entries if e.source != k]
            before = [e for e in kept if e.source < k]
            after = [e for e in kept if e.source > k]
            self.sources[k]._lines = None
            fresh = [Entry(index=0, source=k, baseline=c, current=c) for c in citations]
            self.entries = [*before, *fresh, *after]
            for i, entry in enumerate(self.entries):
                entry.index = i
            self.sources[k].count = len(fresh)


class DocumentStore:
    """Documents by id, in memory, bounded by count and by references held.

    Args:
        max_documents: documents kept; the least recently used beyond it are forgotten.
        max_references: references kept over all documents (the newest document always stays).
    """

    def __init__(self, max_documents: int = 20, max_references: int = 400_000) -> None:
        self.max_documents = max_documents
        self.max_references = max_references
        self._docs: OrderedDict[str, Document] = OrderedDict()
        self._lock = threading.Lock()

    def create(self, sources: list[Source]) -> Document:
        """A new, empty document with an id no one can guess."""
        doc = Document(id=secrets.token_urlsafe(16), sources=sources)
        with self._lock:
            self._docs[doc.id] = doc
            self._evict()
        return doc

    def get(self, doc_id: str) -> Document | None:
        """The document, marked as recently used; ``None`` when unknown or forgotten."""
        with self._lock:
            doc = self._docs.get(doc_id)
            if doc is not None:
                self._docs.move_to_end(doc_id)
                doc.touched = time.monotonic()
            return doc

    def settle(self) -> None:
        """Apply the limits again (after a document finished reading and has its size)."""
        with self._lock:
            self._evict()

    def __iter__(self) -> Iterator[Document]:
        with self._lock:
            return iter(list(self._docs.values()))

    def _evict(self) -> None:
        while len(self._docs) > self.max_documents:
            self._docs.popitem(last=False)
        while len(self._docs) > 1 and sum(len(d.entries) for d in self._docs.values()) > self.max_references:
            self._docs.popitem(last=False)
