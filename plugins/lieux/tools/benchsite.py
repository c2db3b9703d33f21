"""What ``invoke bench`` measures on a built site, from outside: commands timed, memory, files.

Every figure comes from running the project's own commands in a child process (``python -m
invoke build|validate``) from a project root — this checkout, or another release's, its modules
compiled first (``compile_sources``) — so the same code measures this release and the previous one:

- ``build``: wall seconds of a build into a folder that does not exist yet, and the peak
  resident memory of the build (``os.wait4``: the largest of the process and of its children
  it waited for — the forked renderers included); right after each, ``write_alone``: the seconds
  the file system takes to write files of the same sizes in the same folders, nothing else;
- ``rebuild``: the same build again, nothing changed: seconds, and how many files changed
  (content, inode or modification time);
- ``one_row``: one place's description changed, built again into the same folder: which
  files changed;
- ``validate``: wall seconds of ``invoke validate``;
- ``largest_html``: the largest HTML page of the site (bytes and path), and the map's data
  (``lieux-carte.json``), gzipped, per mapped place.
"""

from __future__ import annotations

import csv
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MAP_DATA = re.compile(rb'<script type="application/json" id="places-data"[^>]*>(.*?)</script>', re.S)


def run(root: Path, *args: str) -> tuple[float, int]:
    """Seconds and peak memory (KiB) of ``python -m invoke ARGS`` run from ``root``; fails loudly on error."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "invoke", *args], cwd=root, stdout=subprocess.DEVNULL,
                                   stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"invoke {' '.join(args)} : code {process.returncode}\n"
                               f"{errors.read()[-2000:].decode('utf-8', 'replace')}")
    return seconds, usage.ru_maxrss


def compile_sources(root: Path) -> None:
    """Compile the project's own modules (``plugins/``, ``tasks.py``, the settings) as pip compiles an installed
    package's: each command then times the work, not compiling its sources again, which it would do every time
    where ``PYTHONDONTWRITEBYTECODE`` is set (as on this machine)."""
    import compileall

    compileall.compile_dir(root / "plugins", quiet=1)
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py"):
        if (root / name).exists():
            compileall.compile_file(root / name, quiet=1)


def write_alone(site: Path, target: Path) -> float:
    """Seconds to write, into ``target``, files of the sizes of ``site``'s, each in a folder of the same name:
    what the file system costs any build of this site, at this moment (nothing rendered, nothing read)."""
    sizes = [(os.path.relpath(os.path.join(base, name), site), os.path.getsize(os.path.join(base, name)))
             for base, _, names in os.walk(site) for name in names]
    zeros = bytes(max((size for _, size in sizes), default=0))
    start = time.perf_counter()
    for rel, size in sizes:
        path = os.path.join(target, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as file:
            file.write(zeros[:size])
    return time.perf_counter() - start


def startup(root: Path) -> float:
    """Seconds to start the tasks and load Pelican: what every command pays before any work."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tasks, pelican, pelican.generators"], cwd=root, check=True)
    return time.perf_counter() - start


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """``{relative path: (inode, mtime_ns, size)}`` of every file under ``folder``."""
    found = {}
    for base, _, names in os.walk(folder):
        for name in names:
            info = os.stat(os.path.join(base, name))
            found[os.path.relpath(os.path.join(base, name), folder)] = (info.st_ino, info.st_mtime_ns, info.st_size)
    return found


def changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Files added, removed, or whose inode, modification time or size differ."""
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))


def largest_html(site: Path) -> tuple[int, str]:
    return max((p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html"))


def map_bytes(site: Path) -> tuple[float, float]:
    """Raw and gzipped bytes per mapped place of the map's data (``lieux-carte.json``, or embedded in the
    home page by releases before it had a file of its own)."""
    import json

    path = site / "lieux-carte.json"
    data = path.read_bytes() if path.exists() else MAP_DATA.search((site / "index.html").read_bytes()).group(1)
    decoded = json.loads(data)
    count = max(1, len(decoded["columns"]["lat"]) if "columns" in decoded else len(decoded["places"]))
    return len(data) / count, len(gzip.compress(data, 9)) / count


def edit_one_row(source: Path, target: Path) -> str:
    """Copy ``source`` to ``target`` with the description of its middle row changed; that row's id."""
    with open(source, encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    row = rows[len(rows) // 2]
    column = rows[0].index("description")
    row[column] = (row[column] + " (modifié)").strip()
    with open(target, "w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    return row[0]


def measure(root: Path, places: Path, work: Path, runs: int) -> dict[str, Any]:
    """Every figure of one synthetic site, ``runs`` times where timed (medians taken by the caller)."""
    figures: dict[str, Any] = {"build_s": [], "build_kib": [], "rebuild_s": [], "validate_s": [], "write_s": []}
    out = work / "out"
    compile_sources(root)
    for number in range(runs):
        out = work / f"out-{number}"  # a new folder each time: a clean build
        seconds, kib = run(root, "build", "--places", str(places), "--output", str(out))
        figures["build_s"].append(seconds)
        figures["build_kib"].append(kib)
        figures["write_s"].append(write_alone(out, work / f"written-{number}"))  # removed with work, at the end
    before = snapshot(out)
    for _ in range(runs):
        figures["rebuild_s"].append(run(root, "build", "--places", str(places), "--output", str(out))[0])
    figures["rebuilt_files"] = len(changed(before, snapshot(out)))
    figures["files"] = len(before)
    figures["largest_html"] = largest_html(out)
    figures["map_bytes"] = map_bytes(out)
    edited = work / "one-row.csv"
    place_id = edit_one_row(places, edited)
    before = snapshot(out)
    run(root, "build", "--places", str(edited), "--output", str(out))
    figures["one_row"] = (place_id, changed(before, snapshot(out)))
    for _ in range(runs):
        figures["validate_s"].append(run(root, "validate", "--places", str(places))[0])
    figures["site"] = out
    return figures


def clean(work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
