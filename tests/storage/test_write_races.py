"""Writes at the same moment, on SQLite and on the real PostgreSQL server: threads with their
own connections wait at a barrier and write together, many times over.

- Imports that change pairs (a school list and a victims file at once) must leave exactly the
  pairs a full rebuild gives: on PostgreSQL each saw the store without the other's rows and
  1,721 of 8,442 pairs were lost in 2 of 6 trials.
- Creating the same record twice (a district figure, a school's officers for a year, a safety
  plan, an account) creates it once; every other writer is refused with a conflict (409 in the
  API), never an unexpected error (500) and never a silent overwrite.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from safeschools import services
from safeschools.app import create_app
from safeschools.errors import ConflictError, DataValidationError
from safeschools.ingest.base import ParseResult
from safeschools.model import School, Victimization
from safeschools.services import officers as service_officers
from safeschools.services import plans as service_plans
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.storage import tables as t
from safeschools.testing import load_records, point_at, victim

PASSWORD = "correct horse battery"
CENTRE = (41.80, -87.70)
TRIALS = 20
WRITERS = 4


def _race(writers: int, write: Callable[[int], Any]) -> list[str]:
    """Run ``write(i)`` in ``writers`` threads released together; each one's outcome:
    ``created``, ``conflict`` (ConflictError), or the unexpected error's repr."""
    barrier = threading.Barrier(writers)
    outcomes = [""] * writers

    def run(i: int) -> None:
        barrier.wait()
        try:
            write(i)
            outcomes[i] = "created"
        except ConflictError:
            outcomes[i] = "conflict"
        except Exception as exc:  # the unexpected error is the finding
            outcomes[i] = repr(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _once_and_refused(outcomes: list[str]) -> bool:
    return Counter(outcomes) == Counter({"created": 1, "conflict": len(outcomes) - 1})


# ---------------------------------------------------------------------------- pairs
def _trial_records(trial: int) -> tuple[list[School], list[Victimization]]:
    """A new school year of 12 schools around the centre, and 40 new victims among them."""
    year = f"{2000 + trial}-{(trial + 1) % 100:02d}"
    schools = [
        School(f"S{i}", year, f"School {i}", lat=lat, lon=lon)
        for i, (lat, lon) in enumerate(
            point_at(*CENTRE, distance_m=150.0 * i, azimuth_deg=37.0 * i) for i in range(12)
        )
    ]
    when = datetime(2024, 1, 10, 15, 0)
    victims = [
        victim(f"t{trial}v{j}", *point_at(*CENTRE, distance_m=45.0 * j, azimuth_deg=11.0 * j), when)
        for j in range(40)
    ]
    return schools, victims


def _import(store: Store, settings: Settings, kind: str, records: list[Any], key: str) -> None:
    result: ParseResult[Any] = ParseResult(
        source="test",
        records=records,
        rejects=[],
        format="test",
        rows_read=len(records),
        school_year=records[0].school_year if kind == "schools" else None,
    )
    services.record_parse_result(
        store,
        result,
        kind=kind,
        location=key,
        checksum=key,
        writer=store.upsert_schools if kind == "schools" else store.upsert_victimizations,
        now=lambda: datetime(2026, 1, 1, 12, 0),
        pair_radius_m=settings.max_pair_radius_m,
    )


def _pairs(store: Store) -> set[tuple[str, str, int]]:
    p = t.school_pairs.c
    with store.engine.connect() as conn:
        rows = conn.execute(select(p.school_year, p.school_id, p.victimization_id)).all()
    return {(y, s, int(v)) for y, s, v in rows}


def test_schools_and_victims_imported_together_keep_every_pair(
    store: Store, settings: Settings
) -> None:
    lost_in = Counter[str]()
    for trial in range(TRIALS):
        schools, victims = _trial_records(trial)

        def write(i: int, trial: int = trial, s: Any = schools, v: Any = victims) -> None:
            if i == 0:
                _import(store, settings, "schools", s, f"schools-{trial}")
            else:
                _import(store, settings, "victims", v, f"victims-{trial}")

        assert _race(2, write) == ["created", "created"]
        stored = _pairs(store)
        services.rebuild_pairs(store, settings=settings)
        rebuilt = _pairs(store)
        assert stored <= rebuilt
        for year, _school, _victim in rebuilt - stored:
            lost_in[year] += 1
    assert sum(lost_in.values()) == 0, f"pairs lost in {len(lost_in)} of {TRIALS} trials: {lost_in}"
    assert len(_pairs(store)) > 100 * TRIALS  # not vacuous


# ---------------------------------------------------------------------------- creates
@pytest.fixture
def admin(store: Store, settings: Settings) -> Any:
    return services.create_user(
        store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )


def test_the_same_district_figure_created_at_once_is_created_once(
    store: Store, settings: Settings, admin: Any
) -> None:
    for trial in range(TRIALS):
        year = f"{2000 + trial}-{(trial + 1) % 100:02d}"

        def write(i: int, year: str = year) -> None:
            service_officers.add_published_figure(
                store, admin, school_year=year, metric="officers", value=f"{100 + i}",
                sources=f"writer {i}", settings=settings,
            )  # fmt: skip

        outcomes = _race(WRITERS, write)
        assert _once_and_refused(outcomes), (trial, outcomes)
        [figure] = [f for f in store.sro_aggregates() if f.school_year == year]
        winner = outcomes.index("created")
        assert (figure.value, figure.sources) == (f"{100 + winner}", f"writer {winner}")


def test_replacing_a_district_figure_at_once_never_fails(
    store: Store, settings: Settings, admin: Any
) -> None:
    for trial in range(TRIALS // 2):
        year = f"{2000 + trial}-{(trial + 1) % 100:02d}"

        def write(i: int, year: str = year) -> None:
            service_officers.add_published_figure(
                store, admin, school_year=year, metric="officers", value=f"{100 + i}",
                sources="s", replace=True, settings=settings,
            )  # fmt: skip

        assert _race(WRITERS, write) == ["created"] * WRITERS
        assert len([f for f in store.sro_aggregates() if f.school_year == year]) == 1


def test_the_same_officers_year_created_at_once_is_created_once(
    store: Store, settings: Settings, admin: Any
) -> None:
    for trial in range(TRIALS):
        year = f"{2000 + trial}-{(trial + 1) % 100:02d}"

        def write(i: int, year: str = year) -> None:
            service_officers.set_officers(
                store, admin, school_id="610513", school_year=year, officers=i % 3,
                read_version=0, settings=settings,
            )  # fmt: skip

        outcomes = _race(WRITERS, write)
        assert _once_and_refused(outcomes), (trial, outcomes)
        [stored] = store.sro_assignments(school_id="610513", school_year=year)
        assert (stored.officers, stored.version) == (outcomes.index("created") % 3, 1)


def test_the_same_safety_plan_created_at_once_is_created_once(
    store: Store, settings: Settings, admin: Any
) -> None:
    load_records(store, settings, schools=[School("610513", "2024-25", "Ames")])
    for trial in range(TRIALS // 2):
        year = f"{2000 + trial}-{(trial + 1) % 100:02d}"

        def write(i: int, year: str = year) -> None:
            service_plans.save_safety_plan(
                store, admin, school_id="610513", school_year=year,
                data={"status": "draft", "version": 0}, settings=settings,
            )  # fmt: skip

        outcomes = _race(WRITERS, write)
        assert _once_and_refused(outcomes), (trial, outcomes)


def test_the_same_account_created_at_once_is_created_once(store: Store, settings: Settings) -> None:
    for trial in range(TRIALS // 4):
        email = f"editor{trial}@x.org"

        def write(i: int, email: str = email) -> None:
            try:
                services.create_user(
                    store, email=email, password=PASSWORD, role="admin", settings=settings
                )
            except DataValidationError as exc:  # the duplicate email is named, as before
                assert "exists already" in str(exc)
                raise ConflictError(str(exc)) from exc

        outcomes = _race(WRITERS, write)
        assert _once_and_refused(outcomes), (trial, outcomes)
    assert len(store.users()) == TRIALS // 4


def test_the_api_answers_one_201_and_409s_for_the_same_figure(
    store: Store, settings: Settings, admin: Any
) -> None:
    token = services.create_api_token(store, admin, label="race", settings=settings)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings, store=store)) as http:
        for trial in range(TRIALS // 2):
            body = {"school_year": f"{2000 + trial}-{(trial + 1) % 100:02d}",
                    "metric": "officers", "sources": "CPS"}  # fmt: skip
            statuses: list[int] = [0] * WRITERS

            def write(i: int, body: dict[str, str] = body, statuses: list[int] = statuses) -> None:
                answer = http.post(
                    "/api/officers/figures", json={**body, "value": str(i)}, headers=headers
                )
                statuses[i] = answer.status_code

            assert _race(WRITERS, write) == ["created"] * WRITERS
            assert sorted(statuses) == [201] + [409] * (WRITERS - 1), (trial, statuses)
