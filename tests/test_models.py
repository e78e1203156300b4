"""The models: impossible values become warnings, never exceptions."""

from __future__ import annotations

import pytest

from refparse.models import Citation, Diagnostic, ParseResult, Person


def test_impossible_year_is_dropped_with_a_warning() -> None:
    c = Citation.model_validate({"title": "T", "date": {"year": 3025}})
    assert c.date is None
    assert [w.code for w in c.warnings] == ["year-range"]


def test_empty_family_name_is_dropped_with_a_warning() -> None:
    c = Citation.model_validate(
        {"authors": ({"kind": "person", "family": " "}, {"kind": "person", "family": "Gupta", "given": "S"})}
    )
    assert [a.family for a in c.authors if isinstance(a, Person)] == ["Gupta"]
    assert [w.code for w in c.warnings] == ["empty-name"]


def test_person_requires_a_family_name() -> None:
    with pytest.raises(ValueError):
        Person(family="")


def test_models_are_frozen_values() -> None:
    c = Citation(title="T")
    with pytest.raises(ValueError):
        c.title = "other"  # type: ignore[misc]
    assert c.model_copy(update={"title": "U"}).title == "U"


def test_failures_list_recovered_citations_with_their_reason() -> None:
    ok = Citation(number=1, title="T")
    bad = Citation(
        number=2, raw="Gupta S,", status="recovered",
        warnings=(Diagnostic(code="grammar", message="not parsed: the reference ends too early", line=3),),
    )
    result = ParseResult(citations=(ok, bad))
    assert [(f.number, f.raw, f.reason) for f in result.failures] == [
        (2, "Gupta S,", "not parsed: the reference ends too early")
    ]
