"""The demo snapshot: flagged sample progress, written through the Writer as the demo user."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from ita_core.demo import has_demo_rows


def test_the_demo_snapshot_is_flagged_for_its_year_only(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        assert has_demo_rows(session, 1, 2567)
        assert not has_demo_rows(session, 1, 2568)
