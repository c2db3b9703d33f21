"""Geographic helpers: distances and bounding boxes (WGS84, degrees)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Bounds:
    """A bounding box: south-west and north-east corners."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def as_list(self) -> list[list[float]]:
        """``[[south, west], [north, east]]``, Leaflet's order."""
        return [[self.south, self.west], [self.north, self.east]]

    @classmethod
    def around(cls, points: Iterable[tuple[float, float]]) -> Bounds | None:
        """The smallest box holding ``points``; ``None`` when there are none."""
        points = list(points)
        if not points:
            return None
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        return cls(min(lats), min(lons), max(lats), max(lons))
