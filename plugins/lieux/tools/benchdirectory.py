"""Benchmark of the directory's index in headless Chromium: medians, no timed test.

``bench_directory(site_dir, runs)``: with the search data loaded (as after the first focus of the
search box), ``keystroke_ms`` is the slowest key of a query typed at a fast typist's pace, from the
key to the update painted (list, counts, address); ``facet_ms`` from ticking a type to the update
painted. The latencies are read as in ``benchfind`` (the page's « lieux:updated » event, then the
next frame).
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from .benchfind import KEY_DELAY_MS, LAST_LATENCY, LISTEN, QUERY, WORST_KEY

LOADED = "() => !document.getElementById('finder-count').textContent.startsWith('Chargement')"


def _one(browser: Any, url: str) -> tuple[float, float]:
    page = browser.new_page()
    page.goto(f"{url}/lieux/")
    page.focus("#finder-q")
    page.wait_for_load_state("networkidle")
    page.evaluate(LISTEN)
    page.type("#finder-q", QUERY, delay=KEY_DELAY_MS)
    page.wait_for_timeout(400)
    page.wait_for_function(LOADED)
    worst = page.evaluate(WORST_KEY)
    page.fill("#finder-q", "")
    page.wait_for_timeout(200)
    page.evaluate(LISTEN)
    page.locator("input[name=type]").first.click()
    page.wait_for_timeout(300)
    facet = page.evaluate(LAST_LATENCY)
    page.close()
    return worst, facet


def bench_directory(site_dir: str | Path, runs: int = 5) -> dict[str, Any]:
    """The directory's slowest keystroke and a facet, in ms (None without Chromium)."""
    from .browser import CHROMIUM, chromium, serve

    if CHROMIUM is None:
        return {"keystroke_ms": None, "facet_ms": None}
    with serve(Path(site_dir)) as url, chromium() as browser:
        found = [_one(browser, url) for _ in range(runs)]
    return {"keystroke_ms": round(statistics.median(f[0] for f in found), 1),
            "facet_ms": round(statistics.median(f[1] for f in found), 1)}
