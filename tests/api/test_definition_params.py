"""One reader of a definition: the command line, the JSON API and the pages take the same
parameter names (those of proximity.params.PARAMS) and give the same definition."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import click
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from starlette.requests import Request

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import ConfigError, NotFoundError
from safeschools.proximity.params import PARAMS, definition_from_params, param
from safeschools.render import views
from safeschools.server.deps import get_definition
from safeschools.settings import Settings
from safeschools.storage import Store

QUERY_NAMES = {p.query for p in PARAMS if p.query is not None}

CASES: dict[str, dict[str, Any]] = {
    "a radius and a window": {
        "radius": "0.1mi",
        "hours": "07:00-17:00",
        "days": "weekdays",
        "since": "2023-02-01",
        "until": "2025-01-31",
    },
    "a preset changed in every part": {
        "preset": "wbez-dismissal",
        "radius": "150m",
        "hours": "all",
        "days": "all",
        "season": "09-01..06-15",
        "years": "3",
        "age": ["0-19", "20-29"],
        "type": "nonfatal",
        "gunshot_only": "true",
        "school_year": "2024-25",
        "governance": ["district", "charter"],
        "grade": ["ES", "HS"],
    },
    "years replace the preset's first date": {"preset": "abc7-2024", "years": "2"},
}


def _cli_args(params: dict[str, Any]) -> list[str]:
    """The same parameters as command-line options, spelled as the table says."""
    args: list[str] = []
    for name, value in params.items():
        p = param(name)
        if p.flags:
            args.append(next(flag for flag, v, _help in p.flags if v == value))
        elif p.kind == "flag":
            args.extend([p.cli] if value == "true" else [])
        else:
            values = value if isinstance(value, list) else [value]
            args.extend(part for v in values for part in (str(p.cli), v))
    return args


def _query(params: dict[str, Any]) -> str:
    pairs = [
        (param(name).query or "", v)
        for name, value in params.items()
        for v in (value if isinstance(value, list) else [value])
    ]
    return urlencode(pairs)


def _request(client: TestClient, query: str) -> Request:
    scope = {"type": "http", "query_string": query.encode(), "headers": [], "app": client.app}
    return Request(scope)


def test_the_cli_the_api_and_the_pages_take_the_same_names(client: TestClient) -> None:
    api = client.get("/openapi.json").json()["paths"]["/api/exposure"]["get"]["parameters"]
    assert {p["name"] for p in api} >= QUERY_NAMES
    for name in ("exposure", "sensitivity", "report"):
        options = [o for o in cli.commands[name].params if isinstance(o, click.Option)]
        assert {p.name for p in PARAMS} <= {o.name for o in options}, name
        spelled = {flag for o in options for flag in o.opts}
        assert {p.spelled("cli") for p in PARAMS if p.cli} <= spelled, name
        assert {flag for p in PARAMS for flag, _v, _h in p.flags} <= spelled, name
    # the command line spells a query parameter the same way, with dashes
    for p in PARAMS:
        if p.query is not None and p.cli is not None:
            assert p.cli == "--" + p.query.replace("_", "-")
    # the pages' form and links carry the same names
    assert set(views.DEFINITION_PARAMS) == QUERY_NAMES
    form = client.get("/").text
    for name in QUERY_NAMES - {"source"}:  # sources are offered once the store names some
        assert f'name="{name}"' in form, name


@pytest.mark.parametrize("params", CASES.values(), ids=CASES.keys())
def test_the_cli_the_api_and_the_pages_give_the_same_definition(
    client: TestClient, city_store: Store, settings: Settings, params: dict[str, Any]
) -> None:
    expected = definition_from_params(params, settings=settings)
    # the pages' dependency
    page = asyncio.run(get_definition(_request(client, _query(params))))
    assert page == expected
    # the command line, on the same store
    url = city_store.engine.url.render_as_string(hide_password=False)
    run = CliRunner().invoke(
        cli, ["--database-url", url, "exposure", *_cli_args(params), "--format", "json"]
    )
    assert run.exit_code == 0, run.output
    # the JSON API
    api = client.get(f"/api/exposure?{_query(params)}")
    assert api.status_code == 200, api.text
    assert api.json()["definition"] == json.loads(run.output)["definition"]
    # ... and that is the expected definition, as the engine resolves it (dates, school year)
    result = services.exposure.exposure(city_store, expected, settings=settings)
    assert api.json()["definition"] == json.loads(json.dumps(result.definition))


def test_years_without_since_replace_the_presets_first_date(settings: Settings) -> None:
    preset = definition_from_params({"preset": "abc7-2024"}, settings=settings)
    d = definition_from_params({"preset": "abc7-2024", "years": "2"}, settings=settings)
    assert preset.since is not None and preset.years is None
    assert (d.since, d.years, d.until) == (None, 2, preset.until)
    with pytest.raises(ConfigError, match="not both"):
        definition_from_params({"since": "2024-01-01", "years": "2"}, settings=settings)


def test_a_file_on_the_server_is_read_from_the_command_line_only(
    settings: Settings, tmp_path: Path
) -> None:
    mine = tmp_path / "presets.toml"
    mine.write_text('[presets.council]\nradius = "0.2mi"\n')
    params = {"preset": "council", "presets": str(mine)}
    assert definition_from_params(params, settings=settings, via="cli").name == "council"
    with pytest.raises(NotFoundError, match="No preset named"):
        definition_from_params(params, settings=settings)
