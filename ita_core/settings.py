"""Settings, read from the environment in one place (pydantic-settings, prefix ``ITA_``).

Each field of :class:`Settings` is the variable ``ITA_<FIELD NAME IN CAPITALS>``: for example
``ITA_DATABASE_URL`` (default ``sqlite:///data/ita.db``, relative to the repository),
``ITA_DATA_DIR`` (the seed folder, default ``data/``) and ``ITA_DEFAULT_STATION`` (the station
shown when none is named; default: the first station, by code, that has a plan). Thresholds of
the status rules live here too so pages never carry literals. An empty variable means the default.

``Settings.from_env()`` (and ``get_settings()``) read the environment; ``Settings(...)`` in code
and tests is the defaults plus the arguments given, whatever the environment holds. A bad value
stops with :class:`SettingsError`, one line per variable that names it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings.sources.utils import parse_env_vars

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT / "data"
DEFAULT_DATABASE_URL = "sqlite:///data/ita.db"
ENV_PREFIX = "ITA_"
OIT_SCORING_CHOICES = ("item", "sub_indicator")
MIN_SECRET_KEY_LENGTH = 32

_TRUE = {"1", "true", "yes", "on"}


class SettingsError(ValueError):
    """A variable holds a value the settings cannot use; the message names it (Thai / English)."""


def env_name(field_name: str) -> str:
    """The environment variable of one setting: ``at_risk_days`` → ``ITA_AT_RISK_DAYS``."""
    return ENV_PREFIX + field_name.upper()


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


class _MappingEnvSource(EnvSettingsSource):
    """The ``ITA_*`` variables of a given mapping instead of the process environment."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._environ, self.case_sensitive, self.env_ignore_empty,
                              self.env_parse_none_str)


class Settings(BaseSettings):
    """Everything configurable about one installation."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_ignore_empty=True,  # ITA_X= (empty) means the default, as an unset variable does
        frozen=True,
        validate_default=True,  # the default database URL is resolved like a given one
        extra="forbid",
    )

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
    # Score projection (ita_core/score.py), how it scores OIT items: our rule, not an official NACC
    # one. The tool weights, pass mark and rating bands are per fiscal year in the framework.
    # "item": every OIT item weighs the same; "sub_indicator": every sub-indicator
    oit_scoring: Literal["item", "sub_indicator"] = "item"
    oit_component_credit: bool = False  # count ticked components of an unfinished item as partial credit
    # A login kept in the browser across reloads (ita_core/sessions.py): the key that signs it
    # (empty: a generated key kept in a file, see sessions.key_file) and its lifetime; 0 hours
    # keeps no login beyond the open tab.
    secret_key: SecretStr = SecretStr("")
    session_hours: int = Field(default=12, ge=0, le=24 * 90)
    link_timeout_s: float = Field(default=10.0, gt=0, le=120)  # seconds one evidence link may take
    # Reminders (ita_core/remind.py, `ita remind`): the app's address for the link in each digest,
    # the SMTP server (smtp://user:pass@host:587 STARTTLS, smtps://…:465 SSL, smtp://127.0.0.1:25
    # plain on loopback only) and sender, and the LINE Messaging API (base URL and channel token)
    public_url: str = ""
    smtp_url: SecretStr = SecretStr("")
    smtp_from: str = ""
    line_api_url: str = "https://api.line.me"
    line_channel_token: SecretStr = SecretStr("")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the arguments: the environment is read by :meth:`from_env`, so ``Settings()`` in a
        test is the defaults even when the shell running it sets ``ITA_*``."""
        return (init_settings,)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``environ`` (default: the process environment)."""
        source = EnvSettingsSource(cls) if environ is None else _MappingEnvSource(cls, environ)
        values = source()
        try:
            return cls(**values)
        except ValidationError as error:
            raise SettingsError(_explain(error, values)) from None

    @field_validator("database_url")
    @classmethod
    def _resolve_database_url(cls, value: str) -> str:
        return resolve_database_url(value)

    @field_validator("public_read", "oit_component_credit", mode="before")
    @classmethod
    def _flag(cls, value: Any, info: ValidationInfo) -> Any:
        """1/true/yes/on (any case) is on, any other word off, blank the default."""
        if not isinstance(value, str):
            return value
        if value.strip() == "":
            assert info.field_name is not None
            return cls.model_fields[info.field_name].default
        return value.strip().lower() in _TRUE

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        """A short key can be guessed offline from one token; blank means the generated one."""
        text = value.get_secret_value().strip()
        if text and len(text) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(f"{env_name('secret_key')}: ต้องยาวอย่างน้อย {MIN_SECRET_KEY_LENGTH} ตัวอักษร "
                             f"/ must be at least {MIN_SECRET_KEY_LENGTH} characters")
        return SecretStr(text)

    @field_validator("default_station", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("oit_scoring", mode="before")
    @classmethod
    def _choice(cls, value: Any, info: ValidationInfo) -> Any:
        """One of the choices (the first is the default); anything else stops with the variable named."""
        if not isinstance(value, str):
            return value
        value = value.strip() or OIT_SCORING_CHOICES[0]
        if value not in OIT_SCORING_CHOICES:
            assert info.field_name is not None
            raise ValueError(f"{env_name(info.field_name)}={value!r}: ต้องเป็นค่าใดค่าหนึ่งใน "
                             f"{OIT_SCORING_CHOICES} / must be one of {OIT_SCORING_CHOICES}")
        return value


def _explain(error: ValidationError, values: Mapping[str, Any]) -> str:
    """One line per bad variable, naming it and its value, instead of pydantic's report."""
    lines = []
    for problem in error.errors(include_url=False):
        field = str(problem["loc"][0]) if problem["loc"] else ""
        if problem["type"] == "value_error" and "error" in problem.get("ctx", {}):
            lines.append(str(problem["ctx"]["error"]))  # our own message, already naming the variable
        else:
            lines.append(f"{env_name(field)}={values.get(field)!r}: ค่าใช้ไม่ได้ / invalid value: "
                         f"{problem['msg']}")
    return "\n".join(lines)


def get_settings() -> Settings:
    """The settings of this process, for the environment as it is now (so tests can set it).

    Validated once per distinct set of ``ITA_*`` variables: a page run asks a handful of times,
    and reading and validating the environment each time cost a few milliseconds on every rerun.
    """
    return _settings_for(tuple(sorted((name, value) for name, value in os.environ.items()
                                      if name.upper().startswith(ENV_PREFIX))))


@lru_cache(maxsize=8)
def _settings_for(environment: tuple[tuple[str, str], ...]) -> Settings:
    """Settings of one snapshot of the ``ITA_*`` variables."""
    return Settings.from_env(dict(environment))
