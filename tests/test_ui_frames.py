"""ita_ui.frames.records: the rows the overview and the meeting page draw, as plain values."""

from datetime import date

import pandas as pd

from ita_ui.frames import records


def test_records_are_the_rows_in_order_with_python_values() -> None:
    frame = pd.DataFrame({"number": [9, 10], "name_th": pd.array(["การเปิดเผยข้อมูล", "การป้องกันการทุจริต"],
                                                              dtype="string"),
                          "due": [date(2024, 3, 16), None]}, index=[5, 3])
    rows = records(frame)
    assert rows == [{"number": 9, "name_th": "การเปิดเผยข้อมูล", "due": date(2024, 3, 16)},
                    {"number": 10, "name_th": "การป้องกันการทุจริต", "due": None}]
    assert type(rows[0]["number"]) is int and type(rows[0]["name_th"]) is str


def test_records_of_an_empty_frame_is_an_empty_list() -> None:
    assert records(pd.DataFrame({"number": pd.Series([], dtype="int64")})) == []
