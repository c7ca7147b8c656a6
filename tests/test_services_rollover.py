"""Rollover of the seed plan from FY 2567 to FY 2568: exact dates, refusal, audit; and to a FY 2570
framework with items renamed, dropped, added and renumbered."""

from datetime import date

import pytest
from sqlalchemy import Engine, event, func
from sqlmodel import Session, select

from ita_core import queries, services
from ita_core.auth import CLI, Actor
from ita_core.cli import main
from ita_core.db import session_scope
from ita_core.framework import framework_of
from ita_core.models import (
    Activity,
    Assignment,
    AuditLog,
    CatalogueComponent,
    CatalogueItem,
    OitComponent,
    OitItem,
    Phase,
    RecurringDuty,
    SurveyQuota,
)
from ita_core.services import PermissionDenied, ValidationFailed
from ita_core.services.plan import YearStart
from ita_core.services.rollover import RolloverReport, preview_rollover, rollover
from ita_core.services.writer import Writer
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


def framework_for(engine: Engine, year: int) -> None:
    """Give ``year`` a copy of the seed's framework (a rollover needs the target year's framework)."""
    with session_scope(engine) as session:
        if framework_of(session, year) is None:
            Writer(session, CLI, source="cli").copy_framework(from_year=2567, to_year=year)


def roll(engine: Engine, **kwargs) -> RolloverReport:
    framework_for(engine, 2568)
    with session_scope(engine) as session:
        return rollover(session, CLI, 1, 2567, 2568, **kwargs)


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
                            .where(SurveyQuota.fiscal_year == 2568)).one() == 7


def test_rollover_is_audited_and_admin_only(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        rollover(session, Actor("o", "officer", person_id=1), 1, 2567, 2568)
    framework_for(engine, 2568)  # opens the year (source cli)
    with Session(engine) as session:
        before = session.exec(select(func.max(AuditLog.id))).one()
        opened = session.exec(select(AuditLog.field, AuditLog.new).where(AuditLog.table_name == "fiscal_year",
                                                                         AuditLog.row_id == 2568)).all()
    assert dict(opened) == {"be_year": "2568", "start": "2024-10-01", "end": "2025-09-30"}
    roll(engine)
    with Session(engine) as session:
        rolled = select(AuditLog).where(AuditLog.id > before)
        sources = {row.source for row in session.exec(rolled)}
        tables = {row.table_name for row in session.exec(rolled)}
    assert sources == {"rollover"}
    assert tables == {"activity", "oit_item", "oit_component", "assignment", "recurring_duty", "survey_quota",
                      "phase", "plan_issue"}


def test_cli_rollover(db_url: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["rollover", "--from", "2567", "--to", "2568"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "ผิดพลาด: ปีงบประมาณ 2568 ยังไม่มีเกณฑ์การประเมิน ITA (รายการ OIT ปฏิทิน และเกณฑ์คะแนน) — "
        "สร้างก่อนด้วยคำสั่ง `ita framework copy --from 2567 --to 2568`"]
    assert main(["framework", "copy", "--from", "2567", "--to", "2568"]) == 0
    assert main(["rollover", "--from", "2567", "--to", "2568"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "2567 → 2568" in out[1]
    assert out[2:] == [
        "รายการ OIT เทียบกับเกณฑ์ปี 2568:",
        "  คงเดิม 25 รายการ: " + ", ".join(f"O{n}" for n in range(1, 26)),
        "  เปลี่ยนชื่อ 0 รายการ: —",
        "  ตัดออก 0 รายการ (ไม่คัดลอก ความคืบหน้ายังอยู่ในปี 2567): —",
        "  ใหม่ 0 รายการ (เพิ่มโดยยังไม่มอบหมาย): —"]
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


# --- across frameworks: a later year's catalogue decides the OIT items --------------------------------

NEW_O5 = "ช่องทางการติดต่อและการรับฟังความคิดเห็นออนไลน์"
O26 = "การเปิดเผยผลการดำเนินการตามมาตรการส่งเสริมคุณธรรม"


def _entry(session: Session, year: int, code: str) -> CatalogueItem:
    return session.exec(select(CatalogueItem).where(CatalogueItem.fiscal_year == year,
                                                    CatalogueItem.code == code)).one()


def _drop_entry(session: Session, year: int, code: str) -> None:
    entry = _entry(session, year, code)
    for line in session.exec(select(CatalogueComponent).where(CatalogueComponent.item_id == entry.id)):
        session.delete(line)
    session.flush()
    session.delete(entry)


def _framework_2570_with_two_items_changed(engine: Engine) -> None:
    """2570 copied from 2567, then (rows set up directly, as a framework import would) O5 renamed
    with a new checklist, O12 dropped and O26 added."""
    framework_for(engine, 2570)
    with session_scope(engine) as session:
        o5 = _entry(session, 2570, "O5")
        o5.title_th = NEW_O5
        for line in session.exec(select(CatalogueComponent).where(CatalogueComponent.item_id == o5.id)):
            session.delete(line)
        session.flush()
        session.add_all([CatalogueComponent(item_id=o5.id, seq=1, text_th="หมายเลขโทรศัพท์และอีเมล"),
                         CatalogueComponent(item_id=o5.id, seq=2, text_th="แบบรับฟังความคิดเห็นออนไลน์")])
        _drop_entry(session, 2570, "O12")
        o26 = CatalogueItem(fiscal_year=2570, code="O26", number=26, sub_indicator="10.2", title_th=O26,
                            deadline="ภายใน ๓๑ มี.ค.๗๐", due_date=date(2027, 3, 31))
        session.add(o26)
        session.flush()
        session.add_all([CatalogueComponent(item_id=o26.id, seq=1, text_th="รายงานผลตามมาตรการ"),
                         CatalogueComponent(item_id=o26.id, seq=2, text_th="ลิงก์เผยแพร่บนเว็บไซต์")])


def test_rollover_matches_items_against_the_new_years_catalogue(engine: Engine) -> None:
    _framework_2570_with_two_items_changed(engine)
    with Session(engine) as session:
        old = {i.code: i for i in session.exec(select(OitItem).where(OitItem.fiscal_year == 2567))}
        old_o12 = old["O12"].model_dump()
        o12_components = len(session.exec(select(OitComponent)
                                          .where(OitComponent.item_id == old["O12"].id)).all())
    with session_scope(engine) as session:
        report = rollover(session, CLI, 1, 2567, 2570)
    kept = [f"O{n}" for n in range(1, 26) if n not in (5, 12)]
    assert [code for code, _ in report.kept] == kept
    assert report.renamed == [("O5", old["O5"].title, NEW_O5)]
    assert report.dropped == [("O12", old["O12"].title)]
    assert report.new == [("O26", O26)]
    assert report.counts == {"activities": 26, "oit_items": 25,
                             "components": 128 - 6 - o12_components + 2 + 2,
                             "assignments": 199, "duties": 42, "quotas": 7, "phases": 9, "plan_issues": 25}
    assert report.lines_th(2567, 2570) == [
        "รายการ OIT เทียบกับเกณฑ์ปี 2570:",
        f"  คงเดิม 23 รายการ: {', '.join(kept)}",
        f"  เปลี่ยนชื่อ 1 รายการ: O5 «{old['O5'].title}» → «{NEW_O5}»",
        f"  ตัดออก 1 รายการ (ไม่คัดลอก ความคืบหน้ายังอยู่ในปี 2567): O12 {old['O12'].title}",
        f"  ใหม่ 1 รายการ (เพิ่มโดยยังไม่มอบหมาย): O26 {O26}"]
    with Session(engine) as session:
        new = {i.code: i for i in session.exec(select(OitItem).where(OitItem.fiscal_year == 2570))}
        assert sorted(new, key=lambda c: int(c[1:])) == [*[f"O{n}" for n in range(1, 26) if n != 12], "O26"]
        assert all(i.catalogue_item_id == _entry(session, 2570, code).id for code, i in new.items())
        assert new["O5"].title == NEW_O5
        assert [c.text for c in session.exec(select(OitComponent).where(OitComponent.item_id == new["O5"].id)
                                             .order_by(OitComponent.seq))] == [
            "หมายเลขโทรศัพท์และอีเมล", "แบบรับฟังความคิดเห็นออนไลน์"]
        assert (new["O1"].due_date, new["O1"].due_text) == (date(2027, 1, 31), "ภายใน ๓๑ ม.ค.๗๐")
        assert (new["O26"].due_date, new["O26"].due_text, new["O26"].status) == (
            date(2027, 3, 31), "ภายใน ๓๑ มี.ค.๗๐", "not_started")

        def owners(item_id: int) -> int:
            return len(session.exec(select(Assignment).where(Assignment.oit_item_id == item_id)).all())

        assert owners(new["O26"].id) == 0  # new: unassigned
        assert owners(new["O5"].id) == owners(old["O5"].id) > 0  # renamed: its owners stay
        assigned = session.exec(select(func.count()).select_from(Assignment)
                                .where(Assignment.fiscal_year == 2570)).one()
        assert assigned == 204 - owners(old["O12"].id)  # 191 on plan rows, 13 survey collectors
        duties = session.exec(select(func.count()).select_from(RecurringDuty)
                              .where(RecurringDuty.fiscal_year == 2570)).one()
        assert duties == 43 - 1  # O12's monthly report is not copied
        assert session.get(OitItem, old["O12"].id).model_dump() == old_o12  # its progress stays in 2567
        trail = session.exec(select(AuditLog.source).where(AuditLog.table_name == "oit_item",
                                                           AuditLog.row_id == new["O26"].id).distinct()).all()
        assert trail == ["rollover"]


def test_rollover_to_a_renumbered_framework_of_23_items(engine: Engine) -> None:
    """2570 with 23 items: O24 and O25 gone, O6 moved to 9.2, O23 under a new sub-indicator 10.3."""
    from ita_core import oit_matrix
    from ita_core.models import FrameworkSubIndicator, SubIndicator

    framework_for(engine, 2570)
    with session_scope(engine) as session:
        _drop_entry(session, 2570, "O24")
        _drop_entry(session, 2570, "O25")
        session.add(FrameworkSubIndicator(fiscal_year=2570, code="10.3", indicator=10,
                                          name_th="การส่งเสริมคุณธรรมภายในหน่วยงาน"))
        _entry(session, 2570, "O6").sub_indicator = "9.2"
        _entry(session, 2570, "O23").sub_indicator = "10.3"
    with session_scope(engine) as session:
        report = rollover(session, CLI, 1, 2567, 2570)
    assert [c for c, _ in report.kept] == [f"O{n}" for n in range(1, 24)]
    assert (report.renamed, report.new) == ([], [])
    assert [code for code, _ in report.dropped] == ["O24", "O25"]
    with session_scope(engine) as session:
        new = {i.code: i for i in session.exec(select(OitItem).where(OitItem.fiscal_year == 2570))}
        assert len(new) == 23
        assert (new["O6"].sub_indicator, new["O23"].sub_indicator, new["O22"].sub_indicator) == (
            "9.2", "10.3", "10.1")
        added = session.get(SubIndicator, "10.3")
        assert (added.indicator, added.name_th) == (10, "การส่งเสริมคุณธรรมภายในหน่วยงาน")
        trail = session.exec(select(AuditLog.source, AuditLog.field, AuditLog.new)
                             .where(AuditLog.table_name == "sub_indicator")).all()
        assert sorted(trail) == [("rollover", "code", "10.3"), ("rollover", "indicator", "10"),
                                 ("rollover", "name_th", "การส่งเสริมคุณธรรมภายในหน่วยงาน")]
        cells = oit_matrix.cells(session, 1, 2570, date(2027, 3, 16))
        assert len(cells) == 23 * 12
        # and a station added now starts with the 23 items
        station = services.create_station(session, CLI, "new", "สภ.ทดสอบใหม่", "ลำพูน").row_id
        started = Writer(session, CLI).start_station_year(station_id=station, fiscal_year=2570)
        assert started.items == [f"O{n}" for n in range(1, 24)]
        assert (started.duties, started.phases, started.quotas) == (12, 9, 6)  # 12 monthly items
        assert Writer(session, CLI).start_station_year(station_id=station, fiscal_year=2570) == YearStart()


def test_rollover_into_a_year_without_a_framework_names_the_command(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        rollover(session, CLI, 1, 2567, 2570)
    assert refused.value.errors == [
        "ปีงบประมาณ 2570 ยังไม่มีเกณฑ์การประเมิน ITA (รายการ OIT ปฏิทิน และเกณฑ์คะแนน) — "
        "สร้างก่อนด้วยคำสั่ง `ita framework copy --from 2567 --to 2570`"]
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(OitItem)
                            .where(OitItem.fiscal_year == 2570)).one() == 0


def _count(session: Session, model: type, year: int) -> int:
    return session.exec(select(func.count()).select_from(model).where(model.fiscal_year == year)).one()


def _audit_rows(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditLog)).one()


def test_the_preview_is_the_report_of_the_rollover_and_writes_nothing(engine: Engine) -> None:
    _framework_2570_with_two_items_changed(engine)
    before = _audit_rows(engine)
    with session_scope(engine) as session:
        preview = preview_rollover(session, CLI, station_id=1, from_year=2567, to_year=2570)
    assert _audit_rows(engine) == before
    with Session(engine) as session:
        assert _count(session, OitItem, 2570) == 0
    assert [c for c, _ in preview.kept[:4]] == ["O1", "O2", "O3", "O4"]
    assert [c for c, *_ in preview.renamed] == ["O5"]
    assert ([c for c, _ in preview.dropped], [c for c, _ in preview.new]) == (["O12"], ["O26"])
    assert not preview.replaces
    assert preview.counts_th() == (
        "มาตรการ/กิจกรรม 26 · ข้อมูล OIT 25 · องค์ประกอบ " + f"{preview.counts['components']}"
        + " · การมอบหมาย 199 · รอบรายงาน 42 · โควตาผู้ตอบ 7 · ขั้นตอนปฏิทิน ITA 9 · ประเด็นที่ต้องปรับปรุง 25")
    with session_scope(engine) as session:
        done = Writer(session, CLI, source="cli").rollover(station_id=1, from_year=2567, to_year=2570)
    assert done == preview
    with Session(engine) as session:
        models = (Activity, OitItem, Assignment, RecurringDuty, SurveyQuota, Phase)
        assert [_count(session, m, 2570) for m in models] == [26, 25, 199, 42, 7, 9]
    with session_scope(engine) as session:  # now the year has a plan: the preview says it would be replaced
        again = preview_rollover(session, CLI, station_id=1, from_year=2567, to_year=2570)
    assert again.replaces and again.counts == done.counts


def test_the_preview_reads_the_target_years_catalogue_once(engine: Engine) -> None:
    """The rollover matches items against the catalogue and hands the same list to what the
    framework adds (the admin page's year tab read it twice on every run)."""
    _framework_2570_with_two_items_changed(engine)
    reads: list[str] = []

    def catalogue_read(_conn, _cursor, statement: str, *_args) -> None:
        if "FROM oit_catalogue_item" in statement and "oit_catalogue_item.fiscal_year =" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", catalogue_read)
    try:
        with Session(engine) as session:
            preview = preview_rollover(session, CLI, station_id=1, from_year=2567, to_year=2570)
    finally:
        event.remove(engine, "before_cursor_execute", catalogue_read)
    assert len(reads) == 1
    assert ([c for c, _ in preview.dropped], [c for c, _ in preview.new]) == (["O12"], ["O26"])


def test_the_preview_is_refused_like_the_rollover(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        preview_rollover(session, CLI, station_id=1, from_year=2567, to_year=2569)
    assert refused.value.errors == [
        "ปีงบประมาณ 2569 ยังไม่มีเกณฑ์การประเมิน ITA (รายการ OIT ปฏิทิน และเกณฑ์คะแนน) — "
        "สร้างก่อนด้วยคำสั่ง `ita framework copy --from 2567 --to 2569`"]
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        preview_rollover(session, Actor("o", "officer", person_id=1), station_id=1, from_year=2567,
                         to_year=2568)


def test_the_rollover_copies_through_the_validators(engine: Engine) -> None:
    """A row the quota form would refuse (a minimum of 0, set here behind the services' back) stops
    the rollover with the form's Thai message, and nothing of the new year is written."""
    framework_for(engine, 2568)
    with session_scope(engine) as session:
        quota = session.exec(select(SurveyQuota).where(SurveyQuota.department == "ฝ่ายจราจร")).one()
        quota.min_respondents = 0
    before = _audit_rows(engine)
    with pytest.raises(ValidationFailed) as refused, session_scope(engine) as session:
        rollover(session, CLI, 1, 2567, 2568)  # the transaction rolls back
    assert refused.value.errors == ["จำนวนผู้ตอบขั้นต่ำต้องเป็นจำนวนเต็ม 1–100,000 (ได้รับ 0)"]
    assert _audit_rows(engine) == before
    with Session(engine) as session:
        assert _count(session, Activity, 2568) == 0


def _refused_rollover(engine: Engine) -> list[str]:
    """The rollover's refusal, checked to have written nothing."""
    before = _audit_rows(engine)
    with pytest.raises(ValidationFailed) as refused, session_scope(engine) as session:
        rollover(session, CLI, 1, 2567, 2568)  # the transaction rolls back
    assert _audit_rows(engine) == before
    return refused.value.errors


def test_a_plan_issue_is_copied_through_its_validator(engine: Engine) -> None:
    """An issue emptied behind the services' back stops the rollover with the validator's words."""
    from ita_core.models import PlanIssue

    framework_for(engine, 2568)
    with session_scope(engine) as session:
        session.exec(select(PlanIssue).where(PlanIssue.indicator == 1, PlanIssue.seq == 2)).one().text = " "
    assert _refused_rollover(engine) == ["ประเด็นลำดับ 2 ของตัวชี้วัดที่ 1 ว่าง"]


def test_an_oit_item_is_copied_through_its_validator(engine: Engine) -> None:
    """The new year's catalogue title of O3 emptied behind the services' back: the copy is refused."""
    framework_for(engine, 2568)
    with session_scope(engine) as session:
        session.exec(select(CatalogueItem).where(CatalogueItem.fiscal_year == 2568,
                                                 CatalogueItem.code == "O3")).one().title_th = " "
    assert _refused_rollover(engine) == ["รายการ O3 ต้องมีชื่อข้อมูล"]


def test_survey_collectors_are_copied_as_checked_assignments(engine: Engine) -> None:
    roll(engine)
    with Session(engine) as session:
        collectors = session.exec(select(Assignment).where(Assignment.fiscal_year == 2568,
                                                           Assignment.survey_quota_id.is_not(None))).all()
        quotas = set(session.exec(select(SurveyQuota.id).where(SurveyQuota.fiscal_year == 2568)))
        assert len(collectors) == 13  # the seed's 2567 collectors
        assert {row.survey_quota_id for row in collectors} <= quotas
        trail = set(session.exec(select(AuditLog.field).where(AuditLog.table_name == "assignment",
                                                              AuditLog.row_id == collectors[0].id)))
        assert {"person_id", "role", "survey_quota_id"} <= trail
        assert "activity_id" not in trail


def test_a_rollover_from_a_year_without_a_calendar_takes_the_frameworks(engine: Engine) -> None:
    """The old year has no calendar and no quotas: the new year gets the target framework's (as a
    new station would), and the preview says so."""
    from ita_core.models import SurveyCount  # noqa: F401  (no counts in the seed)

    framework_for(engine, 2568)
    with session_scope(engine) as session:
        for collector in session.exec(select(Assignment).where(Assignment.survey_quota_id.is_not(None))):
            session.delete(collector)
        session.flush()
        for row in [*session.exec(select(SurveyQuota)), *session.exec(select(Phase))]:
            session.delete(row)
    with session_scope(engine) as session:
        preview = preview_rollover(session, CLI, station_id=1, from_year=2567, to_year=2568)
        done = rollover(session, CLI, 1, 2567, 2568)
    assert done == preview
    assert (done.counts["phases"], done.counts["quotas"], done.counts["assignments"]) == (9, 6, 191)
    with Session(engine) as session:
        phases = session.exec(select(Phase).where(Phase.fiscal_year == 2568).order_by(Phase.seq)).all()
        assert (phases[0].name, phases[0].start) == ("เตรียมความพร้อม", date(2024, 10, 1))
        trail = session.exec(select(AuditLog.source).where(AuditLog.table_name == "phase").distinct()).all()
        assert trail == ["rollover"]
