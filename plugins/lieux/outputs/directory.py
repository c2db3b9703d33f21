"""The directory: an index (``/lieux/``) and one page per type of place and département.

A single page listing every place grows without bound (16.5 MB at 50,000 places). The index
holds the search form, a table of types × départements whose cells link to the lists, and the
places found when a search or a filter is active (drawn in the browser from the search data,
``find.py``); each list holds the places of one type in one département, cut in pages of
``DIRECTORY_PAGE_SIZE`` (500) with numbered links. Every place is reachable without JavaScript:
index → list → place. A place page's breadcrumb leads to the list page that holds it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..core.config import Urls
from ..core.text import fold
from ..stages.site import Place, Site, TypeGroup

NO_DEPARTEMENT = "nr"  # the list of places whose département is not known


@dataclass
class ListPage:
    """One page of a list: the places of ``group`` in one département, ``number`` of ``count``."""

    group: TypeGroup
    dep_code: str
    dep_name: str
    number: int
    places: list[Place]
    url: str
    save_as: str
    siblings: list[ListPage] = field(default_factory=list)  # every page of the same list, this one included

    @property
    def title(self) -> str:
        where = f"{self.dep_code} · {self.dep_name}" if self.dep_code != NO_DEPARTEMENT else self.dep_name
        return f"{self.group.plural} — {where}"

    @property
    def total(self) -> int:
        return sum(len(p.places) for p in self.siblings)

    @property
    def first_rank(self) -> int:
        return sum(len(p.places) for p in self.siblings[:self.number - 1]) + 1

    @property
    def last_rank(self) -> int:
        return self.first_rank + len(self.places) - 1

    @property
    def map_query(self) -> str:
        """The same places on the map (closed ones included, as the list shows them): ``type=…&dep=…&fermes=1``."""
        return f"type={self.group.code}&dep={self.dep_code}&fermes=1"

    @property
    def communes(self) -> list[tuple[str, int]]:
        """The communes of this page's places, with how many each, in alphabetical order (for its filter)."""
        counts = Counter(p.commune for p in self.places if p.commune)
        return sorted(counts.items(), key=lambda item: (fold(item[0]), item[0]))


@dataclass(frozen=True)
class Cell:
    """A cell of the index's table: how many places of a type in a département, and where they are listed."""

    count: int
    url: str


def page_services(page: ListPage, site: Site) -> list[tuple[str, str, int]]:
    """The services offered on a list page: ``(code, label, how many of its places)``, in the schema's order."""
    counts = Counter(s for p in page.places for s in p.services)
    return [(code, label, counts[code]) for code, label, _ in site.services if counts[code]]


def _page_part(number: int) -> str:
    return "" if number == 1 else f"page/{number}/"


def _list(group: TypeGroup, code: str, name: str, members: list[Place], urls: Urls, size: int) -> list[ListPage]:
    dep = code or NO_DEPARTEMENT
    chunks = [members[i:i + size] for i in range(0, len(members), size)] or [[]]
    pages = [ListPage(group, dep, name, number, chunk,
                      urls.directory_page.format(type=group.code, dep=dep, page=_page_part(number)),
                      urls.directory_page_save_as.format(type=group.code, dep=dep, page=_page_part(number)))
             for number, chunk in enumerate(chunks, 1)]
    for page in pages:
        page.siblings = pages
    return pages


_made: dict[tuple[int, Urls, int], tuple[Site, tuple[ListPage, ...]]] = {}


def list_pages(site: Site, urls: Urls, size: int) -> tuple[ListPage, ...]:
    """Every page of every list, in the order of the index: by type, then département, then page
    (made once per site)."""
    key = (id(site), urls, size)
    if key not in _made or _made[key][0] is not site:
        _made.clear()
        _made[key] = (site, tuple(page for group in site.types if group.count
                                  for code, name, members in group.by_departement
                                  for page in _list(group, code, name, members, urls, size)))
    return _made[key][1]


def index_table(site: Site, urls: Urls, size: int) -> dict[str, Any]:
    """The index's table: a row per type, a column per département that has places, a link in each cell."""
    columns = [(code or NO_DEPARTEMENT, name) for code, name, count in site.departements if count]
    cells: dict[tuple[str, str], Cell] = {}
    for page in list_pages(site, urls, size):
        if page.number == 1:
            cells[(page.group.code, page.dep_code)] = Cell(page.total, page.url)
    rows = [(group, [cells.get((group.code, code)) for code, _ in columns]) for group in site.types if group.count]
    return {"columns": columns, "rows": rows}


_where: dict[int, tuple[tuple[ListPage, ...], dict[str, str]]] = {}


def page_of(site: Site, urls: Urls, size: int) -> dict[str, str]:
    """``{place id: URL of the list page that holds it}``, for the places' breadcrumbs (made once per site)."""
    pages = list_pages(site, urls, size)
    if id(pages) not in _where or _where[id(pages)][0] is not pages:
        _where.clear()
        _where[id(pages)] = (pages, {place.id: page.url for page in pages for place in page.places})
    return _where[id(pages)][1]
