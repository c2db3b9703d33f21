"""What a change does to data/places.csv: places added, removed, and modified field by field.

Printed as Markdown for the pull request's job summary, so a maintainer sees the
change in terms of places, whatever the file's formatting was.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..core.csvfile import read_table, sniff

BASE_CANDIDATES = ("origin/main", "main")


@dataclass
class PlacesDiff:
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    modified: list[tuple[dict[str, str], list[tuple[str, str, str]]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.modified)


def _places(raw: bytes) -> dict[str, dict[str, str]]:
    if not raw.strip():
        return {}
    sniffed = sniff(raw)
    table = read_table(sniffed.text, sniffed.delimiter)
    places = {}
    for _, row in table.rows:
        values = dict(zip(table.header, row, strict=False))
        if values.get("id"):
            places[values["id"]] = values
    return places


def diff_places(old: bytes, new: bytes) -> PlacesDiff:
    """Compare two versions of the file, place by place (matched by id)."""
    before, after = _places(old), _places(new)
    diff = PlacesDiff()
    for place_id in sorted(after.keys() - before.keys()):
        diff.added.append(after[place_id])
    for place_id in sorted(before.keys() - after.keys()):
        diff.removed.append(before[place_id])
    for place_id in sorted(before.keys() & after.keys()):
        old_row, new_row = before[place_id], after[place_id]
        changes = [(name, old_row.get(name, ""), new_row.get(name, ""))
                   for name in dict.fromkeys([*old_row, *new_row])
                   if old_row.get(name, "") != new_row.get(name, "")]
        if changes:
            diff.modified.append((new_row, changes))
    return diff


def md(text: str) -> str:
    """Text safe in Markdown: no HTML, no emphasis, no link, on one line."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|#~])", r"\\\1", text)


def code(text: str) -> str:
    """Text as inline code, safe whatever it holds (backticks, ``<!--``, ``###``…): escaped, in ``<code>``."""
    return f"<code>{md(text)}</code>"


def _describe(row: dict[str, str]) -> str:
    where = ", ".join(x for x in (row.get("type", ""), row.get("commune", "")) if x)
    return f"{code(row.get('id', ''))} — {md(row.get('nom', ''))}" + (f" ({md(where)})" if where else "")


def to_markdown(diff: PlacesDiff, base: str) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'s' if n > 1 else ''}"

    lines = [
        f"### Lieux modifiés par rapport à {code(base)}",
        "",
        f"{plural(len(diff.added), 'ajouté')}, {plural(len(diff.modified), 'modifié')}, "
        f"{plural(len(diff.removed), 'supprimé')}.",
    ]
    if diff.empty:
        return "\n".join([*lines, "", "Aucun lieu ne change."]) + "\n"
    if diff.added:
        lines += ["", "#### Ajoutés", ""] + [f"- {_describe(row)}" for row in diff.added]
    if diff.modified:
        lines += ["", "#### Modifiés", ""]
        for row, changes in diff.modified:
            lines.append(f"- {_describe(row)}")
            lines += [f"  - {code(name)} : « {md(old)} » → « {md(new)} »" for name, old, new in changes]
    if diff.removed:
        lines += ["", "#### Supprimés", ""] + [f"- {_describe(row)}" for row in diff.removed]
    return "\n".join(lines) + "\n"


# --- the version to compare with ------------------------------------------------------------


class GitError(Exception):
    """The file is not in a repository, or the reference is unknown (French message)."""


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True)


def repository_of(path: Path) -> Path:
    """The top folder of the git repository holding ``path``."""
    top = _git(path.parent, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise GitError(f"{path} n'est pas dans un dépôt git")
    return Path(top.stdout.decode().strip())


def default_base(repo: Path) -> str:
    """The merge base of HEAD with origin/main, else with main (as ``invoke diff-places`` does)."""
    for candidate in BASE_CANDIDATES:
        found = _git(repo, "merge-base", "HEAD", candidate)
        if found.returncode == 0:
            return found.stdout.decode().strip()
    raise GitError("aucune branche main trouvée : précisez --base")


def previous_version(path: Path, base: str | None = None) -> tuple[str, bytes]:
    """The reference compared with (``base`` or the default one) and ``path``'s bytes there (empty when absent)."""
    path = path.resolve()
    repo = repository_of(path)
    base = base or default_base(repo)
    if _git(repo, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}").returncode != 0:
        raise GitError(f"référence git inconnue : {base}")
    old = _git(repo, "show", f"{base}:{path.relative_to(repo).as_posix()}")
    return base, old.stdout if old.returncode == 0 else b""  # the file did not exist yet
