"""Writing the site without rewriting what has not changed, then publishing it in one step.

A build writes into a fresh staging folder, never into the published site. ``SiteFiles.write``
first compares the new bytes with the published file of the same path: when they are equal,
nothing is written and the path is only noted as produced; otherwise the file goes to the
staging folder. Pelican's own writers (its pages, the theme's static files) write into the
staging folder too.

``SiteFiles.publish`` then moves each staged file that differs from the published one into
place — one atomic rename per file, data files and assets first and HTML pages last, so that a
page never links to a file not there yet — and removes the published files this build did not
produce. Unchanged files keep their content, inode and modification time; a failed or killed
build publishes nothing. A build killed during the final renames (a few milliseconds, and only
for the files that changed) leaves complete files, some new and some old, which the next build
completes.

Without a published folder (plain ``pelican`` writing straight into its output), ``write`` still
leaves an unchanged file alone and replaces a changed one atomically.

The build's manifest lists every published file with its size and modification time. After a
first build, the folders ``SiteFiles`` made itself (a place's, a list page's) are not read again
for it: what they hold is what it wrote there, noted as it wrote it. Should another writer have
added a file in one of them, the next build finds the site unlike its manifest: it builds again,
rewrites nothing, and lists the whole site.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LAST = (".html",)  # published after everything they may link to
INDEX_MARK = b"data-pagefind-body"  # pages holding it are read by the search index (tools/pagefind.py)


@dataclass
class PublishReport:
    moved: int = 0
    removed: int = 0
    kept: int = 0
    files: dict[str, list[int]] = field(default_factory=dict)  # the published site after it: ``listing``

    def line(self) -> str:
        return f"{self.moved} fichier(s) nouveau(x) ou modifié(s), {self.removed} supprimé(s), {self.kept} inchangé(s)"


def same_bytes(path: str | Path, data: bytes) -> bool:
    """Whether ``path`` holds exactly ``data`` (False when it cannot be read)."""
    try:
        with open(path, "rb") as file:
            return file.read(len(data) + 1) == data
    except OSError:
        return False


def same_files(a: Path, b: Path) -> bool:
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _entries(root: str | Path, skip: set[str] | frozenset[str] = frozenset()) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """``(relative path, entry)`` of every file under ``root`` (posix separators), in one pass of scandir; the
    folders of ``skip`` (relative paths) are not read."""

    def visit(folder: str, prefix: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.is_dir(follow_symlinks=False):
                    yield prefix + entry.name, entry
                elif prefix + entry.name not in skip:
                    yield from visit(entry.path, f"{prefix}{entry.name}/")

    return visit(os.fspath(root), "")


def listing(root: str | Path) -> dict[str, list[int]]:
    """``{relative path: [size, mtime_ns]}`` of every file under ``root``."""
    return {rel: [info.st_size, info.st_mtime_ns] for rel, entry in _entries(root) for info in (entry.stat(),)}


def listing_with(root: str | Path, known: dict[str, list[int]], made: set[str]) -> dict[str, list[int]]:
    """``listing(root)``, where the folders of ``made`` (relative paths) hold only the files of ``known`` (their
    ``[size, mtime_ns]``) below them: those folders are not read."""

    def in_made(rel: str) -> bool:
        folder = rel.rpartition("/")[0]
        while folder:
            if folder in made:
                return True
            folder = folder.rpartition("/")[0]
        return False

    found = {rel: stat for rel, stat in known.items() if in_made(rel)}
    found.update((rel, [info.st_size, info.st_mtime_ns]) for rel, entry in _entries(root, made)
                 for info in (entry.stat(),))
    return found


def _files(root: str | Path) -> dict[str, Path]:
    """``{relative path: path}`` of every file under ``root``."""
    return {rel: Path(entry.path) for rel, entry in _entries(root)}


def _write_new(path: str, data: bytes) -> list[int]:
    """Write a file that is not there yet, with a system call per step (no buffered file object to make); its
    ``[size, mtime_ns]`` once written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        info = os.fstat(fd)
        return [info.st_size, info.st_mtime_ns]
    finally:
        os.close(fd)


def _replace_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


@dataclass
class SiteFiles:
    """The files of one build: ``staging`` is where they are written, ``published`` the site they replace."""

    staging: Path
    published: Path | None = None
    produced: set[str] = field(default_factory=set)
    indexed: set[str] = field(default_factory=set)  # pages for the search index
    written: dict[str, list[int]] = field(default_factory=dict)  # staged files: ``[size, mtime_ns]``
    made: set[str] = field(default_factory=set)  # staging folders made by ``write``, that only it writes in
    _published_there: bool | None = field(default=None, repr=False, compare=False)
    _folders: set[str] = field(default_factory=set, repr=False, compare=False)

    def write(self, rel: str, data: str | bytes) -> None:
        """Write ``data`` at ``rel`` (relative to the site's root), unless the site already holds it."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self._note(rel, raw)
        if self.published is None:
            path = self.staging / rel
            if not same_bytes(path, raw):
                _replace_atomically(path, raw)
        elif not (self._has_published() and same_bytes(os.path.join(self.published, rel), raw)):
            self._write_staged(rel, raw)

    def _has_published(self) -> bool:
        """Whether a published site is there to compare with (not on a first build): looked at once."""
        if self._published_there is None:
            self._published_there = self.published is not None and self.published.is_dir()
        return self._published_there

    def _write_staged(self, rel: str, raw: bytes) -> None:
        """Write a new file of the staging folder (tens of thousands a build: plain strings, each folder made once)."""
        path = os.path.join(self.staging, rel)
        folder = os.path.dirname(path)
        if folder not in self._folders:
            try:
                os.mkdir(folder)  # a place's own folder: its parent is most often there already
                if "/" in rel:
                    self.made.add(rel.rpartition("/")[0])
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        self.written[rel] = _write_new(path, raw)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_folders": set()}  # the folders this process saw made: of no use to another

    def merge(self, other: SiteFiles) -> None:
        """Take in what ``other`` wrote into the same staging folder (a forked process's share of the pages)."""
        self.produced |= other.produced
        self.indexed |= other.indexed
        self.written.update(other.written)
        self.made |= other.made

    def written_by_pelican(self, path: str | Path) -> None:
        """Pelican's writer has just written ``path`` (its own pages) into the staging folder."""
        rel = Path(path).resolve().relative_to(self.staging.resolve()).as_posix()
        self._note(rel, Path(path).read_bytes())

    def _note(self, rel: str, raw: bytes) -> None:
        self.produced.add(rel)
        if rel.endswith(".html") and INDEX_MARK in raw:
            self.indexed.add(rel)

    def current(self, rel: str) -> Path:
        """Where the file ``rel`` of this build is now: staged when it changed, else still the published one."""
        staged = self.staging / rel
        return staged if self.published is None or staged.exists() else self.published / rel

    def publish(self) -> PublishReport:
        """Move what changed into the published folder, remove what is no longer produced, drop the staging."""
        if self.published is None:
            raise ValueError("nothing to publish to: the files were written in place")
        target, report = self.published, PublishReport()
        if not target.exists() or not any(target.iterdir()):  # a first build: the whole folder at once
            self.staging.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.rmdir()
            os.replace(self.staging, target)
            report.files = listing_with(target, self.written, self.made)
            report.moved = len(report.files)
            return report
        staged = _files(self.staging)
        target.mkdir(parents=True, exist_ok=True)
        for rel in sorted(staged, key=lambda r: (r.endswith(LAST), r)):
            destination = target / rel
            if same_files(staged[rel], destination):
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged[rel], destination)
            report.moved += 1
        keep = self.produced | set(staged)
        report.files = listing(target)  # one pass over the published site: what it keeps is what it holds after
        for rel in sorted(report.files):
            if rel in keep:
                report.kept += 1
            else:
                (target / rel).unlink()
                del report.files[rel]
                report.removed += 1
        if report.removed:
            _remove_empty_folders(target)
        shutil.rmtree(self.staging, ignore_errors=True)
        report.kept -= report.moved
        return report


def _remove_empty_folders(root: Path) -> None:
    for folder, _, _ in os.walk(root, topdown=False):
        if Path(folder) != root and not os.listdir(folder):
            os.rmdir(folder)
