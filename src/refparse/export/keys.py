"""Citation keys: readable, stable, unique within a file, ASCII only.

A key is ``{first author's family}{year}{first significant title word}``,
transliterated to ASCII by anyascii and lower-cased: ``gupta2025blinatumomab``,
``sluis2023blinatumomab`` (the particle is left out, as in sorting),
``muller2020uber`` for Müller. Keys depend only on the citation's content, so
the same input gives the same keys on every run. Within one file, citations
whose keys collide all get a letter, in input order (``smith2020cella``,
``smith2020cellb``), like the year suffixes of an author-year list.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from anyascii import anyascii

from ..models import Citation, Organization

#: Words that never name a paper: skipped when picking the title word.
#: (Not the stopwords of :mod:`refparse.enrich.fields`: that list serves
#: title matching and holds foreign articles too; this one only has to skip
#: English function words so that keys read like ``smith2020cell``.)
STOPWORDS = frozenset(
    {
        "a", "an", "the", "of", "on", "in", "at", "to", "for", "from", "by", "with", "without",
        "and", "or", "but", "nor", "as", "is", "are", "was", "were", "be", "been", "into", "onto",
        "via", "vs", "versus", "its", "their", "our", "his", "her", "this", "that", "these",
        "those", "do", "does", "how", "what", "when", "where", "which", "who", "why",
    }
)  # fmt: skip

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_MAX_PART = 24


def _ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words of ``text`` (transliterated)."""
    return [w for w in _NOT_ALNUM.split(anyascii(text).lower()) if w]


def _author_part(c: Citation) -> str:
    names = c.authors or c.editors
    if not names:
        return "anon"
    first = names[0]
    if isinstance(first, Organization):
        words = [w for w in _ascii_words(first.name) if w not in STOPWORDS] or _ascii_words(first.name)
        part = words[0] if words else ""
    else:
        part = "".join(_ascii_words(first.family))
    return part[:_MAX_PART] or "anon"


def _title_part(c: Citation) -> str:
    for word in _ascii_words(c.title or ""):
        if word not in STOPWORDS and not word.isdigit():
            return word[:_MAX_PART]
    return ""


def base_key(c: Citation) -> str:
    """The key of one citation before collisions are resolved.

    Args:
        c: the citation.

    Returns:
        ``{author}{year}{word}``: ``anon`` without authors, ``nd`` without a
        year, no word without a title; always ``[a-z0-9]+``.
    """
    year = str(c.year) if c.year is not None else "nd"
    return f"{_author_part(c)}{year}{_title_part(c)}"


def suffix(index: int) -> str:
    """The ``index``-th collision suffix: a, b, ..., z, aa, ab, ... (bijective base 26)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def make_keys(citations: Sequence[Citation]) -> list[str]:
    """Unique keys for the citations of one file, in order.

    Why: BibTeX needs unique keys, and a key must not change between runs
    on the same input, so keys come from content and input order only.

    Args:
        citations: the citations, in file order.

    Returns:
        One key per citation; keys that would collide carry ``a``, ``b`` ...
    """
    bases = [base_key(c) for c in citations]
    allocate = KeyAllocator(Counter(bases))
    return [allocate(base) for base in bases]


class KeyAllocator:
    """Hands out unique keys in file order, given how often each base key occurs.

    Why a class: :func:`make_keys` has all citations at hand, while the batch
    writer streams entries to disk and fixes the keys of the finished file
    (:func:`refparse.batch.writers.fix_bibtex_keys`); both must give the same
    keys, so both ask this one allocator.

    Args:
        counts: occurrences of each base key in the whole file.
    """

    def __init__(self, counts: Counter[str]) -> None:
        self.counts = counts
        self.used = {b for b, n in counts.items() if n == 1}
        self.next_index: Counter[str] = Counter()

    def __call__(self, base: str) -> str:
        """The key for the next occurrence of ``base`` (``base`` itself when it is unique)."""
        if self.counts[base] <= 1:
            return base
        while (key := base + suffix(self.next_index[base])) in self.used:
            self.next_index[base] += 1
        self.next_index[base] += 1
        self.used.add(key)
        return key
