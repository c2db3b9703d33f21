"""The plugin's settings: every default written once, checked once, read into one frozen ``Config``.

``pelicanconf.py`` (or any settings file given to invoke with ``--settings``) may
override each setting below. The build reads them from Pelican's settings; the invoke
tasks from the same file, through ``read_settings_file``. Stages never read settings:
they receive the values they need from ``Config``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .geo import Bounds
from .problems import Problem

DEFAULTS: dict[str, Any] = {
    "PLACES_CSV": "data/places.csv",
    "PLACES_SCHEMA": "data/places.schema.json",
    "DOCUMENTS_SCHEMA": "data/documents.schema.json",
    "GEOCODE_CACHE": "data/geocache.csv",
    "GEOCODE_REVIEW": "geocode-review.csv",
    # The build never calls a geocoder unless GEOCODE_ON_BUILD is True (invoke geocode fills the cache).
    "GEOCODE_ON_BUILD": False,
    "GEOCODER": {
        "provider": "ban",  # BAN first, Nominatim as fallback; or "nominatim"
        # The BAN moved from api-adresse.data.gouv.fr (closed January 2026) to the IGN Géoplateforme.
        "ban_url": "https://data.geopf.fr/geocodage",
        "nominatim_url": "https://nominatim.openstreetmap.org",
        "user_agent": "lieux-innovation-idf/1.0 (carte des lieux d'innovation d'Île-de-France)",
        "min_score": 0.6,
        "timeout": 10.0,  # seconds per request
        "retries": 3,
        "deadline": 600.0,  # seconds for a whole run
    },
    # An INSEE region code ("11"), a list of codes, or {"code": …, "name": …, "bounds": [[s, w], [n, e]]}.
    # Départements, communes and postcodes come from @etalab/decoupage-administratif.
    "REGION": {"code": "11", "bounds": [[48.12, 1.44], [49.24, 3.56]]},
    # "Proposer une correction" links to the place's line of the CSV on the repository.
    "REPO_URL": "",
    "REPO_BRANCH": "main",
    # Markdown folders, relative to PATH (content/).
    "PARTNERS_PATH": "partenaires",
    "PROJECTS_PATH": "projets",
    "PLACES_CONTENT_PATH": "lieux",
    "EVENTS_PATH": "evenements",
    "DIRECTORY_URL": "lieux/",
    "DIRECTORY_SAVE_AS": "lieux/index.html",
    # One page of the directory per type of place and département, cut in pages of DIRECTORY_PAGE_SIZE
    # places: {page} is "" for the first page and "page/2/" for the others.
    "DIRECTORY_PAGE_URL": "annuaire/{type}/{dep}/{page}",
    "DIRECTORY_PAGE_SAVE_AS": "annuaire/{type}/{dep}/{page}index.html",
    "DIRECTORY_PAGE_SIZE": 500,
    "PLACE_URL": "lieux/{id}/",
    "PLACE_SAVE_AS": "lieux/{id}/index.html",
    "PARTNERS_URL": "partenaires/",
    "PARTNERS_SAVE_AS": "partenaires/index.html",
    "PARTNER_URL": "partenaires/{slug}/",
    "PARTNER_SAVE_AS": "partenaires/{slug}/index.html",
    "PROJECTS_URL": "projets/",
    "PROJECTS_SAVE_AS": "projets/index.html",
    "PROJECT_URL": "projets/{slug}/",
    "PROJECT_SAVE_AS": "projets/{slug}/index.html",
    "EVENTS_URL": "evenements/",
    "EVENTS_SAVE_AS": "evenements/index.html",
    "EVENT_URL": "evenements/{slug}/",
    "EVENT_SAVE_AS": "evenements/{slug}/index.html",
    "JOURNAL_URL": "suivi/",
    "JOURNAL_SAVE_AS": "suivi/index.html",
    "HELP_URL": "aide/",
    "HELP_SAVE_AS": "aide/index.html",
    # Follow-up of projects: « sans nouvelles » past this many days since the last milestone.
    # "Today" is TODAY (AAAA-MM-JJ) if set, else SOURCE_DATE_EPOCH (reproducible builds), else the clock.
    "FOLLOW_UP_STALE_DAYS": 730,
    "TODAY": None,
    # Who can help a project: how many places and partners its page lists.
    "HELPERS_PER_PROJECT": 8,
    # The site-wide search index (Pagefind, from npm), written after every build.
    "SEARCH_INDEX": True,
    # Compiled templates kept between builds (Jinja's bytecode cache); "" to compile them at every build.
    "TEMPLATE_CACHE": "cache/templates",
    # The only resource the pages load from outside the site: the map tiles.
    "MAP_TILES": {
        "name": "OpenStreetMap",
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attribution": (
            '&copy; <a href="https://www.openstreetmap.org/copyright">les contributeurs d\'OpenStreetMap</a>'
        ),
        "min_zoom": 7,
        "max_zoom": 19,
    },
    "DATA_SOURCE": {
        "credit": "CGET / ANCT — base Mission Coworking 2019, Licence Ouverte 2.0",
        "licence": "Licence Ouverte 2.0",
        "licence_url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "source_url": "https://github.com/anct-carto/mission_coworking",
    },
    # JavaScript and CSS installed by npm (package.json), copied under THEME_STATIC_DIR:
    # {target folder: (folder inside NODE_MODULES, [files])}.
    "NODE_MODULES": "node_modules",
    "VENDOR_ASSETS": {
        "vendor/leaflet": ("leaflet/dist", ["leaflet.js", "leaflet.css", "images/*.png"]),
        "vendor/supercluster": ("supercluster/dist", ["supercluster.min.js"]),
        "vendor/leaflet-gesture-handling": (
            "leaflet-gesture-handling/dist", ["leaflet-gesture-handling.min.js", "leaflet-gesture-handling.min.css"],
        ),
    },
}


class ConfigError(ValueError):
    """A setting is missing or wrong: ``problems`` say which, in French."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class GeocoderSettings:
    provider: str
    ban_url: str
    nominatim_url: str
    user_agent: str
    min_score: float
    timeout: float
    retries: int
    deadline: float


@dataclass(frozen=True)
class RegionSettings:
    """Which regions the site covers (INSEE codes), an optional display name and an optional bounding box."""

    codes: tuple[str, ...]
    name: str = ""
    bounds: Bounds | None = None


@dataclass(frozen=True)
class Urls:
    """Where the pages go: URL and file of each kind of page."""

    directory: str
    directory_save_as: str
    directory_page: str
    directory_page_save_as: str
    place: str
    place_save_as: str
    partners: str
    partners_save_as: str
    partner: str
    partner_save_as: str
    projects: str
    projects_save_as: str
    project: str
    project_save_as: str
    events: str
    events_save_as: str
    event: str
    event_save_as: str
    journal: str
    journal_save_as: str
    help: str
    help_save_as: str


@dataclass(frozen=True)
class MapTiles:
    name: str
    url: str
    attribution: str
    min_zoom: int
    max_zoom: int


@dataclass(frozen=True)
class Config:
    """Every setting the plugin uses, checked, with its default applied."""

    places_csv: Path
    places_schema: Path
    documents_schema: Path
    geocode_cache: Path
    geocode_review: Path
    geocode_on_build: bool
    geocoder: GeocoderSettings
    region: RegionSettings
    content_path: Path
    document_folders: tuple[tuple[str, str], ...]  # (kind, folder under content_path)
    urls: Urls
    edit_url: str  # e.g. https://github.com/o/r/blob/main/data/places.csv?plain=1#L{line}, or ""
    map_tiles: MapTiles
    data_source: Mapping[str, str]
    node_modules: Path
    vendor_assets: tuple[tuple[str, str, tuple[str, ...]], ...]
    siteurl: str
    relative_urls: bool
    today: date
    stale_days: int
    helpers_per_project: int
    directory_page_size: int
    repo_url: str
    search_index: bool
    template_cache: Path | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], where: str = "réglages") -> Config:
        """Check ``settings`` (defaults filled in) and build the Config; ConfigError lists every problem."""
        reader = _Reader(settings, where)
        config = reader.config()
        if reader.problems:
            raise ConfigError(reader.problems)
        return config


class _Reader:
    """Reads each setting once, recording a located problem instead of raising on the first."""

    def __init__(self, settings: Mapping[str, Any], where: str) -> None:
        self.settings = settings
        self.where = where
        self.problems: list[Problem] = []

    def get(self, name: str) -> Any:
        return self.settings.get(name, DEFAULTS.get(name))

    def fail(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.where, _line_of_setting(self.where, name), name, message))

    def text(self, name: str) -> str:
        value = self.get(name)
        if not isinstance(value, str):
            self.fail(name, f"une chaîne de caractères est attendue, pas {value!r}")
            return str(DEFAULTS.get(name, ""))
        return value

    def path(self, name: str, must_exist: bool = False) -> Path:
        value = Path(self.text(name))
        if must_exist and not value.exists():
            self.fail(name, f"le fichier {value} n'existe pas")
        return value

    def optional_path(self, name: str) -> Path | None:
        """A path, or None when the setting is empty or None."""
        return None if self.get(name) in (None, "") else Path(self.text(name))

    def number(self, name: str, table: Mapping[str, Any], key: str, kind: type, minimum: float) -> Any:
        value = table.get(key, DEFAULTS[name][key])
        try:
            number = kind(value)
        except (TypeError, ValueError):
            number = None
        if number is None or isinstance(value, bool) or number < minimum or number != number:
            self.fail(name, f"« {key} » doit être un nombre supérieur ou égal à {minimum:g}, pas {value!r}")
            return kind(DEFAULTS[name][key])
        return number

    def table(self, name: str) -> dict[str, Any]:
        value = self.get(name)
        if not isinstance(value, Mapping):
            self.fail(name, f"un dictionnaire est attendu, pas {type(value).__name__}")
            return dict(DEFAULTS[name])
        unknown = sorted(set(value) - set(DEFAULTS[name])) if name in ("GEOCODER", "MAP_TILES") else []
        if unknown:
            self.fail(name, f"clé(s) inconnue(s) : {', '.join(unknown)} ; clés possibles : {', '.join(DEFAULTS[name])}")
        return {**DEFAULTS[name], **value}

    def geocoder(self) -> GeocoderSettings:
        table = self.table("GEOCODER")
        if table["provider"] not in ("ban", "nominatim"):
            self.fail("GEOCODER", f"« provider » vaut « ban » ou « nominatim », pas {table['provider']!r}")
            table["provider"] = DEFAULTS["GEOCODER"]["provider"]
        return GeocoderSettings(
            provider=table["provider"],
            ban_url=str(table["ban_url"]),
            nominatim_url=str(table["nominatim_url"]),
            user_agent=str(table["user_agent"]),
            min_score=self.number("GEOCODER", table, "min_score", float, 0),
            timeout=self.number("GEOCODER", table, "timeout", float, 0.001),
            retries=self.number("GEOCODER", table, "retries", int, 0),
            deadline=self.number("GEOCODER", table, "deadline", float, 0.001),
        )

    def region(self) -> RegionSettings:
        value = self.get("REGION")
        if isinstance(value, str | int):
            value = {"code": str(value)}
        elif isinstance(value, list | tuple):
            value = {"codes": list(value)}
        if not isinstance(value, Mapping):
            self.fail("REGION", "un code de région INSEE (« 11 »), une liste de codes, ou un dictionnaire est attendu")
            return RegionSettings(("11",))
        if "departements" in value:
            self.fail("REGION", "« departements » n'est plus un réglage : donnez le code INSEE de la région "
                                "(« code »: « 11 »), ses départements en sont déduits")
        unknown = sorted(set(value) - {"code", "codes", "name", "bounds", "departements"})
        if unknown:
            self.fail("REGION", f"clé(s) inconnue(s) : {', '.join(unknown)} ; "
                                "clés possibles : code, codes, name, bounds")
        codes = value.get("codes", [value["code"]] if "code" in value else [])
        codes = tuple(str(c) for c in codes) if isinstance(codes, list | tuple) else ()
        if not codes or not all(re.fullmatch(r"\d{2}", c) for c in codes):
            self.fail("REGION", f"code(s) de région INSEE à deux chiffres attendu(s) (« 11 » pour l'Île-de-France), "
                                f"pas {value.get('codes', value.get('code'))!r}")
            codes = ("11",)
        return RegionSettings(codes, str(value.get("name", "")), self.bounds(value.get("bounds")))

    def bounds(self, value: Any) -> Bounds | None:
        if value is None:
            return None
        try:
            (south, west), (north, east) = value
            bounds = Bounds(float(south), float(west), float(north), float(east))
        except (TypeError, ValueError):
            self.fail("REGION", f"« bounds » s'écrit [[sud, ouest], [nord, est]] en degrés, pas {value!r}")
            return None
        if not (-90 <= bounds.south < bounds.north <= 90 and -180 <= bounds.west < bounds.east <= 180):
            self.fail("REGION", "« bounds » : le sud doit être au sud du nord et l'ouest à l'ouest de l'est "
                                f"({value!r})")
            return None
        return bounds

    def urls(self) -> Urls:
        values = {name: self.text(_url_setting(name)) for name in Urls.__dataclass_fields__}
        for name, key in (("place", "{id}"), ("place_save_as", "{id}"), ("partner", "{slug}"),
                          ("partner_save_as", "{slug}"), ("project", "{slug}"), ("project_save_as", "{slug}"),
                          *((page, key) for page in ("directory_page", "directory_page_save_as")
                            for key in ("{type}", "{dep}", "{page}"))):
            if key not in values[name]:
                self.fail(_url_setting(name), f"le modèle doit contenir {key}")
        return Urls(**values)

    def edit_url(self, places_csv: Path) -> str:
        repo = self.text("REPO_URL").rstrip("/")
        if not repo:
            return ""
        root = next((p for p in places_csv.resolve().parents if (p / ".git").exists()), None)
        if root is None:
            return ""  # a file outside any repository: no line to point to
        relative = places_csv.resolve().relative_to(root).as_posix()
        return f"{repo}/blob/{self.text('REPO_BRANCH')}/{relative}?plain=1#L{{line}}"

    def map_tiles(self) -> MapTiles:
        table = self.table("MAP_TILES")
        return MapTiles(str(table["name"]), str(table["url"]), str(table["attribution"]),
                        self.number("MAP_TILES", table, "min_zoom", int, 0),
                        self.number("MAP_TILES", table, "max_zoom", int, 1))

    def vendor_assets(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        value = self.get("VENDOR_ASSETS")
        try:
            return tuple((str(t), str(s), tuple(str(p) for p in pats)) for t, (s, pats) in sorted(value.items()))
        except (AttributeError, TypeError, ValueError):
            self.fail("VENDOR_ASSETS", "{dossier cible: (dossier dans NODE_MODULES, [fichiers])} attendu")
            return ()

    def config(self) -> Config:
        places_csv = self.path("PLACES_CSV")
        content_path = Path(str(self.settings.get("PATH", "content")))
        folders = tuple((kind, self.text(name)) for kind, name in
                        (("partenaire", "PARTNERS_PATH"), ("projet", "PROJECTS_PATH"), ("lieu", "PLACES_CONTENT_PATH"),
                         ("evenement", "EVENTS_PATH")))
        return Config(
            places_csv=places_csv,
            places_schema=self.path("PLACES_SCHEMA", must_exist=True),
            documents_schema=self.path("DOCUMENTS_SCHEMA", must_exist=True),
            geocode_cache=self.path("GEOCODE_CACHE"),
            geocode_review=self.path("GEOCODE_REVIEW"),
            geocode_on_build=bool(self.get("GEOCODE_ON_BUILD")),
            geocoder=self.geocoder(),
            region=self.region(),
            content_path=content_path,
            document_folders=folders,
            urls=self.urls(),
            edit_url=self.edit_url(places_csv),
            map_tiles=self.map_tiles(),
            data_source=dict(self.table("DATA_SOURCE")),
            node_modules=self.path("NODE_MODULES"),
            vendor_assets=self.vendor_assets(),
            siteurl=str(self.settings.get("SITEURL", "") or "").rstrip("/"),
            relative_urls=bool(self.settings.get("RELATIVE_URLS", False)),
            today=self.today(),
            stale_days=self.integer("FOLLOW_UP_STALE_DAYS", 1),
            helpers_per_project=self.integer("HELPERS_PER_PROJECT", 1),
            directory_page_size=self.integer("DIRECTORY_PAGE_SIZE", 1),
            repo_url=self.text("REPO_URL").rstrip("/"),
            search_index=bool(self.get("SEARCH_INDEX")),
            template_cache=self.optional_path("TEMPLATE_CACHE"),
        )

    def integer(self, name: str, minimum: int) -> int:
        value = self.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(name, f"un nombre entier supérieur ou égal à {minimum} est attendu, pas {value!r}")
            return DEFAULTS[name]
        return value

    def today(self) -> date:
        """TODAY, else SOURCE_DATE_EPOCH (reproducible builds), else the clock."""
        value, epoch = self.get("TODAY"), os.environ.get("SOURCE_DATE_EPOCH", "")
        if value:
            try:
                return date.fromisoformat(str(value))
            except ValueError:
                self.fail("TODAY", f"une date AAAA-MM-JJ est attendue, pas {value!r}")
        if epoch:
            try:
                return datetime.fromtimestamp(int(epoch), tz=UTC).date()
            except (ValueError, OverflowError):
                self.fail("SOURCE_DATE_EPOCH", f"un nombre de secondes depuis 1970 est attendu, pas {epoch!r}")
        return date.today()


def _url_setting(field_name: str) -> str:
    return field_name.upper() if field_name.endswith("save_as") else f"{field_name.upper()}_URL"


def _line_of_setting(where: str, name: str) -> int:
    """The line where ``name`` is assigned in the settings file ``where`` (0 when not found)."""
    try:
        lines = Path(where).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    pattern = re.compile(rf"^{re.escape(name)}\s*(\[.*\])?\s*[+]?=")
    return next((number for number, line in enumerate(lines, 1) if pattern.match(line)), 0)


def apply_defaults(settings: dict[str, Any]) -> None:
    """Fill Pelican's settings with our defaults (templates read the URL settings), escape every
    template, and keep the partner, project and place markdown out of Pelican's own pages."""
    for name, value in DEFAULTS.items():
        settings.setdefault(name, value)
    settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True}
    folders = [settings[name] for name in ("PARTNERS_PATH", "PROJECTS_PATH", "PLACES_CONTENT_PATH", "EVENTS_PATH")]
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES"):
        excluded = list(settings.get(key, []))
        settings[key] = excluded + [f for f in folders if f not in excluded]


class SettingsFileError(ValueError):
    """A settings file cannot be read: the message says why, with its file and line."""


def read_settings_file(path: str | Path) -> dict[str, Any]:
    """The upper-case names of a Pelican settings file, read as Pelican reads it (without importing Pelican).

    Relative PATH and OUTPUT_PATH are taken from the file's folder, as Pelican does.
    """
    path = Path(path)
    if not path.is_file():
        raise SettingsFileError(f"{path}:0: fichier de réglages introuvable")
    spec = importlib.util.spec_from_file_location(f"_settings_{abs(hash(str(path.resolve())))}", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.resolve().parent))
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # the file is a program: any error in it is the user's to fix
        line = getattr(exc, "lineno", 0) or _traceback_line(exc, path)
        raise SettingsFileError(f"{path}:{line}: réglages illisibles : {exc.__class__.__name__}: {exc}") from None
    finally:
        sys.path.remove(str(path.resolve().parent))
    settings = {name: getattr(module, name) for name in dir(module) if name.isupper()}
    for name in ("PATH", "OUTPUT_PATH"):
        if name in settings and not Path(settings[name]).is_absolute():
            settings[name] = str((path.resolve().parent / settings[name]).resolve())
    return settings


def _traceback_line(exc: BaseException, path: Path) -> int:
    tb, line = exc.__traceback__, 0
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).resolve() == path.resolve():
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
