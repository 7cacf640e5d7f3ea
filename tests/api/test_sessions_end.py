"""Sessions and tokens that end (issue 13, item 3): a session kept on the server, revoked at
sign-out, at a password reset, when the account is switched off and by an administrator; idle
and absolute timeouts; API tokens that expire and can be revoked; the public audit log with
roles, not emails. The clock is pinned (``create_app(clock=...)``): nothing sleeps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from helpers.forms import csrf

from safeschools import services
from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.errors import AuthenticationError, DataValidationError, NotFoundError
from safeschools.model import User
from safeschools.services import sessions as service_sessions
from safeschools.services.signin import unlock_account
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import sqlite_store

PASSWORD = "a long enough password 42"
NOW = datetime(2026, 3, 2, 9, 0)
COOKIE = "safeschools_session"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


def _accounts(store: Store, settings: Settings) -> tuple[User, User]:
    admin = services.create_user(
        store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    editor = services.create_user(
        store,
        email="ed@x.org",
        password=PASSWORD,
        role="editor",
        school_ids=["1"],
        settings=settings,
    )
    return admin, editor


@pytest.fixture
def app_store(sqlite_only_store: Store, settings: Settings) -> Store:
    _accounts(sqlite_only_store, settings)
    return sqlite_only_store


@pytest.fixture
def http(app_store: Store, settings: Settings, clock: Clock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=app_store, clock=clock)) as client:
        yield client


def _sign_in(http: TestClient, email: str, password: str = PASSWORD) -> int:
    http.cookies.clear()
    token = csrf(http.get("/signin").text)
    data = {"email": email, "password": password, "csrf_token": token}
    return http.post("/signin", data=data, follow_redirects=False).status_code


def _me(http: TestClient, *, cookie: str | None = None, token: str | None = None) -> int:
    http.cookies.clear()
    if cookie is not None:
        http.cookies.set(COOKIE, cookie)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http.get("/api/me", headers=headers).status_code


def test_a_copied_cookie_stops_working_at_sign_out(http: TestClient) -> None:
    assert _sign_in(http, "ed@x.org") == 303
    copied = http.cookies[COOKIE]
    assert _me(http, cookie=copied) == 200
    token = csrf(http.get("/signout").text)
    assert http.post("/signout", data={"csrf_token": token}).status_code == 200
    # before: the signed cookie carried the account id and kept working for 12 hours
    assert _me(http, cookie=copied) == 401
    assert _sign_in(http, "ed@x.org") == 303 and http.get("/api/me").status_code == 200


def test_the_cookie_holds_a_session_id_not_the_account(http: TestClient, app_store: Store) -> None:
    assert _sign_in(http, "ed@x.org") == 303
    assert app_store.count("sessions") == 1
    # an old-style cookie that names an account (or a forged session id) signs nobody in
    http.cookies.clear()
    assert http.get("/api/me").status_code == 401


def test_sessions_end_when_idle_or_too_old(http: TestClient, clock: Clock) -> None:
    assert _sign_in(http, "ed@x.org") == 303
    session = http.cookies[COOKIE]
    clock.advance(minutes=29)
    assert _me(http, cookie=session) == 200
    clock.advance(minutes=29)  # used 29 minutes ago: still running
    assert _me(http, cookie=session) == 200
    clock.advance(minutes=31)  # idle for 31 minutes: over
    assert _me(http, cookie=session) == 401
    # used every 20 minutes, a session still ends 12 hours after the sign-in
    assert _sign_in(http, "ed@x.org") == 303
    session = http.cookies[COOKIE]
    for _ in range(35):  # 11 h 40 min
        clock.advance(minutes=20)
        assert _me(http, cookie=session) == 200
    clock.advance(minutes=21)
    assert _me(http, cookie=session) == 401


def test_tokens_expire_and_can_be_revoked(
    http: TestClient, app_store: Store, settings: Settings, clock: Clock
) -> None:
    editor = app_store.users()[1]
    made = service_sessions.issue_api_token(
        app_store, editor, label="laptop", settings=settings, now=clock
    )
    assert made.expires_at == NOW + timedelta(days=90)
    assert _me(http, token=made.token) == 200
    clock.advance(days=89, hours=23)
    assert _me(http, token=made.token) == 200
    clock.advance(hours=1)  # 90 days: expired
    assert _me(http, token=made.token) == 401
    assert "expired" in http.get("/api/me", headers={"Authorization": f"Bearer {made.token}"}).text
    other = service_sessions.issue_api_token(
        app_store, editor, label="b", settings=settings, now=clock
    )
    assert _me(http, token=other.token) == 200
    revoked = service_sessions.revoke_token(app_store, other.id, settings=settings, now=clock)
    assert revoked.revoked_at == clock.now
    assert _me(http, token=other.token) == 401
    with pytest.raises(NotFoundError, match="No API token #999"):
        service_sessions.revoke_token(app_store, 999, settings=settings)


def test_a_switched_off_account_can_do_nothing(
    http: TestClient, app_store: Store, settings: Settings, clock: Clock
) -> None:
    editor = app_store.users()[1]
    token = services.create_api_token(app_store, editor, label="t", settings=settings, now=clock)
    assert _sign_in(http, "ed@x.org") == 303
    session = http.cookies[COOKIE]
    assert _me(http, cookie=session) == 200 and _me(http, token=token) == 200
    service_sessions.deactivate_user(app_store, "ed@x.org", settings=settings, now=clock)
    assert _me(http, cookie=session) == 401 and _me(http, token=token) == 401
    assert _sign_in(http, "ed@x.org") == 401  # the same answer as a wrong password
    service_sessions.deactivate_user(
        app_store, "ed@x.org", active=True, settings=settings, now=clock
    )
    assert _sign_in(http, "ed@x.org") == 303
    assert _me(http, token=token) == 401  # its tokens stay revoked


def test_a_password_reset_ends_every_session_and_token(
    http: TestClient, app_store: Store, settings: Settings, clock: Clock
) -> None:
    editor = app_store.users()[1]
    token = services.create_api_token(app_store, editor, label="t", settings=settings, now=clock)
    assert _sign_in(http, "ed@x.org") == 303
    session = http.cookies[COOKIE]
    with pytest.raises(DataValidationError, match="blank"):
        service_sessions.reset_password(app_store, "ed@x.org", " " * 12, settings=settings)
    assert _me(http, cookie=session) == 200  # a refused password changes nothing
    ended = service_sessions.reset_password(
        app_store, "ed@x.org", "another good phrase 7", settings=settings, now=clock
    )
    assert ended == {"sessions_ended": 1, "tokens_revoked": 1}
    assert _me(http, cookie=session) == 401 and _me(http, token=token) == 401
    assert _sign_in(http, "ed@x.org") == 401
    assert _sign_in(http, "ed@x.org", "another good phrase 7") == 303
    # an administrator can end every session of an account
    session = http.cookies[COOKIE]
    assert service_sessions.end_sessions(app_store, "ed@x.org", settings=settings, now=clock) == 1
    assert _me(http, cookie=session) == 401


def test_the_public_audit_shows_roles_and_an_administrator_sees_emails(
    http: TestClient, app_store: Store, settings: Settings
) -> None:
    admin, editor = app_store.users()
    admin_token = services.create_api_token(app_store, admin, label="a", settings=settings)
    editor_token = services.create_api_token(app_store, editor, label="e", settings=settings)
    unlock_account(app_store, "ed@x.org", settings=settings)
    for headers in ({}, {"Authorization": f"Bearer {editor_token}"}):
        public = http.get("/api/audit", headers=headers)
        assert public.status_code == 200
        # before: every account's email and role, in the entry and in the account records
        assert "@x.org" not in public.text
        roles = {e["entity"]: e.get("user_role") for e in public.json()}
        assert roles["api_token"] in ("admin", "editor") and "user_email" not in public.json()[0]
    full = http.get("/api/audit", headers={"Authorization": f"Bearer {admin_token}"}).json()
    assert {e["user_email"] for e in full if e["entity"] == "api_token"} == {
        "admin@x.org",
        "ed@x.org",
    }
    assert next(e for e in full if e["action"] == "unlock")["entity_key"] == "ed@x.org"
    # an administrator's answer is never kept for the public (the cache skips tokens)
    assert "@x.org" not in http.get("/api/audit").text
    # signed in as administrator, the web session reads the emails too
    assert _sign_in(http, "admin@x.org") == 303
    assert "admin@x.org" in http.get("/api/audit").text


def test_sessions_tokens_and_failures_in_the_store(store: Store, settings: Settings) -> None:
    clock = Clock(NOW)
    _, editor = _accounts(store, settings)
    session = service_sessions.start_session(store, editor, settings=settings, now=clock)
    assert len(session) >= 43 and store.web_session(session) is None  # only its hash is kept
    assert service_sessions.session_user(store, session, settings=settings, now=clock) == editor
    clock.advance(minutes=10)
    service_sessions.end_session(store, session, settings=settings, now=clock)
    assert service_sessions.session_user(store, session, settings=settings, now=clock) is None
    # tokens: expiry and revocation
    made = service_sessions.issue_api_token(store, editor, label="x", settings=settings, now=clock)
    assert (
        service_sessions.user_for_token(store, made.token, settings=settings, now=clock) == editor
    )
    clock.advance(days=91)
    with pytest.raises(AuthenticationError, match="expired"):
        service_sessions.user_for_token(store, made.token, settings=settings, now=clock)
    # failed sign-ins: counted, locked, unlocked (audited)
    for _ in range(3):
        store_failure = None
        with store.transaction() as conn:
            store_failure = store.record_signin_failure(
                "account:ed@x.org", now=clock.now, reset_before=None, lock_at=3, conn=conn
            )
    assert store_failure is not None and store_failure.locked_at == clock.now
    assert store.signin_failures(["account:ed@x.org"])["account:ed@x.org"].failures == 3
    assert unlock_account(store, "ed@x.org", settings=settings, now=clock) == 3
    assert store.signin_failures(["account:ed@x.org"]) == {}
    entry = services.accounts.full_audit_log(store, limit=1)[0]
    assert (entry["action"], entry["entity"], entry["entity_key"]) == ("unlock", "user", "ed@x.org")
    # switched off: sessions end, tokens revoked
    session = service_sessions.start_session(store, editor, settings=settings, now=clock)
    other = services.create_api_token(store, editor, label="y", settings=settings, now=clock)
    service_sessions.deactivate_user(store, "ed@x.org", settings=settings, now=clock)
    assert service_sessions.session_user(store, session, settings=settings, now=clock) is None
    with pytest.raises(AuthenticationError):
        service_sessions.user_for_token(store, other, settings=settings, now=clock)


def test_cli_ends_access(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
        result = runner.invoke(cli, ["--database-url", url, *args], input=stdin)
        return result.exit_code, result.output

    add = ("users", "add", "a@x.org", "--role", "admin", "--password-stdin")
    code, out = run(*add, stdin=" " * 12 + "\n")
    assert code == 2 and "blank" in out  # before: 12 spaces was a password
    code, out = run(*add, stdin="password1234\n")
    assert code == 2 and "lists attackers try first" in out
    assert run(*add, stdin=PASSWORD + "\n")[0] == 0
    code, out = run("tokens", "create", "a@x.org", "--password-stdin", stdin=PASSWORD + "\n")
    token = out.splitlines()[0]
    assert code == 0 and "Token #1 works until " in out and "tokens revoke 1" in out
    code, out = run("tokens", "list")
    assert code == 0 and "works" in out and token not in out
    assert run("tokens", "revoke", "1") == (0, "Token #1 (api) revoked.\n")
    assert "revoked" in run("tokens", "list")[1]
    assert run("tokens", "revoke", "7")[0] == 2
    reset = ("users", "reset-password", "a@x.org", "--password-stdin")
    assert run(*reset, stdin="short\n")[0] == 2
    code, out = run(*reset, stdin="a brand new phrase 9\n")
    assert code == 0 and "0 sessions ended, 0 tokens revoked" in out
    assert run("users", "end-sessions", "a@x.org")[0] == 0
    assert run("users", "deactivate", "a@x.org")[0] == 0
    code, out = run(
        "tokens", "create", "a@x.org", "--password-stdin", stdin="a brand new phrase 9\n"
    )
    assert code == 2 and "Wrong email or password" in out
    assert run("users", "activate", "a@x.org")[0] == 0
    assert run("users", "unlock", "a@x.org")[0] == 0
    assert run("users", "unlock", "nobody@x.org")[0] == 2
    code, out = run("audit", "--json")
    actions = [(e["action"], e["entity"]) for e in json.loads(out)]
    assert actions[:7] == [
        ("unlock", "user"),
        ("activate", "user"),
        ("deactivate", "user"),
        ("end_sessions", "user"),
        ("reset_password", "user"),
        ("revoke", "api_token"),
        ("create", "api_token"),
    ]
    assert PASSWORD not in out and "a brand new phrase" not in out
    store = sqlite_store(tmp_path / "a.db")
    try:
        assert store.users()[0].active
    finally:
        store.dispose()
