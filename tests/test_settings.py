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
