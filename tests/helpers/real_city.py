"""A store built from the real files: the 2024-25 school profiles, the community areas and the
City's street intersections (read in place from ../shared/data/real)."""

from __future__ import annotations

from pathlib import Path

from safeschools import services
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import real_data, sqlite_store

PROFILES_2425 = real_data(
    "cps-school-profiles", "Chicago_Public_Schools_-_School_Profile_Information_SY2425.csv"
)
COMMUNITY_AREAS = real_data(
    "chicago-boundaries", "Boundaries_-_Community_Areas_current_shapefile.zip"
)
INTERSECTIONS = real_data("chicago-street-intersections", "chicago-intersections.csv")


def build_real_city(folder: Path, *, streets: bool = True) -> tuple[Store, Settings]:
    """The schools, areas and (unless told otherwise) streets in ``folder/real.db``."""
    settings = Settings(database_url=f"sqlite:///{folder / 'real.db'}", data_dir=folder / "data")
    store = sqlite_store(folder / "real.db")
    services.ingest_file(store, "schools", PROFILES_2425, settings=settings)
    services.ingest_file(store, "boundaries", COMMUNITY_AREAS, settings=settings)
    if streets:
        services.ingest_file(store, "streets", INTERSECTIONS, settings=settings)
    return store, settings
