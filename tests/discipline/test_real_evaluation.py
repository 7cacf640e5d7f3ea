"""The evaluation on the real files: the compiled officer decisions give each school's removal
year; the CPS misconduct report (2013-14 to 2021-22) gives the outcomes. Only the schools that
removed officers in 2020-21 and 2021-22 can be compared (with schools that removed theirs
later); the figures below are what the data say, recorded so a change is noticed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from safeschools import services
from safeschools.services import discipline as service_discipline
from safeschools.services import equity as service_equity
from safeschools.services import evaluation as service_evaluation
from safeschools.services.officers import ingest_officers_file
from safeschools.settings import Settings
from safeschools.testing import real_data, sqlite_store


@pytest.mark.slow
def test_real_removals_and_the_evaluation_of_police_notifications(tmp_path: Path) -> None:
    settings = Settings()
    store = sqlite_store(tmp_path / "real.db")
    profiles = real_data("cps-school-profiles")
    for path in sorted(profiles.glob("*.csv")):
        services.ingest_file(store, "schools", path, settings=settings)
    ingest_officers_file(
        store, real_data("cps-sro-decisions") / "sro_decisions.csv", settings=settings
    )
    report = next(real_data("cps-discipline-misconduct").glob("*.xlsx"))
    service_discipline.ingest_discipline_file(store, "cps-misconduct", report, settings=settings)

    removal = service_equity.removal_years(store)
    assert Counter(removal.values()) == {
        "2024-25": 26,
        "2020-21": 16,
        None: 12,
        "2021-22": 6,
        "2023-24": 1,
    }
    # most schools' police notifications are under 10 in some year: published data cannot
    # answer without bias or disclosure, and the evaluation says so instead of estimating
    police = service_evaluation.evaluation(store, settings=settings)
    assert police["overall"] is None and police["group_time"] == []
    assert police["suppressed_counts"] == 190
    # nothing estimated: no "0 schools" and no "0 bootstrap draws", but the reasons
    assert police["schools"] is None and police["bootstrap_iterations"] is None
    assert [r["code"] for r in police["not_estimated"]] == ["suppressed", "years_not_loaded"]
    assert police["not_estimated"][1]["years"] == ["2022-23", "2023-24", "2024-25"]
    assert police["officers_returned"] == []  # no school got its officers back
    suspensions = service_evaluation.evaluation(store, settings=settings, outcome="suspensions")
    assert suspensions["overall"] is None and suspensions["suppressed_counts"] == 13
    # a district analyst with the unsuppressed report can run it (min_cell_size 1)
    internal = Settings(min_cell_size=1)
    result = service_evaluation.evaluation(store, settings=internal)
    assert [(c["cohort"], c["schools"]) for c in result["cohorts"]] == [
        ("2020-21", 14),
        ("2021-22", 4),
    ]
    overall = result["overall"]
    assert overall is not None
    # no detectable change in police notifications per 100 students after removal
    assert overall["ci_low"] < 0 < overall["ci_high"]

    district = service_equity.outcomes(store, None, settings=settings)
    # the years after the report (officers recorded to 2024-25) are listed as not loaded
    assert district["data_years"]["discipline_missing"] == ["2022-23", "2023-24", "2024-25"]
    assert district["series"][-1] == {
        "school_year": "2024-25",
        "discipline": "not_loaded",
        "enrolled": None,
        "values": {},
        "shootings_near": None,
        "shootings": None,
    }
    last = next(s for s in district["series"] if s["school_year"] == "2021-22")
    assert last["values"]["police_notifications"] == {
        "value": 1362,
        "status": "shown",
        "per_100": last["values"]["police_notifications"]["per_100"],
    }
    remote = next(s for s in district["series"] if s["school_year"] == "2020-21")
    # 43 suspensions in the remote year: 1 in-school and 42 out-of-school, so both are hidden
    assert remote["values"]["suspensions"]["value"] == 43
    assert remote["values"]["iss"]["status"] == remote["values"]["oss"]["status"] == "suppressed"
    store.dispose()
