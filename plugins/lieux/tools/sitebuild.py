"""``invoke build``: the checked inputs, Pelican run once into a staging folder, then the site published.

The pipeline's result (``tasks.build`` has already run it to list every problem) is handed to
Pelican with the configuration, so the inputs are read and checked once per build.

When nothing the site is made from has changed since the last build into the same folder —
the same fingerprint of every input (places, cache, documents, schemas, settings, theme, the
plugin's code, the npm and Python packages, « today ») and the published files as that build
left them — there is nothing to do, and nothing is read, rendered or written: the manifest
beside the site (``.<folder>.manifest.json``) records both. Pelican
writes into a fresh staging folder next to the site; every file equal to the published one is
left where it is (``core.sitefiles``), and only what changed is moved into place at the end.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from .. import CONFIG_KEY, FILES_KEY, MAP_KEY, RESULT_KEY
from ..core.config import Config
from ..core.sitefiles import PublishReport, SiteFiles, listing
from ..pipeline import Result

logger = logging.getLogger(__name__)



def staging_folder(target: Path) -> Path:
    """The build's staging folder beside ``target``, after removing those left by killed builds."""
    for stale in target.parent.glob(f".{target.name}.building-*"):
        shutil.rmtree(stale, ignore_errors=True)
    return target.with_name(f".{target.name}.building-{os.getpid()}")


def build_site(settings_file: str, overrides: dict[str, Any], config: Config, result: Result | None,
               target: Path, map_ahead: Any = None) -> PublishReport:
    """Run Pelican with ``settings_file`` and ``overrides`` into a staging folder, then publish into ``target``
    (``map_ahead``: the home map's ``outputs.mapahead.MapAhead``, when started)."""
    from pelican import Pelican
    from pelican.log import init as init_logging
    from pelican.settings import read_settings

    staging = staging_folder(target)
    files = SiteFiles(staging, published=target)
    init_logging(level=logging.WARNING, name="pelican")
    settings = read_settings(settings_file, override={
        **overrides, "OUTPUT_PATH": str(staging), CONFIG_KEY: config, RESULT_KEY: result, FILES_KEY: files,
        MAP_KEY: map_ahead})
    try:
        Pelican(settings).run()
        return files.publish()
    finally:
        shutil.rmtree(staging, ignore_errors=True)


PACKAGES = ("pelican", "jinja2", "markupsafe", "markdown", "nh3", "folium", "branca", "icalendar", "feedgenerator",
            "orjson")
PLUGIN = Path(__file__).resolve().parents[1]


def manifest_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.manifest.json")


def fingerprint(config: Config, settings_file: str, overrides: dict[str, Any], theme: Path) -> str:
    """A digest of everything the site is made from: a change anywhere gives another fingerprint."""
    digest = hashlib.sha256()

    def add(*parts: Any) -> None:
        for part in parts:
            digest.update(part if isinstance(part, bytes) else repr(part).encode())
            digest.update(b"\0")

    add(repr(config), settings_file, sorted(overrides.items()), sys.version)
    for name in PACKAGES:
        try:
            add(name, metadata.version(name))
        except metadata.PackageNotFoundError:
            add(name, None)
    files = [Path(settings_file), config.places_csv, config.geocode_cache, config.places_schema,
             config.documents_schema, config.node_modules / ".package-lock.json"]
    for folder in (config.content_path, theme, PLUGIN):
        files += sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        add(str(path), path.read_bytes() if path.is_file() else None)
    return digest.hexdigest()


def up_to_date(target: Path, digest: str) -> bool:
    """Whether the last build into ``target`` had this fingerprint and its files are still as it left them."""
    try:
        manifest = orjson.loads(manifest_path(target).read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("fingerprint") == digest and target.is_dir() and (
        manifest.get("files") == listing(target))


def record(target: Path, digest: str, files: dict[str, list[int]]) -> None:
    """Note what this build was made from and the files it left (``sitefiles.listing`` of ``target``), for the
    next one to compare with."""
    manifest = {"fingerprint": digest, "files": files}
    temporary = manifest_path(target).with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(orjson.dumps(manifest, option=orjson.OPT_SORT_KEYS))
    os.replace(temporary, manifest_path(target))


def forget(target: Path) -> None:
    manifest_path(target).unlink(missing_ok=True)
