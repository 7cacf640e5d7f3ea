"""The school-victimization pairs the service stores at import time (table school_pairs), on
SQLite and PostgreSQL, against an independent brute-force geodesic (pyproj.Geod on WGS84).

Some tests overwrite one stored distance with -1 before an import: an import that must leave the
earlier pairs alone keeps the -1; a full recomputation replaces it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pyproj import Geod
from sqlalchemy import select, update

from safeschools import services
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.storage import tables as t
from safeschools.testing import real_data

GEOD = Geod(ellps="WGS84")
PROFILES = real_data("cps-school-profiles")
SY2425 = PROFILES / "Chicago_Public_Schools_-_School_Profile_Information_SY2425.csv"
SY2122 = PROFILES / "Chicago_Public_Schools_-_School_Profile_Information_SY2122.csv"
VICTIM_FILES = sorted(
    real_data("chicago-victims-homicides-nonfatal-shootings-2024-2026").glob("*.csv")
)
TAMPERED = -1.0
#: How far beyond the largest radius a stored pair may be (metres); see
#: _assert_matches_brute_force.
EDGE_M = 0.05

PairKey = tuple[str, str, int]  # school_year, school_id, victimization_id


# ---------------------------------------------------------------------------- helpers
def _ingest(store: Store, settings: Settings, kind: str, path: Path, **kw: Any) -> int:
    """Import one file; the new import's id."""
    report = services.ingest_file(store, kind, path, settings=settings, **kw)
    assert report.record is not None, report.notes
    return report.record.id


def _load(store: Store, settings: Settings, victims: list[Path] = VICTIM_FILES) -> None:
    _ingest(store, settings, "schools", SY2425)
    for path in victims:
        _ingest(store, settings, "victims", path)


def _stored(store: Store) -> dict[PairKey, float]:
    p = t.school_pairs
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(p.c.school_year, p.c.school_id, p.c.victimization_id, p.c.distance_m)
        )
        return {(y, s, int(v)): float(d) for y, s, v, d in rows}


def _state(store: Store) -> dict[str, Any]:
    with store.engine.connect() as conn:
        text = store.get_state("pairs", conn=conn)
    assert text is not None, "no pairs state stored"
    state: dict[str, Any] = json.loads(text)
    return state


def _victim_imports(store: Store) -> dict[int, int]:
    v = t.victimizations
    with store.engine.connect() as conn:
        return {int(i): int(imp) for i, imp in conn.execute(select(v.c.id, v.c.import_id))}


def _tamper(store: Store, key: PairKey) -> None:
    p = t.school_pairs
    with store.transaction() as conn:
        conn.execute(
            update(p)
            .where(p.c.school_year == key[0], p.c.school_id == key[1])
            .where(p.c.victimization_id == key[2])
            .values(distance_m=TAMPERED)
        )


def _brute_force(store: Store, radius_m: float) -> dict[PairKey, float]:
    """Every stored school-year and victimization no farther apart than ``radius_m``.

    Geodesics on WGS84 (pyproj), computed for every pair inside a generous lat-lon box around
    each school (twice the radius): the box only saves time, it cannot drop a pair.
    """
    s, v = t.schools, t.victimizations
    with store.engine.connect() as conn:
        schools = conn.execute(
            select(s.c.school_year, s.c.school_id, s.c.lat, s.c.lon).where(s.c.lat.is_not(None))
        ).all()
        victims = conn.execute(select(v.c.id, v.c.lat, v.c.lon).where(v.c.lat.is_not(None))).all()
    v_id = np.array([r[0] for r in victims], dtype=np.int64)
    v_lat = np.array([r[1] for r in victims], dtype=np.float64)
    v_lon = np.array([r[2] for r in victims], dtype=np.float64)
    found: dict[PairKey, float] = {}
    for year, school_id, lat, lon in schools:
        d_lat = 2 * radius_m / 110_000
        d_lon = d_lat / np.cos(np.radians(lat))
        near = np.flatnonzero((np.abs(v_lat - lat) <= d_lat) & (np.abs(v_lon - lon) <= d_lon))
        if near.size == 0:
            continue
        _, _, dist = GEOD.inv(
            np.full(near.size, lon), np.full(near.size, lat), v_lon[near], v_lat[near]
        )
        for i, d in zip(near.tolist(), np.atleast_1d(dist).tolist(), strict=True):
            if d <= radius_m:
                found[(year, school_id, int(v_id[i]))] = d
    return found


def _assert_matches_brute_force(
    store: Store, radius_m: float, *, tampered: PairKey | None = None
) -> dict[PairKey, float]:
    """Every pair within ``radius_m`` is stored, with its geodesic distance, and nothing else.

    "Nothing else" allows :data:`EDGE_M` beyond the radius: the service may keep a victim a few
    millimetres past the largest radius so that one exactly at it is never lost to rounding.
    """
    stored, wide = _stored(store), _brute_force(store, radius_m + EDGE_M)
    within = {k for k, d in wide.items() if d <= radius_m}
    assert len(within) > 1000  # not vacuous
    assert within <= stored.keys(), sorted(within - stored.keys())[:5]
    assert stored.keys() <= wide.keys(), sorted(stored.keys() - wide.keys())[:5]
    for key, d in stored.items():
        want = TAMPERED if key == tampered else wide[key]
        assert abs(d - want) <= 0.5, key
        assert abs(d - want) <= 1e-3, key  # micrometres in fact
    return stored


# ---------------------------------------------------------------------------- tests
def test_stored_pairs_equal_the_brute_force_geodesic(store: Store, settings: Settings) -> None:
    _load(store, settings)
    _assert_matches_brute_force(store, settings.max_pair_radius_m)
    assert _state(store) == {
        "max_radius_m": settings.max_pair_radius_m,
        "import_id": max(r.id for r in store.imports()),
    }


def test_a_new_victims_file_adds_only_its_pairs(store: Store, settings: Settings) -> None:
    _load(store, settings, VICTIM_FILES[:-1])
    before, state_before = _stored(store), _state(store)
    old_key = next(iter(before))
    _tamper(store, old_key)

    new_import = _ingest(store, settings, "victims", VICTIM_FILES[-1])

    assert _state(store) == {**state_before, "import_id": new_import}
    assert state_before["import_id"] < new_import
    after = _stored(store)
    assert after[old_key] == TAMPERED  # earlier pairs untouched
    assert {k: d for k, d in after.items() if k in before and k != old_key} == {
        k: d for k, d in before.items() if k != old_key
    }
    added = after.keys() - before.keys()
    imports = _victim_imports(store)
    assert added and {imports[k[2]] for k in added} == {new_import}
    _assert_matches_brute_force(store, settings.max_pair_radius_m, tampered=old_key)


def test_a_new_school_year_adds_pairs_only_for_that_year(store: Store, settings: Settings) -> None:
    _load(store, settings)
    before, state_before = _stored(store), _state(store)
    old_key = next(iter(before))
    _tamper(store, old_key)

    new_import = _ingest(store, settings, "schools", SY2122)

    assert _state(store) == {**state_before, "import_id": new_import}
    after = _stored(store)
    assert after[old_key] == TAMPERED
    assert {k: after[k] for k in before if k != old_key} == {
        k: d for k, d in before.items() if k != old_key
    }
    added = after.keys() - before.keys()
    assert added and {k[0] for k in added} == {"2021-22"}
    assert {k[0] for k in before} == {"2024-25"}
    _assert_matches_brute_force(store, settings.max_pair_radius_m, tampered=old_key)


def test_reimporting_the_same_file_changes_nothing(store: Store, settings: Settings) -> None:
    _load(store, settings)
    before, state_before = _stored(store), _state(store)
    key = next(iter(before))
    _tamper(store, key)
    before[key] = TAMPERED

    report = services.ingest_file(store, "victims", VICTIM_FILES[0], settings=settings)
    assert report.skipped
    assert _stored(store) == before
    assert _state(store) == state_before

    # Read again on purpose: a new import whose rows are all unchanged; nothing is re-paired.
    for kind, path in (("victims", VICTIM_FILES[0]), ("schools", SY2425)):
        forced = _ingest(store, settings, kind, path, force=True)
        assert _stored(store) == before
        assert _state(store) == {**state_before, "import_id": forced}


def test_an_updated_victim_location_moves_its_pairs(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _load(store, settings)
    before = _stored(store)
    source = VICTIM_FILES[0]
    with source.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    moved = rows[0]
    v = t.victimizations
    with store.engine.connect() as conn:
        victim_id = int(
            conn.execute(select(v.c.id).where(v.c.source_row_id == moved["cpd_id"])).scalar_one()
        )
    old_schools = {k[:2] for k in before if k[2] == victim_id}
    # Move the victim 100 m north of a school it was not near (at least 3 km away).
    s = t.schools
    with store.engine.connect() as conn:
        schools = conn.execute(select(s.c.school_id, s.c.lat, s.c.lon)).all()
    lat0, lon0 = float(moved["latitude"]), float(moved["longitude"])
    target = next(
        r for r in schools if GEOD.inv(lon0, lat0, r.lon, r.lat)[2] > 3000 and r.lat < 42.0
    )
    new_lon, new_lat, _ = GEOD.fwd(target.lon, target.lat, 0.0, 100.0)
    moved["latitude"], moved["longitude"] = repr(new_lat), repr(new_lon)
    moved["location"] = f"{{'type': 'Point', 'coordinates': [{new_lon!r}, {new_lat!r}]}}"
    copy = tmp_path / source.name
    with copy.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)

    report = services.ingest_file(store, "victims", copy, settings=settings)

    assert report.record is not None and report.record.updated == 1
    assert _state(store)["import_id"] == report.record.id
    after = _assert_matches_brute_force(store, settings.max_pair_radius_m)
    new_schools = {k[:2] for k in after if k[2] == victim_id}
    assert ("2024-25", target.school_id) in new_schools
    assert after[("2024-25", target.school_id, victim_id)] == pytest.approx(100.0, abs=1e-3)
    assert old_schools and new_schools.isdisjoint(old_schools)
    others_before = {k: d for k, d in before.items() if k[2] != victim_id}
    assert {k: d for k, d in after.items() if k[2] != victim_id} == others_before


def test_changing_max_pair_radius_recomputes_everything(store: Store, settings: Settings) -> None:
    _load(store, settings, VICTIM_FILES[:-1])
    key = next(iter(_stored(store)))
    _tamper(store, key)
    quarter_mile = Settings(
        database_url=settings.database_url, data_dir=settings.data_dir, max_pair_radius_m=402.336
    )

    latest = _ingest(store, quarter_mile, "victims", VICTIM_FILES[-1])

    assert _state(store) == {"max_radius_m": 402.336, "import_id": latest}
    stored = _assert_matches_brute_force(store, 402.336)  # the tampered pair is recomputed
    assert max(stored.values()) <= 402.336 + EDGE_M

    # Back to half a mile on the next import: everything again, for both school years now.
    latest = _ingest(store, settings, "schools", SY2122)
    assert _state(store) == {"max_radius_m": settings.max_pair_radius_m, "import_id": latest}
    stored = _assert_matches_brute_force(store, settings.max_pair_radius_m)
    assert {k[0] for k in stored} == {"2021-22", "2024-25"}
