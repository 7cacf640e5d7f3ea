"""What every importer shares: reading a table file safely, and the shape of a parse result.

:func:`read_table` reads CSV (any common encoding), a JSON list of objects (the Socrata API) or
GeoJSON points, and hands back rows with their 1-based line numbers. A file that cannot be read at
all raises :class:`~safeschools.errors.SourceError` with one sentence saying why; a row that is
wrong is the importer's business (it becomes a :class:`~safeschools.model.RejectedRow`).
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Generic, TypeVar

from safeschools.errors import SourceError, SourceSchemaError
from safeschools.ingest.encoding import sniff_encoding
from safeschools.ingest.field_limit import MAX_FIELD_CHARS
from safeschools.ingest.field_limit import too_long as _too_long
from safeschools.ingest.json_tables import json_rows
from safeschools.model import RejectedRow
from safeschools.model.privacy import may_hold_name

__all__ = [
    "PRIVATE_COLUMN_PATTERN",
    "ParseResult",
    "RowError",
    "TableFile",
    "check_point",
    "file_checksum",
    "parse_bool",
    "parse_float",
    "parse_int",
    "parse_local_datetime",
    "public_raw",
    "read_table",
]

T = TypeVar("T")

#: Columns that may hold a person's name; they are never stored, not even in rejected rows.
#: Kept for callers that match text; :func:`~safeschools.model.privacy.may_hold_name` decides.
PRIVATE_COLUMN_PATTERN = re.compile(r"(first|last)_?name|victim_mi|_mi$|^name_", re.IGNORECASE)

csv.field_size_limit(MAX_FIELD_CHARS)


class RowError(ValueError):
    """One row is wrong; the message is the reason kept with the rejected row."""


@dataclass
class ParseResult(Generic[T]):
    """What an importer made of one file."""

    source: str
    records: list[T]
    rejects: list[RejectedRow]
    format: str
    rows_read: int
    school_year: str | None = None
    vintage: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class TableFile:
    """A readable table: its columns (as written) and an iterator of (line, row) pairs."""

    path: Path
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    encoding: str
    kind: str  # "csv", "json" or "geojson"
    closer: Callable[[], None] | None = None
    #: The columns the importer asked for (by :meth:`column` or :meth:`has`): what a rejected
    #: row keeps of its row.
    used: set[str] = field(default_factory=set)

    def close(self) -> None:
        """Release the open file (safe to call twice)."""
        if self.closer is not None:
            self.closer()
            self.closer = None

    def __enter__(self) -> TableFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def column(self, *names: str) -> str | None:
        """The file's spelling of the first of ``names`` it has (case-insensitive)."""
        lower = {c.strip().lower(): c for c in self.columns}
        for name in names:
            hit = lower.get(name.lower())
            if hit is not None:
                self.used.add(hit)
                return hit
        return None

    def has(self, *names: str) -> bool:
        """True when every one of ``names`` is a column (case-insensitive)."""
        return all(self.column(n) is not None for n in names)


def file_checksum(path: Path) -> str:
    """SHA-256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _csv_rows(
    path: Path, encoding: str
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]], Callable[[], None]]:
    errors = "replace" if encoding == "cp1252" else "strict"
    fh = path.open("r", encoding=encoding, errors=errors, newline="")
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        msg = f"{path.name} is empty; export the file again from its publisher."
        raise SourceError(msg) from None
    except csv.Error as exc:
        fh.close()
        if "field limit" in str(exc):
            raise _too_long(path, "in the header row") from exc
        msg = f"{path.name} is not a readable CSV file ({exc}); check that it is the right file."
        raise SourceError(msg) from exc
    columns = [h.strip() for h in header]
    if not any(columns):
        fh.close()
        msg = f"{path.name} has no header row; the first line must name the columns."
        raise SourceSchemaError(msg)
    seen: set[str] = set()
    for name in columns:
        if name and name.lower() in seen:
            fh.close()
            msg = f"{path.name} names the column {name!r} twice; fix the header row."
            raise SourceSchemaError(msg)
        seen.add(name.lower())

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        start = reader.line_num + 1
        try:
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    if "field limit" in str(exc):
                        raise _too_long(path, f"line {start}") from exc
                    yield start, {"__error__": f"unreadable CSV row: {exc}"}
                    start = reader.line_num + 1
                    continue
                line = start
                start = reader.line_num + 1
                if not values or (len(values) == 1 and not values[0].strip()):
                    continue
                if len(values) != len(columns):
                    row = dict(zip(columns, values, strict=False))
                    if len(values) < len(columns):
                        row["__error__"] = (
                            f"row has {len(values)} of {len(columns)} columns "
                            "(truncated or unbalanced quotes?)"
                        )
                    else:
                        row["__error__"] = (
                            f"row has {len(values)} fields but the header names {len(columns)}"
                        )
                    yield line, row
                    continue
                yield line, dict(zip(columns, values, strict=True))
        finally:
            fh.close()

    return columns, rows(), fh.close


def read_table(path: Path | str) -> TableFile:
    """Open a CSV, JSON or GeoJSON table for reading, row by row.

    Use it as a context manager (``with read_table(path) as table:``) so the file is closed
    whatever happens.

    Raises
    ------
    SourceError
        The file is missing, empty, binary or not a table.
    """
    path = Path(path)
    if not path.exists():
        msg = f"{path} does not exist; check the path."
        raise SourceError(msg)
    if path.is_dir():
        msg = f"{path} is a folder; name one file."
        raise SourceError(msg)
    encoding = sniff_encoding(path)
    with path.open("rb") as fh:
        first = fh.read(256).decode(encoding, errors="replace").lstrip("\ufeff").lstrip()
    if path.suffix.lower() in (".json", ".geojson") or first[:1] in ("[", "{"):
        kind, columns, rows = json_rows(path, encoding)
        return TableFile(path, columns, rows, encoding, kind)
    columns, csv_rows, closer = _csv_rows(path, encoding)
    return TableFile(path, columns, csv_rows, encoding, "csv", closer)


# ---------------------------------------------------------------------- value parsers
_DATE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%Y-%m-%d",
)


_US_DATETIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ?([AaPp][Mm])$")


def _fast_datetime(value: str) -> datetime | None:
    """The two formats the portal writes, without strptime's cost; None for anything else."""
    if len(value) >= 10 and value[4] == "-":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed.replace(tzinfo=None) if parsed.tzinfo is not None else parsed
    match = _US_DATETIME.match(value)
    if match is None:
        return None
    month, day, year, hour, minute, second, half = match.groups()
    h = int(hour)
    if not 1 <= h <= 12:
        return None
    h = h % 12 + (12 if half.upper() == "PM" else 0)
    try:
        return datetime(int(year), int(month), int(day), h, int(minute), int(second))
    except ValueError:
        return None


def parse_local_datetime(text: str, *, column: str = "date") -> datetime:
    """Parse a publisher's local date-time: ISO (API), ``MM/DD/YYYY hh:mm:ss AM`` (portal CSV).

    The result is naive local wall time, as published.

    Examples
    --------
    >>> parse_local_datetime("01/31/2024 02:05:00 PM")
    datetime.datetime(2024, 1, 31, 14, 5)
    >>> parse_local_datetime("2024-01-31T14:05:00.000")
    datetime.datetime(2024, 1, 31, 14, 5)
    """
    value = text.strip()
    if not value:
        raise RowError(f"{column} is empty")
    fast = _fast_datetime(value)
    if fast is not None:
        if not 1900 <= fast.year <= 2100:
            raise RowError(f"{column} {value!r} is out of range")
        return fast
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if parsed.tzinfo is not None:  # pragma: no cover - formats above carry no zone
            parsed = parsed.replace(tzinfo=None)
        if not 1900 <= parsed.year <= 2100:
            raise RowError(f"{column} {value!r} is out of range")
        return parsed
    raise RowError(f"{column} {value!r} is not a date (expected 01/31/2024 02:05:00 PM or ISO)")


def parse_float(text: str | None, *, column: str) -> float | None:
    """A float, ``None`` for an empty value; a non-number is a :class:`RowError`."""
    if text is None or not text.strip():
        return None
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError:
        raise RowError(f"{column} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise RowError(f"{column} {text!r} is not a finite number")
    return value


def parse_int(text: str | None, *, column: str) -> int | None:
    """A whole number, ``None`` for an empty value."""
    value = parse_float(text, column=column)
    if value is None:
        return None
    if value != int(value):
        raise RowError(f"{column} {text!r} is not a whole number")
    return int(value)


def parse_bool(text: str | None) -> bool | None:
    """YES/NO, TRUE/FALSE, Y/N, 1/0; ``None`` for an empty or other value."""
    if text is None:
        return None
    value = text.strip().upper()
    if value in ("YES", "Y", "TRUE", "T", "1"):
        return True
    if value in ("NO", "N", "FALSE", "F", "0"):
        return False
    return None


def check_point(
    lat: float | None,
    lon: float | None,
    bbox: tuple[float, float, float, float],
) -> None:
    """Check that a point lies in the district's area; say what is wrong when it does not.

    ``bbox`` is (min_lon, min_lat, max_lon, max_lat) in degrees (EPSG:4326).
    """
    if lat is None and lon is None:
        return
    if lat is None or lon is None:
        raise RowError("only one of latitude and longitude is given")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        if -90 <= lon <= 90 and -180 <= lat <= 180 and _inside(lon, lat, bbox):
            raise RowError(f"latitude and longitude look swapped ({lat}, {lon})")
        raise RowError(f"latitude {lat} / longitude {lon} are out of range")
    if _inside(lat, lon, bbox):
        return
    if _inside(lon, lat, bbox):
        raise RowError(f"latitude and longitude look swapped ({lat}, {lon})")
    if lat == 0 and lon == 0:
        raise RowError("location is 0, 0 (a placeholder for a missing location)")
    raise RowError(
        f"location ({lat}, {lon}) is outside the district's area {bbox}; "
        "set SAFESCHOOLS_AREA_BBOX for another city"
    )


def _inside(lat: float, lon: float, bbox: tuple[float, float, float, float]) -> bool:
    min_lon, min_lat, max_lon, max_lat = bbox
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon


def public_raw(row: Mapping[str, str], allowed: Collection[str] | None = None) -> dict[str, str]:
    """A row as kept with a rejection: the ``allowed`` columns (the ones the importer reads;
    every column when None), never one that may hold a person's name
    (:func:`~safeschools.model.privacy.may_hold_name`)."""
    return {
        k: v
        for k, v in row.items()
        if k != "__error__" and (allowed is None or k in allowed) and not may_hold_name(k)
    }


def parse_rows(
    table: TableFile,
    make: Callable[[dict[str, str]], T | None],
    *,
    key: Callable[[T], str] | None = None,
) -> tuple[list[T], list[RejectedRow], int]:
    """Run ``make`` over every row; keep its records, and each failing row with its reason.

    ``make`` returns a record, ``None`` for a row that is rightly left out (not a failure), or
    raises :class:`RowError`. With ``key``, a second row with the same key is rejected.
    """
    records: list[T] = []
    rejects: list[RejectedRow] = []
    first_line: dict[str, int] = {}
    rows_read = 0
    location = table.path.name
    allowed = table.used
    for line, row in table.rows:
        rows_read += 1
        problem = row.get("__error__")
        if problem:
            rejects.append(RejectedRow(line, problem, public_raw(row, allowed), location))
            continue
        try:
            record = make(row)
        except RowError as exc:
            rejects.append(RejectedRow(line, str(exc), public_raw(row, allowed), location))
            continue
        if record is None:
            continue
        if key is not None:
            ident = key(record)
            if ident in first_line:
                reason = f"duplicate id {ident} (first seen on line {first_line[ident]})"
                rejects.append(RejectedRow(line, reason, public_raw(row, allowed), location))
                continue
            first_line[ident] = line
        records.append(record)
    return records, rejects, rows_read


def require_columns(table: TableFile, what: str, groups: Sequence[Sequence[str]]) -> None:
    """Raise :class:`SourceSchemaError` unless, for each group, one of its columns is present."""
    missing = [" or ".join(g) for g in groups if not any(table.column(n) for n in g)]
    if missing:
        msg = (
            f"{table.path.name} is not a {what} file: it lacks the column(s) "
            f"{'; '.join(missing)}. Check the file, or import it with --mapping."
        )
        raise SourceSchemaError(msg)
