"""Settings, read from the environment in one place.

``ITA_DATABASE_URL`` (default ``sqlite:///data/ita.db``, relative to the repository),
``ITA_DATA_DIR`` (the seed folder, default ``data/``) and ``ITA_DEFAULT_STATION`` (the station
shown when none is named; default: the first station, by code, that has a plan). Thresholds of
the status rules live here too so pages never carry literals.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT / "data"
DEFAULT_DATABASE_URL = "sqlite:///data/ita.db"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _choice(env: dict[str, str], name: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed`` (the first is the default); anything else stops with the variable named."""
    value = (env.get(name) or allowed[0]).strip()
    if value not in allowed:
        raise ValueError(f"{name}={value!r}: ต้องเป็นค่าใดค่าหนึ่งใน {allowed} / must be one of {allowed}")
    return value


def resolve_database_url(url: str) -> str:
    """Make a relative SQLite path relative to the repository, not the working directory.

    ``sqlite:///data/ita.db`` should mean the same file whether the app is started from the
    repository or from elsewhere (cron, systemd). Absolute paths and other databases pass.
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return url
    path = url[len(prefix):]
    if path in ("", ":memory:") or Path(path).is_absolute():
        return url
    return prefix + str(REPO_ROOT / path)


@dataclass(frozen=True)
class Settings:
    """Everything configurable about one installation."""

    database_url: str = DEFAULT_DATABASE_URL
    data_dir: Path = DEFAULT_DATA_DIR
    public_read: bool = True
    default_station: str = ""  # a station code; "" means the first station that has a plan
    at_risk_days: int = 14
    behind_points: int = 25
    overload_open_items: int = 10
    timezone: str = "Asia/Bangkok"
    import_max_bytes: int = 5 * 1024 * 1024  # an uploaded file (and each sheet's unpacked XML)
    import_max_rows: int = 5000  # rows per imported sheet
    # Score projection (ita_core/score.py): our defaults, not an official NACC table for a year.
    weight_iit: float = 30.0
    weight_eit: float = 30.0
    weight_oit: float = 40.0
    oit_scoring: str = "item"  # "item": every OIT item weighs the same; "sub_indicator": every sub-indicator
    oit_component_credit: bool = False  # count ticked components of an unfinished item as partial credit

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read the settings from ``environ`` (default: the process environment)."""
        env = os.environ if environ is None else environ
        return cls(
            database_url=resolve_database_url(env.get("ITA_DATABASE_URL") or DEFAULT_DATABASE_URL),
            data_dir=Path(env.get("ITA_DATA_DIR") or DEFAULT_DATA_DIR),
            public_read=_flag(env.get("ITA_PUBLIC_READ"), True),
            default_station=(env.get("ITA_DEFAULT_STATION") or "").strip(),
            at_risk_days=int(env.get("ITA_AT_RISK_DAYS") or 14),
            behind_points=int(env.get("ITA_BEHIND_POINTS") or 25),
            overload_open_items=int(env.get("ITA_OVERLOAD_OPEN_ITEMS") or 10),
            timezone=env.get("ITA_TIMEZONE") or "Asia/Bangkok",
            import_max_bytes=int(env.get("ITA_IMPORT_MAX_BYTES") or 5 * 1024 * 1024),
            import_max_rows=int(env.get("ITA_IMPORT_MAX_ROWS") or 5000),
            weight_iit=float(env.get("ITA_WEIGHT_IIT") or 30),
            weight_eit=float(env.get("ITA_WEIGHT_EIT") or 30),
            weight_oit=float(env.get("ITA_WEIGHT_OIT") or 40),
            oit_scoring=_choice(env, "ITA_OIT_SCORING", ("item", "sub_indicator")),
            oit_component_credit=_flag(env.get("ITA_OIT_COMPONENT_CREDIT"), False),
        )


def get_settings() -> Settings:
    """The settings of this process (read fresh, so tests can set the environment)."""
    return Settings.from_env()
