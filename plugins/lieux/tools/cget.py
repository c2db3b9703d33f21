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
    numbered = _dict_rows(Path(source).read_text(encoding="utf-8"))
    kept_rows = []
    if existing and Path(existing).exists():
        kept_rows = [r for _, r in _dict_rows(Path(existing).read_text(encoding="utf-8"))
                     if not r.get("source", "").startswith(SOURCE_PREFIX)]
    result.kept = len(kept_rows)

    selected = []
    for line, raw in numbered:
        result.personal_cells += sum(1 for c in PERSONAL_COLUMNS if (raw.get(c) or "").strip())
        if raw.get("INSEEREG", "").strip() != region:
            result.notes.append(
                Note("ignoré", raw["ID"], line, clean_text(raw["NOM_TL"]), f"hors de la région {region}")
            )
            continue
        selected.append((line, raw))

    ids = _ids([raw for _, raw in selected], {r["id"] for r in kept_rows})

    # Where the places of each postcode are, to spot coordinates far from their address.
    by_postcode: dict[str, list[tuple[str, tuple[float, float]]]] = defaultdict(list)
    for _, raw in selected:
        if re.fullmatch(r"\d{5}", raw["CP"]) and raw["LAT"] and raw["LONG"]:
            by_postcode[raw["CP"]].append((raw["ID"], (float(raw["LAT"]), float(raw["LONG"]))))

    seen_names: dict[tuple[str, str], str] = {}
    for line, raw in selected:
        name = clean_text(raw["NOM_TL"])
        cget_id = raw["ID"]

        def note(action: str, reason: str, _id: str = cget_id, _line: int = line, _name: str = name) -> None:
            result.notes.append(Note(action, _id, _line, _name, reason))

        if name != raw["NOM_TL"]:
            note("modifié", "nom : espaces superflus ou insécables retirés")
        kind = TYPES.get(raw["TYPO"].strip())
        if kind is None:
            note("signalé", f"typologie inconnue « {raw['TYPO']} », classée tiers-lieu")
            kind = "tiers-lieu"
        elif not raw["TYPO"].strip():
            note("signalé", "typologie absente : classé « tiers-lieu »")

        address = clean_text(raw["ADRESSE"])
        postcode = raw["CP"].strip() if re.fullmatch(r"\d{5}", raw["CP"].strip()) else ""
        commune = clean_text(raw["NOMCOM"])
        if not address:
            note("signalé", "sans adresse : coordonnées conservées, adresse à compléter (géocodage inverse)")
        if raw["CP"].strip() and not postcode:
            note("modifié", f"code postal « {raw['CP']} » invalide retiré")
        insee = raw["INSEECOM"].strip()
        if postcode and insee and insee != "0" and postcode[:2] != insee[:2]:
            note(
                "signalé",
                f"le code postal {postcode} ne correspond pas à la commune {commune} "
                f"(code INSEE {insee}) : à vérifier",
            )
        elif postcode and insee in ("", "0"):
            note("signalé", f"code INSEE de la commune absent ({commune} {postcode}) : à vérifier")
        code_insee = insee if INSEE.fullmatch(insee) else ""
        metro = (raw.get("INSEEMETRO") or "").strip()
        if not code_insee and not address and INSEE.fullmatch(metro):
            code_insee = metro
            note("modifié", f"code INSEE {metro} repris de la colonne INSEEMETRO (commune où se trouve le point), "
                            "pour situer dans son département ce lieu sans adresse")

        lat, lon = raw["LAT"].strip(), raw["LONG"].strip()
        geocoded = clean_text(raw["GEOCOD"])
        geocoded_postcode = POSTCODE.findall(geocoded)
        if postcode and geocoded_postcode and geocoded_postcode[-1] != postcode and lat and lon:
            peers = [p for i, p in by_postcode.get(postcode, []) if i != cget_id]
            point = (float(lat), float(lon))
            distance = (
                distance_km(point, (statistics.median(p[0] for p in peers), statistics.median(p[1] for p in peers)))
                if len(peers) >= 2
                else None
            )
            if distance is not None and distance > FAR_KM:
                note(
                    "modifié",
                    f"coordonnées retirées : géocodées sur « {geocoded} » (autre code postal), à "
                    f"{distance:.1f} km des autres lieux du {postcode} ; le lieu reste listé, à géocoder "
                    "depuis son adresse",
                )
                lat = lon = ""
            else:
                near = f"à {distance:.1f} km des autres lieux du {postcode}" if distance is not None else (
                    "aucun autre lieu de ce code postal pour comparer"
                )
                note("signalé", f"géocodé sur « {geocoded} » (autre code postal), {near} : à vérifier")
        precision = raw["PRECISION"].strip()
        if precision and float(precision) < MIN_PRECISION and lat:
            note(
                "signalé",
                f"précision du géocodage {precision} < {MIN_PRECISION} (résultat « {geocoded} ») : "
                "position approximative, à vérifier",
            )

        web = clean_url(raw["WEB"])
        if raw["WEB"].strip() and web != raw["WEB"].strip():
            if web:
                note("modifié", f"site web « {clean_text(raw['WEB'])} » → « {web} »")
            else:
                note("modifié", f"site web « {clean_text(raw['WEB'])} » inutilisable, retiré")

        key = (sort_key(name), postcode)
        if key in seen_names:
            note("signalé", f"doublon possible de l'ID {seen_names[key]} (même nom, même code postal)")
        seen_names.setdefault(key, cget_id)

        row = {name_: "" for name_ in schema.names}
        row.update(
            id=ids[cget_id],
            nom=name,
            type=kind,
            adresse=address,
            code_postal=postcode,
            commune=commune,
            code_insee=code_insee,
            latitude=lat,
            longitude=lon,
            site_web=web,
            services=SERVICES[kind],
            source=f"{SOURCE_PREFIX} (ID {cget_id})",
            date_maj=DATASET_DATE,
        )
        result.rows.append(row)

    result.rows.extend({name_: r.get(name_, "") for name_ in schema.names} for r in kept_rows)
    result.rows.sort(key=lambda r: r["id"])
    return result


def write_rows(path: str | Path, rows: list[dict[str, str]], schema: Schema) -> None:
    atomic_write(path, csv_text(schema.names, ([r.get(n, "") for n in schema.names] for r in rows)))
