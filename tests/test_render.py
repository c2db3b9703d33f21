"""The renderer of the plugin's pages: the same HTML as Jinja's own rendering, shared partials included."""

import pytest
from jinja2 import DictLoader, Environment
from lieux.outputs.render import Renderer, forget_shared, include_shared

TEMPLATES = {
    "_nav.html": '<a href="{{ SITEURL }}/">{{ SITENAME }}</a>',
    "_title.html": "<h1>{{ title }}</h1>",
    "_heading.html": "<h2>{{ heading }}</h2>",
    "page.html": '{{ include_shared("_nav.html") }}{{ include_shared("_title.html") }}',
    "block.html": '{% block body %}{% set heading = title|lower %}{{ include_shared("_heading.html") }}{% endblock %}',
    "set.html": '{% set heading = title|upper %}{{ include_shared("_heading.html") }}',
    "set-if.html": '{% if title == "b" %}{% set heading = "B" %}{% endif %}{{ include_shared("_heading.html") }}',
    "loop.html": '{% for t in [title] %}{% set heading = t|upper %}{{ include_shared("_heading.html") }}{% endfor %}',
}


@pytest.fixture
def renderer():
    forget_shared()
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    env.globals["include_shared"] = include_shared
    yield Renderer(env, {"SITENAME": "Lieux & Co"}, relative_urls=True)
    forget_shared()


def test_a_shared_partial_gives_what_an_include_would(renderer):
    html = renderer.render("page", "lieux/a/index.html", title="A")
    assert html == '<a href="../../">Lieux &amp; Co</a><h1>A</h1>'


def test_a_partial_kept_for_a_kind_of_page_gives_the_next_page_of_the_kind_what_an_include_would(renderer):
    renderer.render("page", "lieux/a/index.html", title="A")
    assert renderer.render("page", "lieux/b/index.html", title="B") == '<a href="../../">Lieux &amp; Co</a><h1>B</h1>'


def test_a_shared_partial_follows_the_folder_depth_of_each_page(renderer):
    renderer.render("page", "lieux/a/index.html", title="A")
    assert renderer.render("page", "index.html", title="A").startswith('<a href="./">')


def test_a_shared_partial_that_reads_a_value_of_the_page_differs_from_page_to_page(renderer):
    first = renderer.render("page", "lieux/a/index.html", title="A")
    second = renderer.render("page", "lieux/b/index.html", title="B")
    assert (first.endswith("<h1>A</h1>"), second.endswith("<h1>B</h1>")) == (True, True)


@pytest.mark.parametrize(("template", "expected"), [("block", "<h2>b</h2>"), ("set", "<h2>B</h2>"),
                                                    ("loop", "<h2>B</h2>"), ("set-if", "<h2>B</h2>")],
                         ids=["its block sets", "the template sets", "its loop sets",
                              "a page of a kind rendered before does not set"])
def test_a_shared_partial_reads_a_variable_the_page_sets_where_it_is_called(renderer, template, expected):
    renderer.render(template, "index.html", title="a")
    assert renderer.render(template, "index.html", title="b") == expected
