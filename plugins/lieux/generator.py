"""The Pelican generator: configuration → stages → outputs, and nothing else.

``generate_context`` runs the pipeline (the same one ``invoke validate`` runs) and
stops the build on any error, after logging every problem with its file and line; under
``invoke build``, which has run it and printed the problems, it only stops on its errors;
``generate_output`` writes the pages and files listed in ``outputs``. Other plugins
receive the finished ``Site`` through the ``lieux_site_ready`` signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any

from blinker import signal
from jinja2.utils import htmlsafe_json_dumps

from . import CONFIG_KEY, FILES_KEY, MAP_KEY, RESULT_KEY
from .core.config import Config, ConfigError
from .core.html import render_markdown
from .core.problems import BuildStopped
from .outputs import FILES, links, page_count, pages
from .outputs.context import Context
from .outputs.mapahead import framing
from .outputs.render import Renderer, nav_links, page_job, write_all
from .outputs.vendor import MissingAssets, copy_vendor_assets
from .pipeline import SetupError, run

logger = logging.getLogger(__name__)
site_ready = signal("lieux_site_ready")

try:  # Pelican's Generator, when Pelican is there (the tools import nothing of this module)
    from pelican.generators import Generator
except ImportError:  # pragma: no cover
    Generator = object


PlacesDataError = BuildStopped  # the inputs have errors: the build stops after listing them


def config_of(settings: dict[str, Any]) -> Config:
    """The checked configuration of a build, or the build stops with every problem listed."""
    try:
        return Config.from_settings(settings)
    except ConfigError as exc:
        for problem in exc.problems:
            logger.error("%s", problem)
        raise PlacesDataError("réglages invalides : corrigez-les") from None


def data_file(file: Any, ctx: Context) -> list[tuple[str, str]]:
    """``(path, text)`` of a data file (``outputs.File``), or of each file of a family."""
    rendered = file.render(ctx)
    return list(rendered.items()) if isinstance(rendered, dict) else [(file.save_as, rendered)]


class PlacesGenerator(Generator):
    """Places directory, map, partner and project pages, and the data files."""

    def generate_context(self) -> None:
        self.config = self.settings.get(CONFIG_KEY) or config_of(self.settings)
        result = self.settings.get(RESULT_KEY)  # ``invoke build`` has checked the inputs, and printed the problems
        if result is None:
            result = self._check()
            for problem in result.problems:
                (logger.error if problem.is_error else logger.warning)("%s", problem)
        if result.errors:
            raise PlacesDataError(f"{len(result.errors)} erreur(s) : corrigez-les (invoke validate les liste toutes)")
        self.result, self.site = result, result.site
        logger.info("Lieux : %d dans %s, %d sur la carte", len(self.site.places), result.places.path,
                    len(self.site.mapped))
        if self.site.unmapped:
            logger.warning("%d lieu(x) non localisé(s) : ni coordonnées dans %s ni résultat accepté dans le cache "
                           "de géocodage ; ils sont dans l'annuaire mais pas sur la carte",
                           len(self.site.unmapped), result.places.path)
        self.context["places_site"] = self.site
        self.context["nav_pages"] = nav_links(self.context.get("pages", []))  # Pelican's pages are read by now
        self.context["outputs"] = links()  # Pelican's own pages link to the data files too
        ahead = self.settings.get(MAP_KEY)
        if ahead is not None:
            ahead.frame(framing(self.site, result.reference.region))
        site_ready.send(self, site=self.site)

    def _check(self) -> Any:
        if self.config.geocode_on_build:
            self._geocode()
        try:
            return run(self.config, render=render_markdown)
        except SetupError as exc:
            logger.error("%s", exc)
            raise PlacesDataError(str(exc)) from None

    def _geocode(self) -> None:
        """Only with GEOCODE_ON_BUILD = True: fill the cache before locating the places."""
        from .core.schema import load_schema
        from .stages.load import load_places
        from .tools.geocoder import CacheBusy, Options, geocode_places  # network code, loaded only when asked for

        records = load_places(self.config.places_csv, load_schema(self.config.places_schema)).records
        options = Options.from_config(self.config.geocoder, bounds=self.config.region.bounds)
        try:
            summary = geocode_places(records, self.config.geocode_cache, options)
        except CacheBusy as exc:
            logger.error("%s", exc)
            raise PlacesDataError(str(exc)) from None
        logger.warning("%s", summary.line())

    def generate_output(self, writer: Any) -> None:
        config = self.config
        files = self.settings[FILES_KEY]
        ahead = self.settings.get(MAP_KEY)
        ctx = Context(self.site, self.result.reference, config,
                      page_urls=tuple(p.url for p in self.context.get("pages", [])),
                      map=ahead.parts() if ahead is not None else None,
                      clusters=ahead.clusters if ahead is not None else None)
        common = {"site": self.site, "schema": ctx.reference.schema, "region": ctx.reference.region,
                  "map_tiles_json": htmlsafe_json_dumps(asdict(config.map_tiles), sort_keys=True),
                  "data_source": config.data_source,
                  "places_file": self.result.places.path}
        self.env.auto_reload = False  # this environment lives for one build: no need to check templates' dates
        renderer = Renderer(self.env, self.context, config.relative_urls)

        def jobs(start: int, stop: int | None) -> Iterator[Callable[[], list[tuple[str, str]]]]:
            return (page_job(page, renderer, common) for page in pages(ctx, start, stop))

        write_all(jobs, page_count(ctx), files, first=[partial(data_file, file, ctx) for file in FILES])
        try:
            copy_vendor_assets(config, Path(self.output_path) / self.settings.get("THEME_STATIC_DIR", "theme"))
        except MissingAssets as exc:
            logger.error("%s", exc)
            raise PlacesDataError(str(exc)) from None
