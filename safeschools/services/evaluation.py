"""Did the change work? Schools that removed their officers against schools that had not yet.

For each outcome (a discipline measure per 100 students, or the shootings near the school under
the ``outcome_preset`` definition) a panel of schools x school years is built from the store;
a school's treatment year is the first school year without officers after years with them
(:func:`safeschools.services.outcomes.removal_years`). Only schools that had officers are in the
panel: schools that never had one are a different kind of school (most are elementary), so the
comparison is with schools that had not removed theirs *yet*. The estimate is
:func:`safeschools.metrics.did.staggered_did` (Callaway and Sant'Anna, not-yet-treated
controls, multiplier bootstrap with a fixed seed).

The panel uses only the published counts: a hidden count is missing from it, so nothing the
evaluation shows can be solved back for a hidden count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

import pandas as pd

from safeschools.errors import DataValidationError, NotFoundError
from safeschools.metrics.did import ASSUMPTIONS, DidResult, staggered_did
from safeschools.proximity import ExposureIndex
from safeschools.proximity.presets import load_presets, preset
from safeschools.services.cache import VersionedCache
from safeschools.services.disparity import school_equity_section, school_name
from safeschools.services.evaluation_incidents import (
    INCIDENT_OUTCOMES,
    incident_counts,
    outcome_cells,
)
from safeschools.services.outcomes import officer_returns, outcomes, removal_years, year_span
from safeschools.services.publication import (
    OUTCOME_MEASURES,
    SOURCE_ORDER,
    enrollment_of,
    publication,
    warm_publications,
)
from safeschools.settings import Settings
from safeschools.storage import Store

__all__ = [
    "EVALUATION_OUTCOMES",
    "INCIDENT_OUTCOMES",
    "REVERSAL_RULES",
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
    "students_expelled",
    "misconducts",
    "students_police_notification",
    "students_oss",
    "shootings_near",
    "incidents_recorded",
    "police_at_school",
)


#: What to do with a school whose officers came back after removal: leave it out of the
#: comparison (default), or count it as removed from its first removal on.
REVERSAL_RULES = ("leave_out", "first_removal")

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
        result = index.query(d)
        if result.answerable:  # a year the data cannot answer has no count, not 0
            yield year, result


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
    settings: Settings,
    outcome: str,
    removal: Mapping[str, str | None],
    shootings: Mapping[str, Mapping[str, int]] | None,
) -> tuple[pd.DataFrame, str | None, int]:
    """The panel (unit, period, outcome, first_treated), the source it comes from, and how
    many counts of its schools and school years are hidden (suppressed).

    Only what is published goes in: a count hidden under the minimum cell size (or to protect
    one) is left out, so that no estimate, group-time cell or interval can be solved back for
    it; a school year most schools do not publish is left out for every school. One source per
    outcome (the first of :data:`SOURCE_ORDER` that has figures for the
    schools), so a school's series never switches publisher; the publisher's own rate per 100
    students where it prints one for every school-year used, else the count over the school's
    enrollment (one source per school-year). School years that fewer than 80 % of the schools
    report are left out, so that one sparse year does not remove every school from the
    balanced panel the estimator needs."""
    first = {s: (_year_start(y) if y else 0) for s, y in removal.items()}
    columns = ["unit", "period", "outcome", "first_treated"]
    if outcome == "shootings_near":
        rows = [
            (school, _year_start(year), float(victims), first[school])
            for year, counts in (shootings or {}).items()
            for school, victims in counts.items()
            if school in first
        ]
        return _common_periods(pd.DataFrame(rows, columns=columns)), "exposure engine", 0
    if outcome in INCIDENT_OUTCOMES:
        counts, hidden_n = incident_counts(store, settings, outcome, set(first))
        rows = [
            (school, _year_start(year), float(n), first[school])
            for (school, year), n in counts.items()
        ]
        panel = _common_periods(pd.DataFrame(rows, columns=columns))
        origin = "school records" if outcome == "incidents_recorded" else "crimes data"
        return panel, origin, hidden_n
    figures = [
        f
        for f in store.discipline_figures(period="EOY", measures=[outcome], groups=["all"])
        if f.school_id in first and f.value is not None
    ]
    found = {f.source for f in figures}
    source = next((s for s in SOURCE_ORDER if s in found), min(found) if found else None)
    figures = [f for f in figures if f.source == source]
    pubs = {
        y: publication(store, school_year=y, settings=settings)
        for y in {f.school_year for f in figures}
    }
    public = [
        pubs[f.school_year].shown(f.school_id, f.measure, f.group) is not None for f in figures
    ]
    hidden = [f for f, shown in zip(figures, public, strict=True) if not shown]
    figures = [f for f, shown in zip(figures, public, strict=True) if shown]
    published = _published_rates(store, outcome, source)
    use_published = bool(figures) and all(
        (f.school_id, f.school_year) in published for f in figures
    )
    enrolled = {y: enrollment_of(store, y) for y in pubs}
    rows = []
    for f in figures:
        key = (f.school_id, f.school_year)
        if use_published:
            rate: float | None = published[key]
        else:
            n = enrolled[f.school_year].get(f.school_id, {}).get("all")
            rate = 100 * f.value / n if n and f.value is not None else None
        if rate is not None:
            rows.append((f.school_id, _year_start(f.school_year), rate, first[f.school_id]))
    panel = _common_periods(pd.DataFrame(rows, columns=columns))
    kept = set(panel["period"].unique()) if not panel.empty else set()
    suppressed = sum(1 for f in hidden if not kept or _year_start(f.school_year) in kept)
    return panel, source, suppressed


def _common_periods(panel: pd.DataFrame, share: float = 0.8) -> pd.DataFrame:
    """The panel without the periods fewer than ``share`` of its units report."""
    if panel.empty:
        return panel
    units = panel["unit"].nunique()
    coverage = panel.groupby("period")["unit"].nunique()
    keep = coverage[coverage >= share * units].index
    return panel[panel["period"].isin(keep)].reset_index(drop=True)


#: Rates per 100 students that publishers print, used when the enrollment of a year is unknown.
PUBLISHED_RATES = {
    "police_notifications": ("police_notifications_per_100",),
    "oss": ("oss_per_100",),
    "iss": ("iss_per_100",),
    "suspensions": ("oss_per_100", "iss_per_100"),
    "expulsions": ("expulsions_per_100",),
    "students_expelled": ("expulsions_per_100",),
}


def _published_rates(
    store: Store, outcome: str, source: str | None
) -> dict[tuple[str, str], float]:
    """The publisher's rate per 100 students of ``outcome`` by (school, year), summed over its
    parts (suspensions = in-school + out-of-school); only where every part is given."""
    parts = PUBLISHED_RATES.get(outcome, ())
    values: dict[tuple[str, str], dict[str, float | None]] = defaultdict(dict)
    for f in store.discipline_figures(
        period="EOY", measures=list(parts), groups=["all"], source=source
    ):
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
    reversals: str = "leave_out",
) -> dict[str, Any]:
    """:func:`evaluate` kept per data version and arguments (unless ``shootings`` are given):
    the pages, the reports and the API ask for the same few evaluations (never change the value
    in place)."""

    def compute() -> dict[str, Any]:
        return evaluate(
            store, settings=settings, outcome=outcome, shootings=shootings, index=index,
            bootstrap_iterations=bootstrap_iterations, reversals=reversals,
        )  # fmt: skip

    if shootings is not None:
        return compute()
    # officer histories change with recorded writes too, not only with imports
    key = (
        "evaluation", outcome, bootstrap_iterations, reversals, settings.model_dump_json(),
        store.latest_write_id(),
    )  # fmt: skip
    return _KEPT.get(store, key, compute)


def evaluate(
    store: Store,
    *,
    settings: Settings,
    outcome: str = "police_notifications",
    shootings: Mapping[str, Mapping[str, int]] | None = None,
    index: ExposureIndex | None = None,
    bootstrap_iterations: int = 999,
    reversals: str = "leave_out",
) -> dict[str, Any]:
    """The staggered difference-in-differences of one outcome, ready for every interface:
    cohorts (schools by removal year), the overall effect with its interval, the event study,
    the assumptions and the limits in plain language.

    The outcome ``shootings_near`` needs the victims near every school by school year: pass
    them (``shootings``, see :func:`shootings_by_school_year`) or the exposure ``index`` they
    are counted from.

    The data are checked against the assumptions: a school whose officers came back after
    removal (``officer_returns``) is left out (``reversals="leave_out"``) or counted as removed
    from its first removal on (``"first_removal"``), and listed either way; the schools the
    balanced panel drops are counted with the reason. When nothing can be estimated, the
    figures that would describe an estimate (``schools``, ``bootstrap_iterations``) are None
    and ``not_estimated`` says why, and ``data_years`` which school years have the outcome."""
    if reversals not in REVERSAL_RULES:
        msg = f"Unknown rule {reversals!r} for returning officers; use {', '.join(REVERSAL_RULES)}."
        raise DataValidationError(msg)
    if outcome not in EVALUATION_OUTCOMES:
        msg = f"Unknown outcome {outcome!r}; use one of {', '.join(EVALUATION_OUTCOMES)}."
        raise DataValidationError(msg)
    if shootings is None and index is not None and outcome == "shootings_near":
        shootings = shootings_by_school_year(index, settings=settings)
    removal = removal_years(store)
    if not removal:
        msg = "No officer history is stored: import officer assignments first."
        raise NotFoundError(msg)
    returns = officer_returns(store)
    compared = {s: y for s, y in removal.items() if reversals != "leave_out" or s not in returns}
    panel, source, suppressed = _panel(store, settings, outcome, compared, shootings)
    loaded = _outcome_years(store, settings, outcome, shootings)
    # a year is "used" only when an estimate is attempted from it, else just "loaded"
    used = (
        {_school_year(int(p)) for p in panel["period"].unique()}
        if not panel.empty and not suppressed
        else set()
    )
    removals = sorted({y for y in compared.values() if y is not None})
    span = year_span(loaded | set(removals) | {_school_year(_year_start(y) - 1) for y in removals})
    common = {
        "outcome": outcome,
        "unit": _unit(outcome),
        "suppressed_counts": suppressed,
        "min_cell": settings.min_cell_size,
        "source": source,
        "periods": sorted(int(p) for p in panel["period"].unique()),
        "still_with_officers": sum(1 for y in compared.values() if y is None),
        "limits": [
            *LIMITS,
            *INCIDENT_OUTCOMES.get(outcome, ()),
        ],
        "outcomes": list(EVALUATION_OUTCOMES),
        "discipline_outcomes": [m for m in OUTCOME_MEASURES if m in EVALUATION_OUTCOMES],
        "reversal_rule": reversals,
        "officers_returned": [
            {
                "school_id": school,
                "name": _name(store, school),
                **seen,
                "left_out": school not in compared,
            }
            for school, seen in returns.items()
        ],
        "data_years": [
            {
                "school_year": year,
                "status": "not_loaded"
                if year not in loaded
                else ("used" if year in used else ("left_out" if used else "loaded")),
                "removals": sum(1 for y in compared.values() if y == year),
            }
            for year in span
        ],
    }
    panel_schools = int(panel["unit"].nunique()) if not panel.empty else 0
    without_figures = sum(1 for s in compared if s not in set(panel["unit"].astype(str)))
    if suppressed:
        # leaving the small counts out would bias the estimate (they are not missing at
        # random) and using them could reveal them: say so instead of estimating
        sizes: dict[int, int] = defaultdict(int)
        for school in panel["unit"].unique():
            if year := compared.get(str(school)):
                sizes[_year_start(year)] += 1
        return {
            **common,
            **_estimates(None, cohort_sizes=sizes),
            "schools": None,
            "schools_left_out": {},
            "not_estimated": _why_not(common, panel_schools, suppressed=True),
        }
    if panel_schools < 2:
        return {
            **common,
            **_estimates(None, cohort_sizes={}),
            "schools": None,
            "schools_left_out": {"no figures": without_figures} if without_figures else {},
            "not_estimated": _why_not(common, panel_schools, suppressed=False),
        }
    result = staggered_did(panel, bootstrap_iterations=bootstrap_iterations, seed=704)
    left_out = {k: v for k, v in result.dropped.items() if v}
    if without_figures:
        left_out["no figures"] = without_figures
    estimated = result.overall is not None
    return {
        **common,
        **_estimates(result, cohort_sizes=result.cohort_sizes),
        "schools": sum(result.cohort_sizes.values()) + result.never_treated,
        "schools_left_out": left_out,
        "not_estimated": [] if estimated else _why_not(common, panel_schools, suppressed=False),
    }


def _unit(outcome: str) -> str:
    if outcome == "shootings_near":
        return "victims near the school"
    if outcome in INCIDENT_OUTCOMES:
        return "incidents at the school"
    return "per 100 students enrolled"


def _name(store: Store, school_id: str) -> str | None:
    try:
        return school_name(store, school_id)
    except NotFoundError:
        return None


def _outcome_years(
    store: Store,
    settings: Settings,
    outcome: str,
    shootings: Mapping[str, Mapping[str, int]] | None,
) -> set[str]:
    """The school years the loaded files give the outcome for (any school)."""
    if outcome == "shootings_near":
        return set(shootings or {})
    if outcome in INCIDENT_OUTCOMES:
        counts, _ = incident_counts(store, settings, outcome, set(removal_years(store)))
        return {year for _, year in counts}
    return set(store.discipline_years(measures=[outcome]))


def _why_not(common: Mapping[str, Any], schools: int, *, suppressed: bool) -> list[dict[str, Any]]:
    """Why nothing was estimated, as codes with their facts (the interfaces say it in words):

    - ``suppressed``: counts of these schools are hidden (``n`` of them);
    - ``no_years_before_removal``: the loaded files have the outcome only from ``first`` on,
      after the last removal year ``last_removal`` (nothing before removal to compare);
    - ``years_not_loaded``: school years around the removals that no loaded file publishes;
    - ``no_comparison``: fewer than two schools with figures, or no school still had its
      officer to compare with."""
    years = common["data_years"]
    loaded = [y["school_year"] for y in years if y["status"] != "not_loaded"]
    missing = [y["school_year"] for y in years if y["status"] == "not_loaded"]
    removals = [y["school_year"] for y in years if y["removals"]]
    reasons: list[dict[str, Any]] = []
    if suppressed:
        reasons.append({"code": "suppressed", "n": common["suppressed_counts"]})
    if loaded and removals and min(loaded) >= max(removals):
        reasons.append(
            {"code": "no_years_before_removal", "first": min(loaded), "last_removal": max(removals)}
        )
    if missing:
        reasons.append({"code": "years_not_loaded", "years": missing})
    if not suppressed and not any(r["code"] == "no_years_before_removal" for r in reasons):
        reasons.append({"code": "no_comparison", "schools": schools})
    return reasons


def _school_year(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def _estimates(result: DidResult | None, *, cohort_sizes: Mapping[int, int]) -> dict[str, Any]:
    """The estimator's part of an evaluation (empty when it was not run)."""
    return {
        "cohorts": [
            {"cohort": _school_year(g), "first_year": g, "schools": n}
            for g, n in sorted(cohort_sizes.items())
        ],
        "not_estimable": []
        if result is None
        else [_school_year(g) for g in result.not_estimable_cohorts],
        "overall": None if result is None or result.overall is None else asdict(result.overall),
        "event_study": [] if result is None else [asdict(e) for e in result.event_study],
        "group_time": [] if result is None else [asdict(g) for g in result.group_time],
        "control_group": "not_yet_treated" if result is None else result.control_group,
        "confidence": 0.95 if result is None else result.confidence,
        "bootstrap_iterations": None if result is None else result.bootstrap_iterations,
        "seed": 704 if result is None else result.seed,
        "assumptions": list(ASSUMPTIONS if result is None else result.assumptions),
    }


def school_outcomes(
    store: Store,
    school_id: str,
    *,
    settings: Settings,
    index: ExposureIndex,
    require_figures: bool = False,
) -> dict[str, Any]:
    """:func:`safeschools.services.outcomes.outcomes` of one school with the shootings near it
    year by year (under ``outcome_preset``). :class:`NotFoundError` for an unknown school, and
    with ``require_figures`` for a school without discipline figures."""
    school_name(store, school_id)
    by_year = shootings_by_school_year(index, settings=settings)
    shootings = {y: n[school_id] for y, n in by_year.items() if school_id in n}
    data = outcomes(
        store, school_id, settings=settings, shootings=shootings,
        incidents=outcome_cells(store, settings, school_id),
    )  # fmt: skip
    if require_figures and not data["series"]:
        msg = f"No discipline figures are stored for school {school_id}; import them first."
        raise NotFoundError(msg)
    return data


def district_outcomes(store: Store, *, settings: Settings, index: ExposureIndex) -> dict[str, Any]:
    """:func:`safeschools.services.outcomes.outcomes` of the district (sums of the schools that
    reported, hidden under the minimum cell size like every cell) with the victims near any
    school by school year; :class:`NotFoundError` without discipline figures. Kept per data
    version and settings (never change the value in place)."""
    return _KEPT.get(
        store,
        # the officer years change with recorded writes too, not only with imports
        ("district_outcomes", settings.model_dump_json(), store.latest_write_id()),
        lambda: _district_outcomes(store, settings=settings, index=index),
    )


def warm(store: Store, *, settings: Settings, index: ExposureIndex) -> None:
    """Compute what the district's equity and evaluation pages need first (every school
    year's publication, the district's outcomes), so a server does it at start-up."""
    if not warm_publications(store, settings=settings):
        return
    try:
        district_outcomes(store, settings=settings, index=index)
        evaluation(store, settings=settings, outcome=REPORT_OUTCOME, index=index)
    except (NotFoundError, DataValidationError):  # nothing to evaluate: the pages say so
        return


#: The district's outcomes, per database, data version and settings.
_KEPT = VersionedCache(size=16)


def _district_outcomes(store: Store, *, settings: Settings, index: ExposureIndex) -> dict[str, Any]:
    shootings = district_shootings_by_school_year(index, settings=settings)
    data = outcomes(
        store, None, settings=settings, shootings=shootings,
        incidents=outcome_cells(store, settings, None),
    )  # fmt: skip
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
