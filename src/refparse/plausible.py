"""Stage 5 — plausibility: a parse whose fields do not make sense says so.

The grammar accepts a reference when its token types fit a rule; it cannot
see that the "title" is a given name (``BARTHES, Roland.`` read as an
organisation and a title), that the "journal" is a label word (``v.``), or
that a year sits where no year can. A wrong answer reported as a success is
the worst outcome, so each citation the grammar accepted is checked here, on
its values, and one that fails a check becomes ``status="suspect"`` with a
``suspect`` warning per reason. Its fields are kept as parsed: the user (or
a later stage) decides; every output carries the status and the reason.

Each check is a small pure function from a citation to a reason (or
``None``), listed in :data:`CHECKS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .models import Citation, Diagnostic, Organization, Person

#: Words that label a part of a reference and are never a journal, a title or a name.
LABEL_WORDS = frozenset(
    "v v. vol vol. vols n n. no no. nº p p. pp pp. pag pág in in: em em: en en: et al et al. eds eds. ed ed. "
    "editor editors org org. orgs orgs. doi doi: pmid available accessed disponível acesso cited s.l. s.n. "
    "internet online".split()
)
_CAPITALISED_WORDS = re.compile(r"[A-ZÀ-Þ][a-zß-ÿ]+(?: (?:d[aeo]s?|de|del|van|von|[A-ZÀ-Þ][a-zß-ÿ]+)){0,3}")
_YEARISH = re.compile(r"(?:1[5-9]|20)\d\d")


def _label_as_field(c: Citation) -> str | None:
    """A label word taken for the journal, the book or the title ("v.", "In:", "et al.")."""
    # three calls rather than a loop over (name, value) pairs: this runs for every reference
    return _label_in("journal", c.container_title) or _label_in("title", c.title) or _label_in("publisher", c.publisher)


def _label_in(name: str, value: str | None) -> str | None:
    """The reason when ``value`` is a label word, else ``None``."""
    if value is not None and value.strip().casefold().rstrip(",;:") in LABEL_WORDS:
        return f"the {name} is the label {value.strip()!r}"
    return None


def _title_is_a_name(c: Citation) -> str | None:
    """A title of capitalised name words printed right after a comma and an author in capitals.

    ``BARTHES, Roland.`` read as the organisation BARTHES and the title
    "Roland" (ABNT's full given names): the reading a reader would never make.
    """
    if c.title is None or len(c.authors) != 1 or not isinstance(c.authors[0], Organization):
        return None
    org = c.authors[0].name
    given = c.title.strip(" .")
    printed_after = re.match(rf"\s*{re.escape(org)}\s*,\s*{re.escape(given)}", c.raw) is not None
    if org.isupper() and printed_after and _CAPITALISED_WORDS.fullmatch(given):
        return f"the title {c.title!r} reads as the given name of {org!r}"
    return None


def _label_as_name(c: Citation) -> str | None:
    """An author whose surname is a label word ("In", "Available", "Disponível")."""
    for p in (*c.authors, *c.editors):
        # "not p.given" before the label test: most names have given names, and it is cheaper
        if isinstance(p, Person) and not p.given and p.family.casefold().rstrip(".:") in LABEL_WORDS:
            return f"the author {p.family!r} is a label word"
    return None


def _pages_backwards(c: Citation) -> str | None:
    """A page range that ends before it starts (both numbers)."""
    pages = c.pages
    if pages is None or pages.last is None or not (pages.first.isdigit() and pages.last.isdigit()):
        return None
    if int(pages.last) < int(pages.first):
        return f"the pages {pages.printed!r} end before they start"
    return None


def _year_in_a_number_field(c: Citation) -> str | None:
    """No date, but a year-shaped volume or first page: the year went to the wrong field."""
    if c.date is not None:
        return None
    for name, value in (("volume", c.volume), ("first page", c.pages.first if c.pages else None)):
        if value is not None and _YEARISH.fullmatch(value):
            return f"no year, and the {name} {value!r} looks like one"
    return None


def _title_opens_with_and(c: Citation) -> str | None:
    """A title that opens with "and" or "&" before a capital: the last author's name run into it."""
    title = c.title
    if title is not None and title[:2] in ("an", "& ") and _AND_NAME.match(title):
        return f"the title {title[:40]!r} opens with the last of the authors"
    return None


_AND_NAME = re.compile(r"(?:and|&) [A-ZÀ-Þ]")


def _title_is_a_journal(c: Citation) -> str | None:
    """No journal, a volume or pages, and a title of dotted abbreviations only ("Phys. Rev. Lett.").

    Physics and chemistry styles print no title: the journal then stands
    where a title stands, and the grammar reads it as one.
    """
    title = c.title
    if title is None or c.container_title is not None or (c.volume is None and c.pages is None):
        return None
    if _DOTTED_JOURNAL.fullmatch(title.strip()):
        return f"the title {title!r} reads as an abbreviated journal's name, and there is no journal"
    return None


_DOTTED_JOURNAL = re.compile(r"(?:(?:[A-ZÀ-Þ][a-zß-ÿ]{0,8}|&|of)\.? ){1,5}[A-ZÀ-Þ][a-zß-ÿ]{0,8}\.")


def _organization_runs_on(c: Citation) -> str | None:
    """An organisation as author that holds "et al.", two names with initials or a year: a list read as one name."""
    for a in c.authors:
        if isinstance(a, Organization) and (
            _ETAL_INSIDE.search(a.name) or len(_PERSON_INSIDE.findall(a.name)) >= 2 or _YEAR_INSIDE.search(a.name)
        ):
            return f"the author {a.name[:50]!r}… reads as a whole list of names, or more"
    return None


_ETAL_INSIDE = re.compile(r"\bet al\b")
_PERSON_INSIDE = re.compile(r"[A-ZÀ-Þ][a-zß-ÿ'-]+ [A-Z]{1,3}(?:-[a-z])?,")
_YEAR_INSIDE = re.compile(r"\((?:1[5-9]|20)\d\d[a-z]?\)")

#: The checks, in the order their reasons are reported.
CHECKS: tuple[Callable[[Citation], str | None], ...] = (
    _label_as_field,
    _title_is_a_name,
    _label_as_name,
    _pages_backwards,
    _year_in_a_number_field,
    _title_opens_with_and,
    _title_is_a_journal,
    _organization_runs_on,
)


def doubts(c: Citation) -> list[str]:
    """Every reason to doubt a citation's fields (empty when none).

    Args:
        c: a citation as the parser made it.

    Returns:
        One sentence per failed check.
    """
    return [reason for check in CHECKS if (reason := check(c)) is not None]


def check(c: Citation) -> Citation:
    """The citation, marked ``suspect`` with one warning per doubt when any check fails.

    Only a ``parsed`` citation is checked: a recovered one already says what
    went wrong.

    Args:
        c: a citation as the parser made it.

    Returns:
        ``c`` itself when nothing is doubtful, else a copy with
        ``status="suspect"`` and the reasons as ``suspect`` warnings.
    """
    if c.status != "parsed":
        return c
    reasons = doubts(c)
    if not reasons:
        return c
    line = c.span.start if c.span else None
    extra = tuple(Diagnostic(code="suspect", message=f"doubtful: {r}", line=line) for r in reasons)
    return c.model_copy(update={"status": "suspect", "warnings": (*c.warnings, *extra)})
