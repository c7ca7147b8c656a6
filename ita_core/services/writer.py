"""``Writer``: one caller's writes, with the session, the acting user and the channel bound once.

Every method takes keyword-only arguments with the same names everywhere: ``row_id`` for the
row, ``seen_version`` for the version the user saw (None: "I saw no row"), ``values`` for the
fields to store. Each delegates to the audience module that asks the permission module,
validates, compares versions and audits, so a form, the CLI, an import or the rollover write
exactly the same way; they differ only in ``source`` (form, cli, import, rollover, demo …),
which the audit trail records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from ita_core.auth import Actor
from ita_core.framework_workbook import FrameworkChanges, FrameworkWorkbook
from ita_core.links import LinkResult
from ita_core.models import UserRole
from ita_core.services import accounts, framework, links, plan, progress, reminders, surveys
from ita_core.services import rollover as year_rollover
from ita_core.services.core import Saved


@dataclass(frozen=True)
class Writer:
    """Writes of one actor through one channel, inside the caller's transaction."""

    session: Session
    actor: Actor
    source: str = "form"

    # --- officers: progress of their rows ---------------------------------------------------

    def update_progress(self, *, table: str, row_id: int, seen_version: int, values: dict[str, Any],
                        at: datetime | None = None) -> Saved:
        """``at`` backdates the row's ``updated_at`` (only the demo snapshot does, for the meeting view)."""
        return progress.update_progress(self.session, self.actor, table, row_id, seen_version, values,
                                        self.source, at=at)

    def set_component_done(self, *, component_id: int, seen_version: int, done: bool) -> Saved:
        return progress.set_component_done(self.session, self.actor, component_id, seen_version, done,
                                           self.source)

    def set_publication(self, *, item_id: int, month: date, done: bool, url: str,
                        seen_version: int | None = None, note: str = "") -> Saved:
        return progress.set_publication(self.session, self.actor, item_id, month, done, url, seen_version,
                                        note, self.source)

    # --- the ITA secretary: surveys and scores ----------------------------------------------

    def record_survey_count(self, *, quota_id: int, day: date, collected: Any,
                            seen_version: int | None = None, note: str = "") -> Saved:
        return surveys.record_survey_count(self.session, self.actor, quota_id, day, collected, seen_version,
                                           note, self.source)

    def save_score_input(self, *, station_id: int, fiscal_year: int, values: dict[str, Any],
                         seen_version: int | None = None) -> Saved:
        return surveys.save_score_input(self.session, self.actor, station_id, fiscal_year, values,
                                        seen_version, self.source)

    def save_score_history(self, *, station_id: int, fiscal_year: Any, values: dict[str, Any],
                           seen_version: int | None = None) -> Saved:
        return surveys.save_score_history(self.session, self.actor, station_id, fiscal_year, values,
                                          seen_version, self.source)

    def save_quota(self, *, values: dict[str, Any], row_id: int | None = None,
                   seen_version: int | None = None, station_id: int | None = None,
                   fiscal_year: int | None = None) -> Saved:
        return surveys.save_quota(self.session, self.actor, values, row_id, seen_version, self.source,
                                  station_id=station_id, fiscal_year=fiscal_year)

    def delete_quota(self, *, row_id: int, seen_version: int) -> None:
        surveys.delete_quota(self.session, self.actor, row_id, seen_version, self.source)

    # --- the ITA secretary: the evidence link check -----------------------------------------

    def record_link_checks(self, *, station_id: int, results: Sequence[LinkResult]) -> int:
        """Store fetched results (``ita_core.links.check_urls``, run outside the transaction)."""
        return links.record_link_checks(self.session, self.actor, station_id, results, self.source)

    # --- the ITA secretary: reminders ---------------------------------------------------------

    def record_reminder(self, *, station_id: int, person_id: int | None, channel: str, address: str,
                        day: date, digest_hash: str, ok: bool, result: str) -> Saved:
        """Record one digest sent (``ita_core.remind.send``, run outside the transaction)."""
        return reminders.record_reminder(self.session, self.actor, station_id=station_id, person_id=person_id,
                                         channel=channel, address=address, day=day, digest_hash=digest_hash,
                                         ok=ok, result=result, source=self.source)

    # --- admins: the plan --------------------------------------------------------------------

    def save_activity(self, *, values: dict[str, Any], row_id: int | None = None,
                      seen_version: int | None = None, station_id: int | None = None,
                      fiscal_year: int | None = None) -> Saved:
        return plan.save_activity(self.session, self.actor, values, row_id, seen_version, self.source,
                                  station_id=station_id, fiscal_year=fiscal_year)

    def save_oit_item(self, *, row_id: int, seen_version: int, values: dict[str, Any]) -> Saved:
        return plan.save_oit_item(self.session, self.actor, row_id, seen_version, values, self.source)

    def delete_row(self, *, table: str, row_id: int, seen_version: int) -> Saved:
        return plan.delete_row(self.session, self.actor, table, row_id, seen_version, self.source)

    def save_component(self, *, item_id: int, text: str, row_id: int | None = None,
                       seen_version: int | None = None) -> Saved:
        return plan.save_component(self.session, self.actor, item_id, text, row_id, seen_version, self.source)

    def delete_component(self, *, row_id: int, seen_version: int) -> None:
        plan.delete_component(self.session, self.actor, row_id, seen_version, self.source)

    def save_person(self, *, values: dict[str, Any], row_id: int | None = None,
                    seen_version: int | None = None, station_id: int | None = None) -> Saved:
        return plan.save_person(self.session, self.actor, values, row_id, seen_version, self.source,
                                station_id=station_id)

    def add_assignment(self, *, person_id: int, role: str, activity_id: int | None = None,
                       oit_item_id: int | None = None, survey_quota_id: int | None = None,
                       note: str = "") -> Saved:
        """A role on exactly one of an activity, an OIT item or a survey quota (its collectors)."""
        return plan.add_assignment(self.session, self.actor, person_id, role, activity_id=activity_id,
                                   oit_item_id=oit_item_id, survey_quota_id=survey_quota_id, note=note,
                                   source=self.source)

    def remove_assignment(self, *, row_id: int) -> None:
        plan.remove_assignment(self.session, self.actor, row_id, self.source)

    def save_recurring_duty(self, *, values: dict[str, Any], row_id: int | None = None,
                            seen_version: int | None = None) -> Saved:
        return plan.save_recurring_duty(self.session, self.actor, values, row_id, seen_version, self.source)

    def delete_recurring_duty(self, *, row_id: int, seen_version: int) -> None:
        plan.delete_recurring_duty(self.session, self.actor, row_id, seen_version, self.source)

    def rollover(self, *, station_id: int, from_year: int, to_year: int,
                 overwrite: bool = False) -> year_rollover.RolloverReport:
        """Copy a station's plan into a later year, matched to that year's framework (audited rows);
        the report equals :func:`ita_core.services.rollover.preview_rollover` of the same years."""
        return year_rollover.rollover(self.session, self.actor, station_id, from_year, to_year, overwrite)

    def preview_rollover(self, *, station_id: int, from_year: int,
                         to_year: int) -> year_rollover.RolloverReport:
        """What :meth:`rollover` would write, read without writing (refused the same way)."""
        return year_rollover.preview_rollover(self.session, self.actor, station_id=station_id,
                                              from_year=from_year, to_year=to_year)

    def open_fiscal_year(self, *, be_year: int) -> None:
        plan.ensure_fiscal_year(self.session, be_year, actor=self.actor, source=self.source)

    def save_phase(self, *, values: dict[str, Any], row_id: int | None = None,
                   seen_version: int | None = None, station_id: int | None = None,
                   fiscal_year: int | None = None) -> Saved:
        return plan.save_phase(self.session, self.actor, values, row_id, seen_version, self.source,
                               station_id=station_id, fiscal_year=fiscal_year)

    def delete_phase(self, *, row_id: int, seen_version: int) -> None:
        plan.delete_phase(self.session, self.actor, row_id, seen_version, self.source)

    def start_station_year(self, *, station_id: int, fiscal_year: int) -> plan.YearStart:
        """What the year's framework gives a station's year it lacks: the OIT catalogue items
        (unassigned), and the calendar and survey quotas when it has none; what was added."""
        return plan.start_station_year(self.session, self.actor, station_id=station_id,
                                       fiscal_year=fiscal_year, source=self.source)

    def create_station(self, *, code: str, name_th: str, province: str = "") -> Saved:
        return plan.create_station(self.session, self.actor, code, name_th, province, self.source)

    # --- central admins: the framework of a year, shared by every station ----------------------

    def copy_framework(self, *, from_year: int, to_year: int) -> dict[str, int]:
        return framework.copy_framework(self.session, self.actor, from_year, to_year, self.source)

    def save_framework(self, *, fiscal_year: int, values: dict[str, Any], seen_version: int) -> Saved:
        """The year's scoring rule: scheme, weight_iit/eit/oit (summing to 100), pass_mark, source_note."""
        return framework.save_framework(self.session, self.actor, fiscal_year, values, seen_version,
                                        self.source)

    def save_framework_row(self, *, table: framework.FrameworkTable, values: dict[str, Any],
                           row_id: int | None = None, seen_version: int | None = None,
                           parent: int | None = None) -> Saved:
        """Add (``row_id`` None, under ``parent``: the fiscal year, or a component's catalogue item)
        or edit one row of a year's framework. ``table`` is one of ``rating_bands``, ``indicators``,
        ``sub_indicators``, ``oit_items``, ``components``, ``phases`` (the workbook's sheet names)."""
        return framework.save_framework_row(self.session, self.actor, table, values, row_id, seen_version,
                                            self.source, parent=parent)

    def delete_framework_row(self, *, table: framework.FrameworkTable, row_id: int,
                             seen_version: int) -> None:
        """Remove one row of a year's framework; an OIT item goes with its components, and is refused
        while stations' plans hold it."""
        framework.delete_framework_row(self.session, self.actor, table, row_id, seen_version, self.source)

    def import_framework(self, *, fiscal_year: int, workbook: FrameworkWorkbook,
                         expected: str | None = None) -> FrameworkChanges:
        """Make the year's framework equal to a read framework workbook, all or nothing (the
        caller's transaction); each row is written with source ``import``. ``expected``: the
        fingerprint of the preview the person confirmed (refused when it moved). Returns what changed."""
        return framework.import_framework(self.session, self.actor, fiscal_year, workbook, expected)

    # --- logins ------------------------------------------------------------------------------

    def create_user(self, *, username: str, password: str, role: str, person_id: int | None = None,
                    station_id: int | None = None, can_edit_all: bool = False,
                    province: str | None = None, email: str = "", line_user_id: str = "") -> Saved:
        return accounts.create_user(self.session, self.actor, username, password, role, person_id=person_id,
                                    station_id=station_id, can_edit_all=can_edit_all, province=province,
                                    email=email, line_user_id=line_user_id, source=self.source)

    def create_first_admin(self, *, username: str, password: str) -> Saved:
        """The one-time first-admin setup: an admin login made while no admin exists yet.

        Nobody is logged in at that point, so the bound actor is not used: this delegates to
        :func:`accounts.create_user` with actor None, which refuses once any admin exists and
        records the new admin as the actor in the audit trail.
        """
        return accounts.create_user(self.session, None, username, password, UserRole.ADMIN,
                                    source=self.source)

    def update_user(self, *, row_id: int, seen_version: int, values: dict[str, Any]) -> Saved:
        return accounts.update_user(self.session, self.actor, row_id, seen_version, values, self.source)

    def set_user_active(self, *, row_id: int, seen_version: int, active: bool) -> Saved:
        """Close (``active`` False) or reopen a login; a closed login's kept logins stop working."""
        return accounts.set_user_active(self.session, self.actor, row_id, seen_version, active=active,
                                        source=self.source)

    def unlock_user(self, *, row_id: int, seen_version: int) -> Saved:
        """End a login's lock after wrong passwords."""
        return accounts.unlock_user(self.session, self.actor, row_id, seen_version, source=self.source)

    def reset_password(self, *, row_id: int, seen_version: int, new_password: str) -> Saved:
        """An admin sets a login's new password (password policy, hashed, audited as ``***``)."""
        return accounts.reset_password(self.session, self.actor, row_id, seen_version,
                                       new_password=new_password, source=self.source)

    def change_own_password(self, *, current_password: str, new_password: str) -> Saved:
        """The logged-in user changes their own password, giving the current one."""
        return accounts.change_own_password(self.session, self.actor, current_password=current_password,
                                            new_password=new_password, source=self.source)
