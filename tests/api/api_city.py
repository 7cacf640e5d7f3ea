"""A tiny hand-built city behind the API, whose answers can be checked by eye.

Schools (2023-24 and 2024-25): Alpha (1) at A, Bravo (2) 250 m east of A, Delta (4) far away;
Echo (5) 100 m north of A from 2024-25 only; "No location" (6) in 2024-25 without coordinates.

Victims: two in one shooting (case K1) and one more (v2) 100 m north of A on Wednesday
31 January 2024 (07:00 and 16:59); a homicide (v3, fatal) 125 m east of A on 1 February 2024 at
12:00; a fatal victim aged 20-29 50 m from Delta on 15 June 2023 at 22:00; one without a
location. Under the default definition (trace-500yd: 500 yd, any time, gunshot injuries), the
latest school list (2024-25) has 5 victims, 2 fatal, 4 incidents, near 4 schools.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from safeschools import services
from safeschools.model import School, Victimization
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records, point_at, victim

A = (41.80, -87.70)
B = point_at(*A, distance_m=250, azimuth_deg=90)
D = (41.90, -87.65)
NORTH_100 = point_at(*A, distance_m=100, azimuth_deg=0)
EAST_125 = point_at(*A, distance_m=125, azimuth_deg=90)
WARDS = Path(__file__).resolve().parent.parent / "data" / "boundaries" / "wards_state_plane.geojson"


def city_schools() -> list[School]:
    rows = []
    for year in ("2023-24", "2024-25"):
        rows += [
            School("1", year, "Alpha", address="1 W Alpha St", lat=A[0], lon=A[1],
                   governance="district", grade_category="ES"),
            School("2", year, "Bravo", address="2 W Bravo St", lat=B[0], lon=B[1],
                   governance="district", grade_category="HS"),
            School("4", year, "Delta", address="4 N Delta Ave", lat=D[0], lon=D[1],
                   governance="charter", grade_category="HS"),
        ]  # fmt: skip
    rows.append(
        School("5", "2024-25", "Echo", lat=NORTH_100[0], lon=NORTH_100[1], governance="district")
    )
    rows.append(School("6", "2024-25", "No location", governance="district"))
    return rows


def city_victims() -> list[Victimization]:
    wed = datetime(2024, 1, 31)
    return [
        victim("v1", *NORTH_100, wed.replace(hour=7), case_number="K1"),
        victim("v1b", *NORTH_100, wed.replace(hour=7), case_number="K1"),
        victim("v2", *NORTH_100, wed.replace(hour=16, minute=59)),
        victim(
            "v3", *EAST_125, datetime(2024, 2, 1, 12), fatal=True, victimization_type="HOMICIDE"
        ),
        victim(
            "v4",
            *point_at(*D, distance_m=50),
            datetime(2023, 6, 15, 22),
            age_band="20-29",
            fatal=True,
            victimization_type="HOMICIDE",
        ),
        victim("v5", None, None, datetime(2024, 2, 1, 12)),
    ]


def load_city(store: Store, settings: Settings) -> None:
    """The city's schools, victims and three wards, through the normal import path."""
    load_records(store, settings, schools=city_schools(), victims=city_victims())
    services.ingest_file(store, "boundaries", WARDS, settings=settings)
