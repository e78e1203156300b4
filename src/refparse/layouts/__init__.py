"""The input formats refparse reads, in one registry.

Two kinds share it:

* **layouts** (:class:`~refparse.layouts.base.Layout`) — how a reference
  list sits in a text; each splits the text into references and tokenizes a
  reference into the grammar's vocabulary, and from there the shared parse
  stage takes over: ``linebroken`` (a journal page, one element per line)
  and ``flat`` (one reference per line or paragraph);
* **document formats** — texts read whole by their own reader: ``card``
  (article summary cards).

Every format says how sure it is that a text is in it
(``recognise(text) -> float``) on one shared scale: a card with three
landmarks 3, labels on lines of their own 2, a flat reference list 1.5, a
card with two landmarks 1, nothing 0. :func:`detect` takes the surest (the
earlier on a tie). The detector, the pipeline and the batch converter ask
this registry and never name a format, so a new format is one entry in
:data:`_ENTRIES`.

Recognisers look at the content only, never at a file name: text arrives on
stdin as often as from a file.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

from ..errors import InputError, OptionError

if TYPE_CHECKING:  # pragma: no cover
    from typing_extensions import TypeIs

    from ..models import ParseResult
    from .base import Layout

#: The layout used when none is given and none can be detected (an iterable of lines).
DEFAULT = "linebroken"

#: Every format: (name, module, attribute, the format's ``best``), in detection order on a tie.
#: ``best`` is repeated here (a test holds it equal to the format's own) so that detection
#: imports a format only when it is asked: a line-broken page never loads the flat layout's
#: name patterns, a quarter of a one-reference conversion's start-up.
_ENTRIES = (
    ("card", "refparse.layouts.card", "FORMAT", 3.0),
    ("linebroken", "refparse.layouts.linebroken", "LAYOUT", 2.0),
    ("flat", "refparse.layouts.flat", "LAYOUT", 1.5),
)


class DocumentFormat(Protocol):
    """A format read whole by its own reader (a card file)."""

    name: str
    best: float

    def recognise(self, text: str) -> float: ...

    def parse(self, text: str) -> ParseResult: ...



def names() -> tuple[str, ...]:
    """Names of the known formats, in registry order (for ``--from`` choices)."""
    return tuple(entry[0] for entry in _ENTRIES)


@cache
def get(name: str) -> Layout | DocumentFormat:
    """The format called ``name``.

    Raises:
        OptionError: no format has that name.
    """
    _, module, attribute, _ = _entry(name)
    return getattr(import_module(module), attribute)  # type: ignore[no-any-return]


def _entry(name: str) -> tuple[str, str, str, float]:
    """The registry's entry for ``name``; :class:`OptionError` when there is none."""
    for entry in _ENTRIES:
        if entry[0] == name:
            return entry
    raise OptionError(f"unknown input format {name!r} (known: {', '.join(names())})")


def is_layout(fmt: Layout | DocumentFormat) -> TypeIs[Layout]:
    """Whether ``fmt`` is a layout (split and tokenized) rather than read whole."""
    from .base import Layout

    return isinstance(fmt, Layout)


def layouts() -> tuple[Layout, ...]:
    """The layouts, in registry order."""
    out: list[Layout] = []
    for name in names():
        fmt = get(name)
        if is_layout(fmt):
            out.append(fmt)
    return tuple(out)


def detect(text: str, source: str | None = None, among: tuple[str, ...] | None = None) -> Layout | DocumentFormat:
    """The format a text is in, decided from its content.

    Formats are asked surest first (by the most each can say, ``best``), and
    asking stops once no format left could be surer than the answer so far.

    Args:
        text: the whole input (or its head).
        source: a name for the input in error messages (a path, ``<stdin>``).
        among: only these format names (default: all).

    Returns:
        The format that is surest; on a tie, the earlier in the registry.

    Raises:
        InputError: no format recognises the text; the message names those tried.
    """
    candidates = [_entry(name) for name in (among or names())]
    order = sorted(range(len(candidates)), key=lambda i: -candidates[i][3])
    found: tuple[float, int] | None = None  # (score, registry position)
    for i in order:
        if found is not None and candidates[i][3] < found[0]:
            break
        score = get(candidates[i][0]).recognise(text)
        if score > 0 and (found is None or (score, -i) > (found[0], -found[1])):
            found = (score, i)
    if found is None:
        tried = ", ".join(entry[0] for entry in candidates)
        raise InputError(f"not a known input format (tried: {tried})", source)
    return get(candidates[found[1]][0])
