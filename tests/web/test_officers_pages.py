"""Officers and council votes on the school page and the district's /officers page, in both
languages."""

from __future__ import annotations

from datetime import date

from web_city import Pages, parse, select

from safeschools import services
from safeschools.app import create_app
from safeschools.services import council as service_council
from safeschools.services import officers as service_officers
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import real_data

PASSWORD = "correct horse battery"
ROLES_12 = ["principal", "teacher", "teacher"] + ["parent"] * 6 + ["staff"] + ["community"] * 2


def _record(store: Store, settings: Settings) -> None:
    admin = services.create_user(
        store, email="admin@x.org", password=PASSWORD, role="admin", settings=settings
    )
    service_officers.set_officers(
        store,
        admin,
        school_id="1",
        school_year="2022-23",
        officers=2,
        read_version=0,
        settings=settings,
    )
    members = [
        service_council.add_council_member(
            store,
            admin,
            school_id="1",
            name=f"Member {i}",
            role=role,
            term_start=date(2022, 7, 1),
            settings=settings,
        )
        for i, role in enumerate(ROLES_12)
    ]
    meeting = service_council.add_council_meeting(
        store, admin, school_id="1", meeting_date=date(2023, 5, 10), settings=settings
    )
    for n in (6, 8):
        service_council.record_motion(
            store,
            admin,
            school_id="1",
            meeting_id=meeting.id,
            topic="officers",
            text="Keep one officer",
            officer_decision=1,
            ballots={m.id: "yes" for m in members[:n]},
            school_kind="elementary",
            settings=settings,
        )


def test_school_page_shows_officers_and_votes(sqlite_city: Store, settings: Settings) -> None:
    _record(sqlite_city, settings)
    pages = Pages(create_app(settings, store=sqlite_city))
    english = parse(pages.get("/schools/1").text)
    officers = select(english, "section#officers")[0].all_text()
    assert "2023-24" in officers and "2022-23" in officers and "council" in officers
    votes = select(english, "section#council-votes")[0].all_text()
    assert "Invalid: no quorum" in votes and "Passed" in votes and "Rule applied:" in votes
    spanish = parse(pages.get("/schools/1?lang=es").text)
    votes_es = select(spanish, "section#council-votes")[0].all_text()
    assert "No válida: sin quórum" in votes_es and "Aprobada" in votes_es
    assert "Policías escolares asignados" in select(spanish, "section#officers")[0].all_text()
    assert "Not recorded yet." in select(english, "section#funds")[0].all_text()
    report = pages.get("/schools/1/report?lang=en")
    assert report.status_code == 200 and "Invalid: no quorum" in report.text


def test_district_officers_page(sqlite_city: Store, settings: Settings) -> None:
    for name in ("sro_decisions.csv", "sro_aggregates.csv"):
        service_officers.ingest_officers_file(
            sqlite_city, real_data("cps-sro-decisions", name), settings=settings
        )
    pages = Pages(create_app(settings, store=sqlite_city))
    response = pages.get("/officers")
    assert response.status_code == 200
    root = parse(response.text)
    assert select(root, "svg#officers-chart")
    # every school year from 2019-20 to 2024-25; the two without a record are unknown, not 0
    assert len(select(root, "table#officers-recorded-table tbody tr")) == 6
    assert len(select(root, "table#officers-recorded-table [data-unknown]")) == 2
    published = select(root, "table#officers-published-table")[0].all_text()
    assert "about 70" in published and "57 officers at 39 high schools" in published
    summary = select(root, "section#council-summary")[0].all_text()
    assert "2020 council vote on keeping officers" in summary and "2020_lsc_vote" not in summary
    spanish = parse(pages.get("/officers?lang=es").text)
    assert "Policías escolares (SRO) en el distrito" in spanish.all_text()


def test_district_officers_page_when_empty(sqlite_only_store: Store, settings: Settings) -> None:
    pages = Pages(create_app(settings, store=sqlite_only_store))
    response = pages.get("/officers")
    assert response.status_code == 200 and "Not recorded yet." in response.text


def test_each_vote_cites_the_rule_it_was_decided_by(sqlite_city: Store, settings: Settings) -> None:
    _record(sqlite_city, settings)
    pages = Pages(create_app(settings, store=sqlite_city))
    english = select(parse(pages.get("/schools/1").text), "section#council-votes")[0].all_text()
    assert "(Illinois School Code, 105 ILCS 5/34-2.2(c))" in english
    assert "not yet confirmed against the School Code's text" in english
    spanish = parse(pages.get("/schools/1?lang=es").text)
    votes_es = select(spanish, "section#council-votes")[0].all_text()
    assert "(Código Escolar de Illinois, 105 ILCS 5/34-2.2(c))" in votes_es
    assert "Se aprueba con la mayoría de los miembros presentes" in votes_es
    assert "Quorum:" not in votes_es
