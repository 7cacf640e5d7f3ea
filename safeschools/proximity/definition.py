"""What "near a school" means: a :class:`Definition`, and the parsers for its parts.

A definition is a radius (with units), a date window, an hours window, which days, which
victims (age bands, fatal or not, gunshot only), and which schools (school year, governance,
grade category). Every result carries the definition it was computed with.

Conventions (tests pin each one):

- ``since`` and ``until`` are inclusive dates;
- an hours window includes its start and excludes its end: ``07:00-17:00`` counts 07:00 and 16:59,
  not 17:00; a window may wrap midnight (``22:00-02:00``);
- a distance equal to the radius counts;
- times are the publisher's local wall time (America/Chicago), so an hours filter means the
  same clock time in winter and summer.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from safeschools.errors import ConfigError
from safeschools.model import AGE_BANDS, GOVERNANCES, GRADE_CATEGORIES

__all__ = [
    "DAYS",
    "METRES_PER_UNIT",
    "TYPES",
    "UNITS",
    "Definition",
    "format_radius",
    "parse_hours",
    "parse_radius",
    "parse_season",
]

#: Metres per unit of length.
METRES_PER_UNIT = {
    "m": 1.0,
    "km": 1000.0,
    "mi": 1609.344,
    "yd": 0.9144,
    "ft": 0.3048,
    "block": 100.0,
}
_UNIT_ALIASES = {
    "": "m",
    "meter": "m",
    "meters": "m",
    "metre": "m",
    "metres": "m",
    "mile": "mi",
    "miles": "mi",
    "yard": "yd",
    "yards": "yd",
    "yds": "yd",
    "foot": "ft",
    "feet": "ft",
    "blocks": "block",
}
_RADIUS_RE = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$", re.IGNORECASE)
_HOURS_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_SEASON_RE = re.compile(r"^\s*(\d{2})-(\d{2})\s*\.\.\s*(\d{2})-(\d{2})\s*$")

#: The most years back a definition can count (the data start in 1991).
MAX_YEARS = 100
#: Which days count: every day, Monday to Friday, or the school calendar's school days.
DAYS = ("all", "weekdays", "school-days")
#: Which victimizations count.
TYPES = ("all", "fatal", "nonfatal")
#: What a definition's headline figure counts: people shot or killed (rows), or incidents
#: (distinct case numbers with at least one counted victim).
UNITS = ("victims", "incidents")


def parse_radius(text: str | float) -> float:
    """A radius in metres from ``0.1mi``, ``500yd``, ``150m``, ``1000ft``, ``0.5km`` or metres.

    Examples
    --------
    >>> parse_radius("0.1mi")
    160.9344
    >>> parse_radius("500yd")
    457.2
    """
    if isinstance(text, (int, float)):
        value, unit = float(text), "m"
    else:
        match = _RADIUS_RE.match(text)
        if match is None:
            msg = f"Radius {text!r} is not a length; write it like 0.1mi, 500yd, 150m or 1000ft."
            raise ConfigError(msg)
        value = float(match.group(1))
        unit = _UNIT_ALIASES.get(match.group(2).lower(), match.group(2).lower())
        if unit not in METRES_PER_UNIT:
            units = ", ".join(METRES_PER_UNIT)
            msg = f"Radius {text!r} has an unknown unit; use one of {units}."
            raise ConfigError(msg)
    metres = round(value * METRES_PER_UNIT[unit], 6)
    if metres <= 0:
        msg = f"Radius {text!r} must be more than 0."
        raise ConfigError(msg)
    return metres


def format_radius(radius_m: float) -> str:
    """A radius in metres as people say it: miles when it is a round fraction, else metres.

    Examples
    --------
    >>> format_radius(160.9344)
    '0.1 mi (160.9 m)'
    >>> format_radius(150)
    '150 m'
    """
    miles = radius_m / METRES_PER_UNIT["mi"]
    if abs(miles * 100 - round(miles * 100)) < 1e-6:
        return f"{round(miles, 2):g} mi ({radius_m:.1f} m)"
    yards = radius_m / METRES_PER_UNIT["yd"]
    if abs(yards - round(yards)) < 1e-6 and round(yards) % 50 == 0:
        return f"{round(yards)} yd ({radius_m:.1f} m)"
    return f"{radius_m:g} m"


def parse_hours(text: str | None) -> tuple[int, int] | None:
    """An hours window as (start, end) minutes after midnight; ``None`` for all hours.

    The start is included and the end excluded; ``24:00`` is the end of the day.

    Examples
    --------
    >>> parse_hours("07:00-17:00")
    (420, 1020)
    >>> parse_hours("all") is None
    True
    """
    if text is None or text.strip().lower() in ("", "all", "any", "00:00-24:00"):
        return None
    match = _HOURS_RE.match(text)
    if match is None:
        msg = f"Hours {text!r} are not a window; write them like 07:00-17:00."
        raise ConfigError(msg)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or end > 24 * 60:
        msg = f"Hours {text!r} are not clock times; use 00:00 to 24:00."
        raise ConfigError(msg)
    if start == end:
        msg = f"Hours {text!r} are an empty window; for every hour write 'all'."
        raise ConfigError(msg)
    return start, end


def parse_season(text: str | None) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """A part of every year, ``09-01..06-15`` (month-day, both inclusive, may wrap the new year)."""
    if text is None or text.strip().lower() in ("", "all"):
        return None
    match = _SEASON_RE.match(text)
    if match is None:
        msg = f"Season {text!r} is not a month-day range; write it like 09-01..06-15."
        raise ConfigError(msg)
    m1, d1, m2, d2 = (int(g) for g in match.groups())
    for m, d in ((m1, d1), (m2, d2)):
        try:
            date(2024, m, d)
        except ValueError:
            msg = f"Season {text!r} names a day that does not exist."
            raise ConfigError(msg) from None
    return (m1, d1), (m2, d2)


def _hours_text(hours: tuple[int, int] | None) -> str:
    if hours is None:
        return "all hours"
    return f"{hours[0] // 60:02d}:{hours[0] % 60:02d}-{hours[1] // 60:02d}:{hours[1] % 60:02d}"


@dataclass(frozen=True)
class Definition:
    """One answer to "what counts as violence near a school".

    Parameters
    ----------
    radius_m
        Metres; a victimization at exactly this distance counts.
    since, until
        Inclusive dates (local); ``None`` for the start or end of the data.
    years
        With ``until`` (or the newest data), the ``years`` years before it, instead of ``since``.
    hours
        (start, end) minutes after midnight, start included and end excluded; ``None`` for all.
    days
        ``all``, ``weekdays`` or ``school-days`` (from the school calendar).
    season
        A part of every year ((month, day), (month, day)), both inclusive; ``None`` for all.
    ages
        Age bands that count (``("0-19",)``); empty for every victim, including unknown ages.
    types
        ``all``, ``fatal`` or ``nonfatal``.
    gunshot_only
        Only victimizations with a gunshot injury.
    school_year
        Which school list: ``2024-25``, ``latest`` (the newest in the store) or ``incident``
        (each victimization against the schools of the school year it happened in).
    governance
        Governances that count (district, charter, contract, options); empty for all.
    grade_categories
        ES, MS, HS; empty for all.
    sources
        Data sources that count (``chicago-victims``); empty for every source in the store.
    unit
        What the headline figure counts: ``victims`` (people shot or killed) or ``incidents``
        (shootings and homicides, one per case number). Both are always computed; the unit is
        the one a publication reported, so that its figure is compared with ours like for like.
    source_note
        What the publication reported, in a sentence.
    quote
        The publication's own words, where we have them verbatim (shown as a quotation).
    notes
        What the definition approximates or assumes where the publication's method cannot be
        reproduced on this data, or left a part unstated.
    """

    radius_m: float
    since: date | None = None
    until: date | None = None
    years: int | None = None
    hours: tuple[int, int] | None = None
    days: str = "all"
    season: tuple[tuple[int, int], tuple[int, int]] | None = None
    ages: tuple[str, ...] = ()
    types: str = "all"
    gunshot_only: bool = False
    school_year: str = "latest"
    governance: tuple[str, ...] = ()
    grade_categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    name: str | None = None
    label: str | None = None
    unit: str = "victims"
    source_note: str | None = None
    quote: str | None = None
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.radius_m <= 0:
            msg = f"Radius must be more than 0 m, not {self.radius_m}."
            raise ConfigError(msg)
        if self.days not in DAYS:
            msg = f"Days {self.days!r} must be one of {', '.join(DAYS)}."
            raise ConfigError(msg)
        if self.types not in TYPES:
            msg = f"Type {self.types!r} must be one of {', '.join(TYPES)}."
            raise ConfigError(msg)
        if self.unit not in UNITS:
            msg = f"Unit {self.unit!r} must be one of {', '.join(UNITS)}."
            raise ConfigError(msg)
        bad_ages = [a for a in self.ages if a not in AGE_BANDS]
        if bad_ages:
            msg = f"Age band(s) {', '.join(bad_ages)} unknown; use {', '.join(AGE_BANDS)}."
            raise ConfigError(msg)
        bad_gov = [g for g in self.governance if g not in GOVERNANCES]
        if bad_gov:
            msg = f"Governance {', '.join(bad_gov)} unknown; use {', '.join(GOVERNANCES)}."
            raise ConfigError(msg)
        bad_grade = [g for g in self.grade_categories if g not in GRADE_CATEGORIES]
        if bad_grade:
            msg = f"Grade category {', '.join(bad_grade)} unknown; use ES, MS or HS."
            raise ConfigError(msg)
        if self.since and self.until and self.since > self.until:
            msg = f"--since {self.since} is after --until {self.until}."
            raise ConfigError(msg)
        if self.years is not None and not 1 <= self.years <= MAX_YEARS:
            msg = f"--years must be 1 to {MAX_YEARS}, not {self.years}."
            raise ConfigError(msg)
        if self.years is not None and self.since is not None:
            msg = "Give --since or --years, not both."
            raise ConfigError(msg)

    def window(self, newest: date | None) -> tuple[date | None, date | None]:
        """Inclusive (since, until) dates; ``years`` counts back from ``until`` or ``newest``."""
        until = self.until
        if self.years is None:
            return self.since, until
        end = until or newest
        if end is None:
            return None, until
        try:
            start = end.replace(year=end.year - self.years) + timedelta(days=1)
        except ValueError:  # 29 February
            start = end.replace(year=end.year - self.years, day=28) + timedelta(days=1)
        return start, end

    def with_changes(self, **changes: Any) -> Definition:
        """A copy with some parts changed (and re-checked)."""
        return replace(self, **changes)

    def describe(self) -> str:
        """The definition in one plain sentence."""
        parts = [f"within {format_radius(self.radius_m)}"]
        parts.append(_hours_text(self.hours))
        parts.append(
            {"all": "every day", "weekdays": "weekdays", "school-days": "school days"}[self.days]
        )
        if self.season:
            (m1, d1), (m2, d2) = self.season
            parts.append(f"{m1:02d}-{d1:02d} to {m2:02d}-{d2:02d} each year")
        if self.ages:
            parts.append("victims aged " + ", ".join(self.ages))
        if self.types != "all":
            parts.append(f"{self.types} only")
        if self.gunshot_only:
            parts.append("gunshot injuries only")
        return ", ".join(parts)

    def to_dict(self, *, newest: date | None = None) -> dict[str, Any]:
        """JSON-ready, with the resolved date window."""
        since, until = self.window(newest)
        data = asdict(self)
        data.update(
            {
                "since": since.isoformat() if since else None,
                "until": until.isoformat() if until else None,
                "hours": None if self.hours is None else _hours_text(self.hours),
                "season": None
                if self.season is None
                else "{:02d}-{:02d}..{:02d}-{:02d}".format(*self.season[0], *self.season[1]),
                "radius": format_radius(self.radius_m),
                "description": self.describe(),
                "ages": list(self.ages),
                "governance": list(self.governance),
                "grade_categories": list(self.grade_categories),
                "sources": list(self.sources),
                "notes": list(self.notes),
            }
        )
        return data
