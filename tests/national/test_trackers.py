"""Each tracker's definition as a filter, on a small hand-made set of incidents; periods outside
a file's dates are not covered (never 0); the claim beside every tracker."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeschools.cli import cli
from safeschools.errors import DataValidationError
from safeschools.model.school_shootings import SchoolShooting, school_year_of
from safeschools.national.counts import check_claim, count_series
from safeschools.national.trackers import TRACKERS
from safeschools.testing import sqlite_store


def ssdb(ident: str, day: str, **kw: object) -> SchoolShooting:
    d = date.fromisoformat(day)
    base: dict[str, object] = {
        "location_type": "Inside School Building", "during_school": True, "killed": 0,
        "injured": 0, "shots_fired": "1", "time_period": "Morning Classes",
    }  # fmt: skip
    state = str(kw.pop("state", "IL"))
    base.update(kw)
    return SchoolShooting(
        "k12-ssdb", ident, d, school_year_of(d), state, "Chicago", "S",
        "ssdb terms", **base,  # type: ignore[arg-type]
    )  # fmt: skip


SET = [
    ssdb("hurt-in-class", "2008-02-01", injured=1),
    ssdb("brandished", "2008-03-01", shots_fired="0"),
    ssdb(
        "hurt-at-night-off-campus",
        "2008-04-01",
        killed=1,
        during_school=False,
        time_period="Night",
        location_type="Off School Property",
    ),
    ssdb(
        "hurt-at-game",
        "2008-09-01",
        injured=2,
        during_school=False,
        time_period="Sport Event",
        location_type="Outside on School Property",
    ),
    ssdb("suicide-on-bus", "2009-01-10", location_type="School Bus", situation="Suicide/Attempted"),
    ssdb("unknown-shots", "2009-06-30", shots_fired=None, during_school=None),
]


def _periods(name: str, by: str = "year") -> dict[str, int]:
    return {r.period: r.incidents for r in count_series(SET, name, by=by).rows}


def test_each_tracker_keeps_what_its_rule_says() -> None:
    assert _periods("k12-ssdb") == {"2008": 4, "2009": 2}  # every row
    assert _periods("edweek") == {"2008": 2, "2009": 0}  # hurt, on campus, class or event
    assert _periods("everytown") == {"2008": 3, "2009": 2}  # fired (unknown counts as fired)
    assert _periods("nces") == {"2008": 3, "2009": 0}  # killed or wounded, anywhere
    assert _periods("wapo") == {}  # no file of the Post in this set


def test_school_years_run_july_to_june_and_partial_ends() -> None:
    series = count_series(SET, "k12-ssdb", by="school-year")
    assert [(r.period, r.incidents, r.partial) for r in series.rows] == [
        ("2007-08", 3, True),
        ("2008-09", 3, False),
    ]  # fmt: skip  (the set ends 30 June)
    assert series.not_covered_reason("2009-10") is not None
    assert series.get("2009-10") is None


def test_state_and_city_filters_and_bad_inputs() -> None:
    other = [*SET, ssdb("texas", "2008-05-05", state="TX")]
    assert _periods("k12-ssdb") == {"2008": 4, "2009": 2}
    il = count_series(other, "k12-ssdb", state="il")
    assert {r.period: r.incidents for r in il.rows} == {"2008": 4, "2009": 2}
    assert count_series(other, "k12-ssdb", state="Texas").rows[0].incidents == 1
    assert count_series(other, "k12-ssdb", state="IL", city="peoria").rows[0].incidents == 0
    for kwargs in ({"by": "month"}, {"state": "Gondor"}, {"city": "Chicago"}):
        with pytest.raises(DataValidationError):
            count_series(other, "k12-ssdb", **kwargs)
    with pytest.raises(DataValidationError, match="Unknown tracker"):
        count_series(other, "gva")


def test_every_definition_has_words_in_both_languages_and_parameters() -> None:
    for t in TRACKERS.values():
        assert t.rule("en") and t.rule("es") and t.rule("en") != t.rule("es")
        assert t.exact == (t.name in ("k12-ssdb", "wapo"))
        if not t.exact:
            assert t.approximated("es") and t.approximated("en") != t.approximated("es")
        params = t.parameters()
        assert params["place"] in ("campus", "campus-or-near")
        assert params["hours"] in ("school-hours", "school-or-event", "any")


def test_the_claim_when_a_definition_produces_it_and_when_not_covered() -> None:
    made = [ssdb(f"a{i}", "2008-02-01") for i in range(18)]
    made += [ssdb(f"b{i}", "2023-03-01") for i in range(82)]
    checks = {(c.tracker, c.by): c for c in check_claim(made)}
    assert checks[("k12-ssdb", "year")].produces
    assert not checks[("edweek", "year")].produces  # nobody hurt
    covered = check_claim(SET)
    ssdb_year = next(c for c in covered if c.tracker == "k12-ssdb" and c.by == "year")
    assert ssdb_year.figures[0].counted == 4 and not ssdb_year.produces
    assert ssdb_year.figures[1].counted is None
    assert "not covered" in str(ssdb_year.figures[1].reason)


def test_the_national_command_prints_a_table_csv_and_says_when_nothing_is_loaded(
    tmp_path: Path,
) -> None:
    url = ["--database-url", f"sqlite:///{tmp_path / 'e.db'}"]
    run = CliRunner().invoke
    empty = run(cli, [*url, "national", "--tracker", "wapo"])
    assert empty.exit_code == 0 and "No wapo file is loaded" in empty.output
    assert (
        json.loads(run(cli, [*url, "national", "--tracker", "wapo", "--format", "json"]).output)
        == []
    )
    unknown = run(cli, [*url, "national", "--tracker", "gva"])
    assert unknown.exit_code == 2 and "'gva' is not one of" in unknown.output
    no_state = run(cli, [*url, "national", "--tracker", "wapo", "--city", "Chicago"])
    assert no_state.exit_code == 2 and "A city needs its state" in no_state.output
    store = sqlite_store(tmp_path / "e.db")
    with store.transaction() as conn:
        store.upsert_school_shootings(SET, None, conn=conn)
    store.dispose()
    table = run(cli, [*url, "national", "--tracker", "edweek", "--by", "school-year"])
    assert table.exit_code == 0 and "2007-08 (partial)" in table.output
    assert "Education Week" in table.output and "ssdb terms" in table.output
    text = run(cli, [*url, "national", "--tracker", "nces", "--format", "csv"]).output
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["period"], r["incidents"], r["license"]) for r in rows] == [
        ("2008", "3", "ssdb terms"), ("2009", "0", "ssdb terms")]  # fmt: skip
