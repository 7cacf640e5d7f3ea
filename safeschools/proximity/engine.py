"""Answer any definition of "near a school" as a filter on the stored pairs, in milliseconds.

Distances are computed once, at import (:func:`safeschools.services.refresh_pairs`): every pair of
a school-year and a victimization within the largest radius, with its distance in metres. An
:class:`ExposureIndex` holds those pairs and the victims' and schools' attributes as numpy
columns; :meth:`ExposureIndex.query` turns a :class:`~safeschools.proximity.definition.Definition`
into boolean masks and counts. The columns it reads and the result it gives are in
:mod:`safeschools.proximity.data`; which victims a definition counts, in
:mod:`safeschools.proximity.victims`.

Counting rules
--------------
- Victims are rows, not incidents: one shooting with three victims is three victims and one
  incident (a case number); both are reported.
- District totals count a victim once even when it is near several schools; each school's count
  includes every victim near it, so per-school counts may add up to more than the total.
- A school list is one school year's (``school_year``); ``incident`` matches each victim against
  the schools of the school year it happened in (1 July to 30 June).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from safeschools.errors import ConfigError, NotFoundError
from safeschools.model.coverage import COVERAGE_FIELDS, VictimCoverage
from safeschools.proximity.coverage import (
    coverage_block,
    covered_range,
    month_coverage,
    period_coverage,
)
from safeschools.proximity.data import (
    CAVEATS,
    Bool,
    CountedPairs,
    DayCalendar,
    ExposureData,
    ExposureResult,
    Int,
)
from safeschools.proximity.definition import Definition, format_radius, parse_hours
from safeschools.proximity.victims import VictimColumns, codes
from safeschools.spatial.pairs import BOUNDARY_TOLERANCE_M

__all__ = [
    "CAVEATS",
    "DayCalendar",
    "ExposureData",
    "ExposureIndex",
    "ExposureResult",
]


def _per_day(victims: int, days: int) -> float | None:
    return round(victims / days, 4) if days else None


#: A distance equal to the radius counts; the same tolerance as the pair computation's.
RADIUS_TOLERANCE_M = BOUNDARY_TOLERANCE_M


class ExposureIndex:
    """Pairs and attributes as numpy columns; :meth:`query` answers a definition.

    With ``cache_results`` > 0, :meth:`query` keeps that many of its latest results (least
    recently used out) and hands the same object to every caller asking for the same definition:
    a server answering many people does each definition once. Treat results as read-only.
    """

    def __init__(
        self,
        data: ExposureData,
        *,
        calendars: Mapping[str, DayCalendar] | None = None,
        cache_results: int = 0,
    ) -> None:
        # Pairs nearest first (ties in stored order): the pairs within a radius are a prefix.
        order = np.argsort(data.pair_distance_m, kind="stable")
        self.data = replace(
            data,
            pair_victim=data.pair_victim[order],
            pair_school=data.pair_school[order],
            pair_distance_m=data.pair_distance_m[order],
        )
        self.calendars = dict(calendars or {})
        self._cache_size = cache_results
        self._cache: OrderedDict[Any, ExposureResult] = OrderedDict()
        self._masks: OrderedDict[Any, Bool] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._by_school: tuple[Int, Int] | None = None
        self._v = VictimColumns(data)
        self._year_keys, self._school_year = codes(data.school_year)
        self._school_sy_start = np.array(
            [int(str(y)[:4]) if y else -1 for y in data.school_year.tolist()], dtype=np.int64
        )
        self._located = np.isfinite(data.school_lat) & np.isfinite(data.school_lon)
        self._school_day: dict[str, Bool] = {}
        for grades, calendar in self.calendars.items():
            self._school_day[grades] = np.asarray(calendar.school_day_mask(self._v.day), dtype=bool)
        grade = data.grade_category
        self._school_is_hs = np.array([g == "HS" for g in grade.tolist()], dtype=bool)
        self.n_victims = int(data.victim_id.shape[0])
        self.n_schools = int(data.school_id.shape[0])
        self._coverage = (
            dict(data.coverage) if data.coverage is not None else self._coverage_of_columns()
        )
        self._coverage_union: dict[tuple[str, ...], VictimCoverage] = {}

    # ------------------------------------------------------------------ coverage
    def _coverage_of_columns(self) -> dict[str, VictimCoverage]:
        """Each source's coverage from the columns (when the store gave none)."""
        out = {}
        seconds = self.data.occurred_at.astype("datetime64[s]")
        timed = (seconds - seconds.astype("datetime64[D]")).astype(np.int64) != 0
        located = np.ones(self.n_victims, dtype=bool)
        if self.data.victim_lat is not None and self.data.victim_lon is not None:
            located = np.isfinite(self.data.victim_lat) & np.isfinite(self.data.victim_lon)
        for i, source in enumerate(self._v.source_keys):
            rows = self._v.source == i
            days = [date.fromisoformat(str(x)) for x in np.unique(self._v.day[rows]).tolist()]
            with_field = dict.fromkeys(COVERAGE_FIELDS, 0)
            with_field.update(
                age_band=int(np.count_nonzero(rows & ~self._v.no_age)),
                time_of_day=int(np.count_nonzero(rows & timed)),
                fatal=int(np.count_nonzero(rows)),
                location=int(np.count_nonzero(rows & located)),
            )
            out[str(source)] = VictimCoverage(
                sources=(str(source),),
                first_day=min(days, default=None),
                last_day=max(days, default=None),
                rows=int(np.count_nonzero(rows)),
                days_with_rows=frozenset(days),
                with_field=with_field,
            )
        return out

    def data_coverage(self, d: Definition) -> VictimCoverage:
        """What the victim sources the definition counts cover, together."""
        key = tuple(sorted(d.sources))
        hit = self._coverage_union.get(key)
        if hit is None:
            parts = [c for s, c in self._coverage.items() if not key or s in key]
            hit = VictimCoverage.union(parts)
            with self._cache_lock:
                self._coverage_union[key] = hit
        return hit

    def coverage(self, d: Definition) -> dict[str, Any]:
        """The coverage block of a definition (see :func:`coverage_block`)."""
        return coverage_block(d, self.data_coverage(d), self.newest_day)

    def _covered(self, d: Definition) -> tuple[date, date] | None:
        return covered_range(d, self.data_coverage(d), self.newest_day)

    # ------------------------------------------------------------------ helpers
    @property
    def school_years(self) -> list[str]:
        """School years with schools, oldest first."""
        return [y for y in self._year_keys if y]

    @property
    def newest_day(self) -> date | None:
        """The newest victimization's local date."""
        if self.n_victims == 0:
            return None
        return date.fromisoformat(str(self._v.day.max()))

    def _resolve_school_year(self, wanted: str) -> str:
        years = self.school_years
        if wanted == "incident":
            return "incident"
        if wanted == "latest":
            if not years:
                msg = (
                    "The store has no schools; import a school list first "
                    "(safeschools ingest schools)."
                )
                raise NotFoundError(msg)
            return years[-1]
        if wanted not in years:
            known = ", ".join(years) or "none"
            msg = f"No schools for school year {wanted}; the store has: {known}."
            raise NotFoundError(msg)
        return wanted

    def _victim_mask(self, d: Definition) -> Bool:
        """Victims that count under ``d`` (read-only; kept for the latest definitions when
        results are cached: a school page asks for the same presets again and again)."""
        if self._cache_size <= 0:
            return self._v.mask(d, self.newest_day)
        key = (
            d.since, d.until, d.years, d.hours, d.days == "weekdays", d.season, d.ages, d.types,
            d.gunshot_only, d.sources,
        )  # fmt: skip
        with self._cache_lock:
            hit = self._masks.get(key)
            if hit is not None:
                self._masks.move_to_end(key)
                return hit
        mask = self._v.mask(d, self.newest_day)
        mask.flags.writeable = False
        with self._cache_lock:
            self._masks[key] = mask
            while len(self._masks) > self._cache_size:
                self._masks.popitem(last=False)
        return mask

    def _school_mask(self, d: Definition, school_year: str) -> Bool:
        mask = self._located.copy()
        if school_year != "incident":
            mask &= self._school_year == self._year_keys.index(school_year)
        if d.governance:
            mask &= np.isin(self.data.governance, list(d.governance))
        if d.grade_categories:
            mask &= np.isin(self.data.grade_category, list(d.grade_categories))
        return mask

    def _check_radius(self, d: Definition) -> None:
        if d.radius_m > self.data.max_radius_m + 1e-6:
            msg = (
                f"Radius {format_radius(d.radius_m)} is beyond the "
                f"{format_radius(self.data.max_radius_m)} for which pairs are stored; set "
                "SAFESCHOOLS_MAX_PAIR_RADIUS_M higher and run `safeschools pairs --rebuild`."
            )
            raise ConfigError(msg)

    def _counted_pairs(self, d: Definition, vmask: Bool, smask: Bool, school_year: str) -> Int:
        """Indices of the pairs that count: victim and school chosen, within the radius."""
        self._check_radius(d)
        # pairs are nearest first: those within the radius are the first `within`
        within = int(
            np.searchsorted(
                self.data.pair_distance_m, d.radius_m + RADIUS_TOLERANCE_M, side="right"
            )
        )
        pv, ps = self.data.pair_victim[:within], self.data.pair_school[:within]
        near = vmask[pv] & smask[ps]
        if school_year == "incident":
            near &= self._school_sy_start[ps] == self._v.victim_sy[pv]
        if d.days == "school-days":
            near &= self._school_day_of_pairs(pv, ps)
        return np.flatnonzero(near)

    def _school_day_of_pairs(self, pv: Int, ps: Int) -> Bool:
        if not self._school_day:
            weekday = self._v.weekday[pv] < 5
            return np.asarray(weekday, dtype=bool)
        es = self._school_day.get("ES", next(iter(self._school_day.values())))
        hs = self._school_day.get("HS", es)
        return np.where(self._school_is_hs[ps], hs[pv], es[pv])

    def counts(self, d: Definition) -> tuple[int | None, int | None, int | None]:
        """(victims, fatal, schools) for a definition, with nothing else computed; Nones when
        the data cannot answer it."""
        if not self.coverage(d)["answerable"]:
            return None, None, None
        school_year = self._resolve_school_year(d.school_year)
        pm = self._counted_pairs(
            d, self._victim_mask(d), self._school_mask(d, school_year), school_year
        )
        hit = np.zeros(self.n_victims, dtype=bool)
        hit[self.data.pair_victim[pm]] = True
        schools = np.unique(self.data.pair_school[pm]).size
        return int(hit.sum()), int((hit & self.data.fatal).sum()), int(schools)

    # ------------------------------------------------------------------ the query
    def holds(self, d: Definition) -> bool:
        """True when the result of ``d`` is in the cache (:meth:`query` answers at once)."""
        with self._cache_lock:
            return (d, None, None) in self._cache

    def query(
        self,
        d: Definition,
        *,
        split_date: date | None = None,
        top: int | None = None,
    ) -> ExposureResult:
        """Every figure for one definition (from the cache when it holds it)."""
        if self._cache_size <= 0:
            return self._query(d, split_date=split_date, top=top)
        key = (d, split_date, top)
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        result = self._query(d, split_date=split_date, top=top)
        with self._cache_lock:
            self._cache[key] = result
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result

    def _query(
        self,
        d: Definition,
        *,
        split_date: date | None = None,
        top: int | None = None,
    ) -> ExposureResult:
        school_year = self._resolve_school_year(d.school_year)
        vmask = self._victim_mask(d)
        smask = self._school_mask(d, school_year)
        coverage = self.coverage(d)
        if not coverage["answerable"]:
            return self._unanswerable(d, smask, school_year, coverage)
        covered = self._covered(d)
        pm = self._counted_pairs(d, vmask, smask, school_year)
        pv = self.data.pair_victim[pm]
        ps = self.data.pair_school[pm]
        hit = np.zeros(self.n_victims, dtype=bool)
        hit[pv] = True
        fatal = self.data.fatal
        per_school_victims = np.bincount(ps, minlength=self.n_schools)
        per_school_fatal = np.bincount(ps, weights=fatal[pv], minlength=self.n_schools).astype(
            np.int64
        )
        nearest = np.full(self.n_schools, np.inf)
        np.minimum.at(nearest, ps, self.data.pair_distance_m[pm])
        considered = np.flatnonzero(smask)
        rows = self._school_rows(
            considered, per_school_victims, per_school_fatal, nearest, ps, self._v.year[pv], hit
        )
        rows.sort(key=lambda r: (-r["victims"], -r["fatal"], r["name"] or "", r["school_id"]))
        ranked = [r for r in rows if r["victims"] > 0]
        for rank, row in enumerate(ranked, start=1):
            row["rank"] = rank
        seen = np.zeros(len(self._v.case_keys), dtype=bool)
        case = self._v.case[hit]
        missing = self._v.case_keys.index("") if "" in self._v.case_keys else -1
        seen[case] = True
        if missing >= 0:
            seen[missing] = False
        cases = int(seen.sum()) + int(np.count_nonzero(case == missing))
        definition = d.to_dict(newest=self.newest_day)
        definition["school_year"] = school_year
        return ExposureResult(
            definition=definition,
            victims=int(hit.sum()),
            fatal=int((hit & fatal).sum()),
            incidents=int(cases),
            schools=int(np.count_nonzero(per_school_victims)),
            schools_considered=int(considered.size),
            school_year=school_year,
            per_school=ranked[:top] if top else ranked,
            trends=self._trends(hit, covered),
            data_vintage=dict(self.data.vintage),
            caveats=self._caveats(d, vmask, smask, hit, school_year),
            before_after=self._before_after(hit, split_date, covered) if split_date else None,
            all_schools=rows,
            coverage=coverage,
            counted=CountedPairs(self.data, pm),
        )

    def _unanswerable(
        self, d: Definition, smask: Bool, school_year: str, coverage: dict[str, Any]
    ) -> ExposureResult:
        """A result the data cannot give: no counts (None, never 0), and why."""
        self._check_radius(d)
        considered = np.flatnonzero(smask)
        data = self.data
        rows = [
            {
                "school_id": sid,
                "school_year": year,
                "name": name,
                "governance": gov,
                "grade_category": grade,
                "lat": lat,
                "lon": lon,
                "victims": None,
                "fatal": None,
                "nearest_m": None,
                "by_year": {},
            }
            for sid, year, name, gov, grade, lat, lon in zip(
                data.school_id[considered].tolist(),
                data.school_year[considered].tolist(),
                data.school_name[considered].tolist(),
                data.governance[considered].tolist(),
                data.grade_category[considered].tolist(),
                data.school_lat[considered].tolist(),
                data.school_lon[considered].tolist(),
                strict=True,
            )
        ]
        rows.sort(key=lambda r: (r["name"] or "", r["school_id"]))
        definition = d.to_dict(newest=self.newest_day)
        definition["school_year"] = school_year
        return ExposureResult(
            definition=definition,
            victims=None,
            fatal=None,
            incidents=None,
            schools=None,
            schools_considered=int(considered.size),
            school_year=school_year,
            per_school=[],
            trends={"by_year": [], "by_month": [], "by_hour": []},
            data_vintage=dict(self.data.vintage),
            caveats=list(CAVEATS),
            before_after=None,
            all_schools=rows,
            coverage=coverage,
        )

    def _school_rows(
        self,
        considered: Int,
        victims: Int,
        fatal: Int,
        nearest: npt.NDArray[np.float64],
        pair_school: Int,
        pair_year: Int,
        hit: Bool,
    ) -> list[dict[str, Any]]:
        data = self.data
        by_year: dict[int, dict[str, int]] = {}
        if hit.any():
            years = self._v.year[hit]
            y0, span = int(years.min()), int(years.max() - years.min()) + 1
            grid = np.bincount(
                pair_school * span + (pair_year - y0), minlength=self.n_schools * span
            ).reshape(self.n_schools, span)
            labels = [str(y0 + j) for j in range(span)]
            with_victims = np.flatnonzero(victims)
            for s, counts in zip(with_victims.tolist(), grid[with_victims].tolist(), strict=True):
                by_year[s] = {labels[j]: n for j, n in enumerate(counts) if n}
        near = np.where(np.isfinite(nearest[considered]), np.round(nearest[considered], 1), np.nan)
        columns = zip(
            considered.tolist(),
            data.school_id[considered].tolist(),
            data.school_year[considered].tolist(),
            data.school_name[considered].tolist(),
            data.governance[considered].tolist(),
            data.grade_category[considered].tolist(),
            data.school_lat[considered].tolist(),
            data.school_lon[considered].tolist(),
            victims[considered].tolist(),
            fatal[considered].tolist(),
            near.tolist(),
            strict=True,
        )
        return [
            {
                "school_id": sid,
                "school_year": year,
                "name": name,
                "governance": gov,
                "grade_category": grade,
                "lat": lat,
                "lon": lon,
                "victims": n,
                "fatal": f,
                "nearest_m": None if dist != dist else dist,
                "by_year": by_year.get(s, {}),
            }
            for s, sid, year, name, gov, grade, lat, lon, n, f, dist in columns
        ]

    def _trends(
        self, hit: Bool, covered: tuple[date, date] | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        """Counts by calendar year, month of the year and hour; years and months the covered
        days (``covered``) reach only in part are marked ``partial``, with their covered days
        and a rate per covered day (compare those, not the counts, across periods)."""
        fatal_hit = hit & self.data.fatal
        out: dict[str, list[dict[str, Any]]] = {}
        years = self._v.year[hit]
        y0 = int(years.min()) if years.size else 0
        span = int(years.max()) - y0 + 1 if years.size else 0
        for key, values, offset, size in (
            ("by_year", self._v.year, y0, span),
            ("by_month", self._v.month, 1, 12),
            ("by_hour", self._v.hour, 0, 24),
        ):
            counts = np.bincount(values[hit] - offset, minlength=size)[:size].tolist()
            fatal = np.bincount(values[fatal_hit] - offset, minlength=size)[:size].tolist()
            name = key.removeprefix("by_")
            out[key] = [
                {name: offset + i, "victims": counts[i], "fatal": fatal[i]}
                for i in range(size)
                if key != "by_year" or counts[i]
            ]
        if covered is not None:
            for row in out["by_year"]:
                y = int(row["year"])
                row.update(period_coverage(date(y, 1, 1), date(y, 12, 31), covered))
                row["partial"] = bool(row.get("partial", False))
                row["victims_per_covered_day"] = _per_day(row["victims"], row["covered_days"])
            for row in out["by_month"]:
                row.update(month_coverage(int(row["month"]), covered))
                row["victims_per_covered_day"] = _per_day(row["victims"], row["covered_days"])
        return out

    def _before_after(
        self, hit: Bool, split: date, covered: tuple[date, date] | None
    ) -> dict[str, Any]:
        """Victims before and after ``split``, each side with the days it covers (the covered
        part of the window on that side) and a rate per year of covered days."""
        cut = np.datetime64(split, "D")
        out: dict[str, Any] = {"split_date": split.isoformat()}
        sides = (
            ("before", self._v.day < cut, None, split - timedelta(days=1)),
            ("after", self._v.day >= cut, split, None),
        )
        for name, part, lo, hi in sides:
            sel = hit & part
            side: tuple[date, date] | None = None
            if covered is not None:
                start, end = max(covered[0], lo or covered[0]), min(covered[1], hi or covered[1])
                side = (start, end) if start <= end else None
            span_days = (side[1] - side[0]).days + 1 if side else 0
            victims = int(sel.sum())
            out[name] = {
                "victims": victims,
                "fatal": int((sel & self.data.fatal).sum()),
                "days": span_days,
                "covered_from": side[0].isoformat() if side else None,
                "covered_to": side[1].isoformat() if side else None,
                "victims_per_year": round(victims * 365.25 / span_days, 2) if span_days else None,
            }
        return out

    def _caveats(
        self, d: Definition, vmask: Bool, smask: Bool, hit: Bool, school_year: str
    ) -> list[str]:
        notes = list(CAVEATS)
        if d.ages:
            unknown = int(np.count_nonzero(self._v.no_age))
            if unknown:
                notes.append(
                    f"{unknown} of {self.n_victims} victimizations have no age band and are "
                    "left out by the age filter; ages are published as bands (0-19, 20-29, ...), "
                    "never exact ages."
                )
            else:
                notes.append("Ages are published as bands (0-19, 20-29, ...), never exact ages.")
        if len([k for k in self._v.source_keys if k]) > 1 and not d.sources:
            notes.append(
                "The store mixes sources (" + ", ".join(k for k in self._v.source_keys if k) + "); "
                "a victim recorded in two of them counts twice. Pick one with --source."
            )
        if d.days == "school-days":
            if not self._school_day:
                notes.append("No school calendar is loaded: school days are taken as weekdays.")
            else:
                years = sorted(
                    {f"{y}-{(y + 1) % 100:02d}" for y in self._v.victim_sy[hit].tolist()}
                )
                calendar = next(iter(self.calendars.values()))
                ruled = [y for y in years if calendar.source_of(y) != "file"]
                if ruled:
                    notes.append(
                        "School days for " + ", ".join(ruled) + " come from rules (weekdays from "
                        "the day after Labor Day to 15 June, less holidays), an approximation; "
                        "load the district's calendar with `safeschools ingest calendar`."
                    )
        missing = int((~self._located).sum())
        if missing:
            notes.append(
                f"{missing} school-year record(s) have no coordinates and are not counted."
            )
        if school_year == "incident":
            notes.append(
                "Each victimization is matched against the schools of the school year it "
                "happened in (1 July to 30 June)."
            )
        notes.extend(d.notes)
        return notes

    # ------------------------------------------------------------------ one school
    def school_index(self, school_id: str, school_year: str) -> int:
        """Position of a school in the columns, for one school year ('latest' allowed)."""
        year = self._resolve_school_year(school_year)
        if year == "incident":
            year = self.school_years[-1]
        hits = np.flatnonzero((self.data.school_id == school_id) & (self.data.school_year == year))
        if hits.size == 0:
            msg = f"No school {school_id} in school year {year}; search schools by name instead."
            raise NotFoundError(msg)
        return int(hits[0])

    def _school_pairs(self, d: Definition, school: int) -> Int:
        """Indices of the pairs of one school (by position) that count under a definition,
        nearest first: the same pairs as :meth:`_counted_pairs` with only that school, found
        among that school's pairs instead of all of them."""
        self._check_radius(d)
        if self._by_school is None:
            order = np.argsort(self.data.pair_school, kind="stable")
            starts = np.searchsorted(
                self.data.pair_school[order], np.arange(self.n_schools + 1), side="left"
            )
            self._by_school = (order.astype(np.int64), starts.astype(np.int64))
        order, starts = self._by_school
        mine = order[starts[school] : starts[school + 1]]
        pv = self.data.pair_victim[mine]
        ps = self.data.pair_school[mine]
        mask = self._victim_mask(d)[pv] & (
            self.data.pair_distance_m[mine] <= d.radius_m + RADIUS_TOLERANCE_M
        )
        if d.days == "school-days":
            mask &= self._school_day_of_pairs(pv, ps)
        return mine[mask]

    def school_counts(self, d: Definition, school: int) -> tuple[int | None, int | None]:
        """(victims, fatal) near one school (by position) under a definition; Nones when the
        data cannot answer it."""
        if not self.coverage(d)["answerable"]:
            return None, None
        pv = self.data.pair_victim[self._school_pairs(d, school)]
        return int(pv.size), int(self.data.fatal[pv].sum())

    def school_detail(self, d: Definition, school: int) -> dict[str, Any]:
        """The victimizations near one school under a definition, nearest first, with counts
        by year and hour. Never names: only time, place, distance, type, fatal and age band.
        When the data cannot answer the definition, the counts are None and ``coverage`` says
        why."""
        coverage = self.coverage(d)
        if not coverage["answerable"]:
            self._check_radius(d)
            return {
                "victims": None,
                "fatal": None,
                "trends": {"by_year": [], "by_month": [], "by_hour": []},
                "victimizations": [],
                "coverage": coverage,
            }
        pairs = self._school_pairs(d, school)
        order = np.argsort(self.data.pair_distance_m[pairs], kind="stable")
        pv = self.data.pair_victim[pairs][order]
        dist = self.data.pair_distance_m[pairs][order]
        lat = self.data.victim_lat if self.data.victim_lat is not None else None
        lon = self.data.victim_lon if self.data.victim_lon is not None else None
        vtype = self.data.victim_type
        times = self.data.occurred_at[pv].astype("datetime64[m]").astype(str).tolist()
        victims = [
            {
                "occurred_at": t,
                "distance_m": round(float(m), 1),
                "fatal": bool(self.data.fatal[v]),
                "gunshot": {1: True, 0: False}.get(int(self.data.gunshot[v])),
                "age_band": self.data.age_band[v],
                "type": None if vtype is None else vtype[v],
                "lat": None if lat is None else float(lat[v]),
                "lon": None if lon is None else float(lon[v]),
            }
            for v, t, m in zip(pv.tolist(), times, dist.tolist(), strict=True)
        ]
        hit = np.zeros(self.n_victims, dtype=bool)
        hit[pv] = True
        return {
            "victims": int(pv.size),
            "fatal": int(self.data.fatal[pv].sum()),
            "trends": self._trends(hit, self._covered(d)),
            "victimizations": victims,
            "coverage": coverage,
        }

    # ------------------------------------------------------------------ sensitivity
    def sensitivity(
        self,
        d: Definition,
        *,
        radii_m: Sequence[float],
        hours: Sequence[str] = (),
    ) -> dict[str, Any]:
        """How the answer moves: radius x hours, and radius x calendar year (victims counted).

        Counts are None when the data cannot answer the definition (``coverage`` says why);
        ``year_coverage`` marks the years the data covers only in part."""
        hours = list(hours) or ["all"]
        coverage = self.coverage(d)
        covered = self._covered(d)
        by_hours = []
        for r in radii_m:
            row: dict[str, Any] = {"radius_m": r, "radius": format_radius(r)}
            for h in hours:
                row[h] = self.counts(d.with_changes(radius_m=r, hours=parse_hours(h)))[0]
            by_hours.append(row)
        by_years = []
        school_year = self._resolve_school_year(d.school_year)
        vmask = self._victim_mask(d)
        smask = self._school_mask(d, school_year)
        years = sorted(set(self._v.year[vmask].tolist())) if coverage["answerable"] else []
        for r in radii_m:
            pm = self._counted_pairs(d.with_changes(radius_m=r), vmask, smask, school_year)
            hit = np.zeros(self.n_victims, dtype=bool)
            hit[self.data.pair_victim[pm]] = True
            counts = (
                np.bincount(self._v.year[hit] - (years[0] if years else 0), minlength=len(years))
                if years
                else np.zeros(0, np.int64)
            )
            row = {"radius_m": r, "radius": format_radius(r)}
            row.update({str(y): int(counts[i]) for i, y in enumerate(years)})
            by_years.append(row)
        return {
            "definition": d.to_dict(newest=self.newest_day),
            "radius_by_hours": by_hours,
            "hours": hours,
            "radius_by_year": by_years,
            "years": [str(y) for y in years],
            "year_coverage": {
                str(y): {
                    **period_coverage(date(y, 1, 1), date(y, 12, 31), covered),
                    "partial": bool(
                        period_coverage(date(y, 1, 1), date(y, 12, 31), covered).get("partial")
                    ),
                }
                for y in years
            },
            "answerable": coverage["answerable"],
            "reasons": coverage["reasons"],
            "coverage": coverage,
        }
