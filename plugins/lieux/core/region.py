"""The area a site covers: its regions' territory (reference data) and an optional bounding box."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import RegionSettings
from .geo import Bounds
from .territory import Territory


@dataclass(frozen=True)
class Region:
    """What the stages ask about the covered area."""

    territory: Territory
    name: str
    bounds: Bounds | None = None

    @classmethod
    def load(cls, settings: RegionSettings, node_modules: str | Path) -> Region:
        """The region of the settings; TerritoryError (French) for an unknown code or missing data."""
        territory = Territory.load(node_modules, settings.codes)
        return cls(territory, settings.name or territory.name, settings.bounds)

    @property
    def departements(self) -> dict[str, str]:
        return self.territory.departements

    def departement_of(self, postcode: str = "", insee: str = "") -> str:
        """The département code of a place in the region, or ``""``."""
        return self.territory.departement_of(postcode=postcode or "", insee=insee or "")

    def contains_point(self, lat: float, lon: float) -> bool:
        """Inside the bounding box (always true without one: membership then comes from communes)."""
        return self.bounds is None or self.bounds.contains(lat, lon)
