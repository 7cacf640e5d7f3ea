"""Every page's header has a sign-in link that brings the person back to the page; signed in,
it offers to sign out instead (and the cached public pages never show one person's header to
another)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from helpers.forms import csrf, sign_in, two_schools_with_editors
from web_city import parse, select

from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.storage import Store

PASSWORD = "a long enough password"


def _account(html: str) -> list[tuple[str, str]]:
    return [(a.attrs["id"], a.attrs["href"]) for a in select(parse(html), "nav#account a")]


def test_sign_in_from_the_header_and_back(sqlite_only_store: Store, settings: Settings) -> None:
    two_schools_with_editors(sqlite_only_store, settings, PASSWORD)
    app = create_app(settings, store=sqlite_only_store)
    public, person = TestClient(app), TestClient(app)
    assert _account(public.get("/schools/2?lang=es").text) == [
        ("signin-link", "/signin?next=%2Fschools%2F2")
    ]
    assert "Iniciar sesión" in public.get("/schools/2?lang=es").text
    assert _account(public.get("/?preset=abc7-2024").text) == [
        ("signin-link", "/signin?next=%2F%3Fpreset%3Dabc7-2024")
    ]
    assert _account(public.get("/signin").text) == []  # no link to the page itself
    token = csrf(person.get("/signin?next=/schools/2").text)
    form = {"email": "ed1@x.org", "password": PASSWORD, "csrf_token": token, "next": "/schools/2"}
    back = person.post("/signin", data=form, follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == "/schools/2"
    assert _account(person.get("/schools/2").text) == [("signout-link", "/signout")]
    assert _account(person.get("/").text) == [("signout-link", "/signout")]
    # the public copy of the same pages is still the public one
    assert _account(public.get("/schools/2").text)[0][0] == "signin-link"
    assert _account(public.get("/").text)[0][0] == "signin-link"
    token = sign_in(person, "ed1@x.org", PASSWORD, then="/signout")
    person.post("/signout", data={"csrf_token": token})
    assert _account(person.get("/").text)[0][0] == "signin-link"
