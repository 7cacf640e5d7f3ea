"""Downloads: every table the service gives, as CSV, GeoJSON or Parquet, with a file name.

``GET /api/export/{table}.{format}`` for the tables in :data:`EXPORTS`; every table that has a
CSV also has a Parquet file with the same rows and columns, the metadata (definition, coverage,
vintage, caveats) as the file's key-value metadata (see :mod:`safeschools.tables`):

- ``schools``: the schools of one school year (``school_year``: ``latest`` by default, ``all``,
  or ``2024-25``); points at the school.
- ``exposure``: every school considered under the definition in the query, with its victims,
  fatal victims, nearest distance and victims per calendar year (the CLI's ``exposure --format
  csv|geojson``); the GeoJSON carries the definition, the data vintage and the caveats.
- ``exposure-victims``: exactly the victims the definition counts, one row each (the rows add
  up to its ``victims``), with the schools each is counted near and the distances (lists,
  nearest first; ``;``-joined in CSV); never a name.
- ``victimizations``: every stored victimization between two dates (``since``, ``until``,
  ``source`` filter them; no other part of a definition does: for a definition's victims,
  ``exposure-victims``), with an explicit list of columns: time, place, type, fatal, gunshot,
  age band, sex and race; never a name (the store holds none either).
- ``imports``: every import (CSV only: an import has no place).
- ``boundaries``: community areas, police districts and wards; GeoJSON polygons, or CSV with
  the geometry as WKT (lat-lon degrees, EPSG:4326).
- ``incidents-monthly`` and ``incidents-school-years``: the incidents recorded by schools, the
  district's series by month or school year, each count and rate with its status (small counts
  hidden); the sidecar gives the definitions, the dates covered and the caveat.
- ``compare``: every preset side by side (CSV only), with whether the data can answer each
  (``answerable``, ``reasons``) and the dates it covers.

``exposure.json`` and ``compare.json`` are the CSVs' sidecars: the definition, whether the data
can answer it and why, what the data covers (``coverage``), the vintage and the caveats. The CSV
itself stays a plain table (its first line is the header), so existing readers keep working; a
count the data cannot answer is an empty cell, never 0.

The rows come from the service; this module only picks columns and writes the format.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import shapely
from shapely.geometry import mapping

from safeschools import services
from safeschools.errors import ConfigError, NotFoundError
from safeschools.proximity import Definition
from safeschools.server.downloads import content_disposition
from safeschools.services import incident_rates
from safeschools.services.exposure_tables import VICTIMIZATION_COLUMNS, counted_victims
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.tables import Table, csv_bytes, geojson_bytes, parquet_bytes, point

__all__ = ["EXPORTS", "EXPORT_FORMATS", "ExportFile", "ExportTable", "export_file"]

#: Formats an export can be written in, with their media types.
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
}

SCHOOL_COLUMNS = (
    "school_id",
    "school_year",
    "name",
    "long_name",
    "address",
    "zip_code",
    "lat",
    "lon",
    "governance",
    "grade_category",
    "grades",
    "network",
    "community_area",
    "enrollment",
    "school_hours",
)

IMPORT_COLUMNS = (
    "id",
    "source",
    "kind",
    "location",
    "format",
    "school_year",
    "vintage",
    "checksum",
    "rows_read",
    "accepted",
    "rejected",
    "inserted",
    "updated",
    "unchanged",
    "started_at",
    "finished_at",
    "note",
)


@dataclass
class ExportTable(Table):
    """A :class:`~safeschools.tables.Table` to download, and the part of its file name that
    says what it holds (a school year, a definition)."""

    name_part: str | None = None


@dataclass(frozen=True)
class ExportFile:
    """A file to send: its bytes, media type and the name to save it under."""

    content: bytes
    media_type: str
    filename: str

    @property
    def content_disposition(self) -> str:
        """The Content-Disposition header value."""
        return content_disposition(self.filename)


@dataclass(frozen=True)
class _Export:
    description: str
    formats: tuple[str, ...]
    build: Callable[[Store, Settings, Definition, services.IndexCache], ExportTable]


def _text(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _schools(
    store: Store, settings: Settings, d: Definition, cache: services.IndexCache
) -> ExportTable:
    year = services.resolve_school_year(store, d.school_year)
    rows = [
        {c: getattr(s, c) for c in SCHOOL_COLUMNS}
        for s in services.list_schools(store, school_year=year)
    ]
    return ExportTable(list(SCHOOL_COLUMNS), rows, point, name_part=year or "all-years")


def _exposure(
    store: Store, settings: Settings, d: Definition, cache: services.IndexCache
) -> ExportTable:
    result = services.exposure.exposure(store, d, settings=settings, index=cache.get())
    columns, rows = result.school_table()
    return ExportTable(
        columns,
        rows,
        point,
        meta=result.metadata(),
        name_part="-".join(p for p in (d.name or "custom", result.school_year) if p),
    )


def _exposure_victims(
    store: Store, settings: Settings, d: Definition, cache: services.IndexCache
) -> ExportTable:
    result = services.exposure.exposure(store, d, settings=settings, index=cache.get())
    table = counted_victims(store, result)
    return ExportTable(
        table.columns,
        table.rows,
        point,
        meta=table.meta,
        name_part="-".join(p for p in (d.name or "custom", result.school_year) if p),
    )


def _victimizations(
    store: Store, settings: Settings, d: Definition, cache: services.IndexCache
) -> ExportTable:
    since, until = d.since, d.until
    rows = [
        {c: _text(getattr(v, c)) for c in VICTIMIZATION_COLUMNS}
        for v in services.list_victimizations(store, since=since, until=until, sources=d.sources)
    ]
    span = f"{since or 'start'}-to-{until or 'end'}" if (since or until) else None
    return ExportTable(list(VICTIMIZATION_COLUMNS), rows, point, name_part=span)


def _imports(
    store: Store, settings: Settings, d: Definition, cache: services.IndexCache
) -> ExportTable:
    rows = [
        {c: _text(v) for c, v in asdict(r).items() if c in IMPORT_COLUMNS}
        for r in services.list_imports(store)
    ]
    return ExportTable(list(IMPORT_COLUMNS), rows)


def _boundaries(
    store: Store, settings: Settings, d: Definition, cache: services.IndexCache
) -> ExportTable:
    rows = [
        {"kind": kind, "code": b["code"], "name": b["name"], "wkt": b["wkt"]}
        for kind, items in services.map_layers(store).items()
        for b in items
    ]

    def shape(row: dict[str, Any]) -> dict[str, Any]:
        geometry: dict[str, Any] = mapping(shapely.from_wkt(row["wkt"]))
        return geometry

    return ExportTable(["kind", "code", "name", "wkt"], rows, shape, geometry_columns=("wkt",))


def _compare(
    store: Store, settings: Settings, d: Definition, cache: services.IndexCache
) -> ExportTable:
    year = None if d.school_year == "latest" else d.school_year
    report = services.compare_definitions(
        store, settings=settings, index=cache.get(), school_year=year
    )
    rows = []
    for row in report["definitions"]:
        covered = (row.get("coverage") or {}).get("covered") or {}
        rows.append(
            {
                **{
                    k: v
                    for k, v in row.items()
                    if k not in ("notes", "caveats", "coverage", "reasons")
                },
                "covered_from": covered.get("since"),
                "covered_to": covered.get("until"),
                "covered_share": covered.get("share"),
                "reasons": " | ".join(row["reasons"]),
                "notes": " | ".join(row["notes"]),
                "caveats": " | ".join(row["caveats"]),
            }
        )
    columns = list(rows[0]) if rows else ["preset"]
    meta = {
        "definitions": [
            {k: r[k] for k in ("preset", "answerable", "reasons", "coverage")}
            for r in report["definitions"]
        ],
        "data_vintage": report["data_vintage"],
        "caveats": report["caveats"],
    }
    return ExportTable(columns, rows, meta=meta, name_part=report["school_year"])


def _incidents(
    by: str,
) -> Callable[[Store, Settings, Definition, services.IndexCache], ExportTable]:
    def build(
        store: Store, settings: Settings, d: Definition, cache: services.IndexCache
    ) -> ExportTable:
        data = incident_rates.district_incidents(store, settings=settings, by=by)
        columns, rows = incident_rates.monthly_table(data)
        meta = {k: data[k] for k in ("definitions", "coverage", "caveat", "categories")}
        return ExportTable(columns, rows, meta=meta, name_part=f"district-by-{by}")

    return build


#: Every export: what it holds, its formats, and how its rows are built.
EXPORTS: dict[str, _Export] = {
    "schools": _Export(
        "Schools of one school year (school_year).", ("csv", "geojson", "parquet"), _schools
    ),
    "exposure": _Export(
        "Every school under the definition in the query, with its counts.",
        ("csv", "geojson", "parquet", "json"),
        _exposure,
    ),
    "exposure-victims": _Export(
        "Exactly the victims the definition in the query counts, one row each, with the "
        "schools each is near and the distances; never a name.",
        ("csv", "geojson", "parquet", "json"),
        _exposure_victims,
    ),
    "victimizations": _Export(
        "Every stored victimization between two dates (since, until, source); never a name.",
        ("csv", "geojson", "parquet"),
        _victimizations,
    ),
    "imports": _Export("Every import and what it read.", ("csv", "parquet"), _imports),
    "boundaries": _Export(
        "Community areas, police districts, wards (CSV gives WKT).",
        ("csv", "geojson", "parquet"),
        _boundaries,
    ),
    "compare": _Export("Every preset side by side.", ("csv", "parquet", "json"), _compare),
    "incidents-monthly": _Export(
        "Incidents recorded by schools, the district by month: counts per category, fights' "
        "responses, restorative cases and the rates, small counts hidden.",
        ("csv", "parquet", "json"),
        _incidents("month"),
    ),
    "incidents-school-years": _Export(
        "Incidents recorded by schools, the district by school year (as incidents-monthly).",
        ("csv", "parquet", "json"),
        _incidents("school-year"),
    ),
}

_WRITERS: dict[str, Callable[[Table], bytes]] = {
    "csv": csv_bytes,
    "geojson": geojson_bytes,
    "parquet": parquet_bytes,
}


def export_file(
    table: str,
    fmt: str,
    *,
    store: Store,
    settings: Settings,
    definition: Definition,
    cache: services.IndexCache,
) -> ExportFile:
    """One export as a file to send.

    Raises
    ------
    NotFoundError
        The table or the format is unknown, or the table has no such format.
    """
    export = EXPORTS.get(table)
    if export is None:
        msg = f"No export named {table!r}; choose one of: {', '.join(EXPORTS)}."
        raise NotFoundError(msg)
    if fmt not in EXPORT_FORMATS:
        msg = f"No export format {fmt!r}; ask for {table}.csv, .geojson or .parquet."
        raise NotFoundError(msg)
    if fmt not in export.formats:
        why = "has no places to map" if fmt == "geojson" else "has no sidecar"
        msg = f"The {table} export {why}; ask for {table}.csv or {table}.parquet."
        raise NotFoundError(msg)
    built = export.build(store, settings, definition, cache)
    name = _safe("-".join(p for p in ("safeschools", table, built.name_part) if p))
    if fmt == "json":
        content = _sidecar(built, f"{name}.csv")
    else:
        try:
            content = _WRITERS[fmt](built)
        except ImportError as exc:
            msg = f"This server cannot write {fmt} files: {exc}."
            raise ConfigError(msg) from exc
    return ExportFile(content, EXPORT_FORMATS[fmt], f"{name}.{fmt}")


def _sidecar(table: ExportTable, csv_name: str) -> bytes:
    """The sidecar of a CSV: which file it describes, its columns, and what the CSV cannot
    say (definition, whether the data can answer it, coverage, vintage, caveats)."""
    body = {"describes": csv_name, "columns": table.columns, **table.meta}
    return json.dumps(body, ensure_ascii=False, allow_nan=False, indent=2).encode("utf-8")


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
