"""School days from the real CPS calendar file, and from rules for the years it does not cover.

The expected counts are the "minus ``no_school`` (HS)" column of the table in
``data/real/cps-calendars/SOURCE.md`` (weekdays from the first to the last day, less the listed
days off): the calendar *as planned*. Removing the unplanned closures as well gives the days
students actually had classes.
"""

from __future__ import annotations

import time
from datetime import date

import holidays
import numpy as np
import pytest

from safeschools import services
from safeschools.errors import ConfigError
from safeschools.ingest.cps_calendars import calendars_from_file
from safeschools.model import CalendarDay
from safeschools.proximity.calendar import (
    RULES_DESCRIPTION,
    SchoolCalendar,
    rules_school_days,
    school_year_start,
)
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import real_data

CALENDARS = real_data("cps-calendars", "calendars.csv")
DAYS = calendars_from_file(CALENDARS).records

# High-school days as planned (SOURCE.md). 2019-20 is 185 for high schools: the file lists the
# two elementary-only conference days (2019-11-13, 2020-04-22) but not their high-school
# counterparts, so the high-school count is 2 above the published 178 + 5 make-up days = 183;
# the elementary count (208 weekdays - 23 days off for all - 2 ES days off) is exactly 183.
PLANNED_HS = {
    "2018-19": 178,
    "2019-20": 185,
    "2020-21": 177,
    "2021-22": 179,
    "2022-23": 178,
    "2023-24": 178,
    "2024-25": 179,
}
# Unplanned closures per year: 2 cold days (2019), 11 strike days and 14 COVID days (2020;
# the 5 make-up days are already school days), 1 Vaccine Awareness Day and 5 CTU days (2022).
CLOSURES = {"2018-19": 2, "2019-20": 25, "2021-22": 6}


@pytest.mark.parametrize(("year", "count"), sorted(PLANNED_HS.items()))
def test_planned_high_school_days_match_source_table(year: str, count: int) -> None:
    calendar = SchoolCalendar.from_days(DAYS, grades="HS", as_planned=True)
    assert calendar.source_of(year) == "file"
    assert calendar.count_school_days(year) == count


@pytest.mark.parametrize(("year", "count"), sorted(PLANNED_HS.items()))
def test_actual_days_also_remove_unplanned_closures(year: str, count: int) -> None:
    calendar = SchoolCalendar.from_days(DAYS, grades="HS")
    assert calendar.count_school_days(year) == count - CLOSURES.get(year, 0)


def test_2019_20_split_by_level() -> None:
    planned_es = SchoolCalendar.from_days(DAYS, grades="ES", as_planned=True)
    planned_hs = SchoolCalendar.from_days(DAYS, grades="HS", as_planned=True)
    assert planned_es.count_school_days("2019-20") == 178 + 5
    assert planned_hs.count_school_days("2019-20") == 185
    actual_es = SchoolCalendar.from_days(DAYS, grades="ES")
    assert actual_es.count_school_days("2019-20") == 183 - 25
    # The ES-only conference days (2019-11-13, 2020-04-22) are school days for HS.
    es_only = [d.day for d in DAYS if d.school_year == "2019-20" and d.grades == "ES"]
    assert len(es_only) == 2
    assert not planned_es.school_day_mask(np.array(es_only, dtype="datetime64[D]")).any()
    assert planned_hs.school_day_mask(np.array(es_only, dtype="datetime64[D]")).all()
    # With grades="all" only days off for every student count: a day off for one level is a
    # school day (some students are in school).
    everyone = SchoolCalendar.from_days(DAYS, grades="all", as_planned=True)
    assert everyone.count_school_days("2018-19") == 178 + 2


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 8, 26), True),  # first day of 2024-25
        (date(2024, 8, 23), False),  # the Friday before it
        (date(2024, 11, 28), False),  # Thanksgiving
        (date(2024, 11, 25), False),  # the whole Thanksgiving week was off
        (date(2024, 8, 31), False),  # a Saturday
        (date(2024, 9, 1), False),  # a Sunday
        (date(2025, 6, 12), True),  # last day of 2024-25
        (date(2025, 6, 13), False),  # summer
        (date(2019, 10, 17), False),  # the CTU strike
        (date(2019, 11, 27), True),  # a strike make-up day
        (date(2020, 6, 18), True),  # last day and make-up day
        (date(2020, 4, 13), True),  # remote learning counts as school
        (date(2020, 3, 17), False),  # COVID closure
    ],
)
def test_known_dates(day: date, expected: bool) -> None:
    calendar = SchoolCalendar.from_days(DAYS)
    assert calendar.is_school_day(day) is expected


def test_a_saturday_is_never_a_school_day() -> None:
    calendar = SchoolCalendar.from_days(DAYS)
    days = np.arange(np.datetime64("2015-01-03"), np.datetime64("2035-01-01"), 7)
    assert days[0].astype(object).weekday() == 5
    assert not calendar.school_day_mask(days).any()


def test_rules_year_is_plausible_and_skips_holidays() -> None:
    calendar = SchoolCalendar.rules_only()
    assert calendar.source_of("2030-31") == "rules"
    count = calendar.count_school_days("2030-31")
    assert 170 <= count <= 185
    days = set(rules_school_days("2030-31"))
    assert min(days) == date(2030, 9, 3)  # the day after Labor Day
    assert max(days) <= date(2031, 6, 15)
    il = holidays.US(subdiv="IL", years=(2030, 2031))
    for name in ("Labor Day", "Thanksgiving", "Christmas", "Martin Luther King", "Lincoln"):
        named = il.get_named(name)
        assert named, name
        assert not days & set(named), name
    assert date(2030, 11, 29) not in days  # the Friday after Thanksgiving
    assert not days & {date(2030, 12, 24), date(2030, 12, 31), date(2031, 1, 1)}
    # spring break: the week starting on the first Monday of April 2031 (April 7)
    assert not days & {date(2031, 4, d) for d in range(7, 12)}
    assert date(2031, 4, 4) in days and date(2031, 4, 14) in days


def test_rules_fill_years_outside_the_file() -> None:
    calendar = SchoolCalendar.from_days(DAYS)
    assert calendar.source_of("2017-18") == "rules"
    assert calendar.source_of("2025-26") == "rules"
    mask = calendar.school_day_mask(
        np.array(["2017-09-05", "2017-09-04", "2024-08-26", "2025-09-02"], "datetime64[D]")
    )
    # 2017-09-04 is Labor Day; 2025-09-02 is the day after Labor Day 2025
    assert mask.tolist() == [True, False, True, True]


def test_mask_is_vectorised_and_fast() -> None:
    calendar = SchoolCalendar.from_days(DAYS)
    rng = np.random.default_rng(20240131)
    days = np.datetime64("2015-01-01") + rng.integers(0, 365 * 11, 60_000)
    expected = calendar.school_day_mask(days)  # builds the lookup table once
    best = float("inf")
    for _ in range(20):
        start = time.perf_counter()
        mask = calendar.school_day_mask(days)
        best = min(best, time.perf_counter() - start)
    assert best < 0.002, f"{best * 1000:.2f} ms for 60,000 dates"
    assert mask.dtype == np.bool_ and mask.shape == (60_000,)
    assert np.array_equal(mask, expected)
    sample = days[:200].astype(object)
    assert mask[:200].tolist() == [calendar.is_school_day(d) for d in sample]


def test_mask_handles_nat_fine_units_and_empty_input() -> None:
    calendar = SchoolCalendar.from_days(DAYS)
    stamps = np.array(["2024-08-26T14:30", "NaT", "2024-08-25T09:00"], dtype="datetime64[ns]")
    assert calendar.school_day_mask(stamps).tolist() == [True, False, False]
    assert calendar.school_day_mask(np.array(["NaT"], "datetime64[D]")).tolist() == [False]
    assert calendar.school_day_mask(np.array([], "datetime64[D]")).shape == (0,)


def test_school_year_start_is_july_to_june() -> None:
    starts = school_year_start(np.array(["2023-06-30", "2023-07-01", "2024-06-30"], "M8[D]"))
    assert starts.tolist() == [2022, 2023, 2023]


def test_makeup_beats_no_school_and_closure_beats_makeup() -> None:
    y = "2030-31"
    days = [
        CalendarDay(y, date(2030, 9, 3), "first_day"),
        CalendarDay(y, date(2030, 9, 13), "last_day"),
        CalendarDay(y, date(2030, 9, 6), "no_school"),
        CalendarDay(y, date(2030, 9, 6), "makeup_school_day"),
        CalendarDay(y, date(2030, 9, 9), "makeup_school_day"),
        CalendarDay(y, date(2030, 9, 9), "unplanned_closure"),
        CalendarDay(y, date(2030, 9, 7), "makeup_school_day"),  # a Saturday make-up
    ]
    actual = SchoolCalendar.from_days(days)
    planned = SchoolCalendar.from_days(days, as_planned=True)
    assert actual.is_school_day(date(2030, 9, 6))
    assert actual.is_school_day(date(2030, 9, 7))
    assert not actual.is_school_day(date(2030, 9, 9))
    assert planned.is_school_day(date(2030, 9, 9))
    assert actual.count_school_days(y) == 9 + 1 - 1


def test_year_without_bounds_follows_rules_and_says_so() -> None:
    days = [CalendarDay("2030-31", date(2030, 11, 29), "no_school", confidence="high")]
    calendar = SchoolCalendar.from_days(days)
    assert calendar.source_of("2030-31") == "rules"
    (note,) = calendar.caveats(["2030-31"])
    assert "has calendar entries but no first or last day" in note


def test_caveats_name_file_and_rules_years() -> None:
    calendar = SchoolCalendar.from_days(DAYS)
    notes = calendar.caveats(["2021-22", "2030-31", "2021-22", "2012-13"])
    assert len(notes) == 3
    assert notes[0].startswith("2021-22: 173 school days from the imported calendar")
    assert "confidence 7 high, 8 medium, 21 low" in notes[0]
    assert notes[1].startswith("2012-13, 2030-31: no imported calendar")
    assert RULES_DESCRIPTION in notes[1]
    assert "upper bound" in notes[2]
    assert SchoolCalendar.rules_only().caveats([]) == []


def test_unknown_grades_are_refused() -> None:
    with pytest.raises(ConfigError, match="Unknown grades 'MS'"):
        SchoolCalendar.from_days(DAYS, grades="MS")


def test_service_calendar_reads_the_store(store: Store, settings: Settings) -> None:
    empty = services.school_calendar(store)
    assert empty.file_years == []
    assert empty.source_of("2024-25") == "rules"
    services.ingest_file(store, "calendars", CALENDARS, settings=settings)
    calendar = services.school_calendar(store, grades="HS")
    assert calendar.file_years == sorted(PLANNED_HS)
    assert calendar.count_school_days("2021-22") == 179 - 6
    planned_es = services.school_calendar(store, grades="ES", as_planned=True)
    assert planned_es.count_school_days("2019-20") == 183
