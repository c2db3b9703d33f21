"""Pelican plugin: the map and directory of innovation places.

Pipeline, one module per step: ``loader`` (read and validate the CSV against
``schema``) → ``geocache`` (coordinates from the CSV or the geocoding cache) →
``model`` (places, partners, projects and their links) → ``carte`` and
``exports`` (map, open data), written by ``generator``.
"""

from __future__ import annotations

import logging

from pelican import signals

from . import settings as defaults
from .generator import PlacesGenerator

logger = logging.getLogger(__name__)


def configure(pelican) -> None:  # noqa: ANN001 - Pelican instance
    """Fill in the plugin's default settings, escape every template, and keep the
    partner, project and place markdown out of Pelican's own articles and pages."""
    settings = pelican.settings
    for name in dir(defaults):
        if name.isupper():
            settings.setdefault(name, getattr(defaults, name))
    settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True}
    folders = [settings[name] for name in ("PARTNERS_PATH", "PROJECTS_PATH", "PLACES_CONTENT_PATH")]
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES"):
        excluded = list(settings.get(key, []))
        settings[key] = excluded + [f for f in folders if f not in excluded]


def get_generators(pelican) -> type[PlacesGenerator]:  # noqa: ANN001 - Pelican instance
    return PlacesGenerator


def register() -> None:
    signals.initialized.connect(configure)
    signals.get_generators.connect(get_generators)
