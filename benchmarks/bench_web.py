"""Time from paste to review screen in a real browser, for the seed page and large pastes.

Reuses the browser test harness (``tests/web_harness.py``): uvicorn on
127.0.0.1 in this process, Debian's headless Chromium through chromedriver.
The clock runs from the click on "Read the references" until the review's
first row is in the page (the paste itself, a JavaScript assignment to the
text box, is not timed). Runs of each size alternate, so that load on the
machine hits all alike; medians are reported.

    python benchmarks/bench_web.py                        # seed (68) and 5,000 references, 5 runs each
    python benchmarks/bench_web.py --repeat 9 --big 50000 # also one 50,000-reference paste (11.6 MB)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from bench_parse import seed_text  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from refparse.web.settings import WebSettings  # noqa: E402
from web_harness import LiveServer, chromium, paste_and_review, quit_browser, wait  # noqa: E402

SEED = (HERE.parent / "fixtures" / "seed000.txt").read_text(encoding="utf-8")


def next_page(driver, base: str) -> float:  # type: ignore[no-untyped-def]
    """Seconds from a click on "Next" to the next page's first row."""
    first = driver.find_element(By.CSS_SELECTOR, "#refs article").get_attribute("id")
    start = time.perf_counter()
    driver.find_element(By.ID, "next").click()
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#refs article").get_attribute("id") != first)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--refs", type=int, default=5000, help="references in the large paste (default 5000)")
    ap.add_argument("--big", type=int, default=0, help="also time one paste of this many references")
    args = ap.parse_args()
    large, n = seed_text(args.refs)
    inputs = {"seed page (68 references)": SEED, f"{n:,} references ({len(large) / 1e6:.1f} MB)": large}
    times: dict[str, list[float]] = {name: [] for name in inputs}
    pages: list[float] = []
    with tempfile.TemporaryDirectory() as downloads, LiveServer(WebSettings(max_size=64 * 1024 * 1024)) as server:
        driver = chromium(Path(downloads))
        try:
            paste_and_review(driver, server.url, SEED)  # warm-up: the browser's caches, the parser's tables
            for _ in range(args.repeat):
                for name, text in inputs.items():
                    times[name].append(paste_and_review(driver, server.url, text))
                pages.append(next_page(driver, server.url))
            for name, values in times.items():
                print(f"{name}: paste to review {statistics.median(values):.3f} s "
                      f"(median of {len(values)}; {min(values):.3f}-{max(values):.3f})")
            print(f"next page of {n:,} references: {statistics.median(pages):.3f} s (median of {len(pages)})")
            if args.big:
                text, big = seed_text(args.big)
                seconds = paste_and_review(driver, server.url, text, timeout=600)
                print(f"{big:,} references ({len(text) / 1e6:.1f} MB): paste to review {seconds:.2f} s (one run; "
                      f"the page shows 'Reading…' and refreshes itself until the list is read)")
                print(f"  then the next page: {next_page(driver, server.url):.3f} s")
        finally:
            quit_browser(driver)


if __name__ == "__main__":
    main()
