"""Three schools for the funds tests: enrollments 300, 200 and 100; two victims near Alpha,
one near Bravo, none near Charlie (trace-500yd: 500 yd, any time)."""

from __future__ import annotations

from datetime import datetime

from safeschools import services
from safeschools.model import School, User
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records, point_at, victim

PASSWORD = "correct horse battery"
YEAR = "2024-25"
A = (41.80, -87.70)
B = point_at(*A, distance_m=3000, azimuth_deg=90)
C = point_at(*A, distance_m=6000, azimuth_deg=90)


def load_funds_city(store: Store, settings: Settings) -> None:
    schools = [
        School("1", YEAR, "Alpha", lat=A[0], lon=A[1], enrollment=300, governance="district"),
        School("2", YEAR, "Bravo", lat=B[0], lon=B[1], enrollment=200, governance="district"),
        School("3", YEAR, "Charlie", lat=C[0], lon=C[1], enrollment=100, governance="district"),
    ]
    near_a = point_at(*A, distance_m=100, azimuth_deg=0)
    near_b = point_at(*B, distance_m=100, azimuth_deg=0)
    victims = [
        victim("v1", *near_a, datetime(2024, 10, 2, 15)),
        victim("v2", *near_a, datetime(2024, 11, 5, 9)),
        victim("v3", *near_b, datetime(2024, 12, 1, 20)),
    ]
    load_records(store, settings, schools=schools, victims=victims)


def accounts(store: Store, settings: Settings) -> tuple[User, User, User]:
    """An administrator, an editor of school 1 and an editor of school 2."""
    admin = services.create_user(
        store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    ed1 = services.create_user(
        store, email="one@x.org", password=PASSWORD, role="editor", school_ids=["1"],
        settings=settings,
    )  # fmt: skip
    ed2 = services.create_user(
        store, email="two@x.org", password=PASSWORD, role="editor", school_ids=["2"],
        settings=settings,
    )  # fmt: skip
    return admin, ed1, ed2
