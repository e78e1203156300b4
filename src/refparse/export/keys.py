"""Citation keys: readable, stable, unique within an output, ASCII only — the id every format shares.

A key is ``{first author's family}{year}{first significant title word}``,
transliterated to ASCII by anyascii and lower-cased: ``gupta2025blinatumomab``,
``sluis2023blinatumomab`` (the particle is left out, as in sorting),
``muller2020uber`` for Müller. The same key is the BibTeX key, the CSL-JSON
``id`` and the RIS ``ID``, so a manuscript can switch formats without
re-pointing a citation.

The rule that makes keys unique: **the first citation with a key keeps it;
a later one with the same key gets the next free letter, from ``b``**
(``smith2020cell``, ``smith2020cellb``, ``smith2020cellc``), in output
order. So a key depends on the citation's content and on the citations
*before* it in the same output, never on its position number: combining
inputs with ``-o`` keeps every key of the first input as it was alone, and
adding inputs at the end never changes a key already written.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from hashlib import blake2b

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

_WORD = re.compile(r"[a-z0-9]+")
_MAX_PART = 24


def _ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words of ``text`` (transliterated)."""
    return _WORD.findall((text if text.isascii() else anyascii(text)).lower())


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
    title = c.title or ""
    if not title.isascii():
        title = anyascii(title)
    for m in _WORD.finditer(title.lower()):  # the first significant word: usually the first or second
        word = m.group()
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
    """The ``index``-th letter suffix: a, b, ..., z, aa, ab, ... (bijective base 26, from 0)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def make_keys(citations: Sequence[Citation]) -> list[str]:
    """Unique keys for the citations of one output, in order.

    Why: BibTeX needs unique keys, CSL-JSON unique ids, and a key must not
    change between runs on the same input, so keys come from content and
    from the citations before each one only.

    Args:
        citations: the citations, in output order.

    Returns:
        One key per citation (see the module docstring for the rule).
    """
    allocate = KeyAllocator()
    return [allocate(base_key(c)) for c in citations]


class KeyAllocator:
    """Hands out unique keys in output order: a base key the first time, then ``b``, ``c`` ...

    Why a class: :func:`make_keys` has all citations at hand, while the batch
    converter streams them and re-keys each input's share of a combined
    output as it copies it (:class:`refparse.batch.writers.Rekeyer`); both
    must give the same keys, so both ask this one allocator. It remembers
    every key handed out, in a compact table (:class:`KeySet`), because a
    later base key may equal an earlier suffixed one (``smith2020`` + ``b``
    and a title word ``B``).
    """

    def __init__(self) -> None:
        self.used = KeySet()
        self.next_index: dict[str, int] = {}  # only bases that collided: few

    def __call__(self, base: str) -> str:
        """The key for the next citation whose base key is ``base``."""
        if self.used.add(base):
            return base
        index = self.next_index.get(base, 1)
        while not self.used.add(key := base + suffix(index)):
            index += 1
        self.next_index[base] = index + 1
        return key


class KeySet:
    """A set of keys kept as 64-bit digests in one open-addressing array.

    Why not a ``set`` of strings: an output of a million references would
    hold a million string objects (about 100 MB); this table holds 16 bytes
    per key. Two keys sharing a BLAKE2 digest (odds about 1 in 30 million
    for a million keys) would only cost the second one a needless letter — still
    unique, still the same on every run.
    """

    def __init__(self) -> None:
        self.slots = array("Q", bytes(8 * 1024))
        self.count = 0

    def add(self, key: str) -> bool:
        """Add ``key``; ``False`` when it was there already."""
        digest = int.from_bytes(blake2b(key.encode(), digest_size=8).digest(), "little") or 1
        slots = self.slots
        mask = len(slots) - 1
        i = digest & mask
        while (found := slots[i]) != digest:
            if found == 0:
                slots[i] = digest
                self.count += 1
                if 2 * self.count > len(slots):
                    self._grow()
                return True
            i = (i + 1) & mask
        return False

    def _grow(self) -> None:
        old = self.slots
        self.slots = slots = array("Q", bytes(16 * len(old)))
        mask = len(slots) - 1
        for digest in old:
            if digest:
                i = digest & mask
                while slots[i]:
                    i = (i + 1) & mask
                slots[i] = digest
