"""The one write path. Every change — form, import, rollover, admin, CLI — goes through here.

Each function takes the acting user, asks :mod:`ita_core.permissions`, validates, compares the
row version the user saw (optimistic locking: ``UPDATE … WHERE version = seen``), writes,
bumps the version and appends the audit trail, all in the caller's transaction. Callers wrap
one or many calls in ``db.session_scope`` so multi-row edits are all-or-nothing.

Split by audience: :mod:`.progress` (officers), :mod:`.surveys` (the ITA secretary),
:mod:`.plan` (admins: the plan), :mod:`.framework` (central admins: a year's framework),
:mod:`.accounts` (logins); :mod:`.core` holds the versioned
write they share. :class:`Writer` binds session, actor and source once for a caller.
"""

from ita_core.permissions import PermissionDenied
from ita_core.services.accounts import create_user, update_user
from ita_core.services.core import (
    TABLES,
    ConflictError,
    Saved,
    ValidationFailed,
    create_row,
    hard_delete,
)
from ita_core.services.framework import copy_framework
from ita_core.services.plan import (
    ACTIVITY_FIELDS,
    DUTY_FIELDS,
    OIT_FIELDS,
    PERSON_FIELDS,
    PHASE_FIELDS,
    add_assignment,
    check_fiscal_year,
    create_station,
    delete_component,
    delete_phase,
    delete_recurring_duty,
    delete_row,
    ensure_fiscal_year,
    remove_assignment,
    save_activity,
    save_component,
    save_oit_item,
    save_person,
    save_phase,
    save_recurring_duty,
    start_station_year,
)
from ita_core.services.progress import (
    PROGRESS_FIELDS,
    set_component_done,
    set_publication,
    update_progress,
    validate_progress,
)
from ita_core.services.surveys import (
    QUOTA_FIELDS,
    SURVEY_TOOLS,
    delete_quota,
    record_survey_count,
    save_quota,
    save_score_history,
    save_score_input,
)

__all__ = [
    "ACTIVITY_FIELDS", "DUTY_FIELDS", "OIT_FIELDS", "PERSON_FIELDS", "PHASE_FIELDS",
    "PROGRESS_FIELDS", "QUOTA_FIELDS", "SURVEY_TOOLS", "TABLES", "ConflictError",
    "PermissionDenied", "Saved", "ValidationFailed", "add_assignment",
    "check_fiscal_year", "copy_framework", "create_row", "create_station", "create_user",
    "delete_component", "delete_phase", "delete_quota", "delete_recurring_duty", "delete_row",
    "ensure_fiscal_year", "hard_delete", "record_survey_count", "remove_assignment",
    "save_activity", "save_component", "save_oit_item", "save_person", "save_phase", "save_quota",
    "save_recurring_duty", "save_score_history", "save_score_input", "set_component_done",
    "set_publication", "start_station_year", "update_progress", "update_user", "validate_progress",
]
