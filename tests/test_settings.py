import re
from pathlib import Path

from ita_core.settings import REPO_ROOT, Settings


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


def test_every_setting_is_in_the_readme_configuration_table() -> None:
    """A setting nobody can find is not a setting: each ITA_* variable settings.py reads has a
    row in README's Configuration table, and the table names no variable that is not read."""
    read = set(re.findall(r'"(ITA_[A-Z_]+)"', (REPO_ROOT / "ita_core" / "settings.py").read_text()))
    section = (REPO_ROOT / "README.md").read_text(encoding="utf-8").split("\n## Configuration", 1)[1]
    section = section.split("\n## ", 1)[0]
    documented = {name for line in section.splitlines() if line.startswith("| `ITA_")
                  for name in re.findall(r"`(ITA_[A-Z_]+)`", line)}
    assert "ITA_DEFAULT_STATION" in read
    assert read == documented
