"""The staff's page of a restorative case: the public is sent to sign in, another school's editor
refused; the school's editor opens the case and edits it with forms (CSRF, versions), sees what
to fix in English and Spanish, and nothing of the agreement reaches a public page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from helpers.forms import csrf, sign_in, two_schools_with_editors

from safeschools.app import create_app
from safeschools.model.cases import RECURRENCE_ANSWERS
from safeschools.model.incidents import (
    CASE_OUTCOMES,
    CASE_PARTICIPANT_ROLES,
    CASE_STATUSES,
    Incident,
)
from safeschools.render.i18n import language
from safeschools.render.words import CODE_WORDS, word
from safeschools.settings import Settings
from safeschools.storage import Store

PASSWORD = "correct horse battery"
NOW = datetime(2025, 1, 20, 9, 30)  # 14 days after the fight: "no" cannot be answered yet
AGREEMENT = "Repair the locker door together"
NOTE = "Check in with both after lunch"


@pytest.fixture
def city(sqlite_only_store: Store, settings: Settings) -> Iterator[tuple[TestClient, int, int]]:
    store = sqlite_only_store
    two_schools_with_editors(store, settings, PASSWORD)
    fight = Incident("1", datetime(2025, 1, 6, 10, 15), "fight", "inside", 3)
    with store.engine.begin() as conn:
        mine = store.add_school_incident(fight, at=NOW, by=None, conn=conn)
        theirs = store.add_school_incident(
            replace(fight, school_id="2"), at=NOW, by=None, conn=conn
        )
    app = create_app(settings, store=store, clock=lambda: NOW)
    with TestClient(app) as http:
        yield http, mine.id, theirs.id


def test_every_case_code_has_words_in_both_languages() -> None:
    kinds = {
        "case_participant": CASE_PARTICIPANT_ROLES,
        "case_status": CASE_STATUSES,
        "case_outcome": CASE_OUTCOMES,
        "recurrence": RECURRENCE_ANSWERS,
    }
    en, es = language("en"), language("es")
    for kind, codes in kinds.items():
        assert set(CODE_WORDS[kind]) == set(codes), kind
        for code in codes:
            if (kind, code) != ("recurrence", "no"):  # "no" is "no" in Spanish
                assert word(es, kind, code) not in (word(en, kind, code), code), (kind, code)
    assert word(es, "case_outcome", "partly") == "reparado en parte"
    assert word(es, "case_outcome", "not_repaired") == "no reparado"
    assert word(es, "audit_entity", "restorative_case") == "un caso restaurativo"


def test_the_public_and_other_schools_never_see_a_case(
    city: tuple[TestClient, int, int],
) -> None:
    http, mine, theirs = city
    url = f"/schools/1/incidents/{mine}/case"
    public = http.get(url, follow_redirects=False)
    assert public.status_code == 303 and public.headers["location"].startswith("/signin?next=")
    assert http.post(url, data={"action": "open"}).status_code == 403  # no CSRF token
    sign_in(http, "ed2@x.org", PASSWORD, then="/schools/2")
    refused = http.get(url)
    assert refused.status_code == 403 and "may not read the restorative cases" in refused.text
    assert http.get(f"/schools/1/incidents/{theirs}/case").status_code == 404  # not school 1's
    assert http.get(f"/schools/2/incidents/{theirs}/case").status_code == 200


def _post(http: TestClient, url: str, token: str, version: int, **data: object) -> object:
    body = {"csrf_token": token, "version": str(version), **data}
    return http.post(url, data=body, follow_redirects=False)


def test_an_editor_opens_and_follows_a_case_through_the_forms(
    city: tuple[TestClient, int, int], sqlite_only_store: Store
) -> None:
    http, mine, _theirs = city
    url = f"/schools/1/incidents/{mine}/case"
    token = sign_in(http, "ed1@x.org", PASSWORD, then=url)
    page = http.get(url)
    assert page.status_code == 200 and 'id="case-open"' in page.text
    assert page.headers["cache-control"] == "private, no-store"
    assert "students involved: 3" in page.text
    early = _post(http, url, token, 0, action="open", opened_on="2025-01-05")
    assert early.status_code == 400  # type: ignore[attr-defined]
    assert "The case cannot open before the incident." in early.text  # type: ignore[attr-defined]
    opened = _post(http, url, token, 0, action="open", opened_on="2025-01-07")
    assert opened.status_code == 303  # type: ignore[attr-defined]
    saved = http.post(
        url,
        data={"csrf_token": token, "version": "1", "action": "save",
              "conference_on": "2025-01-09", "participant": ["teacher", "students_involved"],
              "agreement": AGREEMENT},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    page = http.get(url).text
    assert 'value="teacher" checked' in page and 'value="counsellor" checked' not in page
    assert AGREEMENT in page and "a teacher" in page
    stale = _post(http, url, token, 1, action="save", agreement="other")
    assert stale.status_code == 409  # type: ignore[attr-defined]
    assert "reload it and make your change again" in stale.text  # type: ignore[attr-defined]
    assert _post(http, url, token, 2, action="add_followup", due="2025-01-27",
                 note=NOTE).status_code == 303  # type: ignore[attr-defined]  # fmt: skip
    # the staff's log says where each case stands: open, and the next follow-up due
    log = http.get("/schools/1/incidents/log?lang=en").text
    assert "(Open; next follow-up due Jan 27, 2025)" in log
    assert _post(http, url, token, 3, action="done_followup",
                 followup="0").status_code == 303  # type: ignore[attr-defined]  # fmt: skip
    too_early = _post(http, url, token, 4, action="recurrence", answer="no")
    assert too_early.status_code == 400  # type: ignore[attr-defined]
    assert "only once 90 days have passed" in too_early.text  # type: ignore[attr-defined]
    spanish = http.post(
        url + "?lang=es",
        data={"csrf_token": token, "version": "4", "action": "recurrence", "answer": "no"},
    )
    assert spanish.status_code == 400
    assert "Solo se puede responder «no» cuando hayan pasado 90 días" in spanish.text
    assert _post(http, url, token, 4, action="recurrence",
                 answer="yes").status_code == 303  # type: ignore[attr-defined]  # fmt: skip
    no_outcome = _post(http, url, token, 5, action="close", outcome="")  # (Spanish: the cookie)
    assert "elija el resultado y la fecha de cierre" in no_outcome.text  # type: ignore[attr-defined]
    assert _post(http, url, token, 5, action="close", outcome="partly",
                 closed_on="2025-01-20").status_code == 303  # type: ignore[attr-defined]  # fmt: skip
    log = http.get("/schools/1/incidents/log?lang=en").text
    assert "(Closed: partly repaired)" in log and "next follow-up due" not in log
    case = sqlite_only_store.restorative_case_of_incident(mine)
    assert case is not None and case.version == 6
    assert case.participants == ("students_involved", "teacher")
    assert case.followups[0].done_on is not None and case.followups[0].note == NOTE
    assert (case.status, case.outcome, case.recurred_within_90_days) == ("closed", "partly", True)
    english = http.get(url + "?lang=en").text
    assert "partly repaired" in english and 'value="yes" checked' in english
    es = http.get(url + "?lang=es").text
    assert "Caso restaurativo" in es and "reparado en parte" in es and "un maestro" in es
    # the public school page (its audit log included) says a case was recorded, nothing more
    http.post("/signout", data={"csrf_token": csrf(http.get("/schools/1").text)})
    assert http.get("/api/me").status_code == 401
    public = http.get("/schools/1").text
    assert AGREEMENT not in public and NOTE not in public
