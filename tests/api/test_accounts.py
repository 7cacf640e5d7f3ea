"""Accounts, tokens, permissions and the audit log: in the library, the CLI and the API."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from safeschools import services
from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.errors import AuthenticationError, DataValidationError, PermissionDeniedError
from safeschools.policy.accounts import check_can_edit, hash_password, verify_password
from safeschools.settings import Settings
from safeschools.storage import Store

PASSWORD = "correct horse battery"


def test_passwords_are_hashed_with_argon2() -> None:
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, PASSWORD + "!")
    assert not verify_password("not a hash", PASSWORD)
    with pytest.raises(DataValidationError, match="12 characters"):
        hash_password("short")


def test_accounts_tokens_and_audit(store: Store, settings: Settings) -> None:
    editor = services.create_user(
        store,
        email="Ana@Example.org",
        password=PASSWORD,
        role="editor",
        school_ids=["609971"],
        settings=settings,
    )
    assert editor.email == "ana@example.org" and editor.school_ids == ("609971",)
    with pytest.raises(DataValidationError, match="exists already"):
        services.create_user(
            store, email="ana@example.org", password=PASSWORD, role="admin", settings=settings
        )
    with pytest.raises(DataValidationError, match="needs at least one school"):
        services.create_user(
            store, email="b@example.org", password=PASSWORD, role="editor", settings=settings
        )
    with pytest.raises(DataValidationError, match="Unknown role"):
        services.create_user(
            store, email="c@example.org", password=PASSWORD, role="public", settings=settings
        )
    assert (
        services.authenticate(store, "ANA@example.org", PASSWORD, settings=settings).id == editor.id
    )
    for email, password in (("ana@example.org", "wrong password!"), ("nobody@x.org", PASSWORD)):
        with pytest.raises(AuthenticationError, match="Wrong email or password"):
            services.authenticate(store, email, password, settings=settings)
    token = services.create_api_token(store, editor, label="laptop", settings=settings)
    assert services.user_for_token(store, token, settings=settings).id == editor.id
    with pytest.raises(AuthenticationError, match="Unknown or revoked"):
        services.user_for_token(store, token + "x", settings=settings)
    entries = services.audit_log(store)
    assert [(e["action"], e["entity"]) for e in entries] == [
        ("create", "api_token"),
        ("create", "user"),
    ]
    assert all(token not in str(e) for e in entries)  # the token itself is never kept


def test_who_may_edit_what(sqlite_only_store: Store, settings: Settings) -> None:
    editor = services.create_user(
        sqlite_only_store,
        email="e@x.org",
        password=PASSWORD,
        role="editor",
        school_ids=["1"],
        settings=settings,
    )
    admin = services.create_user(
        sqlite_only_store, email="a@x.org", password=PASSWORD, role="admin", settings=settings
    )
    assert check_can_edit(editor, "1", what="votes") is editor
    with pytest.raises(PermissionDeniedError, match="may not change votes for school 2"):
        check_can_edit(editor, "2", what="votes")
    with pytest.raises(PermissionDeniedError, match="for the district"):
        check_can_edit(editor, None, what="the fund pool")
    with pytest.raises(PermissionDeniedError, match="Sign in"):
        check_can_edit(None, "1", what="votes")
    assert check_can_edit(admin, "2", what="votes") is admin


def test_api_token_and_error_shapes(sqlite_only_store: Store, settings: Settings) -> None:
    user = services.create_user(
        sqlite_only_store,
        email="e@x.org",
        password=PASSWORD,
        role="editor",
        school_ids=["1"],
        settings=settings,
    )
    token = services.create_api_token(sqlite_only_store, user, label="t", settings=settings)
    with TestClient(create_app(settings, store=sqlite_only_store)) as http:
        ok = http.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200 and ok.json()["school_ids"] == ["1"]
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
            bad = http.get("/api/me", headers=headers)
            assert bad.status_code == 401
            body = bad.json()
            assert body["ok"] is False and body["status"] == 401 and body["error"]
        audit = http.get("/api/audit").json()
        assert audit[0]["entity"] == "api_token"


def test_cli_users_and_tokens(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'a.db'}"
    runner = CliRunner()
    added = runner.invoke(
        cli,
        ["--database-url", url, "users", "add", "a@x.org", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    short = runner.invoke(
        cli,
        ["--database-url", url, "users", "add", "b@x.org", "--role", "admin", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code == 2 and "12 characters" in short.output
    token = runner.invoke(
        cli,
        ["--database-url", url, "tokens", "create", "a@x.org", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert token.exit_code == 0 and len(token.output.strip()) >= 40
    wrong = runner.invoke(
        cli,
        ["--database-url", url, "tokens", "create", "a@x.org", "--password-stdin"],
        input="wrong password!!\n",
    )
    assert wrong.exit_code == 2 and "Wrong email or password" in wrong.output
    listed = runner.invoke(cli, ["--database-url", url, "audit", "--json"])
    assert listed.exit_code == 0 and '"api_token"' in listed.output
