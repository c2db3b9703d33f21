"""``sitemap.xml``: every page of the site, absolute URLs when SITEURL is set (production)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .context import Context


def urls(ctx: Context) -> list[str]:
    site, u = ctx.site, ctx.config.urls
    listed = ["", u.directory, u.partners, u.projects, *ctx.page_urls]
    return listed + [p.url for p in site.places] + [p.url for p in site.partners] + [p.url for p in site.projects]


def render(ctx: Context) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(f'{ctx.config.siteurl}/{url}')}</loc></url>" for url in urls(ctx)]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
