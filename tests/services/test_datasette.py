"""The SQLite store opens in Datasette (the real package, its test client) with the metadata
``safeschools datasette-metadata`` writes: every table and column described, and no table a
visitor can open shows an account's secret, a victim's name or a count under the minimum
cell size."""

from __future__ import annotations

import asyncio
import html
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from datasette.app import Datasette
from helpers.demo_city import DemoCity
from sqlalchemy import inspect

from safeschools.cli import cli
from safeschools.errors import ConfigError
from safeschools.services.datasette import datasette_metadata, datasette_name
from safeschools.storage.catalog import TABLES, private_tables
from safeschools.testing import sqlite_store

#: Words that must not name a column a visitor can read.
SECRET_WORDS = ("password", "token", "secret", "first_name", "last_name", "victim_name")


def test_the_catalog_describes_every_table_and_column_of_the_schema() -> None:
    store = sqlite_store()
    schema = inspect(store.engine)
    tables = {t: [c["name"] for c in schema.get_columns(t)] for t in schema.get_table_names()}
    assert sorted(TABLES) == sorted(tables)
    for name, columns in tables.items():
        assert list(TABLES[name].columns) == columns, name
        assert all(text.strip().endswith((".", ")")) for text in TABLES[name].columns.values())
        doc = TABLES[name]
        assert set(doc.facets) <= set(columns) and (doc.label_column or "id") in [*columns, "id"]
    store.dispose()


def test_private_tables_are_the_secret_and_small_count_ones() -> None:
    assert set(private_tables()) == {
        "alembic_version", "api_tokens", "store_state", "user_schools", "users",
        "sessions", "signin_failures", "audit_log",
        "discipline_figures", "enrollments", "rejected_rows",
        "incident_categories", "school_incidents", "school_incident_versions",
        "restorative_cases", "restorative_case_versions",
        "notices", "notice_versions", "notice_subscribers", "notice_deliveries",
    }  # fmt: skip
    for name, doc in TABLES.items():
        if doc.private is None:
            assert not [c for c in doc.columns if any(w in c for w in SECRET_WORDS)], name


def test_the_name_comes_from_the_sqlite_file() -> None:
    store = sqlite_store()
    with pytest.raises(ConfigError, match="SQLite files"):
        datasette_name(store)
    store.dispose()


@pytest.fixture(scope="module")
def metadata_file(demo_city: DemoCity, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("datasette") / "metadata.json"
    url = demo_city.store.engine.url.render_as_string(hide_password=False)
    run = CliRunner().invoke(cli, ["--database-url", url, "datasette-metadata", "-o", str(target)])
    assert run.exit_code == 0, run.output
    return target


def _get(db: Path, metadata: dict[str, Any], *paths: str) -> list[tuple[int, str]]:
    """Ask Datasette (opened read-only on ``db``) for each path: (status, body)."""

    async def ask() -> list[tuple[int, str]]:
        datasette = Datasette(immutables=[str(db)], metadata=metadata)
        out = []
        for path in paths:
            response = await datasette.client.get(path)
            out.append((response.status_code, response.text))
        return out

    return asyncio.run(ask())


def test_the_cli_writes_the_metadata_of_the_demo_store(
    metadata_file: Path, demo_city: DemoCity
) -> None:
    meta = json.loads(metadata_file.read_text(encoding="utf-8"))
    assert meta == datasette_metadata("demo", synthetic=True)
    assert "SYNTHETIC" in meta["title"]
    tables = meta["databases"]["demo"]["tables"]
    assert tables["schools"]["columns"]["lat"] == "Latitude, degrees (EPSG:4326)."
    assert tables["users"] == {**tables["users"], "hidden": True, "allow": False}


def test_datasette_shows_a_table_and_its_descriptions(
    metadata_file: Path, demo_city: DemoCity
) -> None:
    meta = json.loads(metadata_file.read_text(encoding="utf-8"))
    db = Path(demo_city.settings.database_url.removeprefix("sqlite:///"))
    (status, page), (json_status, rows), (v_status, victims) = _get(
        db,
        meta,
        "/demo/schools",
        "/demo/schools.json?_shape=array&_size=5",
        "/demo/victimizations.json?_shape=objects&_size=3",
    )
    assert status == 200 and json_status == 200 and v_status == 200
    text = html.unescape(page)
    assert TABLES["schools"].description in text
    assert 'data-column-description="Latitude, degrees (EPSG:4326)."' in text
    assert len(json.loads(rows)) == 5
    first = json.loads(victims)["rows"][0]
    assert first["source"] == "demo-synthetic"
    assert not [c for c in first if any(w in c for w in SECRET_WORDS)]


@pytest.mark.parametrize("table", sorted(private_tables()))
def test_a_private_table_is_closed_and_hidden(
    metadata_file: Path, demo_city: DemoCity, table: str
) -> None:
    meta = json.loads(metadata_file.read_text(encoding="utf-8"))
    db = Path(demo_city.settings.database_url.removeprefix("sqlite:///"))
    sql = f"/demo.json?sql=select+*+from+{table}"
    (page, _), (as_json, _), (query, _), (_, listing) = _get(
        db, meta, f"/demo/{table}", f"/demo/{table}.json", sql, "/demo.json"
    )
    assert (page, as_json, query) == (403, 403, 403)
    listed = {t["name"]: t for t in json.loads(listing)["tables"]}
    assert table not in listed or listed[table]["hidden"]


def test_no_open_table_shows_a_secret_or_a_name(metadata_file: Path, demo_city: DemoCity) -> None:
    meta = json.loads(metadata_file.read_text(encoding="utf-8"))
    db = Path(demo_city.settings.database_url.removeprefix("sqlite:///"))
    [(status, listing)] = _get(db, meta, "/demo.json")
    assert status == 200
    open_tables = [t for t in json.loads(listing)["tables"] if not t["hidden"]]
    assert {t["name"] for t in open_tables} == set(TABLES) - set(private_tables())
    for table in open_tables:
        assert not [c for c in table["columns"] if any(w in c for w in SECRET_WORDS)]
    pages = _get(db, meta, *(f"/demo/{t['name']}.json?_size=1" for t in open_tables))
    assert [status for status, _ in pages] == [200] * len(open_tables)


def test_a_store_of_the_real_files_opens_in_datasette(tmp_path: Path) -> None:
    """CPS SY2425 profiles and the 2024-26 victims extract, read in place."""
    from safeschools import services
    from safeschools.settings import Settings
    from safeschools.testing import real_data

    db = tmp_path / "chicago.db"
    settings = Settings(database_url=f"sqlite:///{db}", data_dir=tmp_path / "data")
    store = sqlite_store(db)
    profiles = "Chicago_Public_Schools_-_School_Profile_Information_SY2425.csv"
    services.ingest_file(store, "schools", real_data("cps-school-profiles", profiles),
                         settings=settings)  # fmt: skip
    victims = sorted(
        real_data("chicago-victims-homicides-nonfatal-shootings-2024-2026").glob("*.csv")
    )
    services.ingest_file(store, "victims", victims[0], settings=settings)
    rows = store.count("victimizations")
    store.dispose()
    target = tmp_path / "metadata.json"
    run = CliRunner().invoke(
        cli, ["--database-url", settings.database_url, "datasette-metadata", "-o", str(target)]
    )
    assert run.exit_code == 0, run.output
    meta = json.loads(target.read_text(encoding="utf-8"))
    assert "SYNTHETIC" not in meta["title"] and list(meta["databases"]) == ["chicago"]
    (sql, _), (page_status, page), (users, _) = _get(
        db,
        meta,
        "/chicago.json?sql=select+1",
        "/chicago/victimizations.json?_shape=objects&_size=5&_facet=fatal",
        "/chicago/users.json",
    )
    assert (sql, page_status, users) == (403, 200, 403)
    data = json.loads(page)
    assert data["filtered_table_rows_count"] == rows > 100
    assert {f["value"] for f in data["facet_results"]["fatal"]["results"]} <= {0, 1}
    assert not [c for c in data["rows"][0] if any(w in c for w in SECRET_WORDS)]
    assert data["rows"][0]["source"] == "chicago-victims"
