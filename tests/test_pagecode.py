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


def _html_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def test_every_page_of_the_real_site_is_the_same_as_with_jinjas_own_compilation(tmp_path, monkeypatch):
    data = ROOT / "data"
    ours = _html_files(build(tmp_path / "ours", data / "places.csv", ROOT / "content", data / "geocache.csv"))
    monkeypatch.setattr(render, "PageCode", CodeGenerator)
    render.forget_shared()
    jinjas = _html_files(build(tmp_path / "jinja", data / "places.csv", ROOT / "content", data / "geocache.csv"))
    assert len(ours) > 400 and ours == jinjas
