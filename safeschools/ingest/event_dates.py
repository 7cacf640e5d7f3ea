"""Events cannot happen after today: a victimization dated in the future is a rejected row.

A publisher's dates are naive local wall time (America/Chicago for the City's files). "Today"
is the date of the clock the import runs with, in the district's time zone; the services pass
it in (``today=clock().date()``), so tests pin it. A date later than today (2099, a typo for
2019, a day/month swap that lands next month) is refused with the reason
``"DATE 2099-01-31 is in the future (after today, 2026-05-01)"``; an event later today is
accepted, since the file's clock and ours may differ by hours.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from safeschools.ingest.base import RowError

__all__ = ["DISTRICT_TIMEZONE", "check_not_future", "today_in"]

#: The time zone of the City's files, and the default of ``Settings.timezone``.
DISTRICT_TIMEZONE = "America/Chicago"


def today_in(timezone: str = DISTRICT_TIMEZONE) -> date:
    """Today's date on the wall clocks of ``timezone``."""
    return datetime.now(ZoneInfo(timezone)).date()


def check_not_future(occurred: date, *, today: date, column: str) -> None:
    """Raise :class:`RowError` when ``occurred`` falls on a day after ``today``.

    Examples
    --------
    >>> check_not_future(datetime(2024, 1, 31, 23, 0), today=date(2024, 1, 31), column="DATE")
    >>> check_not_future(datetime(2099, 1, 31), today=date(2024, 1, 31), column="DATE")
    Traceback (most recent call last):
    ...
    safeschools.ingest.base.RowError: DATE 2099-01-31 is in the future (after today, 2024-01-31)
    """
    day = occurred.date() if isinstance(occurred, datetime) else occurred
    if day > today:
        msg = f"{column} {day.isoformat()} is in the future (after today, {today})"
        raise RowError(msg)
