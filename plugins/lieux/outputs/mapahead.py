"""The home map rendered ahead: Folium's import on the core the checking of the inputs leaves idle.

Folium, with numpy and requests that it imports, takes about a third of a second to load, for
the two map pages only. ``invoke build`` checks the inputs on one core first; ``MapAhead`` is a
process forked before that check, which loads Folium meanwhile, then waits for the map's framing
(``frame``, once the places are located) and sends back the rendered map (``parts``). The pages
are then rendered by processes that never load Folium.

The map is the same either way (``mapview.render_map`` makes it); when the process is not there
(plain ``pelican``, a system without ``fork``) or fails, ``parts`` gives None and the map pages
render it themselves, as before.

Node, which makes the map data's first clusters (``mapdata.ClusterNode``), is started at the same
time, given ``node_modules``: its start-up, too, falls on the idle core.
"""

from __future__ import annotations

import logging
import multiprocessing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..core.ahead import lower_priority
from ..core.config import MapTiles
from ..core.geo import Bounds
from ..core.region import Region
from ..stages.site import Site

if TYPE_CHECKING:  # Node's helper is loaded only when started
    from .mapdata import ClusterNode

logger = logging.getLogger(__name__)

FRANCE = Bounds(41.3, -5.2, 51.1, 9.6)
WAIT_SECONDS = 60.0  # for the rendered map, once framed: far beyond the half second it takes


@dataclass(frozen=True)
class MapParts:
    """What a page template needs to show the map: its container and its script (the data is a file). Defined
    here, not beside Folium, so that the parent process reads it without loading Folium."""

    html: Markup
    script: Markup


def framing(site: Site, region: Region) -> Bounds:
    """What the map shows first: the places themselves, else the region's box, else France."""
    points = [(p.location.latitude, p.location.longitude) for p in site.mapped]
    return Bounds.around(points) or region.bounds or FRANCE


class MapAhead:
    """A process rendering the home map with Folium: started at once, framed with ``frame``, read with ``parts``;
    and ``clusters``, Node started for the first clusters (given ``node_modules``). Use it as a context manager:
    both are ended on leaving."""

    def __init__(self, tiles: MapTiles, node_modules: Path | None = None) -> None:
        self._conn: Any = None
        self._process: Any = None
        self.clusters: ClusterNode | None = None
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(theirs, self._conn, tiles), name="lieux-map", daemon=True)
        self._process.start()
        theirs.close()
        if node_modules is not None:  # after the fork: the map process holds none of its pipes
            from .mapdata import ClusterNode

            self.clusters = ClusterNode(node_modules)

    def __enter__(self) -> MapAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.close()
        finally:
            if self.clusters is not None:
                self.clusters.close()

    def frame(self, box: Bounds) -> None:
        """Render the map framed on ``box``."""
        if self._conn is not None:
            try:
                self._conn.send(box)
            except OSError as exc:  # the process ended: the pages render the map themselves
                logger.debug("carte rendue d'avance indisponible : %s", exc)
                self.close()

    def parts(self) -> MapParts | None:
        """The rendered map, or None."""
        if self._conn is None:
            return None
        try:
            found = self._conn.recv() if self._conn.poll(WAIT_SECONDS) else None
        except (EOFError, OSError):
            found = None
        self.close()
        return found

    def close(self) -> None:
        """End the map process: at once when the build stopped before reading the map (it may still be loading
        Folium)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(timeout=0.2)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            self._process = None


def _serve(conn: Any, parents: Any, tiles: MapTiles) -> None:
    """In the forked process: load Folium, wait for the framing, send the rendered map (None on any failure).
    ``parents`` is the parent's end of the pipe, which the fork copied: closed here, so that the parent closing
    its own ends the wait."""
    parents.close()
    lower_priority()
    try:
        from .mapview import render_map

        box = conn.recv()
        conn.send(render_map(tiles, box))
    except EOFError:  # the build stopped before framing the map
        pass
    except Exception as exc:  # the pages render the map themselves; the build says nothing of it
        logger.debug("carte rendue d'avance : échec (%s)", exc)
        try:
            conn.send(None)
        except OSError:
            pass
    finally:
        conn.close()
