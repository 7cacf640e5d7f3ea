"""A school shooting as a national tracker records it: one incident of one tracker's file.

The two trackers whose files are loaded, the K-12 School Shooting Database (``k12-ssdb``) and
The Washington Post (``wapo``), describe an incident with different fields; a record keeps each
tracker's own words (``situation``, ``time_period``) and adds nothing the file does not say
(``None`` is "not recorded", never 0). No record holds a person's name: victims are counted by
the injury the file gives them, and no free text (summaries, narratives) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["SHOOTING_SOURCES", "SchoolShooting", "school_year_of"]

#: The trackers whose files are imported, by source name.
SHOOTING_SOURCES = ("k12-ssdb", "wapo")


def school_year_of(day: date) -> str:
    """The school year (1 July to 30 June) of a day, like ``2021-22``.

    Examples
    --------
    >>> school_year_of(date(2022, 6, 20)), school_year_of(date(2022, 7, 1))
    ('2021-22', '2022-23')
    """
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


@dataclass(frozen=True)
class SchoolShooting:
    """One incident of one tracker (keyed by ``source`` and ``incident_id``)."""

    source: str
    incident_id: str
    date: date
    school_year: str
    state: str  # postal code, e.g. IL
    city: str
    school: str
    license: str
    time: str | None = None
    nces_school_id: str | None = None
    school_level: str | None = None
    location_type: str | None = None
    during_school: bool | None = None
    time_period: str | None = None
    situation: str | None = None
    shots_fired: str | None = None
    killed: int | None = None
    injured: int | None = None
    shooters: int | None = None
    shooter_died: bool | None = None
    resource_officer: int | None = None  # the Post's flag: 1, 0 or None (blank)
    officer_involved: bool | None = None
    enrollment: int | None = None
    lat: float | None = None
    lon: float | None = None
    weapons: str | None = None

    @property
    def year(self) -> int:
        """The calendar year."""
        return self.date.year
