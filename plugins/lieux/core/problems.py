"""Located problems and data records, shared by every stage and tool."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUOTE_LIMIT = 80  # characters of a value quoted in a message


@dataclass(frozen=True, order=True)
class Problem:
    """A problem found in an input, located in its file (line 0: the whole file)."""

    path: str
    line: int
    column: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = {"error": "", "warning": "attention : ", "note": "note : "}[self.severity]
        return f"{self.path}:{self.line}: {self.column}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def format(self, style: str = "human") -> str:
        """``PATH:LINE: column: message``, or a GitHub Actions annotation for ``style="github"``."""
        if style == "human":
            return str(self)
        if style != "github":
            raise ValueError(f"unknown format {style!r}")

        def data(text: str) -> str:
            return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def prop(text: str) -> str:
            return data(text).replace(":", "%3A").replace(",", "%2C")

        line = f",line={self.line}" if self.line > 0 else ""
        level = {"note": "notice"}.get(self.severity, self.severity)
        return f"::{level} file={prop(self.path)}{line},title={prop(self.column)}::{data(self.message)}"


class BuildStopped(SystemExit):
    """The build stops, like a command-line error, after its located messages were logged.

    A SystemExit, so that Pelican's ``main`` does not log it with a traceback: the messages
    already said everything; the process exits with status 1.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_warning]


def quoted(value: str, limit: int = QUOTE_LIMIT) -> str:
    """A value as a message quotes it: cut to ``limit`` characters, control characters shown as codes."""
    shown = "".join(c if c.isprintable() or c == " " else f"U+{ord(c):04X}" for c in value[:limit])
    return shown + ("…" if len(value) > limit else "")


@dataclass(slots=True)
class Record:
    """One data row: its physical line, its typed values keyed by column, and its cells as written
    (in the order of ``columns``: tens of thousands of rows share one tuple of names)."""

    line: int
    values: dict[str, Any]
    cells: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def raw(self) -> dict[str, str]:
        """The cells as written, keyed by column."""
        return dict(zip(self.columns, self.cells, strict=True))

    def cell(self, name: str) -> str:
        """The cell of column ``name`` as written (``""`` when the row lacks it)."""
        return self.cells[self.columns.index(name)] if name in self.columns else ""

    def cells_in(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """The cells as written, in the order of ``names`` (``""`` for a column the row lacks)."""
        if names == self.columns:
            return self.cells
        raw = self.raw
        return tuple(raw.get(name, "") for name in names)


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the working directory when it lies below it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
