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
    address_checks: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}
    for record in records:
        line, values = record.line, record.values
        lat, lon = values["latitude"], values["longitude"]
        if lat is not None and not region.contains_point(lat, lon):
            hint = " (latitude et longitude inversées ?)" if region.contains_point(lon, lat) else ""
            problems.append(Problem(where, line, "latitude",
                                    f"les coordonnées ({lat:g}, {lon:g}) sont hors de la région {region.name}{hint}"))
        address = (values["code_postal"], values.get("code_insee", ""), values["commune"])
        found = address_checks.get(address)
        if found is None:  # postcodes, communes and INSEE codes repeat: each triple is checked once
            found = address_checks[address] = _address(*address, region)
        problems += [Problem(where, line, column, message, severity) for column, message, severity in found]
    return problems


def _address(postcode: str, insee: str, commune: str, region: Region) -> list[tuple[str, str, str]]:
    """(column, message, severity) of what is wrong with a place's postcode, commune and INSEE code."""
    found = []
    territory = region.territory
    if insee and not territory.contains_commune(insee):
        found.append(("code_insee", f"la commune {insee} n'est pas dans la région {region.name}", "error"))
    if postcode and not territory.contains_postcode(postcode):
        if region.departement_of(postcode):
            found.append(("code_postal", f"le code postal {postcode} n'existe pas dans la base de La Poste (code "
                                         "CEDEX ?) : donnez plutôt le code postal de l'adresse", "warning"))
        else:
            found.append(("code_postal", f"le code postal {postcode} est hors de la région {region.name} "
                                         f"(départements {', '.join(region.departements)})", "error"))
    elif postcode and commune and territory.postcode_matches(postcode, commune) is False:
        names = ", ".join(sorted(c.name for c in territory.communes_of_postcode(postcode)))
        found.append(("code_postal", f"le code postal {postcode} n'est pas celui de « {commune} » (il dessert : "
                                     f"{names}) : vérifiez le code postal ou la commune", "warning"))
    return found
