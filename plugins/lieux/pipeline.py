"""The stages chained: configuration in, one checked ``Site`` and every located problem out.

Used by the Pelican generator and by ``invoke validate`` alike, so both see exactly
the same problems. Reading the inputs happens here; the stages only transform.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .core.config import Config
from .core.geocache import CacheEntry, read_cache
from .core.problems import Problem, display_path, errors
from .core.region import Region
from .core.schema import DocumentSchema, Schema, SchemaError, load_document_schema, load_schema
from .core.territory import TerritoryError
from .stages.documents import Document, read_documents
from .stages.link import known, unknown_references
from .stages.load import LoadResult, load_places
from .stages.locate import cache_problems, far_from_cache
from .stages.region import check_places

if TYPE_CHECKING:  # building the Site is the build's: invoke validate imports none of it
    from .stages.site import Site


class SetupError(ValueError):
    """A schema or the territory data cannot be read: nothing can be checked. The message says why."""


@dataclass(frozen=True)
class Reference:
    """What every stage reads but nobody writes: both schemas and the region."""

    schema: Schema
    documents: DocumentSchema
    region: Region

    @classmethod
    def load(cls, config: Config) -> Reference:
        try:
            schema = load_schema(config.places_schema)
            return cls(schema, load_document_schema(config.documents_schema, schema),
                       Region.load(config.region, config.node_modules))
        except (SchemaError, TerritoryError) as exc:
            raise SetupError(str(exc)) from None


@dataclass
class Result:
    reference: Reference
    places: LoadResult
    cache: dict[str, CacheEntry]
    documents: list[Document]
    site: Site | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return errors(self.problems)


@contextmanager
def long_lived() -> Iterator[None]:
    """For what builds the objects a whole run keeps (the places, the site): no garbage collection while
    they are made, then they are set aside from later collections. Python's collector would otherwise walk
    every object made so far again and again, which costs more than the work itself at 50,000 places."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def run(config: Config, render: Callable[[str], str] | None = None, reference: Reference | None = None,
        site: bool = True, form: bool = True) -> Result:
    """Read and check every input; build the Site when nothing is wrong enough to stop.

    ``site=False`` (``invoke validate``) checks without building the Site: locating, assembling, linking,
    the directory's groupings and who-can-help find no problem (unknown references are found from the
    names alone). ``form=False``: the CSV's form is left to the caller (``load_places``)."""
    reference = reference or Reference.load(config)
    schema, region = reference.schema, reference.region
    loaded = load_places(config.places_csv, schema, form)
    problems = [*loaded.problems, *check_places(loaded.records, region, loaded.path)]
    cache_path = display_path(config.geocode_cache)
    cache, found = read_cache(config.geocode_cache)
    problems += found + cache_problems(cache, region, cache_path) + far_from_cache(loaded.records, cache, loaded.path)
    documents, found = read_documents(config.content_path, config.document_folders, reference.documents, render)
    problems += found
    built = None
    if not loaded.errors:
        problems += unknown_references(documents, known(loaded.records, documents), loaded.path)
    if not loaded.errors and site:
        built = _site(config, reference, loaded, cache, documents)
    return Result(reference, loaded, cache, documents, built, in_order(problems))


def _site(config: Config, reference: Reference, loaded: LoadResult, cache: dict[str, CacheEntry],
          documents: list[Document]) -> Site:
    """The Site of valid inputs: located, assembled, linked, grouped for the directory, matched."""
    from .stages import match
    from .stages.assemble import assemble
    from .stages.group import group
    from .stages.link import link
    from .stages.locate import locate

    schema, region = reference.schema, reference.region
    built = assemble(loaded.records, locate(loaded.records, cache, region), documents, schema, reference.documents,
                     region, config.urls, config.edit_url, config.today, config.stale_days)
    link(built, documents)
    group(built, schema, region)
    match.apply(built, {c.value: c.label for c in schema["services"].categories}, config.helpers_per_project)
    return built


def in_order(problems: list[Problem]) -> list[Problem]:
    """Problems by file, line, column and message."""
    return sorted(problems, key=_order)


def _order(problem: Problem) -> tuple:
    return (problem.path, problem.line, problem.column, problem.message)
