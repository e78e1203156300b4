"""The review page in a real headless Chromium, driven by selenium.

A real uvicorn server on 127.0.0.1 and Debian's Chromium with its
chromedriver (``tests/tools/install.sh`` installs them): what a person does —
paste, upload, drop files, edit, download, copy — done through the page's
own buttons, scripts and htmx, under its Content-Security-Policy. Downloads
are read back with the consumers the export tests use.

``REFPARSE_REGEN=1`` also writes the review's screenshot to
``tests/screenshots/review.png`` (the README shows it), as golden files are
regenerated.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from conftest import FIXTURES, REGENERATE
from crossref_server import CrossrefStub
from refparse import parse_any
from refparse.web.settings import WebSettings, enrich_settings
from web_data import (
    HOSTILE_PAGE,
    HOSTILE_STRINGS,
    SEED_REFERENCES,
    SEED_TEXT,
    bibtex_fields,
    crossref_records,
    read_download,
)
from web_harness import LiveServer, chromium, download, paste_and_review, quit_browser, set_value, wait

SCREENSHOT = Path(__file__).resolve().parent / "screenshots" / "review.png"
CARD = FIXTURES / "card001.txt"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer() as live:
        yield live


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[WebDriver]:
    driver = chromium(downloads)
    yield driver
    quit_browser(driver)


@pytest.fixture
def page(browser: WebDriver) -> Iterator[WebDriver]:
    """The browser, checked after the test for errors in its console (a blocked script, a failed request)."""
    browser.get_log("browser")  # forget what earlier tests left
    yield browser
    problems = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert problems == []


def rows(driver: WebDriver) -> list[str]:
    return [a.get_attribute("id") for a in driver.find_elements(By.CSS_SELECTOR, "#refs article")]


def text_of(driver: WebDriver, element_id: str) -> str:
    return str(driver.find_element(By.ID, element_id).text)


def open_editor(driver: WebDriver, i: int) -> None:
    driver.find_element(By.ID, f"edit-{i}").click()
    wait(driver, lambda d: d.find_elements(By.ID, f"form-{i}"))


def save(driver: WebDriver, i: int) -> None:
    driver.find_element(By.ID, f"save-{i}").click()
    wait(driver, lambda d: d.find_elements(By.ID, f"form-{i}") == [] or d.find_elements(By.ID, f"errors-{i}"))


def fill(driver: WebDriver, element_id: str, value: str) -> None:
    box = driver.find_element(By.ID, element_id)
    box.clear()
    box.send_keys(value)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# --------------------------------------------------------------------------- paste and review
def test_seed_page_pasted_gives_68_rows_and_a_screenshot(page: WebDriver, server: LiveServer, tmp_path: Path,
                                                          record_property: pytest.RecordProperty) -> None:
    page.set_window_size(1280, 1500)
    seconds = paste_and_review(page, server.url, SEED_TEXT)
    record_property("paste_to_review_seconds", round(seconds, 3))  # measured, not asserted
    print(f"\nseed page: paste to review {seconds:.3f} s")
    assert rows(page) == [f"ref-{i}" for i in range(SEED_REFERENCES)]
    assert text_of(page, "count-references") == "68" and text_of(page, "count-parsed") == "68"
    assert text_of(page, "count-flagged") == "0"
    assert text_of(page, "format-0") == "linebroken"
    marks = page.find_elements(By.CSS_SELECTOR, "#raw-2 mark")
    assert [(m.get_attribute("class"), m.text) for m in marks][:3] == [
        ("f-family", "van der Sluis"), ("f-given", "IM"), ("f-family", "de Lorenzo")]
    shot = tmp_path / "review.png"
    page.save_screenshot(str(shot))
    assert png_size(shot.read_bytes()) == tuple(page.execute_script("return [window.innerWidth, window.innerHeight]"))
    if REGENERATE:
        SCREENSHOT.parent.mkdir(exist_ok=True)
        SCREENSHOT.write_bytes(shot.read_bytes())
    assert png_size(SCREENSHOT.read_bytes())[0] >= 1000, "the README's screenshot is missing; REFPARSE_REGEN=1"
    page.set_window_size(1280, 1000)


def test_edited_family_name_and_year_reach_the_downloaded_bibtex(page: WebDriver, server: LiveServer,
                                                                downloads: Path) -> None:
    paste_and_review(page, server.url, SEED_TEXT)
    open_editor(page, 0)
    fill(page, "in-0-authors.0", "Gupta-Okafor")
    fill(page, "in-0-year", "2024")
    save(page, 0)
    assert text_of(page, "edited-0") == "edited"
    assert "Gupta-Okafor, S" in text_of(page, "fields-0")
    assert text_of(page, "count-edited") == "1"
    path = download(page, downloads, "download-bibtex")
    first = bibtex_fields(path.read_text(encoding="utf-8"))[0]
    assert first["author"].startswith("Gupta-Okafor, S. and Rau, R. E.")
    assert first["year"] == "2024"


def test_a_bad_year_is_refused_with_the_models_message(page: WebDriver, server: LiveServer) -> None:
    paste_and_review(page, server.url, SEED_TEXT)
    open_editor(page, 1)
    fill(page, "in-1-year", "3025")
    save(page, 1)
    assert "Year: year 3025 is impossible; dropped (not saved)" in text_of(page, "errors-1")
    assert page.find_element(By.ID, "in-1-year").get_attribute("aria-invalid") == "true"
    assert page.switch_to.active_element.text == "Year"  # focus on the first refusal's link
    page.find_element(By.ID, "cancel-1").click()
    wait(page, lambda d: d.find_elements(By.ID, "edit-1"))
    assert "2021" in text_of(page, "fields-1") and not page.find_elements(By.ID, "edited-1")


# --------------------------------------------------------------------------- uploads
def test_two_files_uploaded(page: WebDriver, server: LiveServer, tmp_path: Path) -> None:
    seed, card = tmp_path / "seed.txt", tmp_path / "card.md"
    seed.write_text(SEED_TEXT, encoding="utf-8")
    card.write_text(CARD.read_text(encoding="utf-8"), encoding="utf-8")
    page.get(server.url + "/")
    page.find_element(By.ID, "files").send_keys(f"{seed}\n{card}")
    assert [li.text for li in page.find_elements(By.CSS_SELECTOR, "#file-list li")] == [
        "seed.txt (16 kB)", f"card.md ({round(card.stat().st_size / 1024)} kB)"]
    page.find_element(By.ID, "read").click()
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#refs article"))
    cards = len(parse_any(CARD.read_text(encoding="utf-8")).citations)
    assert len(rows(page)) == SEED_REFERENCES + cards
    assert (text_of(page, "format-0"), text_of(page, "format-1")) == ("linebroken", "card")


def test_files_dropped_on_the_page(page: WebDriver, server: LiveServer) -> None:
    page.get(server.url + "/")
    page.execute_script(
        """
        const dt = new DataTransfer();
        dt.items.add(new File([arguments[0]], "dropped-seed.txt", {type: "text/plain"}));
        dt.items.add(new File([arguments[1]], "dropped-card.md", {type: "text/markdown"}));
        document.getElementById("drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true}));
        """,
        SEED_TEXT, CARD.read_text(encoding="utf-8"),
    )
    assert [li.text.split(" (")[0] for li in page.find_elements(By.CSS_SELECTOR, "#file-list li")] == [
        "dropped-seed.txt", "dropped-card.md"]
    page.find_element(By.ID, "read").click()
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#refs article"))
    assert "dropped-seed.txt" in text_of(page, "source-0") and "dropped-card.md" in text_of(page, "source-1")


# --------------------------------------------------------------------------- downloads
@pytest.mark.parametrize("kind", ["bibtex", "biblatex", "ris", "csljson", "jsonl", "text"])
def test_each_download_reads_back(page: WebDriver, server: LiveServer, downloads: Path, kind: str) -> None:
    paste_and_review(page, server.url, SEED_TEXT)
    path = download(page, downloads, f"download-{kind}")
    assert read_download(kind, path.read_text(encoding="utf-8")) == SEED_REFERENCES


def test_preview_in_a_style_and_copy_to_the_clipboard(page: WebDriver, server: LiveServer) -> None:
    paste_and_review(page, server.url, SEED_TEXT)
    page.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": server.url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    page.find_element(By.CSS_SELECTOR, "#dl-format option[value=text]").click()
    page.find_element(By.CSS_SELECTOR, "#dl-style option[value=apa]").click()
    page.find_element(By.ID, "show-preview").click()
    preview = wait(page, lambda d: d.find_elements(By.ID, "preview-text"))[0]
    assert preview.text.startswith("Annesley, C., Lamble, A., Summers, C., et al. (2025).")  # APA sorts by author
    assert len(preview.text.splitlines()) == SEED_REFERENCES
    page.find_element(By.ID, "copy").click()
    wait(page, lambda d: text_of(d, "copy-status"))
    assert text_of(page, "copy-status").startswith("Copied ")
    copied = page.execute_async_script("navigator.clipboard.readText().then(arguments[0], () => arguments[0]('?'))")
    assert copied.strip() == preview.text.strip()


# --------------------------------------------------------------------------- safety and limits
def test_hostile_text_stays_text(page: WebDriver, server: LiveServer) -> None:
    paste_and_review(page, server.url, HOSTILE_PAGE)
    assert text_of(page, "count-flagged") == "1"
    assert "Not fully parsed" in text_of(page, "reasons-0")
    body = page.find_element(By.TAG_NAME, "body").text
    open_editor(page, 1)  # the edit form shows every value in inputs
    shown = body + " ".join(str(e.get_attribute("value")) for e in page.find_elements(By.CSS_SELECTOR, "input"))
    page.find_element(By.ID, "cancel-1").click()
    open_editor(page, 0)
    shown += " ".join(str(e.get_attribute("value")) for e in page.find_elements(By.CSS_SELECTOR, "#form-0 input, #form-0 textarea"))
    for hostile in HOSTILE_STRINGS:
        assert hostile in shown, hostile
    assert page.execute_script("return window.pwned === undefined")
    assert page.find_elements(By.CSS_SELECTOR, "#refs img, #refs b, #refs i, #refs script") == []
    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text  # noqa: B018 - reading it raises when there is none
    assert "49" not in body


def test_a_paste_over_the_cap_is_refused_before_and_by_the_server(page: WebDriver, server: LiveServer) -> None:
    page.get(server.url + "/")
    page.execute_script("document.getElementById('text').value = 'x'.repeat(6 * 1024 * 1024)")
    page.find_element(By.ID, "read").click()
    message = wait(page, lambda d: d.find_element(By.ID, "size-error").is_displayed() and text_of(d, "size-error"))
    assert message.startswith("This is 6 MB; this server accepts at most 5 MB at a time.")
    assert page.current_url == server.url + "/"
    page.execute_script("document.getElementById('paste-form').submit()")  # no script check: the server's own
    refusal = wait(page, lambda d: d.find_elements(By.ID, "refusal"))[0].text
    assert refusal.startswith("This request is 6,291,") and "accepts at most 5 MB (5,242,880 bytes)" in refusal
    page.get_log("browser")  # the 413 itself is logged by the browser as a failed load: expected here


# --------------------------------------------------------------------------- editing by keyboard
def test_keyboard_edit_of_the_author_list(page: WebDriver, server: LiveServer, downloads: Path) -> None:
    paste_and_review(page, server.url, SEED_TEXT)
    edit = page.find_element(By.ID, "edit-3")
    edit.send_keys(Keys.ENTER)
    wait(page, lambda d: d.find_elements(By.ID, "form-3"))
    assert page.switch_to.active_element.get_attribute("id") == "in-3-authors.0.kind"
    page.find_element(By.ID, "down-3-authors-0").send_keys(Keys.ENTER)
    wait(page, lambda d: d.find_element(By.ID, "in-3-authors.0").get_attribute("value") == "Zugmaier")
    page.find_element(By.ID, "add-3-authors").send_keys(Keys.ENTER)
    wait(page, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#authors-3 .name-row")) == 4)
    new = page.find_element(By.ID, "in-3-authors.3")
    new.send_keys("Okafor")
    page.find_element(By.CSS_SELECTOR, "#authors-3 .name-row:nth-child(4) .given").send_keys("N")
    page.find_element(By.ID, "remove-3-authors-2").send_keys(Keys.ENTER)
    wait(page, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#authors-3 .name-row")) == 3)
    page.find_element(By.ID, "in-3-title").send_keys(" (revised)" + Keys.ENTER)  # Enter in a text box saves
    wait(page, lambda d: d.find_elements(By.ID, "edited-3"))
    assert page.switch_to.active_element.get_attribute("id") == "edit-3"  # focus back where it was
    assert [li.text for li in page.find_elements(By.CSS_SELECTOR, "#fields-3 [data-field=authors] li")] == [
        "Zugmaier, G", "Locatelli, F", "Okafor, N"]
    assert page.find_element(By.CSS_SELECTOR, "#fields-3 [data-field=authors] .after").text == "et al."
    csl = json.loads(download(page, downloads, "download-csljson").read_text(encoding="utf-8"))
    assert csl[3]["author"][:3] == [{"family": "Zugmaier", "given": "G."}, {"family": "Locatelli", "given": "F."},
                                    {"family": "Okafor", "given": "N."}]
    assert csl[3]["title"].endswith(" (revised)")


def test_reviewed_mark_and_read_again_from_the_raw_text(page: WebDriver, server: LiveServer) -> None:
    paste_and_review(page, server.url, SEED_TEXT)
    page.find_element(By.ID, "reviewed-5").click()
    wait(page, lambda d: text_of(d, "count-reviewed") == "1")
    assert "is-reviewed" in page.find_element(By.ID, "ref-5").get_attribute("class")
    open_editor(page, 6)
    raw = page.find_element(By.ID, "in-6-raw")
    text = raw.get_attribute("value")
    assert "\n2024\n" in text
    set_value(page, "in-6-raw", text.replace("\n2024\n", "\n2011\n", 1))
    page.find_element(By.ID, "reparse-6").click()
    wait(page, lambda d: d.find_elements(By.ID, "note-6"))
    assert text_of(page, "note-6").startswith("Read again from the edited text: parsed.")
    assert page.find_element(By.ID, "in-6-year").get_attribute("value") == "2011"
    page.find_element(By.ID, "cancel-6").click()
    wait(page, lambda d: d.find_elements(By.ID, "edited-6"))
    assert "2011" in text_of(page, "fields-6")


def test_every_control_is_labelled_and_a_narrow_window_does_not_scroll_sideways(page: WebDriver,
                                                                                  server: LiveServer) -> None:
    paste_and_review(page, server.url, SEED_TEXT)
    open_editor(page, 0)
    unlabelled = page.execute_script("""
        return [...document.querySelectorAll("input:not([type=hidden]), select, textarea, button")]
          .filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
                        && !el.getAttribute("aria-labelledby") && !el.textContent.trim())
          .map(el => el.id || el.name);
    """)
    assert unlabelled == []
    page.set_window_size(400, 900)
    try:
        wide = page.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0
    finally:
        page.set_window_size(1280, 1000)


# --------------------------------------------------------------------------- DOIs
def test_find_dois_shows_progress_and_evidence(browser: WebDriver, tmp_path: Path) -> None:
    citations = list(parse_any(SEED_TEXT).citations)
    with CrossrefStub(crossref_records(citations[:2])) as stub:
        options = enrich_settings("test@example.org", stub.url, tmp_path / "cache.sqlite")
        with LiveServer(WebSettings(enrich=options)) as live:
            paste_and_review(browser, live.url, SEED_TEXT)
            browser.find_element(By.ID, "find-dois").click()
            result = wait(browser, lambda d: d.find_elements(By.ID, "doi-result"), 60)[0]
            assert result.text.startswith("Done: 2 DOIs found among 68 references looked up")
            summary = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#match-1 summary"), 10)[0]
            assert summary.text.startswith("DOI 10.5555/refparse-web.2 found by crossref")
            summary.click()
            assert "rule" in text_of(browser, "match-1")
            assert not browser.find_elements(By.ID, "match-2")
    assert os.path.exists(tmp_path / "cache.sqlite")


def test_find_dois_is_off_without_an_address(page: WebDriver, server: LiveServer) -> None:
    paste_and_review(page, server.url, SEED_TEXT)
    button = page.find_element(By.ID, "find-dois")
    assert not button.is_enabled()
    assert text_of(page, "doi-off").startswith("DOI search is off: Crossref asks for a contact address.")


def test_the_api_page_documents_both_routes(page: WebDriver, server: LiveServer) -> None:
    page.get(server.url + "/api")
    headings = [h.text for h in page.find_elements(By.CSS_SELECTOR, ".endpoint h2")]
    assert [h.split(":")[0] for h in headings] == ["POST /api/parse", "POST /api/export"]
    page.find_element(By.ID, "openapi-link").click()
    spec = json.loads(page.find_element(By.TAG_NAME, "body").text)
    assert set(spec["paths"]) == {"/api/parse", "/api/export"}
