"""Signing in through the /signin form, reading the CSRF token that every form carries, and the
two schools with an editor each that the form tests post to."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from safeschools import services
from safeschools.model import School
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(html: str) -> str:
    """The CSRF token in the first form of a page (fails the test when the page has none)."""
    found = CSRF_FIELD.search(html)
    assert found, html[:500]
    return found.group(1)


def sign_in(http: TestClient, email: str, password: str, *, then: str) -> str:
    """Sign in with the form (303 expected) and return the CSRF token of the page ``then``,
    as the signed-in session sees it."""
    token = csrf(http.get("/signin").text)
    data = {"email": email, "password": password, "csrf_token": token}
    assert http.post("/signin", data=data, follow_redirects=False).status_code == 303
    return csrf(http.get(then).text)


def two_schools_with_editors(store: Store, settings: Settings, password: str) -> None:
    """Schools 1 (Alpha) and 2 (Bravo) of 2024-25, with editors ed1@x.org and ed2@x.org."""
    schools = [
        School("1", "2024-25", "Alpha", lat=41.88, lon=-87.63, governance="district"),
        School("2", "2024-25", "Bravo", lat=41.89, lon=-87.62, governance="district"),
    ]
    load_records(store, settings, schools=schools)
    for email, school in (("ed1@x.org", "1"), ("ed2@x.org", "2")):
        services.create_user(
            store, email=email, password=password, role="editor",
            school_ids=[school], settings=settings,
        )  # fmt: skip
