"""What search engines and social networks read in a page's head: description, OpenGraph, JSON-LD.

Each content page receives one ``Meta``: its meta description (one line, cut on a word
boundary), its OpenGraph type and, for places and partners, its schema.org JSON-LD,
already escaped for a ``<script>`` element. ``base.html`` writes the tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..stages.site import Partner, Place, Project
from .context import Context
from .jsontext import json_for_script

DESCRIPTION_CHARS = 155
SPACES = re.compile(r"[ \t\r\n\f\v]+")
NBSP = "\u00a0"


@dataclass(frozen=True)
class Meta:
    """The head of one page: ``description`` (plain text), ``og_type``, ``jsonld`` (safe script text or "")."""

    description: str
    og_type: str = "website"
    jsonld: Markup | str = ""


def one_line(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """``text`` on one line, cut on a word boundary to ``limit`` characters; non-breaking spaces kept."""
    if "  " in text or not text.isprintable():  # a run of spaces, or a tab, a line break…: else nothing to collapse
        text = SPACES.sub(" ", text)
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.\u00a0") + "…"


def absolute_url(ctx: Context, url: str) -> str:
    """The page's absolute address when SITEURL is an absolute URL (production), else ""."""
    siteurl = ctx.config.siteurl
    return f"{siteurl}/{url}" if siteurl.startswith(("https://", "http://")) else ""


def plain(html: str) -> str:
    """The text of sanitised HTML, on one line."""
    return " ".join(Markup(html).striptags().split())


def describe(place: Place, region_name: str = "") -> str:
    """« Coworking à Montreuil. Un lieu… », from the place's own data, at most 155 characters."""
    where = f"à {place.commune}" if place.commune else (f"en {region_name}" if region_name else "")
    head = " ".join(x for x in (place.type_label, where) if x)
    if place.is_closed:
        head += " (fermé)"
    tail = place.description or (f"Adresse{NBSP}: {place.full_address}" if place.full_address else "")
    return one_line(f"{head}. {tail}" if tail else f"{head}.", DESCRIPTION_CHARS)


def place_jsonld(place: Place, url: str) -> dict[str, Any]:
    """schema.org ``Place``: name, address, coordinates, page and the place's own site."""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Place", "name": place.nom}
    if place.description:
        data["description"] = place.description
    address = {"streetAddress": place.adresse, "postalCode": place.code_postal, "addressLocality": place.commune}
    address = {k: v for k, v in address.items() if v}
    if address:
        data["address"] = {"@type": "PostalAddress", **address, "addressCountry": "FR"}
    if place.location:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": place.location.latitude,
                       "longitude": place.location.longitude}
    if url:
        data["url"] = url
    if place.site_web:
        data["sameAs"] = place.site_web
    return data


def partner_jsonld(partner: Partner, url: str, description: str) -> dict[str, Any]:
    """schema.org ``Organization``: name, its own site (or this page) and its summary."""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Organization", "name": partner.title}
    if partner.website or url:
        data["url"] = partner.website or url
    if partner.website and url:
        data["mainEntityOfPage"] = url
    if description:
        data["description"] = description
    return data


def place_meta(place: Place, ctx: Context) -> Meta:
    region_name = ctx.reference.region.name
    return Meta(describe(place, region_name), "website",
                json_for_script(place_jsonld(place, absolute_url(ctx, place.url))))


def partner_meta(partner: Partner, ctx: Context) -> Meta:
    summary = partner.summary or plain(partner.content)
    description = one_line(summary, DESCRIPTION_CHARS) if summary else (
        f"{partner.title}{NBSP}: partenaire des lieux d'innovation en {ctx.reference.region.name}")
    jsonld = partner_jsonld(partner, absolute_url(ctx, partner.url), summary)
    return Meta(description, "website", json_for_script(jsonld))


def project_meta(project: Project, ctx: Context) -> Meta:
    summary = project.summary or plain(project.content)
    description = one_line(summary, DESCRIPTION_CHARS) if summary else f"{project.title}{NBSP}: projet"
    return Meta(description, "article")
