"""Text helpers: the one normaliser (mirrored by ``fold`` in theme/static/js), slugs, French dates.

``fold`` is how every comparison of names, search and sorting ignores case and
accents: Python here, and the same function in JavaScript for the browser.
"""

from __future__ import annotations

import re
import unicodedata

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


COMBINING = re.compile("[\u0300-\u036f]")  # the marks NFKD splits off French letters; JavaScript uses the same


def fold(text: str) -> str:
    """Case- and accent-insensitive form, white space collapsed: « Écoles  » → « ecoles »."""
    if not text.isascii():
        text = COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.casefold().split())


def sort_key(text: str) -> str:
    """Sorting key, so « Écoles » sorts among the E."""
    return fold(text)


def slugify(text: str, limit: int = 60) -> str:
    """« Le Café Numérique ! » → ``le-cafe-numerique``."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:limit].strip("-")


def one_line(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def french_date(iso: str) -> str:
    """« 2019 » → « 2019 », « 2026-11 » → « novembre 2026 », « 2024-01-15 » → « 15 janvier 2024 »."""
    parts = iso.split("-")
    if len(parts) == 3:
        day = int(parts[2])
        return f"{'1er' if day == 1 else day} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return iso


def french_date_of(iso: str) -> str:
    """« du 15 janvier 2024 », « de novembre 2026 », « de 2019 »: a date after a noun."""
    if not iso:
        return ""
    return ("du " if iso.count("-") == 2 else "de ") + french_date(iso)
