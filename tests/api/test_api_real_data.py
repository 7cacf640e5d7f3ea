"""On the real data (CPS SY2425 profiles and the 2024-26 victims extract, read in place), the
API gives the very numbers of the CLI for the same store."""

from __future__ import annotations

import json

from click.testing import CliRunner
from fastapi.testclient import TestClient

from safeschools import services
from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import real_data

PROFILES = "Chicago_Public_Schools_-_School_Profile_Information_SY2425.csv"
VICTIMS = "chicago-victims-homicides-nonfatal-shootings-2024-2026"


def test_api_exposure_equals_the_cli_on_real_data(
    sqlite_only_store: Store, settings: Settings
) -> None:
    store = sqlite_only_store
    services.ingest_file(
        store, "schools", real_data("cps-school-profiles", PROFILES), settings=settings
    )
    for path in sorted(real_data(VICTIMS).glob("*.csv")):
        services.ingest_file(store, "victims", path, settings=settings)
    url = store.engine.url.render_as_string(hide_password=False)
    flags = [
        "--radius",
        "0.1mi",
        "--hours",
        "07:00-17:00",
        "--weekdays",
        "--since",
        "2025-02-01",
        "--until",
        "2026-01-31",
    ]
    run = CliRunner().invoke(cli, ["--database-url", url, "exposure", *flags, "--format", "json"])
    assert run.exit_code == 0, run.output
    from_cli = json.loads(run.output)

    with TestClient(create_app(settings, store=store)) as client:
        response = client.get(
            "/api/exposure",
            params={
                "radius": "0.1mi",
                "hours": "07:00-17:00",
                "days": "weekdays",
                "since": "2025-02-01",
                "until": "2026-01-31",
            },
        )
    assert response.status_code == 200, response.text
    from_api = response.json()
    assert from_api == from_cli
    # and the numbers are real ones: some victims near some of the 2024-25 schools
    assert from_api["school_year"] == "2024-25"
    assert from_api["schools_considered"] > 600
    assert 0 < from_api["victims"] < 3184
    assert from_api["schools"] == len(from_api["per_school"]) > 0
