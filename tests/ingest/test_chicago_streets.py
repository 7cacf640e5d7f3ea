"""Street intersections: the real City file, bad rows kept aside, and the store's whole-file
replace (importing twice changes nothing; an interrupted import leaves the store as it was)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import SourceSchemaError
from safeschools.ingest.chicago_streets import intersections_from_file
from safeschools.ingest.registry import SOURCES
from safeschools.model import Intersection
from safeschools.settings import CHICAGO_BBOX, Settings
from safeschools.storage import Store
from safeschools.testing import real_data

STREETS = real_data("chicago-street-intersections", "chicago-intersections.csv")
HEADER = "intersection,street_1,street_2,zipcode,longitude,latitude\n"
#: A 3 x 3 grid: Main, Oak and Elm Streets (north-south) cross 1st, 2nd and 3rd Avenues.
GRID = [
    f"N {ns} ST & W {ew} AVE,N {ns} ST,W {ew} AVE,6060{i},{-87.70 + 0.003 * i:.5f},"
    f"{41.80 + 0.002 * j:.5f}"
    for i, ns in enumerate(("MAIN", "OAK", "ELM"))
    for j, ew in enumerate(("1ST", "2ND", "3RD"))
]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _ingest(store: Store, settings: Settings, path: Path, *, force: bool = False):  # type: ignore[no-untyped-def]
    return services.ingest_file(store, "streets", path, settings=settings, force=force)


def _state(store: Store) -> tuple[object, ...]:
    return (
        store.intersections(),
        store.street_lines(),
        [(r.id, r.kind, r.accepted) for r in store.imports()],
    )


# ------------------------------------------------------------------ the real file
def test_real_file_reads_every_intersection() -> None:
    result = intersections_from_file(STREETS, bbox=CHICAGO_BBOX)
    assert (result.rows_read, len(result.records), result.rejects) == (24048, 24048, [])
    assert result.source == "chicago-street-intersections" in SOURCES
    # 112 rows give no ZIP code and 142 give "0": kept, without a ZIP code, and counted
    assert sum(1 for r in result.records if r.zip_code is None) == 254
    assert "254 row(s) give no five-digit ZIP code" in result.notes[0]
    pulaski = [
        r for r in result.records if {r.street_1, r.street_2} == {"N PULASKI RD", "W MADISON ST"}
    ]
    assert pulaski == [Intersection("N PULASKI RD", "W MADISON ST", 41.88073, -87.72567, "60624")]


def test_real_file_imports_and_importing_again_changes_nothing(
    store: Store, settings: Settings
) -> None:
    first = _ingest(store, settings, STREETS)
    rec = first.record
    assert rec is not None and rec.kind == "streets"
    assert (rec.rows_read, rec.accepted, rec.rejected, rec.inserted) == (24048, 24048, 0, 24048)
    stored = _state(store)
    assert len(stored[0]) == 24048  # type: ignore[arg-type]
    lines = store.street_lines()
    assert len({line.street for line in lines}) > 1400
    assert {"WESTERN AVE", "HALSTED ST", "PULASKI RD"} <= {ln.street for ln in lines if ln.major}
    # the same bytes again: nothing read; read anyway (--force): nothing changes
    assert _ingest(store, settings, STREETS).skipped
    again = _ingest(store, settings, STREETS, force=True).record
    assert again is not None
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 24048)
    assert store.intersections() == stored[0] and store.street_lines() == stored[1]


# ------------------------------------------------------------------ bad rows
def test_bad_rows_are_kept_aside_with_their_reason(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    bad = [
        "N MAIN ST & ,N MAIN ST,,60601,-87.7,41.8",
        "N MAIN ST & N MAIN ST,N MAIN ST,N MAIN ST,60601,-87.7,41.8",
        "N OAK ST & W 9TH AVE,N MAIN ST,W 9TH AVE,60601,-87.7,41.8",
        "N MAIN ST & W 8TH AVE,N MAIN ST,W 8TH AVE,60601,west,41.8",
        "N MAIN ST & W 7TH AVE,N MAIN ST,W 7TH AVE,60601,,41.8",
        "N MAIN ST & W 6TH AVE,N MAIN ST,W 6TH AVE,60601,-80.0,41.8",
        "N MAIN ST & W 5TH AVE,N MAIN ST,W 5TH AVE,60601,41.8,-87.7",
        # the same two streets again, written the other way round
        "W 1ST AVE & N MAIN ST,W 1ST AVE,N MAIN ST,60601,-87.7,41.81",
    ]
    report = _ingest(store, settings, _write(tmp_path / "bad.csv", [*GRID, *bad]))
    rec = report.record
    assert rec is not None and (rec.rows_read, rec.accepted, rec.rejected) == (17, 9, 8)
    reasons = [r.reason for r in store.rejected_rows(rec.id)]
    assert reasons == [
        "street_2 is empty",
        "street_1 and street_2 name the same street (N MAIN ST)",
        "intersection 'N OAK ST & W 9TH AVE' is not street_1 & street_2 (N MAIN ST & W 9TH AVE)",
        "longitude 'west' is not a number",
        "longitude is empty",
        "location (41.8, -80.0) is outside the district's area (-87.99, 41.6, -87.5, 42.07); "
        "set SAFESCHOOLS_AREA_BBOX for another city",
        "latitude and longitude look swapped (-87.7, 41.8)",
        "duplicate id N MAIN ST & W 1ST AVE (first seen on line 2)",
    ]
    assert [r.line for r in store.rejected_rows(rec.id)] == list(range(11, 19))
    assert len(store.intersections()) == 9


def test_a_zip_code_of_0_is_no_zip_code(tmp_path: Path) -> None:
    rows = [*GRID[:2], "N MAIN ST & W 4TH AVE,N MAIN ST,W 4TH AVE,0,-87.7,41.806"]
    result = intersections_from_file(_write(tmp_path / "z.csv", rows), bbox=CHICAGO_BBOX)
    assert [r.zip_code for r in result.records] == ["60600", "60600", None]
    assert result.rejects == []


def test_a_file_without_street_columns_is_refused_in_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    path.write_text("School_ID,Short_Name\n1,A\n", encoding="utf-8")
    with pytest.raises(SourceSchemaError, match="not a street intersections file"):
        intersections_from_file(path, bbox=CHICAGO_BBOX)
    result = CliRunner().invoke(
        cli, ["--database-url", f"sqlite:///{tmp_path / 'c.db'}", "ingest", "streets", str(path)]
    )
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "street_1" in result.output


# ------------------------------------------------------------------ replacing the streets
def test_a_new_file_replaces_the_streets_and_the_lines(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _ingest(store, settings, _write(tmp_path / "a.csv", GRID))
    assert [(ln.street, len(ln.coords)) for ln in store.street_lines()] == [
        ("1ST AVE", 3),
        ("2ND AVE", 3),
        ("3RD AVE", 3),
        ("ELM ST", 3),
        ("MAIN ST", 3),
        ("OAK ST", 3),
    ]
    moved = GRID[8].replace("41.80400", "41.80410")  # Elm & 3rd, 11 m north
    newer = [*GRID[:7], moved, "N ELM ST & W 4TH AVE,N ELM ST,W 4TH AVE,60602,-87.694,41.806"]
    report = _ingest(store, settings, _write(tmp_path / "b.csv", newer))
    rec = report.record
    assert rec is not None
    # Elm & 4th is new; Elm & 3rd moved (updated); Elm & 2nd is gone (counted as updated)
    assert (rec.inserted, rec.updated, rec.unchanged) == (1, 2, 7)
    names = [i.key for i in store.intersections()]
    assert "N ELM ST & W 2ND AVE" not in names and "N ELM ST & W 4TH AVE" in names
    elm = next(ln for ln in store.street_lines() if ln.street == "ELM ST")
    assert elm.coords == ((-87.694, 41.8), (-87.694, 41.8041), (-87.694, 41.806))
    assert "2ND AVE" in {ln.street for ln in store.street_lines()}  # still Main and Oak


def test_interrupted_import_leaves_the_store_as_it_was(
    store: Store, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ingest(store, settings, _write(tmp_path / "a.csv", GRID))
    before = _state(store)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    # The intersections and lines are written first; the interruption comes as the import
    # record is closed.
    monkeypatch.setattr(store, "finish_import", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _ingest(store, settings, _write(tmp_path / "b.csv", GRID[:4]))
    assert _state(store) == before


def test_cli_ingest_streets_prints_what_it_did(tmp_path: Path) -> None:
    path = _write(tmp_path / "grid.csv", GRID)
    url = f"sqlite:///{tmp_path / 'c.db'}"
    result = CliRunner().invoke(cli, ["--database-url", url, "ingest", "streets", str(path)])
    assert result.exit_code == 0, result.output
    assert "Read 9 rows: 9 accepted, 0 rejected (inserted 9, updated 0, unchanged 0)" in (
        result.output
    )
