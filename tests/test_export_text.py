"""CSL-JSON through the schema, and formatted bibliographies through citeproc-py."""


from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from export_roundtrip import FIXTURES, SEED, check_golden, citations_of, csl_schema, input_fixtures, make_citation
from refparse.errors import OptionError
from refparse.export.csljson import to_csl_json
from refparse.export.text import STYLES, TextOptions, available_styles, citeproc_item, style_path, to_text
from refparse.models import Citation, Organization, Person

#: The seed has one entry per reference; every style prints the first one so.
SEED_FIRST = {
    "vancouver": "1. Gupta S, Rau RE, Kairalla JA, et al. Blinatumomab in standard-risk B-cell acute "
    "lymphoblastic leukemia in children. N Engl J Med. 2025;392(9):875–91.",
    "ama": "1. Gupta S, Rau RE, Kairalla JA, et al. Blinatumomab in standard-risk B-cell acute "
    "lymphoblastic leukemia in children. N Engl J Med. 2025;392(9):875-891.",
    "ieee": "[1] S. Gupta, R. E. Rau, J. A. Kairalla, et al., “Blinatumomab in standard-risk B-cell acute "
    "lymphoblastic leukemia in children”, N Engl J Med, vol. 392, no. 9, pp. 875–891, 2025.",
    "nature": "1. Gupta, S., Rau, R. E., Kairalla, J. A., et al. Blinatumomab in standard-risk B-cell acute "
    "lymphoblastic leukemia in children. N Engl J Med 392, 875–891 (2025).",
}


@pytest.mark.parametrize("fixture", input_fixtures(), ids=lambda p: p.stem)
def test_every_fixture_is_valid_csl_json(fixture: Path) -> None:
    items = json.loads(to_csl_json(citations_of(fixture)))
    jsonschema.validate(items, csl_schema())
    assert len(items) == len(citations_of(fixture))


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("fixture", input_fixtures(), ids=lambda p: p.stem)
def test_every_fixture_renders_in_every_style(fixture: Path, style: str) -> None:
    citations = citations_of(fixture)
    lines = to_text(citations, TextOptions(style=style)).splitlines()
    assert len(lines) == len(citations)
    assert all(line.strip() for line in lines)
    assert not any("\ue000" in line for line in lines)
    assert sum("et al." in line for line in lines) >= sum(c.et_al for c in citations)


def test_seed_golden_vancouver() -> None:
    check_golden(FIXTURES / "seed000.expected.vancouver.txt", to_text(citations_of(SEED)))


@pytest.mark.parametrize("style", sorted(SEED_FIRST))
def test_seed_first_entry(style: str) -> None:
    assert to_text(citations_of(SEED)[:1], TextOptions(style=style)) == SEED_FIRST[style] + "\n"


def test_author_date_styles_sort_by_author() -> None:
    lines = to_text(citations_of(SEED)[:3], TextOptions(style="apa")).splitlines()
    assert [line.split(",")[0] for line in lines] == ["Brown", "Gupta", "van der Sluis"]


def test_citeproc_item_is_what_citeproc_py_reads() -> None:
    c = citations_of(SEED)[25]
    item = citeproc_item(c, 0)
    assert item["event"] == "EHA Library"
    assert "event-title" not in item and "custom" not in item and "note" not in item


def test_html_escapes_the_data_but_keeps_the_style_markup() -> None:
    c = make_citation(
        title="<script>alert(1)</script> & co",
        authors=(Person(family="<b>Evil</b>", given="A", initials="A."), Organization(name="A & B")),
    )
    html = to_text([c], TextOptions(style="apa", format="html"))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "<i>J Test</i>" in html


def test_et_al_uses_the_locale() -> None:
    c = make_citation(et_al=True)
    assert "Gupta S, et al." in to_text([c])
    assert "Gupta S, u.\u00a0a." in to_text([c], TextOptions(locale="de-DE"))


def test_a_name_ending_in_and_is_not_eaten() -> None:
    c = make_citation(authors=(Organization(name="Rock and Band"),), et_al=True)
    assert "Rock and Band, et al." in to_text([c], TextOptions(style="ieee"))


def test_recovered_reference_is_printed_as_printed() -> None:
    c = make_citation(status="recovered", raw="Smith J. Something <odd>.")
    assert to_text([c]) == "1. Smith J. Something <odd>.\n"  # no diagnostic in the bibliography
    assert to_text([c], TextOptions(annotate=True)).endswith(
        "[refparse: not fully parsed; as printed: Smith J. Something <odd>.]\n"
    )
    html = to_text([c], TextOptions(format="html"))
    assert "Something &lt;odd&gt;." in html


def test_one_line_per_entry_whatever_the_title() -> None:
    c = make_citation(title="First line\n2. A fake second entry\r\n3. another")
    assert len(to_text([c, c]).splitlines()) == 2


def test_unknown_style_and_format() -> None:
    with pytest.raises(OptionError, match="unknown style 'harvard9'"):
        to_text([make_citation()], TextOptions(style="harvard9"))
    with pytest.raises(OptionError, match="unknown text format"):
        to_text([make_citation()], TextOptions(format="rtf"))  # type: ignore[arg-type]


def test_style_names_and_paths(tmp_path: Path) -> None:
    assert style_path("vancouver").name == "nlm-citation-sequence.csl"
    assert style_path("nlm") == style_path("vancouver")
    assert {"vancouver", "apa", "chicago-author-date", "ieee", "nature"} <= set(available_styles())
    own = tmp_path / "mine.csl"
    shutil.copy(style_path("ama"), own)
    assert to_text([make_citation()], TextOptions(style=str(own))) == to_text(
        [make_citation()], TextOptions(style="ama")
    )


def test_every_shipped_style_file_says_cc_by_sa() -> None:
    for name in STYLES:
        assert "creativecommons.org/licenses/by-sa/3.0" in style_path(name).read_text(encoding="utf-8")


def test_empty_bibliography() -> None:
    assert to_text([]) == ""


def test_chicago_on_a_chapter() -> None:
    c: Citation = make_citation(
        type="chapter",
        editors=(Person(family="Brown", given="DD", initials="D.D."),),
        container_title="Developmental Biology",
        publisher="Academic Press",
        publisher_place="New York",
    )
    line = to_text([c], TextOptions(style="chicago-author-date"))
    assert "Developmental Biology" in line and "Academic Press" in line
