"""Rendering the plugin's pages with Pelican's Jinja environment, from one small shared context.

Pelican's writer copies its whole context (every setting) for each page, and Jinja copies
it again for each ``{% include %}``: with tens of thousands of place pages, that copying
costs more than the pages themselves. The renderer keeps, once, only the names the theme's
templates may read (found by a scan of their tags) and Jinja's globals, and gives each page that
small context plus its own values — the same variables Pelican's writer would give, so the pages
are byte-identical — as a context Jinja may share, not copied again.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jinja2 import Environment, Template, meta, pass_context
from jinja2.runtime import Context as JinjaContext
from markupsafe import Markup

from .pagecode import PageCode

TAG = re.compile(r"{{.*?}}|{%.*?%}", re.S)
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def names_read(env: Environment) -> frozenset[str]:
    """Every variable the theme's templates may read from their context (Pelican's own ``!simple`` ones excluded):
    each identifier inside their tags. A few more than they read (attributes, filters, their own variables), found
    without parsing them, which would cost more than the few names too many (the context keeps only the names
    it holds)."""
    names: set[str] = set()
    for name in env.list_templates():
        if not name.startswith("!"):
            for tag in TAG.findall(env.loader.get_source(env, name)[0]):
                names.update(IDENTIFIER.findall(tag))
    return frozenset(names)


_SHARED: dict[tuple[Any, ...], tuple[Markup, Any]] = {}
_READS: dict[tuple[int, str], tuple[str, ...]] = {}
KIND = "_lieux_page_kind"  # in a context the Renderer made: its PageKind, and which dict it was given to


@dataclass
class PageKind:
    """What pages of one kind share (same template, folder depth and page name, values of the same names): every
    name of their context holds the same value on each, but the page's own ``variant`` ones. A partial that reads
    none of those is the same on each, and is kept in ``partials`` after the first, with the names it reads (a
    page that sets one of them, ``context.vars``, renders it for itself)."""

    variant: frozenset[str]
    partials: dict[str, tuple[Markup, tuple[str, ...]]] = field(default_factory=dict)


def _reads(env: Environment, name: str) -> tuple[str, ...]:
    key = (id(env), name)
    if key not in _READS:
        source = env.loader.get_source(env, name)[0]
        _READS[key] = tuple(sorted(meta.find_undeclared_variables(env.parse(source))))
    return _READS[key]


def _key(value: Any) -> Any:
    """A value's part of a partial's key: a string itself, anything else its identity (the value is kept with
    the cached text, so its id stays its own). Equal objects that are not the same only render the partial
    once more."""
    return value if type(value) is str else id(value)


def forget_shared() -> None:
    """A new build: the partials rendered for the previous one are not kept."""
    _SHARED.clear()
    _READS.clear()


@pass_context
def include_shared(context: JinjaContext, name: str) -> Markup:
    """``{{ include_shared("_site_nav.html") }}``: what ``{% include %}`` would give, rendered once for each
    distinct value of the variables the partial reads (the navigation is the same on every place page). On the
    Renderer's pages, a partial that reads nothing proper to the page is then found from its page kind, without
    looking its variables up again (and the templates ``PageCode`` compiles call it without ``Context.call``)."""
    kind = _kind_of(context)
    if kind is not None:
        known = kind.partials.get(name)
        if known is not None and context.vars.keys().isdisjoint(known[1]):
            return known[0]
    env = context.environment
    reads = _reads(env, name)
    resolve = context.resolve_or_missing
    values = [resolve(n) for n in reads]
    key = (id(env), name, *map(_key, values))
    shared = _SHARED.get(key)
    if shared is None:
        shared = _SHARED[key] = (Markup(env.get_template(name).render(context.get_all())), (env, values))
    if kind is not None and kind.variant.isdisjoint(reads) and context.vars.keys().isdisjoint(reads):
        kind.partials[name] = (shared[0], reads)
    return shared[0]


def _kind_of(context: JinjaContext) -> PageKind | None:
    """The PageKind of a page the Renderer renders, in the very context the page was given (a block's or a loop's
    variables make a copy of it)."""
    given = context.parent.get(KIND)
    return given[0] if given is not None and given[1] == id(context.parent) else None


def relative_siteurl(save_as: str) -> str:
    """What Pelican's writer sets SITEURL to with RELATIVE_URLS: ``..`` once per folder of ``save_as`` (the same
    string for every page at one depth)."""
    return _up(save_as.count("/"))


@cache
def _up(depth: int) -> str:
    return posixpath.join(*([".."] * depth)) if depth else "."


class Renderer:
    """``render(template, save_as, **values)``: a page's HTML, as Pelican's writer would render it. The templates
    it loads from then on are compiled by ``PageCode`` (same text, less work per page)."""

    def __init__(self, env: Environment, context: Mapping[str, Any], relative_urls: bool) -> None:
        env.code_generator_class = PageCode
        self.env = env
        self.base = {**env.globals, **{name: context[name] for name in sorted(names_read(env)) if name in context}}
        self.base.setdefault("localsiteurl", context.get("localsiteurl"))
        self.relative_urls = relative_urls
        self.templates: dict[str, Template] = {}
        self.kinds: dict[tuple[Any, ...], PageKind] = {}

    def template(self, name: str) -> Template:
        if name not in self.templates:
            self.templates[name] = self.env.get_template(f"{name}.html")
        return self.templates[name]

    def _kind(self, template: str, save_as: str, values: dict[str, Any]) -> PageKind:
        key = (template, save_as.count("/"), values.get("page_name"), *values)
        kind = self.kinds.get(key)
        if kind is None:
            kind = self.kinds[key] = PageKind(frozenset(values).difference(("page_name",)) | {"output_file", KIND})
        return kind

    def render(self, template: str, save_as: str, **values: Any) -> str:
        context = dict(self.base)
        if self.relative_urls:
            context["SITEURL"] = context["localsiteurl"] = relative_siteurl(save_as)
        context["output_file"] = save_as
        context.update(values)
        context[KIND] = (self._kind(template, save_as, values), id(context))
        # ``Template.render(context)``, without copying the context twice more (once to merge the environment's
        # globals, already in it): what Jinja does with a context it may share.
        page = self.template(template)
        try:
            return self.env.concat(page.root_render_func(page.new_context(context, shared=True)))  # type: ignore[attr-defined]
        except Exception:
            self.env.handle_exception()
            raise  # handle_exception raises the error, with the template's lines in its traceback


@dataclass(frozen=True)
class NavLink:
    """A link of the main navigation to one of Pelican's own pages (« À propos »…), its URL computed once."""

    url: str
    title: str
    slug: str


def nav_links(pelican_pages: list[Any]) -> list[NavLink]:
    return [NavLink(p.url, p.title, p.slug) for p in pelican_pages]


Job = Callable[[], Iterable[tuple[str, str]]]
PARALLEL_FROM = 2000  # fewer jobs than this are done by one process: forking would cost more than it saves
SHARES_PER_PROCESS = 12  # jobs are cut in this many runs of neighbours per process, taken as processes finish theirs
_JOB: tuple[Any, ...] = ()  # what forked workers inherit: the jobs and the files


def write_all(jobs: Callable[[int, int | None], Iterable[Job]], count: int, files: Any,
              first: Sequence[Job] = ()) -> None:
    """Run the ``first`` jobs, then the ``count`` jobs that ``jobs(start, stop)`` yields from ``start`` to ``stop``
    (each job gives ``(path, text)`` pairs: a page, a data file…), and write what they give, in as many forked
    processes as there are CPUs. Each of the ``first`` jobs (the long ones: data files) is a share of its own,
    taken first; the others are cut in runs of neighbours (pages that share work, like the two map pages, stay
    together) that a process alone makes, so no list of them is ever held; small runs, so that processes end
    together. The files do not depend on which process wrote them."""
    processes = _processes()
    if processes < 2 or count < PARALLEL_FROM:
        _run([*first, *jobs(0, None)], files)
        return
    global _JOB
    shares = processes * SHARES_PER_PROCESS
    _JOB = (first, jobs, files, shares, -(-count // shares))
    try:
        # Each process leaves what it inherits out of its own collections (gc.freeze, in the process: the parent
        # keeps collecting its own), so that they neither walk nor copy it.
        with multiprocessing.get_context("fork").Pool(processes, initializer=gc.freeze) as pool:
            for share in pool.imap_unordered(_run_share, _longest_first(len(first), shares)):
                files.merge(share)
    finally:
        _JOB = ()


def _longest_first(first: int, shares: int) -> list[int]:
    """The order shares are handed out: the ``first`` jobs, then the first and the last runs of pages (the
    maps and lists of the directory; the documents and the help page), longer than the others, so that no
    process is left alone with a long share at the end."""
    runs = list(range(first, first + shares))
    return [*range(first), *runs[:1], *runs[-1:][:shares - 1], *runs[1:-1]]


def page_job(page: Any, renderer: Renderer, common: Mapping[str, Any]) -> Callable[[], list[tuple[str, str]]]:
    """The job of one page (``outputs.Page``): its HTML, rendered with its values computed then."""
    return lambda: [(page.save_as, renderer.render(page.template, page.save_as, url=page.url, page_url=page.url,
                                                   page_name=page.name, **common, **page.values()))]


def _processes() -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _run_share(share: int) -> Any:
    """In a forked process: the files of one share written, and what was noted of them (a ``SiteFiles``)."""
    first, jobs, files, shares, size = _JOB
    mine = type(files)(files.staging, files.published)
    if share < len(first):
        _run([first[share]], mine)
    else:
        share -= len(first)
        _run(jobs(share * size, (share + 1) * size), mine)
    return mine


def _run(jobs: Iterable[Job], files: Any) -> None:
    for job in jobs:
        for path, text in job():
            files.write(path, text)
