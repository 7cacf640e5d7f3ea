"""Importing the trackers' files, hand-made: recognised by columns, bad rows kept aside with
their reason, a bad file refused with one sentence, twice changes nothing, an interrupted
import leaves the store as it was (on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from safeschools.cli import cli
from safeschools.errors import SourceError, SourceSchemaError
from safeschools.services import national as service
from safeschools.settings import Settings
from safeschools.storage import Store

INCIDENT_HEADER = (
    "Incident_ID,Sources,Date,School,City,State,School_Level,Location_Type,During_School,"
    "Time_Period,First_Shot,Summary,Narrative,Situation,Officer_Involved,Shots_Fired"
)
INCIDENTS = [
    "A1,x,2021-09-01,North High,Chicago,IL,High,Inside School Building,Yes,Morning Classes,"
    '09:00:00,a summary,"Jane Roe was shot by John Doe",Escalation of Dispute,No,2',
    "A2,x,2022-03-01,South High,Peoria,IL,High,Outside on School Property,No,Night,null,s,n,"
    "null,No,0",
    "A3,x,not a date,West High,Austin,TX,High,Parking Lot,Yes,Lunch,null,s,Ann Example was hit,"
    "null,No,1",
    "A4,x,2022-05-01,East High,Nowhere,ZZ,High,Parking Lot,Yes,Lunch,null,s,n,null,No,1",
    "A1,x,2021-09-01,North High,Chicago,IL,High,Inside School Building,Yes,Lunch,null,s,n,"
    "null,No,1",
]
VICTIMS = ["incidentid,race,injury,gender,schoolaffiliation,age",
           "A1,null,Fatal,Male,Student,16", "A1,null,Wounded,Female,Student,15",
           "A1,null,None,Male,Student,15", "Z9,null,Wounded,Male,null,20"]  # fmt: skip
SHOOTERS = ["incidentid,age,gender,race,schoolaffiliation,shooteroutcome,shooterdied,injury",
            "A1,17,Male,null,Student,Fled/Apprehended,No,None"]  # fmt: skip
WEAPONS = ["incidentid,weaponcaliber,weapondetails,weapontype", "A1,null,null,Handgun"]

WAPO_HEADER = (
    "uid,nces_school_id,school_name,date,school_year,year,time,city,state,school_type,"
    "enrollment,killed,injured,shooting_type,age_shooter1,shooter_deceased1,resource_officer,"
    "weapon,lat,long"
)
WAPO = [
    "1,170993000001,North High,9/1/2021,2021-2022,2021,9:00 AM,Chicago,Illinois,public,1200,1,"
    "2,targeted,17,0,1,handgun,41.9,-87.6",
    "2,,South High,3/1/2022,2021-2022,2022,1:00 PM,Peoria,Illinois,public,,0,1,accidental,,,,,,",
    "3,,Bad,13/45/2022,2021-2022,2022,,Austin,Texas,public,,0,0,targeted,,,2,,,",
    "4,,Bad,3/2/2022,2021-2022,2022,,Austin,Texas,public,,-1,0,targeted,,,0,,,",
]


def _write(path: Path, lines: list[str], *, bom: bool = False, encoding: str = "utf-8") -> Path:
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding=encoding)
    return path


def ssdb_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "victim.csv", VICTIMS, bom=True)
    _write(folder / "shooter.csv", SHOOTERS, bom=True)
    _write(folder / "weapon.csv", WEAPONS, bom=True)
    return _write(folder / "incident.csv", [INCIDENT_HEADER, *INCIDENTS], bom=True)


def wapo_file(path: Path) -> Path:
    return _write(path, [WAPO_HEADER, *WAPO], encoding="latin-1")


def test_ssdb_tables_linked_by_incident_id_bad_rows_aside(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    report = service.ingest_school_shootings(store, ssdb_folder(tmp_path), settings=settings)
    assert report.record is not None and report.record.accepted == 2
    rejected = store.rejected_rows(report.record.id)
    reasons = [r.reason for r in rejected]
    assert {r.location for r in rejected} == {"incident.csv", "victim.csv"}
    assert any("not a date" in r for r in reasons)
    assert any("'ZZ' is not a US state" in r for r in reasons)
    assert any(r.startswith("duplicate id A1") for r in reasons)
    assert any("'Z9' names no incident" in r for r in reasons)
    a1, a2 = store.school_shootings(source="k12-ssdb")
    assert (a1.incident_id, a1.killed, a1.injured, a1.shooters) == ("A1", 1, 1, 1)
    assert (a1.weapons, a1.shooter_died, a1.during_school) == ("Handgun", False, True)
    assert a1.school_year == "2021-22" and a1.state == "IL" and "Riedman" in a1.license
    assert (a2.killed, a2.injured, a2.situation, a2.time) == (0, 0, None, None)  # "null"


def test_no_name_or_narrative_is_stored(store: Store, settings: Settings, tmp_path: Path) -> None:
    service.ingest_school_shootings(store, ssdb_folder(tmp_path), settings=settings)
    with store.engine.connect() as conn:
        dump = repr(conn.exec_driver_sql("SELECT * FROM school_shootings").all())
        rejects = repr(conn.exec_driver_sql("SELECT * FROM rejected_rows").all())
    for text in ("Jane Roe", "John Doe", "a summary", "Ann Example"):
        assert text not in dump and text not in rejects


def test_wapo_rows_bad_rows_aside_and_twice_no_change(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    path = wapo_file(tmp_path / "school-shootings-data.csv")
    first = service.ingest_school_shootings(store, path, settings=settings)
    assert first.record is not None and first.record.accepted == 2
    reasons = " | ".join(r.reason for r in store.rejected_rows(first.record.id))
    assert "not a date" in reasons and "negative" in reasons
    one, two = store.school_shootings(source="wapo")
    assert (one.nces_school_id, one.resource_officer, one.enrollment) == ("170993000001", 1, 1200)
    assert (one.lat, one.lon, one.state, one.license) == (
        41.9, -87.6, "IL", "CC BY-NC-SA 4.0 (The Washington Post)")  # fmt: skip
    assert two.resource_officer is None and two.school_year == "2021-22"
    again = service.ingest_school_shootings(store, path, settings=settings)
    assert again.skipped
    forced = service.ingest_school_shootings(store, path, settings=settings, force=True)
    assert forced.record is not None
    assert (forced.record.inserted, forced.record.updated, forced.record.unchanged) == (0, 0, 2)
    assert store.count("school_shootings") == 2


def test_missing_sibling_tables_are_named(store: Store, settings: Settings, tmp_path: Path) -> None:
    path = ssdb_folder(tmp_path)
    (tmp_path / "weapon.csv").unlink()
    (tmp_path / "shooter.csv").unlink()
    with pytest.raises(SourceError, match=r"shooter.csv, weapon.csv are not beside it"):
        service.ingest_school_shootings(store, path, settings=settings)
    assert store.count("school_shootings") == 0 and store.count("imports") == 0


def test_a_bad_file_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    other = _write(tmp_path / "other.csv", ["a,b", "1,2"])
    victim = _write(tmp_path / "victim.csv", VICTIMS, bom=True)
    url = ["--database-url", f"sqlite:///{tmp_path / 'x.db'}"]
    for path, words in ((other, "is not a school-shootings file"),
                        (victim, "victim table; import its incident.csv"),
                        (tmp_path / "missing.csv", "does not exist")):  # fmt: skip
        done = CliRunner().invoke(cli, [*url, "ingest", "school-shootings", str(path)])
        assert done.exit_code == 2 and words in done.output
        assert done.output.count("\n") == 1


def test_an_interrupted_import_leaves_the_store_as_it_was(
    store: Store, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = wapo_file(tmp_path / "w.csv")

    def interrupted(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "finish_import", interrupted)
    with pytest.raises(KeyboardInterrupt):
        service.ingest_school_shootings(store, path, settings=settings)
    assert store.count("school_shootings") == 0 and store.count("imports") == 0


def test_detect_says_what_a_file_lacks(tmp_path: Path) -> None:
    from safeschools.ingest.school_shootings import detect_tracker

    assert detect_tracker(ssdb_folder(tmp_path / "s")) == "k12-ssdb"
    assert detect_tracker(wapo_file(tmp_path / "w.csv")) == "wapo"
    with pytest.raises(SourceSchemaError, match="neither"):
        detect_tracker(_write(tmp_path / "o.csv", ["uid,date", "1,2"]))
