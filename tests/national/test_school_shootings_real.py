"""The national trackers' real files, read in place: `safeschools national` gives each year's
count as the files have it, computed here independently of the importer (the csv module)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeschools.cli import cli
from safeschools.testing import real_data

SSDB = real_data("k12-ssdb-chds", "incident.csv")
WAPO = real_data("wapo-school-shootings", "school-shootings-data.csv")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    path = tmp_path_factory.mktemp("national") / "n.db"
    url = ["--database-url", f"sqlite:///{path}"]
    for file in (SSDB, WAPO):
        done = CliRunner().invoke(cli, [*url, "ingest", "school-shootings", str(file)])
        assert done.exit_code == 0, done.output
    return url


def _national(url: list[str], *args: str) -> list[dict[str, object]]:
    done = CliRunner().invoke(cli, [*url, "national", *args, "--format", "json"])
    assert done.exit_code == 0, done.output
    rows: list[dict[str, object]] = json.loads(done.output)
    return rows


def _counts(rows: list[dict[str, object]], key: str = "incidents") -> dict[str, object]:
    return {str(r["period"]): r[key] for r in rows if r[key]}


def _wapo_rows() -> list[dict[str, str]]:
    with WAPO.open(encoding="latin-1", newline="") as fh:
        return list(csv.DictReader(fh))


def _ssdb_incidents() -> dict[str, dict[str, str]]:
    """One row per Incident_ID (the first of a repeated id), as the readme's rule counts."""
    with SSDB.open(encoding="utf-8-sig", newline="") as fh:
        rows: dict[str, dict[str, str]] = {}
        for row in csv.DictReader(fh):
            rows.setdefault(row["Incident_ID"], row)
    return rows


def test_wapo_by_year_is_the_posts_file(url: list[str]) -> None:
    expected = Counter(r["year"] for r in _wapo_rows())
    rows = _national(url, "--tracker", "wapo", "--by", "year")
    assert _counts(rows) == dict(expected)
    assert all({"period", "incidents", "killed", "injured"} <= set(r) for r in rows)
    assert sum(int(str(r["incidents"])) for r in rows) == 428
    killed = Counter[str]()
    for r in _wapo_rows():
        killed[r["year"]] += int(r["killed"] or 0)
    assert _counts(rows, "killed") == {k: v for k, v in killed.items() if v}
    assert {r["period"]: r["partial"] for r in rows}["1999"] is True  # since Columbine only
    assert all(r["license"] == "CC BY-NC-SA 4.0 (The Washington Post)" for r in rows)


def test_wapo_by_school_year_is_the_posts_own_column(url: list[str]) -> None:
    expected = Counter(f"{r['school_year'][:4]}-{r['school_year'][-2:]}" for r in _wapo_rows())
    assert _counts(_national(url, "--tracker", "wapo", "--by", "school-year")) == dict(expected)


def test_wapo_resource_officer_present_unknown_and_blank(url: list[str]) -> None:
    rows = _national(url, "--tracker", "wapo", "--by", "year")
    present = sum(int(str(r["sro_present"])) for r in rows)
    absent = sum(int(str(r["sro_absent_or_unknown"])) for r in rows)
    blank = sum(int(str(r["sro_not_recorded"])) for r in rows)
    flags = Counter(r["resource_officer"] for r in _wapo_rows())
    assert (present, absent, blank) == (flags["1"], flags["0"], flags[""])


def test_wapo_illinois_and_chicago(url: list[str]) -> None:
    il = Counter(r["year"] for r in _wapo_rows() if r["state"].strip() == "Illinois")
    chicago = Counter(
        r["year"]
        for r in _wapo_rows()
        if r["state"].strip() == "Illinois" and r["city"] == "Chicago"
    )
    assert _counts(_national(url, "--tracker", "wapo", "--state", "IL")) == dict(il)
    got = _national(url, "--tracker", "wapo", "--state", "IL", "--city", "Chicago")
    assert _counts(got) == dict(chicago) and sum(chicago.values()) == 8


def test_ssdb_by_year_follows_the_ssdb_rows(url: list[str]) -> None:
    incidents = _ssdb_incidents()
    expected = Counter(r["Date"][:4] for r in incidents.values())
    rows = _national(url, "--tracker", "k12-ssdb", "--by", "year")
    assert _counts(rows) == dict(expected)
    assert rows[-1]["period"] == "2022" and rows[-1]["partial"] is True  # ends 2022-06-20
    assert "2023" not in {r["period"] for r in rows}  # not covered, never 0
    with SSDB.with_name("victim.csv").open(encoding="utf-8-sig", newline="") as fh:
        victims = list(csv.DictReader(fh))
    killed = Counter(
        incidents[v["incidentid"]]["Date"][:4]
        for v in victims
        if v["injury"] == "Fatal" and v["incidentid"] in incidents
    )
    assert _counts(rows, "killed") == dict(killed)


def test_ssdb_by_school_year_and_chicago(url: list[str]) -> None:
    def school_year(day: str) -> str:
        d = date.fromisoformat(day)
        start = d.year if d.month >= 7 else d.year - 1
        return f"{start}-{(start + 1) % 100:02d}"

    incidents = _ssdb_incidents().values()
    expected = Counter(school_year(r["Date"]) for r in incidents)
    assert _counts(_national(url, "--tracker", "k12-ssdb", "--by", "school-year")) == dict(expected)
    chicago = Counter(
        r["Date"][:4] for r in incidents if r["City"] == "Chicago" and r["State"] == "IL"
    )
    got = _national(url, "--tracker", "k12-ssdb", "--state", "IL", "--city", "Chicago")
    assert _counts(got) == dict(chicago)
    assert [chicago[str(y)] for y in range(2016, 2023)] == [2, 1, 2, 3, 3, 12, 5]


def test_the_repeated_ssdb_id_is_kept_aside_with_its_reason(url: list[str]) -> None:
    done = CliRunner().invoke(cli, [*url, "imports", "--rejects", "1"])
    assert done.exit_code == 0, done.output
    assert "duplicate id 20210902CASAL" in done.output


def test_the_same_files_again_change_nothing(url: list[str], tmp_path: Path) -> None:
    for file in (SSDB, WAPO):
        done = CliRunner().invoke(cli, [*url, "ingest", "school-shootings", str(file), "--force"])
        assert done.exit_code == 0, done.output
        assert "inserted 0, updated 0" in done.output
