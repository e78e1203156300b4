"""Stage 2 — cutting a page into preface, numbered blocks and trailing furniture."""

from __future__ import annotations

import pytest

from refparse.layouts.linebroken.split import split_document
from refparse.noise import is_link_noise, is_noise
from refparse.read import iter_lines


def _doc(text: str):  # type: ignore[no-untyped-def]
    return split_document(list(iter_lines(text)))


def test_preface_blocks_and_noise() -> None:
    doc = _doc("An abstract. 3. Not a label\n\n1.\nGupta\nS\n.\n2.\nRau\nRE\n.\nBack to top\nComments (0)\n")
    assert [line.text for line in doc.preface] == ["An abstract. 3. Not a label"]
    assert [(b.number, [line.text for line in b.lines]) for b in doc.blocks] == [
        (1, ["Gupta", "S", "."]),
        (2, ["Rau", "RE", "."]),
    ]
    assert [line.text for line in doc.noise] == ["Back to top", "Comments (0)"]
    assert doc.blocks[1].span == (7, 10)


def test_the_longest_run_of_consecutive_labels_wins() -> None:
    # "12." inside reference 1 (a volume printed with a dot) must not start a block.
    doc = _doc("1.\nA\n12.\nB\n2.\nC\n3.\nD\n")
    assert [b.number for b in doc.blocks] == [1, 2, 3]
    assert [line.text for line in doc.blocks[0].lines] == ["A", "12.", "B"]


def test_bracket_labels_are_labels() -> None:
    assert [b.number for b in _doc("[1]\nA\n[2]\nB\n").blocks] == [1, 2]


def test_no_labels_means_no_blocks() -> None:
    doc = _doc("just prose\nmore prose\n")
    assert doc.blocks == () and len(doc.preface) == 2


def test_a_surname_that_is_also_a_furniture_word_stays_inside_a_reference() -> None:
    doc = _doc("1.\nClose\nT\n,\nTournier\nJD\n.\nTitle\n.\n2.\nX\nY\n.\nClose\n")
    assert [line.text for line in doc.blocks[0].lines][:2] == ["Close", "T"]
    assert [line.text for line in doc.noise] == ["Close"]


@pytest.mark.parametrize(
    ("line", "link", "page"),
    [
        pytest.param("Google Scholar", True, True, id="link"),
        pytest.param("[CrossRef]", True, True, id="bracketed-link"),
        pytest.param("PubMed | Google Scholar", True, True, id="link-list"),
        pytest.param("Article", True, True, id="nature-link"),
        pytest.param("ADS", True, True, id="nature-ads-link"),
        pytest.param("PubMed Abstract", True, True, id="frontiers-link"),
        pytest.param("|", True, True, id="link-separator"),
        pytest.param("View in Scopus", True, True, id="elsevier-link"),
        pytest.param("Web of Science®", True, True, id="wiley-link"),
        pytest.param("Show more", False, True, id="page-show-more"),
        pytest.param("Download PDF", False, True, id="page"),
        pytest.param("Comments (12)", False, True, id="comments"),
        pytest.param("Blood", False, False, id="journal"),
        pytest.param("PubMed:", False, False, id="pmid-label"),
    ],
)
def test_noise_phrases(line: str, link: bool, page: bool) -> None:
    assert is_link_noise(line) is link
    assert is_noise(line) is page


def test_stream_holds_one_block_at_a_time() -> None:
    from refparse.layouts.linebroken.split import DocumentStream

    def lines():  # type: ignore[no-untyped-def]
        yield from iter_lines("Preface\n")
        for n in range(1, 10_001):
            yield from iter_lines(f"{n}.\nGupta\nS\n.\n")

    stream = DocumentStream(lines())
    it = iter(stream)
    first = next(it)
    assert first.number == 1 and [x.text for x in first.lines] == ["Gupta", "S", "."]
    assert [x.text for x in stream.preface] == ["Preface"]
    assert sum(1 for _ in it) == 9_999


def test_list_without_label_one_falls_back_to_the_longest_chain() -> None:
    doc = _doc("Preface 3.\n5.\nA\n6.\nB\n7.\nC\n")
    assert [b.number for b in doc.blocks] == [5, 6, 7]


def test_a_numbered_list_in_the_preface_is_not_the_reference_list() -> None:
    text = "Key points\n1.\nFirst point\n2.\nSecond point\n3.\nThird point\n\n"
    text += "".join(f"{n}.\nAuthor{n}\nA\n.\nTitle {n}\n.\n" for n in range(1, 6))
    doc = _doc(text)
    assert [b.number for b in doc.blocks] == [1, 2, 3, 4, 5]
    assert doc.blocks[0].lines[0].text == "Author1"
    assert "First point" in [line.text for line in doc.preface]


def test_a_stray_label_inside_a_reference_does_not_restart_the_list() -> None:
    text = "".join(f"{n}.\nAuthor{n}\nA\n.\n" + ("1.\n" if n == 3 else "") for n in range(1, 8))
    doc = _doc(text)
    assert [b.number for b in doc.blocks] == list(range(1, 8))
    assert [line.text for line in doc.blocks[2].lines] == ["Author3", "A", ".", "1."]


def _page(title: str, n: int) -> str:
    refs = "".join(f"{k}.\n{title}{k}\nA\n.\n" for k in range(1, n + 1))
    return f"Preface of {title}.\n\n{refs}Back to top\nDownload PDF\n"


def test_pages_pasted_together_restart_the_numbering() -> None:
    from refparse.layouts.linebroken.split import DocumentStream

    stream = DocumentStream(iter_lines(_page("First", 4) + _page("Second", 3)))
    blocks = list(stream)
    assert [(b.list_number, b.number) for b in blocks] == [(1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (2, 2), (2, 3)]
    # the furniture and the next page's preface are not part of reference 4
    assert [line.text for line in blocks[3].lines] == ["First4", "A", "."]
    assert [line.text for line in stream.preface] == ["Preface of First.", "Preface of Second."]
    assert [line.text for line in stream.noise] == ["Back to top", "Download PDF"] * 2
    assert stream.restarts == [blocks[4].label_line]


def test_a_restart_without_furniture_keeps_the_text_between_with_the_reference() -> None:
    text = "1.\nA1\n.\n2.\nA2\n.\n3.\nA3\n.\nAn unmarked paragraph\n1.\nB1\n.\n2.\nB2\n.\n"
    blocks = _doc(text).blocks
    assert [(b.list_number, b.number) for b in blocks] == [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2)]
    assert [line.text for line in blocks[2].lines] == ["A3", ".", "An unmarked paragraph"]


def test_a_one_without_a_two_after_it_is_not_a_restart() -> None:
    text = "1.\nA1\n.\n2.\nA2\n1.\n.\n3.\nA3\n.\n"
    blocks = _doc(text).blocks
    assert [(b.list_number, b.number) for b in blocks] == [(1, 1), (1, 2), (1, 3)]
    assert [line.text for line in blocks[1].lines] == ["A2", "1.", "."]
