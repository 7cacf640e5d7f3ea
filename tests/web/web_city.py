"""A hand-built city for the page tests, and a small HTML reader to check element ids.

Schools (2024-25): Alpha (1) at A; Bravo (2) 300 m east of A; Ñandú (3), far north, with no
victim near it; "No location" (4) without coordinates. One community area ("Testville") covers
them all.

Victims: 1,234 near Alpha, between 50 and 290 m north of it, one a day at 15:00 from
1 January 2020; every tenth is fatal; a few have no age band. Under trace-500yd (500 yd, gunshot
injuries, any time) Alpha and Bravo both count all 1,234, and the page writes "1,234" in English
and "1.234" in Spanish.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx

from safeschools import services
from safeschools.model import School, Victimization
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records, point_at, victim

A = (41.80, -87.70)
B = point_at(*A, distance_m=300, azimuth_deg=90)
FAR = (41.95, -87.70)
VICTIMS = 1234


def city_schools() -> list[School]:
    return [
        School("1", "2024-25", "Alpha Elementary", address="1 W Alpha St", lat=A[0], lon=A[1],
               governance="district", grade_category="ES", grades="PK,K-8"),
        School("2", "2024-25", "Bravo High School", address="2 W Bravo St", lat=B[0], lon=B[1],
               governance="charter", grade_category="HS"),
        School("3", "2024-25", "Ñandú Academy", address="3 N Far Ave", lat=FAR[0], lon=FAR[1],
               governance="district", grade_category="MS"),
        School("4", "2024-25", "No location", governance="district"),
    ]  # fmt: skip


def city_victims() -> list[Victimization]:
    start = datetime(2020, 1, 1, 15, 0)
    rows = []
    for i in range(VICTIMS):
        lat, lon = point_at(*A, distance_m=50 + (i % 25) * 10, azimuth_deg=0)
        rows.append(
            victim(
                f"v{i}",
                lat,
                lon,
                start + timedelta(days=i),
                fatal=i % 10 == 0,
                victimization_type="HOMICIDE" if i % 10 == 0 else "BATTERY",
                age_band="UNKNOWN" if i % 100 == 7 else "0-19",
            )
        )
    return rows


def area_geojson(path: Path) -> Path:
    """One community area around the whole city."""
    ring = [[-87.75, 41.75], [-87.60, 41.75], [-87.60, 42.00], [-87.75, 42.00], [-87.75, 41.75]]
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"area_numbe": "1", "community": "TESTVILLE"},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    return path


def load_city(store: Store, settings: Settings, folder: Path) -> None:
    """The schools, the victims and the community area, through the normal import paths."""
    load_records(store, settings, schools=city_schools(), victims=city_victims())
    services.ingest_file(
        store, "boundaries", area_geojson(folder / "areas.geojson"), settings=settings
    )


# ---------------------------------------------------------------------- the client
class Pages:
    """A synchronous client for the application, in process (httpx's ASGI transport), that
    keeps cookies between requests like a browser."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cookies = httpx.Cookies()

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://testserver", cookies=self.cookies
            ) as client:
                response = await client.get(url, **kwargs)
                self.cookies.update(client.cookies)
                return response

        return asyncio.run(fetch())


# ---------------------------------------------------------------------- reading HTML
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


@dataclass
class Node:
    """An element: its tag, attributes, children and parent."""

    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def walk(self) -> list[Node]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def all_text(self) -> str:
        return " ".join([*self.text, *(c.all_text() for c in self.children)])


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.text.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    return builder.root


_COMPOUND = re.compile(r"^([a-z0-9]+)?(#[\w-]+)?((?:\.[\w-]+)*)((?:\[[^\]]+\])*)$")


def _matches(node: Node, compound: str) -> bool:
    match = _COMPOUND.match(compound)
    assert match, f"selector part {compound!r} not understood"
    tag, ident, classes, attrs = match.groups()
    if tag and node.tag != tag:
        return False
    if ident and node.attrs.get("id") != ident[1:]:
        return False
    have = set(node.attrs.get("class", "").split())
    if classes and not set(classes.strip(".").split(".")) <= have:
        return False
    for cond in re.findall(r"\[([^\]]+)\]", attrs or ""):
        name, _, value = cond.partition("=")
        if name not in node.attrs or (value and node.attrs[name] != value.strip("'\"")):
            return False
    return True


def select(root: Node, selector: str) -> list[Node]:
    """Elements matching a simple CSS selector (tag#id.class[attr=value], descendants)."""
    *ancestors, last = selector.split()
    found = []
    for node in root.walk():
        if not _matches(node, last):
            continue
        up, wanted = node.parent, list(ancestors)
        while wanted and up is not None:
            if _matches(up, wanted[-1]):
                wanted.pop()
            up = up.parent
        if not wanted:
            found.append(node)
    return found


def missing(html: str, *selectors: str) -> list[str]:
    """The selectors that match nothing in the page."""
    root = parse(html)
    return [s for s in selectors if not select(root, s)]
