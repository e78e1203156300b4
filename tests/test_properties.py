"""Hypothesis properties of the whole parser.

* References generated from random field values and rendered in the
  line-broken format (AMA and PLOS author–year) parse back to those values.
* Arbitrary text never raises anything but refparse's own errors, and every
  numbered reference that goes in comes out.
"""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refparse import parse
from refparse.lexer import classify
from refparse.noise import is_link_noise

UPPER = "ABCDEFGHIJKLMNOPRSTUVWZ"
# A surname that is also a link label ("Cas", "Crossref") is dropped as page furniture: the
# one ambiguity the generator avoids (keyword surnames such as "In" or "Online" must parse).
surnames = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(UPPER),
    st.text(alphabet="abcdefghijklmnoprstuvwyzáéöü", min_size=2, max_size=10),
).filter(lambda s: not is_link_noise(s))
initials = st.text(alphabet=UPPER, min_size=1, max_size=3)
words = st.text(alphabet=string.ascii_lowercase + "éü", min_size=3, max_size=10)
titles = st.lists(words, min_size=5, max_size=14).map(lambda w: " ".join(w).capitalize())
# A journal of one label word ("Accessed", "Online", "May") is ambiguous on its own line: left out.
journals = (
    st.lists(words, min_size=1, max_size=3)
    .map(lambda w: " ".join(x.capitalize() for x in w))
    .filter(lambda j: classify(j)[0][0] in ("TEXT", "PHRASE"))
)
years = st.integers(1900, 2030)
volumes = st.integers(1, 999)
issues = st.integers(1, 60)
first_pages = st.integers(1, 9000)
lengths = st.integers(0, 40)


@st.composite
def references(draw: st.DrawFn) -> dict:
    people = draw(st.lists(st.tuples(surnames, initials), min_size=1, max_size=6))
    first = draw(first_pages)
    return {
        "people": people,
        "et_al": draw(st.booleans()),
        "title": draw(titles),
        "journal": draw(journals),
        "year": draw(years),
        "volume": draw(volumes),
        "issue": draw(st.none() | issues),
        "first": first,
        "last": first + draw(lengths),
    }


def render_ama(ref: dict) -> list[str]:
    lines: list[str] = []
    for i, (family, initials_) in enumerate(ref["people"]):
        if i:
            lines.append(",")
        lines += [family, initials_]
    lines += [", et al", "."] if ref["et_al"] else ["."]
    lines += [ref["title"], ".", ref["journal"], ".", str(ref["year"]), ";", str(ref["volume"])]
    if ref["issue"] is not None:
        lines += ["(", str(ref["issue"]), "):"]
    else:
        lines.append(":")
    lines += [str(ref["first"]), "-", str(ref["last"]), "."]
    return lines


def render_plos(ref: dict) -> list[str]:
    lines: list[str] = []
    for i, (family, initials_) in enumerate(ref["people"]):
        if i:
            lines.append(",")
        lines += [family, initials_]
    lines += [",", "et al", ". ("] if ref["et_al"] else ["("]
    lines += [str(ref["year"]), ")", ref["title"], ".", ref["journal"], str(ref["volume"])]
    if ref["issue"] is not None:
        lines += ["(", str(ref["issue"]), "):"]
    else:
        lines.append(":")
    lines += [str(ref["first"]), "–", str(ref["last"]), "."]
    return lines


def page_text(refs: list[dict], render) -> str:  # type: ignore[no-untyped-def]
    out = ["A preface paragraph that is not a reference.", ""]
    for n, ref in enumerate(refs, start=1):
        out.append(f"{n}.")
        out += render(ref)
    out.append("Back to top")
    return "\n".join(out) + "\n"


def check(ref: dict, c) -> None:  # type: ignore[no-untyped-def]
    assert c.status == "parsed", c.warnings
    assert [(a.family, a.given) for a in c.authors] == ref["people"]
    assert c.et_al == ref["et_al"]
    assert (c.title, c.container_title) == (ref["title"], ref["journal"])
    assert (c.year, c.volume) == (ref["year"], str(ref["volume"]))
    assert c.issue == (str(ref["issue"]) if ref["issue"] is not None else None)
    assert c.pages is not None
    assert (c.pages.first, c.pages.last) == (str(ref["first"]), str(ref["last"]))


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(references(), min_size=1, max_size=5), st.sampled_from([render_ama, render_plos]))
def test_rendered_references_parse_back(refs: list[dict], render) -> None:  # type: ignore[no-untyped-def]
    result = parse(page_text(refs, render))
    assert len(result.citations) == len(refs)
    for ref, c in zip(refs, result.citations, strict=True):
        check(ref, c)


element = st.one_of(
    st.text(max_size=30),
    st.text(min_size=200, max_size=1_200),  # long lines: element length is bounded, not the input
    st.sampled_from([". " * 600, "A. " * 40, "9" * 5_000, "(" * 300, "[Google Scholar]" * 50]),
    st.sampled_from([".", ",", ";", ":", "(", ")", "):", "-", "–", ", et al", ". doi:", "In:", "2020", "12", "e5"]),
    surnames,
    initials,
)


# The deadline catches a hang (exponential backtracking took minutes), not
# speed: the first example also loads the parser tables.
@settings(max_examples=100, deadline=10_000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.lists(element, max_size=25), min_size=1, max_size=6), st.text(max_size=50))
def test_arbitrary_references_are_never_lost(blocks: list[list[str]], preface: str) -> None:
    lines = [preface.replace("\n", " ").strip() or "Preface.", ""]
    for n, block in enumerate(blocks, start=1):
        lines.append(f"{n}.")
        # A line that is itself a label of the next number would legitimately
        # start a new reference; keep generated content free of such lines.
        lines += [e.replace("\n", " ").replace("\r", " ") for e in block if not e.strip().rstrip(".").isdigit()]
    result = parse("\n".join(lines))  # documented never to raise on text
    assert [c.number for c in result.citations] == list(range(1, len(blocks) + 1))
    for c in result.citations:
        assert c.status == "parsed" or (c.reason and c.raw is not None)


@settings(max_examples=200)
@given(st.text())
def test_any_text_gives_a_result(text: str) -> None:
    result = parse(text)  # documented never to raise on text: no reference list is an empty result
    for c in result.citations:
        assert c.number is not None
