"""Pelican settings for development: ``invoke build`` / ``make build``."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent

AUTHOR = "Contributeurs de la carte des lieux d'innovation"
SITENAME = "Lieux d'innovation en Île-de-France"
SITESUBTITLE = "Carte et annuaire des incubateurs, fablabs, coworkings et tiers-lieux franciliens"
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
THEME = "theme"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
LOCALE = ("fr_FR.UTF-8", "fr_FR.utf8", "C.UTF-8")

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["lieux"]

# No blog: the home page is the map, written by the "lieux" plugin.
ARTICLE_PATHS = []
DIRECT_TEMPLATES = []
PAGE_PATHS = ["pages"]
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
STATIC_PATHS = ["extra"]
EXTRA_PATH_METADATA = {"extra/robots.txt": {"path": "robots.txt"}}
for _name in ("AUTHOR", "AUTHORS", "CATEGORY", "CATEGORIES", "TAG", "TAGS", "ARCHIVES"):
    globals()[f"{_name}_SAVE_AS"] = ""
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = False
CACHE_CONTENT = False

# --- the "lieux" plugin (defaults in plugins/lieux/settings.py) ---------------
PLACES_CSV = str(ROOT / "data" / "places.csv")
PLACES_SCHEMA = str(ROOT / "data" / "places.schema.json")
GEOCODE_CACHE = str(ROOT / "data" / "geocache.csv")
REGION = {
    "name": "Île-de-France",
    "bounds": [[48.12, 1.44], [49.24, 3.56]],
    "departements": {
        "75": "Paris",
        "77": "Seine-et-Marne",
        "78": "Yvelines",
        "91": "Essonne",
        "92": "Hauts-de-Seine",
        "93": "Seine-Saint-Denis",
        "94": "Val-de-Marne",
        "95": "Val-d'Oise",
    },
}
# Where "Proposer une correction" sends readers; GitHub Actions sets GITHUB_REPOSITORY.
REPO_URL = "https://github.com/" + os.environ.get("GITHUB_REPOSITORY", "lieux-innovation-idf/carte")
REPO_BRANCH = "main"
MAP_TILES = {
    "name": "OpenStreetMap",
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": (
        '&copy; <a href="https://www.openstreetmap.org/copyright">'
        "les contributeurs d'OpenStreetMap</a>"
    ),
    "min_zoom": 7,
    "max_zoom": 19,
}
VENDOR_ASSETS = {
    "vendor/leaflet": (str(ROOT / "node_modules/leaflet/dist"), ["leaflet.js", "leaflet.css", "images/*.png"]),
    "vendor/leaflet.markercluster": (
        str(ROOT / "node_modules/leaflet.markercluster/dist"),
        ["leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"],
    ),
}

# Every value is HTML-escaped in templates; markdown bodies are marked |safe there.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
