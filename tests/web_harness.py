"""A real server and a real browser for the web page's tests and benchmarks.

:class:`LiveServer` runs the app under uvicorn on 127.0.0.1 (a free port) in a
thread of the test process; :func:`chromium` starts Debian's headless Chromium
through its chromedriver (installed by ``tests/tools/install.sh``), with a new
empty profile, no network services of its own, and downloads going to a
folder the test reads. ``benchmarks/bench_web.py`` imports both, so the
timings it reports come from this harness.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from refparse.web import create_app
from refparse.web.settings import WebSettings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
#: What the project's rules ask of a headless Chromium run as root: no sandbox, no GPU, no QUIC,
#: none of its own network services (updates, sync, safe browsing) and a fresh profile.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,1000",
)


class LiveServer:
    """The app served by uvicorn on 127.0.0.1 in a background thread.

    Use as a context manager; ``url`` is the root URL (``http://127.0.0.1:PORT``).
    """

    def __init__(self, settings: WebSettings | None = None) -> None:
        self.app = create_app(settings)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


def chromium(downloads: Path) -> WebDriver:
    """A headless Chromium with an empty profile that saves downloads into ``downloads``."""
    os.environ.setdefault("SE_AVOID_STATS", "true")  # selenium sends no usage statistics
    profile = tempfile.mkdtemp(prefix="refparse-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
        "safebrowsing.enabled": False,
    })
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver._refparse_profile = profile  # type: ignore[attr-defined]  # removed by quit()
    return driver


def quit_browser(driver: WebDriver) -> None:
    """Close the browser and remove its profile."""
    profile = getattr(driver, "_refparse_profile", None)
    driver.quit()
    if profile:
        shutil.rmtree(profile, ignore_errors=True)


def wait(driver: WebDriver, condition: Callable[[WebDriver], Any], timeout: float = 20) -> Any:
    """Wait for ``condition(driver)`` to be truthy; its value (an element htmx replaced meanwhile is looked up again)."""
    ignored = (StaleElementReferenceException, NoSuchElementException)
    return WebDriverWait(driver, timeout, poll_frequency=0.05, ignored_exceptions=ignored).until(condition)


def set_value(driver: WebDriver, element_id: str, text: str, chunk: int = 1 << 20) -> None:
    """Put text into a field the way a paste does (at once; typing 50 kB key by key takes minutes).

    A long text goes over in pieces of ``chunk`` characters into a script variable, then into
    the field in one assignment: one WebDriver command carrying megabytes can outlast the
    driver's read timeout on a busy machine, and appending to the field piece by piece makes
    the browser keep every intermediate value for undo.
    """
    element = driver.find_element(By.ID, element_id)
    driver.execute_script("window.refparsePaste = '';")
    for at in range(0, len(text), chunk):
        driver.execute_script("window.refparsePaste += arguments[0];", text[at: at + chunk])
    driver.execute_script(
        "arguments[0].value = window.refparsePaste; delete window.refparsePaste;"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        element,
    )


def paste_and_review(driver: WebDriver, base_url: str, text: str, timeout: float = 120) -> float:
    """Paste ``text`` on the start page, submit, and wait for the review: the seconds it took.

    The clock runs from the click on "Read the references" until the review page's first row
    (or its empty-filter note) is in the document.
    """
    driver.get(base_url + "/")
    set_value(driver, "text", text)
    start = time.perf_counter()
    driver.find_element(By.ID, "read").click()
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#refs article, #no-rows"), timeout)
    return time.perf_counter() - start


def download(driver: WebDriver, folder: Path, link_id: str, timeout: float = 20) -> Path:
    """Click a download link and wait for its file to be complete in a new folder inside ``folder``."""
    folder = Path(tempfile.mkdtemp(prefix=f"{link_id}-", dir=folder))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    before: set[Path] = set()
    driver.find_element(By.ID, link_id).click()

    def finished(_: WebDriver) -> Path | None:
        new = [p for p in folder.iterdir() if p not in before and not p.name.endswith(".crdownload")]
        return new[0] if new and new[0].stat().st_size > 0 else None

    path: Path = wait(driver, finished, timeout)
    return path
