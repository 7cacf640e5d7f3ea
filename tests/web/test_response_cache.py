"""Public responses are kept until the data change (safeschools.server.response_cache): a page
asked again is the same bytes; a new import or a recorded write shows at once; a signed-in
person, a page that sets a cookie and another language are never answered from another's
entry.

The test changes a school's name behind the application's back (plain SQL, no import, no
audit entry), so a kept page still shows the old name and a computed one the new name."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from safeschools import services
from safeschools.app import create_app
from safeschools.model import School
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records, sqlite_store

PASSWORD = "a long enough password 42"


@pytest.fixture
def city(tmp_path: Path) -> Iterator[tuple[Store, Settings]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", data_dir=tmp_path / "d")
    store = sqlite_store(tmp_path / "s.db")
    load_records(
        store,
        settings,
        schools=[School("1", "2024-25", "Alpha Elementary", lat=41.8, lon=-87.7)],
    )
    yield store, settings
    store.dispose()


def _rename_behind_its_back(store: Store, name: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE schools SET name = :n WHERE school_id = '1'"), {"n": name})


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the form"
    return found.group(1)


def test_a_page_is_kept_until_an_import_lands(city: tuple[Store, Settings]) -> None:
    store, settings = city
    with TestClient(create_app(settings, store=store)) as http:
        first = http.get("/schools/1")
        assert first.status_code == 200 and "Alpha Elementary" in first.text
        _rename_behind_its_back(store, "Renamed School")
        assert first.headers["x-cache"] == "miss"
        again = http.get("/schools/1")
        assert again.headers["x-cache"] == "hit"
        assert again.content == first.content  # kept: the data version did not change
        assert "Renamed School" not in again.text
        # another language or another address is computed, and sees the change
        assert http.get("/schools/1", params={"lang": "es"}).headers["x-cache"] == "miss"
        assert http.get("/api/schools/1").headers["x-cache"] == "miss"
        # an import is a new data version: the page is computed again
        load_records(
            store, settings, schools=[School("2", "2024-25", "Bravo", lat=41.81, lon=-87.7)]
        )
        after = http.get("/schools/1")
        assert after.headers["x-cache"] == "miss" and "Renamed School" in after.text
        assert http.get("/schools/1").headers["x-cache"] == "hit"


def test_a_recorded_write_shows_at_once(city: tuple[Store, Settings]) -> None:
    store, settings = city
    with TestClient(create_app(settings, store=store)) as http:
        http.get("/schools/1")
        assert http.get("/schools/1").headers["x-cache"] == "hit"
        services.create_user(
            store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
        )  # an audited write: a new write version
        assert http.get("/schools/1").headers["x-cache"] == "miss"


def test_a_signed_in_person_and_a_page_with_a_cookie_are_never_kept(
    city: tuple[Store, Settings],
) -> None:
    store, settings = city
    services.create_user(
        store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    with TestClient(create_app(settings, store=store)) as http:
        assert "Alpha Elementary" in http.get("/schools/1").text
        # the sign-in form sets the session cookie (its CSRF token): two visitors, two tokens
        first = http.get("/signin")
        http.cookies.clear()
        second = http.get("/signin")
        assert _csrf(first.text) != _csrf(second.text)
        assert "x-cache" not in second.headers  # never kept
        signed = http.post(
            "/signin",
            data={"email": "admin@x.org", "password": PASSWORD, "csrf_token": _csrf(second.text)},
            follow_redirects=False,
        )
        assert signed.status_code == 303
        mine = http.get("/schools/1")
        assert "x-cache" not in mine.headers  # signed in: computed, never kept
        http.cookies.clear()
        assert http.get("/schools/1").headers["x-cache"] == "hit"  # the public's kept page


def test_many_people_asking_one_new_page_at_once_compute_it_once(
    city: tuple[Store, Settings],
) -> None:
    """Ten visitors ask a definition nobody asked before, at the same moment: one computes the
    page, nine get its bytes."""
    store, settings = city
    app = create_app(settings, store=store)

    async def ask() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return list(
                await asyncio.gather(
                    *(client.get("/schools/1", params={"radius": "123m"}) for _ in range(10))
                )
            )

    answers = asyncio.run(ask())
    assert {a.status_code for a in answers} == {200}
    assert sorted(a.headers["x-cache"] for a in answers) == ["hit"] * 9 + ["miss"]
    assert len({a.content for a in answers}) == 1


def _shared(settings: Settings) -> Settings:
    return settings.model_copy(update={"page_cache_dir": settings.data_dir / "pages"})


def test_workers_share_the_pages_they_compute(city: tuple[Store, Settings]) -> None:
    """Two applications on one store and one page file (two workers, or a restart): a page
    computed by one is a hit in the other; other data never finds it."""
    store, settings = city
    shared = _shared(settings)
    with TestClient(create_app(shared, store=store)) as first:
        computed = first.get("/schools/1", headers={"accept-language": "es-MX,es;q=0.9"})
        assert (
            computed.headers["x-cache"] == "miss" and computed.headers["content-language"] == "es"
        )
    _rename_behind_its_back(store, "Renamed School")
    with TestClient(create_app(shared, store=store)) as second:
        # the same language asked another way is the same page
        kept = second.get("/schools/1", headers={"accept-language": "es"})
        assert kept.headers["x-cache"] == "hit"
        assert kept.content == computed.content and "Renamed School" not in kept.text
        # English was never computed
        assert second.get("/schools/1").headers["x-cache"] == "miss"
        load_records(
            store, settings, schools=[School("2", "2024-25", "Bravo", lat=41.8, lon=-87.7)]
        )
        fresh = second.get("/schools/1", headers={"accept-language": "es"})
        assert fresh.headers["x-cache"] == "miss" and "Renamed School" in fresh.text


def test_another_store_never_reads_the_shared_pages(
    tmp_path: Path, city: tuple[Store, Settings]
) -> None:
    store, settings = city
    shared = _shared(settings)
    with TestClient(create_app(shared, store=store)) as http:
        assert http.get("/schools/1").headers["x-cache"] == "miss"
    other_path = tmp_path / "other.db"
    other = sqlite_store(other_path)
    other_settings = shared.model_copy(update={"database_url": f"sqlite:///{other_path}"})
    load_records(
        other,
        other_settings,
        schools=[School("1", "2024-25", "Other Elementary", lat=41.8, lon=-87.7)],
    )
    try:
        with TestClient(create_app(other_settings, store=other)) as http:
            page = http.get("/schools/1")
            assert page.headers["x-cache"] == "miss" and "Other Elementary" in page.text
    finally:
        other.dispose()


def test_the_warmer_prepares_pages_while_nobody_waits(city: tuple[Store, Settings]) -> None:
    from safeschools.server.response_cache import Activity
    from safeschools.server.warmer import warm

    store, settings = city
    app = create_app(_shared(settings), store=store)
    activity = Activity()

    async def run() -> int:
        activity.in_flight = 1  # a visitor is being answered: the warmer waits
        task = asyncio.create_task(warm(app, ["/", "/schools/1"], ["en", "es"], activity))
        await asyncio.sleep(0.2)
        assert not task.done()
        activity.in_flight = 0
        return await asyncio.wait_for(task, 60)

    with TestClient(app) as http:
        assert asyncio.run(run()) == 4
        for path in ("/", "/schools/1"):
            assert http.get(path).headers["x-cache"] == "hit"
            assert http.get(path, headers={"accept-language": "es"}).headers["x-cache"] == "hit"


def test_pages_whose_address_begins_like_an_uncached_one_are_kept(
    city: tuple[Store, Settings],
) -> None:
    """Only /me and below are the account's own: /methodology is a public page (it was never
    kept, because its address begins with "/me")."""
    store, settings = city
    with TestClient(create_app(settings, store=store)) as http:
        assert http.get("/methodology").headers["x-cache"] == "miss"
        assert http.get("/methodology").headers["x-cache"] == "hit"
        assert "x-cache" not in http.get("/api/health").headers


def test_a_page_the_response_cache_keeps_is_not_kept_a_second_time(
    city: tuple[Store, Settings],
) -> None:
    """An anonymous reader's page is kept whole by the response cache only; the pages' own
    cache holds the copies it cannot keep (a language chosen with ?lang=, which sets a cookie)."""
    store, settings = city
    app = create_app(settings, store=store)
    with TestClient(app) as http:
        assert http.get("/schools/1").status_code == 200
        kept = [k for k in app.state.index_cache._memo if k[0] == "page"]
        assert kept == []
        assert http.get("/schools/1", params={"lang": "es"}).status_code == 200
        assert [k[1] for k in app.state.index_cache._memo if k[0] == "page"] == ["/schools/1"]
