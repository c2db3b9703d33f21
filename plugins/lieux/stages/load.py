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
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..core.csvfile import Sniffed, Table, canonical_text, not_canonical, read_table, sniff
from ..core.problems import Problem, Record, display_path, errors, quoted, warnings
from ..core.schema import Field, Schema
from ..core.vocabulary import Matcher

ADDRESS_FIELDS = ("adresse", "code_postal", "commune")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DECIMAL = re.compile(r"-?[0-9]{1,3}(\.[0-9]+)?")  # ASCII digits, a point, no sign but "-", no exponent
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
    if (f.type == "date" or ISO_DATE.fullmatch(value)) and not _is_date(value):
        messages.append(f"« {value} » n'est pas une date valide au format AAAA-MM-JJ")
    if f.format == "uri" and not is_web_url(value):
        messages.append(f"« {quoted(value)} » n'est pas une adresse web valide : elle doit commencer par "
                        "http:// ou https:// et ne contenir aucune espace")
    return messages


def check_value(f: Field, value: str) -> tuple[Any, list[str]]:
    """Type and check one cell, as written. Returns its typed value and the messages it raised."""
    if value == "":
        if f.required:
            return None, ["valeur obligatoire manquante"]
        return {"list": (), "number": None}.get(f.type, f.default or ""), []
    messages = text_problems(value, f.max_length)
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


def _memos(fields: list[Field]) -> list[dict[str, tuple[Any, list[str]]] | None]:
    """Per column, the checks already made of each value — for the columns whose values repeat
    (types, postcodes, communes, services, dates…), not for names, addresses or descriptions."""
    free = {"id", "nom", "adresse", "latitude", "longitude", "site_web", "description"}
    return [None if f.unique or f.name in free else {} for f in fields]


def _checked(f: Field, cell: str, memo: dict[str, tuple[Any, list[str]]] | None) -> tuple[Any, list[str]]:
    if memo is None:
        return check_value(f, cell)
    found = memo.get(cell)
    if found is None:
        found = memo[cell] = check_value(f, cell)
    return found


def _row(schema: Schema, fields: list[Field], cells: list[str], line: int, where: str,
         first_seen: dict[tuple[str, str], int], memos: list[Any]) -> tuple[Record | None, list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for f, cell, memo in zip(fields, cells, memos, strict=True):
        name = f.name
        values[name], messages = _checked(f, cell, memo)
        if messages:
            problems += [Problem(where, line, name, m) for m in messages]
        elif f.unique and values[name]:
            key = (name, values[name])
            if key in first_seen:
                problems.append(Problem(where, line, name,
                                        f"« {quoted(cell)} » est déjà utilisé ligne {first_seen[key]}"))
            first_seen.setdefault(key, line)
    if not problems:
        problems += _check_location(values, line, where)
    if problems:
        return None, problems
    raw = {f.name: cell for f, cell in zip(fields, cells, strict=True)}
    return Record(line, {n: values[n] for n in schema.names}, tuple(raw[n] for n in schema.names), schema.names), []


def validate_rows(header: list[str], rows: list[tuple[int, list[str]]], schema: Schema, where: str) -> LoadResult:
    """Check every row; return the typed records and every problem found."""
    result = LoadResult(where)
    result.problems.extend(_check_header(header, schema, where))
    if result.problems:
        return result
    first_seen: dict[tuple[str, str], int] = {}
    fields = [schema[name] for name in header]
    memos = _memos(fields)
    for line, cells in rows:
        if len(cells) != len(header):
            result.problems.append(Problem(where, line, "ligne",
                                           f"{len(cells)} valeurs au lieu de {len(header)} : une virgule en trop "
                                           "ou en moins, ou un texte contenant une virgule sans guillemets ?"))
            continue
        record, problems = _row(schema, fields, cells, line, where, first_seen, memos)
        result.problems += problems
        if record:
            result.records.append(record)
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


def plainly_canonical(raw: bytes, sniffed: Sniffed, header: list[str], columns: tuple[str, ...]) -> bool:
    """Whether ``raw`` is canonical, seen without writing it again: with no quote anywhere, no cell holds a
    comma, a quote or a line break, so none needs quotes; what is left to check is the file's shape."""
    return (b'"' not in raw and b"\r" not in raw and not sniffed.bom and sniffed.delimiter == ","
            and tuple(header) == columns and raw.endswith(b"\n") and b"\n\n" not in raw
            and not raw.startswith(b"\n"))


def load_places(path: str | os.PathLike[str], schema: Schema) -> LoadResult:
    """Read and validate ``path``. Problems are returned, never raised."""
    where = display_path(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return LoadResult(where, problems=[Problem(where, 0, "fichier", f"lecture impossible : {exc.strerror}")])
    sniffed, table, problems = parse(raw, where)
    if table is None or problems:
        return LoadResult(where, problems=problems)
    result = validate_rows(table.header, table.rows, schema, where)
    if not result.errors and not plainly_canonical(raw, sniffed, table.header, schema.names):
        reasons = not_canonical(raw, sniffed, table.header, schema.names, canonical_text(table, schema.names))
        if reasons:
            result.problems.append(Problem(
                where, 1, "fichier",
                f"le fichier est valide mais pas sous sa forme canonique ({' ; '.join(reasons)}) : "
                f"lancez « invoke fix-csv {where} », qui le réécrit sans changer aucune valeur", "warning"))
    return result
