"""The parameters of a definition of "near a school", named once and read in one place.

:data:`PARAMS` is the one table: each parameter's name, kind, help, how the command line spells
it and how a query string spells it. The command's options (``exposure``, ``sensitivity``,
``report``, and ``compare-definitions``' two), the query parameters of the JSON API and the
pages' form are generated from it, and :func:`definition_from_params` reads them all, so the
command line, the API and the pages take the same names and give the same definition.

A query string carries text; the command line gives click's values (a tuple for a repeated
option, ``True`` for a flag, an ``int`` for ``--years``). Both come through the same reader:
repeated values and comma-separated ones are the same list, an empty value is no value, and an
error names the parameter as the reader wrote it (``--since`` on the command line, ``since`` in
a query string).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from safeschools.errors import ConfigError
from safeschools.model import GOVERNANCES, GRADE_CATEGORIES
from safeschools.proximity.definition import (
    DAYS,
    TYPES,
    Definition,
    parse_hours,
    parse_radius,
    parse_season,
)
from safeschools.proximity.presets import load_presets, preset
from safeschools.settings import Settings

__all__ = [
    "DEFAULT_PRESET",
    "PARAMS",
    "Param",
    "Via",
    "definition_from_params",
    "param",
    "resolve_definition",
]

#: The definition the pages and the API use when neither a preset nor a radius is asked for.
DEFAULT_PRESET = "trace-500yd"

#: Who reads: a query string (the API and the pages) or the command line.
Via = Literal["query", "cli"]
#: What a parameter holds: one text, a whole number, a date, a list (repeated or
#: comma-separated), a yes/no flag, or a file (the command line alone).
Kind = Literal["text", "number", "date", "many", "flag", "file"]

_YES = ("1", "true", "on", "yes")


@dataclass(frozen=True)
class Param:
    """One parameter of a definition.

    ``cli`` is the command line's option (``--radius``); a parameter whose values each have an
    option of their own (``--weekdays``, ``--school-days``, ``--all-days``) lists them in
    ``flags`` as (option, value, help) instead. ``query`` is the query string's name, or None
    where only the command line takes the parameter (a file on the server, say); ``query_help``
    is what OpenAPI shows for it. ``choices`` are the values the command line offers (the
    definition itself checks every value, whoever sent it).
    """

    name: str
    kind: Kind
    help: str
    cli: str | None = None
    query: str | None = None
    query_help: str = ""
    choices: tuple[str, ...] = ()
    flags: tuple[tuple[str, str, str], ...] = ()
    example: str | None = None

    def spelled(self, via: Via) -> str | None:
        """The parameter's name for that reader (None: that reader does not take it)."""
        if via == "query":
            return self.query
        return self.cli or "/".join(flag for flag, _value, _help in self.flags)


PARAMS: tuple[Param, ...] = (
    Param(
        "preset", "text", cli="--preset", query="preset",
        help="Start from a named definition (see `safeschools presets`).",
        query_help="A named definition (see /api/presets); the other parameters change parts "
        "of it. With neither preset nor radius, the preset trace-500yd is used.",
    ),
    Param(
        "presets", "file", cli="--presets",
        help="TOML file with your own presets ([presets.NAME] tables).",
    ),
    Param(
        "radius", "text", cli="--radius", query="radius", example="0.1mi",
        help="Radius with units: 0.1mi, 500yd, 150m, 1000ft (a distance equal to the radius "
        "counts).",
        query_help="Radius with units: 0.1mi, 500yd, 150m, 1000ft (a distance equal to the "
        "radius counts); at most the radius for which pairs are stored (0.5 mi by default).",
    ),
    Param(
        "hours", "text", cli="--hours", query="hours", example="07:00-17:00",
        help="Local hours window, start included and end excluded: 07:00-17:00; 'all' for "
        "every hour.",
        query_help="Local hours window, start included and end excluded: 07:00-17:00; 'all' "
        "for every hour.",
    ),
    Param(
        "days", "text", query="days", choices=DAYS, example="weekdays",
        flags=(
            ("--weekdays", "weekdays", "Monday to Friday only."),
            ("--school-days", "school-days", "School days from the school calendar only."),
            ("--all-days", "all", "Every day."),
        ),
        help="Which days count.",
        query_help="all, weekdays or school-days (from the school calendar).",
    ),
    Param(
        "season", "text", cli="--season", query="season",
        help="A part of every year, month-day to month-day: 09-01..06-15.",
        query_help="A part of every year, month-day to month-day: 09-01..06-15.",
    ),
    Param(
        "since", "date", cli="--since", query="since", example="2025-02-01",
        help="First date counted (inclusive), 2023-02-01.",
        query_help="First date counted (inclusive), like 2023-02-01.",
    ),
    Param(
        "until", "date", cli="--until", query="until", example="2026-01-31",
        help="Last date counted (inclusive), 2024-01-31.",
        query_help="Last date counted (inclusive), like 2024-01-31.",
    ),
    Param(
        "years", "number", cli="--years", query="years",
        help="The N years up to --until (or the newest data).",
        query_help="The N years up to `until` (or the newest data), instead of `since`.",
    ),
    Param(
        "age", "many", cli="--age", query="age",
        help="Victim age band, repeatable: --age 0-19.",
        query_help="Victim age band(s), repeatable or comma-separated: 0-19, 20-29, ...",
    ),
    Param(
        "type", "text", cli="--type", query="type", choices=TYPES,
        help="Fatal, non-fatal or all victimizations.",
        query_help="all, fatal or nonfatal.",
    ),
    Param(
        "gunshot_only", "flag", cli="--gunshot-only", query="gunshot_only",
        help="Only victimizations with a gunshot injury.",
        query_help="true to count only victimizations with a gunshot injury.",
    ),
    Param(
        "school_year", "text", cli="--school-year", query="school_year",
        help="School list: 2024-25, 'latest' (default) or 'incident' (the school year each "
        "victimization happened in).",
        query_help="School list: 2024-25, latest (default) or incident (the school year each "
        "victimization happened in).",
    ),
    Param(
        "governance", "many", cli="--governance", query="governance", choices=GOVERNANCES,
        help="Only schools of this governance (repeatable).",
        query_help="Only schools of these governances (district, charter, contract, options); "
        "repeatable or comma-separated.",
    ),
    Param(
        "no_charters", "flag", cli="--no-charters",
        help="Leave charter schools out.",
    ),
    Param(
        "grade", "many", cli="--grade", query="grade", choices=GRADE_CATEGORIES,
        help="Only this grade category (repeatable).",
        query_help="Only these grade categories (ES, MS, HS); repeatable or comma-separated.",
    ),
    Param(
        "source", "many", cli="--source", query="source",
        help="Only this data source, e.g. chicago-victims (repeatable).",
        query_help="Only this data source, e.g. chicago-victims; repeatable or "
        "comma-separated.",
    ),
)  # fmt: skip

_BY_NAME = {p.name: p for p in PARAMS}


def param(name: str) -> Param:
    """The parameter of that name in :data:`PARAMS`."""
    return _BY_NAME[name]


def resolve_definition(
    *,
    settings: Settings,
    preset_name: str | None = None,
    presets_file: Path | str | None = None,
    **changes: Any,
) -> Definition:
    """A definition from a preset (or the CLI's defaults) with the given parts changed.

    ``changes`` take Definition fields; ``None`` values are ignored.
    """
    presets = load_presets(presets_file or settings.presets_file)
    given = {k: v for k, v in changes.items() if v is not None}
    if preset_name is not None:
        return preset(preset_name, presets).with_changes(**given)
    if "radius_m" not in given:
        msg = "Give --radius (e.g. --radius 0.1mi) or --preset NAME (see `safeschools presets`)."
        raise ConfigError(msg)
    return Definition(**given)


def definition_from_params(
    params: Mapping[str, Any],
    *,
    settings: Settings,
    via: Via = "query",
    default_preset: str | None = DEFAULT_PRESET,
) -> Definition:
    """The definition that parameters of :data:`PARAMS` ask for.

    ``via`` says who read them: a query string's parameters are keyed by their query names,
    the command line's by their names (click's destinations); only the parameters that reader
    takes are read (a query string never names a presets file). ``preset`` starts from a named
    definition; without a preset or a radius, ``default_preset`` is used (None: the radius must
    be given). ``hours=all`` counts every hour even where the preset has a window, and
    ``years`` without ``since`` replaces the preset's first date.

    Examples
    --------
    >>> d = definition_from_params({"radius": "0.1mi", "age": "0-19"}, settings=Settings())
    >>> d.radius_m, d.ages
    (160.9344, ('0-19',))
    """

    def get(name: str) -> str | None:
        key = _BY_NAME[name].query if via == "query" else name  # click's dest is the name
        value = None if key is None else params.get(key)
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value if v not in (None, ""))
        text = None if value is None else str(value).strip()
        return text or None

    def many(name: str) -> tuple[str, ...] | None:
        text = get(name)
        return tuple(v.strip() for v in text.split(",") if v.strip()) if text else None

    def day(name: str) -> date | None:
        text = get(name)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            msg = f"{_BY_NAME[name].spelled(via)} {text!r} is not a date; write it like 2024-01-31."
            raise ConfigError(msg) from None

    def number(name: str) -> int | None:
        text = get(name)
        try:
            return int(text) if text else None
        except ValueError:
            msg = f"{_BY_NAME[name].spelled(via)} {text!r} is not a whole number."
            raise ConfigError(msg) from None

    def flag(name: str) -> bool | None:
        text = get(name)
        return None if text is None else text.lower() in _YES

    hours = get("hours")
    governance = many("governance")
    if flag("no_charters"):
        governance = tuple(
            g for g in (governance or ("district", "contract", "options")) if g != "charter"
        )
    changes: dict[str, Any] = {
        "radius_m": parse_radius(r) if (r := get("radius")) else None,
        "hours": parse_hours(hours) if hours else None,
        "days": get("days"),
        "season": parse_season(s) if (s := get("season")) else None,
        "since": day("since"),
        "until": day("until"),
        "years": number("years"),
        "ages": many("age"),
        "types": get("type"),
        "gunshot_only": flag("gunshot_only"),
        "school_year": get("school_year"),
        "governance": governance or None,
        "grade_categories": many("grade"),
        "sources": many("source"),
    }
    preset_name = get("preset")
    if preset_name is None and changes["radius_m"] is None:
        preset_name = default_preset
    years = changes["years"]
    # years without since replace the preset's first date: cleared before the years apply
    replace_since = years is not None and changes["since"] is None
    if replace_since:
        changes["years"] = None
    d = resolve_definition(
        settings=settings, preset_name=preset_name, presets_file=get("presets"), **changes
    )
    if replace_since:
        d = d.with_changes(since=None, years=years)
    if hours is not None and parse_hours(hours) is None:
        d = d.with_changes(hours=None)
    return d
