"""The timeline: events of the plan, the calendar and recurring duties on a BE month axis."""

from sqlalchemy import Engine
from sqlmodel import Session

from ita_core import plan, queries, timeline
from tests.test_plan import AS_OF, FY, load


def test_timeline_events_and_be_axis(engine: Engine) -> None:
    rows, _, _ = load(engine)
    with Session(engine) as session:
        phases = queries.phases(session, 1, FY)
        occurrences = plan.duty_occurrences(queries.recurring_duties(session, 1, FY), FY)
    events = timeline.events(rows, phases, occurrences)
    assert events["type"].value_counts().to_dict() == {"occurrence": 657, "due": 38, "phase": 9}
    fig = timeline.figure(events, FY, AS_OF)
    assert fig.layout.xaxis.ticktext[:4] == ("ต.ค. 66", "พ.ย. 66", "ธ.ค. 66", "ม.ค. 67")
    assert fig.layout.shapes[0].x0 == AS_OF
    months = timeline.month_list(events[events["type"] != "occurrence"])
    assert [m for m, _ in months][:3] == ["ต.ค. 66", "ม.ค. 67", "ก.พ. 67"]



def test_stored_text_in_the_chart_is_shown_as_typed() -> None:
    """Plotly draws a subset of HTML (links, bold) and %{…} in labels: a title carries neither."""
    import pandas as pd

    typed = "<a href='http://e.x'>l</a> %{y}"
    frame = pd.DataFrame([
        {"type": kind, "start": AS_OF, "end": AS_OF, "lane": "ปฏิทิน ITA", "label": "O1", "detail": typed,
         "colour": "grey"} for kind in ("phase", "due")])
    fig = timeline.figure(frame, FY, AS_OF)
    shown = "&lt;a href=&#x27;http://e.x&#x27;&gt;l&lt;/a&gt; %&#123;y}"
    assert fig.data[0].text[0].startswith(f"{shown}<br>")  # the phases' trace: its hover text per point
    assert fig.data[0].hovertemplate == "%{text}<extra></extra>"
    assert list(fig.data[1].text) == [f"O1 {shown}"]
