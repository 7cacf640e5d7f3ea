"""Sign-in that cannot be hammered (issue 13, item 2): growing waits per account and per
address (429 with Retry-After), a lockout that only an administrator lifts (audited), the same
reply in about the same time for an email without an account, and password rules. The clock is
pinned (``create_app(clock=...)``): nothing sleeps."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from helpers.forms import csrf
from httpx import Response

from safeschools import services
from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.errors import AuthenticationError, DataValidationError, TooManyAttemptsError
from safeschools.policy.passwords import check_new_password, common_passwords
from safeschools.settings import Settings
from safeschools.storage import Store

PASSWORD = "a long enough password 42"
WRONG = "not the password at all"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_store(tmp_path: Path, settings: Settings) -> Iterator[Store]:
    store = services.open_store_from_settings(settings)  # the file the command line opens too
    services.create_user(
        store, email="ed@x.org", password=PASSWORD, role="admin", settings=settings
    )
    yield store
    store.dispose()


@pytest.fixture
def http(app_store: Store, settings: Settings, clock: Clock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=app_store, clock=clock)) as client:
        yield client


def _post(http: TestClient, email: str, password: str) -> Response:
    token = csrf(http.get("/signin").text)
    data = {"email": email, "password": password, "csrf_token": token}
    return http.post("/signin", data=data, follow_redirects=False)


def test_200_wrong_passwords_lock_the_account_until_an_administrator_unlocks_it(
    http: TestClient, app_store: Store, settings: Settings, clock: Clock
) -> None:
    statuses = []
    for _ in range(200):
        clock.advance(settings.signin_max_delay_s + 1)  # every wait over: each attempt counts
        statuses.append(_post(http, "ed@x.org", WRONG).status_code)
    lockout = settings.signin_lockout_failures
    assert statuses[: lockout - 1] == [401] * (lockout - 1)
    assert set(statuses[lockout:]) == {403}
    clock.advance(3600 * 24)
    refused = _post(http, "ed@x.org", PASSWORD)  # before: the right one was accepted
    assert refused.status_code == 403 and "locked" in refused.text
    assert "Ask the district" in refused.text
    result = CliRunner().invoke(
        cli, ["--database-url", settings.database_url, "users", "unlock", "ed@x.org"]
    )
    assert result.exit_code == 0 and "unlocked" in result.output, result.output
    entry = services.accounts.full_audit_log(app_store, limit=1)[0]
    assert (entry["action"], entry["entity_key"]) == ("unlock", "ed@x.org")
    # once locked, attempts are refused before any password is checked (and not counted)
    assert entry["before"] == {"failures": lockout, "locked": True}
    assert _post(http, "ed@x.org", PASSWORD).status_code == 303


def test_failures_make_the_next_attempt_wait(
    http: TestClient, settings: Settings, clock: Clock
) -> None:
    for _ in range(settings.signin_free_failures):
        assert _post(http, "ed@x.org", WRONG).status_code == 401
    assert _post(http, "ed@x.org", WRONG).status_code == 401  # the 4th: now waits begin
    waiting = _post(http, "ed@x.org", PASSWORD)  # even the right password waits
    assert waiting.status_code == 429 and waiting.headers["Retry-After"] == "1"
    assert "Wait a moment" in waiting.text
    clock.advance(1)
    assert _post(http, "ed@x.org", WRONG).status_code == 401  # the 5th: 2 seconds next
    clock.advance(1)
    assert _post(http, "ed@x.org", PASSWORD).headers["Retry-After"] == "1"
    clock.advance(1)
    assert _post(http, "ed@x.org", PASSWORD).status_code == 303
    # a success forgets the failures
    http.cookies.clear()
    assert _post(http, "ed@x.org", WRONG).status_code == 401
    assert _post(http, "ed@x.org", WRONG).status_code == 401
    es = _post(http, "ed@x.org", WRONG)
    assert es.status_code == 401


def test_one_address_trying_many_emails_must_wait(
    app_store: Store, tmp_path: Path, clock: Clock
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'x.db'}", signin_address_free_failures=5
    )
    with TestClient(create_app(settings, store=app_store, clock=clock)) as http:
        for i in range(5):
            assert _post(http, f"guess{i}@x.org", WRONG).status_code == 401
        assert _post(http, "guess5@x.org", WRONG).status_code == 401
        waiting = _post(http, "ed@x.org", PASSWORD)
        assert waiting.status_code == 429 and int(waiting.headers["Retry-After"]) >= 1
        clock.advance(settings.signin_address_window_s + 1)  # the address's failures forgotten
        assert _post(http, "ed@x.org", PASSWORD).status_code == 303


def _normalised(html: str) -> str:
    html = re.sub(r'name="csrf_token" value="[^"]+"', "", html)
    return re.sub(r'name="email"[^>]*value="[^"]*"', 'name="email"', html)


def test_an_unknown_email_answers_like_a_wrong_password(app_store: Store, tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'x.db'}",
        signin_free_failures=1000,
        signin_address_free_failures=1000,
        signin_lockout_failures=0,
    )
    times: dict[str, list[float]] = {"ed@x.org": [], "nobody@x.org": []}
    bodies = {}
    with TestClient(create_app(settings, store=app_store)) as http:
        _post(http, "nobody@x.org", WRONG)  # the dummy hash is made once, at first use
        for _ in range(7):
            for email in times:
                token = csrf(http.get("/signin").text)
                data = {"email": email, "password": WRONG, "csrf_token": token}
                started = time.perf_counter()
                answer = http.post("/signin", data=data)
                times[email].append(time.perf_counter() - started)
                bodies[email] = (answer.status_code, _normalised(answer.text))
    assert bodies["ed@x.org"] == bodies["nobody@x.org"]
    assert bodies["ed@x.org"][0] == 401
    known, unknown = (statistics.median(times[e]) for e in times)
    # before: 8 ms for an unknown email, 380-500 ms for a real one (a factor of 50)
    assert 0.5 < unknown / known < 2.0, (known, unknown)


def test_sign_in_limits_in_the_library(store: Store, settings: Settings) -> None:
    clock = Clock()
    services.create_user(
        store, email="ed@x.org", password=PASSWORD, role="admin", settings=settings
    )
    for _ in range(3):
        with pytest.raises(AuthenticationError, match="Wrong email or password"):
            services.authenticate(store, "nobody@x.org", WRONG, settings=settings, now=clock)
    with pytest.raises(AuthenticationError):
        services.authenticate(store, "nobody@x.org", WRONG, settings=settings, now=clock)
    with pytest.raises(TooManyAttemptsError) as waited:
        services.authenticate(store, "NOBODY@x.org", WRONG, settings=settings, now=clock)
    assert waited.value.retry_after_s == 1
    # an unknown email is counted the same as an account, and locks the same way
    for _ in range(20):
        clock.advance(settings.signin_max_delay_s + 1)
        with pytest.raises(AuthenticationError):
            services.authenticate(
                store, "nobody@x.org", WRONG, settings=settings, address="10.0.0.9", now=clock
            )
    with pytest.raises(TooManyAttemptsError, match="locked") as locked:
        services.authenticate(store, "nobody@x.org", WRONG, settings=settings, now=clock)
    assert locked.value.retry_after_s is None
    kept = store.signin_failures(["account:nobody@x.org", "address:10.0.0.9"])
    assert kept["account:nobody@x.org"].locked_at is not None
    # the address counted the 6 attempts it made until the lockout (10 in all), never locked
    assert kept["address:10.0.0.9"].failures == 6 and kept["address:10.0.0.9"].locked_at is None
    user = services.authenticate(store, "ed@x.org", PASSWORD, settings=settings, now=clock)
    assert user.email == "ed@x.org"


@pytest.mark.parametrize(
    ("password", "says"),
    [
        (" " * 12, "blank"),
        ("\t \n" * 5, "blank"),
        ("short", "at least 12 characters"),
        ("  eleven ch  ", "at least 12 characters"),
        ("aaaaaaaaaaaa", "repeats"),
        ("password1234", "lists attackers try first"),
        ("Password2024!", "lists attackers try first"),
        ("qwertyuiop123", "lists attackers try first"),
        ("iloveyouiloveyou", "lists attackers try first"),
        ("123456789012", "lists attackers try first"),
        ("ed@x.org1234", "lists attackers try first"),
    ],
)
def test_password_rules_refuse(password: str, says: str) -> None:
    with pytest.raises(DataValidationError, match=says):
        check_new_password(password, email="ed@x.org")


def test_password_rules_accept_a_phrase_and_apply_where_passwords_are_set(
    sqlite_only_store: Store, settings: Settings
) -> None:
    assert len(common_passwords()) >= 500
    for fine in (PASSWORD, "correct horse battery", "Rain on Pulaski Road, 1987"):
        assert check_new_password(fine, email="ed@x.org") == fine
    with pytest.raises(DataValidationError, match="blank"):
        services.create_user(
            sqlite_only_store, email="a@x.org", password=" " * 12, role="admin", settings=settings
        )
    assert sqlite_only_store.users() == []
