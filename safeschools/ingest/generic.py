"""Any city's schools or victims, from a CSV or GeoJSON file and a column-mapping file.

The mapping is a TOML file that names, for each model field, the file column holding it::

    kind = "victims"                 # or "schools"
    source = "oakland-shootings"     # name kept with every record and import
    # school_year = "2024-25"        # schools only: one year for the whole file

    [columns]                        # model field = file column
    source_row_id = "incident_id"
    occurred_at = "datetime"
    lat = "lat"
    lon = "lng"
    fatal = "killed"

    [formats]                        # optional: strptime formats of date-time fields
    occurred_at = "%Y-%m-%d %H:%M"

    [values.fatal]                   # optional: value maps, file value = model value
    "Y" = true
    "N" = false

    [constants]                      # optional: one value for every row
    location_precision = "block"

Fields are those of :class:`~safeschools.model.Victimization` (required: ``source_row_id`` and
``occurred_at``) or :class:`~safeschools.model.School` (required: ``school_id``, ``name`` and
``school_year``, as a column or a constant). For GeoJSON points, ``lat``/``lon`` default to the
point geometry (the ``latitude``/``longitude`` that :func:`~safeschools.ingest.base.read_table`
exposes). ``occurred_at`` is naive local wall time, as the file writes it. A number in an
``age_band`` column is turned into its band (``17`` becomes ``0-19``). ``location_precision``
defaults to ``block`` for located rows and is ``missing`` for rows without a location.

A mistake in the mapping raises :class:`~safeschools.errors.SourceSchemaError` naming the fix;
a row that does not fit becomes a rejected row with its reason.
"""

from __future__ import annotations

import re
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any, Union

from safeschools.errors import DataValidationError, SourceError, SourceSchemaError
from safeschools.ingest.base import (
    ParseResult,
    RowError,
    TableFile,
    check_point,
    parse_bool,
    parse_float,
    parse_int,
    parse_local_datetime,
    parse_rows,
    read_table,
)
from safeschools.ingest.chicago_victims import normalise_age_band
from safeschools.ingest.event_dates import check_not_future, today_in
from safeschools.model import (
    GOVERNANCES,
    GRADE_CATEGORIES,
    LOCATION_PRECISIONS,
    School,
    Victimization,
    school_year_label,
)

__all__ = ["MAPPING_KINDS", "SOURCE", "ColumnMapping", "load_mapping", "records_from_mapping"]

SOURCE = {
    "name": "generic",
    "title": "Any city's schools or victims, with a column-mapping file",
    "publisher": "any (named by the mapping's source)",
    "url": "mappings/example-victims.toml",  # relative to docs/, where sources.md lives
    "license": "that of the file imported",
    "coverage": "CSV, JSON or GeoJSON points; columns named in a TOML mapping (--mapping FILE)",
}

#: What a mapping's ``kind`` may be.
MAPPING_KINDS = ("victims", "schools")

_MODELS: dict[str, type[Any]] = {"victims": Victimization, "schools": School}
_REQUIRED = {
    "victims": ("source_row_id", "occurred_at"),
    "schools": ("school_id", "name", "school_year"),
}
#: Fields a mapping cannot set: the source is the mapping's ``source``.
_FIXED = {"victims": ("source",), "schools": ()}
_TOP_LEVEL = ("kind", "source", "school_year", "columns", "formats", "values", "constants")
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_AGE_BAND_TOPS = (19, 29, 39, 49, 59, 69, 79)


@dataclass(frozen=True)
class ColumnMapping:
    """A validated mapping: which column (or constant) gives each model field."""

    path: Path
    kind: str
    source: str
    columns: dict[str, str]
    formats: dict[str, str]
    values: dict[str, dict[str, Any]]
    constants: dict[str, Any]


def _field_types(model: type[Any]) -> dict[str, str]:
    """Model field -> one of ``str``, ``datetime``, ``float``, ``int``, ``bool``."""
    hints = typing.get_type_hints(model)
    out: dict[str, str] = {}
    for f in fields(model):
        hint = hints[f.name]
        if typing.get_origin(hint) in (Union, types.UnionType):
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
        out[f.name] = hint.__name__
    return out


def _schema_error(mapping_path: Path, text: str) -> SourceSchemaError:
    return SourceSchemaError(f"Mapping {mapping_path.name}: {text}")


def _table(raw: Mapping[str, Any], key: str, mapping_path: Path) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        msg = f"[{key}] must be a table of field = value lines; write it as a [{key}] section."
        raise _schema_error(mapping_path, msg)
    return dict(value)


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        msg = f"Mapping file {path} does not exist; check the --mapping path."
        raise SourceError(msg)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        msg = f"Mapping {path.name} is not valid TOML ({exc}); fix the line it names."
        raise SourceError(msg) from exc


def _set_school_year(
    path: Path,
    raw: dict[str, Any],
    kind: str,
    school_year: str | None,
    *,
    columns: dict[str, Any],
    constants: dict[str, Any],
) -> None:
    """Put the school year of every row (the top-level ``school_year``, or ``--school-year``
    when no column gives it) among the constants, checking the two agree."""
    if "school_year" in raw:
        if kind != "schools":
            msg = 'school_year is only for schools; remove it or set kind = "schools".'
            raise _schema_error(path, msg)
        constants["school_year"] = raw["school_year"]
    if school_year is not None:
        if kind != "schools":
            msg = "--school-year is only for schools; drop it."
            raise _schema_error(path, msg)
        year = school_year_label(school_year)
        stated = constants.get("school_year")
        if stated is not None and school_year_label(str(stated)) != year:
            msg = f"it says school_year {stated}, not {year}; drop --school-year or correct it."
            raise _schema_error(path, msg)
        if "school_year" not in columns:
            constants["school_year"] = year


def _check_entries(
    path: Path,
    kind: str,
    *,
    columns: dict[str, Any],
    formats: dict[str, Any],
    values: dict[str, Any],
    constants: dict[str, Any],
) -> None:
    """Every section names only the model's fields, with values of the right shape, and the
    required fields are given."""
    types_ = _field_types(_MODELS[kind])
    allowed = [f for f in types_ if f not in _FIXED[kind]]
    for section, entries in (
        ("columns", columns),
        ("formats", formats),
        ("values", values),
        ("constants", constants),
    ):
        for name in entries:
            if name in _FIXED[kind]:
                msg = f"{name} cannot be set under [{section}]; it is the top-level {name}."
                raise _schema_error(path, msg)
            if name not in types_:
                msg = (
                    f"unknown {kind} field {name!r} under [{section}]; "
                    f"use one of: {', '.join(allowed)}."
                )
                raise _schema_error(path, msg)
    for name, column in columns.items():
        if not isinstance(column, str) or not column.strip():
            msg = f'[columns] {name} must name a file column, as in {name} = "column name".'
            raise _schema_error(path, msg)
        if name in constants:
            msg = f"{name} is both a column and a constant; keep one of them."
            raise _schema_error(path, msg)
    for name, fmt in formats.items():
        if types_[name] != "datetime":
            msg = f"[formats] {name} is not a date-time field; formats apply to date-times only."
            raise _schema_error(path, msg)
        if not isinstance(fmt, str) or "%" not in fmt:
            msg = f'[formats] {name} must be a strptime format such as "%Y-%m-%d %H:%M".'
            raise _schema_error(path, msg)
    for name, table in values.items():
        if not isinstance(table, dict):
            msg = f'[values.{name}] must be a table of "file value" = model value lines.'
            raise _schema_error(path, msg)
    for name in _REQUIRED[kind]:
        if name not in columns and name not in constants:
            where = (
                f'school_year = "2024-25" at the top or {name} = "<column>" under [columns]'
                if name == "school_year"
                else f'{name} = "<column>" under [columns]'
            )
            msg = f"no column gives {name}, which every {kind} record needs; add {where}."
            raise _schema_error(path, msg)
    if ("lat" in columns) != ("lon" in columns):
        msg = "[columns] maps only one of lat and lon; map both, or neither."
        raise _schema_error(path, msg)


def load_mapping(mapping_path: Path | str, *, school_year: str | None = None) -> ColumnMapping:
    """Read and check a column-mapping TOML file.

    ``school_year`` (schools only) is the school year of every row when the mapping names no
    ``school_year`` column; it must agree with a constant ``school_year``.

    Raises
    ------
    SourceError
        The file is missing or is not TOML.
    SourceSchemaError
        The mapping names an unknown field, lacks a required one, or has a wrong value; the
        message says what to change.

    Examples
    --------
    >>> mapping = load_mapping("docs/mappings/example-victims.toml")  # doctest: +SKIP
    >>> mapping.columns["occurred_at"]  # doctest: +SKIP
    'datetime'
    """
    path = Path(mapping_path)
    raw = _read_toml(path)
    unknown_top = sorted(set(raw) - set(_TOP_LEVEL))
    if unknown_top:
        msg = (
            f"unknown key(s) {', '.join(unknown_top)} at the top level; use "
            f"{', '.join(_TOP_LEVEL)} (model fields go under [columns] or [constants])."
        )
        raise _schema_error(path, msg)
    kind = raw.get("kind")
    if kind not in MAPPING_KINDS:
        msg = f'kind is {kind!r}; set kind = "victims" or kind = "schools" at the top.'
        raise _schema_error(path, msg)
    source = raw.get("source")
    if not isinstance(source, str) or not _SOURCE_NAME.match(source):
        msg = (
            f"source is {source!r}; set source = a short lower-case name for the data, "
            'such as "oakland-shootings".'
        )
        raise _schema_error(path, msg)
    columns = _table(raw, "columns", path)
    formats = _table(raw, "formats", path)
    values = _table(raw, "values", path)
    constants = _table(raw, "constants", path)
    _set_school_year(path, raw, kind, school_year, columns=columns, constants=constants)
    _check_entries(path, kind, columns=columns, formats=formats, values=values, constants=constants)
    return ColumnMapping(
        path=path,
        kind=kind,
        source=source,
        columns={k: str(v).strip() for k, v in columns.items()},
        formats=formats,
        values={k: dict(v) for k, v in values.items()},
        constants=constants,
    )


def _age_band(text: str) -> str | None:
    value = text.strip()
    if re.fullmatch(r"\d{1,3}(\.0+)?", value):
        age = int(float(value))
        for top in _AGE_BAND_TOPS:
            if age <= top:
                return "0-19" if top == 19 else f"{top - 9}-{top}"
        return "80+"
    return normalise_age_band(value)


def _convert(name: str, type_name: str, value: Any, fmt: str | None) -> Any:
    """Turn a file value (text) or a mapped/constant value into the model's type."""
    if value is None:
        return None
    if not isinstance(value, str):
        # A value from a value map or a constant: TOML already typed it.
        if type_name == "bool" and isinstance(value, bool):
            return value
        if type_name in ("float", "int") and isinstance(value, (int, float)):
            return float(value) if type_name == "float" else int(value)
        if type_name == "datetime" and isinstance(value, datetime):
            return value.replace(tzinfo=None)
        value = str(value)
    text = value.strip()
    if not text:
        return None
    if type_name == "datetime":
        if fmt is None:
            return parse_local_datetime(text, column=name)
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=None)
        except ValueError:
            raise RowError(f"{name} {text!r} does not match the format {fmt!r}") from None
    if type_name == "float":
        return parse_float(text, column=name)
    if type_name == "int":
        return parse_int(text, column=name)
    if type_name == "bool":
        parsed = parse_bool(text)
        if parsed is None:
            raise RowError(
                f"{name} {text!r} is not yes/no; add a [values.{name}] map to the mapping"
            )
        return parsed
    if name == "age_band":
        return _age_band(text)
    return text


def _lookup(values: dict[str, Any], raw: str) -> tuple[bool, Any]:
    key = raw.strip()
    if key in values:
        return True, values[key]
    lowered = {str(k).strip().lower(): v for k, v in values.items()}
    if key.lower() in lowered:
        return True, lowered[key.lower()]
    return False, None


def _check_columns(mapping: ColumnMapping, table: TableFile) -> dict[str, str]:
    """Model field -> the file's spelling of its column; every mapped column must exist."""
    resolved: dict[str, str] = {}
    for name, column in mapping.columns.items():
        actual = table.column(column)
        if actual is None:
            msg = (
                f"{table.path.name} has no column {column!r} (mapped to {name} in "
                f"{mapping.path.name}); its columns are: {', '.join(table.columns)}. "
                "Fix [columns] in the mapping."
            )
            raise SourceSchemaError(msg)
        resolved[name] = actual
    if table.kind == "geojson" and "lat" not in resolved and "lon" not in resolved:
        lat, lon = table.column("latitude"), table.column("longitude")
        if lat and lon:
            resolved["lat"], resolved["lon"] = lat, lon
    return resolved


def _make(
    mapping: ColumnMapping,
    table: TableFile,
    bbox: tuple[float, float, float, float],
    today: date,
) -> Callable[[dict[str, str]], Any]:
    model = _MODELS[mapping.kind]
    types_ = _field_types(model)
    columns = _check_columns(mapping, table)
    constants = {
        name: _constant(mapping, name, types_[name], value)
        for name, value in mapping.constants.items()
    }

    def make(row: dict[str, str]) -> Any:
        data: dict[str, Any] = dict(constants)
        for name, column in columns.items():
            raw = row.get(column) or ""
            value: Any = raw
            if name in mapping.values:
                hit, mapped = _lookup(mapping.values[name], raw)
                if hit:
                    value = mapped
            data[name] = _convert(name, types_[name], value, mapping.formats.get(name))
        for name in _REQUIRED[mapping.kind]:
            if data.get(name) is None:
                column = columns.get(name, name)
                raise RowError(f"{column} is empty")
        check_point(data.get("lat"), data.get("lon"), bbox)
        if mapping.kind == "victims":
            column = columns.get("occurred_at", "occurred_at")
            check_not_future(data["occurred_at"], today=today, column=column)
            return _victimization(mapping, data)
        return _school(data)

    return make


def _constant(mapping: ColumnMapping, name: str, type_name: str, value: Any) -> Any:
    try:
        converted = _convert(name, type_name, value, mapping.formats.get(name))
        if name == "school_year" and converted is not None:
            converted = school_year_label(str(converted))
    except (RowError, DataValidationError) as exc:
        raise _schema_error(mapping.path, f"[constants] {name}: {exc}.") from None
    return converted


def _victimization(mapping: ColumnMapping, data: dict[str, Any]) -> Victimization:
    data["source"] = mapping.source
    data["source_row_id"] = str(data["source_row_id"])
    located = data.get("lat") is not None
    precision = data.get("location_precision")
    if not located:
        data["location_precision"] = "missing"
    elif precision is None:
        data["location_precision"] = "block"
    elif str(precision).lower() not in LOCATION_PRECISIONS:
        raise RowError(
            f"location_precision {precision!r} is not one of {', '.join(LOCATION_PRECISIONS)}"
        )
    else:
        data["location_precision"] = str(precision).lower()
    data.setdefault("lat", None)
    data.setdefault("lon", None)
    data.setdefault("case_number", None)
    if data.get("fatal") is None:
        data["fatal"] = False
    for name in ("victimization_type", "incident_type"):
        if data.get(name) is not None:
            data[name] = str(data[name]).upper()
    return Victimization(**data)


def _school(data: dict[str, Any]) -> School:
    try:
        data["school_year"] = school_year_label(str(data["school_year"]))
    except DataValidationError as exc:
        raise RowError(str(exc)) from None
    governance = data.get("governance")
    if governance is not None:
        value = str(governance).lower()
        if value not in GOVERNANCES:
            raise RowError(
                f"governance {governance!r} is not one of {', '.join(GOVERNANCES)}; "
                "add a [values.governance] map to the mapping"
            )
        data["governance"] = value
    grade = data.get("grade_category")
    if grade is not None:
        value = str(grade).upper()
        if value not in GRADE_CATEGORIES:
            raise RowError(
                f"grade_category {grade!r} is not one of {', '.join(GRADE_CATEGORIES)}; "
                "add a [values.grade_category] map to the mapping"
            )
        data["grade_category"] = value
    data["school_id"] = str(data["school_id"])
    return School(**data)


def records_from_mapping(
    path: Path | str,
    mapping_path: Path | str,
    *,
    bbox: tuple[float, float, float, float],
    kind: str | None = None,
    school_year: str | None = None,
    today: date | None = None,
) -> ParseResult[Any]:
    """Read a CSV, JSON or GeoJSON file with a column mapping.

    Parameters
    ----------
    path
        The data file.
    mapping_path
        The TOML mapping (see the module docstring, and docs/mappings/example-victims.toml).
    bbox
        The district's area (min_lon, min_lat, max_lon, max_lat), EPSG:4326; points outside are
        rejected.
    kind
        When given (``victims`` or ``schools``), the mapping must be of this kind.
    school_year
        Schools only: the school year when the mapping gives none; it must agree with a
        constant ``school_year``.
    today
        Victims only: rows dated after this day are rejected (default: today in
        America/Chicago).

    Returns
    -------
    ParseResult
        :class:`~safeschools.model.Victimization` or :class:`~safeschools.model.School`
        records, by the mapping's kind.

    Examples
    --------
    >>> from safeschools.settings import CHICAGO_BBOX
    >>> result = records_from_mapping(
    ...     "shootings.csv", "docs/mappings/example-victims.toml", bbox=CHICAGO_BBOX
    ... )  # doctest: +SKIP
    """
    mapping = load_mapping(mapping_path, school_year=school_year)
    if kind is not None and kind != mapping.kind:
        msg = (
            f"Mapping {mapping.path.name} is for {mapping.kind}, not {kind}; "
            f'use `safeschools ingest {mapping.kind}` or set kind = "{kind}".'
        )
        raise SourceSchemaError(msg)
    with read_table(path) as table:
        make = _make(mapping, table, bbox, today or today_in())
        key: Callable[[Any], str] = (
            (lambda r: r.source_row_id)
            if mapping.kind == "victims"
            else (lambda r: f"{r.school_id} {r.school_year}")
        )
        records, rejects, rows_read = parse_rows(table, make, key=key)
        layout = {"csv": "CSV", "json": "JSON", "geojson": "GeoJSON"}.get(table.kind, table.kind)
        encoding = table.encoding
    notes: list[str] = []
    year_out: str | None = None
    vintage: str | None = None
    if mapping.kind == "schools":
        years = sorted({r.school_year for r in records})
        year_out = years[0] if len(years) == 1 else None
        vintage = year_out
        if len(years) > 1:
            notes.append(f"school years {', '.join(years)}")
        missing = sum(1 for r in records if r.lat is None)
        if missing:
            notes.append(f"{missing} school(s) have no coordinates")
    else:
        stamps = [r.source_updated_at or r.occurred_at for r in records]
        vintage = max(stamps).isoformat(timespec="seconds") if stamps else None
        missing = sum(1 for r in records if r.lat is None)
        if missing:
            notes.append(f"{missing} victimization(s) have no location and cannot be mapped")
    if encoding not in ("utf-8-sig", "utf-8"):
        notes.append(f"read as {encoding}")
    return ParseResult(
        source=mapping.source,
        records=records,
        rejects=rejects,
        format=f"{mapping.source}: {layout} with mapping {mapping.path.name}",
        rows_read=rows_read,
        school_year=year_out,
        vintage=vintage,
        notes=notes,
    )
