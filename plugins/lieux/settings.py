"""Default values of the plugin's settings; ``pelicanconf.py`` may override each one."""

PLACES_CSV = "data/places.csv"
PLACES_SCHEMA = "data/places.schema.json"
GEOCODE_CACHE = "data/geocache.csv"

REGION = {
    "name": "Île-de-France",
    # [[south, west], [north, east]], WGS84
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

# Geocoding (invoke geocode). The build never calls a geocoder unless GEOCODE_ON_BUILD is True.
GEOCODE_ON_BUILD = False
GEOCODER = {
    "provider": "ban",  # BAN first, Nominatim as fallback; or "nominatim"
    # The BAN moved from api-adresse.data.gouv.fr (closed January 2026) to the IGN Géoplateforme.
    "ban_url": "https://data.geopf.fr/geocodage",
    "nominatim_url": "https://nominatim.openstreetmap.org",
    "user_agent": "lieux-innovation-idf/1.0 (carte des lieux d'innovation d'Île-de-France)",
    "min_score": 0.6,
    "timeout": 10,
    "retries": 3,
}
GEOCODE_REVIEW = "geocode-review.csv"

# "Proposer une correction" links to the place's line of the CSV on the repository.
REPO_URL = ""
REPO_BRANCH = "main"
REPO_PLACES_PATH = "data/places.csv"

# Markdown folders, relative to PATH (content/).
PARTNERS_PATH = "partenaires"
PROJECTS_PATH = "projets"
PLACES_CONTENT_PATH = "lieux"

DIRECTORY_URL = "lieux/"
DIRECTORY_SAVE_AS = "lieux/index.html"
PLACE_URL = "lieux/{id}/"
PLACE_SAVE_AS = "lieux/{id}/index.html"
PARTNERS_URL = "partenaires/"
PARTNERS_SAVE_AS = "partenaires/index.html"
PARTNER_URL = "partenaires/{slug}/"
PARTNER_SAVE_AS = "partenaires/{slug}/index.html"
PROJECTS_URL = "projets/"
PROJECTS_SAVE_AS = "projets/index.html"
PROJECT_URL = "projets/{slug}/"
PROJECT_SAVE_AS = "projets/{slug}/index.html"

# The only resource the pages load from outside the site: the map tiles.
MAP_TILES = {
    "name": "OpenStreetMap",
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": (
        '&copy; <a href="https://www.openstreetmap.org/copyright">'
        "les contributeurs d'OpenStreetMap</a>"
    ),
    "subdomains": "abc",
    "min_zoom": 7,
    "max_zoom": 19,
}

DATA_SOURCE = {
    "credit": "CGET / ANCT — base Mission Coworking 2019, Licence Ouverte 2.0",
    "licence": "Licence Ouverte 2.0",
    "licence_url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "source_url": "https://github.com/anct-carto/mission_coworking",
}

# JavaScript and CSS installed by npm (package.json), copied under THEME_STATIC_DIR:
# {target folder: (folder inside NODE_MODULES, [files])}.
NODE_MODULES = "node_modules"
VENDOR_ASSETS = {
    "vendor/leaflet": ("leaflet/dist", ["leaflet.js", "leaflet.css", "images/*.png"]),
    "vendor/leaflet.markercluster": (
        "leaflet.markercluster/dist",
        ["leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"],
    ),
}

def get(settings: dict, name: str):  # noqa: ANN201 - any setting's value
    """The value of setting ``name``: from ``settings`` if set there, else the default above."""
    return settings.get(name, globals()[name])
