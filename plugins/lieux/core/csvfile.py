"""CSV files: how a file was saved, its rows with the lines GitHub shows, the canonical writer.

Canonical form: UTF-8 without BOM, commas, LF line ends, minimal quoting (a value
holding a comma, a quote, a CR or an LF is quoted), one final newline, no blank
line. Lines are counted by LF only (CRLF once), as git and GitHub count them, so a
lone CR inside a value never shifts the reported lines.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

UTF8_BOM = b"\xef\xbb\xbf"
NEEDS_QUOTES = frozenset(',"\r\n')
QUOTE_OR_BREAK = re.compile('["\r\n]')


@dataclass(frozen=True)
class Sniffed:
    """How a file was saved, and its text."""

    text: str
    encoding: str  # "utf-8" or "cp1252"
    bom: bool
    delimiter: str  # "," or ";"
    bad_lines: tuple[int, ...] = ()  # lines holding bytes that are not UTF-8 (Windows-1252: the first one)


@dataclass
class Table:
    """A CSV file read: its header, its rows with their first physical line, and what went wrong."""

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    error: tuple[int, str] | None = None  # (line, message) where the CSV syntax broke


def _line_of(body: bytes, offset: int) -> int:
    return body.count(b"\n", 0, offset) + 1


def sniff(raw: bytes) -> Sniffed:
    """Decide the encoding on evidence, and find the separator.

    Valid UTF-8 is UTF-8. A file with more valid multi-byte UTF-8 characters than stray
    bytes (a Windows ``’`` pasted into a UTF-8 file) is UTF-8 with errors at named lines:
    its text keeps U+FFFD there, never a re-decoded accent. Only a file that is mostly
    not UTF-8 is Windows-1252.
    """
    bom = raw.startswith(UTF8_BOM)
    body = raw[len(UTF8_BOM):] if bom else raw
    try:
        text, encoding, bad = body.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        text = body.decode("utf-8", errors="replace")
        offsets = list(_bad_offsets(body))
        valid = sum(1 for c in text if ord(c) > 0x7F and c != "\ufffd")
        if valid > len(offsets):  # mostly UTF-8: a few stray bytes, not a whole other encoding
            encoding = "utf-8"
            bad = tuple(sorted({_line_of(body, i) for i in offsets}))
        else:
            text, encoding = body.decode("cp1252", errors="replace"), "cp1252"
            bad = (_line_of(body, next(_bad_offsets(body))),)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return Sniffed(text, encoding, bom, delimiter, bad)


def _bad_offsets(body: bytes) -> Iterator[int]:
    start = 0
    while start < len(body):
        try:
            body[start:].decode("utf-8")
            return
        except UnicodeDecodeError as exc:
            yield start + exc.start
            start += exc.end


def _lines(text: str) -> list[str]:
    """The text cut at each LF only, each line with its LF (a lone CR stays inside its line)."""
    lines = text.split("\n")
    last = lines.pop()
    lines = [line + "\n" for line in lines]
    if last:
        lines.append(last)
    return lines


def _blank(cells: list[str]) -> bool:
    return not cells or not (cells[0].strip() or any(map(str.strip, cells)))


def read_table(text: str, delimiter: str = ",") -> Table:
    """Header and rows of ``text``, each row with its first physical line; blank lines left out."""
    lines = _lines(text.replace("\x00", "") if "\x00" in text else text)
    try:
        parsed = list(csv.reader(lines, delimiter=delimiter, strict=True))
    except csv.Error:
        parsed = []
    if len(parsed) == len(lines):  # a row per line (none holds a line break): each row's line is its number
        rows = [(line, cells) for line, cells in enumerate(parsed, 1) if not _blank(cells)]
        return Table(rows[0][1], rows[1:]) if rows else Table()
    return _read_rows(lines, delimiter)


def _read_rows(lines: list[str], delimiter: str) -> Table:
    """``read_table`` where a row may hold line breaks, or the CSV breaks: rows read one by one."""
    table = Table()
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    last_line = 0
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if _blank(cells):
                continue
            if not table.header:
                table.header = cells
            else:
                table.rows.append((start, cells))
    except csv.Error as exc:
        table.error = (reader.line_num or last_line + 1, str(exc))
    return table


def _cell(value: str) -> str:
    if NEEDS_QUOTES.intersection(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def _row(cells: Iterable[str]) -> str:
    cells = list(cells)
    joined = ",".join(cells)
    if joined.count(",") == len(cells) - 1 and not QUOTE_OR_BREAK.search(joined):
        return joined  # no cell holds a comma, a quote or a line break: none needs quotes
    return ",".join(_cell(v) for v in cells)


def csv_rows(rows: Iterable[Iterable[str]]) -> str:
    """Rows in the canonical form, each ended by LF."""
    return "".join(_row(row) + "\n" for row in rows)


def csv_text(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """CSV in the project's canonical form: UTF-8, commas, LF, minimal quoting."""
    return csv_rows([header]) + csv_rows(rows)


def atomic_write(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` through a unique temporary file beside it, synced, then renamed."""
    path = Path(path)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent,
                                         prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def not_canonical(raw: bytes, sniffed: Sniffed, header: list[str], columns: tuple[str, ...],
                  canonical: str) -> list[str]:
    """Why ``raw`` is not in its canonical form ``canonical`` (empty when it is), in French."""
    if raw == canonical.encode("utf-8"):
        return []
    return _shape_problems(raw, sniffed, header, columns) or ["guillemets superflus ou lignes vides"]


def _shape_problems(raw: bytes, sniffed: Sniffed, header: list[str], columns: tuple[str, ...]) -> list[str]:
    """What is wrong with the file's shape, in French: encoding, BOM, separator, line ends, column order."""
    checks = (
        (sniffed.encoding != "utf-8", "encodé en Windows-1252 au lieu d'UTF-8"),
        (sniffed.bom, "commence par une marque d'ordre des octets (BOM), ajoutée par Excel ou LibreOffice"),
        (sniffed.delimiter != ",", "colonnes séparées par des points-virgules"),
        (b"\r\n" in raw, "fins de ligne Windows (CRLF)"),
        (tuple(header) != columns, "colonnes dans un autre ordre que celui du schéma"),
        (not raw.endswith(b"\n"), "pas de retour à la ligne à la fin"),
    )
    return [reason for failed, reason in checks if failed]


def is_canonical(raw: bytes, sniffed: Sniffed, table: Table, columns: tuple[str, ...]) -> bool:
    """Whether ``raw`` is its own canonical form, seen without writing it again. Once the file's shape is
    right (UTF-8 without BOM, commas, LF, the schema's columns, a final line break, no blank line), a
    row without quotes is canonical (none of its cells can hold a comma, a quote or a line break):
    only the rows written with quotes are encoded again and compared with their lines."""
    if _shape_problems(raw, sniffed, table.header, columns) or b"\r" in raw or b"\n\n" in raw or raw.startswith(b"\n"):
        return False  # (a lone CR, or a blank line, may still be canonical: the full comparison decides)
    lines = sniffed.text.split("\n")
    if lines[0] != _row(columns):
        return False
    if b'"' not in raw:  # one line per row: no line left out (a line of commas only is read as blank)
        return len(table.rows) == len(lines) - 2
    ends = [line for line, _ in table.rows[1:]] + [len(lines)]
    for (line, cells), end in zip(table.rows, ends, strict=True):
        if end == line + 1 and '"' not in lines[line - 1]:
            continue
        if "\n".join(lines[line - 1:end - 1]) != _row(cells):
            return False
    return True


def canonical_text(table: Table, columns: tuple[str, ...]) -> str:
    """The rows of a valid table in the canonical form, columns in the schema's order."""
    order = [table.header.index(c) for c in columns]
    return csv_text(columns, ([cells[i] for i in order] for _, cells in table.rows))
