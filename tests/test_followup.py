"""Projects are followed (last news, silence), the journal lists every milestone, events have pages,
an agenda and feeds that parse."""

import feedparser
import icalendar
import pytest
from conftest import FIXTURES, ROOT, build

TODAY = "2026-11-23"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("followup") / "output", ROOT / "data" / "places.csv",
                 content=ROOT / "content", cache=ROOT / "data" / "geocache.csv", TODAY=TODAY)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("followup-fixture") / "output", FIXTURES / "places-small.csv",
                 cache=FIXTURES / "geocache-small.csv", TODAY=TODAY)


def read(site, path):
    return (site / path).read_text(encoding="utf-8")


def test_the_journal_lists_every_milestone_newest_first(site):
    page = read(site, "suivi/index.html")
    assert page.count('data-statut="') == 11
    assert page.index("novembre 2026") < page.index("13 décembre 2017") < page.index("2011")


def test_the_milestones_feed_is_valid_atom_with_one_entry_per_milestone(site):
    feed = feedparser.parse(read(site, "suivi/atom.xml"))
    assert not feed.bozo and feed.feed.language == "fr"
    assert len(feed.entries) == 11
    assert feed.entries[0].title.startswith("Cartographie des lieux d'innovation")


def test_the_places_feed_lists_the_most_recently_updated_places(site):
    feed = feedparser.parse(read(site, "lieux/atom.xml"))
    assert not feed.bozo and len(feed.entries) == 50
    assert feed.entries[0].published.startswith("2026-11")


def test_the_events_feed_parses(site):
    feed = feedparser.parse(read(site, "evenements/atom.xml"))
    assert not feed.bozo and len(feed.entries) == 5


def test_the_agenda_holds_every_event_with_paris_times(site):
    calendar = icalendar.Calendar.from_ical(read(site, "evenements/evenements.ics"))
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 5
    september = events["Campagnes et télétravail, des alternatives aux villes hyperconnectées"]
    start = september.decoded("dtstart")
    assert (start.isoformat(), str(start.tzinfo)) == ("2017-09-27T09:00:00+02:00", "Europe/Paris")
    assert september.decoded("dtend").hour == 12


def test_an_event_whose_date_is_to_be_confirmed_is_tentative_over_its_month(site):
    calendar = icalendar.Calendar.from_ical(read(site, "evenements/option-start-up-2027/evenement.ics"))
    (event,) = calendar.walk("VEVENT")
    assert str(event["status"]) == "TENTATIVE"
    assert (event.decoded("dtstart").isoformat(), event.decoded("dtend").isoformat()) == ("2027-10-01", "2027-11-01")


def test_the_events_page_puts_coming_events_before_past_ones(site):
    page = read(site, "evenements/index.html")
    assert page.index("Option start-up 2027") < page.index("Passés") < page.index("13 décembre 2017")


def test_an_event_page_links_its_place_organisers_and_project(fixture_site):
    page = read(fixture_site, "evenements/atelier-au-fablab/index.html")
    assert 'href="../../lieux/atelier-a/"' in page and 'href="../../partenaires/reseau-a/"' in page
    assert 'href="../../projets/projet-x/"' in page and "14 mars 2024, 18h00 à 20h00" in page


def test_the_help_page_lists_who_offers_each_need_without_javascript(site):
    page = read(site, "aide/index.html")
    section = page[page.index('id="besoin-prototypage"'):]
    assert "Artilect FabLab" in section[: section.index("</section>")]


def test_two_builds_of_the_same_day_are_identical_feeds_and_agendas(tmp_path):
    first = build(tmp_path / "a", FIXTURES / "places-small.csv", TODAY=TODAY)
    second = build(tmp_path / "b", FIXTURES / "places-small.csv", TODAY=TODAY)
    for name in ("suivi/atom.xml", "evenements/evenements.ics", "aide/aide.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_project_page_gives_its_last_news_and_says_when_it_is_old(site):
    page = read(site, "projets/ateliers-mixite-entrepreneuriale-la-defense/index.html")
    assert 'Dernière nouvelle&nbsp;: <time datetime="2017-12-13">13 décembre 2017</time>' in page
    assert "Sans nouvelles depuis plus de deux ans" in page
    assert "template=nouvelles-d-un-projet.yml" in page and "projet=ateliers-mixite-entrepreneuriale-la-defense" in page


def test_a_recent_project_is_not_called_silent(site):
    page = read(site, "projets/cartographie-lieux-innovation-idf/index.html")
    assert "Dernière nouvelle&nbsp;:" in page and "Sans nouvelles" not in page


def test_every_seed_project_with_needs_shows_who_can_help_and_why(site):
    for slug in ("ateliers-mixite-entrepreneuriale-la-defense", "carrefour-des-possibles",
                 "cartographie-lieux-innovation-idf", "defi-locacite", "option-start-up"):
        page = read(site, f"projets/{slug}/index.html")
        assert "Qui peut aider ce projet" in page and page.count('class="helper-reason">propose\u00a0:') >= 3, slug


def test_the_best_helper_of_the_defi_locacite_covers_two_of_its_needs(site):
    page = read(site, "projets/defi-locacite/index.html")
    first = page[page.index('<ol class="helpers">'):]
    first = first[: first.index("</li>")]
    assert "ERDF" in first and "propose\u00a0: financement, accès aux grands groupes" in first


def test_a_place_lists_the_projects_looking_for_what_it_offers(site):
    page = read(site, "lieux/station-f/index.html")
    assert "Projets qui cherchent ce que propose ce lieu" in page
    assert "Option start-up" in page
