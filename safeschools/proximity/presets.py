"""Every published definition of "near a school" as a named preset, and user presets from TOML.

The published definitions (see docs/methodology/exposure.md) disagree on the radius, the hours,
the days, the victims' ages, the incident types and what they count. Each preset carries the
unit of the published figure (``victims`` or ``incidents``: the headline uses it), what the
publication reported (``source_note``), its own words where we have them verbatim (``quote``),
and in ``notes`` what we approximate (a point for a parcel, the age band 0-19 for "18 and
under") or assume (a radius the publication did not state).

User presets live in a TOML file (``SAFESCHOOLS_PRESETS_FILE`` or ``--presets``)::

    [presets.council-2025]
    label = "Our council's definition"
    radius = "0.2mi"
    hours = "07:00-18:00"
    days = "school-days"        # all | weekdays | school-days
    ages = ["0-19"]
    since = "2020-09-01"
    unit = "victims"            # victims | incidents: what the headline counts
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from safeschools.errors import ConfigError, NotFoundError
from safeschools.proximity.definition import Definition, parse_hours, parse_radius, parse_season

__all__ = ["PRESETS", "definition_from_mapping", "load_presets", "preset"]

PRESETS: dict[str, Definition] = {
    "abc7-2024": Definition(
        name="abc7-2024",
        gunshot_only=True,
        label="ABC7 Chicago (2 Feb 2024)",
        radius_m=parse_radius("0.1mi"),
        hours=parse_hours("07:00-17:00"),
        days="school-days",
        ages=("0-19",),
        since=date(2019, 2, 1),
        until=date(2024, 1, 31),
        unit="victims",
        source_note="ABC7 Chicago, 2 Feb 2024: 106 shot near 90 CPS and charter schools in "
        "5 years, 20 fatally",
        notes=(
            "The five-year window (Feb 2019 to Jan 2024) is read from the publication date.",
            "Children and teens are the published age band 0-19.",
        ),
    ),
    "wbez-dismissal": Definition(
        name="wbez-dismissal",
        gunshot_only=True,
        label="WBEZ / Sun-Times dismissal hours (Feb 2023)",
        radius_m=parse_radius("0.1mi"),
        hours=parse_hours("14:00-16:50"),
        days="weekdays",
        ages=("0-19",),
        unit="incidents",
        source_note="WBEZ / Sun-Times, Feb 2023: 41 shooting incidents involving people 19 and "
        "under near schools from 2:00 to 4:49 p.m. on weekdays",
        quote="41 after-school shooting incidents ... involving children 19 years old and younger",
        notes=(
            "The headline figure counts incidents (shootings), not victims: an incident counts "
            "when at least one victim 19 or under was shot.",
            "The radius was not stated; 0.1 mile is assumed.",
            "4:49 p.m. is included: the window ends at 16:50.",
            "The nine deaths WBEZ reported are of victims 17 and under, an age the published "
            "bands cannot separate; deaths here are of victims 0-19.",
        ),
    ),
    "banner-1-block": Definition(
        name="banner-1-block",
        gunshot_only=True,
        label="Baltimore Banner, one block (2023)",
        radius_m=parse_radius("150m"),
        hours=parse_hours("07:00-19:00"),
        days="all",
        season=parse_season("09-01..06-15"),
        ages=("0-19",),
        unit="victims",
        source_note="Baltimore Banner 2023: within one block of the school's parcel (100 m, "
        "plus 50 m for the immediate street), 7 a.m. to 7 p.m., any day from 1 Sep to 15 Jun, "
        "juvenile victims (18 and under)",
        quote="for the immediate street",
        notes=(
            "The Banner measured from each school's parcel; here the distance is measured from "
            "the school's point, so shootings near the edge of a large campus can be missed.",
            "Hours 7 through 18 are 07:00 to 19:00.",
            "Every day from 1 Sep to 15 Jun counts, weekends and holidays included, as in the "
            "Banner's method.",
            "Victims 18 and under cannot be told apart in the Chicago data: the band 0-19 is used.",
        ),
    ),
    "trace-500yd": Definition(
        name="trace-500yd",
        gunshot_only=True,
        label="The Trace, 500 yards (2024)",
        radius_m=parse_radius("500yd"),
        unit="incidents",
        source_note="The Trace 2024: Gun Violence Archive incidents within 500 yards of "
        "148,000 NCES schools, any time",
        notes=(
            "The Trace counted Gun Violence Archive incidents, which include shootings in which "
            "no one was hit; a victims file lists only people shot or killed, so it undercounts "
            "by that method.",
        ),
    ),
    "quarter-mile": Definition(
        name="quarter-mile",
        label="Quarter mile, school hours",
        radius_m=parse_radius("0.25mi"),
        hours=parse_hours("08:00-15:00"),
        days="school-days",
        source_note="A Chicago open-source project: 0.25 mile, school hours, school days",
        notes=("'School hours' were not defined; 08:00-15:00 is assumed.",),
    ),
    "clearmap-half-mile": Definition(
        name="clearmap-half-mile",
        label="CLEARMap half mile",
        radius_m=parse_radius("0.5mi"),
        source_note="The Chicago Police Department's former CLEARMap search limit: 0.5 mile",
    ),
}


def _date(value: Any, key: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        msg = f"Preset field {key} = {value!r} is not a date like 2024-01-31."
        raise ConfigError(msg) from None


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(str(v) for v in value)


_KNOWN = {
    "label", "radius", "hours", "days", "season", "ages", "types", "gunshot_only", "since",
    "until", "years", "school_year", "governance", "grade_categories", "sources", "source_note",
    "quote", "unit", "notes", "base",
}  # fmt: skip


def definition_from_mapping(name: str, data: dict[str, Any]) -> Definition:
    """A definition from a preset table; ``base`` starts from another preset."""
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        msg = f"Preset {name!r} has unknown field(s) {', '.join(unknown)}; see docs/cli.md."
        raise ConfigError(msg)
    base = PRESETS.get(str(data["base"])) if "base" in data else None
    if "base" in data and base is None:
        msg = f"Preset {name!r} is based on {data['base']!r}, which is not a built-in preset."
        raise ConfigError(msg)
    if base is None and "radius" not in data:
        msg = f'Preset {name!r} needs a radius (e.g. radius = "0.1mi") or a base preset.'
        raise ConfigError(msg)
    changes: dict[str, Any] = {"name": name, "label": data.get("label", name)}
    if "radius" in data:
        changes["radius_m"] = parse_radius(data["radius"])
    if "hours" in data:
        changes["hours"] = parse_hours(data["hours"])
    if "season" in data:
        changes["season"] = parse_season(data["season"])
    for key in ("days", "types", "school_year", "source_note", "quote", "unit"):
        if key in data:
            changes[key] = str(data[key])
    for key in ("ages", "governance", "grade_categories", "sources", "notes"):
        if key in data:
            changes[key] = _tuple(data[key])
    for key in ("since", "until"):
        if key in data:
            changes[key] = _date(data[key], key)
    if "years" in data:
        changes["years"] = int(data["years"])
    if "gunshot_only" in data:
        changes["gunshot_only"] = bool(data["gunshot_only"])
    if base is not None:
        return base.with_changes(**changes)
    radius = changes.pop("radius_m")
    return Definition(radius_m=radius, **changes)


def load_presets(path: Path | str | None) -> dict[str, Definition]:
    """The built-in presets plus those in the TOML file at ``path`` (which win on a name clash)."""
    presets = dict(PRESETS)
    if path is None:
        return presets
    path = Path(path)
    if not path.is_file():
        msg = (
            f"The presets file {path} does not exist; check SAFESCHOOLS_PRESETS_FILE or --presets."
        )
        raise ConfigError(msg)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        msg = f"The presets file {path} is not valid TOML ({exc})."
        raise ConfigError(msg) from exc
    tables = data.get("presets")
    if not isinstance(tables, dict) or not tables:
        msg = f"The presets file {path} has no [presets.NAME] tables."
        raise ConfigError(msg)
    for name, table in tables.items():
        if not isinstance(table, dict):
            msg = f"presets.{name} in {path} must be a table."
            raise ConfigError(msg)
        presets[name] = definition_from_mapping(name, table)
    return presets


def preset(name: str, presets: dict[str, Definition] | None = None) -> Definition:
    """One preset by name."""
    table = PRESETS if presets is None else presets
    try:
        return table[name]
    except KeyError:
        msg = f"No preset named {name!r}; choose one of: {', '.join(table)}."
        raise NotFoundError(msg) from None
