"""Step 4b: the open-data exports published beside the site.

``lieux.csv`` is the validated data in the schema's column order; ``lieux.geojson``
holds one Feature per mapped place, its properties being the CSV columns.
Both are sorted by id so that the same data always gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from .canonical import csv_text
from .model import Place
from .schema import Schema


def places_csv(places: list[Place], schema: Schema) -> str:
    """The validated data, sorted by id."""
    ordered = sorted(places, key=lambda p: p.id)
    return csv_text(schema.names, ([p.record.raw.get(n, "") for n in schema.names] for p in ordered))


def _property(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def places_geojson(places: list[Place], schema: Schema, source: dict[str, str]) -> str:
    """A GeoJSON FeatureCollection of the mapped places (RFC 7946, lon/lat order)."""
    features = []
    for place in sorted((p for p in places if p.location), key=lambda p: p.id):
        properties = {name: _property(place.record.values[name]) for name in schema.names}
        features.append(
            {
                "type": "Feature",
                "id": place.id,
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(place.location.longitude, 6), round(place.location.latitude, 6)],
                },
                "properties": properties,
            }
        )
    collection = {
        "type": "FeatureCollection",
        "name": "lieux",
        "metadata": source,
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
