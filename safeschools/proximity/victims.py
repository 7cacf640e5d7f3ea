"""The victims' columns an exposure index filters on, derived once, and which victims count
under a definition (:meth:`VictimColumns.mask`): time window, hours, weekdays, season, age
bands, fatal or not, shot or not, and source. Times are local wall time."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from safeschools.errors import NotFoundError
from safeschools.proximity.data import Bool, ExposureData, Int
from safeschools.proximity.definition import Definition

__all__ = ["VictimColumns", "codes"]


def codes(values: npt.NDArray[np.object_]) -> tuple[list[Any], Int]:
    """The distinct values (None as ``""``), sorted, and each row's position among them."""
    keys = ["" if v is None else v for v in values.tolist()]
    uniques, inverse = np.unique(np.array(keys, dtype=object), return_inverse=True)
    return uniques.tolist(), inverse.astype(np.int64)


class VictimColumns:
    """Per victim: local day, minute of the day, weekday (0 = Monday), calendar year, month,
    month and day (``mmdd``), the year its school year starts, hour; and the codes of its case
    number, age band and source (with the distinct values in ``*_keys``)."""

    def __init__(self, data: ExposureData) -> None:
        self.n = int(data.victim_id.shape[0])
        self.fatal = data.fatal
        self.gunshot = data.gunshot
        t = data.occurred_at.astype("datetime64[m]")
        days = t.astype("datetime64[D]")
        self.day = days
        self.minute = (t - days).astype(np.int64)
        # 1970-01-01 was a Thursday: weekday 0 = Monday.
        self.weekday = (days.astype(np.int64) + 3) % 7
        years = days.astype("datetime64[Y]").astype(np.int64) + 1970
        months = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
        self.year = years
        self.month = months
        self.monthday = months * 100 + (days - days.astype("datetime64[M]")).astype(np.int64) + 1
        self.victim_sy = np.where(months >= 7, years, years - 1)
        self.hour = self.minute // 60
        self.case_keys, self.case = codes(data.case_number)
        self.age_keys, self.age = codes(data.age_band)
        self.no_age = np.isin(
            self.age, [i for i, k in enumerate(self.age_keys) if k in ("", "UNKNOWN")]
        )
        self.source_keys, self.source = codes(data.source)

    def mask(self, d: Definition, newest_day: date | None) -> Bool:
        """Victims that count under ``d``; ``newest_day`` ends a window counted back from the
        newest data (``years``)."""
        mask = np.ones(self.n, dtype=bool)
        since, until = d.window(newest_day)
        if since is not None:
            mask &= self.day >= np.datetime64(since, "D")
        if until is not None:
            mask &= self.day <= np.datetime64(until, "D")
        if d.hours is not None:
            start, end = d.hours
            if start < end:
                mask &= (self.minute >= start) & (self.minute < end)
            else:
                mask &= (self.minute >= start) | (self.minute < end)
        if d.days == "weekdays":
            mask &= self.weekday < 5
        if d.season is not None:
            (m1, d1), (m2, d2) = d.season
            lo, hi = m1 * 100 + d1, m2 * 100 + d2
            if lo <= hi:
                mask &= (self.monthday >= lo) & (self.monthday <= hi)
            else:
                mask &= (self.monthday >= lo) | (self.monthday <= hi)
        if d.ages:
            wanted = [i for i, k in enumerate(self.age_keys) if k in d.ages]
            mask &= np.isin(self.age, wanted)
        if d.types == "fatal":
            mask &= self.fatal
        elif d.types == "nonfatal":
            mask &= ~self.fatal
        if d.gunshot_only:
            mask &= self.gunshot == 1
        if d.sources:
            unknown = [s for s in d.sources if s not in self.source_keys]
            if unknown:
                msg = f"No data from source(s) {', '.join(unknown)}; the store has: " + ", ".join(
                    self.source_keys
                )
                raise NotFoundError(msg)
            wanted = [i for i, k in enumerate(self.source_keys) if k in d.sources]
            mask &= np.isin(self.source, wanted)
        return mask
