"""The printable per-school report: HTML and PDF (WeasyPrint), in English and Spanish, from the
library, the web page and the command line; it reads nothing from the network."""

from __future__ import annotations

import asyncio
import http.server
import io
import threading
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from safeschools import reports, services
from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.model import School
from safeschools.proximity.presets import PRESETS
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records, point_at, victim

A = (41.80, -87.70)
PREPARED = date(2026, 1, 15)


def _load(store: Store, settings: Settings) -> None:
    near = point_at(*A, distance_m=120, azimuth_deg=30)
    load_records(
        store,
        settings,
        schools=[School("609966", "2024-25", "Lincoln Park High School", address="2001 N Orchard",
                        lat=A[0], lon=A[1], governance="district", grade_category="HS")],
        victims=[
            victim("v1", *near, datetime(2023, 3, 14, 15, 30)),
            victim("v2", *near, datetime(2024, 1, 31, 14, 5), fatal=True,
                   victimization_type="HOMICIDE"),
            victim("v3", *near, datetime(2024, 6, 2, 22, 10), age_band="20-29"),
        ],
    )  # fmt: skip


@pytest.fixture
def report_store(sqlite_only_store: Store, settings: Settings) -> Store:
    _load(sqlite_only_store, settings)
    return sqlite_only_store


def _profile(store: Store, settings: Settings, preset: str = "trace-500yd") -> dict[str, Any]:
    index = services.exposure_index(store, settings=settings)
    return services.school_profile(store, "609966", PRESETS[preset], settings=settings, index=index)


def _pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join((page.extract_text() or "") for page in reader.pages).replace("\n", " ")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            ["Lincoln Park High School", "Within 500 yd (457.2 m), all hours, every day, gunshot",
             "Newest victimization in the data", "Jun 2, 2024",
             "Locations are block-level", "Not recorded yet."],
        ),
        (
            "es",
            ["Lincoln Park High School", "A menos de 500 yardas (457,2 m), todas las horas",
             "Víctima más reciente en los datos", "2 jun 2024",
             "Los lugares son a nivel de cuadra", "Todavía no registrado."],
        ),
    ],
)  # fmt: skip
def test_the_pdf_has_the_school_definition_vintage_and_caveats(
    report_store: Store, settings: Settings, lang: str, expected: list[str]
) -> None:
    profile = _profile(report_store, settings)
    pdf = reports.school_report_pdf(
        profile, lang=lang, layers=services.map_layers(report_store), prepared=PREPARED
    )
    text = " ".join(_pdf_text(pdf).split())
    for piece in expected:
        assert piece in text, piece


def test_the_html_report_is_one_article_with_its_parts(
    report_store: Store, settings: Settings
) -> None:
    profile = _profile(report_store, settings, "abc7-2024")
    html = reports.school_report_html(profile, lang="es", prepared=PREPARED, standalone=True)
    assert '<article id="report">' in html and '<html lang="es">' in html
    assert "<style>" in html and 'rel="stylesheet"' not in html  # one file to share
    assert 'id="school-map"' in html and 'class="radius"' in html
    assert "15 ene 2026" in html  # the date it was prepared
    assert "ABC7 Chicago (2 feb 2024)" in html  # the published definition, in Spanish
    assert "del 1 feb 2019 al 31 ene 2024" in html


def test_the_report_pages_of_the_site(
    report_store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(settings, store=report_store)

    def not_here(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the server laid a report out in its own process")

    # the site lays reports out in a child process, never holding the server's interpreter
    monkeypatch.setattr("safeschools.reports.pdf_from_html", not_here)
    monkeypatch.setattr("safeschools.reports.school.pdf_from_html", not_here)

    async def fetch(url: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get(url)

    page = asyncio.run(fetch("/schools/609966/report?lang=es&preset=abc7-2024"))
    assert page.status_code == 200 and '<article id="report">' in page.text
    assert 'href="/static/site.css"' in page.text
    pdf = asyncio.run(fetch("/schools/609966/report.pdf?lang=es"))
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert 'filename="school-609966-es.pdf"' in pdf.headers["content-disposition"]
    assert "Víctima más reciente en los datos" in " ".join(_pdf_text(pdf.content).split())
    missing = asyncio.run(fetch("/schools/000/report.pdf"))
    assert missing.status_code == 404


# ---------------------------------------------------------------------- nothing from the network
class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        body = b"body { color: red }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_weasyprint_fetches_nothing_but_the_local_stylesheet(recorder: str) -> None:
    from safeschools.render.jinja import STATIC

    html = (
        f'<html><head><link rel="stylesheet" href="{recorder}/evil.css">'
        f'<link rel="stylesheet" href="{STATIC.as_uri()}/site.css"></head>'
        f'<body><h1>Report</h1><img src="{recorder}/pixel.png" alt="">'
        f'<img src="file:///etc/hostname" alt=""></body></html>'
    )
    pdf = reports.pdf_from_html(html, base_url=recorder + "/")
    assert "Report" in _pdf_text(pdf)
    assert _Recorder.seen == []


# ---------------------------------------------------------------------- the command line
def test_the_report_command_writes_pdf_and_html(settings: Settings, tmp_path: Path) -> None:
    store = services.open_store_from_settings(settings)
    try:
        _load(store, settings)
    finally:
        store.dispose()
    pdf, html = tmp_path / "out.pdf", tmp_path / "out.html"
    result = CliRunner().invoke(
        cli,
        ["--database-url", settings.database_url, "report", "609966", "--preset", "abc7-2024",
         "--radius", "0.2mi", "--pdf", str(pdf), "--html", str(html), "--lang", "es"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    text = " ".join(_pdf_text(pdf.read_bytes()).split())
    assert "Lincoln Park High School" in text
    assert "A menos de 0,2 millas (321,9 m), 07:00-17:00, días de clase" in text
    assert "ABC7 Chicago (2 feb 2024), con cambios" in text  # the radius was changed
    assert '<html lang="es">' in html.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "609966"], "Give --pdf FILE and/or --html FILE"),
        (["report", "nope", "--html", "x.html"], "No school with id nope"),
        (["report", "609966", "--html", "x.html", "--radius", "far"], "is not a length"),
    ],
)
def test_the_report_command_explains_mistakes(
    settings: Settings, tmp_path: Path, args: list[str], message: str
) -> None:
    store = services.open_store_from_settings(settings)
    try:
        _load(store, settings)
    finally:
        store.dispose()
    args = [str(tmp_path / a) if a.endswith(".html") else a for a in args]
    result = CliRunner().invoke(cli, ["--database-url", settings.database_url, *args])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_reports_need_no_web_server() -> None:
    """The pdf extra (WeasyPrint, Jinja2, Babel) is enough: FastAPI is not imported."""
    import subprocess
    import sys

    code = "import sys, safeschools.reports; assert 'fastapi' not in sys.modules, 'fastapi'"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
