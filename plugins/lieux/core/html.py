"""Markdown bodies to safe HTML: Python-Markdown, then the nh3 allow-list sanitizer.

Contributors' markdown comes from pull requests a busy reviewer skims: whatever its
HTML, only the tags, attributes and URL schemes listed here reach a page.
"""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"}, "abbr": {"title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
MARKDOWN_EXTENSIONS = ("extra", "sane_lists")


def sanitize(html: str) -> str:
    """``html`` with every tag, attribute and URL scheme outside the allow-list removed."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), link_rel="noopener nofollow")


def render_markdown(text: str) -> str:
    """A contributor's markdown as safe HTML."""
    return sanitize(markdown.markdown(text, extensions=list(MARKDOWN_EXTENSIONS), output_format="html"))
