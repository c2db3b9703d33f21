"""Compiled templates kept between builds: the same pages, compiled again whenever compiling would differ."""

import subprocess
import sys

import pytest
from conftest import ROOT
from jinja2 import DictLoader, Environment, pass_context
from jinja2.compiler import CodeGenerator
from jinja2.ext import Extension
from lieux.outputs.pagecode import PageCode
from lieux.outputs.templatecache import TemplateCache, template_cache

TEMPLATES = {
    "page.html": '{% extends "base.html" %}{% block body %}{% for x in items %}<li>{{ x|upper }}</li>{% endfor %}'
                 "{% include '_part.html' %}{% endblock %}",
    "base.html": "<h1>{{ name }}</h1>\n  {% block body %}{% endblock %}",
    "_part.html": "<p>{{ name }} &amp; co</p>",
}
VALUES = {"name": "L'« atelier » <b>", "items": ["a", "<é>"]}


def environment(folder=None, **options):
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True, **options)
    env.code_generator_class = PageCode
    if folder is not None:
        env.bytecode_cache = TemplateCache(folder, env)
    return env


def compiled_while(env, action):
    """How many templates ``env`` compiled during ``action()``, and what it gave."""
    count = []
    compile_ = env.compile
    env.compile = lambda *args, **kwargs: count.append(1) or compile_(*args, **kwargs)
    result = action()
    return len(count), result


def test_templates_taken_from_the_cache_are_not_compiled_and_render_the_same_page(tmp_path):
    first = environment(tmp_path)
    assert compiled_while(first, lambda: first.get_template("page.html").render(VALUES))[0] == 2  # _part inlined
    again = environment(tmp_path)
    count, page = compiled_while(again, lambda: again.get_template("page.html").render(VALUES))
    assert count == 0 and page == environment().get_template("page.html").render(VALUES)


def test_a_changed_template_is_compiled_again(tmp_path):
    environment(tmp_path).get_template("_part.html")
    TEMPLATES["_part.html"], before = "<p>autre</p>", TEMPLATES["_part.html"]
    try:
        env = environment(tmp_path)
        assert compiled_while(env, lambda: env.get_template("_part.html").render())[1] == "<p>autre</p>"
    finally:
        TEMPLATES["_part.html"] = before


def test_a_template_is_compiled_again_when_a_partial_it_holds_changes(tmp_path):
    environment(tmp_path).get_template("page.html").render(VALUES)
    TEMPLATES["_part.html"], before = "<p>autre</p>", TEMPLATES["_part.html"]
    try:
        env = environment(tmp_path)
        count, page = compiled_while(env, lambda: env.get_template("page.html").render(VALUES))
        assert count == 1 and page.endswith("<p>autre</p>")
    finally:
        TEMPLATES["_part.html"] = before


class Noop(Extension):
    pass


@pytest.mark.parametrize("change", [
    lambda env: setattr(env, "code_generator_class", CodeGenerator),
    lambda env: setattr(env, "trim_blocks", True),
    lambda env: setattr(env, "autoescape", False),
    lambda env: env.filters.update(upper=pass_context(lambda context, value: value)),
    lambda env: env.add_extension(Noop),
], ids=["code generator", "option", "autoescape", "filter passed the context", "extension"])
def test_what_compiling_depends_on_changes_the_key(tmp_path, change):
    env = environment()
    cache = TemplateCache(tmp_path, env)
    before = cache.get_cache_key("page.html", "page.html")
    change(env)
    assert cache.get_cache_key("page.html", "page.html") != before


def test_the_key_is_the_same_in_every_process(tmp_path):
    script = ("import sys; sys.path[:0] = ['plugins', 'tests']; from pathlib import Path;"
              "from test_templatecache import environment; from lieux.outputs.templatecache import TemplateCache;"
              f"print(TemplateCache(Path({str(tmp_path)!r}), environment()).get_cache_key('page.html', 'x'))")
    keys = {subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(keys) == 1 and keys != {""}


def test_every_generator_of_a_build_keeps_its_templates_compiled(tmp_path):
    from conftest import build

    build(tmp_path / "site", ROOT / "tests" / "fixtures" / "places-small.csv", TEMPLATE_CACHE=str(tmp_path / "cache"))
    assert len(list((tmp_path / "cache").glob("*.jinja"))) > 10


def test_a_cache_folder_that_cannot_be_made_leaves_the_templates_compiled(tmp_path, caplog):
    (tmp_path / "fichier").write_text("pas un dossier", encoding="utf-8")
    assert template_cache(tmp_path / "fichier" / "modeles", environment()) is None
    assert "dossier impossible à créer" in caplog.text
