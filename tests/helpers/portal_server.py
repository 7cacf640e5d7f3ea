"""A real, local stand-in for the City of Chicago Data Portal (Socrata), for tests.

It serves the rows of CSV files (the re-published victims extract in ../shared/data/real, or a
modified copy in tmp_path) as dataset ``gumc-mgzr``, and any JSON list of rows under another id
(:meth:`PortalServer.add_json_dataset`), the way the portal does, on 127.0.0.1 and a free port:

- ``/resource/<id>.json``: lower-case keys, ``unique_id`` (the extract calls it ``cpd_id``),
  floating timestamps ``2024-01-31T14:05:00.000``, empty values left out (as Socrata leaves out
  nulls), ``location`` as a GeoJSON point, and the ``X-SODA2-Fields`` header;
- ``/resource/<id>.csv``: upper-case headers, ``DATE`` and ``UPDATED`` written
  ``01/31/2024 02:05:00 PM``.

SoQL honoured: ``$limit`` (default 1000), ``$offset``, ``$order`` (columns, ASC/DESC),
``$where`` (comparisons ``= != <> < <= > >=`` and ``IN (...)`` with quoted values, joined by
AND; timestamps compared as timestamps), ``$select=count(*) [AS name]`` and ``$$app_token``
(recorded). Errors answer as the portal does: 404 for an unknown dataset, 400 with a JSON
message for a bad query.

Fault injection for tests: ``fail_pages_after`` (page requests after the first N answer 500),
``garbage`` (answer HTML with status 200) and ``delays_s`` (sleep before answering the next
page requests, to make a client time out). Every request is logged in ``requests``.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import operator
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

#: Columns the re-publisher added; the portal does not have them.
ADDED_COLUMNS = ("fatal", "alderperson", "media_covered", "matched_bb_url")
VICTIM_DATE_COLUMNS = ("date", "updated")

_COMPARISON = re.compile(
    r"^\s*\(?\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|!=|<>|=|>|<)\s*'((?:[^']|'')*)'\s*\)?\s*$"
)
_IN = re.compile(r"^\s*\(?\s*([A-Za-z_][A-Za-z0-9_]*)\s+IN\s*\((.*)\)\s*\)?\s*$", re.I)
_LITERAL = re.compile(r"\s*'((?:[^']|'')*)'\s*(?:,|$)")
_COUNT = re.compile(r"^\s*count\(\s*\*\s*\)(?:\s+AS\s+([A-Za-z_][A-Za-z0-9_]*))?\s*$", re.I)


@dataclass
class LoggedRequest:
    """One request the server answered."""

    path: str
    params: dict[str, str]
    status: int

    @property
    def is_page(self) -> bool:
        """A request for rows (not for a count)."""
        return "$select" not in self.params

    @property
    def offset(self) -> int:
        return int(self.params.get("$offset", "0"))


class SoqlError(ValueError):
    """A query the portal would refuse with 400."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Dataset:
    """One served dataset: field names in order, rows, and which fields are timestamps."""

    fields: list[str]
    rows: list[dict[str, Any]]
    date_columns: tuple[str, ...]


def _iso(text: str) -> str:
    """A timestamp as the portal writes it: ``2024-01-31T14:05:00.000``."""
    return datetime.fromisoformat(text).isoformat(timespec="milliseconds")


def _portal_row(raw: dict[str, str]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ADDED_COLUMNS:
            continue
        name = "unique_id" if key == "cpd_id" else key
        text = value.strip()
        if not text:
            row[name] = None
        elif name in VICTIM_DATE_COLUMNS:
            row[name] = _iso(text)
        elif name == "location":
            try:
                row[name] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                row[name] = None
        else:
            row[name] = text
    return row


def load_rows(folder: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Read every ``*.csv`` of ``folder`` as portal rows; returns (field names, rows)."""
    fields: list[str] = []
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            for raw in reader:
                row = _portal_row(raw)
                for name in row:
                    if name not in fields:
                        fields.append(name)
                rows.append(row)
    return fields, rows


def _json_value(name: str, value: Any) -> Any:
    if name == "location" and isinstance(value, dict):
        return {"type": "Point", "coordinates": value.get("coordinates")}
    return value


def _csv_value(name: str, value: Any, date_columns: tuple[str, ...]) -> str:
    if value is None:
        return ""
    if name in date_columns:
        try:
            return datetime.fromisoformat(str(value)).strftime("%m/%d/%Y %I:%M:%S %p")
        except ValueError:
            return str(value)
    if name == "location" and isinstance(value, dict):
        lon, lat = value.get("coordinates") or (None, None)
        return f"POINT ({lon} {lat})"
    return str(value)


def _typed(column: str, literal: str, date_columns: tuple[str, ...]) -> str:
    """Timestamps are compared as ISO text, which orders like the timestamps themselves."""
    if column in date_columns:
        try:
            return _iso(literal)
        except ValueError:
            raise SoqlError(
                "query.soql.type-mismatch", f"Could not parse '{literal}' as a floating timestamp"
            ) from None
    return literal


def _compare(left: Any, op: str, right: Any) -> bool:
    if left is None:
        return False
    if op == "=":
        return bool(left == right)
    if op in ("!=", "<>"):
        return bool(left != right)
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


def _check_column(data: Dataset, column: str) -> None:
    if column not in data.fields:
        raise SoqlError("query.soql.no-such-column", f"No such column: {column}")


Test = Callable[[dict[str, Any]], bool]


def _comparison_test(column: str, op: str, value: str) -> Test:
    return lambda row: _compare(row.get(column), op, value)


def _in_test(column: str, values: frozenset[str]) -> Test:
    return lambda row: row.get(column) in values


def _parse_where(data: Dataset, where: str | None) -> list[Test]:
    """One test per AND-ed clause: ``column op 'value'`` or ``column IN ('a', 'b')``."""
    tests: list[Test] = []
    if not where:
        return tests
    for clause in re.split(r"\s+AND\s+", where.strip(), flags=re.I):
        match = _COMPARISON.match(clause)
        if match is not None:
            column, op, literal = match.group(1), match.group(2), match.group(3).replace("''", "'")
            _check_column(data, column)
            value = _typed(column, literal, data.date_columns)
            tests.append(_comparison_test(column, op, value))
            continue
        match = _IN.match(clause)
        if match is not None:
            column, inner = match.group(1), match.group(2)
            _check_column(data, column)
            values = {m.group(1).replace("''", "'") for m in _LITERAL.finditer(inner)}
            if not values:
                raise SoqlError("query.compiler.malformed", f"Could not parse $where: {clause}")
            tests.append(_in_test(column, frozenset(values)))
            continue
        raise SoqlError("query.compiler.malformed", f"Could not parse $where: {clause}")
    return tests


class PortalServer:
    """The local portal: ``with PortalServer(folder) as portal: portal.url ...``."""

    def __init__(self, folder: Path, *, dataset_id: str = "gumc-mgzr") -> None:
        self.dataset_id = dataset_id
        self.datasets: dict[str, Dataset] = {}
        self.load(folder)
        self.requests: list[LoggedRequest] = []
        self.fail_pages_after: int | None = None
        self.garbage = False
        self.delays_s: list[float] = []
        self._lock = threading.Lock()
        self._pages_served = 0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ data
    def load(self, folder: Path) -> None:
        """Serve the victims rows of ``folder``'s CSV files from now on."""
        fields, rows = load_rows(folder)
        self.datasets[self.dataset_id] = Dataset(fields, rows, VICTIM_DATE_COLUMNS)

    def add_json_dataset(
        self, dataset_id: str, path: Path, *, date_columns: tuple[str, ...] = ("date", "updated_on")
    ) -> None:
        """Serve a JSON list of rows (as the API returns them) under ``dataset_id``."""
        rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        fields: list[str] = []
        for row in rows:
            fields.extend(k for k in row if k not in fields)
        self.datasets[dataset_id] = Dataset(fields, rows, date_columns)

    def page_requests(self) -> list[LoggedRequest]:
        """The requests for rows, in order."""
        with self._lock:
            return [r for r in self.requests if r.is_page]

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # ------------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        assert self._httpd is not None, "start the server first"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> PortalServer:
        handler = _handler_for(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> PortalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ SoQL
    def select(self, data: Dataset, params: dict[str, str]) -> list[dict[str, Any]]:
        """The rows a query names, in its order and page."""
        rows = self._matching(data, params.get("$where"))
        order = params.get("$order")
        if order:
            keys = []
            for part in order.split(","):
                bits = part.split()
                if not bits or len(bits) > 2:
                    raise SoqlError("query.compiler.malformed", f"Bad $order: {order}")
                column = bits[0]
                descending = len(bits) == 2 and bits[1].upper() == "DESC"
                if len(bits) == 2 and bits[1].upper() not in ("ASC", "DESC"):
                    raise SoqlError("query.compiler.malformed", f"Bad $order: {order}")
                _check_column(data, column)
                keys.append((column, descending))
            for column, descending in reversed(keys):
                present = [r for r in rows if r.get(column) is not None]
                missing = [r for r in rows if r.get(column) is None]
                present.sort(key=operator.itemgetter(column), reverse=descending)
                rows = present + missing
        try:
            limit = int(params.get("$limit", "1000"))
            offset = int(params.get("$offset", "0"))
        except ValueError:
            msg = "$limit and $offset must be numbers"
            raise SoqlError("query.compiler.malformed", msg) from None
        return rows[offset : offset + limit]

    def _matching(self, data: Dataset, where: str | None) -> list[dict[str, Any]]:
        tests = _parse_where(data, where)
        return [r for r in data.rows if all(test(r) for test in tests)]

    # ------------------------------------------------------------------ answers
    def answer(self, path: str, params: dict[str, str]) -> tuple[int, str, bytes, dict[str, str]]:
        """(status, content type, body, extra headers) for one GET."""
        match = re.fullmatch(r"/resource/([a-z0-9]{4}-[a-z0-9]{4})\.(json|csv)", path)
        data = self.datasets.get(match.group(1)) if match else None
        if match is None or data is None:
            body = {"code": "not_found", "error": True, "message": "Not found"}
            return 404, "application/json", json.dumps(body).encode(), {}
        fmt = match.group(2)
        select = params.get("$select")
        is_page = select is None
        if is_page:
            with self._lock:
                self._pages_served += 1
                served = self._pages_served
                delay = self.delays_s.pop(0) if self.delays_s else 0.0
            if delay:
                time.sleep(delay)
            if self.fail_pages_after is not None and served > self.fail_pages_after:
                body = {"code": "internal", "error": True, "message": "Internal error"}
                return 500, "application/json", json.dumps(body).encode(), {}
        if self.garbage:
            return 200, "text/html", b"<html><body>Service unavailable</body></html>", {}
        try:
            if select is not None:
                count = _COUNT.match(select)
                if count is None:
                    raise SoqlError("query.compiler.malformed", f"Unsupported $select: {select}")
                matched = self._matching(data, params.get("$where"))
                name = count.group(1) or "count"
                return 200, "application/json", json.dumps([{name: str(len(matched))}]).encode(), {}
            rows = self.select(data, params)
        except SoqlError as exc:
            body = {"code": exc.code, "error": True, "message": str(exc)}
            return 400, "application/json", json.dumps(body).encode(), {}
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow([f.upper() for f in data.fields])
            for row in rows:
                writer.writerow([_csv_value(f, row.get(f), data.date_columns) for f in data.fields])
            return 200, "text/csv", buffer.getvalue().encode(), {}
        payload = [
            {f: _json_value(f, row[f]) for f in data.fields if row.get(f) is not None}
            for row in rows
        ]
        headers = {"X-SODA2-Fields": json.dumps(data.fields)}
        return 200, "application/json;charset=utf-8", json.dumps(payload).encode(), headers

    def _log(self, path: str, params: dict[str, str], status: int) -> None:
        with self._lock:
            self.requests.append(LoggedRequest(path, params, status))


def _handler_for(server: PortalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
            status, content_type, body, headers = server.answer(split.path, params)
            server._log(split.path, params, status)
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
