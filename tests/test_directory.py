"""The directory: an index of types × départements, lists cut in pages, every place reachable by links."""

import re

import pytest
from conftest import ROOT, header, row
from lieux.core.config import Config, ConfigError, read_settings_file


@pytest.fixture(scope="module")
def paged(tmp_path_factory, schema):
    """Five fablabs in Paris and one in Montreuil, listed two by two."""
    from conftest import build

    tmp = tmp_path_factory.mktemp("directory")
    places = tmp / "places.csv"
    rows = [row(schema, id=f"fablab-{n}", nom=f"Fablab {n}", latitude="48.86", longitude="2.35") for n in range(5)]
    rows.append(row(schema, id="fablab-montreuil", nom="Fablab de Montreuil", code_postal="93100",
                    commune="Montreuil", latitude="48.86", longitude="2.44"))
    places.write_text(header(schema) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return build(tmp / "output", places, DIRECTORY_PAGE_SIZE=2)


def read(site, path):
    return (site / path).read_text(encoding="utf-8")


def listed(page):
    return re.findall(r'<li>\s*<a href="[./]*lieux/([^/"]+)/"', page)


def test_a_list_longer_than_a_page_is_cut_in_numbered_pages(paged):
    pages = [read(paged, f"annuaire/fablab/75/{suffix}index.html") for suffix in ("", "page/2/", "page/3/")]
    assert [listed(page) for page in pages] == [["fablab-0", "fablab-1"], ["fablab-2", "fablab-3"], ["fablab-4"]]
    assert not (paged / "annuaire" / "fablab" / "75" / "page" / "4").exists()


def test_each_page_of_a_list_links_to_the_others_and_marks_itself(paged):
    page = read(paged, "annuaire/fablab/75/page/2/index.html")
    nav = re.search(r'<nav class="pagination" aria-label="Pages de cette liste">(.*?)</nav>', page, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', nav) == ["../../../../../annuaire/fablab/75/",
                                                    "../../../../../annuaire/fablab/75/page/2/",
                                                    "../../../../../annuaire/fablab/75/page/3/"]
    assert '<a href="../../../../../annuaire/fablab/75/page/2/" aria-current="page">2</a>' in nav
    assert "du 3<sup>e</sup> au 4<sup>e</sup>" in page


def test_a_list_that_fits_in_one_page_has_no_page_links(paged):
    page = read(paged, "annuaire/fablab/93/index.html")
    assert listed(page) == ["fablab-montreuil"] and "pagination" not in page


def test_the_index_counts_each_list_and_links_to_its_first_page(paged):
    page = read(paged, "lieux/index.html")
    assert '<a href="../annuaire/fablab/75/">5</a>' in page and '<a href="../annuaire/fablab/93/">1</a>' in page


def test_a_place_page_leads_to_the_list_page_that_holds_it(paged):
    page = read(paged, "lieux/fablab-3/index.html")
    crumb = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', page, re.S).group(1)
    assert '<a href="../../annuaire/fablab/75/page/2/">Fablab, 75 · Paris</a>' in crumb


def test_the_directory_pages_are_in_the_sitemap(paged):
    sitemap = read(paged, "sitemap.xml")
    assert "annuaire/fablab/75/page/3/" in sitemap and "annuaire/fablab/93/" in sitemap


def test_a_directory_page_pattern_must_hold_type_departement_and_page(tmp_path):
    settings = {**read_settings_file(ROOT / "pelicanconf.py"), "DIRECTORY_PAGE_URL": "annuaire/{type}/"}
    with pytest.raises(ConfigError) as error:
        Config.from_settings(settings)
    assert "DIRECTORY_PAGE_URL" in str(error.value) and "{dep}" in str(error.value)
