"""Pelican settings for development: ``invoke build`` / ``make build``."""

import os

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
STATIC_PATHS = []  # robots.txt is written by the plugin (plugins/lieux/outputs/robots.py)
# The search page (content/pages/recherche.md, Pagefind's UI), where the header's search box sends « q ».
SEARCH_URL = "recherche/"
for _name in ("AUTHOR", "AUTHORS", "CATEGORY", "CATEGORIES", "TAG", "TAGS", "ARCHIVES"):
    globals()[f"{_name}_SAVE_AS"] = ""
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = False
CACHE_CONTENT = False

# --- the "lieux" plugin (defaults in plugins/lieux/core/config.py) ------------
# PLACES_CSV, REGION (Île-de-France, INSEE code 11), MAP_TILES (OpenStreetMap) and the other
# settings of the plugin keep their defaults unless set here; relative paths are read from
# the folder the commands run in (the project's root).
# Where "Proposer une correction" sends readers; GitHub Actions sets GITHUB_REPOSITORY.
REPO_URL = "https://github.com/" + os.environ.get("GITHUB_REPOSITORY", "lieux-innovation-idf/carte")

# Every value is HTML-escaped in templates; markdown bodies are sanitised, then marked |safe there.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True}
