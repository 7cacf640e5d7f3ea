"""The national importers: NCES EDGE public and private (PSS) school geocodes, and incidents in
the Gun Violence Archive's export layout. Files are generated in those layouts (no real national
file is shipped); bad rows are kept aside with their reasons, a file of another layout is refused
in one sentence with a non-zero exit, and importing a file twice changes nothing."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import SourceSchemaError
from safeschools.ingest.gva_incidents import incidents_from_gva_file
from safeschools.ingest.nces_schools import schools_from_nces_file
from safeschools.ingest.registry import SOURCES
from safeschools.national.synthetic import (
    GVA_COLUMNS,
    write_edge_public_csv,
    write_gva_csv,
    write_pss_csv,
)
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.storage import tables as t


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _rewrite(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_edge_public_file_gives_schools_with_nces_ids(tmp_path: Path) -> None:
    path = write_edge_public_csv(tmp_path / "EDGE_GEOCODE_PUBLICSCH_2223.csv", 30, seed=4)
    source = _rows(path)
    result = schools_from_nces_file(path)
    assert result.source == "nces-edge-public"
    assert result.school_year == "2022-23"
    assert [s.school_id for s in result.records] == [r["NCESSCH"] for r in source]
    first = result.records[0]
    assert len(first.school_id) == 12
    assert (first.lat, first.lon) == (float(source[0]["LAT"]), float(source[0]["LON"]))
    assert first.governance == "public"
    assert (
        first.address
        == f"{source[0]['STREET']}, Springfield, {source[0]['STATE']} " + (source[0]["ZIP"])
    )


def test_private_school_file_is_recognised_by_ppin(tmp_path: Path) -> None:
    path = write_pss_csv(tmp_path / "pss.csv", 12, seed=5)
    result = schools_from_nces_file(path, school_year="2019-20")
    assert result.source == "nces-edge-private"
    assert {s.governance for s in result.records} == {"private"}
    assert {s.school_year for s in result.records} == {"2019-20"}
    assert [s.school_id for s in result.records] == [r["PPIN"] for r in _rows(path)]


def test_bad_school_rows_are_kept_aside_with_their_reasons(tmp_path: Path) -> None:
    path = write_edge_public_csv(tmp_path / "pub.csv", 6, seed=6)
    rows = _rows(path)
    rows[1]["LAT"] = "north"
    rows[2]["LAT"], rows[2]["LON"] = "51.5", "-0.12"  # London
    rows[3]["NCESSCH"] = ""
    rows[4]["NCESSCH"] = rows[0]["NCESSCH"]
    rows[5]["LAT"], rows[5]["LON"] = rows[5]["LON"], rows[5]["LAT"]
    _rewrite(path, rows)
    result = schools_from_nces_file(path)
    assert [s.school_id for s in result.records] == [rows[0]["NCESSCH"]]
    reasons = {r.line: r.reason for r in result.rejects}
    assert set(reasons) == {3, 4, 5, 6, 7}
    assert "is not a number" in reasons[3]
    assert "outside the district's area" in reasons[4]
    assert reasons[5] == "NCESSCH is empty"
    assert reasons[6].startswith("duplicate id")
    assert "swapped" in reasons[7]


def test_gva_export_gives_one_victimization_per_incident(tmp_path: Path) -> None:
    path = write_gva_csv(tmp_path / "gva.csv", 40, seed=7)
    source = _rows(path)
    result = incidents_from_gva_file(path, today=date(2026, 1, 1))
    assert result.rejects == []
    assert [v.source_row_id for v in result.records] == [r["Incident ID"] for r in source]
    for v, row in zip(result.records, source, strict=True):
        killed, injured = int(row["Victims Killed"]), int(row["Victims Injured"])
        assert v.source == "gva"
        assert v.fatal == (killed > 0)
        assert v.gunshot_injury == (killed + injured > 0)
        assert v.occurred_at == datetime.strptime(row["Incident Date"], "%B %d, %Y")
        assert (v.lat, v.lon) == (float(row["Latitude"]), float(row["Longitude"]))
        assert v.block == row["Address"]


def test_bad_incident_rows_are_kept_aside_with_their_reasons(tmp_path: Path) -> None:
    path = write_gva_csv(tmp_path / "gva.csv", 5, seed=8)
    rows = _rows(path)
    rows[1]["Incident Date"] = "Smarch 40, 2023"
    rows[2]["Incident Date"] = "January 5, 2099"
    rows[3]["Victims Killed"] = "-1"
    rows[4]["Latitude"], rows[4]["Longitude"] = "0", "0"
    _rewrite(path, rows)
    result = incidents_from_gva_file(path, today=date(2026, 1, 1))
    assert [v.source_row_id for v in result.records] == [rows[0]["Incident ID"]]
    reasons = {r.line: r.reason for r in result.rejects}
    assert "is not a date" in reasons[3]
    assert "in the future" in reasons[4]
    assert "cannot be negative" in reasons[5]
    assert "0, 0" in reasons[6]


def test_a_gva_export_without_coordinates_is_refused_in_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "gva-query.csv"
    columns = [c for c in GVA_COLUMNS if c not in ("Latitude", "Longitude")]
    path.write_text(",".join(f'"{c}"' for c in columns) + "\n", encoding="utf-8")
    with pytest.raises(SourceSchemaError, match=r"lacks the column\(s\) Latitude; Longitude"):
        incidents_from_gva_file(path)


def test_the_national_sources_are_registered() -> None:
    assert SOURCES["nces-edge-public"].kind == "schools"
    assert SOURCES["nces-edge-private"].kind == "schools"
    assert SOURCES["gva"].kind == "victims"
    assert "GVA" in SOURCES["gva"].license


def test_importing_twice_changes_nothing(store: Store, settings: Settings, tmp_path: Path) -> None:
    schools = write_edge_public_csv(tmp_path / "pub.csv", 25, seed=9)
    incidents = write_gva_csv(tmp_path / "gva.csv", 60, seed=10)
    for kind, path in (("nces-schools", schools), ("gva-incidents", incidents)):
        first = services.ingest_file(store, kind, path, settings=settings)
        assert first.record is not None and first.record.inserted > 0
        again = services.ingest_file(store, kind, path, settings=settings)
        assert again.skipped
        forced = services.ingest_file(store, kind, path, settings=settings, force=True)
        assert forced.record is not None
        assert (forced.record.inserted, forced.record.updated) == (0, 0)
        assert forced.record.unchanged == first.record.inserted
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.schools)).scalar_one() == 25
        n_gva = conn.execute(
            select(func.count())
            .select_from(t.victimizations)
            .where(t.victimizations.c.source == "gva")
        ).scalar_one()
        assert n_gva == 60
        # national imports leave pairing to `safeschools national-pairs`
        assert conn.execute(select(func.count()).select_from(t.school_pairs)).scalar_one() == 0


def test_cli_imports_and_refuses_a_wrong_file(settings: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"SAFESCHOOLS_DATABASE_URL": settings.database_url}
    assert runner.invoke(cli, ["init"], env=env).exit_code == 0
    pss = write_pss_csv(tmp_path / "pss.csv", 8, seed=11)
    ok = runner.invoke(cli, ["ingest", "nces-schools", str(pss), "--json"], env=env)
    assert ok.exit_code == 0, ok.output
    assert '"accepted": 8' in ok.output
    wrong = runner.invoke(cli, ["ingest", "gva-incidents", str(pss)], env=env)
    assert wrong.exit_code == 2
    message = wrong.output.strip().removeprefix("Error: ")
    assert message.startswith("pss.csv is not a Gun Violence Archive export")
    assert message.count(". ") <= 1 and "Traceback" not in wrong.output
