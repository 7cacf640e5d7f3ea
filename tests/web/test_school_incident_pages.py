"""The staff's incident pages: the log and the forms render in English and Spanish for an editor
of the school, the public is sent to sign in and another school's editor is refused, a bad value
shows the form again with its problem in the reader's language, a stale form is a 409, and the
school page links to the log for its staff only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from helpers.forms import csrf, sign_in, two_schools_with_editors

from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.storage import Store

PASSWORD = "correct horse battery"
FORM = {
    "occurred_on": "2026-11-03",
    "occurred_time": "12:15",
    "category": "fight",
    "place": "grounds",
    "students_involved": "3",
    "injuries": "1",
    "police_called": "yes",
    "police_reason": "serious_injury",
    "responses": ["restorative_conference", "parent_meeting"],
    "staff_note": "Lunch line.",
}


@pytest.fixture
def http(store: Store, settings: Settings) -> Iterator[TestClient]:
    two_schools_with_editors(store, settings, PASSWORD)
    with TestClient(create_app(settings, store=store)) as client:
        yield client


def _record(http: TestClient, token: str, **changes: object) -> object:
    return http.post(
        "/schools/1/incidents/new",
        data={**FORM, **changes, "csrf_token": token},
        follow_redirects=False,
    )


def test_the_public_cannot_see_or_post(http: TestClient) -> None:
    for path in ("/schools/1/incidents/log", "/schools/1/incidents/new"):
        answer = http.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == f"/signin?next={path}"
    school = http.get("/schools/1?lang=en").text
    assert 'id="incident-links"' not in school and "/incidents/log" not in school
    token = csrf(http.get("/signin").text)
    refused = _record(http, token)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/signin")


def test_an_editor_records_changes_and_withdraws_in_both_languages(http: TestClient) -> None:
    token = sign_in(http, "ed1@x.org", PASSWORD, then="/schools/1/incidents/new?lang=en")
    school = http.get("/schools/1?lang=en")
    assert school.headers["cache-control"] == "private, no-store"
    assert 'href="/schools/1/incidents/log"' in school.text and "Record an incident" in school.text
    form = http.get("/schools/1/incidents/new?lang=es").text
    assert "Registrar un incidente" in form and "Pelea" in form and "Dentro del edificio" in form
    assert "No escriba nombres ni números de identificación de estudiantes." in form
    assert "nombre" not in form.split('id="incident-form"')[1].split("Nota del personal")[0]
    english = http.get("/schools/1/incidents/new?lang=en").text
    assert "Write no names and no student ids." in english and "Fight with injury" in english
    made = _record(http, token)
    assert made.status_code == 303 and made.headers["location"] == "/schools/1/incidents/log"
    log = http.get("/schools/1/incidents/log?lang=en")
    assert log.status_code == 200 and log.headers["cache-control"] == "private, no-store"
    assert "Lunch line." in log.text and "yes: a serious injury" in log.text
    assert 'href="/schools/1/incidents/1/case"' in log.text
    assert 'href="/schools/1/incidents/1/notice"' in log.text
    as_csv = http.get("/api/schools/1/incident-log.csv")  # the log's link, with the session
    assert as_csv.status_code == 200 and "Lunch line." in as_csv.text
    spanish = http.get("/schools/1/incidents/log?lang=es").text
    assert "Registro de incidentes: Alpha" in spanish and "Pelea" in spanish
    assert "Conferencia restaurativa" in spanish and "sí: una lesión grave" in spanish
    edit = http.get("/schools/1/incidents/1/edit?lang=en").text
    assert 'name="version" value="1"' in edit and 'value="2026-11-03"' in edit
    changed = http.post(
        "/schools/1/incidents/1/edit",
        data={**FORM, "injuries": "2", "version": "1", "csrf_token": token},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    stale = http.post(
        "/schools/1/incidents/1/edit?lang=es",
        data={**FORM, "version": "1", "csrf_token": token},
    )
    assert stale.status_code == 409 and "Alguien cambió este incidente" in stale.text
    withdrawn = http.post(
        "/schools/1/incidents/1/withdraw",
        data={"version": "2", "csrf_token": token},
        follow_redirects=False,
    )
    assert withdrawn.status_code == 303
    log = http.get("/schools/1/incidents/log?lang=en").text
    assert 'class="withdrawn"' in log and "Withdrawn on" in log
    assert "/incidents/1/edit" not in log  # kept as it was
    assert "Retirado el" in http.get("/schools/1/incidents/log?lang=es").text


@pytest.mark.parametrize(
    ("changes", "english", "spanish"),
    [
        ({"students_involved": "Ana, Luis"}, "never names or student ids",
         "nunca nombres ni identificaciones"),
        ({"injuries": "7"}, "a number from 0 to the number of students involved",
         "un número de 0 al número de estudiantes"),
        ({"police_reason": ""}, "If police were called, choose why", "Si se llamó a la policía"),
        ({"occurred_on": "2099-01-01"}, "not in the future", "no en el futuro"),
        ({"staff_note": "id 12345678"}, "Leave out names and student ids",
         "No escriba nombres"),
    ],
)  # fmt: skip
def test_a_problem_shows_the_form_again_in_words(
    http: TestClient, changes: dict[str, str], english: str, spanish: str
) -> None:
    token = sign_in(http, "ed1@x.org", PASSWORD, then="/schools/1/incidents/new")
    for lang, words in (("en", english), ("es", spanish)):
        answer = http.post(
            f"/schools/1/incidents/new?lang={lang}", data={**FORM, **changes, "csrf_token": token}
        )
        assert answer.status_code == 400 and words in answer.text
        assert 'id="incident-problem"' in answer.text
        assert 'value="grounds" selected' in answer.text  # filled in as sent
    assert "No incident recorded yet." in http.get("/schools/1/incidents/log?lang=en").text


def test_another_schools_editor_is_refused(http: TestClient) -> None:
    token = sign_in(http, "ed1@x.org", PASSWORD, then="/schools/1/incidents/new")
    assert _record(http, token).status_code == 303
    http.post("/signout", data={"csrf_token": csrf(http.get("/signout").text)})
    token = sign_in(http, "ed2@x.org", PASSWORD, then="/schools/2/incidents/new")
    for page in ("log", "new", "1/edit"):
        path = f"/schools/1/incidents/{page}"
        answer = http.get(path)
        assert answer.status_code == 403 and "Lunch line." not in answer.text
    assert _record(http, token).status_code == 403
    withdraw = http.post(
        "/schools/1/incidents/1/withdraw", data={"version": "1", "csrf_token": token}
    )
    assert withdraw.status_code == 403
    # school 2's own log does not hold school 1's incident, nor may it open it by its id
    assert "Lunch line." not in http.get("/schools/2/incidents/log").text
    assert http.get("/schools/2/incidents/1/edit").status_code == 403
    assert 'id="incident-links"' not in http.get("/schools/1?lang=en").text
    # no CSRF token: refused before anything is read
    assert http.post("/schools/2/incidents/new", data=FORM).status_code == 403
