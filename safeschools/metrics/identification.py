"""The identification rule of 34 CFR 300.647(d): above the threshold for consecutive years.

A district (or school) is identified only after its risk ratio exceeds the threshold (strictly
greater) in each of up to 3 consecutive years; the number of years (1, 2 or 3) is the state's
choice. A year whose ratio was not calculated, or a year missing from the series, breaks the run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from safeschools.errors import DataValidationError

__all__ = ["Identification", "identify"]


class _HasValue(Protocol):
    @property
    def value(self) -> float | None: ...


def _year_start(year: object) -> int:
    if isinstance(year, int) and not isinstance(year, bool):
        return year
    match = re.fullmatch(r"(\d{4})(?:-\d{2,4})?", str(year))
    if match is None:
        msg = f"Cannot read the year {year!r}: use 2023 or a school year like '2023-24'."
        raise DataValidationError(msg)
    return int(match.group(1))


@dataclass(frozen=True)
class Identification:
    """Whether the ratio exceeded the threshold long enough to identify, and when.

    ``identified`` is about the latest year given; ``identified_years`` lists every year in which
    the rule was met (the run of exceeding years ending in it was long enough); ``run`` is the run
    of consecutive exceeding years ending in the latest year (empty if the latest did not exceed).
    """

    identified: bool
    identified_years: tuple[object, ...]
    run: tuple[object, ...]
    threshold: float
    consecutive: int
    reason: str


def identify(
    ratios_by_year: Mapping[object, _HasValue | float | None],
    threshold: float,
    consecutive: int = 3,
) -> Identification:
    """Apply the identification rule: above ``threshold`` in ``consecutive`` years in a row.

    A year counts when its ratio is strictly greater than the threshold. A year whose ratio was not
    calculated (None, or a ``Ratio`` whose ``value`` is None), or a year missing between two given
    years, breaks the run. ``consecutive`` is 1, 2 or 3 (the regulation allows up to 3). Years
    are ints (2023) or school years ('2023-24'), ordered by their first calendar year.

    Examples
    --------
    >>> identify({2021: 3.2, 2022: 3.5, 2023: 3.1}, threshold=3.0).identified
    True
    >>> identify({2021: 3.2, 2022: None, 2023: 3.1}, threshold=3.0).identified
    False
    """
    if consecutive not in (1, 2, 3):
        msg = f"consecutive must be 1, 2 or 3 (the regulation allows up to 3), not {consecutive!r}."
        raise DataValidationError(msg)
    years = sorted(ratios_by_year, key=_year_start)
    starts = [_year_start(y) for y in years]
    if len(set(starts)) != len(starts):
        msg = "The same year is given twice; give one ratio per year."
        raise DataValidationError(msg)
    run: list[object] = []
    identified_years: list[object] = []
    previous: int | None = None
    for year, start in zip(years, starts, strict=True):
        item = ratios_by_year[year]
        value = item if item is None or isinstance(item, int | float) else item.value
        if previous is not None and start != previous + 1:
            run = []
        previous = start
        if value is not None and value > threshold:
            run.append(year)
            if len(run) >= consecutive:
                identified_years.append(year)
        else:
            run = []
    identified = bool(years) and bool(identified_years) and identified_years[-1] == years[-1]
    if not years:
        reason = "No years given."
    elif identified:
        reason = (
            f"Identified: above {threshold} in each of the last {min(len(run), consecutive)} "
            f"consecutive years ({', '.join(map(str, run[-consecutive:]))})."
        )
    else:
        reason = (
            f"Not identified: above {threshold} in {len(run)} consecutive year(s) ending in "
            f"{years[-1]}; {consecutive} are needed."
        )
    return Identification(
        identified, tuple(identified_years), tuple(run), threshold, consecutive, reason
    )
