"""No public surface shows a suppressed discipline count.

The seeded demo city has hundreds of counts under the minimum cell size. This test requests
every GET route of the application (pages, JSON API, CSV exports) for several schools, school
years, measures, reference groups and both languages, then checks every published discipline
cell against :func:`safeschools.services.equity.publication`, the one place that decides what is
hidden:

- HTML: every element with ``data-cell="school|year|measure|group"`` whose count is hidden has
  ``data-status="suppressed"`` and no digit in its text;
- JSON: every ``{"value", "status"}`` cell whose count is hidden is ``null`` and
  ``suppressed`` (with its rate per 100), and the risk and ratio beside it are ``null``;
- CSV: a hidden count, its rate, risk and ratio are the word ``suppressed``.

What the publication itself lets an outsider work out is checked with linear algebra in
tests/services/test_equity.py; here we check that no surface shows more than it.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from helpers.demo_city import DemoCity

from safeschools.app import create_app
from safeschools.metrics.suppression_tables import DISTRICT
from safeschools.services import equity as service_equity
from safeschools.settings import Settings
from safeschools.storage import Store

DIGIT = re.compile(r"\d")


class _Cells(HTMLParser):
    """Elements with a ``data-cell`` attribute: (key, status, text inside)."""

    VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[tuple[str, str, str]] = []
        self._depth = 0
        self._open: list[tuple[int, str, str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        self._depth += 1
        found = dict(attrs)
        if "data-cell" in found:
            key, status = str(found["data-cell"]), str(found.get("data-status"))
            self._open.append((self._depth, key, status, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if self._open and self._open[-1][0] == self._depth:
            _, key, status, text = self._open.pop()
            self.cells.append((key, status, "".join(text)))
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        for _, _, _, text in self._open:
            text.append(data)


class Scan:
    """The published truth and the checks, with counts of what was checked."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.pubs: dict[str, service_equity.Publication] = {}
        self.checked = {"html": 0, "json": 0, "csv": 0, "hidden": 0}

    def hidden(self, school: str | None, year: str, measure: str, group: str) -> bool:
        if year not in self.pubs:
            self.pubs[year] = service_equity.publication(
                self.store, school_year=year, settings=self.settings
            )
        pub = self.pubs[year]
        row = DISTRICT if school in (None, "", "district") else str(school)
        assert pub.has(row, measure, group), f"a surface shows {row} {year} {measure} {group}"
        return pub.is_hidden(row, measure, group)

    def html(self, url: str, text: str) -> None:
        parser = _Cells()
        parser.feed(text)
        for key, status, inner in parser.cells:
            school, year, measure, group = key.split("|")
            self.checked["html"] += 1
            if self.hidden(school, year, measure, group):
                self.checked["hidden"] += 1
                assert status == "suppressed", (url, key, status, inner)
                assert not DIGIT.search(inner), (url, key, inner)

    def json(self, url: str, data: Any, context: dict[str, Any] | None = None) -> None:
        context = dict(context or {})
        if isinstance(data, list):
            for item in data:
                self.json(url, item, context)
            return
        if not isinstance(data, dict):
            return
        if {"value", "status"} <= set(data) and "measure" in context:
            self._json_cell(url, data, context)
            return
        for name in ("school_id", "school_year", "measure", "group"):
            if isinstance(data.get(name), str) or (name == "school_id" and name in data):
                context[name] = data[name]
        count = data.get("count")
        if isinstance(count, dict) and count.get("status") == "suppressed":
            for name in ("risk", "ratio", "ci_low", "ci_high", "composition", "risk_difference"):
                assert data.get(name) is None, (url, name, data)
        for name, value in data.items():
            if name == "values" and isinstance(value, dict):
                for measure, cell in value.items():
                    self.json(url, cell, {**context, "measure": measure, "group": "all"})
            else:
                self.json(url, value, context)

    def _json_cell(self, url: str, cell: dict[str, Any], context: dict[str, Any]) -> None:
        self.checked["json"] += 1
        school = context.get("school_id")
        group = context.get("group", "all")
        if self.hidden(school, context["school_year"], context["measure"], group):
            self.checked["hidden"] += 1
            assert cell["value"] is None and cell["status"] == "suppressed", (url, context)
            assert cell.get("per_100") is None, (url, context)

    def csv(self, url: str, text: str) -> None:
        rows = list(csv.DictReader(io.StringIO(text)))
        if not rows or not {"school_id", "school_year", "measure", "count"} <= set(rows[0]):
            return
        for row in rows:
            if row["measure"] == "shootings_near":
                continue
            self.checked["csv"] += 1
            school = None if row["school_id"] in ("", "district") else row["school_id"]
            group = row.get("group") or "all"
            if self.hidden(school, row["school_year"], row["measure"], group):
                self.checked["hidden"] += 1
                for name in (
                    "count",
                    "per_100",
                    "risk",
                    "risk_ratio",
                    "ci_low",
                    "ci_high",
                    "risk_difference",
                    "share_of_outcome",
                ):
                    if name in row:
                        assert row[name] == "suppressed", (url, name, row)


def _get_paths(app: Any) -> set[str]:
    paths: set[str] = set()
    for route in app.router.routes:
        routes = route.original_router.routes if hasattr(route, "original_router") else [route]
        for r in routes:
            if "GET" in (getattr(r, "methods", None) or ()):
                paths.add(r.path)
    return paths


def _schools(store: Store, settings: Settings) -> list[str]:
    """Schools with the most hidden cells, one that removed officers, one without figures."""
    pub = service_equity.publication(store, school_year="2023-24", settings=settings)
    hidden: dict[str, int] = {}
    for school, _ in pub.hidden:
        hidden[school] = hidden.get(school, 0) + 1
    busiest = sorted((s for s in hidden if s != DISTRICT), key=lambda s: -hidden[s])[:3]
    removed = next(s for s, y in sorted(service_equity.removal_years(store).items()) if y)
    return [*busiest, removed]


def _urls(paths: set[str], schools: list[str]) -> list[str]:
    years = ["2016-17", "2020-21", "2022-23", "2023-24"]
    measures = ["students_oss", "students_iss", "students_police_notification", "students_expelled"]
    variants = [f"year={y}" for y in years] + [f"measure={m}" for m in measures]
    variants += ["reference=white", "reference=female", "lang=es"]
    urls: list[str] = []
    for path in sorted(paths):
        if path in ("/docs/oauth2-redirect", "/signout"):
            continue
        if path == "/api/export/{table}.{fmt}":
            urls += ["/api/export/schools.csv", "/api/export/exposure.csv"]
            continue
        if "{" in path and "{school_id}" not in path:
            continue  # pools, plans of a year: nothing about discipline (404 on the demo)
        concrete = (
            [path.replace("{school_id}", s) for s in schools] if "{school_id}" in path else [path]
        )
        for url in concrete:
            urls.append(url)
            if "equity" in url or "outcomes" in url or "evaluation" in url:
                urls += [f"{url}?{v}" for v in variants]
    urls += [f"/equity?dimension={d}" for d in ("sex", "program")]
    urls += [
        f"/evaluation?outcome={o}"
        for o in ("suspensions", "students_police_notification", "shootings_near")
    ]
    urls += ["/equity.csv", "/api/equity.csv?year=2020-21", "/?lang=es", "/officers?lang=es"]
    return urls


def test_no_page_export_or_api_response_shows_a_suppressed_count(
    demo_city: DemoCity,
) -> None:
    store, settings = demo_city
    scan = Scan(store, settings)
    app = create_app(settings, store=store)
    schools = _schools(store, settings)
    with TestClient(app) as client:
        paths = _get_paths(app)
        assert {"/equity", "/api/equity.csv", "/api/schools/{school_id}/outcomes.csv"} <= paths
        statuses: dict[str, int] = {}
        for url in _urls(paths, schools):
            response = client.get(url)
            statuses[url] = response.status_code
            if response.status_code != 200:
                continue
            kind = response.headers.get("content-type", "")
            if "html" in kind:
                scan.html(url, response.text)
            elif "json" in kind:
                scan.json(url, response.json())
            elif "csv" in kind:
                scan.csv(url, response.text)
    ok = [u for u, s in statuses.items() if s == 200]
    assert len(ok) > 150, statuses
    for url in ("/equity", "/evaluation", f"/schools/{schools[0]}/equity"):
        assert statuses[url] == 200
    assert scan.checked["html"] > 1000 and scan.checked["json"] > 500
    assert scan.checked["csv"] > 100 and scan.checked["hidden"] > 500, scan.checked


def test_the_report_pdf_of_a_school_is_built_from_the_same_cells(
    demo_city: DemoCity, tmp_path: Path
) -> None:
    """The PDF is rendered from the report page, which the scan above covers; check that the
    report page of a school with hidden counts carries the markers and no hidden number."""
    store, settings = demo_city
    scan = Scan(store, settings)
    school = _schools(store, settings)[0]
    with TestClient(create_app(settings, store=store)) as client:
        page = client.get(f"/schools/{school}/report")
        assert page.status_code == 200
        before = scan.checked["hidden"]
        scan.html("report", page.text)
        assert scan.checked["hidden"] > before
        pdf = client.get(f"/schools/{school}/report.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
