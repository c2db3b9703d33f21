"""Headless Chromium over a folder served on 127.0.0.1: shared by the end-to-end tests and the benchmarks."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Debian's chromium (/usr/bin/chromium is a wrapper script), or the browser named by $CHROMIUM.
CANDIDATES = (os.environ.get("CHROMIUM", ""), "/usr/lib/chromium/chromium", shutil.which("chromium") or "")
CHROMIUM = next((p for p in CANDIDATES if p and Path(p).exists()), None)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TILE_HOST = "tile.openstreetmap.org"
# The map tiles made unreachable by Chromium itself (its resolver finds no such host), for the benchmarks: a
# Playwright route answered by this process would put its replies between the page and what is measured.
TILES_UNREACHABLE = (f"--host-resolver-rules=MAP {TILE_HOST} ~NOTFOUND",)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serve(directory: str | Path) -> Iterator[str]:
    """Serve ``directory`` on a free port of 127.0.0.1; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@contextmanager
def chromium(extra_args: tuple[str, ...] = ()) -> Iterator[Any]:
    """A headless Chromium driven by Playwright (no download: Debian's browser), with ``extra_args``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()
