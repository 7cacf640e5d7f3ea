"""Did the change work? Schools that removed their officers against schools that had not yet.

For each outcome (a discipline measure per 100 students, or the shootings near the school under
the ``outcome_preset`` definition) a panel of schools x school years is built from the store;
a school's treatment year is the first school year without officers after years with them
(:func:`safeschools.service_equity.removal_years`). Only schools that had officers are in the
panel: schools that never had one are a different kind of school (most are elementary), so the
comparison is with schools that had not removed theirs *yet*. The estimate is
:func:`safeschools.metrics.did.staggered_did` (Callaway and Sant'Anna, not-yet-treated
controls, multiplier bootstrap with a fixed seed).

The panel uses the true counts: what is published is an average effect over many schools with
its interval, never a school's count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

import pandas as pd

from safeschools.errors import DataValidationError, NotFoundError
from safeschools.metrics.did import staggered_did
from safeschools.proximity import ExposureIndex
from safeschools.proximity.presets import load_presets, preset
from safeschools.service_equity import (
    OUTCOME_MEASURES,
    outcomes,
    removal_years,
    school_equity_section,
    school_name,
)
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = [
    "EVALUATION_OUTCOMES",
    "district_outcomes",
    "district_shootings_by_school_year",
    "evaluation",
    "school_equity_report",
    "school_outcomes",
    "shootings_by_school_year",
]

#: Outcomes the evaluation offers: discipline measures per 100 students, and shootings near.
EVALUATION_OUTCOMES = (
    "police_notifications",
    "suspensions",
    "oss",
    "expulsions",
    "misconducts",
    "students_police_notification",
    "students_oss",
    "shootings_near",
)

LIMITS = (
    "The 2020-21 school year was taught remotely for most of the year; discipline counts fell "
    "everywhere, and a school that removed its officer that year is compared with schools in "
    "the same remote year.",
    "Schools chose to remove officers (by council vote), so schools that removed them early "
    "may differ in ways that also change their trends.",
    "Counts come from the district's published reports; reporting rules changed over the "
    "years, and charter schools report only expulsions.",
    "Shootings near a school depend on the definition of 'near' (the outcome preset) and are "
    "not caused by the school; they are shown to check that removal did not coincide with more "
    "violence nearby.",
)


def _year_start(school_year: str) -> int:
    return int(school_year[:4])


def _yearly_results(index: ExposureIndex, *, settings: Settings) -> Iterator[tuple[str, Any]]:
    """``(school_year, ExposureResult)`` under ``outcome_preset`` for each school year (July to
    June) the victims cover."""
    base = preset(settings.outcome_preset, load_presets(settings.presets_file))
    occurred = index.data.occurred_at
    if not index.school_years or occurred.size == 0:
        return
    first_day = occurred.min().astype("datetime64[D]").astype(date)
    last_day = occurred.max().astype("datetime64[D]").astype(date)
    for year in index.school_years:
        start = _year_start(year)
        since, until = date(start, 7, 1), date(start + 1, 6, 30)
        if until < first_day or since > last_day:
            continue
        d = base.with_changes(since=since, until=until, years=None, school_year=year)
        yield year, index.query(d)


def shootings_by_school_year(
    index: ExposureIndex, *, settings: Settings
) -> dict[str, dict[str, int]]:
    """Victims near every school by school year (July to June) under ``outcome_preset``:
    ``{school_year: {school_id: victims}}``, 0 for schools of that year with none."""
    out: dict[str, dict[str, int]] = {}
    for year, result in _yearly_results(index, settings=settings):
        counts = {r["school_id"]: int(r["victims"]) for r in result.per_school}
        schools = index.data.school_id[index.data.school_year == year].tolist()
        out[year] = {str(s): counts.get(str(s), 0) for s in schools}
    return out


def district_shootings_by_school_year(
    index: ExposureIndex, *, settings: Settings
) -> dict[str, int]:
    """Victims near any school (each counted once) by school year under ``outcome_preset``."""
    return {year: int(r.victims) for year, r in _yearly_results(index, settings=settings)}


def _panel(
    store: Store,
    outcome: str,
    removal: Mapping[str, str | None],
    shootings: Mapping[str, Mapping[str, int]] | None,
) -> pd.DataFrame:
    rows: list[tuple[str, int, float, int]] = []
    first = {s: (_year_start(y) if y else 0) for s, y in removal.items()}
    if outcome == "shootings_near":
        for year, counts in (shootings or {}).items():
            for school, victims in counts.items():
                if school in first:
                    rows.append((school, _year_start(year), float(victims), first[school]))
        return pd.DataFrame(rows, columns=["unit", "period", "outcome", "first_treated"])
    published = _published_rates(store, outcome)
    enrolled = {
        (e.school_id, e.school_year): e.students
        for e in store.enrollments(groups=["all"])
        if e.students
    }
    for profile in store.schools():
        key = (profile.school_id, profile.school_year)
        if key not in enrolled and profile.enrollment:
            enrolled[key] = profile.enrollment
    seen: set[tuple[str, str]] = set()
    for f in store.discipline_figures(period="EOY", measures=[outcome], groups=["all"]):
        if f.school_id not in first or f.value is None:
            continue
        key = (f.school_id, f.school_year)
        n = enrolled.get(key)
        rate = published.get(key)
        if rate is None and n:
            rate = 100 * f.value / n
        if key in seen or rate is None:
            continue
        seen.add(key)
        rows.append((f.school_id, _year_start(f.school_year), rate, first[key[0]]))
    return pd.DataFrame(rows, columns=["unit", "period", "outcome", "first_treated"])


#: Rates per 100 students that publishers print, used when the enrollment of a year is unknown.
PUBLISHED_RATES = {
    "police_notifications": ("police_notifications_per_100",),
    "oss": ("oss_per_100",),
    "iss": ("iss_per_100",),
    "suspensions": ("oss_per_100", "iss_per_100"),
    "expulsions": ("expulsions_per_100",),
    "students_expelled": ("expulsions_per_100",),
}


def _published_rates(store: Store, outcome: str) -> dict[tuple[str, str], float]:
    """The publisher's rate per 100 students of ``outcome`` by (school, year), summed over its
    parts (suspensions = in-school + out-of-school); only where every part is given."""
    parts = PUBLISHED_RATES.get(outcome, ())
    values: dict[tuple[str, str], dict[str, float | None]] = defaultdict(dict)
    for f in store.discipline_figures(period="EOY", measures=list(parts), groups=["all"]):
        values[(f.school_id, f.school_year)][f.measure] = f.value
    return {
        key: sum(v for v in got.values() if v is not None)
        for key, got in values.items()
        if len(got) == len(parts) and all(v is not None for v in got.values())
    }


def evaluation(
    store: Store,
    *,
    settings: Settings,
    outcome: str = "police_notifications",
    shootings: Mapping[str, Mapping[str, int]] | None = None,
    index: ExposureIndex | None = None,
    bootstrap_iterations: int = 999,
) -> dict[str, Any]:
    """The staggered difference-in-differences of one outcome, ready for every interface:
    cohorts (schools by removal year), the overall effect with its interval, the event study,
    the assumptions and the limits in plain language.

    The outcome ``shootings_near`` needs the victims near every school by school year: pass
    them (``shootings``, see :func:`shootings_by_school_year`) or the exposure ``index`` they
    are counted from."""
    if outcome not in EVALUATION_OUTCOMES:
        msg = f"Unknown outcome {outcome!r}; use one of {', '.join(EVALUATION_OUTCOMES)}."
        raise DataValidationError(msg)
    if shootings is None and index is not None and outcome == "shootings_near":
        shootings = shootings_by_school_year(index, settings=settings)
    removal = removal_years(store)
    if not removal:
        msg = "No officer history is stored: import officer assignments first."
        raise NotFoundError(msg)
    panel = _panel(store, outcome, removal, shootings)
    if panel.empty or panel["unit"].nunique() < 2:
        msg = f"Not enough {outcome} figures for schools that had officers to compare them."
        raise NotFoundError(msg)
    result = staggered_did(panel, bootstrap_iterations=bootstrap_iterations, seed=704)
    cohorts = [
        {"cohort": f"{g}-{(g + 1) % 100:02d}", "first_year": g, "schools": n}
        for g, n in sorted(result.cohort_sizes.items())
    ]
    return {
        "outcome": outcome,
        "unit": "victims near the school"
        if outcome == "shootings_near"
        else "per 100 students enrolled",
        "schools": int(panel["unit"].nunique()),
        "periods": sorted(int(p) for p in panel["period"].unique()),
        "cohorts": cohorts,
        "still_with_officers": sum(1 for y in removal.values() if y is None),
        "not_estimable": [f"{g}-{(g + 1) % 100:02d}" for g in result.not_estimable_cohorts],
        "overall": None if result.overall is None else asdict(result.overall),
        "event_study": [asdict(e) for e in result.event_study],
        "group_time": [asdict(g) for g in result.group_time],
        "control_group": result.control_group,
        "confidence": result.confidence,
        "bootstrap_iterations": result.bootstrap_iterations,
        "seed": result.seed,
        "assumptions": list(result.assumptions),
        "limits": list(LIMITS),
        "outcomes": list(EVALUATION_OUTCOMES),
        "discipline_outcomes": [m for m in OUTCOME_MEASURES if m in EVALUATION_OUTCOMES],
    }


def school_outcomes(
    store: Store,
    school_id: str,
    *,
    settings: Settings,
    index: ExposureIndex,
    require_figures: bool = False,
) -> dict[str, Any]:
    """:func:`safeschools.service_equity.outcomes` of one school with the shootings near it
    year by year (under ``outcome_preset``). :class:`NotFoundError` for an unknown school, and
    with ``require_figures`` for a school without discipline figures."""
    school_name(store, school_id)
    by_year = shootings_by_school_year(index, settings=settings)
    shootings = {y: n[school_id] for y, n in by_year.items() if school_id in n}
    data = outcomes(store, school_id, settings=settings, shootings=shootings)
    if require_figures and not data["series"]:
        msg = f"No discipline figures are stored for school {school_id}; import them first."
        raise NotFoundError(msg)
    return data


def district_outcomes(store: Store, *, settings: Settings, index: ExposureIndex) -> dict[str, Any]:
    """:func:`safeschools.service_equity.outcomes` of the district (sums of the schools that
    reported, hidden under the minimum cell size like every cell) with the victims near any
    school by school year; :class:`NotFoundError` without discipline figures."""
    shootings = district_shootings_by_school_year(index, settings=settings)
    data = outcomes(store, None, settings=settings, shootings=shootings)
    if not data["series"]:
        msg = "No discipline figures are stored; import them first."
        raise NotFoundError(msg)
    return data


#: The outcome the report's section evaluates.
REPORT_OUTCOME = "police_notifications"


def school_equity_report(
    store: Store, school_id: str, *, settings: Settings, index: ExposureIndex
) -> dict[str, Any] | None:
    """What a school's report shows of equity: the disparity table of the default measure,
    the outcomes over time and the evaluation of police notifications (``evaluation`` None
    when it cannot be estimated); None for a school without discipline figures."""
    disparity = school_equity_section(store, school_id, settings=settings)
    if disparity is None:
        return None
    try:
        result: dict[str, Any] | None = evaluation(
            store, settings=settings, outcome=REPORT_OUTCOME, index=index
        )
    except NotFoundError:
        result = None
    return {
        "disparity": disparity,
        "outcomes": school_outcomes(store, school_id, settings=settings, index=index),
        "evaluation": result,
    }
