"""The funds forms: an administrator compares formulas and adopts one on /funds; a school's
editor adds and changes spending-plan lines on the school page. CSRF, who may post, the
service's own messages (over the share, stale versions), and what the public then sees."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from helpers.forms import csrf, sign_in
from helpers.funds_city import PASSWORD, YEAR, accounts, load_funds_city

from safeschools.app import create_app
from safeschools.model import User
from safeschools.services import funds as service_funds
from safeschools.services import spending as service_spending
from safeschools.settings import Settings
from safeschools.storage import Store


@pytest.fixture
def store(sqlite_only_store: Store, settings: Settings) -> Store:
    load_funds_city(sqlite_only_store, settings)
    admin, _one, _two = accounts(sqlite_only_store, settings)
    service_funds.create_pool(
        sqlite_only_store,
        admin,
        school_year=YEAR,
        label="SRO contract",
        amount_cents=45_000_000,
        source_note="ended contract",
        settings=settings,
    )
    return sqlite_only_store


@pytest.fixture
def http(store: Store, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=store)) as client:
        yield client


def _user(store: Store, email: str) -> User:
    found = store.user_by_email(email)
    assert found is not None
    return found[0]


def _adopt_equal(store: Store, settings: Settings) -> None:
    service_funds.adopt(store, _user(store, "admin@x.org"), 1, formula="equal", settings=settings)


def test_admin_compares_and_adopts(http: TestClient, store: Store) -> None:
    public = http.get("/funds?lang=en").text
    assert 'id="funds-whatif"' in public and 'id="funds-adopt-form"' not in public
    assert "not adopted yet" in public
    token = csrf(http.get("/signin").text)
    refused = http.post(
        "/funds/pools/1/adopt", data={"formula": "equal", "csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert (
        refused.status_code == 303 and refused.headers["location"] == "/signin?next=/funds?pool=1"
    )
    # an editor is signed in but may not adopt for the district
    token = sign_in(http, "one@x.org", PASSWORD, then="/signin")
    assert 'id="funds-adopt-form"' not in http.get("/funds").text
    editor = http.post("/funds/pools/1/adopt", data={"formula": "equal", "csrf_token": token})
    assert editor.status_code == 403 and "may not change" in editor.text
    assert store.allocations(1) == []
    token = sign_in(http, "admin@x.org", PASSWORD, then="/funds")
    page = http.get("/funds", params={"pool": 1, "formula": ["equal", "enrollment"]}).text
    assert 'id="funds-whatif-form"' in page and 'id="funds-adopt-form"' in page
    table = page.split('id="funds-whatif"')[1].split("</table>")[0]
    # the two formulas asked for, school by school: 450,000 equally and by enrollment 3:2:1
    assert re.findall(r'<th scope="col">([^<]+)</th>', table) == [
        "School",
        "the same share for every school",
        "by enrollment",
        "Difference",
    ]
    assert "$150,000.00" in table and "$225,000.00" in table and "$75,000.00" in table
    without = http.post("/funds/pools/1/adopt", data={"formula": "equal"})
    assert without.status_code == 403 and store.allocations(1) == []
    done = http.post(
        "/funds/pools/1/adopt", data={"formula": "enrollment", "csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/funds?pool=1#funds-whatif"
    unknown = http.post("/funds/pools/1/adopt", data={"formula": "lottery", "csrf_token": token})
    assert unknown.status_code == 400 and "Unknown formula" in unknown.text
    assert [a.formula for a in store.allocations(1)] == ["enrollment"]
    assert http.post("/signout", data={"csrf_token": token}).status_code == 200
    after = http.get("/funds?lang=en").text
    assert "adopted, version 1" in after and "Version 1: by enrollment" in after
    school = http.get("/schools/1?lang=en").text.split('id="funds"')[1].split("</section>")[0]
    assert "$225,000.00" in school


def test_editor_plans_spending(http: TestClient, store: Store, settings: Settings) -> None:
    _adopt_equal(store, settings)
    assert 'id="spending-add-1"' not in http.get("/schools/1").text
    token = csrf(http.get("/signin").text)
    line = {"pool_id": "1", "item": "social_worker", "quantity": "1", "csrf_token": token}
    public = http.post("/schools/1/spending", data=line, follow_redirects=False)
    assert public.status_code == 303 and public.headers["location"] == "/signin?next=/schools/1"
    token = sign_in(http, "one@x.org", PASSWORD, then="/schools/1")
    line["csrf_token"] = token
    page = http.get("/schools/1").text
    assert 'id="spending-add-1"' in page and 'value="social_worker"' in page
    assert http.post("/schools/1/spending", data={**line, "csrf_token": ""}).status_code == 403
    assert http.post("/schools/2/spending", data=line).status_code == 403
    assert store.spending_lines() == []
    added = http.post("/schools/1/spending", data=line, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"] == "/schools/1#funds"
    over = http.post("/schools/1/spending", data=line)
    assert over.status_code == 400
    assert "over its share: share $150,000.00, already planned $110,000.00" in over.text
    assert "excess $70,000.00" in over.text
    mentoring = {
        **line,
        "item": "mentoring",
        "quantity": "2",
        "cost": "12,500.50",
        "note": "2 cohorts",
    }
    assert http.post("/schools/1/spending", data=mentoring).status_code == 200
    garbled = http.post("/schools/1/spending", data={**mentoring, "cost": "lots"})
    assert garbled.status_code == 400 and "not an amount in dollars" in garbled.text
    lines = store.spending_lines(school_id="1")
    assert [(x.item_code, x.quantity, x.unit_cost_cents) for x in lines] == [
        ("social_worker", 1, 11_000_000),
        ("mentoring", 2, 1_250_050),
    ]
    first = lines[0]
    # changing the first line to 2 social workers would go over the share too
    change = {"version": str(first.version), "quantity": "2", "csrf_token": token}
    refused = http.post(f"/schools/1/spending/{first.id}", data=change)
    assert refused.status_code == 400 and "over its share" in refused.text
    elsewhere = http.post(f"/schools/2/spending/{first.id}", data=change)
    assert elsewhere.status_code == 404
    removed = http.post(
        f"/schools/1/spending/{lines[1].id}",
        data={"version": str(lines[1].version), "remove": "1", "csrf_token": token},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    stale = http.post(
        f"/schools/1/spending/{first.id}",
        data={**change, "quantity": "1", "version": str(first.version + 5)},
    )
    assert stale.status_code == 409 and "changed" in stale.text.lower()
    assert [x.item_code for x in store.spending_lines(school_id="1")] == ["social_worker"]
    assert http.post("/signout", data={"csrf_token": token}).status_code == 200
    public_page = http.get("/schools/1?lang=en").text
    section = public_page.split('id="funds"')[1].split("</section>")[0]
    assert "Social worker × 1: $110,000.00" in section and "Mentoring" not in section
    assert 'id="spending-add-1"' not in section
    audit = public_page.split('id="audit"')[1]
    assert "a line of the spending plan" in audit
    assert "@x.org" not in audit and "school&#39;s editor" in audit  # a role, never an email
    spanish = http.get("/schools/1?lang=es").text
    assert "Trabajador(a) social × 1: $110.000,00" in spanish


def test_editor_of_another_school_sees_no_spending_form(
    http: TestClient, store: Store, settings: Settings
) -> None:
    _adopt_equal(store, settings)
    sign_in(http, "two@x.org", PASSWORD, then="/schools/2")
    assert 'id="spending-add-1"' in http.get("/schools/2").text
    assert 'id="spending-add-1"' not in http.get("/schools/1").text
    es = http.get("/schools/2?lang=es").text
    assert "Añadir al plan de gastos" in es and "Costo de uno, en dólares" in es


def test_overview_shows_funds(http: TestClient, store: Store, settings: Settings) -> None:
    before = http.get("/?lang=en").text
    section = before.split('id="overview-funds"')[1].split("</section>")[0]
    assert "SRO contract" in section and "not adopted yet" in section
    assert "Shared out to schools: $0.00" in section and 'href="/funds"' in section
    _adopt_equal(store, settings)
    one = _user(store, "one@x.org")
    service_spending.add_plan_line(store, one, "1", item="social_worker", settings=settings)
    english = http.get("/?lang=en").text.split('id="overview-funds"')[1].split("</section>")[0]
    assert "adopted, version 1" in english
    assert "Shared out to schools: $450,000.00; planned by the schools: $110,000.00." in english
    assert "Social worker × 1: $110,000.00" in english
    spanish = http.get("/?lang=es").text.split('id="overview-funds"')[1].split("</section>")[0]
    assert "Fondos para alternativas a los policías" in spanish
    assert "Repartido entre las escuelas: $450.000,00" in spanish
