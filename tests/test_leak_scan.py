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

Words are data too. Every text node and attribute of every page, every JSON string and every CSV
cell, in English and Spanish, is read by :func:`small_counts`: a sentence must not carry a count
under the minimum cell size, of a group or of its comparison group ("8 of all other students
had the outcome"), nor any small number beside the words of a reason ("Not calculated",
"suppressed", "minimum cell size"). The same scan runs on 300 seeded random publications, and a
planted old-wording reason proves it catches a leak on every surface.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from helpers.demo_city import DemoCity

from safeschools.app import create_app
from safeschools.metrics.suppression_tables import DISTRICT
from safeschools.model.calendars import school_year_of
from safeschools.services import disparity as service_disparity
from safeschools.services import equity as service_equity
from safeschools.services import publication as service_publication
from safeschools.services.outcomes import INCIDENT_MEASURES
from safeschools.services.police_at_school import crime_matches
from safeschools.settings import Settings
from safeschools.storage import Store

DIGIT = re.compile(r"\d")

#: A whole number standing alone: not part of a decimal (3.0, 3,0), a range or school year
#: (9-12, 2021-22), a date or time (1/31, 2:05), an amount ($5) or an identifier (v2, 609772).
_NUMBER = r"(?<![\w.,$/:\-–−])(\d+)(?![\w%]|[.,:/\-–]\d)"
#: A count of students: the number, then up to four words, then "students" (or Spanish).
_STUDENT_COUNT = re.compile(
    _NUMBER + r"\s+(?:[^\s.;:]+\s+){0,4}?(?:students?|estudiantes?|alumn[oa]s?)\b", re.I
)
#: The words of a reason why a number is not shown, in English and Spanish.
_REASON = re.compile(
    r"not calculated|no calculad|hidden|ocult|suppress|suprimid|minimum|mínimo|below the|"
    r"por debajo|had the outcome|tuvieron el resultado|enrolled|inscrit",
    re.I,
)
#: Numbers a reason may carry that are not counts: years in a row, percentages.
_NOT_A_COUNT = re.compile(
    r"\s*(?:consecutive|years?|school years?|a[ñn]os?|%|percent|por ciento)", re.I
)

#: A range of numbers ("from 1 to 9", "de 1 a 9"): the rule, not a count.
_RANGE = re.compile(r"(?<![\d.,])\d+\s+(?:to|a|through|hasta)\s+\d+(?![\d]|[.,]\d)", re.I)


def small_counts(text: str, min_cell: int) -> list[str]:
    """The pieces of ``text`` that publish a count under ``min_cell`` (1 to min_cell - 1): a
    number of students, or any number in a sentence giving a reason. Empty when clean.

    Examples
    --------
    >>> small_counts("Not calculated: 8 of all other students had the outcome.", 10)
    ['8 of all other students']
    >>> small_counts("Not calculated: fewer than 10 of all other students had the outcome.", 10)
    []
    """
    found = []
    for match in _STUDENT_COUNT.finditer(text):
        if 0 < int(match.group(1)) < min_cell:
            found.append(match.group(0))
    for sentence in re.split(r"(?<=[.;!?])\s+", text):
        if not _REASON.search(sentence):
            continue
        sentence = _RANGE.sub("", sentence)  # "every count from 1 to 9" states the rule
        for match in re.finditer(_NUMBER, sentence):
            value = int(match.group(1))
            after = sentence[match.end() :]
            if 0 < value < min_cell and not _NOT_A_COUNT.match(after):
                piece = sentence[max(0, match.start() - 30) : match.end() + 30]
                if not any(piece in f or f in piece for f in found):
                    found.append(piece)
    return found


#: Elements whose text is read as one piece (a sentence split by markup is joined again).
_BLOCKS = frozenset(
    {"p", "li", "td", "th", "caption", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "dt"}
    | {"dd", "label", "option", "button", "title", "desc", "text", "summary", "legend"}
)


class _Texts(HTMLParser):
    """Every text node, the joined text of every block (a paragraph, a cell, a chart label)
    and every attribute value of a page. Text inside a chart is joined only within its own
    labels, never with the tick labels around it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._svg = 0
        self._open: list[tuple[str, int, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.texts += [v for k, v in attrs if v and k not in ("href", "src", "d", "points")]
        if tag == "svg":
            self._svg += 1
        if tag in _BLOCKS:
            self._open.append((tag, self._svg, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._svg = max(0, self._svg - 1)
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                self.texts.append(" ".join(self._open[i][2]))
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        if not data.strip():
            return
        self.texts.append(data)
        for _, level, parts in self._open:
            if level == self._svg:
                parts.append(data.strip())


def page_texts(html: str) -> list[str]:
    """Text nodes, blocks and attribute values of a page (see :class:`_Texts`)."""
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def json_strings(data: Any) -> list[str]:
    """Every string in a JSON document (values; keys are names)."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in json_strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in json_strings(v)]
    return []


def csv_cells(text: str) -> list[str]:
    """Every cell of a CSV, its ``#`` note lines included."""
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


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
        self.incident_counts: dict[tuple[str, str, str], int] | None = None
        self.checked = {"html": 0, "json": 0, "csv": 0, "hidden": 0, "texts": 0}
        self.leaks: list[tuple[str, str]] = []

    def words(self, url: str, texts: list[str]) -> None:
        """Every text of a response: no count under the minimum cell size in words."""
        for text in texts:
            self.checked["texts"] += 1
            self.leaks += [
                (url, piece) for piece in small_counts(text, self.settings.min_cell_size)
            ]

    def response(self, url: str, kind: str, body: str) -> None:
        """The cells and the words of one response, by its content type."""
        if "html" in kind:
            self.html(url, body)
            self.words(url, page_texts(body))
        elif "json" in kind:
            data = json.loads(body)
            self.json(url, data)
            self.words(url, json_strings(data))
        elif "csv" in kind:
            self.csv(url, body)
            self.words(url, csv_cells(body))

    def _incident_count(self, row: str, year: str, measure: str) -> int:
        """The true count of an incident outcome (issue 14), from the store's records: the
        incidents a school recorded, the crimes matched to it; the district's is their sum."""
        if self.incident_counts is None:
            counts: dict[tuple[str, str, str], int] = defaultdict(int)
            for i in self.store.school_incidents():
                key_year = school_year_of(i.occurred_at.date())
                for r in (i.school_id, DISTRICT):
                    counts[(r, key_year, "incidents_recorded")] += 1
            for m in crime_matches(self.store, settings=self.settings):
                if m.match.status == "matched":
                    key_year = school_year_of(m.crime.occurred_at.date())
                    for r in (str(m.match.school_id), DISTRICT):
                        counts[(r, key_year, "police_at_school")] += 1
            self.incident_counts = dict(counts)
        return self.incident_counts.get((row, year, measure), 0)

    def hidden(self, school: str | None, year: str, measure: str, group: str) -> bool:
        if measure in INCIDENT_MEASURES:
            # a count under the minimum cell size must be hidden (a larger one may be hidden
            # too, so that it cannot give a small one away: not checked here)
            row = DISTRICT if school in (None, "", "district") else str(school)
            n = self._incident_count(row, year, measure)
            return 0 < n < self.settings.min_cell_size
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
                # an incident count of a year the school recorded only in part is not
                # published at all ("not reported"): hidden too, without a number
                if measure in INCIDENT_MEASURES:
                    assert status in ("suppressed", "not reported"), (url, key, status, inner)
                else:
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
        lines = [line for line in text.splitlines(keepends=True) if not line.startswith("#")]
        rows = list(csv.DictReader(io.StringIO("".join(lines))))
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
        urls = _urls(paths, schools)
        # every page in Spanish too (the JSON and CSV are the same in both languages)
        urls += [
            f"{u}?lang=es"
            for u in urls
            if not u.startswith("/api/") and "?" not in u and not u.endswith((".csv", ".pdf"))
        ]
        for url in urls:
            response = client.get(url)
            statuses[url] = response.status_code
            if response.status_code != 200:
                continue
            scan.response(url, response.headers.get("content-type", ""), response.text)
    assert scan.leaks == [], scan.leaks[:20]
    ok = [u for u, s in statuses.items() if s == 200]
    assert len(ok) > 150, statuses
    for url in ("/equity", "/evaluation", f"/schools/{schools[0]}/equity"):
        assert statuses[url] == 200
    assert scan.checked["html"] > 1000 and scan.checked["json"] > 500
    assert scan.checked["csv"] > 100 and scan.checked["hidden"] > 500, scan.checked
    assert scan.checked["texts"] > 100_000, scan.checked


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
        scan.response("report", "text/html", page.text)
        assert scan.checked["hidden"] > before and scan.leaks == []
        pdf = client.get(f"/schools/{school}/report.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


# ---------------------------------------------------------------------- the scan catches a leak
#: Reasons as main wrote them before issue 11, in both languages: each carries a hidden count.
OLD_WORDING = [
    "Not calculated: 8 of all other students had the outcome, below the minimum cell size of 10.",
    "Not calculated: 3 students in the group had the outcome, below the minimum cell size of 10.",
    "Not calculated: 9 of White students are enrolled, below the minimum n-size of 30.",
    "No calculado: 8 de todos los demás estudiantes tuvieron el resultado, por debajo del tamaño "
    "mínimo de celda de 10.",
    "No calculado: 2 estudiantes del grupo tuvieron el resultado, por debajo del tamaño mínimo de "
    "celda de 10.",
    "No calculado: hay 7 de all other students inscritos, por debajo del tamaño mínimo de grupo "
    "de 30.",
    "Hidden: 4 students had the outcome.",
]


def test_the_scan_flags_every_old_reason_and_passes_the_new_ones() -> None:
    from safeschools.metrics.disparity import risk_ratio
    from safeschools.render.i18n import language

    for sentence in OLD_WORDING:
        assert small_counts(sentence, 10), sentence
    new = [
        risk_ratio(*args).reason or ""
        for args in [(8, 400, 30, 600), (12, 29, 30, 600), (12, 40, 9, 600), (12, 40, 12, 20)]
    ]
    for lang in ("en", "es"):
        for sentence in new:
            text = language(lang).text(sentence)
            assert text != sentence or lang == "en"
            assert small_counts(text, 10) == [], text
    # counts at or above the minimum, years in a row and ranges are not leaks
    for fine in (
        "12 students in the group had the outcome.",
        "Identified after 3 consecutive flagged years. Counts under 10 are suppressed.",
        "Grades 9-12 students; 2021-22; risk ratio 3.0 (1.97-4.56).",
        'Todo conteo de 1 a 9 aparece como "suprimido".',
        "Por 100 estudiantes inscritos (intervalo de confianza del 95%: −1,24 a 4,87).",
    ):
        assert small_counts(fine, 10) == [], fine


def _first_reason_row(table: dict[str, Any]) -> dict[str, Any]:
    return next(c for r in table["rows"] for c in r["cells"] if c["reason"])


def test_a_planted_count_in_a_reason_is_caught_on_every_surface(demo_city: DemoCity) -> None:
    """A reason carrying a hidden count, planted in the JSON, the CSV and the page as each
    surface writes it (text, tooltip, aria-label): the scan fails on each."""
    store, settings = demo_city
    table = service_equity.district_disparity(store, settings=settings)
    planted = _first_reason_row(table)
    planted["reason"] = OLD_WORDING[0]
    with TestClient(create_app(settings, store=store)) as client:
        html = client.get("/equity").text
        es = client.get("/equity?lang=es").text
    surfaces = {
        "json": ("application/json", json.dumps(table)),
        "csv": ("text/csv", service_equity.disparity_csv(table)),
        "text": ("text/html", html.replace("</main>", f"<p>{OLD_WORDING[0]}</p></main>")),
        "title": ("text/html", html.replace("<table", f'<table title="{OLD_WORDING[1]}"', 1)),
        "aria": ("text/html", html.replace("<table", f'<table aria-label="{OLD_WORDING[2]}"', 1)),
        "es": ("text/html", es.replace("</main>", f"<p>{OLD_WORDING[3]}</p></main>")),
    }
    for name, (kind, body) in surfaces.items():
        scan = Scan(store, settings)
        scan.words(name, [])  # nothing yet
        if kind == "text/html":
            scan.words(name, page_texts(body))
        elif kind == "text/csv":
            scan.words(name, csv_cells(body))
        else:
            scan.words(name, json_strings(json.loads(body)))
        assert scan.leaks, name
    clean = Scan(store, settings)
    clean.words("/equity", page_texts(html) + page_texts(es))
    assert clean.leaks == []


# ---------------------------------------------------------------------- random publications
RACES = ("hispanic", "black", "white", "asian", "multiracial")


def _random_publication(
    rng: random.Random, year: str, min_cell: int
) -> tuple[service_publication.Publication, dict[str, dict[str, int]]]:
    """A school year of a few schools: per race group students suspended and enrolled, many
    of them small, the school's total the sum (so the totals can give a small count away)."""
    counts: dict[str, dict[str, int | None]] = {}
    enrolled: dict[str, dict[str, int]] = {}
    for k in range(rng.randint(2, 6)):
        school = f"S{k}"
        groups = rng.sample(RACES, rng.randint(2, len(RACES)))
        row: dict[str, int | None] = {}
        students: dict[str, int] = {}
        for g in groups:
            n = rng.choice([rng.randint(0, 40), rng.randint(30, 600)])
            a = min(n, rng.choice([rng.randint(0, min_cell + 2), rng.randint(0, 80)]))
            row[service_publication.column("students_oss", g)] = a
            students[g] = n
        row[service_publication.column("students_oss", "all")] = sum(v or 0 for v in row.values())
        students["all"] = sum(students.values())
        counts[school], enrolled[school] = row, students
    pub = service_publication.publication_from_counts(year, counts, min_cell=min_cell)
    return pub, enrolled


def test_no_reason_of_300_random_publications_carries_a_hidden_count() -> None:
    """300 seeded random publications, each one school year: the district table and each
    school's reasons, as JSON strings, CSV cells and the sentences the pages print (English and
    Spanish), carry no count under the minimum cell size. Each row's true small counts (the
    group's, and the comparison's) are also looked for in its reason."""
    from safeschools.render.i18n import language

    rng = random.Random(20260611)
    settings = Settings(disparity_years=1)
    langs = [language("en"), language("es")]
    seen = {"reasons": 0, "small": 0}
    for k in range(300):
        min_cell = rng.choice([5, 10, 11])
        settings = Settings(disparity_years=1, min_cell_size=min_cell)
        year = "2023-24"
        pub, enrolled = _random_publication(rng, year, min_cell)
        reference = rng.choice(["others", "white"])
        table = service_disparity.disparity_from_publications(
            {year: pub}, {year: enrolled}, settings=settings, reference=reference
        )
        texts = json_strings(json.loads(json.dumps(table)))
        texts += csv_cells(service_disparity.disparity_csv(table))
        for row in table["rows"]:
            school = row["school_id"] or DISTRICT
            for cell in row["cells"]:
                reason = cell["reason"]
                if not reason:
                    continue
                seen["reasons"] += 1
                texts += [L.text(reason) for L in langs]
                truth = _true_small_counts(pub, enrolled, school, cell["group"], reference)
                seen["small"] += bool(truth)
                for value in truth:
                    assert not re.search(rf"(?<![\d.,]){value}(?![\d.,])", reason), (k, reason)
        leaks = [p for t in texts for p in small_counts(t, min_cell)]
        assert leaks == [], (k, leaks)
    assert seen["reasons"] > 1000 and seen["small"] > 300, seen


def _true_small_counts(
    pub: service_publication.Publication,
    enrolled: dict[str, dict[str, int]],
    school: str,
    group: str,
    reference: str,
) -> set[int]:
    """The counts under the minimum cell size behind one row: the group's and its comparison
    group's (students with the outcome)."""
    if school == DISTRICT:
        return set()
    a = pub.value(school, "students_oss", group) or 0
    if reference == "others":
        other = (pub.value(school, "students_oss", "all") or 0) - a
    else:
        other = pub.value(school, "students_oss", reference) or 0
    return {v for v in (a, other) if 0 < v < pub.min_cell}
