"""Reads and writes of the school-victimization pairs, and the columns the exposure engine
reads (mixed into :class:`Store`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine, bindparam, select
from sqlalchemy import delete as sa_delete
from sqlalchemy import insert as sa_insert

from safeschools.storage import tables as t

__all__ = ["PairStore"]


class PairStore:
    """Pair methods of the store."""

    engine: Engine

    # ------------------------------------------------------------------ pairs
    def victim_points(self, *, conn: Connection) -> dict[str, npt.NDArray[Any]]:
        """Every victimization's id, lat, lon (degrees; NaN when missing) and import id."""
        v = t.victimizations
        rows = conn.execute(select(v.c.id, v.c.lat, v.c.lon, v.c.import_id)).all()
        return {
            "id": np.array([r[0] for r in rows], dtype=np.int64),
            "lat": np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=np.float64),
            "lon": np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=np.float64),
            "import_id": np.array([r[3] for r in rows], dtype=np.int64),
        }

    def victim_point_chunks(
        self, *, conn: Connection, chunk: int = 500_000
    ) -> Iterator[dict[str, npt.NDArray[Any]]]:
        """Every victimization's id, lat and lon, ``chunk`` rows at a time (by id)."""
        v = t.victimizations
        last = -1
        while True:
            rows = conn.execute(
                select(v.c.id, v.c.lat, v.c.lon).where(v.c.id > last).order_by(v.c.id).limit(chunk)
            ).all()
            if not rows:
                return
            last = int(rows[-1][0])
            yield {
                "id": np.array([r[0] for r in rows], dtype=np.int64),
                "lat": np.array([np.nan if r[1] is None else r[1] for r in rows], np.float64),
                "lon": np.array([np.nan if r[2] is None else r[2] for r in rows], np.float64),
            }

    def school_points(self, *, conn: Connection) -> dict[str, npt.NDArray[Any]]:
        """Every school-year's year, id, lat, lon (degrees; NaN when missing) and import id."""
        s = t.schools
        rows = conn.execute(
            select(s.c.school_year, s.c.school_id, s.c.lat, s.c.lon, s.c.import_id)
        ).all()
        return {
            "school_year": np.array([r[0] for r in rows], dtype=object),
            "school_id": np.array([r[1] for r in rows], dtype=object),
            "lat": np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=np.float64),
            "lon": np.array([np.nan if r[3] is None else r[3] for r in rows], dtype=np.float64),
            "import_id": np.array([r[4] or 0 for r in rows], dtype=np.int64),
        }

    def delete_all_pairs(self, *, conn: Connection) -> None:
        """Forget every pair (before a full recomputation)."""
        conn.execute(sa_delete(t.school_pairs))

    def delete_pairs_of_victims(self, ids: Sequence[int], *, conn: Connection) -> None:
        """Forget the pairs of these victimizations."""
        for start in range(0, len(ids), 500):
            chunk = [int(i) for i in ids[start : start + 500]]
            conn.execute(
                sa_delete(t.school_pairs).where(t.school_pairs.c.victimization_id.in_(chunk))
            )

    def delete_pairs_of_schools(self, keys: Sequence[tuple[str, str]], *, conn: Connection) -> None:
        """Forget the pairs of these (school_year, school_id)."""
        p = t.school_pairs
        stmt = sa_delete(p).where(
            p.c.school_year == bindparam("y"), p.c.school_id == bindparam("s")
        )
        if keys:
            conn.execute(stmt, [{"y": y, "s": s} for y, s in keys])

    def insert_pairs(
        self,
        school_year: Sequence[str],
        school_id: Sequence[str],
        victimization_id: Sequence[int],
        distance_m: Sequence[float],
        *,
        conn: Connection,
    ) -> int:
        """Store pairs given as parallel sequences; returns how many."""
        rows = [
            {"school_year": y, "school_id": s, "victimization_id": int(v), "distance_m": float(d)}
            for y, s, v, d in zip(school_year, school_id, victimization_id, distance_m, strict=True)
        ]
        for start in range(0, len(rows), 20000):
            conn.execute(sa_insert(t.school_pairs), rows[start : start + 20000])
        return len(rows)

    def exposure_columns(self) -> dict[str, npt.NDArray[Any]]:
        """Victims, school-years and their pairs as numpy columns, for the exposure engine.

        Victim columns are ordered by id; school columns by (school_year, school_id); the pair
        columns ``pair_victim`` and ``pair_school`` are positions in those.
        """
        with self.engine.connect() as conn:
            dbapi = conn.connection.dbapi_connection
            assert dbapi is not None
            cur = dbapi.cursor()
            cur.execute(
                "SELECT id, occurred_at, fatal, gunshot_injury, age_band, case_number, source, "
                "lat, lon, victimization_type FROM victimizations ORDER BY id"
            )
            victims = cur.fetchall()
            cur.execute(
                "SELECT school_year, school_id, name, governance, grade_category, lat, lon "
                "FROM schools ORDER BY school_year, school_id"
            )
            schools = cur.fetchall()
            cur.execute(
                "SELECT p.victimization_id, s.rn, p.distance_m FROM school_pairs p JOIN "
                "(SELECT school_year, school_id, ROW_NUMBER() OVER "
                "(ORDER BY school_year, school_id) - 1 AS rn FROM schools) s "
                "ON s.school_year = p.school_year AND s.school_id = p.school_id"
            )
            pairs = cur.fetchall()
            cur.close()
        ids = np.array([r[0] for r in victims], dtype=np.int64)
        times = [r[1] for r in victims]
        if times and isinstance(times[0], str):
            times = [datetime.fromisoformat(x) for x in times]
        pair_ids = np.array([r[0] for r in pairs], dtype=np.int64)

        def objects(rows: Sequence[Any], i: int) -> npt.NDArray[Any]:
            return np.array([r[i] for r in rows], dtype=object)

        def floats(rows: Sequence[Any], i: int) -> npt.NDArray[Any]:
            return np.array([np.nan if r[i] is None else r[i] for r in rows], dtype=np.float64)

        return {
            "victim_id": ids,
            "occurred_at": np.array(times, dtype="datetime64[m]")
            if times
            else np.empty(0, "datetime64[m]"),
            "fatal": np.array([bool(r[2]) for r in victims], dtype=bool),
            "gunshot": np.array(
                [-1 if r[3] is None else int(bool(r[3])) for r in victims], dtype=np.int8
            ),
            "age_band": objects(victims, 4),
            "case_number": objects(victims, 5),
            "source": objects(victims, 6),
            "victim_lat": floats(victims, 7),
            "victim_lon": floats(victims, 8),
            "victim_type": objects(victims, 9),
            "school_year": objects(schools, 0),
            "school_id": objects(schools, 1),
            "school_name": objects(schools, 2),
            "governance": objects(schools, 3),
            "grade_category": objects(schools, 4),
            "school_lat": floats(schools, 5),
            "school_lon": floats(schools, 6),
            "pair_victim": np.searchsorted(ids, pair_ids).astype(np.int64),
            "pair_school": np.array([r[1] for r in pairs], dtype=np.int64),
            "pair_distance_m": np.array([r[2] for r in pairs], dtype=np.float64),
        }
