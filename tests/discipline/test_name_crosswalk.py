"""Name crosswalk: normalisation, matching rules, the review CSV, the service and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from safeschools.cli import cli
from safeschools.errors import SourceSchemaError
from safeschools.ingest.name_crosswalk import (
    match_names,
    normalize_name,
    read_crosswalk,
    write_crosswalk,
)
from safeschools.model import School
from safeschools.model.discipline import NameMatch
from safeschools.services import crosswalk as service_crosswalk
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records

CPS = {
    "609862": ["COLES", "Edward Coles Elementary Language Academy"],
    "609739": ["WASHINGTON HS", "George Washington High School"],
    "610219": ["WASHINGTON G ES", "George Washington Elementary School"],
    "609774": ["ALCOTT ES", "Louisa May Alcott College Preparatory ES"],
    "610524": ["ALCOTT HS", "Louisa May Alcott College Preparatory HS"],
    "400083": ["ACERO - PAZ", "Acero Charter Schools - Octavio Paz Campus"],
    "400084": ["ACERO - TAMAYO"],
    "400085": ["ACERO - GARCIA HS"],
}


@pytest.mark.parametrize(
    ("isbe", "cps"),
    [
        ("Newberry Elem Math & Sci Acad", "Newberry Elementary Math and Science Academy"),
        ("O'Toole Elem Sch", "OToole Elementary School"),
        (
            "Lozano Elem Bilingual & Intl Ctr",
            "Lozano Elementary Bilingual and International Center",
        ),
        ("Noble St Chtr-Muchin College Prep", "Noble Street Charter Muchin College Preparatory"),
    ],
)
def test_normalize_name_makes_spellings_equal(isbe: str, cps: str) -> None:
    assert normalize_name(isbe) == normalize_name(cps)


def _one(name: str, **kw: object) -> NameMatch:
    (match,) = match_names("isbe-eoy", [name], CPS, **kw)  # type: ignore[arg-type]
    return match


def test_match_methods() -> None:
    assert (_one("COLES").school_id, _one("COLES").method) == ("609862", "exact")
    m = _one("Coles Elem Language Academy")
    assert (m.school_id, m.method, m.score) == ("609862", "normalized", 100.0)
    # High school vs elementary of the same name: the level decides.
    assert _one("Washington G High School").school_id == "609739"
    m = _one("Acero Chtr Sch Network - Rufino Tamayo Campus")
    assert (m.school_id, m.method) == ("400084", "fuzzy")
    assert m.score is not None and m.score >= 88


def test_ties_stay_unmatched_with_candidates() -> None:
    m = _one("Alcott College Prep")
    assert (m.school_id, m.method) == (None, "unmatched")
    assert m.note is not None and "609774 ALCOTT ES" in m.note and "610524 ALCOTT HS" in m.note
    m = _one("Nowhere Institute")
    assert m.method == "unmatched" and m.note is not None and m.note.startswith("no CPS school")


def test_reviewed_rows_win() -> None:
    reviewed = [
        NameMatch("isbe-eoy", "Alcott College Prep", "610524", "reviewed"),
        NameMatch("isbe-eoy", "Coles Elem Language Academy", None, "reviewed", note="closed"),
        NameMatch("isbe-eoy", "COLES", "610219", "fuzzy"),  # not reviewed: ignored
    ]
    got = {
        m.source_name: m
        for m in match_names(
            "isbe-eoy",
            ["Alcott College Prep", "Coles Elem Language Academy", "COLES", "COLES"],
            CPS,
            reviewed=reviewed,
        )
    }
    assert len(got) == 3
    assert (got["Alcott College Prep"].school_id, got["Alcott College Prep"].method) == (
        "610524",
        "reviewed",
    )
    assert got["Alcott College Prep"].cps_name == "ALCOTT HS"
    assert got["Coles Elem Language Academy"].school_id is None
    assert got["COLES"].method == "exact"


def test_crosswalk_file_round_trip_and_review(tmp_path: Path) -> None:
    matches = match_names("isbe-eoy", ["Coles Elem Language Academy", "Alcott College Prep"], CPS)
    path = write_crosswalk(tmp_path / "cw.csv", matches)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "source,source_name,school_id,method,score,cps_name,note"
    assert lines[1].startswith("isbe-eoy,Alcott College Prep,,unmatched,,,")  # unmatched first
    assert read_crosswalk(path) == sorted(matches, key=lambda m: m.school_id is not None)
    path.write_text(
        lines[0] + "\nisbe-eoy,Alcott College Prep,610524,Reviewed,,,checked\n", encoding="utf-8"
    )
    (row,) = read_crosswalk(path)
    assert (row.school_id, row.method, row.note) == ("610524", "reviewed", "checked")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,id\nx,1\n", r"^cw\.csv is not a name crosswalk: it lacks the column\(s\) source, "),
        (
            "source,source_name,school_id,method\nisbe-eoy,X,1,maybe\n",
            r"^cw\.csv line 2: method 'maybe' is not one of ",
        ),
        (
            "source,source_name,school_id,method,score\nisbe-eoy,X,1,fuzzy,high\n",
            r"^cw\.csv line 2: score 'high' is not a number\.$",
        ),
    ],
)
def test_bad_crosswalk_file_one_sentence(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "cw.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceSchemaError, match=message):
        read_crosswalk(path)


DATA = Path(__file__).resolve().parents[1] / "data" / "crdc"


def _schools(store: Store, settings: Settings) -> None:
    schools = [
        School("609862", "2017-18", "COLES", long_name="Edward Coles Elementary Language Academy"),
        School("609739", "2017-18", "WASHINGTON HS", long_name="George Washington High School"),
        School("609678", "2018-19", "JONES HS"),
    ]
    load_records(store, settings, schools=schools)


def test_build_crosswalk_and_cli(store: Store, settings: Settings, tmp_path: Path) -> None:
    _schools(store, settings)
    assert service_crosswalk.school_names(store)["609862"] == [
        "COLES",
        "Edward Coles Elementary Language Academy",
    ]
    out = tmp_path / "cw.csv"
    report = service_crosswalk.build_crosswalk(
        store, "crdc", DATA / "CRDC_2017-18_Enrollment.csv", out
    )
    assert report.names == 5
    assert report.by_method == {"exact": 1, "normalized": 2, "unmatched": 2}
    assert sorted(m.source_name for m in report.unmatched) == [
        "Lincoln Park High School",
        "Nowhere Academy",
    ]
    assert {m.source_name for m in read_crosswalk(out) if m.school_id is None} == {
        "Lincoln Park High School",
        "Nowhere Academy",
    }


def test_cli_crosswalk_lists_unmatched(settings: Settings, tmp_path: Path) -> None:
    from safeschools.storage import open_store

    store = open_store(settings.database_url)
    _schools(store, settings)
    store.dispose()
    out = tmp_path / "out.csv"
    runner = CliRunner()
    done = runner.invoke(
        cli,
        [
            "--database-url",
            settings.database_url,
            "crosswalk",
            "crdc",
            str(DATA / "CRDC_2017-18_Enrollment.csv"),
            "--out",
            str(out),
        ],
        terminal_width=200,
    )
    assert done.exit_code == 0, done.output
    assert "5 school names of CRDC_2017-18_Enrollment.csv against 3 CPS schools" in done.output
    assert "Unmatched (2)" in done.output and "Nowhere Academy" in done.output
    assert out.is_file()
    bad = runner.invoke(
        cli,
        ["--database-url", settings.database_url, "crosswalk", "crdc", str(tmp_path / "no.csv")],
    )
    assert bad.exit_code != 0 and "does not exist" in bad.output
