"""One error shape everywhere: every error the API can be made to give, with its status."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

ERRORS = [
    # (what, method, url, status, words in the message)
    ("unknown school", "GET", "/api/schools/999999", 404, "No school with id 999999"),
    ("unknown school year in the list", "GET", "/api/schools?school_year=2030-31", 404, "2030-31"),
    ("not a school year", "GET", "/api/schools?school_year=soon", 400, "school year"),
    ("bad radius", "GET", "/api/exposure?radius=far", 400, "not a length"),
    ("radius of 0", "GET", "/api/exposure?radius=0m", 400, "more than 0"),
    ("unknown radius unit", "GET", "/api/exposure?radius=3furlongs", 400, "unknown unit"),
    ("radius beyond the pairs", "GET", "/api/exposure?radius=1mi", 400, "beyond the 0.5 mi"),
    ("radius beyond, school page", "GET", "/api/schools/1?radius=2km", 400, "beyond"),
    ("radius beyond, sensitivity", "GET", "/api/sensitivity?radii=100m,1mi", 400, "beyond"),
    ("bad radius in the grid", "GET", "/api/sensitivity?radii=100m,lots", 400, "not a length"),
    ("bad hours in the grid", "GET", "/api/sensitivity?hours_grid=all,noon", 400, "not a window"),
    ("bad date", "GET", "/api/exposure?since=2024-02-30", 400, "not a date"),
    ("bad until", "GET", "/api/exposure?until=yesterday", 400, "not a date"),
    ("since after until", "GET", "/api/exposure?since=2024-02-01&until=2024-01-01", 400, "after"),
    ("since and years", "GET", "/api/exposure?since=2024-02-01&years=2", 400, "not both"),
    ("years not a number", "GET", "/api/exposure?years=two", 400, "whole number"),
    ("bad hours", "GET", "/api/exposure?hours=7-5", 400, "not a window"),
    ("empty hours", "GET", "/api/exposure?hours=07:00-07:00", 400, "empty window"),
    ("bad days", "GET", "/api/exposure?days=sundays", 400, "Days"),
    ("bad season", "GET", "/api/exposure?season=02-30..03-01", 400, "does not exist"),
    ("bad age band", "GET", "/api/exposure?age=0-17", 400, "Age band"),
    ("bad type", "GET", "/api/exposure?type=minor", 400, "Type"),
    ("bad governance", "GET", "/api/exposure?governance=private", 400, "Governance"),
    ("bad grade", "GET", "/api/exposure?grade=K", 400, "Grade category"),
    ("unknown source", "GET", "/api/exposure?source=elsewhere", 404, "No data from source"),
    ("unknown preset", "GET", "/api/exposure?preset=nearby", 404, "No preset named 'nearby'"),
    ("unknown preset, export", "GET", "/api/export/exposure.csv?preset=nearby", 404, "preset"),
    ("unknown school year", "GET", "/api/exposure?school_year=1999-00", 404, "1999-00"),
    ("unknown school year, compare", "GET", "/api/compare?school_year=1999-00", 404, "1999-00"),
    ("unknown export table", "GET", "/api/export/students.csv", 404, "No export named"),
    ("unknown export format", "GET", "/api/export/schools.xlsx", 404, "No export format"),
    ("export without places", "GET", "/api/export/compare.geojson", 404, "compare.csv"),
    ("imports have no places", "GET", "/api/export/imports.geojson", 404, "imports.csv"),
    ("export year unknown", "GET", "/api/export/schools.csv?school_year=2030-31", 404, "2030"),
    ("bad split date", "GET", "/api/exposure?split_date=soon", 422, "Invalid request"),
    ("search too long", "GET", "/api/schools?q=" + "x" * 201, 422, "Invalid request"),
    ("unknown path", "GET", "/api/students", 404, "No page at /api/students"),
    ("unknown nested path", "GET", "/api/export/schools", 404, "No page"),
    ("wrong method", "POST", "/api/exposure", 405, "Method Not Allowed"),
]


@pytest.mark.parametrize(
    ("method", "url", "status", "words"),
    [pytest.param(m, u, s, w, id=what) for what, m, u, s, w in ERRORS],
)
def test_every_error_has_one_shape(
    client: TestClient, method: str, url: str, status: int, words: str
) -> None:
    response = client.request(method, url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"ok", "error", "errors", "status"}
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["errors"], list)
    assert words in body["error"], body["error"]


def test_a_validation_error_lists_each_invalid_parameter(client: TestClient) -> None:
    body = client.get("/api/exposure?split_date=soon&radius=0.1mi").json()
    assert [(e["loc"], bool(e["msg"]), bool(e["type"])) for e in body["errors"]] == [
        (["query", "split_date"], True, True)
    ]


def test_an_unexpected_error_is_a_500_in_the_same_shape(client: TestClient) -> None:
    """A bug (here: the store goes away under the app) never shows a traceback."""
    client.app.state.store.dispose()  # type: ignore[attr-defined]
    client.app.state.store = None  # type: ignore[attr-defined]
    quiet = TestClient(client.app, raise_server_exceptions=False)
    response = quiet.get("/api/health")
    assert response.status_code == 500
    body = response.json()
    assert body == {
        "ok": False,
        "error": "Something went wrong on the server; the error was logged. Try again later.",
        "errors": [],
        "status": 500,
    }


def test_the_error_body_is_documented_in_openapi(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert set(schema["components"]["schemas"]["ErrorBody"]["properties"]) == {
        "ok",
        "error",
        "errors",
        "status",
    }
    for path, item in schema["paths"].items():
        if path.startswith("/api/"):
            for method, operation in item.items():  # reads and writes alike
                for status in ("400", "404", "422"):
                    assert status in operation["responses"], (path, method, status)
