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
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


# Settings that carry objects between ``invoke build``, the generator and the finalizer:
CONFIG_KEY = "LIEUX_CONFIG"  # the checked Config
RESULT_KEY = "LIEUX_RESULT"  # the inputs read and checked (set by ``invoke build``, which checked them first)
FILES_KEY = "LIEUX_SITE_FILES"  # where the pages go and the site they replace (``core.sitefiles``)
MAP_KEY = "LIEUX_MAP_AHEAD"  # the process rendering the home map meanwhile (``outputs.mapahead``), if any


def configure(pelican: Any) -> None:
    """Fill in the plugin's defaults, check the settings once (unless ``invoke build`` hands its checked
    configuration over), give the templates ``include_shared``, and keep our markdown out of Pelican's pages."""
    from .core.config import Config, apply_defaults
    from .core.sitefiles import SiteFiles
    from .generator import config_of
    from .outputs.render import forget_shared, include_shared

    apply_defaults(pelican.settings)
    forget_shared()
    if not isinstance(pelican.settings.get(CONFIG_KEY), Config):
        pelican.settings[CONFIG_KEY] = config_of(pelican.settings)
    pelican.settings.setdefault(FILES_KEY, SiteFiles(Path(pelican.settings["OUTPUT_PATH"])))  # plain pelican: in place
    pelican.settings["JINJA_GLOBALS"] = {**pelican.settings.get("JINJA_GLOBALS", {}), "include_shared": include_shared}


def sanitize_content(content: Any) -> None:
    """Pelican's own pages (content/pages) are contributors' markdown too: keep only allowed HTML."""
    from .core.html import sanitize

    if getattr(content, "_content", None):
        content._content = sanitize(content._content)


def note_written(path: str, context: dict[str, Any]) -> None:
    """Pelican's ``content_written``: its own pages count among the site's files (and may be indexed)."""
    files = context.get(FILES_KEY)
    if files is not None:
        files.written_by_pelican(path)


def keep_compiled(generator: Any) -> None:
    """Pelican's ``generator_init``: every generator's templates are kept compiled between builds
    (``TEMPLATE_CACHE``, ``outputs.templatecache``)."""
    from .outputs.templatecache import template_cache

    config = generator.settings.get(CONFIG_KEY)
    if config is not None and getattr(generator, "env", None) is not None:
        generator.env.bytecode_cache = template_cache(config.template_cache, generator.env)


def get_generators(pelican: Any) -> type:
    from .generator import PlacesGenerator

    return PlacesGenerator


def register() -> None:
    from pelican import signals  # imported when Pelican loads the plugin, not by the tools

    signals.initialized.connect(configure)
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(keep_compiled)
    signals.content_object_init.connect(sanitize_content)
    signals.content_written.connect(note_written)
    from .tools.pagefind import index_on_finalized  # the site-wide search index, once every page is written

    signals.finalized.connect(index_on_finalized)
