"""Load: read ``data/places.csv`` and check every cell against the table schema.

Every problem is reported with the line GitHub shows (a quoted value spanning several
lines counts all of them), the column, and a message in French. Nothing here raises
on bad data, and no value is changed: a cell that would need changing is refused.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..core.csvfile import Sniffed, Table, canonical_text, is_canonical, not_canonical, read_table, sniff
from ..core.problems import Problem, Record, display_path, errors, quoted, warnings
from ..core.schema import Field, Schema
from ..core.vocabulary import Matcher

ADDRESS_FIELDS = ("adresse", "code_postal", "commune")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DECIMAL = re.compile(r"-?[0-9]{1,3}(\.[0-9]+)?")  # ASCII digits, a point, no sign but "-", no exponent
DECIMALS = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]+)?(?:\n-?[0-9]{1,3}(?:\.[0-9]+)?)*")  # such numbers, one a line
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 controls but LF, DEL and C1 controls, the bidi marks and overrides, and U+FFFD (a byte that was not UTF-8).
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd]")


@dataclass
class LoadResult:
    """What the loader found: the rows and every problem, in file order."""

    path: str
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return errors(self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return warnings(self.problems)


# --- one value ------------------------------------------------------------------


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def is_web_url(value: str) -> bool:
    """An absolute http(s) URL with a dotted host name and no white space."""
    if any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host) and "." in host


def forbidden_character(value: str) -> str:
    """The first control, bidi-override or replacement character of ``value`` (``""`` when none).

    A line feed is allowed: a quoted value may span several lines. A lone CR, a tab, NUL, the
    other C0 and C1 controls, DEL and the bidi overrides are not."""
    found = FORBIDDEN.search(value)
    return found.group() if found else ""


def text_problems(value: str, max_length: int | None) -> list[str]:
    """What is wrong with a text anybody may write: controls, bidi overrides, edges, length."""
    messages = []
    char = forbidden_character(value)
    if char:
        messages.append(f"caractère interdit U+{ord(char):04X} ({unicodedata.name(char, 'caractère de contrôle')}) "
                        f"dans « {quoted(value)} » : il ne s'affiche pas ou trompe le lecteur, retirez-le")
    if value != value.strip():
        messages.append(f"espace en début ou en fin de « {quoted(value)} » : retirez-la")
    if max_length is not None and len(value) > max_length:
        messages.append(f"{len(value)} caractères, {max_length} au plus")
    return messages


def _number(f: Field, value: str) -> tuple[float | None, list[str]]:
    number = float(value) if DECIMAL.fullmatch(value) else math.nan
    if math.isnan(number):
        hint = " (le séparateur décimal est le point : 48.85)" if "," in value else (
            " (chiffres 0 à 9, un point, un signe « - » éventuel, rien d'autre)")
        return None, [f"« {quoted(value)} » n'est pas un nombre{hint}"]
    if (f.minimum is not None and number < f.minimum) or (f.maximum is not None and number > f.maximum):
        return number, [f"{value} hors de l'intervalle [{f.minimum:g}, {f.maximum:g}]"]
    return number, []


@cache
def _matcher(f: Field) -> Matcher:
    return Matcher(f.vocabulary)


def _list(f: Field, value: str) -> tuple[tuple[str, ...], list[str]]:
    items = tuple(item.strip() for item in value.split(f.delimiter or "|") if item.strip())
    messages = []
    for item in items:
        if f.allowed and item not in f.allowed:
            found = _matcher(f).match(item)
            guess = found.code or found.suggestion
            hint = f" ; vouliez-vous dire « {guess} » ?" if guess else ""
            messages.append(f"« {quoted(item)} » n'est pas une valeur autorisée{hint} Valeurs possibles : "
                            f"{', '.join(f.allowed)} (séparées par « {f.delimiter} »)")
    return items, messages


def _string(f: Field, value: str) -> list[str]:
    messages = []
    if f.regex and not f.regex.fullmatch(value):
        messages.append(f"« {quoted(value)} » n'a pas le format attendu (exemple : « {f.example} ») ; {f.description}")
    if f.allowed and value not in f.allowed:
        messages.append(f"« {quoted(value)} » n'est pas une valeur autorisée ; "
                        f"valeurs possibles : {', '.join(f.allowed)}")
    if (f.type == "date" or (len(value) == 10 and ISO_DATE.fullmatch(value))) and not _is_date(value):
        messages.append(f"« {value} » n'est pas une date valide au format AAAA-MM-JJ")
    if f.format == "uri" and not is_web_url(value):
        messages.append(f"« {quoted(value)} » n'est pas une adresse web valide : elle doit commencer par "
                        "http:// ou https:// et ne contenir aucune espace")
    return messages


def check_value(f: Field, value: str, screened: bool = False) -> tuple[Any, list[str]]:
    """Type and check one cell, as written. Returns its typed value and the messages it raised.
    ``screened``: its column is known to hold no forbidden character, edge space or overlong value."""
    if value == "":
        if f.required:
            return None, ["valeur obligatoire manquante"]
        return {"list": (), "number": None}.get(f.type, f.default or ""), []
    messages = [] if screened else text_problems(value, f.max_length)
    if f.type != "number" and value.startswith(FORMULA_START):
        messages.append(f"« {quoted(value)} » commence par « {quoted(value[0])} » : un tableur le lirait comme "
                        "une formule et l'exécuterait à l'ouverture de l'export ; commencez la valeur autrement")
    if messages:
        return None, messages
    if f.type == "number":
        return _number(f, value)
    if f.type == "list":
        return _list(f, value)
    return value, _string(f, value)


# --- the table --------------------------------------------------------------------


def _check_header(header: list[str], schema: Schema, where: str) -> list[Problem]:
    problems = []
    seen = set()
    for name in header:
        if name in seen:
            problems.append(Problem(where, 1, name, "colonne en double dans l'en-tête"))
        elif name not in schema.by_name:
            problems.append(Problem(where, 1, quoted(name) or "(vide)",
                                    f"colonne inconnue ; colonnes attendues : {', '.join(schema.names)}"))
        seen.add(name)
    problems += [Problem(where, 1, name, "colonne manquante dans l'en-tête") for name in schema.names
                 if name not in seen]
    return problems


def _check_location(values: dict[str, Any], line: int, where: str) -> Iterable[Problem]:
    lat, lon = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lon is None):
        missing, given = ("latitude", "longitude") if lat is None else ("longitude", "latitude")
        yield Problem(where, line, missing, f"{given} renseignée sans {missing} : il faut les deux, ou aucune")
    if lat is None and lon is None and not all(values.get(name) for name in ADDRESS_FIELDS):
        missing = ", ".join(n for n in ADDRESS_FIELDS if not values.get(n))
        yield Problem(where, line, "adresse",
                      "ni adresse complète ni coordonnées : renseignez l'adresse, le code postal et la "
                      f"commune (manque : {missing}), ou la latitude et la longitude")


def _plain_values(f: Field, values: list[str], joined: str) -> dict[str, Any]:
    """Among the non-empty values of a screened column (no forbidden character, edge space or overlong
    value), those ``check_value`` would type without any message, typed as it would: numbers written
    plainly and in range; text that looks like neither a formula nor a date, matching the column's
    pattern, where the column has no vocabulary and no web address. The others get a closer look."""
    if f.type == "number":
        plain = values if joined.count("\n") == len(values) - 1 and DECIMALS.fullmatch(joined) else [
            value for value in values if DECIMAL.fullmatch(value)]
        numbers = list(map(float, plain))
        low = -math.inf if f.minimum is None else f.minimum
        high = math.inf if f.maximum is None else f.maximum
        if numbers and low <= min(numbers) and max(numbers) <= high:
            return dict(zip(plain, numbers, strict=True))
        return {value: number for value, number in zip(plain, numbers, strict=True) if low <= number <= high}
    if f.type != "string" or f.allowed or f.format == "uri":
        return {}
    plain = [value for value in values
             if not value.startswith(FORMULA_START) and not (len(value) == 10 and ISO_DATE.fullmatch(value))]
    if f.regex:
        plain = [value for value in plain if f.regex.fullmatch(value)]
    return dict(zip(plain, plain, strict=True))


def _edge_space(values: list[str]) -> bool:
    """Whether a value (none empty) starts or ends with white space: their first and last characters looked at
    in one string, without a step of Python per value."""
    return any(map(str.isspace, "".join(map(itemgetter(0), values)) + "".join(map(itemgetter(-1), values))))


def _check_column(f: Field, column: tuple[str, ...]) -> tuple[list[Any], dict[int, list[str]]]:
    """Type and check one column: each distinct value once (types, postcodes, communes… repeat).
    Returns the typed values, and the messages of each row index that raised some."""
    distinct = set(column)
    written = list(distinct - {""})
    joined = "\n".join(written)
    screened = not (FORBIDDEN.search(joined) or _edge_space(written)
                    or (f.max_length is not None and max(map(len, written), default=0) > f.max_length))
    plain = _plain_values(f, written, joined) if screened else {}
    checked = {value: check_value(f, value, screened) for value in distinct if value not in plain}
    if f.type == "string" and checked.keys() <= {""} and checked.get("", ("", [])) == ("", []):
        return list(column), {}  # every value written plainly (or left empty, without default): each is its own
    plain.update((value, found[0]) for value, found in checked.items())
    typed = list(map(plain.__getitem__, column))
    wrong = {value for value, (_, messages) in checked.items() if messages}
    messages = {k: checked[value][1] for k, value in enumerate(column) if value in wrong} if wrong else {}
    return typed, messages


def _repeated(f: Field, column: tuple[str, ...], typed: list[Any], skip: dict[int, list[str]],
              lines: list[int]) -> dict[int, list[str]]:
    """For a column whose values are unique: each row that repeats a value of an earlier row."""
    first_seen: dict[Any, int] = {}
    found: dict[int, list[str]] = {}
    for k, value in enumerate(typed):
        if k in skip or not value:
            continue
        if value in first_seen:
            found[k] = [f"« {quoted(column[k])} » est déjà utilisé ligne {first_seen[value]}"]
        else:
            first_seen[value] = lines[k]
    return found


def _records(schema: Schema, header: list[str], lines: list[int], table: list[Any],
             columns: list[list[Any]], good: list[int]) -> list[Record]:
    """The records of the rows without problems, values and cells in the schema's order (made by ``map``: no step
    of Python per row when every row is kept in the schema's order)."""
    order = [header.index(name) for name in schema.names]
    names = schema.names
    rows = zip(*(columns[i] for i in order), strict=True)
    cells = map(tuple, table) if order == list(range(len(order))) else (tuple(row[i] for i in order) for row in table)
    if len(good) < len(lines):
        keep = set(good)
        rows = (values for k, values in enumerate(rows) if k in keep)
        cells = (row for k, row in enumerate(cells) if k in keep)
    values = map(dict, map(zip, repeat(names), rows))
    return list(map(Record, map(lines.__getitem__, good), values, cells, repeat(names)))


def validate_rows(header: list[str], rows: list[tuple[int, list[str]]], schema: Schema, where: str) -> LoadResult:
    """Check every row, column by column; return the typed records and every problem found, in file order
    (by line, then by column)."""
    result = LoadResult(where)
    result.problems.extend(_check_header(header, schema, where))
    if result.problems:
        return result
    found: list[tuple[int, int, Problem]] = []
    lines: list[int] = []
    table: list[Any] = []
    for line, cells in rows:
        if len(cells) == len(header):
            lines.append(line)
            table.append(cells)
        else:
            found.append((line, -1, Problem(where, line, "ligne",
                                            f"{len(cells)} valeurs au lieu de {len(header)} : une virgule en trop "
                                            "ou en moins, ou un texte contenant une virgule sans guillemets ?")))
    fields = [schema[name] for name in header]
    columns: list[list[Any]] = []
    bad: set[int] = set()
    for position, (f, column) in enumerate(zip(fields, zip(*table, strict=True) if table else [()] * len(fields),
                                                 strict=True)):
        typed, messages = _check_column(f, column)
        if f.unique:
            messages.update(_repeated(f, column, typed, messages, lines))
        for k, texts in messages.items():
            found += [(lines[k], position, Problem(where, lines[k], f.name, text)) for text in texts]
        bad.update(messages)
        columns.append(typed)
    at = {f.name: i for i, f in enumerate(fields)}
    lat, lon = columns[at["latitude"]], columns[at["longitude"]]
    for k in range(len(lines)):
        if k in bad or (lat[k] is not None and lon[k] is not None):
            continue
        values = {"latitude": lat[k], "longitude": lon[k], **{n: columns[at[n]][k] for n in ADDRESS_FIELDS}}
        problems = list(_check_location(values, lines[k], where))
        found += [(lines[k], len(fields), problem) for problem in problems]
        if problems:
            bad.add(k)
    result.problems += [problem for _, _, problem in sorted(found, key=lambda item: item[:2])]
    result.records = _records(schema, header, lines, table, columns, [k for k in range(len(lines)) if k not in bad])
    return result


# --- the file ------------------------------------------------------------------------


def file_problems(sniffed: Sniffed, where: str) -> list[Problem]:
    """What keeps a file from being read at all, each with its line and what to do."""
    if sniffed.encoding != "utf-8":
        return [Problem(where, sniffed.bad_lines[0], "fichier",
                        "le fichier n'est pas encodé en UTF-8 : un tableur l'a enregistré en Windows-1252 "
                        f"(« CSV » simple d'Excel). Lancez « invoke fix-csv {where} », ou enregistrez-le en "
                        "« CSV UTF-8 ».")]
    problems = [Problem(where, line, "fichier",
                        "octet(s) qui ne sont pas de l'UTF-8 sur cette ligne (un caractère collé depuis un "
                        "traitement de texte, comme une apostrophe courbe ?) : retapez les caractères "
                        "spéciaux de cette ligne") for line in sniffed.bad_lines]
    if not sniffed.text.strip():
        problems.append(Problem(where, 1, "fichier", "le fichier est vide"))
    elif sniffed.delimiter != ",":
        problems.append(Problem(where, 1, "fichier",
                                "les colonnes sont séparées par des points-virgules : un tableur réglé en français "
                                f"l'a enregistré ainsi. Lancez « invoke fix-csv {where} », qui remet des virgules "
                                "sans changer aucune valeur."))
    return problems


def nul_problems(text: str, where: str) -> list[Problem]:
    if "\x00" not in text:
        return []
    return [Problem(where, number, "fichier", "caractère NUL (U+0000) : retirez-le")
            for number, line in enumerate(text.split("\n"), 1) if "\x00" in line]


def parse(raw: bytes, where: str) -> tuple[Sniffed, Table | None, list[Problem]]:
    """Decode and parse ``raw``; the table is ``None`` when the file cannot be read as our CSV."""
    sniffed = sniff(raw)
    problems = file_problems(sniffed, where)
    if problems:
        return sniffed, None, problems
    table = read_table(sniffed.text)
    problems = nul_problems(sniffed.text, where)
    if table.error:
        line, _ = table.error
        problems.append(Problem(where, line, "fichier",
                                "CSV illisible : guillemet non refermé, ou retour chariot (CR) seul hors "
                                "guillemets ; une valeur sur plusieurs lignes doit être entre guillemets"))
    if not table.header:
        problems.append(Problem(where, 1, "fichier", "le fichier est vide"))
    return sniffed, table, problems


def load_places(path: str | os.PathLike[str], schema: Schema, form: bool = True) -> LoadResult:
    """Read and validate ``path``. Problems are returned, never raised. ``form=False``: a valid file not in its
    canonical form is not warned of (``form_problems``, looked at apart)."""
    where = display_path(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return LoadResult(where, problems=[Problem(where, 0, "fichier", f"lecture impossible : {exc.strerror}")])
    sniffed, table, problems = parse(raw, where)
    if table is None or problems:
        return LoadResult(where, problems=problems)
    result = validate_rows(table.header, table.rows, schema, where)
    if form and not result.errors:
        result.problems += form_problems(raw, sniffed, table, schema.names, where)
    return result


def form_problems(raw: bytes, sniffed: Sniffed, table: Table, columns: tuple[str, ...], where: str) -> list[Problem]:
    """The warning on a valid file that is not in its canonical form (``columns``: the schema's), if it is not."""
    if is_canonical(raw, sniffed, table, columns):
        return []
    reasons = not_canonical(raw, sniffed, table.header, columns, canonical_text(table, columns))
    if not reasons:
        return []
    return [Problem(where, 1, "fichier",
                    f"le fichier est valide mais pas sous sa forme canonique ({' ; '.join(reasons)}) : "
                    f"lancez « invoke fix-csv {where} », qui le réécrit sans changer aucune valeur", "warning")]
