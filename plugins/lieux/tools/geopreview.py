"""A preview of how the places a change adds or re-addresses geocode, for the pull request's job summary.

Run by ``invoke geocode-preview`` on GitHub's runners, which reach the BAN (a
contributor's machine may not). It compares data/places.csv with a git reference,
keeps the places added and those whose address (adresse, code postal, commune)
changed, geocodes them READ-ONLY (the cache is read, never written: ``invoke
geocode`` fills it after the merge) and prints a Markdown table: the result, its
label, its score and a link to the point on openstreetmap.org. Every value from the
file or from the service is escaped, so no row can rewrite the summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..core.geocache import CacheEntry, address_query
from .diffplaces import diff_places, md
from .geocoder import Geocoder, GeocodingFailed, Options, Target, doubts, resolve

ADDRESS = ("adresse", "code_postal", "commune")
RESULTS = ("trouvé", "faible confiance", "introuvable", "échec", "adresse incomplète")


def changed_rows(old: bytes, new: bytes) -> list[dict[str, str]]:
    """Rows of ``new`` that ``old`` lacks, or whose address reads differently (case and accents aside)."""
    diff = diff_places(old, new)
    rows = list(diff.added)
    for row, changes in diff.modified:
        before = {**row, **{name: old_value for name, old_value, _ in changes}}
        if address_query(before) != address_query(row):
            rows.append(row)
    return rows


@dataclass
class Line:
    """One row of the preview."""

    place_id: str
    address: str
    result: str  # trouvé, faible confiance (why), introuvable, échec (why), or adresse incomplète
    entry: CacheEntry | None = None
    cached: bool = False


def preview(rows: list[dict[str, str]], options: Options, cache: Mapping[str, CacheEntry] | None = None,
            geocoder: Geocoder | None = None) -> list[Line]:
    """Geocode ``rows`` without writing anything; an address the cache knows is not asked again."""
    cache = cache or {}
    targets: dict[str, Target] = {}
    for row in rows:
        query = address_query(row)
        if query and query not in cache:
            targets.setdefault(query, Target(query, row.get("adresse", ""), row.get("code_postal", ""),
                                             row.get("commune", "")))
    results: dict[str, CacheEntry | GeocodingFailed] = {}
    if targets:
        geocoder = geocoder or Geocoder(options)
        geocoder.start()
        for chunk, outcomes in resolve(geocoder, list(targets.values())):
            results.update((t.query, o) for t, o in zip(chunk, outcomes, strict=True))
    lines = []
    for row in rows:
        address = " ".join(row.get(name, "").strip() for name in ADDRESS).strip()
        query = address_query(row)
        outcome = results.get(query) if query not in cache else cache[query]
        if query is None or outcome is None:
            lines.append(Line(row.get("id", ""), address, "adresse incomplète"))
        elif isinstance(outcome, GeocodingFailed):
            lines.append(Line(row.get("id", ""), address, f"échec : {outcome}"))
        else:
            lines.append(Line(row.get("id", ""), address, _verdict(outcome, row, options), outcome, query in cache))
    return lines


def _verdict(entry: CacheEntry, row: Mapping[str, str], options: Options) -> str:
    if entry.status == "not-found":
        return "introuvable"
    why = doubts(entry, Target(entry.query, row.get("adresse", ""), row.get("code_postal", ""),
                               row.get("commune", "")), options.min_score, options.bounds)
    if entry.status == "low-confidence" or why:
        return "faible confiance" + (f" : {', '.join(why)}" if why else "")
    return "trouvé"


def osm_link(lat: float, lon: float) -> str:
    return f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=18/{lat:.6f}/{lon:.6f}"


def to_markdown(lines: list[Line], base: str) -> str:
    """The job summary: one table row per place, every value escaped."""
    out = [f"### Géocodage des lieux ajoutés ou dont l'adresse change (par rapport à {md(base)})", ""]
    if not lines:
        return "\n".join([*out, "Aucun lieu ajouté ni adresse modifiée : rien à géocoder."]) + "\n"
    counts = {word: sum(1 for line in lines if line.result.split(" :", 1)[0] == word) for word in RESULTS}
    out += [", ".join(f"{n} {word}" for word, n in counts.items() if n) + ".", "",
            "| id | adresse | résultat | proposition | score | carte |", "|---|---|---|---|---|---|"]
    for line in lines:
        entry = line.entry
        label = md(entry.label) if entry and entry.label else "—"
        score = f"{entry.score:.2f}" if entry and entry.score is not None else "—"
        where = f"[voir]({osm_link(*entry.point)})" if entry and entry.point else "—"
        result = md(line.result) + (" (déjà en cache)" if line.cached else "")
        out.append(f"| {md(line.place_id)} | {md(line.address)} | {result} | {label} | {score} | {where} |")
    out += ["", "Aperçu seulement : le cache de géocodage sera rempli après la fusion (`invoke geocode`)."]
    return "\n".join(out) + "\n"
