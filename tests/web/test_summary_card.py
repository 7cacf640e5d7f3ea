"""A school's page opens with one card: the school, the dates counted, the victims near it with
its rank and the district median, its officers by year, the council's decisions, its trade-in
share and what its plan buys, and its safety plan, in English and Spanish; then the governance
history as one timeline. The JSON profile carries the same summary."""

from __future__ import annotations

import json

import pytest
from helpers.governed_city import load_governed_city
from web_city import Pages, parse, select

from safeschools.app import create_app
from safeschools.settings import Settings
from safeschools.storage import Store


@pytest.fixture
def governed_pages(sqlite_only_store: Store, settings: Settings) -> Pages:
    load_governed_city(sqlite_only_store, settings)
    return Pages(create_app(settings, store=sqlite_only_store))


def _card(pages: Pages, url: str) -> dict[str, str]:
    response = pages.get(url)
    assert response.status_code == 200, response.text[:300]
    root = parse(response.text)
    main = select(root, "main")[0]
    first = next(n for n in main.walk() if n.tag == "section")
    assert first.attrs.get("id") == "summary", "the summary card is the page's first section"
    parts = select(root, "section#summary div.summary-part")
    return {p.attrs["id"].removeprefix("summary-"): " ".join(p.all_text().split()) for p in parts}


def test_the_card_says_each_part_in_english(governed_pages: Pages) -> None:
    card = _card(governed_pages, "/schools/1?lang=en")
    assert list(card) == ["school", "period", "victims", "officers", "decisions", "funds", "plan"]
    assert "1 W Alpha St" not in card["school"]  # the funds city has no addresses
    assert "school year 2024-25" in card["school"]
    assert card["period"].endswith("Oct 2, 2024 to Dec 1, 2024")
    assert "2 victims within 500 yd (457.2 m), 0 of them killed." in card["victims"]
    assert "Rank 1 of the 2 schools with victims near them." in card["victims"]
    assert "District median: 1 victims near a school (of 3 schools)." in card["victims"]
    assert "Definition: The Trace, 500 yards (2024)." in card["victims"]
    assert "2021-22 to 2022-23: 2 officers; 2023-24: 1 officer; 2024-25: none" in card["officers"]
    assert (
        "May 10, 2024: council vote recorded here, Passed, keep 0 officer(s) in 2024-25"
        in (card["decisions"])
    )
    assert "Share: $33,333.34; planned: $30,000.00; not yet planned: $3,333.34." in card["funds"]
    assert "The plan buys: Social worker × 1." in card["funds"]
    assert "2024-25: Approved (approved on Feb 3, 2025)." in card["plan"]


def test_the_card_in_spanish_has_no_english_code(governed_pages: Pages) -> None:
    card = _card(governed_pages, "/schools/1?lang=es")
    text = " ".join(card.values())
    assert "2 víctimas a menos de 500 yardas (457,2 m); 0 de ellas murieron." in text
    assert "Mediana del distrito: 1 víctimas cerca de una escuela (de 3 escuelas)." in text
    assert "2021-22 a 2022-23: 2 policías escolares; 2023-24: 1 policía escolar" in text
    assert "Aprobada" in text or "Aprobado" in text
    assert "Trabajador(a) social × 1" in text
    assert "33.333,34" in text
    for english in ("Passed", "approved", "Social worker", "social_worker", "none", "officer"):
        assert english not in text, english


def test_nothing_recorded_is_said_in_words(governed_pages: Pages) -> None:
    card = _card(governed_pages, "/schools/2?lang=en")
    assert "No officer assignment is recorded for this school." in card["officers"]
    assert "No council decision is recorded." in card["decisions"]
    assert "No safety plan is recorded." in card["plan"]
    assert "No spending planned yet." in card["funds"]
    root = parse(governed_pages.get("/schools/2?lang=en").text)
    flags = {p.attrs["id"]: p.attrs["data-recorded"] for p in select(root, "div.summary-part")}
    assert flags["summary-officers"] == "false" and flags["summary-victims"] == "true"
    card = _card(governed_pages, "/schools/3?lang=en")
    assert "No victim within 500 yd (457.2 m) under this definition." in card["victims"]


def test_a_question_the_data_cannot_answer_shows_no_zero(governed_pages: Pages) -> None:
    card = _card(governed_pages, "/schools/1?lang=en&since=2010-01-01&until=2010-12-31")
    assert card["victims"].startswith("Victims near the school Not counted:")
    assert "District median" not in card["victims"] and " 0 " not in card["victims"]
    assert "No data for the dates asked" in card["period"]


def test_the_timeline_is_one_full_list_in_both_languages(governed_pages: Pages) -> None:
    root = parse(governed_pages.get("/schools/1?lang=en").text)
    years = select(root, "section#timeline li.timeline-year")
    assert [select(y, "h3")[0].all_text().strip() for y in years] == [
        "School year 2021-22",
        "School year 2022-23",
        "School year 2023-24",
        "School year 2024-25",
    ]
    kinds = [e.attrs["data-kind"] for e in select(root, "section#timeline li.timeline-event")]
    assert kinds == ["officers", "officers", "officers", "vote", "vote", "officers", "money",
                     "plan"]  # fmt: skip
    text = " ".join(select(root, "section#timeline")[0].all_text().split())
    assert "Invalid: no quorum" in text and "Adopt the minutes" in text
    es = " ".join(
        select(parse(governed_pages.get("/schools/1?lang=es").text), "section#timeline")[0]
        .all_text()
        .split()
    )
    assert "No válida: sin quórum" in es and "Año escolar 2024-25" in es
    assert "no quorum" not in es and "Passed" not in es


def test_the_api_profile_carries_the_same_summary(governed_pages: Pages) -> None:
    body = json.loads(governed_pages.get("/api/schools/1").text)
    summary = body["summary"]
    assert summary["victims"]["district_median"] == 1.0
    assert summary["funds"]["share_cents"] == 3_333_334
    assert summary["safety_plan"]["status"] == "approved"
    assert [e["kind"] for e in body["timeline"]][-1] == "plan"


def test_the_overview_opens_with_the_headline_and_the_form(governed_pages: Pages) -> None:
    html = governed_pages.get("/?lang=en").text
    order = [html.index(marker) for marker in ('class="lede"', 'class="figures"',
             'form id="definition"', 'id="district-map"', 'id="school-table"',
             'id="trends"')]  # fmt: skip
    assert order == sorted(order), "headline, then the form, then the map, table and charts"
