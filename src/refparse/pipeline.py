"""The pipeline: read → split → tokenize → parse → fill → validate → check.

:func:`parse` reads like the stages it calls; :class:`CitationStream` is the
streaming form the batch converter uses so that memory stays flat however
long the list is. Which layout cuts the text (split, tokenize) comes from
the registry (:mod:`refparse.layouts`); from the tokens on every layout
shares the same stages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from . import layouts, plausible
from .errors import InputError, OptionError
from .fill import fill
from .layouts.base import Block, Layout, Lexed
from .models import Citation, Diagnostic, ParseResult, Span
from .parser import unexpected
from .parts import Plan
from .plans import plan_for
from .read import iter_lines

#: ``Citation.model_validate`` without its Python wrapper (this runs once per reference).
_CITATION: Callable[[dict[str, Any]], Citation] = Citation.__pydantic_validator__.validate_python


def layout_named(name: str) -> Layout:
    """The layout called ``name``.

    Raises:
        OptionError: no layout has that name (a document format such as
            ``card`` is read by :func:`refparse.parse_any`, not streamed).
    """
    found = layouts.get(name)
    if not layouts.is_layout(found):
        raise OptionError(f"{name!r} is not a reference-list layout (layouts: {', '.join(_layout_names())})")
    return found


def _layout_names() -> tuple[str, ...]:
    return tuple(f.name for f in layouts.layouts())


def _default_layout() -> Layout:
    return layout_named(layouts.DEFAULT)


def parse_block(block: Block, layout: Layout | None = None, previous: Citation | None = None) -> Citation:
    """Parse one reference block into a citation; never raises.

    Args:
        block: a reference from a layout's splitter.
        layout: the layout that split it (default: :data:`refparse.layouts.DEFAULT`).
        previous: the reference before it, whose authors a same-author dash
            ("———.") stands for.

    Returns:
        The citation; ``status="recovered"`` with a ``grammar`` warning when
        the grammar rejected some or all of it. Should anything else go
        wrong (a bug), the reference is still returned, with its raw text
        and an ``internal`` warning, so one reference never costs the rest.
    """
    layout = layout or _default_layout()
    try:
        return _parse_block(block, layout, previous)
    except Exception as e:
        start, end = block.span
        warning = Diagnostic(code="internal", message=f"not parsed: internal error ({type(e).__name__}: {e})",
                             line=start)
        return Citation(number=block.number, list_number=block.list_number if block.list_number > 1 else None,
                        raw=layout.raw_text(block), span=Span(start=start, end=end), status="recovered",
                        warnings=(warning,))


def _parse_block(block: Block, layout: Layout, previous: Citation | None) -> Citation:
    lexed = layout.tokenize(block)
    tokens = lexed.tokens
    plan = plan_for(tokens)
    start, end = block.span
    warnings: list[Diagnostic] = []
    if plan.failed:
        if not tokens.types:
            warnings.append(Diagnostic(code="empty", message="the reference has no text", line=start))
        elif plan.failed_at is not None:
            at = plan.failed_at.at
            line = lexed.line_of(at)
            message = "not parsed: " + unexpected(tokens, at, plan.failed_at.expected, line)
            warnings.append(Diagnostic(code="grammar", message=message, line=line))
        else:
            warnings.append(Diagnostic(code="grammar", message=plan.reason or "not parsed", line=start))
    for r in plan.rejections:
        line = lexed.line_of(r.at)
        warnings.append(
            Diagnostic(code="grammar", message="skipped: " + unexpected(tokens, r.at, r.expected, line), line=line)
        )
    fields = fill(plan, tokens.values)
    if fields.pop("same_authors", False):
        fields = _same_authors(fields, previous, warnings, start)
    if plan.unplaced:
        fields = _keep_unplaced(fields, plan, lexed, warnings)
    citation = _CITATION(
        {
            **fields,
            "number": block.number,
            "list_number": block.list_number if block.list_number > 1 else None,
            "raw": lexed.raw,
            "span": {"start": start, "end": end},
            "status": "recovered" if any(w.code != "unplaced" for w in warnings) else "parsed",
            "warnings": tuple(warnings),
        }
    )
    return plausible.check(citation)


def _same_authors(
    fields: dict[str, Any], previous: Citation | None, warnings: list[Diagnostic], line: int
) -> dict[str, Any]:
    """"———." stands for the previous reference's authors (Chicago, MLA, ABNT)."""
    if previous is None or not previous.authors:
        warnings.append(Diagnostic(code="same-authors", line=line,
                                   message="a same-author dash with no authors before it to stand for"))
        return fields
    return {**fields, "authors": previous.authors, "et_al": previous.et_al}


def _keep_unplaced(fields: dict[str, Any], plan: Plan, lexed: Lexed, warnings: list[Diagnostic]) -> dict[str, Any]:
    """Put the elements holding text no field took into the note, with one warning.

    Why: the grammar accepts some elements it has no field for (a page
    count "425 p", an epub date, a second title); dropping them would lose
    what the user pasted without a word. Whole elements, as printed, so
    that "425 p" keeps its "p".
    """
    at = lexed.tokens.at
    elements = dict.fromkeys(at[i] for i in plan.unplaced)
    texts = [lexed.texts[e] for e in elements]
    shown = "; ".join(repr(t) for t in texts[:3]) + (f" and {len(texts) - 3} more" if len(texts) > 3 else "")
    warnings.append(Diagnostic(code="unplaced", message=f"kept in the note, no field for it: {shown}",
                               line=lexed.lines[next(iter(elements))]))
    kept = "refparse: not placed in a field: " + "; ".join(texts)
    return {**fields, "note": f"{fields['note']}\n{kept}" if fields.get("note") else kept}


class CitationStream:
    """Citations of one input, parsed one reference at a time.

    Iterate it for the citations; afterwards :meth:`result` gives the
    document-level parts (preface, noise, warnings) without the citations
    having been held in memory.

    Example::

        with open("page.txt", encoding="utf-8") as f:
            stream = CitationStream(f, "linebroken")
            for citation in stream:
                write(citation)
    """

    def __init__(self, source: str | Iterable[str], layout: Layout | str | None = None) -> None:
        if isinstance(layout, str):
            layout = layout_named(layout)
        self.layout: Layout = layout or _default_layout()
        self._document = self.layout.split(iter_lines(source, self.layout.indented))
        self.count = 0

    def __iter__(self) -> Iterator[Citation]:
        layout = self.layout
        previous = None
        for block in self._document:
            self.count += 1
            previous = parse_block(block, layout, previous)
            yield previous

    def result(self, citations: tuple[Citation, ...] = ()) -> ParseResult:
        """The document's result; pass the citations to include them."""
        warnings = []
        if not self.count:
            warnings.append(Diagnostic(code="no-references", message="no numbered references found"))
        for k, line in enumerate(self._document.restarts, start=2):
            warnings.append(Diagnostic(code="restart", line=line,
                                       message=f"the numbering starts again at line {line}: read as list {k}"))
        return ParseResult(
            citations=citations,
            preface=" ".join(line.text for line in self._document.preface) or None,
            noise=tuple(line.text for line in self._document.noise),
            format=self.layout.name,
            warnings=tuple(warnings),
        )


def parse(text: str | Iterable[str], layout: Layout | str | None = None) -> ParseResult:
    """Parse a reference list into citations.

    Args:
        text: the whole input (preface, references, page furniture), as a
            string or an iterable of lines.
        layout: a layout or its name (``linebroken``, ``flat``); by default
            detected from a string among the layouts, and
            :data:`refparse.layouts.DEFAULT` for an iterable of lines.

    Returns:
        A :class:`ParseResult` with one citation per reference, in order.
    """
    if layout is None and isinstance(text, str):
        try:
            layout = layout_named(layouts.detect(text, among=_layout_names()).name)
        except InputError:
            layout = None  # no list found: the default layout says so (a no-references warning)
    stream = CitationStream(text, layout)
    return stream.result(tuple(stream))
