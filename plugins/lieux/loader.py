"""Step 1 of the pipeline: read ``data/places.csv`` and validate it against the schema.

Every problem is reported with the physical line of the file it comes from
(a quoted field spanning several lines counts all of them), the column, and a
message in French for the contributor. Nothing here raises on bad data.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .canonical import Sniffed, canonical_text, differences, sniff
from .schema import Field, Schema

ADDRESS_FIELDS = ("adresse", "code_postal", "commune")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, order=True)
class Problem:
    """A problem found in the data, located in its file."""

    path: str
    line: int
    column: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "attention : "
        return f"{self.path}:{self.line}: {self.column}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

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
        return f"::{self.severity} file={prop(self.path)}{line},title={prop(self.column)}::{data(self.message)}"


@dataclass(frozen=True)
class Region:
    """The area the map covers: a name, a bounding box and its départements."""

    name: str
    bounds: tuple[tuple[float, float], tuple[float, float]]
    departements: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_setting(cls, setting: dict[str, Any]) -> Region:
        (south, west), (north, east) = setting["bounds"]
        return cls(
            name=setting["name"],
            bounds=((float(south), float(west)), (float(north), float(east))),
            departements=dict(setting.get("departements", {})),
        )

    def departement(self, postcode: str) -> str:
        """The département code of a postcode in the region, or ``""``."""
        code = (postcode or "")[:2]
        return code if code in self.departements else ""

    def contains(self, lat: float, lon: float) -> bool:
        (south, west), (north, east) = self.bounds
        return south <= lat <= north and west <= lon <= east


@dataclass
class Record:
    """One data row: its physical line and its typed values, keyed by column."""

    line: int
    values: dict[str, Any]
    raw: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


@dataclass
class LoadResult:
    """What the loader found: the rows and every problem, in file order."""

    path: str
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the working directory when it lies below it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- reading ------------------------------------------------------------------


def read_rows(
    path: str | os.PathLike[str], problems: list[Problem]
) -> tuple[list[str], list[tuple[int, list[str]]], bytes, Sniffed] | None:
    """Read the raw header and rows of ``path`` with their physical line numbers.

    Returns ``None`` (after recording one clear problem) when the file cannot be
    read as a comma-separated UTF-8 file at all, as when a spreadsheet saved it.
    """
    where = display_path(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        problems.append(Problem(where, 0, "fichier", f"lecture impossible : {exc.strerror}"))
        return None
    sniffed = sniff(raw)
    if sniffed.encoding != "utf-8":
        problems.append(
            Problem(
                where,
                sniffed.bad_byte_line,
                "fichier",
                "le fichier n'est pas encodé en UTF-8 : un tableur l'a enregistré en Windows-1252 "
                f"(« CSV » simple d'Excel). Lancez « invoke fix-csv {where} », ou enregistrez-le en "
                "« CSV UTF-8 ».",
            )
        )
        return None
    if not sniffed.text.strip():
        problems.append(Problem(where, 1, "fichier", "le fichier est vide"))
        return None
    if sniffed.delimiter != ",":
        problems.append(
            Problem(
                where,
                1,
                "fichier",
                "les colonnes sont séparées par des points-virgules : un tableur réglé en français "
                f"l'a enregistré ainsi. Lancez « invoke fix-csv {where} », qui remet des virgules "
                "sans changer aucune valeur.",
            )
        )
        return None
    reader = csv.reader(io.StringIO(sniffed.text, newline=""), strict=False)
    rows: list[tuple[int, list[str]]] = []
    last_line = 0
    header: list[str] | None = None
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue
            if header is None:
                header = cells
            else:
                rows.append((start, cells))
    except csv.Error as exc:
        problems.append(Problem(where, reader.line_num, "fichier", f"CSV illisible : {exc}"))
        return None
    if header is None:
        problems.append(Problem(where, 1, "fichier", "le fichier est vide"))
        return None
    return header, rows, raw, sniffed


# --- validation of one value ----------------------------------------------------


def _parse_number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _is_web_url(value: str) -> bool:
    if any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "." in parts.hostname


def _choices(f: Field) -> str:
    return ", ".join(f.allowed)


def check_value(f: Field, value: str) -> tuple[Any, list[str]]:
    """Type and check one cell. Returns its typed value and the messages it raised."""
    if value == "":
        if f.required:
            return None, ["valeur obligatoire manquante"]
        if f.type == "list":
            return (), []
        if f.type == "number":
            return None, []
        return f.default or "", []
    messages: list[str] = []
    if f.max_length is not None and f.type != "list" and len(value) > f.max_length:
        messages.append(f"{len(value)} caractères, {f.max_length} au plus")
    if f.type == "number":
        number = _parse_number(value)
        if number is None:
            hint = " (le séparateur décimal est le point : 48.85)" if "," in value else ""
            return None, [f"« {value} » n'est pas un nombre{hint}"]
        if (f.minimum is not None and number < f.minimum) or (
            f.maximum is not None and number > f.maximum
        ):
            messages.append(f"{value} hors de l'intervalle [{f.minimum:g}, {f.maximum:g}]")
        return number, messages
    if f.type == "list":
        items = tuple(item.strip() for item in value.split(f.delimiter or "|") if item.strip())
        if f.allowed:
            for item in items:
                if item not in f.allowed:
                    messages.append(
                        f"« {item} » n'est pas une valeur autorisée ; valeurs possibles : "
                        f"{_choices(f)} (séparées par « {f.delimiter} »)"
                    )
        return items, messages
    if f.regex and not f.regex.fullmatch(value):
        messages.append(
            f"« {value} » n'a pas le format attendu (exemple : « {f.example} ») ; "
            f"{f.description}"
        )
    if f.allowed and value not in f.allowed:
        messages.append(
            f"« {value} » n'est pas une valeur autorisée ; valeurs possibles : {_choices(f)}"
        )
    if (f.type == "date" or ISO_DATE.fullmatch(value)) and not _is_date(value):
        messages.append(f"« {value} » n'est pas une date valide au format AAAA-MM-JJ")
    if f.format == "uri" and not _is_web_url(value):
        messages.append(
            f"« {value} » n'est pas une adresse web valide : elle doit commencer par "
            "http:// ou https:// et ne contenir aucune espace"
        )
    return value, messages


# --- validation of the table -----------------------------------------------------


def _check_header(header: list[str], schema: Schema, where: str) -> list[Problem]:
    problems = []
    seen = set()
    for name in header:
        if name in seen:
            problems.append(Problem(where, 1, name, "colonne en double dans l'en-tête"))
        elif name not in schema.by_name:
            problems.append(
                Problem(
                    where,
                    1,
                    name or "(vide)",
                    f"colonne inconnue ; colonnes attendues : {', '.join(schema.names)}",
                )
            )
        seen.add(name)
    for name in schema.names:
        if name not in seen:
            problems.append(Problem(where, 1, name, "colonne manquante dans l'en-tête"))
    return problems


def _check_location(
    values: dict[str, Any], line: int, where: str, region: Region | None, bad: set[str]
) -> Iterable[Problem]:
    if bad & {"latitude", "longitude", *ADDRESS_FIELDS}:
        return  # already reported: checking further would only repeat it
    lat, lon = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lon is None):
        missing, given = ("latitude", "longitude") if lat is None else ("longitude", "latitude")
        yield Problem(where, line, missing, f"{given} renseignée sans {missing} : il faut les deux, ou aucune")
    has_address = all(values.get(name) for name in ADDRESS_FIELDS)
    if lat is None and lon is None and not has_address:
        missing = ", ".join(n for n in ADDRESS_FIELDS if not values.get(n))
        yield Problem(
            where,
            line,
            "adresse",
            "ni adresse complète ni coordonnées : renseignez l'adresse, le code postal et la "
            f"commune (manque : {missing}), ou la latitude et la longitude",
        )
    if region is None:
        return
    if lat is not None and lon is not None and not region.contains(lat, lon):
        hint = " (latitude et longitude inversées ?)" if region.contains(lon, lat) else ""
        yield Problem(
            where,
            line,
            "latitude",
            f"les coordonnées ({lat:g}, {lon:g}) sont hors de la région {region.name}{hint}",
        )
    postcode = values.get("code_postal") or ""
    if region.departements and len(postcode) == 5 and not region.departement(postcode):
        yield Problem(
            where,
            line,
            "code_postal",
            f"le code postal {postcode} est hors de la région {region.name} "
            f"(départements {', '.join(region.departements)})",
        )


def validate_rows(
    header: list[str],
    rows: list[tuple[int, list[str]]],
    schema: Schema,
    where: str,
    region: Region | None = None,
) -> LoadResult:
    """Check every row; return the typed records and every problem found."""
    result = LoadResult(where)
    result.problems.extend(_check_header(header, schema, where))
    if result.problems:
        return result
    first_seen: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        if len(cells) != len(header):
            result.problems.append(
                Problem(
                    where,
                    line,
                    "ligne",
                    f"{len(cells)} valeurs au lieu de {len(header)} : une virgule en trop "
                    "ou en moins, ou un texte contenant une virgule sans guillemets ?",
                )
            )
            continue
        values: dict[str, Any] = {}
        bad: set[str] = set()
        for name, cell in zip(header, cells, strict=True):
            f = schema[name]
            typed, messages = check_value(f, cell.strip())
            values[name] = typed
            for message in messages:
                result.problems.append(Problem(where, line, name, message))
                bad.add(name)
            if f.unique and typed:
                key = (name, typed)
                if key in first_seen:
                    result.problems.append(
                        Problem(where, line, name, f"« {typed} » est déjà utilisé ligne {first_seen[key]}")
                    )
                    bad.add(name)
                else:
                    first_seen[key] = line
        for problem in _check_location(values, line, where, region, bad):
            result.problems.append(problem)
            if problem.is_error:
                bad.add(problem.column)
        if not bad:
            raw = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
            result.records.append(
                Record(line, {n: values[n] for n in schema.names}, {n: raw[n] for n in schema.names})
            )
    return result


def load_places(
    path: str | os.PathLike[str], schema: Schema, region: Region | None = None
) -> LoadResult:
    """Read and validate ``path``. Problems are returned, never raised."""
    problems: list[Problem] = []
    read = read_rows(path, problems)
    where = display_path(path)
    if read is None:
        return LoadResult(where, problems=problems)
    header, rows, raw, sniffed = read
    result = validate_rows(header, rows, schema, where, region)
    result.problems[:0] = problems
    if not result.errors:
        fixed = canonical_text(header, [cells for _, cells in rows], schema.names)
        reasons = differences(raw, sniffed, header, fixed, schema.names)
        if reasons:
            result.problems.append(
                Problem(
                    where,
                    1,
                    "fichier",
                    f"le fichier est valide mais pas sous sa forme canonique ({' ; '.join(reasons)}) : "
                    f"lancez « invoke fix-csv {where} », qui le réécrit sans changer aucune valeur",
                    "warning",
                )
            )
    return result
