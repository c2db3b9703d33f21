"""The site-wide search index: Pagefind run over the finished site, after Pelican.

Pagefind (npm ``pagefind``; its binary comes from the optional dependency
``@pagefind/<platform>``) reads the built HTML: only the elements marked
``data-pagefind-body`` (partners, projects, pages) are indexed, with the
``data-pagefind-filter`` values of each. It writes ``pagefind/`` under the site: the
index in small fragments the browser loads on demand, and the default UI the
« Rechercher » page uses.

``index_on_finalized`` is the handler of Pelican's ``finalized`` signal, so every build
(``invoke build``, ``invoke publish``, plain ``pelican``) ends with a fresh index. It gives
Pagefind only the pages that hold ``data-pagefind-body`` — partners, projects, events, Pelican's
pages: places are searched with the finder's own data (``outputs/find.py``), which already holds
what a query may hit, so that the index does not grow with the places. Set
``SEARCH_INDEX = False`` to skip it.
"""

from __future__ import annotations

import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.problems import BuildStopped
from ..core.sitefiles import SiteFiles

logger = logging.getLogger(__name__)

BUNDLE = "pagefind"  # folder under the site; theme/templates/recherche.html loads pagefind-ui.* from there
LANGUAGE = "fr"


SearchIndexError = BuildStopped  # Pagefind is missing or failed: a French message, no traceback


@dataclass(frozen=True)
class IndexReport:
    pages: int
    words: int
    filters: int
    seconds: float
    bytes: int  # total size of the bundle's index files (pf_index, pf_fragment, pf_meta, pf_filter)

    def line(self) -> str:
        return (f"Recherche : {self.pages} pages indexées, {self.words} mots, {self.filters} filtres, "
                f"{self.bytes / 1024:.0f} Kio d'index en {self.seconds:.2f} s")


EXECUTABLES = ("pagefind_extended", "pagefind")  # what npm's launcher looks for, in its order
PLATFORMS = {"win32": "windows"}  # Python's name → Node's, where they differ
CPUS = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}


def command(node_modules: str | Path) -> list[str]:
    """How to run Pagefind from ``node_modules``: the platform's binary, found where npm's launcher
    (``pagefind/lib/resolveBinary.js``) finds it, without starting Node for it; else that launcher."""
    binary = platform_binary(node_modules)
    if binary is not None:
        return [str(binary)]
    launcher = Path(node_modules) / ".bin" / "pagefind"
    if not launcher.exists():
        raise SearchIndexError(f"{launcher} manque : Pagefind n'est pas installé (lancez « npm ci »)")
    return [str(launcher)]


def platform_binary(node_modules: str | Path) -> Path | None:
    """``@pagefind/<platform>-<cpu>/bin/<executable>`` under ``node_modules``, when it is there and runnable."""
    name = f"{PLATFORMS.get(sys.platform, sys.platform)}-{CPUS.get(platform.machine().lower(), platform.machine())}"
    suffix = ".exe" if sys.platform == "win32" else ""
    for executable in EXECUTABLES:
        path = Path(node_modules) / "@pagefind" / name / "bin" / f"{executable}{suffix}"
        if path.is_file() and os.access(path, os.X_OK):
            return path
    return None


def index_size(bundle: Path) -> int:
    return sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and p.suffix.startswith(".pf_"))


def index_site(output_dir: str | Path, node_modules: str | Path = "node_modules") -> IndexReport:
    """Index the built site in ``output_dir`` into ``output_dir/pagefind``; a report of what was indexed."""
    site = Path(output_dir)
    bundle = site / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)  # no fragment of a previous build left behind
    return _run(site, bundle, node_modules)


def index_pages(files: SiteFiles, node_modules: str | Path) -> IndexReport:
    """Index only the pages of this build that hold ``data-pagefind-body`` (documents, Pelican's pages): Pagefind
    reads a copy of them, so the places' tens of thousands of pages cost it nothing, and its bundle goes
    through ``files`` like every other file (unchanged fragments are not rewritten)."""
    with tempfile.TemporaryDirectory(prefix="lieux-pagefind-") as tmp:
        source, bundle = Path(tmp) / "site", Path(tmp) / BUNDLE
        for rel in sorted(files.indexed):
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(files.current(rel), source / rel)
        source.mkdir(exist_ok=True)
        report = _run(source, bundle, node_modules)
        if files.published is None:  # written in place: no fragment of a previous build left behind
            shutil.rmtree(files.staging / BUNDLE, ignore_errors=True)
        for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
            files.write(f"{BUNDLE}/{path.relative_to(bundle).as_posix()}", path.read_bytes())
    return report


def _run(site: Path, bundle: Path, node_modules: str | Path) -> IndexReport:
    start = time.perf_counter()
    done = subprocess.run([*command(node_modules), "--site", str(site), "--output-path", str(bundle),
                           "--force-language", LANGUAGE], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SearchIndexError(f"Pagefind a échoué ({done.returncode}) : {(done.stderr or done.stdout).strip()}")

    def count(label: str) -> int:
        found = re.search(rf"Indexed (\d+) {label}", done.stdout)
        return int(found.group(1)) if found else 0

    return IndexReport(count("pages?"), count("words?"), count("filters?"), seconds, index_size(bundle))


def index_on_finalized(pelican: Any) -> None:
    """Pelican's ``finalized`` signal: index the pages just written (unless SEARCH_INDEX is False)."""
    from .. import CONFIG_KEY, FILES_KEY

    config, files = pelican.settings.get(CONFIG_KEY), pelican.settings.get(FILES_KEY)
    if config is None or files is None or not config.search_index:
        return
    report = index_pages(files, config.node_modules)
    logger.info("%s", report.line())


def first_query_bytes(site: str | Path, query: str) -> dict[str, int]:
    """Bytes under /pagefind/ that headless Chromium loads for a first search on the « Rechercher » page.

    By kind: ``ui`` (pagefind-ui.js/css), ``engine`` (pagefind.js and its WebAssembly), ``index``
    (entry, metadata, index chunks, filters) and ``fragments`` (the results shown); {} without Chromium.
    """
    from urllib.parse import quote, urlsplit

    from .browser import CHROMIUM, TILE_HOST, chromium, serve

    if CHROMIUM is None:
        return {}
    sizes = {"ui": 0, "engine": 0, "index": 0, "fragments": 0}

    def kind(path: str) -> str:
        name = path.rsplit("/", 1)[-1]
        if name.startswith("pagefind-ui") or name.startswith("pagefind-modular-ui"):
            return "ui"
        if name in ("pagefind.js", "pagefind-highlight.js") or name.startswith("wasm."):
            return "engine"
        return "fragments" if name.endswith(".pf_fragment") else "index"

    with serve(site) as url, chromium() as browser:
        page = browser.new_page()
        page.route(f"https://{TILE_HOST}/**", lambda route: route.abort())
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(f"{url}/recherche/?q={quote(query)}")
        page.wait_for_selector(".pagefind-ui__result-link, .pagefind-ui__message", timeout=60_000)
        page.wait_for_load_state("networkidle")
        for response in responses:
            path = urlsplit(response.url).path
            if path.startswith(f"/{BUNDLE}/") and response.ok:
                sizes[kind(path)] += len(response.body())
        page.close()
    return sizes
