"""The web app in process (Starlette's test client): pages, edits, downloads, API, limits, safety.

The browser tests (``test_web_browser.py``) drive the same app in Chromium;
these cover what needs no browser, quickly and exhaustively.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from conftest import FIXTURES
from crossref_server import CrossrefStub
from refparse import parse_any
from refparse.web import create_app
from refparse.web.guard import CSP, Guard
from refparse.web.settings import WebSettings, enrich_settings
from web_data import (
    HOSTILE_PAGE,
    SEED_REFERENCES,
    SEED_TEXT,
    bibtex_fields,
    crossref_records,
    read_download,
)

BASE = "http://127.0.0.1:8000"
CARD_TEXT = (FIXTURES / "card001.txt").read_text(encoding="utf-8")


def client(settings: WebSettings | None = None) -> TestClient:
    return TestClient(create_app(settings), base_url=BASE)


@pytest.fixture(scope="module")
def app_client() -> Iterator[TestClient]:
    with client() as c:
        yield c


def paste(c: TestClient, text: str, fmt: str = "", **files: bytes) -> str:
    """Paste (and upload) through the start page's form; the review page's URL path, once it is read.

    A paste that takes longer than the server waits (a cold parser cache on a busy machine) shows
    "Reading…" first, as a browser would see it; this waits for the review as the page's refresh does.
    """
    uploads = [("files", (name, data, "text/plain")) for name, data in files.items()]
    r = c.post("/documents", data={"text": text, "format": fmt}, files=uploads or None, follow_redirects=False)
    assert r.status_code == 303, r.text
    doc = str(r.headers["location"])
    deadline = time.monotonic() + 120
    while "Reading the references" in c.get(doc).text and time.monotonic() < deadline:
        time.sleep(0.05)
    return doc


def articles(html: str) -> list[str]:
    return re.findall(r'<article class="ref[^"]*" id="ref-(\d+)"', html)


@pytest.fixture(scope="module")
def seed_doc(app_client: TestClient) -> str:
    return paste(app_client, SEED_TEXT)


class Scripts(HTMLParser):
    """Every script element and event-handler attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.sources: list[str] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        self.handlers += [k for k, _ in attrs if k.startswith("on")]
        self.styles += [k for k, _ in attrs if k == "style"]
        if tag == "style":
            self.styles.append("<style>")
        if tag == "script":
            if names.get("src"):
                self.sources.append(str(names["src"]))
            else:
                self._in_script = True

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"


def scripts_of(html: str) -> Scripts:
    parser = Scripts()
    parser.feed(html)
    return parser


# --------------------------------------------------------------------------- pages and headers
def test_every_page_has_the_security_headers_and_no_inline_script(app_client: TestClient, seed_doc: str) -> None:
    pages = ["/", seed_doc, seed_doc + "/refs/0", seed_doc + "/refs/0/edit", "/api", "/documents/unknown"]
    for path in pages:
        r = app_client.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-content-type-options"] == "nosniff"
        found = scripts_of(r.text)
        assert (found.inline, found.handlers, found.styles) == ([], [], []), path
        assert all(src.startswith("/static/") for src in found.sources), path
    policy = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'none'"
    assert "unsafe" not in CSP


def test_static_files_are_served_from_the_package(app_client: TestClient) -> None:
    htmx = app_client.get("/static/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text[:200]
    assert "Zero-Clause BSD" in app_client.get("/static/htmx.LICENSE.txt").text
    assert app_client.get("/static/app.js").status_code == 200
    assert app_client.get("/static/app.css").status_code == 200


def test_start_page_offers_every_input_format_and_states_the_limit(app_client: TestClient) -> None:
    html = app_client.get("/").text
    from refparse.detect import format_names

    for name in format_names():
        assert f'<option value="{name}"' in html
    assert "Up to 5 MB per request" in html
    assert 'data-max-size="5242880"' in html


# --------------------------------------------------------------------------- review
def test_seed_page_gives_68_rows_with_counts_and_detected_format(app_client: TestClient, seed_doc: str) -> None:
    html = app_client.get(seed_doc).text
    assert articles(html) == [str(i) for i in range(SEED_REFERENCES)]
    assert '<strong id="count-references">68</strong>' in html
    assert '<strong id="count-parsed">68</strong>' in html
    assert '<strong id="count-flagged">0</strong>' in html
    assert '<span class="format" id="format-0">linebroken</span>' in html
    assert "(detected)" in html


def test_raw_text_is_highlighted_field_by_field(app_client: TestClient, seed_doc: str) -> None:
    row = app_client.get(seed_doc + "/refs/2").text
    marks = re.findall(r'<mark class="f-(\w+)" title="[^"]*">([^<]*)</mark>', row)
    assert marks == [
        ("family", "van der Sluis"), ("given", "IM"), ("family", "de Lorenzo"), ("given", "P"),
        ("family", "Kotecha"), ("given", "RS"),
        ("title", "Blinatumomab added to chemotherapy in infant lymphoblastic leukemia"),
        ("container", "N Engl J Med"), ("year", "2023"), ("volume", "388"), ("issue", "17"), ("pages", "1572-1581"),
    ]


def test_flagged_references_say_why_in_words(app_client: TestClient) -> None:
    doc = paste(app_client, HOSTILE_PAGE)
    html = app_client.get(doc).text
    assert '<strong id="count-flagged">1</strong>' in html
    assert 'data-status="recovered"' in html
    assert "Not fully parsed: the fields that were certain were recovered" in html
    assert "skipped: unexpected init" in html  # the grammar's reason, as the model gives it
    flagged = app_client.get(doc + "?show=flagged").text
    assert articles(flagged) == ["0"]
    by_status = app_client.get(doc + "?show=status:recovered").text
    assert articles(by_status) == ["0"]


def test_hostile_text_stays_text(app_client: TestClient) -> None:
    doc = paste(app_client, HOSTILE_PAGE)
    pages = [app_client.get(doc).text, app_client.get(doc + "/refs/0/edit").text]
    for html in pages:
        found = scripts_of(html)
        assert found.inline == [] and found.handlers == []
        assert "<img" not in html and "<b>" not in html and "<i>" not in html
        assert "{{7*7}}" in html
        assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html
        assert "&#34;&gt;&lt;img src=x onerror=&#34;window.pwned = 2&#34;&gt;" in html
    assert "&amp;amp;" in pages[0]  # a printed entity is shown as printed, not decoded
    assert ">49<" not in pages[0] and " 49 " not in pages[0]
    preview = app_client.get(doc + "/preview", params={"format": "text", "style": "apa"}).text
    assert "<script>" not in preview and "&lt;script&gt;" in preview


def test_paging_keeps_a_large_paste_light(app_client: TestClient) -> None:
    import sys

    sys.path.insert(0, str(FIXTURES.parent / "benchmarks"))
    from bench_parse import seed_text

    text, n = seed_text(5000)
    doc = paste(app_client, text)
    first = app_client.get(doc)
    assert len(articles(first.text)) == 100
    assert "page 1 of 51" in first.text
    last = app_client.get(doc + "?page=51")
    assert articles(last.text) == [str(i) for i in range(5000, n)]
    assert len(first.content) < 1_500_000  # a page is its 100 rows, not the whole list


def test_a_slow_read_shows_a_page_that_refreshes_itself() -> None:
    with client(WebSettings(read_wait=0)) as c:
        r = c.post("/documents", data={"text": SEED_TEXT * 20}, follow_redirects=False)
        doc = r.headers["location"]
        deadline = time.monotonic() + 60
        html = c.get(doc).text
        assert "Reading the references" in html
        while "Reading the references" in html and time.monotonic() < deadline:
            assert '<meta http-equiv="refresh" content="1">' in html
            time.sleep(0.05)
            html = c.get(doc).text
        assert len(articles(html)) == 100  # the first page of 20 pages pasted together


def test_nothing_found_keeps_the_text_and_says_why(app_client: TestClient) -> None:
    r = app_client.post("/documents", data={"text": "just a sentence, no list <b>x</b>", "format": ""})
    assert r.status_code == 422
    assert "not a known input format (tried: card, linebroken, flat)" in r.text
    assert "just a sentence, no list &lt;b&gt;x&lt;/b&gt;</textarea>" in r.text
    empty = app_client.post("/documents", data={"text": "  ", "format": ""})
    assert empty.status_code == 400 and "Paste a reference list" in empty.text


def test_unknown_documents_and_references_are_404_in_words(app_client: TestClient, seed_doc: str) -> None:
    r = app_client.get("/documents/nope")
    assert r.status_code == 404 and "no longer in memory" in r.text
    r = app_client.get(seed_doc + "/refs/68")
    assert r.status_code == 404 and "There is no reference 69" in r.text


# --------------------------------------------------------------------------- uploads and formats
def test_two_uploaded_files_are_two_sources_read_in_their_formats(app_client: TestClient) -> None:
    doc = paste(app_client, "", **{"seed.txt": SEED_TEXT.encode(), "card.md": CARD_TEXT.encode("utf-16")})
    html = app_client.get(doc).text
    cards = len(parse_any(CARD_TEXT).citations)
    assert len(articles(html)) == SEED_REFERENCES + cards
    assert '<span class="format" id="format-0">linebroken</span>' in html
    assert '<span class="format" id="format-1">card</span>' in html
    assert "decoded as utf-16" in html
    assert "(seed.txt)" in html and "(card.md)" in html


def test_a_binary_upload_is_refused_in_words_and_the_others_are_read(app_client: TestClient) -> None:
    doc = paste(app_client, SEED_TEXT, **{"photo.txt": b"\x89PNG\x00\x00\x00binary"})
    html = app_client.get(doc).text
    assert len(articles(html)) == SEED_REFERENCES
    assert "photo.txt: binary data (NUL bytes), not a text file" in html


def test_reading_again_in_another_format_and_back(app_client: TestClient) -> None:
    doc = paste(app_client, SEED_TEXT)
    r = app_client.post(doc + "/sources/0", data={"format": "card"}, follow_redirects=True)
    assert len(articles(r.text)) == len(parse_any(SEED_TEXT, "card").citations)
    assert '<span class="format" id="format-0">card</span>' in r.text and "(chosen)" in r.text
    r = app_client.post(doc + "/sources/0", data={"format": ""}, follow_redirects=True)
    assert len(articles(r.text)) == SEED_REFERENCES and "(detected)" in r.text
    bad = app_client.post(doc + "/sources/0", data={"format": "pdf"})
    assert bad.status_code == 400 and "unknown input format &#39;pdf&#39;" in bad.text


# --------------------------------------------------------------------------- editing
def form_of(c: TestClient, doc: str, i: int) -> dict[str, list[str]]:
    """The edit form's fields as a browser would submit them (text inputs, selects, checked boxes)."""
    html = c.get(f"{doc}/refs/{i}/edit").text
    fields: dict[str, list[str]] = {}

    class Reader(HTMLParser):
        select: str | None = None
        textarea: str | None = None
        chosen: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            if tag == "input" and a.get("name") and (a.get("type") != "checkbox" or "checked" in a):
                fields.setdefault(a["name"], []).append(a.get("value", ""))
            elif tag == "select":
                self.select, self.chosen = a["name"], None
            elif tag == "option" and self.select and (self.chosen is None or "selected" in a):
                self.chosen = a["value"]
            elif tag == "textarea":
                self.textarea = a["name"]
                fields.setdefault(a["name"], []).append("")

        def handle_data(self, data: str) -> None:
            if self.textarea:
                fields[self.textarea][-1] += data

        def handle_endtag(self, tag: str) -> None:
            if tag == "select" and self.select:
                fields.setdefault(self.select, []).append(self.chosen or "")
                self.select = None
            if tag == "textarea":
                self.textarea = None

    Reader().feed(html)
    fields.pop("reviewed", None)
    return fields


def submit(c: TestClient, doc: str, i: int, fields: dict[str, list[str]], op: str = "save") -> str:
    body = urlencode([(k, v) for k, values in fields.items() for v in values] + [("op", op)])
    r = c.post(f"{doc}/refs/{i}", content=body,
               headers={"hx-request": "true", "content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200
    return r.text


def test_edited_family_name_and_year_are_in_the_bibtex(app_client: TestClient) -> None:
    doc = paste(app_client, SEED_TEXT)
    fields = form_of(app_client, doc, 0)
    assert fields["authors.family"] == ["Gupta", "Rau", "Kairalla"] and fields["year"] == ["2025"]
    fields["authors.family"][0] = "Gupta-Okafor"
    fields["year"] = ["2024"]
    row = submit(app_client, doc, 0, fields)
    assert 'id="edited-0">edited</span>' in row
    assert "Edited: authors, date" in row
    assert '<span id="count-edited">1</span>' in row  # the counts at the top, swapped out of band
    bib = app_client.get(doc + "/export", params={"format": "bibtex"}).text
    first = bibtex_fields(bib)[0]
    assert first["author"].startswith("Gupta-Okafor, S. and Rau")
    assert first["year"] == "2024"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("year", "3025", "year 3025 is impossible; dropped (not saved)", id="impossible-year"),
        pytest.param("year", "20x5", "Input should be a valid integer, unable to parse string as an integer",
                     id="not-a-number"),
        pytest.param("month", "13x", "month must be a number from 1 to 16", id="bad-month"),
        pytest.param("doi", "11.1/x", "not a DOI: &#39;11.1/x&#39;", id="bad-doi"),
    ],
)
def test_a_value_the_models_refuse_is_not_saved(app_client: TestClient, seed_doc: str, field: str, value: str,
                                               message: str) -> None:
    fields = form_of(app_client, seed_doc, 1)
    fields[field] = [value]
    html = submit(app_client, seed_doc, 1, fields)
    assert 'class="error" role="alert"' in html and message in html
    assert 'aria-invalid="true"' in html
    assert f'value="{value}"' in html  # the user's text is kept in the form
    assert '<span class="badge edited"' not in app_client.get(seed_doc + "/refs/1").text


def test_an_author_without_a_family_name_is_refused_with_the_models_message(app_client: TestClient,
                                                                          seed_doc: str) -> None:
    fields = form_of(app_client, seed_doc, 1)
    fields["authors.family"][1] = " "
    html = submit(app_client, seed_doc, 1, fields)
    assert "Authors, name 2</a>: empty family name" in html


def test_author_list_operations_change_the_draft_only(app_client: TestClient) -> None:
    doc = paste(app_client, SEED_TEXT)
    fields = form_of(app_client, doc, 0)

    def families(html: str) -> list[str]:
        return re.findall(r'name="authors.family" value="([^"]*)"', html)

    html = submit(app_client, doc, 0, fields, "down:authors:0")
    assert families(html) == ["Rau", "Gupta", "Kairalla"]
    html = submit(app_client, doc, 0, fields, "add:authors")
    assert families(html) == ["Gupta", "Rau", "Kairalla", ""]
    html = submit(app_client, doc, 0, fields, "remove:authors:1")
    assert families(html) == ["Gupta", "Kairalla"]
    html = submit(app_client, doc, 0, fields, "up:authors:2")
    assert families(html) == ["Gupta", "Kairalla", "Rau"]
    assert "badge edited" not in app_client.get(doc + "/refs/0").text  # nothing saved yet
    fields["authors.family"] = ["Kairalla", "Rau", "Gupta"]
    fields["authors.given"] = ["JA", "RE", "S"]
    fields["authors.kind"] = ["person", "organization", "person"]
    fields["authors.family"][1] = "Children's Oncology Group"
    fields["authors.given"][1] = ""
    row = submit(app_client, doc, 0, fields)
    assert re.findall(r"<li>([^<]*)</li>", row.split('id="fields-0"')[1])[:3] == [
        "Kairalla, JA", "Children&#39;s Oncology Group", "Gupta, S"]
    csl = json.loads(app_client.get(doc + "/export", params={"format": "csljson"}).text)
    assert csl[0]["author"][:3] == [{"family": "Kairalla", "given": "J. A."}, {"literal": "Children's Oncology Group"},
                                    {"family": "Gupta", "given": "S."}]


def test_a_reference_is_read_again_from_its_edited_raw_text(app_client: TestClient) -> None:
    doc = paste(app_client, SEED_TEXT)
    fields = form_of(app_client, doc, 0)
    assert fields["raw"][0].startswith("1.\nGupta\nS\n,\nRau\n")  # the reference's lines, as pasted
    fields["raw"] = [fields["raw"][0].replace("2025\n;\n392", "2019\n;\n17").replace("Gupta\nS\n", "Gupta\nSK\n")]
    html = submit(app_client, doc, 0, fields, "reparse")
    assert "Read again from the edited text: parsed" in html
    assert 'name="year" type="text" value="2019"' in html and 'name="volume" type="text" value="17"' in html
    row = app_client.get(doc + "/refs/0").text
    assert "Edited: authors, date, raw, volume" in row
    nothing = submit(app_client, doc, 0, {**fields, "raw": [" "]}, "reparse")
    assert "the raw text is empty" in nothing


def test_reset_cancel_and_reviewed(app_client: TestClient) -> None:
    doc = paste(app_client, SEED_TEXT)
    fields = form_of(app_client, doc, 4)
    submit(app_client, doc, 4, {**fields, "title": ["Changed"]})
    assert "edited" in app_client.get(doc + "/refs/4").text
    row = submit(app_client, doc, 4, fields, "reset")
    assert "badge edited" not in row and "autofocus" in row  # focus back on the Edit button
    r = app_client.post(doc + "/refs/4/reviewed", data={"reviewed": "1"})
    assert "checked" in r.text and '<span id="count-reviewed">1</span>' in r.text
    assert articles(app_client.get(doc + "?show=unreviewed").text) == [str(i) for i in range(68) if i != 4]
    r = app_client.post(doc + "/refs/4/reviewed", data={})
    assert '<span id="count-reviewed">0</span>' in r.text


# --------------------------------------------------------------------------- downloads
@pytest.mark.parametrize(
    ("kind", "media", "extension"),
    [
        pytest.param("bibtex", "application/x-bibtex", "bib", id="bibtex"),
        pytest.param("biblatex", "application/x-bibtex", "bib", id="biblatex"),
        pytest.param("ris", "application/x-research-info-systems", "ris", id="ris"),
        pytest.param("csljson", "application/vnd.citationstyles.csl+json", "json", id="csljson"),
        pytest.param("jsonl", "application/jsonl", "jsonl", id="jsonl"),
        pytest.param("text", "text/plain", "txt", id="text"),
    ],
)
def test_each_download_reads_back(app_client: TestClient, seed_doc: str, kind: str, media: str,
                                  extension: str) -> None:
    r = app_client.get(seed_doc + "/export", params={"format": kind, "style": "apa"})
    assert r.headers["content-type"] == f"{media}; charset=utf-8"
    assert r.headers["content-disposition"].startswith("attachment; filename=\"references")
    assert r.headers["content-disposition"].endswith(f'.{extension}"')
    assert read_download(kind, r.text) == SEED_REFERENCES
    if kind == "biblatex":
        assert "journaltitle = {N Engl J Med}" in r.text


def test_bibliography_in_every_shipped_style_and_its_preview(app_client: TestClient, seed_doc: str) -> None:
    from refparse.export.text import STYLES

    three = paste(app_client, SEED_TEXT[: SEED_TEXT.index("\n4.\n")])  # every style, on a short list: citeproc is slow
    assert f'<option value="{list(STYLES)[-1]}">' in app_client.get(three).text
    for style in STYLES:
        text = app_client.get(three + "/export", params={"format": "text", "style": style}).text
        assert len(text.splitlines()) == 3, style
    preview = app_client.get(seed_doc + "/preview", params={"format": "text", "style": "apa"}).text
    assert "Preview: Bibliography (apa)" in preview and "Gupta, S., Rau, R. E., Kairalla, J. A., et al. (2025)" in preview
    bad = app_client.get(seed_doc + "/export", params={"format": "text", "style": "nope"})
    assert bad.status_code == 400 and "unknown style" in bad.text


# --------------------------------------------------------------------------- JSON API
def test_api_parse_and_export_share_the_page_path(app_client: TestClient) -> None:
    r = app_client.post("/api/parse", json={"text": SEED_TEXT})
    assert r.status_code == 200
    body = r.json()
    assert body["source"]["format"] == "linebroken"
    assert body["counts"] == {"references": 68, "parsed": 68, "flagged": 0, "with_warnings": 0,
                              "by_status": {"parsed": 68}}
    assert len(body["citations"]) == 68 and body["citations"][2]["authors"][0]["family"] == "Sluis"
    body["citations"][0]["title"] = "An edited title"
    exported = app_client.post("/api/export", json={"citations": body["citations"], "format": "ris"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/x-research")
    assert read_download("ris", exported.text) == 68 and "TI  - An edited title" in exported.text
    page_doc = paste(app_client, SEED_TEXT)
    assert app_client.get(page_doc + "/export", params={"format": "ris"}).text == app_client.post(
        "/api/export", json={"citations": app_client.post("/api/parse", json={"text": SEED_TEXT}).json()["citations"],
                             "format": "ris"}).text


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        pytest.param("/api/parse", {"text": "no list here"}, "not a known input format", id="no-format"),
        pytest.param("/api/parse", {"text": "x", "format": "pdf"}, "unknown input format 'pdf'", id="bad-format"),
        pytest.param("/api/export", {"citations": [], "format": "docx"}, "unknown download 'docx'", id="bad-download"),
        pytest.param("/api/export", {"citations": [], "format": "text", "style": "/etc/x.csl"},
                     "unknown style '/etc/x.csl'; choose one of vancouver", id="style-path"),
        pytest.param("/api/export", {"citations": [], "format": "ris", "style": "apa"},
                     "a style or locale applies to the bibliography only", id="style-not-text"),
        pytest.param("/api/export", {"citations": [{"title": "x", "date": {"year": "abc"}}]},
                     '"msg": "Input should be a valid integer, unable to parse string as an integer", "input": "abc"',
                     id="bad-citation"),
    ],
)
def test_api_errors_are_422_with_a_reason(app_client: TestClient, path: str, body: dict[str, Any],
                                          message: str) -> None:
    r = app_client.post(path, json=body)
    assert r.status_code == 422
    assert message in json.dumps(r.json()["detail"])


def test_openapi_description_and_its_page(app_client: TestClient) -> None:
    spec = app_client.get("/openapi.json").json()
    assert set(spec["paths"]) == {"/api/parse", "/api/export"}
    assert spec["paths"]["/api/parse"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ParseRequest")
    schemas = spec["components"]["schemas"]
    assert schemas["ExportRequest"]["properties"]["format"]["enum"] == ["bibtex", "biblatex", "ris", "csljson",
                                                                       "jsonl", "text"]
    assert "card, linebroken" in json.dumps(schemas["ParseRequest"])
    page = app_client.get("/api").text
    assert "<code>POST /api/parse</code>" in page and "<code>POST /api/export</code>" in page
    assert 'id="schema-Citation"' in page and app_client.get("/docs").status_code == 404  # no CDN page


# --------------------------------------------------------------------------- limits and safety
def test_requests_over_the_cap_are_refused_with_a_clear_message(app_client: TestClient) -> None:
    big = "x" * (5 * 1024 * 1024 + 1)
    r = app_client.post("/documents", data={"text": big})
    assert r.status_code == 413
    size = int(r.request.headers["content-length"])
    assert f"This request is {size:,} bytes; this server accepts at most 5 MB (5,242,880 bytes)." in r.text
    api = app_client.post("/api/parse", json={"text": big})
    assert api.status_code == 413 and "accepts at most 5 MB" in api.json()["detail"]
    with client(WebSettings(max_size=2000)) as small:
        ok = small.post("/api/parse", json={"text": SEED_TEXT[:1000]})
        assert ok.status_code in (200, 422)  # read, whatever it holds
        assert small.post("/api/parse", json={"text": SEED_TEXT[:3000]}).status_code == 413


async def _guarded(chunks: list[bytes], limit: int) -> tuple[int, bytes, bool]:
    """A body streamed without a length through the guard: (status, body, whether the app ran)."""
    ran = False

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal ran
        ran = True
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    queue = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/documents", "headers": [(b"host", b"127.0.0.1:8000")]}
    await Guard(app, limit)(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:]), ran


def test_the_cap_holds_for_a_body_without_a_length() -> None:
    import asyncio

    status, body, ran = asyncio.run(_guarded([b"a" * 600] * 3, 1000))
    assert (status, ran) == (413, False) and b"is larger than that; this server accepts at most 1000 bytes (1,000 bytes)" in body
    assert asyncio.run(_guarded([b"a" * 400] * 2, 1000))[::2] == (200, True)


def test_writes_from_other_sites_and_other_host_names_are_refused(app_client: TestClient) -> None:
    r = app_client.post("/documents", data={"text": SEED_TEXT}, headers={"origin": "http://evil.example"})
    assert r.status_code == 403 and "its own pages only" in r.text
    assert app_client.post("/documents", data={"text": SEED_TEXT}, headers={"origin": BASE},
                           follow_redirects=False).status_code == 303
    rebound = app_client.get("/", headers={"host": "attacker.example:8000"})
    assert rebound.status_code == 400


def test_nothing_pasted_reaches_the_disk_or_the_logs(app_client: TestClient, caplog: pytest.LogCaptureFixture,
                                                      capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    marker = "Zyxwvut Qrstuvw"
    text = SEED_TEXT.replace("Gupta", marker) + "\n" * (2 * 1024 * 1024)  # over Starlette's 1 MB spooling threshold
    saved = tempfile.tempdir
    tempfile.tempdir = str(tmp_path)
    try:
        with caplog.at_level(logging.DEBUG):
            doc = paste(app_client, text, **{"upload.txt": text.encode()})
            html = app_client.get(doc).text
            app_client.get(doc + "/export", params={"format": "bibtex"})
    finally:
        tempfile.tempdir = saved
    assert marker in html
    assert list(tmp_path.iterdir()) == []
    assert all(marker not in r.getMessage() for r in caplog.records)
    out, err = capfd.readouterr()
    assert marker not in out + err


# --------------------------------------------------------------------------- DOIs
def test_doi_button_is_off_without_a_contact_address_and_says_why(app_client: TestClient, seed_doc: str) -> None:
    html = app_client.get(seed_doc).text
    assert '<button type="button" id="find-dois" disabled aria-describedby="doi-off">' in html
    assert "DOI search is off: Crossref asks for a contact address" in html
    assert app_client.post(seed_doc + "/dois").status_code == 409


def test_dois_found_through_the_enrich_stage_with_progress_and_evidence(tmp_path: Path) -> None:
    citations = list(parse_any(SEED_TEXT).citations)
    with CrossrefStub(crossref_records(citations[:3])) as stub:
        options = enrich_settings("test@example.org", stub.url, tmp_path / "cache.sqlite")
        assert options is not None
        with client(WebSettings(enrich=options)) as c:
            doc = paste(c, SEED_TEXT)
            started = c.post(doc + "/dois", headers={"hx-request": "true"}).text
            assert "Looking up" in started or "Done:" in started
            deadline = time.monotonic() + 60
            progress = started
            while "Done:" not in progress and time.monotonic() < deadline:
                time.sleep(0.1)
                progress = c.get(doc + "/dois", params=[("shown", "0"), ("shown", "1"), ("shown", "5")]).text
            assert "Done: 3 DOIs found among 68 references looked up" in progress
            assert re.search(r'<article [^>]*id="ref-0"[^>]*hx-swap-oob="true"', progress)
            assert 'id="ref-5"' not in progress  # only rows that changed are sent
            row = c.get(doc + "/refs/1").text
            assert '<span class="doi">10.5555/refparse-web.2</span> found by crossref' in row
            assert "<dt>rule</dt>" in row and "<dt>score</dt>" in row
            bib = bibtex_fields(c.get(doc + "/export", params={"format": "bibtex"}).text)
            assert [b.get("doi") for b in bib[:4]] == ["10.5555/refparse-web.1", "10.5555/refparse-web.2",
                                                       "10.5555/refparse-web.3", None]
            requests_made = len(stub.log)
            c.post(doc + "/dois")
            while c.get(doc + "/dois").text.count("Done:") == 0:
                time.sleep(0.05)
            assert len(stub.log) == requests_made  # the second run is answered by the cache


def test_an_answer_given_after_the_search_ended_sends_the_rows_it_changed(tmp_path: Path) -> None:
    """A short search can end before the answer that started or stopped it: no poll follows, so that answer
    must carry the changed rows on screen (a browser test once found no evidence under reference 2)."""
    citations = list(parse_any(SEED_TEXT).citations)
    with CrossrefStub(crossref_records(citations[:2])) as stub:
        options = enrich_settings("test@example.org", stub.url, tmp_path / "cache.sqlite")
        with client(WebSettings(enrich=options)) as c:
            doc = paste(c, SEED_TEXT)
            c.post(doc + "/dois")
            deadline = time.monotonic() + 60
            while "Done:" not in c.get(doc + "/dois").text and time.monotonic() < deadline:
                time.sleep(0.05)
            late = c.post(doc + "/dois/stop", data={"shown": ["0", "1", "2"]}).text
            assert "Done: 2 DOIs found among 68 references looked up" in late
            rows = re.findall(r'<article [^>]*id="ref-(\d+)"[^>]*hx-swap-oob="true"', late)
            assert rows == ["0", "1"]
            assert '<span class="doi">10.5555/refparse-web.2</span> found by crossref' in late


def test_a_doi_search_can_be_stopped_and_keeps_what_it_found(tmp_path: Path) -> None:
    from crossref_server import Faults

    citations = list(parse_any(SEED_TEXT).citations)
    with CrossrefStub(crossref_records(citations), Faults(delay=0.05)) as stub:
        options = enrich_settings("test@example.org", stub.url, tmp_path / "cache.sqlite")
        with client(WebSettings(enrich=options)) as c:
            doc = paste(c, SEED_TEXT)
            c.post(doc + "/dois")
            stopping = c.post(doc + "/dois/stop").text
            assert "Stopping after the references being looked up" in stopping or "Stopped:" in stopping
            deadline = time.monotonic() + 60
            while "Stopped:" not in (progress := c.get(doc + "/dois").text) and time.monotonic() < deadline:
                time.sleep(0.05)
            found = int(re.search(r"Stopped: (\d+) DOIs found among the (\d+) of 68", progress).group(1))
            done = int(re.search(r"among the (\d+) of 68", progress).group(1))
            assert done < 68 and found <= done
            dois = [b.get("doi") for b in bibtex_fields(c.get(doc + "/export", params={"format": "bibtex"}).text)]
            assert sum(d is not None for d in dois) == found
