"""The command line writes the analyst's tables: ``exposure --table victims|pairs`` and Parquet
beside every CSV (``exposure``, ``compare-definitions``, ``schools``, ``imports``), with the same
rows and columns as the CSV and the definition and coverage in the Parquet file's metadata.

The city: Alpha (1) at A and Bravo (2) 250 m east; k1a and k1b (one shooting) 100 m north of A,
about 269 m from Bravo; mid, fatal, 125 m east of A; far, 50 m from Delta (3). Within 300 m:
4 victims, 7 school-victim pairs.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from test_result_tables import _load

from safeschools.cli import cli
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.tables import _cell


@pytest.fixture
def url(sqlite_only_store: Store, settings: Settings) -> str:
    _load(sqlite_only_store, settings)
    return sqlite_only_store.engine.url.render_as_string(hide_password=False)


def _run(url: str, *args: str) -> bytes:
    result = CliRunner().invoke(cli, ["--database-url", url, *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def _csv(content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(content.decode()))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def test_exposure_victims_table_as_csv(url: str) -> None:
    columns, rows = _csv(_run(url, "exposure", "--radius", "300m", "--table", "victims",
                              "--format", "csv"))  # fmt: skip
    assert [r["source_row_id"] for r in rows] == ["far", "k1a", "k1b", "mid"]
    assert not [c for c in columns if "name" in c]
    mid = rows[-1]
    assert (mid["school_ids"], mid["distances_m"], mid["fatal"]) == ("1;2", "125.0;125.0", "True")
    _, pairs = _csv(_run(url, "exposure", "--radius", "300m", "--table", "pairs",
                         "--format", "csv"))  # fmt: skip
    assert len(pairs) == 7 and {p["school_name"] for p in pairs} == {"Alpha", "Bravo", "Delta"}


@pytest.mark.parametrize(
    "args",
    [
        ("exposure", "--radius", "300m"),
        ("exposure", "--radius", "300m", "--table", "victims"),
        ("exposure", "--radius", "300m", "--table", "pairs"),
        ("exposure", "--radius", "300m", "--since", "2030-01-01", "--table", "victims"),
        ("compare-definitions",),
        ("schools",),
    ],
)
def test_parquet_holds_the_csv_rows_and_columns(url: str, tmp_path: Path, args: tuple[str]) -> None:
    columns, rows = _csv(_run(url, *args, "--format", "csv"))
    target = tmp_path / "out.parquet"
    result = CliRunner().invoke(
        cli, ["--database-url", url, *args, "--format", "parquet", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert f"rows to {target}" in result.stderr
    table = pq.read_table(target)
    assert table.column_names == columns
    assert [{c: str(_cell(v)) for c, v in r.items()} for r in table.to_pylist()] == rows


def test_exposure_parquet_metadata_is_the_sidecar(url: str, tmp_path: Path) -> None:
    sidecar = tmp_path / "exposure.json"
    _run(url, "exposure", "--radius", "300m", "--format", "csv", "--sidecar", str(sidecar))
    target = tmp_path / "victims.parquet"
    _run(url, "exposure", "--radius", "300m", "--table", "victims", "--format", "parquet",
         "-o", str(target))  # fmt: skip
    meta = {k.decode(): json.loads(v) for k, v in pq.read_schema(target).metadata.items()}
    expected = json.loads(sidecar.read_text(encoding="utf-8"))
    assert {k: meta[k] for k in expected} == expected
    assert meta["definition"]["radius"] == "300 m"


def test_parquet_goes_to_stdout_when_redirected(url: str) -> None:
    content = _run(url, "exposure", "--radius", "300m", "--table", "victims", "--format", "parquet")
    assert content[:4] == b"PAR1"
    assert pq.read_table(io.BytesIO(content)).num_rows == 4


def test_output_writes_the_same_file_as_stdout(url: str, tmp_path: Path) -> None:
    for fmt in ("csv", "json", "geojson"):
        target = tmp_path / f"schools.{fmt}"
        printed = _run(url, "exposure", "--radius", "300m", "--format", fmt)
        _run(url, "exposure", "--radius", "300m", "--format", fmt, "--output", str(target))
        assert target.read_bytes() == printed, fmt
    victims = json.loads(_run(url, "exposure", "--radius", "300m", "--table", "victims",
                              "--format", "json"))  # fmt: skip
    assert victims["answerable"] is True and len(victims["rows"]) == 4
    assert victims["rows"][0]["occurred_at"] == "2023-06-15T22:00:00"


def test_a_victims_table_is_not_printed_as_a_table(url: str) -> None:
    result = CliRunner().invoke(
        cli, ["--database-url", url, "exposure", "--radius", "300m", "--table", "victims"]
    )
    assert result.exit_code == 2
    assert "--format csv, geojson, parquet or json" in result.output
