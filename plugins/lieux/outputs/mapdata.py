"""The map's data, ``lieux-carte.json``: every mapped place in columns, fetched by the map pages.

One compact JSON object of columns named in ``MAP_FIELDS``, which ``theme/static/js/find.js``
turns into one row per place. Only what the map, the list and the facets need is here
(communes and départements as indexes into their tables, services as a bit set); what a
query may hit travels apart, fetched lazily (``find.py``, ``lieux-recherche.json``).

The layout is chosen for its gzipped size (about 14 B a place instead of 21 for rows of
full values, measured by ``invoke bench``): columns, so that gzip meets alike values
together; coordinates to 4 decimals (about 11 m: where a marker stands; a place's page
gives its own position); no id where the browser derives it from the name as the
importer makes ids (``slugify``); no département where it is its commune's.

The clusters of the map's first views (every place, from its smallest zoom to ``FIRST_ZOOM_UNTIL``)
travel with it, made at build time by the same supercluster as the browser's (``first_clusters``):
the map shows them at once and indexes the places when the page is idle. They add less than a
byte a place (gzipped) from 10,000 places.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import orjson

from ..core.ahead import lower_priority
from ..core.text import slugify, sort_key
from ..stages.site import Place
from .context import Context
from .jsontext import encode

logger = logging.getLogger(__name__)

# The columns of the map's data table, in order; places-map.js reads them by these names.
MAP_FIELDS = ("lat", "lon", "type", "id", "nom", "commune", "dep", "arr", "services", "ferme")
COORDINATE_DECIMALS = 4
# supercluster's options (places-map.js reads them from the data): a radius in pixels of tiles of 256,
# and street level (zoom 16) and closer shows every place apart. minZoom is the map's smallest zoom.
CLUSTER = {"radius": 50, "extent": 256, "maxZoom": 15}
FIRST_ZOOM_UNTIL = 10  # the clusters of every place are made at build time up to this zoom (firstClusters)
FIRST_CLUSTERS = Path(__file__).with_name("first_clusters.cjs")
NEWER_LETTERS = re.compile("[^\u0000-\u024f\u2000-\u206f]")  # outside what _old_letters accepts


def _old_letters(name: str) -> bool:
    """Only Latin letters, digits and punctuation: characters whose decomposition no Unicode version changed."""
    return NEWER_LETTERS.search(name) is None


def sent_id(place: Place) -> str | None:
    """The place's id, or None when the browser derives it from the name: ``slugify``, mirrored by
    ``slug`` in find-core.js on the same ``fold`` (tests/test_find_text.py checks both agree)."""
    return None if _old_letters(place.nom) and slugify(place.nom) == place.id else place.id


def _commune_deps(places: list[Place], communes: dict[str, int], deps: dict[str, int]) -> list[int]:
    """Each commune's département (index): the most frequent among its places, ties to the first met."""
    seen: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for place in places:
        if place.commune:
            seen[place.commune][place.departement] += 1
    table = [-1] * len(communes)
    for name, counts in seen.items():
        table[communes[name]] = deps.get(counts.most_common(1)[0][0], -1)
    return table


def _columns(places: list[Place], index: dict[str, dict[str, int]], commune_deps: list[int]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {name: [] for name in MAP_FIELDS}
    for place in places:
        services = 0
        for code in place.services:
            services |= 1 << index["services"][code]
        commune = index["communes"].get(place.commune or "", -1)
        dep = index["deps"].get(place.departement, -1)
        point = place.location
        values = (round(point.latitude, COORDINATE_DECIMALS), round(point.longitude, COORDINATE_DECIMALS),
                  index["types"][place.type], sent_id(place), place.nom, commune,
                  None if commune != -1 and commune_deps[commune] == dep else dep,
                  place.arrondissement or 0, services, 1 if place.is_closed else 0)
        for name, value in zip(MAP_FIELDS, values, strict=True):
            columns[name].append(value)
    return columns


def map_data(ctx: Context) -> dict[str, Any]:
    """The map's data: field names, the tables the columns point into, URL pattern and a column per field.

    ``types`` give each type's colour and its numbers of places, on the map and in all;
    ``departements``, ``communes`` and ``services`` are the tables that ``dep``, ``commune``
    (indexes) and ``services`` (bit ``1 << i``) point into; ``communeDeps`` gives each commune's
    département, for the places whose ``dep`` is null; an ``id`` is null where ``slugify``
    of the name gives it; ``unmapped`` counts the places only the directory lists. ``cluster`` holds
    supercluster's options (the map's smallest zoom among them), and ``firstClusters``, when Node could
    make them, the clusters of every place at each zoom from that one to ``FIRST_ZOOM_UNTIL``.
    """
    site = ctx.site
    communes = sorted({p.commune for p in site.mapped if p.commune}, key=lambda c: (sort_key(c), c))
    departements = [(code, name) for code, name, count in site.departements if count]
    index = {
        "types": {group.code: i for i, group in enumerate(site.types)},
        "communes": {name: i for i, name in enumerate(communes)},
        "deps": {code: i for i, (code, _) in enumerate(departements)},
        "services": {code: i for i, (code, _, _) in enumerate(site.services)},
    }
    commune_deps = _commune_deps(site.mapped, index["communes"], index["deps"])
    columns = _columns(site.mapped, index, commune_deps)
    cluster = {**CLUSTER, "minZoom": ctx.config.map_tiles.min_zoom}
    zooms = list(range(cluster["minZoom"], FIRST_ZOOM_UNTIL + 1))
    first = first_clusters(columns, cluster, zooms, ctx.config.node_modules, ctx.clusters) if columns["lat"] and zooms \
        else None
    return {
        "fields": list(MAP_FIELDS),
        "cluster": cluster,
        **({"firstClusters": first} if first else {}),
        "placeUrl": ctx.config.urls.place,
        "types": [{"code": g.code, "label": g.label, "plural": g.plural, "color": g.color, "count": g.mapped_count,
                   "total": g.count} for g in site.types],
        "departements": [{"code": code or "nr", "label": f"{code} · {name}" if code else name}
                         for code, name in departements],
        "communes": communes,
        "communeDeps": commune_deps,
        "services": [{"code": code, "label": label} for code, label, _ in site.services],
        "unmapped": len(site.unmapped),
        "columns": columns,
    }


def first_clusters(columns: dict[str, list[Any]], cluster: dict[str, int], zooms: list[int],
                   node_modules: Path, node: ClusterNode | None = None) -> dict[str, list[Any]] | None:
    """The clusters of every place at each of ``zooms``, made by the browser's own supercluster run by Node
    (``first_clusters.cjs``; ``node``, when started ahead): ``{zoom: [[lon, lat, count, cluster id], or a place's
    index]}``. The map draws its first view from them and builds its index when the page is idle; None (the map
    builds it at once) when Node or supercluster is missing, or fails."""
    request = encode({"lon": columns["lon"], "lat": columns["lat"], "options": cluster, "zooms": zooms})
    if node is not None:
        return node.clusters(request)
    with ClusterNode(node_modules) as started:
        return started.clusters(request)


class ClusterNode:
    """Node running ``first_clusters.cjs``, started before it is asked, so that its start-up (about a tenth of a
    second) falls on a core the checks leave idle (at a helper's lower priority: ``ahead.lower_priority``). It
    answers one request (``clusters``, once: a second call gets None), from this process or from one forked from
    it, which inherits its pipes; closing it waits for those processes to have let its input go. Use it as a
    context manager: leaving ends it."""

    WAIT_SECONDS = 10.0  # for Node to leave once its input is closed: it has answered, or was never asked

    def __init__(self, node_modules: Path) -> None:
        node, library = shutil.which("node"), node_modules / "supercluster" / "dist" / "supercluster.min.js"
        self._process, self._errors = None, None
        self._absent = f"{library} : Node ou supercluster manque"  # why there is no Node, said when asked
        if node is None or not library.exists():
            return
        self._errors = tempfile.TemporaryFile()
        try:  # at a helper's priority from its start, so that the threads Node starts have it too
            self._process = subprocess.Popen([node, str(FIRST_CLUSTERS), str(library)], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._errors,
                                             preexec_fn=lower_priority if os.name == "posix" else None)
        except OSError as exc:  # Node cannot be run: the map builds its first clusters itself
            self._absent = f"{node} : Node ne démarre pas ({exc.strerror})"
            self._errors.close()
            self._errors = None

    def __enter__(self) -> ClusterNode:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def clusters(self, request: bytes) -> dict[str, list[Any]] | None:
        """Node's answer to ``request`` (the JSON of ``first_clusters.cjs``), or None with a warning."""
        if self._process is None:
            logger.warning("%s, la carte calculera ses premiers groupes elle-même", self._absent)
            return None
        try:
            self._process.stdin.write(request + b"\n")
            self._process.stdin.flush()
            answer = self._process.stdout.read()
        except OSError:  # Node left before reading it all: its errors say why
            answer = b""
        try:
            return orjson.loads(answer)
        except orjson.JSONDecodeError:
            logger.warning("premiers groupes de la carte non calculés (Node : %s)", self._error_text())
            return None

    def _error_text(self) -> str:
        """The line of Node's error output that names the error, else its end (a file shared with the processes
        forked since: read from its start, whatever they read of it)."""
        self._errors.seek(0)
        text = self._errors.read().decode("utf-8", "replace")
        named = [line for line in text.splitlines() if "Error" in line]
        return (named[0] if named else text[-500:]).strip()[:500]

    def close(self) -> None:
        """End Node: its input closed, it leaves (at once when never asked); killed if it does not."""
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:  # Node left before reading its input: nothing to flush
                pass
        try:
            process.wait(self.WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self._errors.close()


def map_places(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The places of the map's data as find.js reads them: one dict per place, by field name, with every
    id and département filled in (the benchmark and the tests read the file with it)."""
    columns = data["columns"]
    rows = zip(*(columns[name] for name in MAP_FIELDS), strict=True)
    places = [dict(zip(MAP_FIELDS, values, strict=True)) for values in rows]
    for place in places:
        if place["id"] is None:
            place["id"] = slugify(place["nom"])
        if place["dep"] is None:
            place["dep"] = data["communeDeps"][place["commune"]]
    return places


def render_data(ctx: Context) -> bytes:
    """``lieux-carte.json``: the map's data, fetched by the home page and the embedded map (and kept in
    the browser's cache for both), so that no page carries tens of thousands of places in its HTML."""
    return encode(map_data(ctx))
