"""The renderer's compilation of the templates: the very text Jinja's own compilation gives."""

from pathlib import Path

import pytest
from conftest import ROOT, build
from jinja2 import DictLoader, Environment
from jinja2.compiler import CodeGenerator
from lieux.outputs import render
from lieux.outputs.pagecode import PageCode, escape_text
from markupsafe import Markup, escape


class Html:
    def __html__(self):
        return "<b>déjà sûr</b>"


@pytest.mark.parametrize("value", ["<a href=\"x\">L'« atelier » & co</a>", Markup("<em>&amp;</em>"), 42, None,
                                   Html(), "", "plain"], ids=repr)
def test_a_value_is_escaped_as_markupsafe_escapes_it(value):
    assert escape_text(value) == str(escape(value)) and isinstance(escape_text(value), str)


TEMPLATES = {
    "base.html": "<title>{% block title %}Site{% endblock %}</title>{% set t %}{{ self.title() }}{% endset %}"
                 "<h1>{{ t }} & {{ name }}</h1>{% block body %}{% endblock %}{{ footer }}",
    "page.html": '{% extends "base.html" %}{% block title %}{{ name }} · {{ super() }}{% endblock %}'
                 "{% macro item(x) %}<li>{{ x }}</li>{% endmacro %}"
                 "{% block body %}<ul>{% for x in items %}{{ item(x) }}{% else %}<li>rien</li>{% endfor %}</ul>"
                 "{% filter upper %}{{ name }}<{{ count }}>{% endfilter %}"
                 "{% autoescape false %}{{ name }}{% endautoescape %}{{ name ~ '<' }}{{ name|e }}{{ footer|safe }}"
                 "{% include '_part.html' %}{% if count > 1 %}{{ count }} lieux{% endif %}{% endblock %}",
    "_part.html": "<p>{{ name }}, {{ count }}</p>",
}


def _render(generator, **values):
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    env.code_generator_class = generator
    return env.get_template("page.html").render(**values)


@pytest.mark.parametrize("items", [["a<b", Markup("<i>c</i>")], []])
def test_a_template_renders_the_same_text_as_with_jinjas_own_compilation(items):
    values = {"name": "Lieu <« & »>", "items": items, "count": 3, "footer": Markup("<hr>")}
    assert _render(PageCode, **values) == _render(CodeGenerator, **values)


SHARED = {
    "_heading.html": "<h2>{{ heading }}</h2>",
    "shared.html": '{{ include_shared("_heading.html") }}'
                   '{% block body %}{% set heading = "bloc" %}{{ include_shared("_heading.html") }}{% endblock %}'
                   '{% for x in [1] %}{% set heading = "boucle" %}{{ include_shared("_heading.html") }}{% endfor %}',
}


def _render_shared(generator, **values):
    render.forget_shared()
    env = Environment(loader=DictLoader(SHARED), autoescape=True)
    env.code_generator_class = generator
    env.globals["include_shared"] = render.include_shared
    return env.get_template("shared.html").render(**values)


def test_a_shared_partial_in_a_page_a_block_and_a_loop_renders_as_with_jinjas_own_compilation():
    assert _render_shared(PageCode, heading="page") == _render_shared(CodeGenerator, heading="page")


def test_a_variable_named_include_shared_that_holds_something_else_is_called_as_jinja_calls_it():
    def other(name):
        return Markup(f"<i>{name}</i>")

    assert _render_shared(PageCode, include_shared=other) == _render_shared(CodeGenerator, include_shared=other)


INCLUDES = {
    "_item.html": "<li>{{ x }} {{ loop.index }} {{ name }}</li>{% set name = 'partiel' %}",
    "_name.html": "<p>{{ name }}</p>{% set name = 'partiel' %}{{ name }}",
    "_macro.html": "{% macro m(v) %}<b>{{ v }}</b>{% endmacro %}{{ m(name) }}",
    "_tree.html": "{{ depth }}{% if depth %}{% with depth = depth - 1 %}{% include '_tree.html' %}{% endwith %}"
                  "{% endif %}",
    "_filters.html": "{{ name|upper|tojson }}{% if name is string %}!{% endif %}",
    "loop.html": "{% for x in items %}{{ loop.length }}{% include '_item.html' %}{% endfor %}{{ name }}",
    "block.html": "{% block b %}{% set name = 'bloc' %}{% include '_name.html' %}{{ name }}{% endblock %}",
    "macro.html": "{% include '_macro.html' %}",
    "tree.html": "{% include '_tree.html' %}",
    "filters.html": "{% block b %}{% include '_filters.html' %}{% endblock %}",
    "missing.html": "{% include 'absent.html' ignore missing %}{{ name }}",
    "_plain.html": "<p>{{ name }}</p>",
    "_upper.html": "{{ name|upper }}",
    "_shared.html": "{{ include_shared('_plain.html') }}",
    "shared-with.html": "{% with name = 'avec' %}{% include '_shared.html' %}{% endwith %}",
    "set-after.html": "{% for x in items %}{% include '_plain.html' %}{% set name = x %}{% endfor %}",
    "unescaped.html": "{% autoescape false %}{% include '_plain.html' %}{% endautoescape %}",
    "macro-include.html": "{% macro m(a) %}{% if a %}{% include '_upper.html' %}{% endif %}{{ a|upper }}"
                          "{% endmacro %}{{ m('') }}{{ m('x') }}",
}


def _include_environment(generator):
    render.forget_shared()
    env = Environment(loader=DictLoader(INCLUDES), autoescape=True)
    env.code_generator_class = generator
    env.globals["include_shared"] = render.include_shared
    return env


def _render_include(generator, page):
    env = _include_environment(generator)
    return env.get_template(page).render(name="Lieu <&>", items=["a", "<b>"], x="hors", depth=2)


@pytest.mark.parametrize("page", ["loop.html", "block.html", "macro.html", "tree.html", "filters.html",
                                  "missing.html", "shared-with.html", "set-after.html", "unescaped.html",
                                  "macro-include.html"])
def test_an_included_partial_renders_as_with_jinjas_own_compilation(page):
    assert _render_include(PageCode, page) == _render_include(CodeGenerator, page)


def test_a_partial_that_defines_nothing_is_compiled_in_place_and_one_that_calls_a_function_is_included():
    env = _include_environment(PageCode)
    inlined = env.compile(INCLUDES["loop.html"], "loop.html", raw=True)
    included = env.compile(INCLUDES["shared-with.html"], "shared-with.html", raw=True)
    assert "get_template('_item.html'" not in inlined and "get_template('_shared.html'" in included


def _html_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def test_every_page_of_the_real_site_is_the_same_as_with_jinjas_own_compilation(tmp_path, monkeypatch):
    data = ROOT / "data"
    ours = _html_files(build(tmp_path / "ours", data / "places.csv", ROOT / "content", data / "geocache.csv"))
    monkeypatch.setattr(render, "PageCode", CodeGenerator)
    render.forget_shared()
    jinjas = _html_files(build(tmp_path / "jinja", data / "places.csv", ROOT / "content", data / "geocache.csv"))
    assert len(ours) > 400 and ours == jinjas
