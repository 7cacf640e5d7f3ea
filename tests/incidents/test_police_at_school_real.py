"""The matcher on the real files, read in place: the City's victims of shootings and homicides
(2024-09 to 2026-08, the re-published extract; it has the portal's location descriptions) and
the 2024-25 school profiles. No real crimes file is stored, so the victims stand in for it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from helpers.real_city import PROFILES_2425

from safeschools import services
from safeschools.ingest.chicago_victims import victims_from_file
from safeschools.proximity.at_school import SchoolPoints, is_at_school, match_at_school
from safeschools.settings import CHICAGO_BBOX, Settings
from safeschools.testing import real_data, sqlite_store

VICTIMS = real_data("chicago-victims-homicides-nonfatal-shootings-2024-2026")


def test_real_victims_at_schools_are_matched(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'r.db'}", data_dir=tmp_path / "d")
    store = sqlite_store(tmp_path / "r.db")
    services.ingest_file(store, "schools", PROFILES_2425, settings=settings)
    schools = [s for s in store.schools(school_year="2024-25") if s.lat is not None]
    store.dispose()
    points = SchoolPoints(
        [s.school_id for s in schools],
        [s.name for s in schools],
        np.array([s.lat for s in schools]),
        np.array([s.lon for s in schools]),
    )
    victims = [
        v for path in sorted(Path(VICTIMS).glob("*.csv"))
        for v in victims_from_file(path, bbox=CHICAGO_BBOX).records
    ]  # fmt: skip
    assert len(victims) > 3000
    at_school = [v for v in victims if is_at_school(v.location_description)]
    # The extract spells them "SCHOOL - PUBLIC GROUNDS" (4) and "SCHOOL - PRIVATE GROUNDS" (2).
    assert len(at_school) == 6
    matches = match_at_school(
        [v.lat for v in victims],
        [v.lon for v in victims],
        [v.location_description for v in victims],
        points,
        max_m=settings.at_school_max_m,
        ambiguous_m=settings.at_school_ambiguous_m,
    )
    statuses = Counter(m.status for m in matches)
    assert statuses["not at a school"] == len(victims) - 6
    assert statuses["no location"] == 0
    placed = [m for m in matches if m.status != "not at a school"]
    # Every one is within 500 m of a school (block-level points, large grounds): 2 within
    # 150 m (Stone 141 m, Grissom 127 m), 4 farther (Phillips HS at 154 m, Volta, Mather, Neil).
    assert all(m.distance_m is not None and m.distance_m < 500 for m in placed)
    assert (statuses["matched"], statuses["no school near"]) == (2, 4)
    matched = sorted(str(m.school_name) for m in placed if m.status == "matched")
    assert matched == ["GRISSOM", "STONE"]
