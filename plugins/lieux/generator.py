"""The Pelican generator that runs the pipeline and writes the places' pages.

``generate_context`` loads and validates the CSV, locates the places from the
cache and builds the model; ``generate_output`` renders the map, the directory,
one page per place, partner and project, the open-data exports and the sitemap.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from markupsafe import Markup
from pelican.contents import Page
from pelican.generators import Generator

from .carte import build_map
from .exports import places_csv, places_geojson
from .geocache import far_from_cache, locate, read_cache
from .loader import Region, display_path, load_places
from .model import Document, Site, Urls, build_site
from .schema import load_schema
from .settings import get as _setting

logger = logging.getLogger(__name__)


class PlacesDataError(SystemExit):
    """The data has errors: the build stops after listing them, like a command-line error.

    A SystemExit, so that Pelican's ``main`` does not log it with a traceback: the
    located messages already said everything; the process exits with status 1.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlacesGenerator(Generator):
    """Places directory, map, partner and project pages, and the exports."""

    site: Site

    def generate_context(self) -> None:
        settings = self.settings
        schema = load_schema(_setting(settings, "PLACES_SCHEMA"))
        region = Region.from_setting(_setting(settings, "REGION"))
        self.schema, self.region = schema, region

        result = load_places(_setting(settings, "PLACES_CSV"), schema, region)
        for problem in result.warnings:
            logger.warning("%s", problem)
        if result.errors:
            for problem in result.errors:
                logger.error("%s", problem)
            raise PlacesDataError(
                f"{len(result.errors)} erreur(s) dans {result.path} : corrigez-les "
                "(invoke validate les liste toutes)"
            )

        cache_path = _setting(settings, "GEOCODE_CACHE")
        if _setting(settings, "GEOCODE_ON_BUILD"):
            self._geocode(result.records, cache_path)
        cache, cache_problems = read_cache(cache_path)
        for problem in cache_problems:
            logger.error("%s", problem)
        if cache_problems:
            raise PlacesDataError("le cache de géocodage contient des lignes invalides")
        for problem in far_from_cache(result.records, cache, result.path):
            logger.warning("%s", problem)
        locations = locate(result.records, cache, region)

        urls = Urls(
            place=_setting(settings, "PLACE_URL"),
            place_save_as=_setting(settings, "PLACE_SAVE_AS"),
            partner=_setting(settings, "PARTNER_URL"),
            partner_save_as=_setting(settings, "PARTNER_SAVE_AS"),
            project=_setting(settings, "PROJECT_URL"),
            project_save_as=_setting(settings, "PROJECT_SAVE_AS"),
            edit=self._edit_url(),
        )
        self.site = build_site(result.records, locations, self._documents(), schema, region, urls)
        for problem in self.site.problems:
            logger.warning("%s", problem)
        logger.info("Lieux : %d dans %s, %d sur la carte", len(self.site.places), result.path, len(self.site.mapped))
        if self.site.unmapped:
            logger.warning(
                "%d lieu(x) non localisé(s) : ni coordonnées dans %s ni résultat accepté dans le cache "
                "de géocodage ; ils sont dans l'annuaire mais pas sur la carte",
                len(self.site.unmapped),
                result.path,
            )
        self.context["places_site"] = self.site
        self.context["places_region"] = region

    def _geocode(self, records: list, cache_path: str) -> None:
        """Only with GEOCODE_ON_BUILD = True: fill the cache before locating the places."""
        from .geocoder import Options, geocode_places  # network code, loaded only when asked for

        summary = geocode_places(records, cache_path, Options.from_setting(_setting(self.settings, "GEOCODER")))
        logger.warning("%s", summary.line())

    def _edit_url(self) -> str:
        repo = self.settings.get("REPO_URL", "")
        if not repo:
            return ""
        branch = _setting(self.settings, "REPO_BRANCH")
        path = _setting(self.settings, "REPO_PLACES_PATH")
        return f"{repo.rstrip('/')}/blob/{branch}/{path}?plain=1#L{{line}}"

    def _documents(self) -> list[Document]:
        documents = []
        for kind, setting in (
            ("partenaire", "PARTNERS_PATH"),
            ("projet", "PROJECTS_PATH"),
            ("lieu", "PLACES_CONTENT_PATH"),
        ):
            folder = _setting(self.settings, setting)
            for relative in sorted(self.get_files(folder, extensions=self.readers.extensions)):
                try:
                    page = self.readers.read_file(
                        base_path=self.path, path=relative, content_class=Page, context=self.context
                    )
                except Exception as exc:  # a broken document must not stop the build
                    logger.error("%s: lecture impossible : %s", relative, exc)
                    continue
                metadata = page.metadata
                if kind != "lieu" and not metadata.get("title"):
                    logger.warning("%s:1: Title: titre manquant, page ignorée", display_path(page.source_path))
                    continue
                documents.append(
                    Document(
                        kind=kind,
                        slug=Path(relative).stem,
                        title=metadata.get("title", ""),
                        metadata=metadata,
                        content=page.content,
                        source_path=page.source_path,
                        # Pelican renders Summary as HTML: keep its text, the templates escape it.
                        summary=Markup(str(metadata.get("summary", ""))).striptags(),
                    )
                )
        return documents

    # --- output ----------------------------------------------------------------

    def generate_output(self, writer) -> None:  # noqa: ANN001 - Pelican's Writer
        site, settings = self.site, self.settings
        relative = settings.get("RELATIVE_URLS", False)
        common = {
            "site": site,
            "schema": self.schema,
            "region": self.region,
            "map_tiles": _setting(settings, "MAP_TILES"),
            "data_source": _setting(settings, "DATA_SOURCE"),
        }

        def write(save_as: str, template: str, url: str, **kwargs: Any) -> None:
            writer.write_file(
                save_as, self.get_template(template), self.context,
                relative_urls=relative, url=url, page_url=url, **common, **kwargs,
            )

        parts = build_map(site, self.region, _setting(settings, "MAP_TILES"), _setting(settings, "PLACE_URL"))
        write("index.html", "carte", "", page_name="index", carte=parts)
        write(_setting(settings, "DIRECTORY_SAVE_AS"), "lieux", _setting(settings, "DIRECTORY_URL"),
              page_name="lieux")
        for place in site.places:
            write(place.save_as, "lieu", place.url, place=place, page_name="lieu")
        write(_setting(settings, "PARTNERS_SAVE_AS"), "partenaires", _setting(settings, "PARTNERS_URL"),
              page_name="partenaires")
        for partner in site.partners:
            write(partner.save_as, "partenaire", partner.url, partner=partner, page_name="partenaire")
        write(_setting(settings, "PROJECTS_SAVE_AS"), "projets", _setting(settings, "PROJECTS_URL"),
              page_name="projets")
        for project in site.projects:
            write(project.save_as, "projet", project.url, project=project, page_name="projet")

        out = Path(self.output_path)
        source = _setting(settings, "DATA_SOURCE")
        (out / "lieux.csv").write_text(places_csv(site.places, self.schema), encoding="utf-8")
        (out / "lieux.geojson").write_text(places_geojson(site.places, self.schema, source), encoding="utf-8")
        (out / "sitemap.xml").write_text(self._sitemap(), encoding="utf-8")
        self._copy_vendor_assets(out)

    def _sitemap(self) -> str:
        siteurl = self.settings.get("SITEURL", "").rstrip("/")
        site = self.site
        urls = ["", _setting(self.settings, "DIRECTORY_URL"), _setting(self.settings, "PARTNERS_URL"),
                _setting(self.settings, "PROJECTS_URL")]
        urls += [p.url for p in self.context.get("pages", [])]
        urls += [p.url for p in site.places] + [p.url for p in site.partners] + [p.url for p in site.projects]
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        lines += [f"<url><loc>{xml_escape(f'{siteurl}/{url}')}</loc></url>" for url in urls]
        lines.append("</urlset>")
        return "\n".join(lines) + "\n"

    def _copy_vendor_assets(self, out: Path) -> None:
        static_dir = out / self.settings.get("THEME_STATIC_DIR", "theme")
        node_modules = Path(_setting(self.settings, "NODE_MODULES"))
        for target, (source, patterns) in sorted(_setting(self.settings, "VENDOR_ASSETS").items()):
            source = node_modules / source
            if not source.is_dir():
                raise PlacesDataError(
                    f"{source} manque : les bibliothèques JavaScript ne sont pas installées "
                    "(lancez « make build », qui exécute « npm ci »)"
                )
            for pattern in patterns:
                for file in sorted(source.glob(pattern)):
                    dest = static_dir / target / file.relative_to(source)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(file, dest)
