"""What the place, partner and project templates show beyond the site's objects, computed once.

- dates in words (« 13 décembre 2017 »), the ISO date kept for ``<time datetime>``;
- a place's status only when its CSV cell says something (an empty cell means « actif »
  by default, which the page must not assert);
- the « Signaler une erreur ou une fermeture » link: the repository's issue form
  ``signaler-un-lieu.yml`` prefilled with the place's id and name;
- « Voir sur la carte »: the home page with ``?lieu=<id>``;
- the Pagefind filters of partner and project pages (``data-pagefind-filter``); places are found
  with the finder's own search data, not Pagefind (``outputs/find.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote_plus, urlencode

from ..core.text import french_date
from ..stages.site import Partner, Place, Project

ISSUE_FORM = "signaler-un-lieu.yml"
NEWS_FORM = "nouvelles-d-un-projet.yml"  # its field « projet » takes the project's slug
# Field ids of .github/ISSUE_TEMPLATE/signaler-un-lieu.yml that the link fills in.
ISSUE_FIELD_ID = "identifiant"
ISSUE_FIELD_NAME = "nom"
NBSP = "\u00a0"
URL_SAFE = re.compile(r"[A-Za-z0-9_.~-]*")  # what quote_plus leaves as it is (a place's id, most often)
PLUS_ENCODED = {byte: quote_plus(bytes([byte])) for byte in range(256)}  # urllib's own encoding of each byte


@dataclass(frozen=True)
class Dated:
    """A date as ISO (for ``datetime``) and in words, with its text."""

    iso: str
    words: str
    text: str = ""


@dataclass(frozen=True)
class PlaceDetails:
    status: str  # the status label, or "" when the CSV cell is empty
    opening: Dated | None
    report_url: str  # the repository's prefilled issue form, or "" without REPO_URL
    map_query: str  # appended to the home page's URL: "?lieu=<id>", or "" for an unmapped place


@dataclass(frozen=True)
class ProjectDetails:
    milestones: list[Dated]
    last: Dated | None
    filters: list[str]
    news_url: str = ""  # the repository's « Donner des nouvelles » form, prefilled
    help_query: str = ""  # the help page's query for the project's needs: "?besoin=…&besoin=…"


def pagefind_filters(**filters: str) -> list[str]:
    """One ``data-pagefind-filter`` value per filter, « Name:value » (an element holds one filter)."""
    return [f"{name.replace('_', ' ')}:{value}" for name, value in filters.items() if value]


def issue_url(repo_url: str, form: str, title: str, **fields: str) -> str:
    """A repository's issue form prefilled with ``fields``, every value percent-encoded ("" without REPO_URL)."""
    if not repo_url:
        return ""
    return f"{repo_url.rstrip('/')}/issues/new?{query_string({'template': form, 'title': title, **fields})}"


def query_string(fields: dict[str, str]) -> str:
    """``urlencode(fields)`` for text values, without its checks of every value's type (one call per page)."""
    return "&".join(f"{plus_encoded(name)}={plus_encoded(value)}" for name, value in fields.items())


def plus_encoded(text: str) -> str:
    """``quote_plus(text)``: urllib's encoding of each byte of its UTF-8, applied in one pass of ``translate``."""
    return text.encode("utf-8").decode("latin-1").translate(PLUS_ENCODED)


REPORT_TITLE = f"Lieu{NBSP}: "
REPORT_FIELDS = f"&{quote_plus(ISSUE_FIELD_ID)}={{id}}&{quote_plus(ISSUE_FIELD_NAME)}={{name}}"


def report_url(place: Place, repo_url: str) -> str:
    """The issue form of ``repo_url`` prefilled with the place, every value percent-encoded: what ``issue_url``
    gives, with the form's part encoded once for all places and the name once for both fields."""
    if not repo_url:
        return ""
    name = plus_encoded(place.nom)
    return _report_form(repo_url) + name + REPORT_FIELDS.format(id=quoted(place.id), name=name)


def quoted(text: str) -> str:
    """``quote_plus(text)``, without encoding it when there is nothing to encode."""
    return text if URL_SAFE.fullmatch(text) else plus_encoded(text)


@lru_cache
def _report_form(repo_url: str) -> str:
    """The issue form's address up to the title's place name."""
    return issue_url(repo_url, ISSUE_FORM, REPORT_TITLE)


def place_details(place: Place, repo_url: str = "") -> PlaceDetails:
    raw_status = place.record.cell("statut").strip()
    opening = place.date_ouverture
    return PlaceDetails(
        status=place.status_label if raw_status else "",
        opening=Dated(opening, french_date(opening)) if opening else None,
        report_url=report_url(place, repo_url),
        map_query=f"?lieu={quoted(place.id)}" if place.location else "",
    )


def partner_filters(partner: Partner) -> list[str]:
    return pagefind_filters(Rubrique="Partenaires", Nature_du_partenaire=partner.kind_label)


def project_details(project: Project, repo_url: str = "") -> ProjectDetails:
    milestones = [Dated(m.date, french_date(m.date), m.text) for m in project.milestones]
    return ProjectDetails(milestones, milestones[-1] if milestones else None,
                          pagefind_filters(Rubrique="Projets", Statut_du_projet=project.status_label),
                          issue_url(repo_url, NEWS_FORM, f"Nouvelles{NBSP}: {project.title}", projet=project.slug),
                          "?" + urlencode([("besoin", code) for code in project.needs]) if project.needs else "")
