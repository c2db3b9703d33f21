"""``sitemap.xml``: every page of the site, absolute URLs when SITEURL is set (production)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .context import Context


def urls(ctx: Context) -> list[str]:
    """Every page the plugin writes (the one list in outputs.pages), then Pelican's own pages."""
    from . import pages

    return [page.url for page in pages(ctx) if page.listed] + list(ctx.page_urls)


def render(ctx: Context) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(f'{ctx.config.siteurl}/{url}')}</loc></url>" for url in urls(ctx)]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
