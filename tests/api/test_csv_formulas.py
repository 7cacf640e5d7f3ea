"""Exports safe in a spreadsheet: a text cell an editor (or a publisher) wrote that starts with
= + - @, a tab or a carriage return comes out with a quote first, in every CSV; numbers never."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from safeschools import services
from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.model import School
from safeschools.settings import Settings
from safeschools.spreadsheet import safe_cell
from safeschools.storage import Store
from safeschools.testing import load_records

FORMULA = '=HYPERLINK("http://example.invalid/","click")'
PASSWORD = "correct horse battery"


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_escaped(text: str, *, formula: str = FORMULA) -> None:
    cells = _cells(text)
    assert "'" + formula in cells, cells
    assert formula not in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells), cells


def test_safe_cell_escapes_text_formulas_and_never_numbers() -> None:
    for text in ("=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "-", "=", "-cmd"):
        assert safe_cell(text) == "'" + text
    for value in ("-12.5", "+3", "-1e5", ".5", "plain", "", "a=b", -3, 2.5, None, True):
        assert safe_cell(value) == value


def test_every_csv_escapes_what_an_editor_wrote(
    sqlite_only_store: Store, settings: Settings
) -> None:
    store = sqlite_only_store
    load_records(
        store,
        settings,
        schools=[
            School("1", "2024-25", "@Alpha", lat=41.88, lon=-87.63, governance="district"),
            School("2", "2024-25", "-Bravo", lat=41.89, lon=-87.62, governance="district"),
        ],
    )
    admin = services.create_user(
        store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    auth = {
        "Authorization": "Bearer "
        + services.create_api_token(store, admin, label="t", settings=settings)
    }
    with TestClient(create_app(settings, store=store)) as http:
        put = http.put(
            "/api/schools/1/officers/2024-25",
            json={"officers": 2, "note": FORMULA, "version": 0},
            headers=auth,
        )
        assert put.status_code == 200, put.text
        plan = {
            "status": "approved",
            "approval": {"approved_on": "2025-03-04", "approved_by": FORMULA},
        }
        put = http.put("/api/schools/1/safety-plans/2024-25", json=plan, headers=auth)
        assert put.status_code == 200, put.text
        for path in ("/api/officers.csv", "/api/schools/1/officers.csv", "/api/safety-plans.csv"):
            answer = http.get(path)
            assert answer.status_code == 200
            _assert_escaped(answer.text)
        schools = http.get("/api/export/schools.csv").text
        _assert_escaped(schools, formula="@Alpha")
        _assert_escaped(schools, formula="-Bravo")
        # numbers stay numbers: the coordinates' minus sign is not escaped
        assert "-87.63" in _cells(schools)
    # the command line's CSV goes through the same writer
    db = Path(str(store.engine.url.database))
    result = CliRunner().invoke(
        cli, ["--database-url", f"sqlite:///{db}", "schools", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert "'@Alpha" in _cells(result.output)
