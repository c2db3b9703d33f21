"""Shared fixtures: the schema, the region, small fixture files, and Pelican builds."""

from __future__ import annotations

import socket
import struct
import zlib
from pathlib import Path

import pytest
from lieux.core.config import Config
from lieux.core.region import Region
from lieux.core.schema import load_document_schema, load_schema
from pelican import Pelican
from pelican.settings import DEFAULT_CONFIG, configure_settings, get_settings_from_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True, scope="session")
def no_internet():
    """No test may reach beyond 127.0.0.1: any other connection fails loudly."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not str(address[0]).startswith(LOOPBACK):
            raise OSError(f"a test tried to reach {address}: tests never leave 127.0.0.1")

    def connect(sock, address):
        check(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        check(sock, address)
        return real_connect_ex(sock, address)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    yield
    socket.socket.connect, socket.socket.connect_ex = real_connect, real_connect_ex


@pytest.fixture(scope="session")
def schema():
    return load_schema(ROOT / "data" / "places.schema.json")


@pytest.fixture(scope="session")
def config():
    """The default configuration, as the build reads it when pelicanconf.py sets nothing."""
    return Config.from_settings({"PATH": str(ROOT / "content")})


@pytest.fixture(scope="session")
def region(config):
    return Region.load(config.region, ROOT / "node_modules")


@pytest.fixture(scope="session")
def document_schema(schema):
    return load_document_schema(ROOT / "data" / "documents.schema.json", schema)


@pytest.fixture
def write_csv(tmp_path):
    """Write a CSV fixture from text (or bytes) and return its path."""

    def write(content: str | bytes, name: str = "places.csv") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


def header(schema) -> str:
    return ",".join(schema.names)


def row(schema, **values) -> str:
    """One CSV line with the schema's columns; unspecified cells are empty."""
    from lieux.core.csvfile import csv_rows

    base = {"id": "lieu-test", "nom": "Lieu test", "type": "fablab", "adresse": "1 rue Test",
            "code_postal": "75011", "commune": "Paris"}
    base.update(values)
    return csv_rows([[base.get(n, "") for n in schema.names]])[:-1]


def build(output: Path, places: Path, content: Path | None = None, cache: Path | None = None, **extra) -> Path:
    """Run Pelican in-process, as pelican-plugins' own tests do, into ``output``."""
    settings = dict(DEFAULT_CONFIG)
    settings.update(get_settings_from_file(str(ROOT / "pelicanconf.py")))
    settings.update(
        PATH=str(content or FIXTURES / "content"),
        OUTPUT_PATH=str(output),
        THEME=str(ROOT / "theme"),
        PLUGIN_PATHS=[str(ROOT / "plugins")],
        PLACES_CSV=str(places),
        GEOCODE_CACHE=str(cache or output.parent / "absent-geocache.csv"),
        REPO_URL="https://github.com/exemple/carte",
        **extra,
    )
    Pelican(configure_settings(settings)).run()
    return output


@pytest.fixture
def build_site(tmp_path):
    def run(places: Path, name: str = "output", **kwargs) -> Path:
        return build(tmp_path / name, places, **kwargs)

    return run


def png(width: int = 256, height: int = 256, grey: int = 220) -> bytes:
    """A plain grey PNG, served instead of map tiles in the browser tests."""
    raw = b"".join(b"\x00" + bytes([grey]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def mapped_ids(site):
    """The ids of the places on the map of a built site (read from its map data as the browser reads it)."""
    import json

    from lieux.outputs.mapdata import map_places

    data = json.loads((site / "lieux-carte.json").read_text(encoding="utf-8"))
    return {place["id"] for place in map_places(data)}
