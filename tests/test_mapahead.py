"""The home map rendered ahead, in a process that loads Folium while the inputs are checked."""

from lieux.core.geo import Bounds
from lieux.outputs.mapahead import MapAhead, MapParts
from lieux.outputs.mapview import render_map

BOX = Bounds(48.70, 2.18, 48.90, 2.44)


def test_the_map_rendered_ahead_is_the_map_a_page_renders(config):
    with MapAhead(config.map_tiles) as ahead:
        ahead.frame(BOX)
        parts = ahead.parts()
    assert isinstance(parts, MapParts) and parts == render_map(config.map_tiles, BOX)


def test_a_map_that_fails_to_render_ahead_is_left_to_the_pages(config):
    with MapAhead(config.map_tiles) as ahead:
        ahead.frame(None)  # not a box: Folium cannot frame it
        assert ahead.parts() is None


def test_a_build_that_stops_before_framing_the_map_ends_its_process(config):
    ahead = MapAhead(config.map_tiles)
    process = ahead._process
    ahead.close()
    assert not process.is_alive()
