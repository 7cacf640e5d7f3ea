"""The printed report's short section on the incidents recorded by the school: the last school
year's counts by category and the responses, hidden the same way as the page, both caveats, and
the report still 2 to 4 pages (the demo's high school with its equity section, read back from
the PDF in English and Spanish)."""

from __future__ import annotations

import io
import re
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from helpers.demo_city import DemoCity
from pypdf import PdfReader

from safeschools import reports, services
from safeschools.model.incidents import Incident
from safeschools.proximity.params import DEFAULT_PRESET
from safeschools.proximity.presets import PRESETS
from safeschools.services import evaluation as service_evaluation
from safeschools.services import incident_rates as service_incidents
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import sqlite_store

pytestmark = pytest.mark.slow

SCHOOL = "900068"
TODAY = date(2025, 8, 15)
AT = datetime(2025, 8, 1, 9)
#: 2024-25 at the school: 24 fights (12 mediated, 3 suspensions), 3 threats, 15 bullying.
PLAN = [("fight", 24), ("threat", 3), ("bullying", 15)]


@pytest.fixture(scope="module")
def store(demo_city: DemoCity, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("incident-report")
    source = demo_city.settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(source) as src, sqlite3.connect(folder / "demo.db") as dst:
        src.backup(dst)
    s = sqlite_store(folder / "demo.db")
    with s.engine.begin() as conn:
        # whatever the demo records already is left as it is: only this school's year is added
        for category, n in PLAN:
            for k in range(n):
                responses = ("mediation",) if category == "fight" and k % 2 else ()
                if category == "fight" and k < 3:
                    responses = ("suspension",)
                s.add_school_incident(
                    Incident(
                        SCHOOL,
                        datetime(2024, 9 + k % 4, 10, 11),
                        category,
                        "inside",
                        2,
                        responses=responses,
                        staff_note="STAFF-ONLY-NOTE",
                    ),
                    at=AT,
                    by=None,
                    conn=conn,
                )
    yield s
    s.dispose()


def _pdf(store: Store, settings: Settings, lang: str) -> tuple[bytes, dict]:
    index = services.exposure_index(store, settings=settings)
    profile = services.school_profile(
        store, SCHOOL, PRESETS[DEFAULT_PRESET], settings=settings, index=index
    )
    equity = service_evaluation.school_equity_report(store, SCHOOL, settings=settings, index=index)
    section = service_incidents.school_incidents_section(
        store, SCHOOL, settings=settings, today=TODAY
    )
    pdf = reports.school_report_pdf(
        profile, lang=lang, layers=services.map_layers(store), equity=equity, incidents=section
    )
    return pdf, section


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_report_has_the_section_within_its_pages(
    store: Store, demo_city: DemoCity, lang: str
) -> None:
    settings = demo_city.settings
    pdf, section = _pdf(store, settings, lang)
    pages = list(PdfReader(io.BytesIO(pdf)).pages)
    assert 2 <= len(pages) <= 4, (pages[-1].extract_text() or "")[-3000:]
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pages)
    heading = (
        "Incidentes registrados por la escuela"
        if lang == "es"
        else "Incidents recorded by the school"
    )
    assert heading in text
    caveat = "un mejor registro" if lang == "es" else "a rise can mean better recording"
    assert caveat in " ".join(text.split())
    assert "STAFF-ONLY-NOTE" not in text
    # the last complete school year (2025-26 is under way)
    year = [y for y in section["school_years"] if y["partial_reason"] != "in_progress"][-1]
    assert year["period"] == "2024-25"
    # the 3 threats are under the minimum cell size (10): hidden, and so is what gives them away
    assert year["counts"]["threat"] == {"count": None, "status": "suppressed"}
    word = "suprimido" if lang == "es" else "suppressed"
    assert word in text
    shown = {c: v["count"] for c, v in year["counts"].items() if v["status"] == "shown"}
    assert shown.get("fight") in (None, 24)
    assert not re.search(r"\bthreat[^\n]{0,12}\b3\b", text)


def test_without_the_section_the_report_is_as_before(store: Store, demo_city: DemoCity) -> None:
    index = services.exposure_index(store, settings=demo_city.settings)
    profile = services.school_profile(
        store, SCHOOL, PRESETS[DEFAULT_PRESET], settings=demo_city.settings, index=index
    )
    html = reports.school_report_html(profile, lang="en")
    assert 'id="r-incidents"' not in html
