"""Pelican plugin: the map and directory of innovation places.

Layers, each importing only from those below it:

- ``core``: foundation — problems and records, text and geo helpers, CSV files,
  the schemas, territory reference data, and the one ``Config`` built from settings;
- ``stages``: pure transforms — load (CSV → records), documents (markdown →
  records), locate (coordinates), assemble (one ``Site``), link, group;
- ``outputs``: every file the site publishes, each declared once in ``OUTPUTS``;
- ``generator``: the thin Pelican entry point (config → stages → outputs);
- ``tools``: maintainer commands run by invoke (import, geocoding, fix-csv, …).

This module only wires Pelican's signals; nothing heavy is imported until Pelican runs.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


CONFIG_KEY = "LIEUX_CONFIG"  # where the checked Config waits for the generator and the finalizer


def configure(pelican: Any) -> None:
    """Fill in the plugin's defaults, check the settings once, and keep our markdown out of Pelican's pages."""
    from .core.config import apply_defaults
    from .generator import config_of

    apply_defaults(pelican.settings)
    pelican.settings[CONFIG_KEY] = config_of(pelican.settings)


def sanitize_content(content: Any) -> None:
    """Pelican's own pages (content/pages) are contributors' markdown too: keep only allowed HTML."""
    from .core.html import sanitize

    if getattr(content, "_content", None):
        content._content = sanitize(content._content)


def get_generators(pelican: Any) -> type:
    from .generator import PlacesGenerator

    return PlacesGenerator


def register() -> None:
    from pelican import signals  # imported when Pelican loads the plugin, not by the tools

    signals.initialized.connect(configure)
    signals.get_generators.connect(get_generators)
    signals.content_object_init.connect(sanitize_content)
    from .tools.pagefind import index_on_finalized  # the site-wide search index, once every page is written

    signals.finalized.connect(index_on_finalized)
