"""The floors ``invoke bench`` prints beside its figures: what this machine does at best, measured now.

- ``page_us``: a small Jinja page (a head, five links, ten values) rendered with autoescaping and
  written into a folder of its own, as every place page is (µs per page);
- ``parse_us``: the ``csv`` module reading the places file, nothing checked (µs per row);
- ``names_gzip``: a bare list of names and communes, gzipped (bytes per place): the least a map
  that names its places could send;
- ``startup_s``: starting the tasks and loading Pelican, paid by every command.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from jinja2 import Environment

PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{{ nom }} · {{ site }}</title>
<meta name="description" content="{{ description }}"><link rel="stylesheet" href="{{ base }}/site.css"></head>
<body><header><a href="{{ base }}/">{{ site }}</a><nav><ul>{% for url, label in nav %}
<li><a href="{{ base }}/{{ url }}">{{ label }}</a></li>{% endfor %}</ul></nav></header>
<main><h1>{{ nom }}</h1><p>{{ type }} · {{ commune }}</p><p>{{ adresse }}, {{ code_postal }} {{ commune }}</p>
<p>{{ description }}</p><a href="{{ site_web }}">{{ site_web }}</a></main></body></html>"""
NAV = [("lieux/", "Annuaire"), ("partenaires/", "Partenaires"), ("projets/", "Projets"),
       ("evenements/", "Événements"), ("aide/", "Trouver de l'aide")]


def page_floor(rows: list[dict[str, str]], work: Path, count: int = 2000) -> float:
    """µs to render and write one small page, over ``count`` pages, in a new folder under ``work`` (left there:
    the benchmark removes its folder at its end)."""
    template = Environment(autoescape=True).from_string(PAGE)
    rows = (rows * (count // max(1, len(rows)) + 1))[:count]
    tmp = tempfile.mkdtemp(prefix="bench-floor-", dir=work)
    start = time.perf_counter()
    for number, row in enumerate(rows):
        folder = os.path.join(tmp, str(number))
        os.mkdir(folder)
        with open(os.path.join(folder, "index.html"), "w", encoding="utf-8") as file:
            file.write(template.render(row, site="Lieux", base="../..", nav=NAV))
    return (time.perf_counter() - start) / count * 1e6


def parse_floor(path: Path) -> float:
    """µs per row to read the CSV with the ``csv`` module."""
    text = path.read_text(encoding="utf-8")
    start = time.perf_counter()
    count = sum(1 for _ in csv.reader(io.StringIO(text))) - 1
    return (time.perf_counter() - start) / max(1, count) * 1e6


def names_floor(rows: list[dict[str, str]]) -> float:
    data = "\n".join(f"{row['nom']}\t{row['commune']}" for row in rows).encode("utf-8")
    return len(gzip.compress(data, 9)) / max(1, len(rows))


def floors(path: Path, rows: list[dict[str, str]], startup_s: float, work: Path) -> dict[str, Any]:
    return {"page_us": page_floor(rows, work), "parse_us": parse_floor(path), "names_gzip": names_floor(rows),
            "startup_s": startup_s}
