"""Street maps: the grid under every map, names that never overlap, tap areas of 24 px on a
phone, legends with numbers, and a note in words when no streets are loaded. On the City's real
intersections and the 2024-25 school list, and on the pages."""

from __future__ import annotations

import math
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point, Polygon
from web_city import A, Pages, load_city

from safeschools import services
from safeschools.app import create_app
from safeschools.ingest.boundaries import boundaries_from_file
from safeschools.ingest.chicago_streets import intersections_from_file
from safeschools.ingest.cps_schools import schools_from_cps_file
from safeschools.model import School
from safeschools.render import maps
from safeschools.render.i18n import language
from safeschools.render.labels import PAD, Box, text_width
from safeschools.render.taps import PHONE_MAP_PX, TAP_PX
from safeschools.settings import CHICAGO_BBOX, Settings
from safeschools.spatial.streets import street_lines_from_intersections
from safeschools.storage import Store
from safeschools.testing import point_at, real_data

NS = {"s": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
TENTH_MILE_M = 160.9344
HALF_MILE_M = 804.672


@pytest.fixture(scope="module")
def real_base() -> maps.BaseMap:
    """Chicago's community areas and street grid, from the real files."""
    streets = intersections_from_file(
        real_data("chicago-street-intersections", "chicago-intersections.csv"), bbox=CHICAGO_BBOX
    ).records
    areas = boundaries_from_file(
        real_data("chicago-boundaries", "Boundaries_-_Community_Areas_current_shapefile.zip")
    ).records
    layers = {"community_area": [{"code": a.code, "name": a.name, "wkt": a.geometry_wkt}
                                 for a in areas]}  # fmt: skip
    base = maps.base_map_from_layers(layers, street_lines_from_intersections(streets))
    assert base is not None and base.streets is not None
    return base


@pytest.fixture(scope="module")
def schools() -> list[School]:
    """The 652 schools of the 2024-25 profiles file."""
    name = "Chicago_Public_Schools_-_School_Profile_Information_SY2425.csv"
    return schools_from_cps_file(real_data("cps-school-profiles", name), bbox=CHICAGO_BBOX).records


def _school(schools: list[School], lat: float, lon: float) -> School:
    return min(schools, key=lambda s: (s.lat - lat) ** 2 + (s.lon - lon) ** 2)  # type: ignore[operator]


def _victims(school: School, radius_m: float, n: int, seed: int) -> list[dict[str, object]]:
    """``n`` made-up victims within the radius, on a 100 m grid like block addresses."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        lat, lon = point_at(
            school.lat,
            school.lon,  # type: ignore[arg-type]
            distance_m=rnd.uniform(0, radius_m),
            azimuth_deg=rnd.uniform(0, 360),
        )
        out.append({"occurred_at": "2025-03-04T15:10", "distance_m": 100.0,
                    "fatal": i % 6 == 0, "age_band": "0-19",
                    "lat": round(lat, 3), "lon": round(lon, 3)})  # fmt: skip
    out.sort(key=lambda v: (v["lat"], v["lon"]))
    return out


def _root(text: str) -> ET.Element:
    return ET.fromstring(text)


def _view(root: ET.Element) -> tuple[float, float]:
    _x, _y, w, h = (float(v) for v in root.get("viewBox", "").split())
    return w, h


def label_boxes(root: ET.Element) -> list[tuple[str, str, Polygon]]:
    """(class, text, box) of every label drawn on a map, from the SVG's own attributes."""
    out = []
    for node in root.iter(f"{SVG}text"):
        css = node.get("class", "")
        if css == "halo" or node.text is None:
            continue
        size = float(node.get("font-size", "12"))
        x, y = float(node.get("x", 0)), float(node.get("y", 0))
        angle, cx, cy = 0.0, x, y - 0.35 * size
        turn = re.match(r"rotate\(([-\d.]+) ([-\d.]+) ([-\d.]+)\)", node.get("transform", ""))
        if turn:
            angle, cx, cy = (float(v) for v in turn.groups())
        if css not in ("street-label", "area-label", "mark-label", "map-note"):
            # labels svg.py draws itself (the scale bar): start-anchored, unrotated
            cx = x + text_width(node.text, size) / 2
        box = Box(cx, cy, text_width(node.text, size) + 2 * PAD, size * 1.25 + 2 * PAD, angle)
        out.append((css, node.text, Polygon(box.corners())))
    return out


def assert_no_label_overlaps(root: ET.Element) -> list[tuple[str, str, Polygon]]:
    boxes = label_boxes(root)
    w, h = _view(root)
    frame = Polygon([(0, 0), (w, 0), (w, h), (0, h)]).buffer(0.1)  # coordinates have 1 decimal
    for css, text, poly in boxes:
        assert frame.contains(poly), f"{css} {text!r} sticks out of the picture"
    for i, (c1, t1, p1) in enumerate(boxes):
        for c2, t2, p2 in boxes[i + 1 :]:
            assert p1.intersection(p2).area < 1e-6, f"{c1} {t1!r} overlaps {c2} {t2!r}"
    return boxes


# ---------------------------------------------------------------------- the school map
def test_a_schools_map_draws_and_names_the_streets_around_it(
    real_base: maps.BaseMap, schools: list[School]
) -> None:
    school = _school(schools, 41.88073, -87.72567)  # the school nearest Pulaski & Madison
    text, _legend = maps.school_map(real_base, vars_of(school), TENTH_MILE_M, [], language("en"))
    root = _root(text)
    streets = root.find(".//s:g[@class='streets']", NS)
    assert streets is not None and streets.get("aria-hidden") == "true"
    drawn = "".join(p.get("d", "") for p in streets.iter(f"{SVG}path"))
    assert drawn.count("M") >= 6  # a block grid, not a line or two
    names = {t: poly for css, t, poly in label_boxes(root) if css == "street-label"}
    assert {"Pulaski Rd", "Madison St"} <= set(names)
    # a name lies along its street: Pulaski runs north-south, Madison east-west
    turns = {n.text: n.get("transform", "") for n in root.iter(f"{SVG}text")}
    pulaski = re.search(r"rotate\((-?[\d.]+) ", turns["Pulaski Rd"])
    assert pulaski is not None and abs(float(pulaski.group(1))) > 80
    madison = re.search(r"rotate\((-?[\d.]+) ", turns["Madison St"])
    assert madison is None or abs(float(madison.group(1))) < 3


def vars_of(school: School) -> dict[str, object]:
    return {"name": school.name, "lat": school.lat, "lon": school.lon}


def _sample(schools: list[School], every: int) -> Iterator[School]:
    located = sorted((s for s in schools if s.lat is not None), key=lambda s: s.school_id)
    return iter(located[::every])


@pytest.mark.parametrize("radius_m", [TENTH_MILE_M, HALF_MILE_M])
def test_no_two_labels_overlap_on_real_school_maps(
    real_base: maps.BaseMap, schools: list[School], radius_m: float
) -> None:
    placed = 0
    for k, school in enumerate(_sample(schools, 11)):
        victims = _victims(school, radius_m, n=5 + k % 60, seed=k)
        for code in ("en", "es"):
            text, _ = maps.school_map(real_base, vars_of(school), radius_m, victims, language(code))
            boxes = assert_no_label_overlaps(_root(text))
            placed += sum(1 for css, _t, _p in boxes if css == "street-label")
    assert placed > 200  # streets are named on most maps


def test_the_city_map_names_major_streets_without_overlaps(
    real_base: maps.BaseMap, schools: list[School]
) -> None:
    rows = [{"school_id": s.school_id, "name": s.name, "lat": s.lat, "lon": s.lon,
             "victims": int(s.school_id) % 9, "fatal": 0} for s in schools]  # fmt: skip
    text, legend = maps.district_map(real_base, rows, language("en"))
    root = _root(text)
    majors = root.findall(".//s:g[@class='streets']/s:path", NS)
    assert {p.get("class") for p in majors} == {"major", "expressway"}  # no side street
    boxes = assert_no_label_overlaps(root)
    names = [t for css, t, _p in boxes if css == "street-label"]
    assert len(names) >= 5 and len(set(names)) == len(names)
    # each name hides at most one school's centre
    centres = [Point(float(c.get("cx", 0)), float(c.get("cy", 0)))
               for c in root.findall(".//s:g[@class='marks']//s:circle", NS)]  # fmt: skip
    for _css, t, poly in boxes:
        assert sum(1 for c in centres if poly.contains(c)) <= 1, t
    # the legend gives the number of schools of each shade
    counts = [
        int(re.search(r": ([\d,]+) school", i.label).group(1).replace(",", "")) for i in legend
    ]  # type: ignore[union-attr]
    assert sum(counts) == len(rows)


# ---------------------------------------------------------------------- taps
def _hit_areas(root: ET.Element) -> list[tuple[str, Polygon | Point, float]]:
    out = []
    for a in root.findall(".//s:g[@class='hits']/s:a", NS):
        assert a.get("tabindex") == "-1"
        shape = a[0]
        if shape.tag == f"{SVG}circle":
            c = Point(float(shape.get("cx", 0)), float(shape.get("cy", 0)))
            out.append((a.get("href", ""), c.buffer(float(shape.get("r", 0)), 64), 0.0))
        else:
            rings = re.findall(r"M([^Z]+)Z", shape.get("d", ""))
            polys = [Polygon([tuple(map(float, p.split())) for p in re.split(r"[ML]", ring) if p])
                     for ring in rings]  # fmt: skip
            out.append((a.get("href", ""), shapely.union_all(polys), 1.0))
    return out


def _mark_centres(root: ET.Element) -> list[tuple[str, float, float]]:
    out = []
    for a in root.findall(".//s:g[@class='marks']/s:a", NS):
        shape = a[0]
        if shape.tag == f"{SVG}circle":
            out.append((a.get("href", ""), float(shape.get("cx", 0)), float(shape.get("cy", 0))))
        elif shape.tag == f"{SVG}polygon":  # a triangle: apex (x, y - h), base at y + 0.8 h
            (ax, ay), (_bx, by), _c = (
                tuple(map(float, p.split(","))) for p in shape.get("points", "").split()
            )
            out.append((a.get("href", ""), ax, ay + (by - ay) / 1.8))
    return out


def _check_taps(root: ET.Element) -> None:
    """A tap within 12 phone pixels of a mark goes to that mark or to one as near."""
    width, _h = _view(root)
    radius = TAP_PX / 2 * width / PHONE_MAP_PX
    hits = _hit_areas(root)
    assert hits, "no tap areas"
    marks = _mark_centres(root)
    hrefs = {href for href, _a, _c in hits}
    areas = [area.buffer(0.15) for _h, area, _c in hits]
    tree = shapely.STRtree(areas)
    where = shapely.STRtree([Point(mx, my) for _h, mx, my in marks])
    for href, x, y in marks:
        for k in range(16):
            for share in (0.3, 0.97):
                here = Point(
                    x + share * radius * math.cos(k * math.pi / 8),
                    y + share * radius * math.sin(k * math.pi / 8),
                )
                near = where.query(here.buffer(2 * radius))
                distance = {
                    marks[i][0]: here.distance(Point(marks[i][1], marks[i][2])) for i in near
                }
                nearest = min(distance.values())
                takers = [hits[i][0] for i in tree.query(here, predicate="intersects")]
                assert takers, f"a tap {share:.0%} of 12 px from {href} hits nothing"
                # the mark it goes to is as near as the nearest (within a rounding of 0.5 unit)
                assert min(distance.get(h, math.inf) for h in takers) <= nearest + 0.5, (
                    href,
                    takers,
                )
    assert {href for href, _x, _y in marks} >= hrefs


def test_every_school_on_the_city_map_has_a_tap_area_of_24_px_on_a_phone(
    real_base: maps.BaseMap, schools: list[School]
) -> None:
    rows = [{"school_id": s.school_id, "name": s.name, "lat": s.lat, "lon": s.lon,
             "victims": int(s.school_id) % 5, "fatal": 0} for s in schools[:260]]  # fmt: skip
    root = _root(maps.district_map(real_base, rows, language("en"))[0])
    width, _ = _view(root)
    circles = [a for a in root.findall(".//s:g[@class='hits']//s:circle", NS)]
    assert circles, "isolated schools have whole circles"
    for c in circles:
        assert float(c.get("r", 0)) * 2 * PHONE_MAP_PX / width >= TAP_PX - 0.1
    _check_taps(root)


def test_every_victim_mark_on_a_schools_map_is_a_tap_to_its_row(
    real_base: maps.BaseMap, schools: list[School]
) -> None:
    school = _school(schools, 41.88073, -87.72567)
    victims = _victims(school, HALF_MILE_M, n=90, seed=4)
    text, _ = maps.school_map(real_base, vars_of(school), HALF_MILE_M, victims, language("en"),
                              rows=50)  # fmt: skip
    root = _root(text)
    assert root.get("role") == "group"
    hrefs = {a.get("href") for a in root.findall(".//s:g[@class='marks']/s:a", NS)}
    assert hrefs and all(re.fullmatch(r"#victim-\d+", h or "") for h in hrefs)
    assert max(int((h or "").split("-")[1]) for h in hrefs) <= 50  # rows the table lists
    _check_taps(root)


# ---------------------------------------------------------------------- legends and notes
def test_the_school_maps_legend_gives_the_numbers(real_base: maps.BaseMap) -> None:
    school = {"name": "A", "lat": 41.8807, "lon": -87.7256}
    one = {"lat": 41.881, "lon": -87.726, "distance_m": 50.0, "occurred_at": "2025-01-01T10:00"}
    victims = [{**one, "fatal": i < 2, "age_band": "0-19"} for i in range(5)]
    _text, legend = maps.school_map(real_base, school, TENTH_MILE_M, victims, language("en"))
    assert [i.label for i in legend][2:] == ["3 victims, not fatal", "2 victims, fatal"]
    _text, legend = maps.school_map(real_base, school, TENTH_MILE_M, victims, language("es"))
    assert [i.label for i in legend][2:] == ["3 víctimas no mortales", "2 víctimas mortales"]
    # a definition the data cannot answer: no number, never 0
    _text, legend = maps.school_map(None, school, TENTH_MILE_M, [], language("en"),
                                    answerable=False)  # fmt: skip
    assert [i.label for i in legend][2:] == ["victim, not fatal", "victim, fatal"]
    unanswered = {"victims": None, "victimizations": []}  # as school_profile() gives it
    _text, legend = maps.exposure_map(None, school, {"radius_m": 160.9}, unanswered, language("en"))
    assert [i.label for i in legend][2:] == ["victim, not fatal", "victim, fatal"]


@pytest.mark.parametrize(
    ("code", "note"),
    [("en", "Street names are not available for this map."),
     ("es", "Este mapa no tiene los nombres de las calles.")],
)  # fmt: skip
def test_a_map_without_streets_says_so_in_words(code: str, note: str) -> None:
    square = "POLYGON ((-87.8 41.7, -87.6 41.7, -87.6 41.9, -87.8 41.9, -87.8 41.7))"
    base = maps.base_map_from_layers({"ward": [{"code": "1", "name": "Ward 1", "wkt": square}]})
    assert base is not None and base.streets is None
    school = {"name": "A", "lat": 41.8, "lon": -87.7}
    for text in (
        maps.school_map(base, school, TENTH_MILE_M, [], language(code))[0],
        maps.district_map(base, [{**school, "school_id": "1", "victims": 0}], language(code))[0],
    ):
        root = _root(text)
        assert root.find(".//s:g[@class='streets']", NS) is None
        desc = root.find("s:desc", NS)
        assert desc is not None and note in (desc.text or "")
        assert note in [t.text for t in root.iter(f"{SVG}text")]
        assert_no_label_overlaps(root)


def test_streets_alone_make_a_base_map(tmp_path: Path) -> None:
    records = intersections_from_file(_grid_csv(tmp_path / "g.csv"), bbox=CHICAGO_BBOX).records
    base = maps.base_map_from_layers({}, street_lines_from_intersections(records))
    assert base is not None and base.kind == "" and base.streets is not None
    school = {"name": "Alpha", "lat": A[0], "lon": A[1]}
    root = _root(maps.school_map(base, school, TENTH_MILE_M, [], language("en"))[0])
    assert root.find(".//s:g[@class='areas']", NS) is None
    assert "Sawyer Ave" in [t.text for t in root.iter(f"{SVG}text")]
    assert maps.base_map_from_layers({}, []) is None


# ---------------------------------------------------------------------- the pages
def _grid_csv(path: Path) -> Path:
    """Streets every 150 m around school Alpha of the web city (A)."""
    rows = ["intersection,street_1,street_2,zipcode,longitude,latitude"]
    for i, ns in enumerate(("KEDZIE AVE", "SAWYER AVE", "SPAULDING AVE", "CHRISTIANA AVE")):
        for j, ew in enumerate(("47TH ST", "46TH ST", "45TH ST", "44TH ST")):
            lat, lon = point_at(*A, distance_m=150 * (j - 1.5), azimuth_deg=0)
            lat, lon = point_at(lat, lon, distance_m=150 * (i - 1.5), azimuth_deg=90)
            rows.append(f"S {ns} & W {ew},S {ns},W {ew},60632,{lon:.5f},{lat:.5f}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_pages_draw_the_streets_once_they_are_loaded(
    sqlite_only_store: Store, settings: Settings, tmp_path: Path
) -> None:
    load_city(sqlite_only_store, settings, tmp_path)
    pages = Pages(create_app(settings, store=sqlite_only_store))
    before = pages.get("/schools/1?radius=0.1mi").text
    assert "Street names are not available for this map." in before
    services.ingest_file(sqlite_only_store, "streets", _grid_csv(tmp_path / "s.csv"),
                         settings=settings)  # fmt: skip
    for url in ("/schools/1?radius=0.1mi", "/schools/1?radius=0.1mi&lang=es", "/"):
        html = pages.get(url).text
        svg_text = html[html.index("<svg id=") : html.index("</svg>", html.index("<svg id=")) + 6]
        root = _root(svg_text)
        assert root.find(".//s:g[@class='streets']", NS) is not None, url
        assert_no_label_overlaps(root)
    school = pages.get("/schools/1?radius=0.1mi").text
    assert "Sawyer Ave" in school and "46th St" in school
    assert "Street names are not available" not in school
    assert 'id="victim-1"' in school  # the rows the marks link to


def _every_cell(
    points: tuple[tuple[float, float], ...], radius: float, width: float, height: float
) -> list[str | None]:
    """The tap areas with every point's Voronoi cell (what taps._areas computed before it left
    out the points nobody is near)."""
    import math

    import numpy as np
    import shapely
    from shapely.geometry import MultiPoint, box

    from safeschools.render.taps import _SIDES, _polygon_path

    frame = box(-2 * radius, -2 * radius, width + 2 * radius, height + 2 * radius)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(MultiPoint(points), extend_to=frame, ordered=True)
    )
    centres = shapely.points(np.asarray(points, dtype=np.float64))
    whole = shapely.contains(cells, shapely.buffer(centres, radius, quad_segs=16))
    outer = shapely.buffer(centres, radius / math.cos(math.pi / _SIDES), quad_segs=_SIDES // 4)
    cut = shapely.intersection(cells, outer)
    return [None if full else _polygon_path(a) for full, a in zip(whole, cut, strict=True)]


@pytest.mark.parametrize("seed", range(5))
def test_tap_areas_cut_only_where_marks_are_near_and_match_every_cell(seed: int) -> None:
    import random

    from safeschools.render.taps import _areas

    rng = random.Random(seed)
    points = tuple(
        sorted({(round(rng.uniform(0, 480), 1), round(rng.uniform(0, 360), 1)) for _ in range(80)})
    )

    def corners(path: str | None) -> frozenset[str] | None:  # the ring may start elsewhere
        return None if path is None else frozenset(re.split(r"[MLZ]", path)) - {""}

    got = _areas(points, 18.0, 480.0, 360.0)
    assert [corners(a) for a in got] == [
        corners(a) for a in _every_cell(points, 18.0, 480.0, 360.0)
    ]
    assert any(a is None for a in got) and any(a is not None for a in got)
