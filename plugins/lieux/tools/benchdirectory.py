"""Benchmark of the directory on a built site: page sizes, and latencies in headless Chromium (medians,
no timed test).

``bench_directory(site_dir, runs)`` returns:

- ``largest_page_bytes`` / ``largest_page_path``: the biggest HTML page of the whole site (the goal:
  none above 1 MB); ``largest_directory_page_bytes`` / ``…_path``: the biggest page of the directory;
- ``directory_pages``: the directory's pages (its index and every page of every list), found by
  following its links from the index, as a visitor without JavaScript would; ``directory_places``:
  the places those pages list (every place of the site when nothing is left out);
- ``keystroke_ms``: on the index, with the search data loaded (as after the first focus of the search
  box), the slowest key of a query typed at a fast typist's pace, from the key to the update painted
  (list, counts, address); ``facet_ms``: from ticking a type to the update painted;
- ``list_keystroke_ms``: the same slowest key on the biggest list page, whose filter acts on its own rows.

The latencies are read as in ``benchfind`` (the page's « lieux:updated » event, then the next frame);
they are None without Chromium.
"""

from __future__ import annotations

import os
import re
import statistics
from pathlib import Path
from typing import Any

from .benchfind import KEY_DELAY_MS, LAST_LATENCY, LISTEN, QUERY, WORST_KEY

LOADED = "() => !document.getElementById('finder-count').textContent.startsWith('Chargement')"
# Links of the index's table and of a list's pagination (relative or absolute), and the places of a list.
TABLE_LINK = re.compile(r'<td><a href="([^"]+)">')
PAGE_LINK = re.compile(r'<nav class="pagination"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')
LISTED = re.compile(r'<ul class="place-list" id="liste-lieux">(.*?)</ul>', re.S)
LIST_ITEM = re.compile(r"<li[ >]")


def largest_html(site: Path) -> tuple[int, str]:
    """The size and path (relative to ``site``) of the site's biggest HTML file."""
    best = (0, "")
    stack = [str(site)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.name.endswith(".html"):
                    size = entry.stat().st_size
                    if size > best[0]:
                        best = (size, entry.path)
    return best[0], os.path.relpath(best[1], site) if best[1] else ""


def _file(site: Path, page: Path, href: str) -> Path:
    """The file a link of ``page`` leads to (``…/`` → ``…/index.html``)."""
    target = (site / href.lstrip("/")) if href.startswith("/") else (page.parent / href)
    target = Path(os.path.normpath(target))
    return target / "index.html" if href.endswith("/") else target


def directory_files(site: Path, index: Path) -> list[Path]:
    """The directory's pages reachable from ``index``: the lists of its table, then their other pages."""
    seen = {index}
    order = [index]
    for href in TABLE_LINK.findall(index.read_text(encoding="utf-8")):
        first = _file(site, index, href)
        queue = [first]
        while queue:
            page = queue.pop(0)
            if page in seen or not page.exists():
                continue
            seen.add(page)
            order.append(page)
            nav = PAGE_LINK.search(page.read_text(encoding="utf-8"))
            if nav:
                queue += [_file(site, page, h) for h in HREF.findall(nav.group(1))]
    return order


def directory_sizes(site: Path, index_path: str = "lieux/index.html") -> dict[str, Any]:
    """Sizes of the site's and the directory's pages, and how many places the lists hold."""
    biggest, biggest_path = largest_html(site)
    index = site / index_path
    files = directory_files(site, index) if index.exists() else []
    sizes = sorted(((f.stat().st_size, str(f.relative_to(site))) for f in files), reverse=True)
    places = 0
    for f in files[1:]:
        found = LISTED.search(f.read_text(encoding="utf-8"))
        places += len(LIST_ITEM.findall(found.group(1))) if found else 0
    biggest_list = next((path for _, path in sizes if path != index_path), "")
    return {"largest_page_bytes": biggest, "largest_page_path": biggest_path,
            "largest_directory_page_bytes": sizes[0][0] if sizes else 0,
            "largest_directory_page_path": sizes[0][1] if sizes else "",
            "largest_list_path": biggest_list,
            "directory_pages": len(files), "directory_places": places}


def _index_run(browser: Any, url: str) -> tuple[float, float]:
    page = browser.new_page()
    page.goto(f"{url}/lieux/")
    page.focus("#finder-q")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(LOADED, timeout=120_000)
    page.wait_for_timeout(200)
    page.evaluate(LISTEN)
    page.type("#finder-q", QUERY, delay=KEY_DELAY_MS)
    page.wait_for_timeout(400)
    worst = page.evaluate(WORST_KEY)
    page.fill("#finder-q", "")
    page.wait_for_timeout(200)
    page.evaluate(LISTEN)
    page.locator("input[name=type]").first.click()
    page.wait_for_timeout(300)
    facet = page.evaluate(LAST_LATENCY)
    page.close()
    return worst, facet


def _list_run(browser: Any, url: str) -> float:
    page = browser.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate(LISTEN)
    page.type("#liste-q", QUERY, delay=KEY_DELAY_MS)
    page.wait_for_timeout(400)
    worst = page.evaluate(WORST_KEY)
    page.close()
    return worst


def bench_directory(site_dir: str | Path, runs: int = 5) -> dict[str, Any]:
    """The directory's page sizes, its slowest keystroke and a facet, in ms (latencies None without Chromium)."""
    from .browser import CHROMIUM, chromium, serve

    site = Path(site_dir)
    figures = directory_sizes(site)
    figures.update(keystroke_ms=None, facet_ms=None, list_keystroke_ms=None)
    if CHROMIUM is None:
        return figures
    with serve(site) as url, chromium() as browser:
        found = [_index_run(browser, url) for _ in range(runs)]
        figures["keystroke_ms"] = round(statistics.median(f[0] for f in found), 1)
        figures["facet_ms"] = round(statistics.median(f[1] for f in found), 1)
        if figures["largest_list_path"]:
            where = f"{url}/{figures['largest_list_path'].removesuffix('index.html')}"
            figures["list_keystroke_ms"] = round(statistics.median(_list_run(browser, where) for _ in range(runs)), 1)
    return figures
