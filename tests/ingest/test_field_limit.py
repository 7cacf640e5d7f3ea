"""A field of an imported file longer than the cap (issue 13: an import accepted a 200 MB field
and took 1.4 GB of memory) refuses the whole file with one sentence and exit 2, and changes
nothing in the store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeschools.cli import cli
from safeschools.ingest.base import MAX_FIELD_CHARS
from safeschools.settings import Settings
from safeschools.storage import open_store
from safeschools.testing import real_data

VICTIMS = real_data(
    "chicago-victims-homicides-nonfatal-shootings-2024-2026",
    "chicago_shootings_enriched_2026_part4.csv",
)
TOO_LONG = "x" * (MAX_FIELD_CHARS + 10)


def _victims_with_a_long_field(path: Path, *, row: int) -> Path:
    with VICTIMS.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        rows = [r for _, r in zip(range(20), reader, strict=False)]
    rows[row]["block"] = TOO_LONG
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _ingest(settings: Settings, path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["--database-url", settings.database_url, "ingest", "victims", str(path)]
    )
    return result.exit_code, result.output


def _victims(settings: Settings) -> int:
    store = open_store(settings.database_url)
    try:
        return store.count("victimizations")
    finally:
        store.dispose()


@pytest.mark.parametrize("row", [0, 12])
def test_a_field_over_the_cap_refuses_the_csv_file(
    settings: Settings, tmp_path: Path, row: int
) -> None:
    path = _victims_with_a_long_field(tmp_path / "victims.csv", row=row)
    code, output = _ingest(settings, path)
    assert code == 2, output
    assert f"longer than {MAX_FIELD_CHARS:,} characters (line {row + 2})" in output
    assert "Unexpected" not in output and TOO_LONG[:100] not in output
    assert len(output.strip().splitlines()) == 1
    assert _victims(settings) == 0


def test_a_field_over_the_cap_refuses_the_json_file(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "victims.json"
    row = {
        "unique_id": "1",
        "case_number": "JA1",
        "date": "2025-01-31T14:05:00.000",
        "victimization_primary": "BATTERY",
        "latitude": "41.8",
        "longitude": "-87.7",
        "block": TOO_LONG,
    }
    path.write_text(json.dumps([row]), encoding="utf-8")
    code, output = _ingest(settings, path)
    assert code == 2, output
    assert f"longer than {MAX_FIELD_CHARS:,} characters (row 1)" in output


def test_a_header_over_the_cap_refuses_the_file(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "victims.csv"
    path.write_text(f"case_number,{TOO_LONG}\nJA1,2\n", encoding="utf-8")
    code, output = _ingest(settings, path)
    assert code == 2, output
    assert "(in the header row)" in output


def test_fields_under_the_cap_are_read(settings: Settings, tmp_path: Path) -> None:
    path = _victims_with_a_long_field(tmp_path / "victims.csv", row=0)
    path.write_text(path.read_text().replace(TOO_LONG, "x" * 200_000), encoding="utf-8")
    code, output = _ingest(settings, path)
    assert code == 0, output
    assert _victims(settings) >= 19
