"""The search data of « trouver un lieu »: ``lieux-recherche.json``, fetched lazily by the browser.

The home page carries only what the map and the facets need (``mapview.MAP_FIELDS``);
everything a query may hit — address, postcode, operator, themes, services, département,
description… — is in this separate file, which the home page, the embedded map and the
directory fetch on the first focus of their search box (or when idle), and the « Rechercher »
page to find places (Pagefind indexes only the documents): the map never waits for it.
Columns are named once, in ``SEARCH_FIELDS``, and read by name in ``theme/static/js/find-core.js``.

Each place's ``nom`` (what names and situates it: matches there rank first) and ``texte``
(everything else) are already folded with ``core.text.fold``, whose JavaScript mirror
(``fold`` in find-core.js) folds the query and the description the same way; words, plurals
and the ordinals of arrondissements (« 11e », « 1er ») are normalised in the browser only,
by one function applied to both sides. ``synonyms`` maps folded phrases to the label of a
type or service (schema ``synonyms``, plus a few built-in ones for the types), so that
« impression 3d » finds the places offering « Prototypage et fabrication ». ``titre`` and
``situation`` are what the « Rechercher » page and the directory show of a place found (its
name, « Fablab · Montreuil »); ``type``, ``dep``, ``commune``, ``services`` and ``ferme`` are the
directory's facets.

The two pages written here: the embedded map (``carte/integrer/``: the home page's map and
data, minimal chrome) and the page that explains how to embed it (``integrer/``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..core.text import fold
from ..stages.site import Place, Site
from .context import Context
from .jsontext import rows_json

SEARCH_DATA = "lieux-recherche.json"
EMBED_URL = "carte/integrer/"
EMBED_SAVE_AS = "carte/integrer/index.html"
EMBED_HELP_URL = "integrer/"
EMBED_HELP_SAVE_AS = "integrer/index.html"
# The columns of a place's row, in order; find.js and directory.js read them by these names.
SEARCH_FIELDS = ("id", "nom", "texte", "description", "titre", "situation", "type", "dep", "commune", "services",
                 "ferme")
# Words that name a type of place without being its label (the schema may add its own ``synonyms``).
TYPE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "fablab": ("fab lab", "fab-lab", "makerspace", "hackerspace", "atelier de fabrication numérique"),
    "coworking": ("co-working", "espace de coworking", "bureau partagé", "bureaux partagés"),
    "tiers-lieu": ("tiers lieu", "third place", "lieu hybride"),
    "incubateur": ("incubation",),
    "accelerateur": ("accélération", "startup studio"),
    "pepiniere": ("pépinière", "hôtel d'entreprises"),
    "living-lab": ("laboratoire d'usages", "lab d'usage"),
    "campus": ("université", "grande école"),
}


def arrondissement_words(place: Place) -> str:
    """« Paris 11e arrondissement », « Paris 1er arrondissement », or ``""`` outside a city with arrondissements."""
    if not place.arrondissement or not place.commune:
        return ""
    number = place.arrondissement
    return f"{place.commune} {number}{'er' if number == 1 else 'e'} arrondissement"


def place_texts(place: Place, departements: dict[str, str]) -> tuple[str, str]:
    """What a query may hit, folded, in two parts: what names and situates the place (name, commune,
    arrondissement, postcode, type, département), ranked first, and the rest (address, operator,
    themes, services; the description travels apart, unfolded, for display)."""
    first = [place.nom, place.commune or "", arrondissement_words(place), place.code_postal or "", place.type_label]
    if place.departement:
        first += [place.departement, departements.get(place.departement, "")]
    rest = [place.adresse or "", place.structure or "", *place.thematiques, *place.service_labels]
    return fold(" ".join(p for p in first if p)), fold(" ".join(p for p in rest if p))


def situation(place: Place) -> str:
    """What a result shows under a place's name: « Fablab · Montreuil »."""
    return " · ".join(x for x in (place.type_label, place.commune) if x)


def synonyms(ctx: Context) -> list[list[str]]:
    """``[[folded phrase, folded label], …]``: each synonym of a type or a service, and each type's plural,
    leads to the label the places' text holds."""
    schema = ctx.reference.schema
    pairs: set[tuple[str, str]] = set()
    for field in ("type", "services"):
        for category in schema[field].categories:
            target = fold(category.label)
            words = set(category.synonyms) | set(TYPE_SYNONYMS.get(category.value, ()) if field == "type" else ())
            if category.plural and category.plural != category.label:
                words.add(category.plural)
            words.add(category.value.replace("-", " "))
            pairs.update((fold(w), target) for w in words if fold(w) and fold(w) != target)
    return [list(pair) for pair in sorted(pairs)]


def search_head(ctx: Context) -> dict[str, Any]:
    """Everything of the search data but its rows: the columns' names, the synonyms, the arrondissements."""
    site: Site = ctx.site
    return {
        "fields": list(SEARCH_FIELDS),
        "synonyms": synonyms(ctx),
        # Folded names of the communes whose places have an arrondissement: « paris 11 » means « Paris 11e ».
        "arrondissements": sorted({fold(p.commune) for p in site.places if p.arrondissement and p.commune}),
    }


def search_rows(ctx: Context) -> Iterator[list[Any]]:
    """One row per place, in ``SEARCH_FIELDS`` order."""
    departements = ctx.reference.region.departements
    for p in ctx.site.places:
        yield [p.id, *place_texts(p, departements), p.description or "", p.nom, situation(p), p.type,
               p.departement or "nr", p.commune or "", list(p.services), 1 if p.is_closed else 0]


def search_data(ctx: Context) -> dict[str, Any]:
    return {**search_head(ctx), "places": list(search_rows(ctx))}


def render(ctx: Context) -> bytes:
    return rows_json(search_head(ctx), "places", search_rows(ctx))


def embed_help(ctx: Context) -> dict[str, Any]:
    """What the « Intégrer la carte » page lists: the codes a partner may put in the embed's address."""
    site = ctx.site
    return {
        "embed_url": EMBED_URL,
        "embed_types": [g for g in site.types if g.mapped_count],
        "embed_departements": [(code or "nr", name, count) for code, name, count in site.departements if count],
        "embed_services": [(code, label, count) for code, label, count in site.services if count],
    }
