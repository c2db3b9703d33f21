"""Region checks: is each place in the covered area, and do its postcode and commune agree?

Membership comes from reference data (the commune's INSEE code, else the postcode),
and from the optional bounding box for coordinates.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.problems import Problem, Record
from ..core.region import Region


def check_places(records: Iterable[Record], region: Region, where: str) -> list[Problem]:
    """Located problems of every place against ``region``."""
    problems = []
    for record in records:
        problems += _check(record, region, where)
    return problems


def _check(record: Record, region: Region, where: str) -> list[Problem]:
    problems = []
    line, territory = record.line, region.territory
    lat, lon = record["latitude"], record["longitude"]
    postcode, insee, commune = record["code_postal"], record.values.get("code_insee", ""), record["commune"]
    if lat is not None and not region.contains_point(lat, lon):
        hint = " (latitude et longitude inversées ?)" if region.contains_point(lon, lat) else ""
        problems.append(Problem(where, line, "latitude",
                                f"les coordonnées ({lat:g}, {lon:g}) sont hors de la région {region.name}{hint}"))
    if insee and not territory.contains_commune(insee):
        problems.append(Problem(where, line, "code_insee",
                                f"la commune {insee} n'est pas dans la région {region.name}"))
    if postcode and not territory.contains_postcode(postcode):
        if region.departement_of(postcode):
            problems.append(Problem(where, line, "code_postal",
                                    f"le code postal {postcode} n'existe pas dans la base de La Poste (code CEDEX ?) : "
                                    "donnez plutôt le code postal de l'adresse", "warning"))
        else:
            problems.append(Problem(where, line, "code_postal",
                                    f"le code postal {postcode} est hors de la région {region.name} "
                                    f"(départements {', '.join(region.departements)})"))
    elif postcode and commune and territory.postcode_matches(postcode, commune) is False:
        names = ", ".join(sorted(c.name for c in territory.communes_of_postcode(postcode)))
        problems.append(Problem(where, line, "code_postal",
                                f"le code postal {postcode} n'est pas celui de « {commune} » (il dessert : {names}) : "
                                "vérifiez le code postal ou la commune", "warning"))
    return problems
