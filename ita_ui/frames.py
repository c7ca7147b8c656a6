"""Rows of a small DataFrame as plain dicts, for pages that draw one box or line per row.

``DataFrame.itertuples`` builds a namedtuple class on every call and ``iterrows`` a Series per
row; with pandas' Arrow-backed strings either cost ~1.5 ms for the overview's ten indicators,
several times per run. One ``to_numpy(dtype=object)`` gives the same values as Python objects
for a fraction of that.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Each row of ``frame`` as ``{column: value}`` in row order (values as Python objects:
    int, float, str, date; the index is left out)."""
    columns = [str(column) for column in frame.columns]
    return [dict(zip(columns, values, strict=True)) for values in frame.to_numpy(dtype=object).tolist()]
