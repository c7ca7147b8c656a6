import re
from pathlib import Path

import pytest

from ita_core.settings import REPO_ROOT, Settings, SettingsError, env_name, get_settings


def test_default_database_is_data_ita_db_in_the_repository() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == f"sqlite:///{REPO_ROOT / 'data' / 'ita.db'}"
    assert settings.data_dir == REPO_ROOT / "data"
    assert settings.public_read is True
    assert (settings.at_risk_days, settings.behind_points, settings.overload_open_items) == (14, 25, 10)


def test_urls_other_than_relative_sqlite_pass_unchanged(tmp_path: Path) -> None:
    pg = "postgresql+psycopg://ita:pw@127.0.0.1:5432/ita"
    assert Settings.from_env({"ITA_DATABASE_URL": pg}).database_url == pg
    absolute = f"sqlite:///{tmp_path / 'x.db'}"
    assert Settings.from_env({"ITA_DATABASE_URL": absolute}).database_url == absolute


def test_flags_and_thresholds_from_the_environment() -> None:
    settings = Settings.from_env({"ITA_PUBLIC_READ": "off", "ITA_AT_RISK_DAYS": "7"})
    assert settings.public_read is False
    assert settings.at_risk_days == 7


def test_the_default_station_is_a_code_from_the_environment() -> None:
    assert Settings.from_env({}).default_station == ""
    assert Settings.from_env({"ITA_DEFAULT_STATION": " LPN01 "}).default_station == "LPN01"


def test_code_settings_ignore_the_environment_from_env_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITA_AT_RISK_DAYS", "3")
    monkeypatch.setenv("ITA_OIT_COMPONENT_CREDIT", "yes")
    monkeypatch.setenv("ITA_BEHIND_POINTS", "")  # empty means the default
    assert Settings().at_risk_days == 14
    assert Settings(at_risk_days=20).at_risk_days == 20
    read = Settings.from_env()
    assert (read.at_risk_days, read.oit_component_credit, read.behind_points) == (3, True, 25)


def test_flags_read_as_before() -> None:
    on = Settings.from_env({"ITA_PUBLIC_READ": " Yes ", "ITA_OIT_COMPONENT_CREDIT": "ON"})
    assert (on.public_read, on.oit_component_credit) == (True, True)
    other = Settings.from_env({"ITA_PUBLIC_READ": "nope", "ITA_OIT_COMPONENT_CREDIT": "  "})
    assert (other.public_read, other.oit_component_credit) == (False, False)


def test_get_settings_follows_the_environment_and_reuses_one_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITA_AT_RISK_DAYS", "5")
    first = get_settings()
    assert first.at_risk_days == 5 and get_settings() is first  # the same variables: validated once
    monkeypatch.setenv("ITA_AT_RISK_DAYS", "9")
    assert get_settings().at_risk_days == 9  # a changed variable is read at once
    monkeypatch.setenv("ITA_AT_RISK_DAYS", "nine")
    with pytest.raises(SettingsError, match="ITA_AT_RISK_DAYS"):
        get_settings()


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.at_risk_days = 1  # type: ignore[misc]
    assert settings == Settings() and hash(settings) == hash(Settings())


def test_a_bad_value_names_the_variable_in_one_line_not_a_pydantic_report() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"ITA_AT_RISK_DAYS": "two weeks", "ITA_BEHIND_POINTS": "25%",
                           "ITA_OIT_SCORING": "by-magic"})
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("ITA_AT_RISK_DAYS='two weeks': ค่าใช้ไม่ได้ / invalid value: ")
    assert lines[1].startswith("ITA_BEHIND_POINTS='25%': ")
    assert lines[2] == ("ITA_OIT_SCORING='by-magic': ต้องเป็นค่าใดค่าหนึ่งใน ('item', 'sub_indicator') "
                        "/ must be one of ('item', 'sub_indicator')")
    assert "pydantic" not in str(caught.value) and "validation error" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_every_setting_is_in_the_readme_configuration_table() -> None:
    """A setting nobody can find is not a setting: each ITA_* variable of a Settings field has a
    row in README's Configuration table, and the table names no variable that is not read."""
    read = {env_name(field) for field in Settings.model_fields}
    section = (REPO_ROOT / "README.md").read_text(encoding="utf-8").split("\n## Configuration", 1)[1]
    section = section.split("\n## ", 1)[0]
    documented = {name for line in section.splitlines() if line.startswith("| `ITA_")
                  for name in re.findall(r"`(ITA_[A-Z_]+)`", line)}
    assert "ITA_DEFAULT_STATION" in read
    assert read == documented
