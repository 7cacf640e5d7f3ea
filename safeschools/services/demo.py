"""The synthetic demo city, written through the normal import path."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from safeschools.demo import DEFAULT_SEED, DEMO_SOURCE, build_demo_city, demo_imports
from safeschools.demo._governance import make_governance
from safeschools.demo._notices import make_notices
from safeschools.errors import (
    ConfigError,
)
from safeschools.model.discipline import DisciplineFigure, Enrollment
from safeschools.services.base import Clock, clock_of
from safeschools.services.demo_governance import load_demo_governance
from safeschools.services.demo_incidents import load_demo_incidents
from safeschools.services.demo_notices import load_demo_notices
from safeschools.services.imports import (
    IngestReport,
    Writer,
    record_parse_result,
    streets_writer,
)
from safeschools.settings import Settings
from safeschools.storage import Store, UpsertCounts


def load_demo_city(
    store: Store,
    *,
    settings: Settings,
    seed: int = DEFAULT_SEED,
    now: Clock | None = None,
) -> list[IngestReport]:
    """Build the synthetic demo city and write it through the normal import path.

    One import per school year of schools, one for the victims, one for the boundaries, one for
    the officers, one for the enrollments and discipline figures and one for the streets, each
    with the source ``demo-synthetic`` and the location ``synthetic demo city (seed N)``. The
    city is deterministic, so loading it again inserts and updates nothing.

    Then who decided what (:mod:`safeschools.services.demo_governance`): councils with their
    meetings and votes (one without quorum), officer decisions, an adopted trade-in pool with
    the schools' spending plans, safety plans in four states and the district's published
    figures, written through the audited use cases by the demo's account; the officer
    decisions compiled from the 2020 votes and the 2024 board resolution are one more import
    (the last report). Last, the schools' incidents of 2021-22 to 2025-26 and the restorative
    cases opened from some fights (:mod:`safeschools.services.demo_incidents`).

    Raises
    ------
    ConfigError
        The store already holds imports of real sources; synthetic rows must never mix with them.
    """
    real = sorted({r.source for r in store.imports() if r.source != DEMO_SOURCE})
    if real:
        msg = (
            f"This store holds real data ({', '.join(real)}); the synthetic demo city must not "
            "mix with it. Use a store of its own: safeschools --database-url sqlite:///demo.db demo"
        )
        raise ConfigError(msg)
    city = build_demo_city(seed=seed, bbox=settings.area_bbox)
    clock = clock_of(settings, now)

    def write_boundaries(items: list[Any], import_id: int, *, conn: Connection) -> UpsertCounts:
        counts = UpsertCounts()
        for kind in sorted({b.kind for b in items}):
            mine = [b for b in items if b.kind == kind]
            counts = counts + store.replace_boundaries(kind, mine, import_id, conn=conn)
        return counts

    def write_officers(items: list[Any], import_id: int, *, conn: Connection) -> UpsertCounts:
        counts = UpsertCounts()
        for a in items:
            current = store.sro_assignment(a.school_id, a.school_year, a.kind, conn=conn)
            if current is not None and (
                current.source != a.source  # a council's decision wins over the demo's file
                or (current.officers, current.note) == (a.officers, a.note)
            ):
                counts += UpsertCounts(unchanged=1)
                continue
            store.put_sro_assignment(a, read_version=None, at=clock(), conn=conn)
            counts += UpsertCounts(inserted=1) if current is None else UpsertCounts(updated=1)
        return counts

    def write_discipline(items: list[Any], import_id: int, *, conn: Connection) -> UpsertCounts:
        enrollments = [i for i in items if isinstance(i, Enrollment)]
        figures = [i for i in items if isinstance(i, DisciplineFigure)]
        counts = UpsertCounts(*store.upsert_enrollments(enrollments, import_id, conn=conn))
        counts += UpsertCounts(*store.upsert_discipline_figures(figures, import_id, conn=conn))
        return counts

    writers: dict[str, Writer] = {
        "schools": store.upsert_schools,
        "victims": store.upsert_victimizations,
        "boundaries": write_boundaries,
        "officers": write_officers,
        "discipline": write_discipline,
        "streets": streets_writer(store),
    }
    reports = [
        record_parse_result(
            store,
            item.result,
            kind=item.kind,
            location=city.location,
            checksum=item.checksum,
            writer=writers[item.kind],
            now=clock,
            pair_radius_m=settings.max_pair_radius_m,
        )
        for item in demo_imports(city)
    ]
    governance = load_demo_governance(
        store,
        make_governance(city.seed, city.schools, city.officers),
        location=city.location,
        settings=settings,
        now=clock,
    )
    if governance.decisions is not None:
        reports.append(governance.decisions)
    # incidents recorded by the schools and their restorative cases (services.demo_incidents)
    load_demo_incidents(store, city)
    # notices to parents and their subscribers (synthetic; no mail is sent)
    load_demo_notices(store, make_notices(city.schools), settings=settings)
    return reports
