"""The home map rendered ahead, in a process that loads Folium while the inputs are checked, and Node started
ahead for the map data's first clusters."""

import os
import shutil
import stat

import pytest
from lieux.core.ahead import NICE, Ahead
from lieux.core.geo import Bounds
from lieux.outputs.mapahead import MapAhead, MapParts
from lieux.outputs.mapdata import ClusterNode, first_clusters
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


needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js manque")
COLUMNS = {"lon": [2.35, 2.3501, 2.36, 2.5, 2.1], "lat": [48.85, 48.8501, 48.86, 48.9, 48.7]}
CLUSTER = {"radius": 50, "extent": 256, "maxZoom": 15, "minZoom": 7}


@needs_node
def test_node_started_ahead_gives_the_clusters_node_started_then_gives(config):
    with ClusterNode(config.node_modules) as node:
        ahead = first_clusters(COLUMNS, CLUSTER, [7, 10], config.node_modules, node)
    assert ahead is not None and ahead == first_clusters(COLUMNS, CLUSTER, [7, 10], config.node_modules)


@needs_node
def test_node_started_ahead_answers_a_process_forked_since(config):
    with ClusterNode(config.node_modules) as node, Ahead(first_clusters, COLUMNS, CLUSTER, [7, 10],
                                                         config.node_modules, node) as forked:
        answer = forked.result()
    assert answer is not None and answer == first_clusters(COLUMNS, CLUSTER, [7, 10], config.node_modules)


@needs_node
def test_node_started_ahead_and_never_asked_leaves_when_closed(config):
    node = ClusterNode(config.node_modules)
    process = node._process
    node.close()
    assert process.returncode == 0


@needs_node
def test_a_node_that_fails_gives_no_first_clusters_and_says_why(tmp_path, caplog):
    library = tmp_path / "supercluster" / "dist" / "supercluster.min.js"
    library.parent.mkdir(parents=True)
    library.write_text('throw new Error("supercluster cassé");\n', encoding="utf-8")
    with ClusterNode(tmp_path) as node:
        assert node.clusters(b'{"lon": [], "lat": [], "options": {}, "zooms": []}') is None
    assert "premiers groupes" in caplog.text and "supercluster cassé" in caplog.text


@needs_node
def test_the_map_ahead_starts_node_for_the_first_clusters_and_ends_it(config):
    with MapAhead(config.map_tiles, config.node_modules) as ahead:
        process = ahead.clusters._process
        priorities = (os.getpriority(os.PRIO_PROCESS, process.pid), os.getpriority(os.PRIO_PROCESS, 0))
        answer = first_clusters(COLUMNS, CLUSTER, [7, 10], config.node_modules, ahead.clusters)
    assert answer == first_clusters(COLUMNS, CLUSTER, [7, 10], config.node_modules) and process.returncode == 0
    assert priorities[0] == min(priorities[1] + NICE, 19)


def test_a_node_that_cannot_start_gives_no_first_clusters_and_says_why(tmp_path, caplog, monkeypatch):
    library = tmp_path / "supercluster" / "dist" / "supercluster.min.js"
    library.parent.mkdir(parents=True)
    library.write_text("", encoding="utf-8")
    node = tmp_path / "node"
    node.write_text("pas un programme", encoding="utf-8")
    node.chmod(node.stat().st_mode & ~stat.S_IXUSR)
    monkeypatch.setattr(shutil, "which", lambda name: str(node))
    with ClusterNode(tmp_path) as started:
        assert started.clusters(b"{}") is None
    assert "Node ne démarre pas" in caplog.text
