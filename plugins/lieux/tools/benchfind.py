"""Benchmark of « trouver un lieu » on a built site, in headless Chromium: medians, no timed test.

``bench_find(site_dir, runs)`` measures what the home page promises:

- ``first_clusters_s``: from navigation to the first frame that holds a cluster (the map does not
  wait for the search data; looked for at every frame);
- ``query_ms``: from the last key of a query typed at a fast typist's pace to the list and the
  map updated and painted (the search data already loaded, as after the first focus);
  ``query_worst_ms``: the slowest key of that query (the first keys narrow the most);
- ``facet_ms`` / ``untick_ms``: from ticking a type to the update painted, and from unticking it
  (back to every place);
- ``own_gzip_bytes``: the home page's own code and data, gzipped — the page without the places'
  data (their array, and the table of their communes: ``communes_gzip_bytes``), and every script
  and style of the site it loads (Leaflet and its plugins excluded);
- ``search_gzip_bytes_per_place`` (and raw): what the search data adds to the first query;
- ``cls``: the layout shift of the home page while it loads (PerformanceObserver, no input).

``invoke bench`` may print it for synthetic sites (``bench.synthetic_places`` + ``write_rows``,
then ``invoke build --places X --output Y``).
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import time
from pathlib import Path
from typing import Any

QUERY = "atelier"
FIRST_CLUSTER = "() => document.querySelector('.marker-cluster') !== null"
KEY_DELAY_MS = 60
LISTEN = """() => {
  window.__bench = {keys: [], updates: []};
  document.addEventListener('keydown', e => window.__bench.keys.push(e.timeStamp), true);
  document.addEventListener('click', e => window.__bench.keys.push(e.timeStamp), true);
  // Updated when the frame that shows it is painted (after the next animation frame): the list,
  // and the map when it finishes later (many markers taken away or added by slices).
  const painted = () => requestAnimationFrame(() => setTimeout(() => window.__bench.updates.push(performance.now())));
  document.addEventListener('lieux:updated', painted);
  document.addEventListener('lieux:map-updated', painted);
}"""
SETTLED = """() => {
  const f = window.PlacesFind && PlacesFind.finder;
  return f && f.timer === 0 && !f.writeTimer && (!f.state.q.trim() || f.searcher);
}"""
LAST_LATENCY = """() => {
  const b = window.__bench;
  const key = b.keys[b.keys.length - 1];
  const after = b.updates.filter(t => t >= key);
  return after.length ? after[after.length - 1] - key : null;
}"""
# Each key: until the first painted update after it (the update that includes it, or a later one).
WORST_KEY = """() => {
  const b = window.__bench;
  return Math.max(...b.keys.map(k => { const u = b.updates.filter(t => t >= k); return u.length ? u[0] - k : 0; }));
}"""
CLS = """
  window.__cls = 0;
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
  }).observe({type: 'layout-shift', buffered: true});
"""


def own_bytes(site: Path) -> tuple[int, int]:
    """Gzipped bytes of the home page and of its map data without the places (their array and the table
    of their communes), with the site's own scripts and styles; and gzipped bytes of that commune table."""
    page = (site / "index.html").read_text(encoding="utf-8")
    data = json.loads((site / "lieux-carte.json").read_text(encoding="utf-8"))
    communes = json.dumps(data.pop("communes"), ensure_ascii=False, separators=(",", ":"))
    data.pop("places", None)
    data.pop("columns", None)
    total = len(gzip.compress(page.encode("utf-8"), 9)) + len(gzip.compress(json.dumps(data).encode("utf-8"), 9))
    for url in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+\.(?:js|css))"', page):
        if "/vendor/" in url:
            continue
        total += len(gzip.compress((site / url.lstrip("./")).read_bytes(), 9))
    return total, len(gzip.compress(communes.encode("utf-8"), 9))


def search_bytes(site: Path) -> tuple[float, float]:
    """Raw and gzipped bytes per place of the search data."""
    raw = (site / "lieux-recherche.json").read_bytes()
    count = len(json.loads(raw)["places"]) or 1
    return len(raw) / count, len(gzip.compress(raw, 9)) / count


def _settle(page: Any) -> None:
    page.wait_for_function(SETTLED, timeout=120_000)
    page.wait_for_timeout(150)


def _measure(browser: Any, url: str, runs: int) -> dict[str, Any]:
    first, query, worst, tick, untick, cls = [], [], [], [], [], []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.add_init_script(CLS)
        start = time.perf_counter()  # as bench.first_clusters_seconds: from the navigation asked
        page.goto(url + "/", wait_until="commit")
        # Looked for at every frame the page draws: wait_for_selector looks again after 20, 50, then every
        # 100 ms, which put off the figure by up to 100 ms.
        page.wait_for_function(FIRST_CLUSTER, polling="raf", timeout=120_000)
        first.append(time.perf_counter() - start)
        _settle(page)
        cls.append(page.evaluate("window.__cls"))
        page.evaluate(LISTEN)
        page.focus("#finder-q")
        page.wait_for_function("document.getElementById('finder').dataset.searchState === 'ready'", timeout=120_000)
        # The steady state: the index of every place (built at once, or when the page is idle) is ready.
        page.wait_for_function("PlacesFind.finder.layer.full !== null", timeout=120_000)
        _settle(page)
        page.keyboard.type(QUERY, delay=KEY_DELAY_MS)
        _settle(page)
        query.append(page.evaluate(LAST_LATENCY))
        worst.append(page.evaluate(WORST_KEY))
        page.fill("#finder-q", "")
        _settle(page)
        box = page.locator("input[name=type]").first
        box.click()
        _settle(page)
        tick.append(page.evaluate(LAST_LATENCY))
        box.click()
        _settle(page)
        untick.append(page.evaluate(LAST_LATENCY))
        page.close()
    median = statistics.median
    return {"first_clusters_s": round(median(first), 3), "query_ms": round(median(query), 1),
            "query_worst_ms": round(median(worst), 1),
            "facet_ms": round(median(tick), 1), "untick_ms": round(median(untick), 1), "cls": round(median(cls), 4)}


def bench_find(site_dir: str | Path, runs: int = 5) -> dict[str, Any]:
    """Measure the finder of a built site (see the module's docstring); Chromium's numbers are None without it."""
    from .browser import CHROMIUM, TILES_UNREACHABLE, chromium, serve

    site = Path(site_dir)
    raw, gz = search_bytes(site)
    own = own_bytes(site)
    result: dict[str, Any] = {
        "places": _mapped(site),
        "own_gzip_bytes": own[0],
        "communes_gzip_bytes": own[1],
        "search_bytes_per_place": round(raw, 1),
        "search_gzip_bytes_per_place": round(gz, 1),
        "first_clusters_s": None, "query_ms": None, "query_worst_ms": None, "facet_ms": None, "untick_ms": None,
        "cls": None,
    }
    if CHROMIUM is None:
        return result
    with serve(site) as url, chromium(TILES_UNREACHABLE) as browser:
        result.update(_measure(browser, url, runs))
    return result


def _mapped(site: Path) -> int:
    data = json.loads((site / "lieux-carte.json").read_text(encoding="utf-8"))
    return len(data["columns"]["lat"]) if "columns" in data else len(data["places"])


def print_table(results: list[dict[str, Any]]) -> None:
    """The benchmark's table, in French like the other benchmarks of ``invoke bench``."""
    columns = (("lieux", "places", "d"), ("1ers groupes (s)", "first_clusters_s", ".2f"),
               ("requête (ms)", "query_ms", ".0f"), ("pire touche (ms)", "query_worst_ms", ".0f"),
               ("facette (ms)", "facet_ms", ".0f"), ("retour (ms)", "untick_ms", ".0f"),
               ("code+données gz (o)", "own_gzip_bytes", "d"), ("communes gz (o)", "communes_gzip_bytes", "d"),
               ("recherche gz o/lieu", "search_gzip_bytes_per_place", ".1f"), ("CLS", "cls", ".3f"))
    print(" ".join(f"{title:>{len(title) + 1}}" for title, _, _ in columns))
    for r in results:
        print(" ".join(f"{'—' if r[key] is None else format(r[key], form):>{len(title) + 1}}"
                       for title, key, form in columns))
