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
# REGION (Île-de-France: bounds and départements), MAP_TILES (OpenStreetMap) and the other
# settings of the plugin keep their defaults from plugins/lieux/settings.py unless set here.
# Where "Proposer une correction" sends readers; GitHub Actions sets GITHUB_REPOSITORY.
REPO_URL = "https://github.com/" + os.environ.get("GITHUB_REPOSITORY", "lieux-innovation-idf/carte")
REPO_BRANCH = "main"
NODE_MODULES = str(ROOT / "node_modules")

# Every value is HTML-escaped in templates; markdown bodies are marked |safe there.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
