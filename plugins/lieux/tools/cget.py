"""Import the CGET / ANCT "Mission Coworking" 2019 open dataset into ``data/places.csv``.

The import is reproducible: the same source gives the same file. It maps the
columns, makes stable unique ids, never copies the personal CONTACT and MAIL
columns, and reports every change, flag and skip with its reason. Rows whose
``source`` is not this dataset (places added by hand) are kept as they are.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..core.csvfile import atomic_write, csv_text, read_table
from ..core.geo import distance_km
from ..core.schema import Schema
from ..core.text import slugify, sort_key

SOURCE_PREFIX = "CGET/ANCT Mission Coworking 2019"
DATASET_DATE = "2019"  # the dataset gives its year only
TYPES = {
    "Tiers lieux à dominante coworking": "coworking",
    "Tiers lieux à dominante fablab": "fablab",
    "": "tiers-lieu",
}
SERVICES = {"coworking": "bureaux", "fablab": "prototypage", "tiers-lieu": ""}
PERSONAL_COLUMNS = ("CONTACT", "MAIL")
MIN_PRECISION = 0.7
FAR_KM = 3.0  # farther than this from the other places of its postcode: wrong point
URL_IN_TEXT = re.compile(r"https?://\S+")
DOMAIN = re.compile(r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$", re.IGNORECASE)
POSTCODE = re.compile(r"\b(\d{5})\b")
INSEE = re.compile(r"\d{5}|2[AB]\d{3}")


@dataclass(frozen=True)
class Note:
    """One line of the import report."""

    action: str  # "modifié", "signalé", "ignoré"
    cget_id: str
    line: int
    name: str
    reason: str


@dataclass
class ImportResult:
    rows: list[dict[str, str]] = field(default_factory=list)
    kept: int = 0
    notes: list[Note] = field(default_factory=list)
    personal_cells: int = 0

    def report(self, source: str, out: str) -> str:
        """The human-readable report of the import, in French."""
        counts = Counter(n.action for n in self.notes)
        lines = [
            f"Import de {source} vers {out}",
            f"  {len(self.rows) - self.kept} lieux importés, {self.kept} lieux ajoutés à la main conservés",
            f"  {counts['modifié']} modification(s), {counts['signalé']} signalement(s), "
            f"{counts['ignoré']} ligne(s) ignorée(s)",
            f"  colonnes CONTACT et MAIL (données personnelles) jamais reprises : "
            f"{self.personal_cells} case(s) non vide(s) écartée(s)",
            "",
        ]
        for action in ("ignoré", "signalé", "modifié"):
            selected = [n for n in self.notes if n.action == action]
            if not selected:
                continue
            lines.append(f"{action.upper()} ({len(selected)})")
            for note in selected:
                lines.append(f"  {source}:{note.line}: ID {note.cget_id} « {note.name} » : {note.reason}")
            lines.append("")
        return "\n".join(lines)


def clean_text(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def clean_url(text: str) -> str:
    """A usable http(s) URL from the WEB cell, or ``""``."""
    text = clean_text(text)
    found = URL_IN_TEXT.search(text)
    if found:
        return found.group(0).rstrip(".,;")
    if DOMAIN.match(text):
        return "http://" + text
    return ""


def _ids(rows: list[dict[str, str]], taken: set[str]) -> dict[str, str]:
    """Stable unique ids: the name, then name + commune, then + CGET id for clashes."""
    by_name = Counter(slugify(r["NOM_TL"]) for r in rows)
    by_name_city = Counter(f"{slugify(r['NOM_TL'])}-{slugify(r['NOMCOM'])}" for r in rows)
    ids = {}
    for r in rows:
        base = slugify(r["NOM_TL"]) or f"lieu-{r['ID']}"
        with_city = f"{base}-{slugify(r['NOMCOM'])}".strip("-")
        if by_name[base] == 1 and base not in taken:
            ids[r["ID"]] = base
        elif by_name_city[with_city] == 1 and with_city not in taken and with_city != base:
            ids[r["ID"]] = with_city
        else:
            ids[r["ID"]] = f"{with_city}-{r['ID']}"
    return ids


def _dict_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    table = read_table(text)
    return [(line, dict(zip(table.header, cells, strict=False))) for line, cells in table.rows]


def import_cget(
    source: str | Path, schema: Schema, region: str = "11", existing: str | Path | None = None
) -> ImportResult:
    """Map the dataset's rows of ``region`` (INSEEREG) to rows of our schema."""
    result = ImportResult()
    kept_rows = []
    if existing and Path(existing).exists():
        kept_rows = [r for _, r in _dict_rows(Path(existing).read_text(encoding="utf-8"))
                     if not r.get("source", "").startswith(SOURCE_PREFIX)]
    result.kept = len(kept_rows)
    selected = _select(_dict_rows(Path(source).read_text(encoding="utf-8")), region, result)
    mapper = _RowMapper(result, schema, _ids([raw for _, raw in selected], {r["id"] for r in kept_rows}),
                        _points_by_postcode(selected))
    result.rows = [mapper.map(line, raw) for line, raw in selected]
    result.rows.extend({name: r.get(name, "") for name in schema.names} for r in kept_rows)
    result.rows.sort(key=lambda r: r["id"])
    return result


def _select(rows: list[tuple[int, dict[str, str]]], region: str, result: ImportResult) -> list[tuple[int, dict]]:
    """The rows of ``region``; the others are noted as skipped. Personal cells are only counted."""
    selected = []
    for line, raw in rows:
        result.personal_cells += sum(1 for c in PERSONAL_COLUMNS if (raw.get(c) or "").strip())
        if raw.get("INSEEREG", "").strip() == region:
            selected.append((line, raw))
        else:
            reason = f"hors de la région {region}"
            result.notes.append(Note("ignoré", raw["ID"], line, clean_text(raw["NOM_TL"]), reason))
    return selected


def _points_by_postcode(selected: list[tuple[int, dict]]) -> dict[str, list[tuple[str, tuple[float, float]]]]:
    """Where the places of each postcode are, to spot coordinates far from their address."""
    by_postcode: dict[str, list[tuple[str, tuple[float, float]]]] = defaultdict(list)
    for _, raw in selected:
        if re.fullmatch(r"\d{5}", raw["CP"]) and raw["LAT"] and raw["LONG"]:
            by_postcode[raw["CP"]].append((raw["ID"], (float(raw["LAT"]), float(raw["LONG"]))))
    return by_postcode


class _RowMapper:
    """Maps one CGET row to one of ours, noting every change and every doubt with its reason."""

    def __init__(self, result: ImportResult, schema: Schema, ids: dict[str, str],
                 by_postcode: dict[str, list[tuple[str, tuple[float, float]]]]) -> None:
        self.result, self.schema, self.ids, self.by_postcode = result, schema, ids, by_postcode
        self.seen_names: dict[tuple[str, str], str] = {}
        self.line, self.raw, self.name = 0, {}, ""

    def note(self, action: str, reason: str) -> None:
        self.result.notes.append(Note(action, self.raw["ID"], self.line, self.name, reason))

    def map(self, line: int, raw: dict[str, str]) -> dict[str, str]:
        self.line, self.raw, self.name = line, raw, clean_text(raw["NOM_TL"])
        if self.name != raw["NOM_TL"]:
            self.note("modifié", "nom : espaces superflus ou insécables retirés")
        kind = self.kind()
        address, postcode, commune, code_insee = self.address()
        lat, lon = self.coordinates(postcode)
        web = self.website()
        self.duplicate(postcode)
        row = {name: "" for name in self.schema.names}
        row.update(id=self.ids[raw["ID"]], nom=self.name, type=kind, adresse=address, code_postal=postcode,
                   commune=commune, code_insee=code_insee, latitude=lat, longitude=lon, site_web=web,
                   services=SERVICES[kind], source=f"{SOURCE_PREFIX} (ID {raw['ID']})", date_maj=DATASET_DATE)
        return row

    def kind(self) -> str:
        typo = self.raw["TYPO"].strip()
        if typo not in TYPES:
            self.note("signalé", f"typologie inconnue « {self.raw['TYPO']} », classée tiers-lieu")
            return "tiers-lieu"
        if not typo:
            self.note("signalé", "typologie absente : classé « tiers-lieu »")
        return TYPES[typo]

    def address(self) -> tuple[str, str, str, str]:
        raw = self.raw
        address, commune = clean_text(raw["ADRESSE"]), clean_text(raw["NOMCOM"])
        postcode = raw["CP"].strip() if re.fullmatch(r"\d{5}", raw["CP"].strip()) else ""
        if not address:
            self.note("signalé", "sans adresse : coordonnées conservées, adresse à compléter (géocodage inverse)")
        if raw["CP"].strip() and not postcode:
            self.note("modifié", f"code postal « {raw['CP']} » invalide retiré")
        insee = raw["INSEECOM"].strip()
        if postcode and insee and insee != "0" and postcode[:2] != insee[:2]:
            self.note("signalé", f"le code postal {postcode} ne correspond pas à la commune {commune} "
                                 f"(code INSEE {insee}) : à vérifier")
        elif postcode and insee in ("", "0"):
            self.note("signalé", f"code INSEE de la commune absent ({commune} {postcode}) : à vérifier")
        code_insee = insee if INSEE.fullmatch(insee) else ""
        metro = (raw.get("INSEEMETRO") or "").strip()
        if not code_insee and not address and INSEE.fullmatch(metro):
            code_insee = metro
            self.note("modifié", f"code INSEE {metro} repris de la colonne INSEEMETRO (commune où se trouve le "
                                 "point), pour situer dans son département ce lieu sans adresse")
        return address, postcode, commune, code_insee

    def coordinates(self, postcode: str) -> tuple[str, str]:
        lat, lon = self.raw["LAT"].strip(), self.raw["LONG"].strip()
        geocoded = clean_text(self.raw["GEOCOD"])
        found = POSTCODE.findall(geocoded)
        if postcode and found and found[-1] != postcode and lat and lon:
            distance = self.distance_to_peers((float(lat), float(lon)), postcode)
            if distance is not None and distance > FAR_KM:
                self.note("modifié", f"coordonnées retirées : géocodées sur « {geocoded} » (autre code postal), à "
                                     f"{distance:.1f} km des autres lieux du {postcode} ; le lieu reste listé, à "
                                     "géocoder depuis son adresse")
                lat = lon = ""
            else:
                near = (f"à {distance:.1f} km des autres lieux du {postcode}" if distance is not None
                        else "aucun autre lieu de ce code postal pour comparer")
                self.note("signalé", f"géocodé sur « {geocoded} » (autre code postal), {near} : à vérifier")
        precision = self.raw["PRECISION"].strip()
        if precision and float(precision) < MIN_PRECISION and lat:
            self.note("signalé", f"précision du géocodage {precision} < {MIN_PRECISION} (résultat « {geocoded} ») : "
                                 "position approximative, à vérifier")
        return lat, lon

    def distance_to_peers(self, point: tuple[float, float], postcode: str) -> float | None:
        peers = [p for i, p in self.by_postcode.get(postcode, []) if i != self.raw["ID"]]
        if len(peers) < 2:
            return None
        return distance_km(point, (statistics.median(p[0] for p in peers), statistics.median(p[1] for p in peers)))

    def website(self) -> str:
        given = self.raw["WEB"].strip()
        web = clean_url(self.raw["WEB"])
        if given and web != given:
            shown = clean_text(self.raw["WEB"])
            self.note("modifié", f"site web « {shown} » → « {web} »" if web else f"site web « {shown} » inutilisable, "
                                                                               "retiré")
        return web

    def duplicate(self, postcode: str) -> None:
        key = (sort_key(self.name), postcode)
        if key in self.seen_names:
            self.note("signalé", f"doublon possible de l'ID {self.seen_names[key]} (même nom, même code postal)")
        self.seen_names.setdefault(key, self.raw["ID"])


def write_rows(path: str | Path, rows: list[dict[str, str]], schema: Schema) -> None:
    atomic_write(path, csv_text(schema.names, ([r.get(n, "") for n in schema.names] for r in rows)))
