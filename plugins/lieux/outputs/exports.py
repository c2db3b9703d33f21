"""Open-data exports: ``lieux.csv`` (the validated data, as written) and ``lieux.geojson``.

Both are sorted by id, so the same data always gives the same bytes. The CSV holds
every value exactly as the contributor wrote it (validation refused anything a
spreadsheet would run as a formula), and re-validates against the schema.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from ..core.csvfile import csv_text
from .context import Context
from .jsontext import array_parts, encode_in_order


def places_csv(ctx: Context) -> str:
    """The validated data, sorted by id."""
    names = ctx.reference.schema.names
    ordered = sorted(ctx.site.places, key=lambda p: p.id)
    return csv_text(names, (p.record.cells_in(names) for p in ordered))


def _feature(place: Any, names: tuple[str, ...], cells: Callable[[dict[str, Any]], tuple[Any, ...]]) -> dict[str, Any]:
    """A place as a GeoJSON Feature; its properties are its values by column (``cells`` gives them in the order of
    ``names``; a list column's tuple is a JSON array)."""
    point = place.location
    return {
        "type": "Feature",
        "id": place.id,
        "geometry": {"type": "Point", "coordinates": [round(point.longitude, 6), round(point.latitude, 6)]},
        "properties": dict(zip(names, cells(place.record.values), strict=True)),
    }


def places_geojson(ctx: Context) -> bytes:
    """A GeoJSON FeatureCollection of the mapped places (RFC 7946, lon/lat order), encoded feature by feature."""
    names = tuple(ctx.reference.schema.names)
    cells = itemgetter(*names) if len(names) > 1 else lambda values: (values[names[0]],)
    features = (_feature(place, names, cells) for place in sorted(ctx.site.mapped, key=lambda p: p.id))
    head = {"type": "FeatureCollection", "name": "lieux", "metadata": dict(ctx.config.data_source)}
    return _unsorted_rows_json(head, "features", features) + b"\n"


def _unsorted_rows_json(head: dict[str, Any], key: str, rows: Any) -> bytes:
    """As ``jsontext.rows_json``, with ``head``'s keys in their own order and ``key`` last (GeoJSON's habit)."""
    start = encode_in_order(head)[:-1] + b"," + encode_in_order(key) + b":"
    return b"".join([start, *array_parts(rows, encode_in_order), b"}"])
