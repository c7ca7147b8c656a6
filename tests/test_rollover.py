"""Rollover of the seed plan from FY 2567 to FY 2568: exact dates, refusal, audit."""

from datetime import date

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from ita_core import queries
from ita_core.auth import CLI, Actor
from ita_core.cli import main
from ita_core.db import session_scope
from ita_core.models import Activity, AuditLog, OitItem, Phase, RecurringDuty, SurveyQuota
from ita_core.rollover import rollover
from ita_core.services import PermissionDenied, ValidationFailed
from ita_core.thai_dates import parse_due, shift_be_years_in_text, shift_year


@pytest.mark.parametrize(("day", "expected"), [
    (date(2024, 3, 30), date(2025, 3, 30)),
    (date(2024, 2, 29), date(2025, 2, 28)),  # leap day → last day of February
    (date(2023, 2, 28), date(2024, 2, 29)),  # month end stays month end
    (date(2024, 2, 28), date(2025, 2, 28)),  # 28 Feb 2024 is not a month end
    (date(2023, 10, 31), date(2024, 10, 31)),
    (date(2024, 9, 30), date(2025, 9, 30)),
])
def test_shift_year(day: date, expected: date) -> None:
    assert shift_year(day) == expected


def test_shift_be_years_in_text() -> None:
    assert shift_be_years_in_text("ภายใน ๓๑ ม.ค.๖๗") == "ภายใน ๓๑ ม.ค.๖๘"
    assert shift_be_years_in_text("๑ ตุลาคม ๒๕๖๖ ถึง ๓๑ ธันวาคม ๒๕๖๖") == "๑ ตุลาคม ๒๕๖๗ ถึง ๓๑ ธันวาคม ๒๕๖๗"
    assert shift_be_years_in_text("15 มี.ค. 2567") == "15 มี.ค. 2568"
    assert shift_be_years_in_text("ทุก ๑ เดือน") == "ทุก ๑ เดือน"


def roll(engine: Engine, **kwargs) -> None:
    with session_scope(engine) as session:
        rollover(session, CLI, 1, 2567, 2568, **kwargs)


def test_rollover_shifts_every_date_of_the_seed(engine: Engine) -> None:
    roll(engine)
    with Session(engine) as session:
        old = {a.seq: a for a in session.exec(select(Activity).where(Activity.fiscal_year == 2567))}
        new = {a.seq: a for a in session.exec(select(Activity).where(Activity.fiscal_year == 2568))}
        items = {i.code: i for i in session.exec(select(OitItem).where(OitItem.fiscal_year == 2568))}
        phases = session.exec(select(Phase).where(Phase.fiscal_year == 2568).order_by(Phase.seq)).all()
        duties = session.exec(select(RecurringDuty).where(RecurringDuty.fiscal_year == 2568,
                                                          RecurringDuty.end.is_not(None))).all()
        assert [fy.be_year for fy in queries.fiscal_years(session, 1)] == [2568, 2567]
        assert len(queries.people(session, 1, 2568)) == 40
    assert len(new) == 26 and len(items) == 25
    for seq, row in old.items():
        assert new[seq].due_date == (shift_year(row.due_date) if row.due_date else None)
        assert parse_due(new[seq].due_text, 2568).date == new[seq].due_date
    assert (new[2].due_date, new[2].due_text) == (date(2025, 3, 30), "๓๐ มี.ค.๖๘")
    assert (items["O1"].due_date, items["O1"].due_text) == (date(2025, 1, 31), "ภายใน ๓๑ ม.ค.๖๘")
    assert (items["O8"].due_date, items["O8"].due_text) == (date(2025, 2, 28), "ภายใน ก.พ.๖๘")
    assert (phases[0].start, phases[0].end) == (date(2024, 10, 1), date(2024, 12, 31))
    assert (phases[-1].start, phases[-1].end) == (date(2025, 8, 1), date(2025, 8, 31))
    assert {(d.start, d.end) for d in duties} == {(date(2024, 10, 1), date(2025, 3, 31))}
    assert all((r.status, r.progress, r.evidence_url, r.version) == ("not_started", 0, "", 1)
               for r in [*new.values(), *items.values()])


def test_rollover_resets_progress_and_evidence(demo_engine: Engine) -> None:
    roll(demo_engine)
    with Session(demo_engine) as session:
        new = queries.oit_items(session, 1, 2568)
        old = queries.oit_items(session, 1, 2567)
    assert (old["status"] == "done").sum() == 19
    assert set(new["status"]) == {"not_started"} and set(new["evidence_url"]) == {""}
    assert (new["components_total"] == old["components_total"]).all()
    assert list(new["responsible"]) == list(old["responsible"])


def test_second_rollover_is_refused_unless_overwrite(engine: Engine) -> None:
    roll(engine)
    with pytest.raises(ValidationFailed, match="มีแผนอยู่แล้ว"):
        roll(engine)
    roll(engine, overwrite=True)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Activity)
                            .where(Activity.fiscal_year == 2568)).one() == 26
        assert session.exec(select(func.count()).select_from(SurveyQuota)
                            .where(SurveyQuota.fiscal_year == 2568)).one() == 6


def test_rollover_is_audited_and_admin_only(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        rollover(session, Actor("o", "officer", person_id=1), 1, 2567, 2568)
    roll(engine)
    with Session(engine) as session:
        sources = session.exec(select(AuditLog.source, func.count()).group_by(AuditLog.source)).all()
        tables = set(session.exec(select(AuditLog.table_name).distinct()).all())
    assert dict(sources)["rollover"] > 0 and set(dict(sources)) == {"rollover"}
    assert tables == {"activity", "oit_item", "oit_component", "assignment", "recurring_duty", "survey_quota",
                      "phase", "fiscal_year", "plan_issue"}
    with Session(engine) as session:
        opened = session.exec(select(AuditLog.field, AuditLog.new).where(AuditLog.table_name == "fiscal_year",
                                                                         AuditLog.row_id == 2568)).all()
    assert dict(opened) == {"be_year": "2568", "start": "2024-10-01", "end": "2025-09-30"}


def test_cli_rollover(db_url: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["rollover", "--from", "2567", "--to", "2568"]) == 0
    assert "2567 → 2568" in capsys.readouterr().out
    assert main(["rollover", "--from", "2567", "--to", "2568"]) == 2
    assert "มีแผนอยู่แล้ว" in capsys.readouterr().err


def test_comparison_with_last_year_after_rollover(demo_engine: Engine) -> None:
    from ita_core.plan import year_comparison
    from ita_core.settings import Settings

    with Session(demo_engine) as session:
        assert year_comparison(session, 1, 2567, date(2024, 3, 16), Settings()) is None
    roll(demo_engine)
    with Session(demo_engine) as session:
        table = year_comparison(session, 1, 2568, date(2025, 3, 16), Settings()).set_index("number")
    assert table.loc[3, "last_year_same_day"] == 100.0  # indicator 3 was done in the demo
    assert table.loc[1, "last_year_same_day"] == pytest.approx(85.7)  # 6 of 7
    assert (table["this_year"] == 0.0).all()  # the new year starts over


def test_overwrite_also_clears_ticked_cells_and_survey_counts(engine: Engine) -> None:
    from ita_core import services
    from ita_core.models import Publication, SurveyCount

    roll(engine)
    with session_scope(engine) as session:
        o7 = session.exec(select(OitItem).where(OitItem.code == "O7", OitItem.fiscal_year == 2568)).one()
        services.set_publication(session, CLI, o7.id, date(2024, 10, 1), True, "https://cm.police.go.th/o7")
        quota = session.exec(select(SurveyQuota).where(SurveyQuota.fiscal_year == 2568)).first()
        services.record_survey_count(session, CLI, quota.id, date(2025, 1, 15), 12)
    roll(engine, overwrite=True)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Publication)).one() == 0
        assert session.exec(select(func.count()).select_from(SurveyCount)).one() == 0
        deleted = session.exec(select(AuditLog.table_name).where(AuditLog.field == "url",
                                                                 AuditLog.new.is_(None))).all()
    assert deleted == ["publication"]
