"""Page tests: the real dashboard script, run by Streamlit's AppTest on a fresh database."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture
def empty_db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'fresh' / 'ita.db'}"
    monkeypatch.setenv("ITA_DATABASE_URL", url)
    return url


def _run(timeout: float = 60) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=timeout)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_home_creates_and_fills_a_fresh_database(empty_db_url: str) -> None:
    app = _run()
    assert "สถานีตำรวจภูธรเชียงใหม่" in app.subheader[0].value
    assert "2567" in app.subheader[0].value
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["ข้อมูล OIT"] == "25"
    assert not app.warning  # no demo banner on real seed data
