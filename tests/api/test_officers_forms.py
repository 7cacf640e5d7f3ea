"""The officer forms (a school's editor sets its officers; an administrator records a published
district figure), the figures API route, and the officers and funds sections of the overview:
CSRF, who may post, stale versions, and what the public then sees in both languages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from helpers.forms import csrf, sign_in, two_schools_with_editors

from safeschools import services
from safeschools.app import create_app
from safeschools.errors import ConflictError, PermissionDeniedError
from safeschools.services import officers as service_officers
from safeschools.settings import Settings
from safeschools.storage import Store

PASSWORD = "correct horse battery"
FIGURE = {
    "school_year": "2012-13",
    "metric": "officers",
    "value": "166",
    "detail": "at 74 schools",
    "sources": "CPS, https://example.org/sro-2012",
}


@pytest.fixture
def app_store(sqlite_only_store: Store, settings: Settings) -> Store:
    two_schools_with_editors(sqlite_only_store, settings, PASSWORD)
    services.create_user(
        sqlite_only_store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    return sqlite_only_store


@pytest.fixture
def http(app_store: Store, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=app_store)) as client:
        yield client


def _section(html: str, section_id: str) -> str:
    return html.split(f'id="{section_id}"')[1].split("</section>")[0]


def test_public_cannot_set_officers(http: TestClient, app_store: Store) -> None:
    page = http.get("/schools/1?lang=en").text
    assert 'id="officers-form"' not in page
    assert "Not recorded yet." in _section(page, "officers")
    token = csrf(http.get("/signin").text)
    data = {"school_year": "2024-25", "kind": "sro", "officers": "2", "version": "0"}
    refused = http.post(
        "/schools/1/officers", data={**data, "csrf_token": token}, follow_redirects=False
    )
    assert refused.status_code == 303 and refused.headers["location"] == "/signin?next=/schools/1"
    assert http.post("/schools/1/officers", data=data).status_code == 403
    assert app_store.sro_assignments() == []


def test_editor_sets_officers(http: TestClient, app_store: Store) -> None:
    token = sign_in(http, "ed1@x.org", PASSWORD, then="/signin")
    page = http.get("/schools/1").text
    # the section and its form show before anything is recorded
    section = _section(page, "officers")
    assert 'id="officers-form"' in section and 'value="2024-25"' in section
    data = {"school_year": "2024-25", "kind": "sro", "officers": "2", "version": "0",
            "note": "principal's letter"}  # fmt: skip
    assert http.post("/schools/1/officers", data=data).status_code == 403
    assert http.post("/schools/1/officers", data={**data, "csrf_token": "x"}).status_code == 403
    other = http.post("/schools/2/officers", data={**data, "csrf_token": token})
    assert other.status_code == 403 and "may not change" in other.text
    assert app_store.sro_assignments() == []
    done = http.post(
        "/schools/1/officers", data={**data, "csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/schools/1#officers"
    # the same school year again from a new-year form: someone recorded it already
    again = http.post("/schools/1/officers", data={**data, "csrf_token": token})
    assert again.status_code == 409 and "already" in again.text
    page = http.get("/schools/1").text
    edit = re.search(r'<form id="officers-edit-2024-25-sro".*?</form>', page, flags=re.S)
    assert edit and 'name="version" value="1"' in edit.group(0)
    change = {"school_year": "2024-25", "kind": "sro", "version": "1", "csrf_token": token}
    changed = http.post(
        "/schools/1/officers", data={**change, "officers": "1"}, follow_redirects=False
    )
    assert changed.status_code == 303
    # a second tab still holding version 1: refused, nothing lost
    stale = http.post("/schools/1/officers", data={**change, "officers": "0"})
    assert stale.status_code == 409 and "changed since you read it" in stale.text
    bad = http.post("/schools/1/officers", data={**change, "version": "2", "officers": "two"})
    assert bad.status_code == 400 and "whole number" in bad.text
    [stored] = app_store.sro_assignments(school_id="1")
    assert (stored.officers, stored.version, stored.source) == (1, 2, "edit")
    assert http.post("/signout", data={"csrf_token": token}).status_code == 200
    public = http.get("/schools/1?lang=en").text
    assert 'id="officers-form"' not in public and "officers-edit" not in public
    section = _section(public, "officers")
    assert "2024-25" in section and "School resource officers" in section
    assert re.search(r"<td>1</td><td>recorded by the school</td>", section)
    audit = public.split('id="audit"')[1]
    assert "officers of a school year" in audit
    assert "@x.org" not in audit and "school&#39;s editor" in audit  # a role, never an email
    es = http.get("/schools/1?lang=es").text
    assert "Policías escolares asignados" in _section(es, "officers")


def test_editor_form_is_in_spanish(http: TestClient) -> None:
    sign_in(http, "ed1@x.org", PASSWORD, then="/signin")
    section = _section(http.get("/schools/1?lang=es").text, "officers")
    assert "Registrar los policías escolares de un año escolar" in section
    assert "De dónde viene el número" in section


def test_admin_adds_published_figure(http: TestClient, app_store: Store) -> None:
    assert 'id="officers-figure-form"' not in http.get("/officers").text
    token = csrf(http.get("/signin").text)
    refused = http.post(
        "/officers/figures", data={**FIGURE, "csrf_token": token}, follow_redirects=False
    )
    assert refused.status_code == 303 and refused.headers["location"] == "/signin?next=/officers"
    token = sign_in(http, "ed1@x.org", PASSWORD, then="/signin")
    assert 'id="officers-figure-form"' not in http.get("/officers").text
    editor = http.post("/officers/figures", data={**FIGURE, "csrf_token": token})
    assert editor.status_code == 403 and app_store.sro_aggregates() == []
    token = sign_in(http, "admin@x.org", PASSWORD, then="/signin")
    assert 'id="officers-figure-form"' in http.get("/officers").text
    assert http.post("/officers/figures", data=FIGURE).status_code == 403
    no_source = http.post("/officers/figures", data={**FIGURE, "sources": "", "csrf_token": token})
    assert no_source.status_code == 400 and "source" in no_source.text
    done = http.post("/officers/figures", data={**FIGURE, "csrf_token": token},
                     follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/officers#officers-published"
    twice = http.post("/officers/figures", data={**FIGURE, "value": "about 170",
                                                 "csrf_token": token})  # fmt: skip
    assert twice.status_code == 409 and "already has a published" in twice.text
    replaced = http.post(
        "/officers/figures",
        data={**FIGURE, "value": "about 170", "replace": "1", "csrf_token": token},
        follow_redirects=False,
    )
    assert replaced.status_code == 303
    [figure] = app_store.sro_aggregates()
    assert (figure.school_year, figure.metric, figure.value, figure.detail) == (
        "2012-13", "officers", "about 170", "at 74 schools",
    )  # fmt: skip
    assert figure.sources == FIGURE["sources"]
    entries = services.audit_log(app_store, limit=5)
    assert [(e["action"], e["entity"]) for e in entries[:2]] == [
        ("update", "sro_aggregate"),
        ("create", "sro_aggregate"),
    ]
    assert entries[0]["before"]["value"] == "166" and entries[0]["after"]["value"] == "about 170"
    assert http.post("/signout", data={"csrf_token": token}).status_code == 200
    table = http.get("/officers?lang=en").text.split('id="officers-published-table"')[1]
    assert "about 170" in table and "example.org/sro-2012" in table


def test_figures_api_needs_an_admin_token(
    http: TestClient, app_store: Store, settings: Settings
) -> None:
    assert http.post("/api/officers/figures", json=FIGURE).status_code == 401
    tokens = {}
    for email in ("ed1@x.org", "admin@x.org"):
        user = services.authenticate(app_store, email, PASSWORD)
        secret = services.create_api_token(app_store, user, label="t", settings=settings)
        tokens[email] = {"Authorization": f"Bearer {secret}"}
    editor = http.post("/api/officers/figures", json=FIGURE, headers=tokens["ed1@x.org"])
    assert editor.status_code == 403
    created = http.post("/api/officers/figures", json=FIGURE, headers=tokens["admin@x.org"])
    assert created.status_code == 201
    assert created.json()["value"] == "166" and created.json()["detail"] == "at 74 schools"
    again = http.post("/api/officers/figures", json=FIGURE, headers=tokens["admin@x.org"])
    assert again.status_code == 409 and again.json()["ok"] is False
    published = http.get("/api/officers").json()["published"]
    assert [(p["school_year"], p["value"]) for p in published] == [("2012-13", "166")]


def test_overview_shows_officers_and_funds(
    http: TestClient, app_store: Store, settings: Settings
) -> None:
    english = http.get("/?lang=en").text
    for section_id in ("overview-officers", "overview-funds"):
        assert "Nothing recorded yet." in _section(english, section_id)
    spanish = http.get("/?lang=es").text
    assert "Aún no hay nada registrado." in _section(spanish, "overview-officers")
    assert 'href="/officers"' in _section(english, "overview-officers")
    assert 'href="/funds"' in _section(english, "overview-funds")
    admin = services.authenticate(app_store, "admin@x.org", PASSWORD)
    service_officers.add_published_figure(
        app_store, admin, school_year="2012-13", metric="officers", value="166",
        detail="at 74 schools", sources="CPS", settings=settings,
    )  # fmt: skip
    service_officers.set_officers(
        app_store, admin, school_id="1", school_year="2024-25", officers=2, read_version=0,
        settings=settings,
    )  # fmt: skip
    section = _section(http.get("/?lang=en").text, "overview-officers")
    assert "Nothing recorded yet." not in section
    assert "Published by the district for 2012-13:" in section
    assert "officers: <strong>166</strong> (<span>at 74 schools</span>)" in section
    assert "Recorded here for 2024-25: 2 officer(s) at 1 school(s)" in section
    section_es = _section(http.get("/?lang=es").text, "overview-officers")
    assert "Publicado por el distrito para 2012-13:" in section_es
    assert "Registrado aquí para 2024-25: 2 policía(s) escolar(es) en 1 escuela(s)" in section_es


def test_published_figure_on_every_backend(store: Store, settings: Settings) -> None:
    admin = services.create_user(
        store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    made = service_officers.add_published_figure(
        store, admin, school_year="SY1213", metric="officers", value="166",
        detail="at 74 schools", sources="CPS", settings=settings,
    )  # fmt: skip
    assert made["school_year"] == "2012-13" and made["value"] == "166"
    with pytest.raises(ConflictError, match="already has a published 'officers'"):
        service_officers.add_published_figure(
            store, admin, school_year="2012-13", metric="officers", value="170",
            sources="CPS", settings=settings,
        )  # fmt: skip
    service_officers.add_published_figure(
        store, admin, school_year="2012-13", metric="officers", value="about 170",
        sources="Tribune", replace=True, settings=settings,
    )  # fmt: skip
    [figure] = store.sro_aggregates()
    assert (figure.value, figure.detail, figure.sources) == ("about 170", None, "Tribune")
    with pytest.raises(PermissionDeniedError):
        service_officers.add_published_figure(
            store, None, school_year="2012-13", metric="x", value="1", sources="s",
            settings=settings,
        )  # fmt: skip
