"""One configuration, checked once: every default written once, every bad setting one located message."""

import pytest
from conftest import ROOT
from lieux.core.config import DEFAULTS, Config, ConfigError, SettingsFileError, read_settings_file


def problems_of(**settings):
    with pytest.raises(ConfigError) as caught:
        Config.from_settings(settings)
    return [(p.column, p.message) for p in caught.value.problems]


def test_the_defaults_build_a_valid_configuration():
    config = Config.from_settings({})
    assert config.region.codes == ("11",) and config.urls.place == "lieux/{id}/"
    assert config.geocoder.user_agent == DEFAULTS["GEOCODER"]["user_agent"]


def test_a_region_may_be_a_code_a_list_or_a_table():
    assert Config.from_settings({"REGION": "76"}).region.codes == ("76",)
    assert Config.from_settings({"REGION": ["11", "76"]}).region.codes == ("11", "76")
    assert Config.from_settings({"REGION": {"code": "11"}}).region.bounds is None


def test_every_bad_setting_is_reported_not_only_the_first():
    found = problems_of(REGION={"code": "11", "bounds": [[49, 2], [48, 3]]}, GEOCODER={"retries": -1},
                        PLACE_URL="lieux/")
    assert [column for column, _ in found] == ["GEOCODER", "REGION", "PLACE_URL"]


def test_an_unknown_geocoder_key_is_named():
    (column, message), = problems_of(GEOCODER={"user-agent": "x"})
    assert column == "GEOCODER" and "user-agent" in message


def test_today_comes_from_the_setting_then_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513123200")  # 2017-12-13
    assert Config.from_settings({}).today.isoformat() == "2017-12-13"
    assert Config.from_settings({"TODAY": "2020-01-02"}).today.isoformat() == "2020-01-02"


def test_a_settings_file_is_read_as_pelican_reads_it_without_pelican():
    settings = read_settings_file(ROOT / "publishconf.py")
    assert settings["RELATIVE_URLS"] is False and settings["PATH"] == str(ROOT / "content")


def test_a_settings_file_that_raises_is_one_located_message(tmp_path):
    path = tmp_path / "conf.py"
    path.write_text("A = 1\nB = 1 / 0\n", encoding="utf-8")
    with pytest.raises(SettingsFileError, match=r"conf.py:2: réglages illisibles : ZeroDivisionError"):
        read_settings_file(path)


def test_the_edit_link_points_to_the_file_in_use_in_the_repository():
    config = Config.from_settings({"REPO_URL": "https://github.com/o/r", "PLACES_CSV": str(ROOT / "data/places.csv")})
    assert config.edit_url == "https://github.com/o/r/blob/main/data/places.csv?plain=1#L{line}"


def test_a_file_outside_the_repository_gets_no_edit_link(tmp_path):
    config = Config.from_settings({"REPO_URL": "https://github.com/o/r", "PLACES_CSV": str(tmp_path / "x.csv")})
    assert config.edit_url == ""
