"""What every output receives: the site, the reference data and the configuration."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.config import Config
from ..pipeline import Reference
from ..stages.site import Site


@dataclass(frozen=True)
class Context:
    site: Site
    reference: Reference
    config: Config
    page_urls: tuple[str, ...] = field(default=())  # Pelican's own pages (À propos…), for the sitemap
    map: Any = None  # the home map, when rendered ahead (``mapahead.MapParts``)
    clusters: Any = None  # Node, when started ahead for the map's first clusters (``mapdata.ClusterNode``)
