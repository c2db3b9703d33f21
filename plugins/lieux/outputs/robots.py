"""``robots.txt``: everything may be crawled; the sitemap is named by its absolute URL in production.

The Sitemap line needs an absolute URL: without an absolute SITEURL (development builds),
the file says where the sitemap is relative to the site instead.
"""

from __future__ import annotations

from .context import Context


def render(ctx: Context, sitemap: str = "sitemap.xml") -> str:
    siteurl = ctx.config.siteurl
    lines = ["User-agent: *", "Allow: /", ""]
    if siteurl.startswith(("https://", "http://")):
        lines.append(f"Sitemap: {siteurl}/{sitemap}")
    else:
        lines.append(f"# Plan du site\u00a0: {sitemap}, nommé par son URL absolue dans la version publiée (SITEURL)")
    return "\n".join(lines) + "\n"
