"""Before any discipline figure is loaded, the district's equity and evaluation pages (in the
navigation of every page) say so in words, with status 200: not an error, not "none found",
and no stored code."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from safeschools.app import create_app
from safeschools.model import School
from safeschools.settings import Settings
from safeschools.testing import load_records, sqlite_store


@pytest.mark.parametrize("path", ["/equity", "/evaluation"])
@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "No discipline figures are loaded yet"),
     ("es", "Todavía no se han cargado cifras de disciplina")],
)  # fmt: skip
def test_pages_say_no_discipline_figures_are_loaded(
    tmp_path: Path, path: str, lang: str, words: str
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", data_dir=tmp_path / "d")
    store = sqlite_store(tmp_path / "s.db")
    load_records(store, settings, schools=[School("1", "2024-25", "Alpha", lat=41.8, lon=-87.7)])
    with TestClient(create_app(settings, store=store)) as http:
        page = http.get(path, params={"lang": lang})
    store.dispose()
    assert page.status_code == 200
    assert 'id="no-discipline"' in page.text and words in page.text
    assert "students_oss" not in page.text and "import discipline data" not in page.text
