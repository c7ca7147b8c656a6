"""Import a plan from Excel or CSV: preview first, then commit all rows in one transaction.

Two layouts are read:

* our own export (``ita export activities|oit-items|plan``, Thai or English headers): rows
  are matched by id (activities) or code (OIT items); export → import changes nothing;
* a plan sheet in the Thai layout of the station's plan (the eight headers of ``PLAN_HEADERS``),
  as stations keep it in Excel: a blank indicator cell continues the row above, due phrases
  are Thai (``๓๐ มี.ค.๖๗``), responsible officers are written with their rank. Rows are
  matched to the plan by indicator and activity text.

The preview lists rows to add, change and leave unchanged, every problem with sheet, row and
column in Thai, and names not known as people (added only when approved). ``commit`` re-reads
the file inside the caller's write transaction, refuses when the preview changed meanwhile,
and writes through ``ita_core.services`` (audited, source "import"). Imports add and change
rows; they never delete rows or take a responsibility away.

The package, by concern: :mod:`.detect` finds a sheet's layout, :mod:`.export_layout` and
:mod:`.plan_layout` read the two layouts, :mod:`.read` builds the preview, :mod:`.commit`
writes it, and :mod:`.model` holds what they share. Reading cells is
``ita_core.sheet_reader``'s job, matching names ``ita_core.people``'s.
"""

from ita_core.imports.commit import SOURCE, SOURCE_DATES_INTENDED, commit
from ita_core.imports.detect import HEADER_SEARCH_ROWS
from ita_core.imports.export_layout import IMPORTABLE, READ_ONLY
from ita_core.imports.model import (
    ACTION_TH,
    DATES_INTENDED_TH,
    FIELD_TH,
    CommitResult,
    Preview,
    RowPlan,
    without_owner,
    without_owner_table,
)
from ita_core.imports.plan_layout import PLAN_HEADERS, PLAN_KEYS
from ita_core.imports.read import import_year, offered_years, preview, today

__all__ = [
    "ACTION_TH", "DATES_INTENDED_TH", "FIELD_TH", "HEADER_SEARCH_ROWS", "IMPORTABLE", "PLAN_HEADERS",
    "PLAN_KEYS", "READ_ONLY", "SOURCE", "SOURCE_DATES_INTENDED", "CommitResult", "Preview", "RowPlan",
    "commit", "import_year", "offered_years", "preview", "today", "without_owner", "without_owner_table",
]
