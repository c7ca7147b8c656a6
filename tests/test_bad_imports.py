"""Every file of the bad-import corpus is refused with a Thai message naming the problem, and the
database stays exactly as it was (a full export before and after is compared)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core import imports, services
from ita_core.auth import CLI
from ita_core.cli import main
from ita_core.db import session_scope
from ita_core.models import Station
from ita_core.settings import get_settings
from tests.make_bad_imports import CASES, OUT, build
from tests.transfer_support import full_export


@pytest.fixture(scope="module")
def corpus() -> dict[str, Path]:
    """The corpus, generated into tests/data/bad_imports/ from tests/make_bad_imports.py."""
    return build(OUT)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_refused_and_nothing_changes(name: str, corpus: dict[str, Path], engine: Engine,
                                                 capsys: pytest.CaptureFixture) -> None:
    before = full_export(engine)
    assert main(["import", str(corpus[name])]) == 2
    err = capsys.readouterr().err
    for words in CASES[name]:
        assert words in err, err
    assert "ไม่ได้นำเข้า" in err
    with Session(engine) as session:
        station = session.exec(select(Station)).one()
    with pytest.raises(services.ValidationFailed) as refused, session_scope(engine) as session:
        imports.commit(session, CLI, corpus[name].read_bytes(), name, station_id=station.id, fiscal_year=2567,
                       settings=get_settings())
    assert all(words in str(refused.value) for words in CASES[name])
    assert full_export(engine) == before


def test_the_corpus_covers_what_the_issue_lists() -> None:
    kinds = {"wrong columns": "missing_column.xlsx", "wrong types": "wrong_types.xlsx",
             "unparseable dates": "unparseable_date.xlsx", "unknown indicator": "unknown_indicator.xlsx",
             "formulas": "formula.xlsx", "merged cells": "merged_cells.xlsx", "empty file": "empty.xlsx",
             "non-Excel bytes named .xlsx": "not_excel.xlsx", "password-protected": "password.xlsx",
             "sheet over the row limit": "too_many_rows.xlsx", "file over the byte limit": "too_big.xlsx",
             "sheet over the byte limit": "sheet_too_big.xlsx"}
    assert set(kinds.values()) <= set(CASES)


def test_limits_come_from_the_settings(corpus: dict[str, Path], engine: Engine,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITA_IMPORT_MAX_ROWS", "6000")
    monkeypatch.setenv("ITA_IMPORT_MAX_BYTES", str(8 * 1024 * 1024))
    with Session(engine) as session:
        station = session.exec(select(Station)).one()
        result = imports.preview(session, corpus["too_many_rows.xlsx"].read_bytes(), "too_many_rows.xlsx",
                                 station_id=station.id, fiscal_year=2567, settings=get_settings())
    assert result.errors == [] and result.count("add") == 5011


def test_import_limits_default_to_5_mb_and_5000_rows() -> None:
    from ita_core.settings import Settings

    settings = Settings.from_env({})
    assert (settings.import_max_bytes, settings.import_max_rows) == (5 * 1024 * 1024, 5000)
