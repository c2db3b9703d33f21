"""What ``invoke validate`` looks at on its second core while the first checks the places: the possible
duplicates and the CSV's form, found from the file itself (read as the loader reads it, not checked), in a
process forked before the loader starts (``core.ahead``).

Their warnings are the loader's and ``find_duplicates``'s, word for word; they are used only when the file
still has the size and time it was read with here and the loader kept exactly the rows compared here (a file
without errors), and found again from the records otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..core.csvfile import Table, read_table, sniff
from ..core.problems import Problem, display_path
from ..stages.load import DECIMAL, LoadResult, form_problems, parse
from .duplicates import Row, duplicate_problems, find_duplicates

FORM = "fichier"  # the column of the form warning (the duplicates' are "nom" and "latitude")
# The file's size and modification time as read, the lines of the rows compared, the warnings as Problem's fields.
Found = tuple[list[int], list[int], list[tuple[str, int, str, str, str]]]


def file_checks(path: str, columns: tuple[str, ...]) -> Found | None:
    """The duplicates among every row of the CSV file ``path``, and its form warning (``columns``: the
    schema's), with the file's size and time and the lines of the rows compared. None when a row is not plainly
    readable (a file the loader refuses, a row of the wrong length, a coordinate that is not a plain number):
    only the loader then knows which rows it keeps."""
    try:
        with open(path, "rb") as file:
            info = os.fstat(file.fileno())
            raw = file.read()
    except OSError:
        return None
    where = display_path(path)
    sniffed, table, refused = parse(raw, where)  # the loader's own reading
    rows = None if table is None or refused else _plain_rows(table)
    if rows is None:
        return None
    problems = duplicate_problems(rows, where) + form_problems(raw, sniffed, table, columns, where)
    return ([info.st_size, info.st_mtime_ns], [row[0] for row in rows],
            [(p.path, p.line, p.column, p.message, p.severity) for p in problems])


def _plain_rows(table: Table) -> list[Row] | None:
    """Each row's line, name and coordinates as the loader types them; None when one is not plainly written."""
    header = table.header
    if not {"nom", "latitude", "longitude"} <= set(header) or len(set(header)) != len(header):
        return None
    name, lat, lon = header.index("nom"), header.index("latitude"), header.index("longitude")
    rows = []
    for line, cells in table.rows:
        if len(cells) != len(header):
            return None
        latitude, longitude = _plain_number(cells[lat]), _plain_number(cells[lon])
        if latitude is False or longitude is False:
            return None
        rows.append((line, cells[name], latitude, longitude))
    return rows


def _plain_number(cell: str) -> float | None | bool:
    """A coordinate as the loader types it: None when empty, False when it is not a plain number."""
    if not cell:
        return None
    return float(cell) if DECIMAL.fullmatch(cell) else False


def checked(loaded: LoadResult, found: Any, path: str, columns: tuple[str, ...],
            form: bool = True) -> tuple[list[Problem], list[Problem]]:
    """The form warning of a file without errors (loaded with ``form=False``; ``form=False`` here when the loader
    looked at it), and the duplicates among the rows the loader kept: found ahead (``file_checks``'s value) when
    it read the file as it still is and compared exactly these rows, else found now."""
    if loaded.errors or not form:
        return [], find_duplicates(loaded.records, loaded.path)  # no form warning on a file with errors
    if found is not None and found[0] == _size_and_time(path) and found[1] == [r.line for r in loaded.records]:
        problems = [Problem(*fields) for fields in found[2]]
        return [p for p in problems if p.column == FORM], [p for p in problems if p.column != FORM]
    try:
        raw = Path(path).read_bytes()
    except OSError:  # gone since the loader read it: its form no longer matters
        return [], find_duplicates(loaded.records, loaded.path)
    sniffed = sniff(raw)
    return (form_problems(raw, sniffed, read_table(sniffed.text), columns, loaded.path),
            find_duplicates(loaded.records, loaded.path))


def _size_and_time(path: str) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]
