"""Small builders and helpers shared by the tests (and useful to anyone testing with safeschools).

Nothing in the package imports this module.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from safeschools.model import School, Victimization
from safeschools.storage import Store, open_store

__all__ = [
    "REAL_DATA",
    "fresh_postgres_store",
    "load_real_files",
    "load_records",
    "point_at",
    "real_data",
    "sqlite_store",
    "victim",
]

#: The real public data files, read in place (never copied into the repository).
REAL_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real"


def real_data(*parts: str) -> Path:
    """Path of a file under ../shared/data/real."""
    return REAL_DATA.joinpath(*parts)


def sqlite_store(path: Path | None = None) -> Store:
    """A fresh SQLite store: in memory, or in the file ``path``."""
    return open_store(f"sqlite:///{path}" if path else "sqlite://")


@contextmanager
def fresh_postgres_store(admin_url: str) -> Iterator[Store]:
    """A store in a new, empty PostgreSQL database, dropped afterwards.

    ``admin_url`` is any database on the server (``.../postgres``); the user must be able to
    create databases.
    """
    name = f"safeschools_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    store = open_store(url)
    try:
        yield store
    finally:
        store.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def load_records(
    store: Store,
    settings: Any,
    *,
    schools: Sequence[School] = (),
    victims: Sequence[Victimization] = (),
    source: str = "test",
) -> None:
    """Write hand-built schools and victimizations through the normal import path (pairs too)."""
    from safeschools import services
    from safeschools.ingest.base import ParseResult

    clock = lambda: datetime(2026, 1, 1, 12, 0)  # noqa: E731 - fixed clock for the records
    by_year: dict[str, list[School]] = {}
    for school in schools:
        by_year.setdefault(school.school_year, []).append(school)
    for year, items in sorted(by_year.items()):
        result: ParseResult[Any] = ParseResult(
            source=source,
            records=list(items),
            rejects=[],
            format="test",
            rows_read=len(items),
            school_year=year,
        )
        services.record_parse_result(
            store,
            result,
            kind="schools",
            location="test",
            checksum=f"s{year}{len(items)}",
            writer=store.upsert_schools,
            now=clock,
            pair_radius_m=settings.max_pair_radius_m,
        )
    if victims:
        result = ParseResult(
            source=source,
            records=list(victims),
            rejects=[],
            format="test",
            rows_read=len(victims),
        )
        services.record_parse_result(
            store,
            result,
            kind="victims",
            location="test",
            checksum=f"v{len(victims)}",
            writer=store.upsert_victimizations,
            now=clock,
            pair_radius_m=settings.max_pair_radius_m,
        )


def load_real_files(
    store: Store,
    settings: Any,
    *,
    boundaries: bool = True,
    discipline: bool = True,
    demographics: bool = True,
) -> None:
    """The real files, read in place, through the normal imports: every year's school profiles,
    the 2024-26 victims extract and the compiled officer decisions; the community areas, the CPS
    misconduct report and the 2022-23 demographics unless turned off."""
    from safeschools import services
    from safeschools.services import discipline as service_discipline
    from safeschools.services.officers import ingest_officers_file

    for path in sorted(real_data("cps-school-profiles").glob("*.csv")):
        services.ingest_file(store, "schools", path, settings=settings)
    victims = real_data("chicago-victims-homicides-nonfatal-shootings-2024-2026")
    for path in sorted(victims.glob("*.csv")):
        services.ingest_file(store, "victims", path, settings=settings)
    if boundaries:
        areas = "Boundaries_-_Community_Areas_current_shapefile.zip"
        services.ingest_file(
            store, "boundaries", real_data("chicago-boundaries", areas), settings=settings
        )
    ingest_officers_file(
        store, real_data("cps-sro-decisions", "sro_decisions.csv"), settings=settings
    )
    if discipline:
        misconduct = next(real_data("cps-discipline-misconduct").glob("*.xlsx"))
        service_discipline.ingest_discipline_file(
            store, "cps-misconduct", misconduct, settings=settings
        )
    if demographics:
        path = real_data("cps-demographics", "demographics_racialethnic_20thday_2023.xlsx")
        service_discipline.ingest_discipline_file(
            store, "cps-demographics", path, settings=settings
        )


def point_at(
    lat: float, lon: float, *, distance_m: float, azimuth_deg: float = 90.0
) -> tuple[float, float]:
    """The (lat, lon) ``distance_m`` metres from a point along a geodesic (WGS84)."""
    from pyproj import Geod

    lon2, lat2, _ = Geod(ellps="WGS84").fwd(lon, lat, azimuth_deg, distance_m)
    return float(lat2), float(lon2)


def victim(
    row_id: str,
    lat: float | None,
    lon: float | None,
    when: datetime,
    **fields: Any,
) -> Victimization:
    """A victimization with sensible defaults for tests."""
    base: dict[str, Any] = {
        "source": "test",
        "source_row_id": row_id,
        "case_number": fields.pop("case_number", f"C{row_id}"),
        "occurred_at": when,
        "lat": lat,
        "lon": lon,
        "location_precision": "block" if lat is not None else "missing",
        "victimization_type": "BATTERY",
        "gunshot_injury": True,
        "fatal": False,
        "age_band": "0-19",
    }
    base.update(fields)
    return Victimization(**base)
