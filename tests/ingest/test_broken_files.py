"""A corpus of broken files: each gets a clear message or a rejected row with its reason, and
nothing is lost or half-written. The files are made from the real ones in tmp_path."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeschools import services
from safeschools.cli import cli
from safeschools.errors import SourceError, SourceSchemaError
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import real_data

VICTIMS = real_data(
    "chicago-victims-homicides-nonfatal-shootings-2024-2026",
    "chicago_shootings_enriched_2026_part4.csv",
)
LOCATIONS = real_data("cps-school-locations", "School_Locations_SY1718.csv")


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(
    path: Path, header: list[str], rows: list[dict[str, str]], encoding: str = "utf-8"
) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding=encoding)
    return path


def _state(store: Store) -> tuple[int, int, int, int]:
    return (
        store.count("victimizations"),
        store.count("schools"),
        store.count("imports"),
        store.count("rejected_rows"),
    )


def _ingest(store: Store, settings: Settings, kind: str, path: Path) -> services.IngestReport:
    return services.ingest_file(store, kind, path, settings=settings)


# ------------------------------------------------------------------ whole-file failures
@pytest.mark.parametrize(
    ("make", "kind", "message"),
    [
        (lambda p: p.write_bytes(b""), "victims", "is empty"),
        (lambda p: p.write_bytes(b"\n\n"), "victims", "no header row"),
        (lambda p: p.write_bytes(b"PK\x03\x04rest-of-an-xlsx"), "schools", "ZIP archive"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00"), "victims", "binary file"),
        (lambda p: p.write_text("a,b\n1,2\n"), "victims", "lacks the column"),
        (lambda p: p.write_text("a,b\n1,2\n"), "schools", "no School_ID column"),
        (lambda p: p.write_text('[{"a": 1'), "victims", "not valid JSON"),
        (lambda p: p.write_text("School_ID,School_ID\n1,2\n"), "schools", "twice"),
    ],
)
def test_unreadable_file_gets_one_sentence_and_changes_nothing(
    store: Store,
    settings: Settings,
    tmp_path: Path,
    make,
    kind: str,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "broken.csv"
    make(path)
    before = _state(store)
    with pytest.raises(SourceError, match=message):
        _ingest(store, settings, kind, path)
    assert _state(store) == before


def test_renamed_column_is_named_in_the_message(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    header, rows = _rows(VICTIMS)
    renamed = ["when" if h == "date" else h for h in header]
    for row in rows:
        row["when"] = row.pop("date")
    path = _write(tmp_path / "renamed.csv", renamed, rows)
    with pytest.raises(SourceSchemaError, match=r"lacks the column\(s\) DATE"):
        _ingest(store, settings, "victims", path)


def test_school_file_without_year_asks_for_school_year(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    header, rows = _rows(LOCATIONS)
    path = _write(tmp_path / "schools.csv", header, rows)
    with pytest.raises(SourceSchemaError, match="pass --school-year"):
        _ingest(store, settings, "schools", path)
    report = services.ingest_file(store, "schools", path, settings=settings, school_year="2017-18")
    assert report.record is not None and report.record.accepted == 661


# ------------------------------------------------------------------ row-level problems
def test_bad_rows_are_kept_aside_with_line_and_reason(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    header, rows = _rows(VICTIMS)
    rows = rows[:50]
    rows[3]["date"] = "31/02/2026 25:00"
    rows[5]["latitude"], rows[5]["longitude"] = rows[5]["longitude"], rows[5]["latitude"]
    rows[7]["latitude"] = "95.5"
    rows[9]["longitude"] = "not-a-number"
    rows[11]["cpd_id"] = rows[10]["cpd_id"]
    rows[13]["cpd_id"] = ""
    rows[15]["latitude"], rows[15]["longitude"] = "40.7128", "-74.0060"  # New York
    rows[17]["age"] = "about twenty"
    path = _write(tmp_path / "victims.csv", header, rows)
    report = _ingest(store, settings, "victims", path)
    rec = report.record
    assert rec is not None
    assert (rec.rows_read, rec.accepted, rec.rejected) == (50, 42, 8)
    assert store.count("victimizations") == 42
    rejected = {r.line: r.reason for r in store.rejected_rows(rec.id)}
    # line numbers are file lines: the header is line 1, rows[i] is line i + 2
    assert "date" in rejected[5] and "not a date" in rejected[5]
    assert "swapped" in rejected[7]
    assert "out of range" in rejected[9]
    assert "not a number" in rejected[11]
    assert "duplicate id" in rejected[13] and "line 12" in rejected[13]
    assert "empty" in rejected[15]
    assert "outside the district" in rejected[17]
    assert "age band" in rejected[19]
    # The rejected rows are kept whole, minus any name column.
    kept = store.rejected_rows(rec.id)[0].raw
    assert kept["case_number"] == rows[3]["case_number"]
    assert not any("name" in key for key in kept)


def test_truncated_file_keeps_the_good_rows_and_rejects_the_cut_one(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    data = VICTIMS.read_bytes()
    cut = data[: len(data) // 2]
    cut = cut[: cut.rfind(b"\n") + 40]  # stop 40 bytes into a row
    path = tmp_path / "truncated.csv"
    path.write_bytes(cut)
    report = _ingest(store, settings, "victims", path)
    rec = report.record
    assert rec is not None
    assert rec.rejected == 1 and rec.accepted == rec.rows_read - 1
    reason = store.rejected_rows(rec.id)[0].reason
    assert "truncated" in reason


def test_unbalanced_quote_at_the_end_is_rejected_not_lost(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    header, rows = _rows(VICTIMS)
    path = _write(tmp_path / "quote.csv", header, rows[:10])
    with path.open("a", encoding="utf-8") as fh:
        fh.write('JX1,"2026-01-01 00:00:00,unterminated\n')
    report = _ingest(store, settings, "victims", path)
    assert report.record is not None
    assert (report.record.accepted, report.record.rejected) == (10, 1)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_other_encodings_are_read(
    store: Store, settings: Settings, tmp_path: Path, encoding: str
) -> None:
    header, rows = _rows(LOCATIONS)
    rows = rows[:20]
    rows[0]["Short_Name"] = "NIÑOS HÉROES"
    path = _write(tmp_path / "School_Locations_SY1718.csv", header, rows, encoding=encoding)
    report = _ingest(store, settings, "schools", path)
    assert report.record is not None and report.record.accepted == 20
    names = {s.name for s in store.schools(school_year="2017-18")}
    assert "NIÑOS HÉROES" in names
    if encoding == "cp1252":
        assert any("cp1252" in n for n in report.notes)


def test_school_rows_with_bad_coordinates_and_duplicates(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    header, rows = _rows(LOCATIONS)
    rows = rows[:30]
    rows[1]["Lat"], rows[1]["Long"] = rows[1]["Long"], rows[1]["Lat"]
    rows[2]["School_ID"] = rows[0]["School_ID"]
    rows[3]["Lat"] = "0"
    rows[3]["Long"] = "0"
    rows[4]["Lat"], rows[4]["Long"] = "", ""
    rows[4]["the_geom"] = ""
    path = _write(tmp_path / "School_Locations_SY1718.csv", header, rows)
    report = _ingest(store, settings, "schools", path)
    rec = report.record
    assert rec is not None
    assert (rec.accepted, rec.rejected) == (27, 3)
    reasons = sorted(r.reason for r in store.rejected_rows(rec.id))
    assert any("swapped" in r for r in reasons)
    assert any("duplicate id" in r for r in reasons)
    assert any("0, 0" in r for r in reasons)
    assert any("no coordinates" in n for n in report.notes)


# ------------------------------------------------------------------ idempotency and updates
def test_same_file_twice_adds_nothing(store: Store, settings: Settings) -> None:
    first = _ingest(store, settings, "victims", VICTIMS)
    state = _state(store)
    second = _ingest(store, settings, "victims", VICTIMS)
    assert second.skipped and second.duplicate_of is not None
    assert second.duplicate_of.id == first.record.id  # type: ignore[union-attr]
    assert _state(store) == state
    forced = services.ingest_file(store, "victims", VICTIMS, settings=settings, force=True)
    assert forced.record is not None
    assert (forced.record.inserted, forced.record.updated, forced.record.unchanged) == (0, 0, 223)
    assert store.count("victimizations") == state[0]


def test_same_rows_in_another_file_add_nothing(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    header, rows = _rows(VICTIMS)
    _ingest(store, settings, "victims", _write(tmp_path / "a.csv", header, rows))
    again = _ingest(
        store, settings, "victims", _write(tmp_path / "b.csv", header, list(reversed(rows)))
    )
    assert again.record is not None
    assert (again.record.inserted, again.record.updated, again.record.unchanged) == (0, 0, 223)


def test_updated_row_replaces_the_old_one(store: Store, settings: Settings, tmp_path: Path) -> None:
    header, rows = _rows(VICTIMS)
    _ingest(store, settings, "victims", _write(tmp_path / "a.csv", header, rows))
    target = rows[0]["cpd_id"]
    rows[0]["victimization_primary"] = "HOMICIDE"
    rows[0]["updated"] = "2026-09-01T10:00:00.000"
    report = _ingest(store, settings, "victims", _write(tmp_path / "b.csv", header, rows))
    rec = report.record
    assert rec is not None
    assert (rec.inserted, rec.updated, rec.unchanged) == (0, 1, 222)
    assert rec.note is not None and "1 stored row(s) updated" in rec.note
    victims = {v.source_row_id: v for v in store.victimizations()}
    assert len(victims) == 223
    assert victims[target].fatal is True


def test_interrupted_import_leaves_the_store_as_it_was(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ingest(store, settings, "schools", LOCATIONS)
    before = _state(store)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    # The rows are written first; the interruption comes while the import record is closed.
    monkeypatch.setattr(store, "finish_import", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _ingest(store, settings, "victims", VICTIMS)
    assert _state(store) == before


# ------------------------------------------------------------------ the CLI contract
def test_cli_bad_file_exits_2_with_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = CliRunner().invoke(
        cli, ["--database-url", f"sqlite:///{tmp_path / 'c.db'}", "ingest", "victims", str(empty)]
    )
    assert result.exit_code == 2
    assert "is empty" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_missing_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "--database-url",
            f"sqlite:///{tmp_path / 'c.db'}",
            "ingest",
            "schools",
            str(tmp_path / "nope.csv"),
        ],
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_cli_bad_option_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "--database-url",
            f"sqlite:///{tmp_path / 'c.db'}",
            "ingest",
            "schools",
            str(LOCATIONS),
            "--school-year",
            "2019-2021",
        ],
    )
    assert result.exit_code == 2
    assert "school year" in result.output.lower()
