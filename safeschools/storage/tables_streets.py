"""Tables of the street grid: named intersections and the street lines through them (built by
migration 0010_streets)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Index, Integer, String, Table, Text

from safeschools.storage.tables import metadata

__all__ = ["street_intersections", "street_lines"]

#: One row per named intersection; ``name`` is its two streets in alphabetical order
#: (``Intersection.key``), lat-lon degrees (EPSG:4326).
street_intersections = Table(
    "street_intersections",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("street_1", String(100), nullable=False),
    Column("street_2", String(100), nullable=False),
    Column("zip_code", String(5)),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    Index(None, "zip_code"),
)

#: One row per unbroken piece of a street, built from the intersections at import
#: (``spatial.streets``): a LINESTRING in lon-lat degrees.
street_lines = Table(
    "street_lines",
    metadata,
    Column("street", String(100), primary_key=True),
    Column("part", Integer, primary_key=True),
    Column("label", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("major", Boolean, nullable=False),
    Column("length_m", Float, nullable=False),
    Column("geometry_wkt", Text, nullable=False),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
)
