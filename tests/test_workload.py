"""Who carries how many open and overdue rows, on the seed at 16 March 2024."""

from sqlalchemy import Engine

from ita_core.workload import workload
from tests.test_plan import AS_OF, load


def test_workload_counts_each_row_once_and_flags_overload(engine: Engine) -> None:
    rows, _, assignments = load(engine)
    table = workload(assignments, rows, AS_OF, overload=10).set_index("name")
    web = table.loc["ภัทรพงษ์ พลังช้างสาร"]
    assert (web["open"], web["overdue"], web["total"]) == (32, 15, 32)
    assert web["overloaded"]
    assert (web["web_publisher"], web["data_preparer"]) == (26, 7)  # one row may carry two roles
    group = table.loc["หัวหน้างานทุกสายงาน"]
    assert group["person_kind"] == "group" and not group["overloaded"]
    assert table.index[0] == "ภัทรพงษ์ พลังช้างสาร"  # sorted by load
