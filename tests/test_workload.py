"""Who carries how many open and overdue rows, on the seed at 16 March 2024."""

from sqlalchemy import Engine

from ita_core.workload import chart, workload
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


def test_the_chart_stacks_overdue_and_due_soon_of_the_most_loaded(engine: Engine) -> None:
    rows, _, assignments = load(engine)
    table = workload(assignments, rows, AS_OF, overload=10)
    fig = chart(table)
    assert [(bar.name, bar.marker.color) for bar in fig.data] == [
        ("เลยกำหนด", "#d73027"), ("ครบกำหนดใน 30 วัน", "#f1c40f")]
    overdue = fig.data[0]
    assert len(overdue.y) == 20 and overdue.y[0] == "ภัทรพงษ์ พลังช้างสาร ⚠️"  # the most loaded on top
    assert (overdue.x[0], fig.data[1].x[0]) == (15, 17)
    assert "หัวหน้างานทุกสายงาน" in overdue.y  # a group is never flagged as overloaded
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.height == 28 * 20


def test_a_name_in_the_chart_is_drawn_as_typed(engine: Engine) -> None:
    """Plotly draws a subset of HTML in axis labels: a person's name carries none of it."""
    rows, _, assignments = load(engine)
    table = workload(assignments, rows, AS_OF, overload=10)
    table.loc[0, "name"] = "<b>x</b> & <a href='http://e.x'>l</a>"
    shown = "&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href=&#x27;http://e.x&#x27;&gt;l&lt;/a&gt;"
    assert chart(table).data[0].y[0] == f"{shown} ⚠️"
