"""The SVG maps and charts: projection, paths, colour scale, accessibility of every mark."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
from shapely.geometry import MultiPolygon, Polygon

from safeschools.render import maps, svg
from safeschools.render.i18n import language
from safeschools.testing import point_at

NS = {"s": "http://www.w3.org/2000/svg"}


def _xml(text: str) -> ET.Element:
    return ET.fromstring(text)


# ---------------------------------------------------------------------- projection
def test_projection_keeps_distances_in_both_directions() -> None:
    lat, lon = 41.8, -87.7
    p = svg.fit_projection((lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01), width=400, padding=0)
    x0, y0 = p(lat, lon)
    for azimuth in (0, 90, 180, 270):
        lat2, lon2 = point_at(lat, lon, distance_m=500, azimuth_deg=azimuth)
        x, y = p(lat2, lon2)
        assert math.hypot(x - x0, y - y0) == pytest.approx(p.units(500), rel=0.005)
    north = p(*point_at(lat, lon, distance_m=100, azimuth_deg=0))
    east = p(*point_at(lat, lon, distance_m=100, azimuth_deg=90))
    assert north[1] < y0 and abs(north[0] - x0) < 0.01  # north is up
    assert east[0] > x0 and abs(east[1] - y0) < 0.01


def test_fit_projection_centres_the_bounds_and_sets_the_height() -> None:
    p = svg.fit_projection((-87.8, 41.7, -87.6, 41.9), width=300, padding=10)
    assert p(41.8, -87.7) == pytest.approx((150.0, p.height / 2))
    left, _ = p(41.8, -87.8)
    assert left == pytest.approx(10.0)
    assert p.height == pytest.approx(20 + 280 / math.cos(math.radians(41.8)), rel=1e-6)
    fixed = svg.fit_projection((-87.8, 41.7, -87.6, 41.9), width=300, height=100, padding=0)
    assert fixed.height == 100 and fixed(41.9, -87.7)[1] == pytest.approx(0.0, abs=1e-9)


def test_geometry_path_closes_rings_and_draws_holes_and_parts() -> None:
    p = svg.fit_projection((0, 0, 1, 1), width=100, padding=0)
    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], holes=[[(0.4, 0.4), (0.6, 0.4), (0.6, 0.6)]])
    d = svg.geometry_path(square, p)
    assert d.count("M") == 2 and d.count("Z") == 2
    multi = MultiPolygon(
        [Polygon([(0, 0), (0.2, 0), (0.2, 0.2)]), Polygon([(1, 1), (0.8, 1), (1, 0.8)])]
    )
    assert svg.geometry_path(multi, p).count("M") == 2


# ---------------------------------------------------------------------- colour scale
@pytest.mark.parametrize(
    ("values", "breaks"),
    [([0, 0, 0], []), ([0, 5], [5]), ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 4, 6, 8, 10])],
)
def test_class_breaks(values: list[int], breaks: list[int]) -> None:
    assert svg.class_breaks(values) == breaks


def test_colours_get_darker_with_more_victims() -> None:
    breaks = [2, 4, 6, 8, 10]
    colours = [svg.colour_for(v, breaks) for v in (0, 1, 3, 5, 7, 9, 11)]
    assert colours[0] == svg.ZERO_FILL
    assert colours[1:6] == [svg.SEQUENTIAL[i] for i in (0, 1, 2, 4, 5)]
    assert colours[6] == colours[5]
    luminance = [_luminance(c) for c in colours[1:6]]
    assert luminance == sorted(luminance, reverse=True)


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_legend_items_cover_every_class() -> None:
    items = svg.legend_items([1, 3, 10], zero_label="none", fmt=lambda n: f"{n:,}")
    assert [i.label for i in items] == ["none", "1", "2–3", "4–10"]
    assert items[0].fill == svg.ZERO_FILL
    swatch = svg.swatch(items[1])
    assert 'aria-hidden="true"' in swatch and _xml(swatch).tag.endswith("svg")


# ---------------------------------------------------------------------- maps
def test_map_svg_is_an_accessible_picture() -> None:
    p = svg.fit_projection((-87.71, 41.79, -87.69, 41.81), width=200, padding=0)
    marks = [
        svg.MapMark(41.8, -87.7, "Alpha: 3 victims", fill="#440154"),
        svg.MapMark(41.801, -87.7, "fatal <victim>", fill="#000000", shape="triangle"),
    ]
    text = svg.map_svg(svg_id="m", projection=p, title="A map", desc="What it shows", marks=marks)
    root = _xml(text)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "m-title m-desc"
    assert root.find("s:title", NS) is not None and root.find("s:desc", NS) is not None
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "Alpha: 3 victims" in titles and "fatal <victim>" in titles  # escaped, read back
    assert root.find(".//s:polygon", NS) is not None  # the fatal one is a triangle


def test_a_map_with_links_is_a_group_whose_marks_stay_out_of_the_tab_order() -> None:
    p = svg.fit_projection((-87.71, 41.79, -87.69, 41.81), width=200, padding=0)
    mark = svg.MapMark(41.8, -87.7, "Alpha", fill="#fff", href="/schools/1?a=1&b=2")
    root = _xml(svg.map_svg(svg_id="d", projection=p, title="t", desc="d", marks=[mark]))
    assert root.get("role") == "group"
    link = root.find(".//s:a", NS)
    assert link is not None and link.get("tabindex") == "-1"
    assert link.get("href") == "/schools/1?a=1&b=2"


def test_the_school_map_zooms_to_the_radius_and_draws_it() -> None:
    L = language("en")
    school = {"name": "Alpha", "lat": 41.8, "lon": -87.7}
    lat, lon = point_at(41.8, -87.7, distance_m=100, azimuth_deg=45)
    victims = [
        {"occurred_at": "2024-01-31T14:05", "distance_m": 100.0, "fatal": True,
         "age_band": "0-19", "lat": lat, "lon": lon},
        {"occurred_at": "2024-02-01T09:00", "distance_m": 100.0, "fatal": False,
         "age_band": None, "lat": lat, "lon": lon},
    ]  # fmt: skip
    text, legend = maps.school_map(None, school, 160.9344, victims, L)
    root = _xml(text)
    # the marks link to their rows of the table (the fatal one, drawn on top, is row 1)
    assert root.get("id") == "school-map" and root.get("role") == "group"
    marks = root.findall(".//s:g[@class='marks']/s:a", NS)
    assert [a.get("href") for a in marks] == ["#victim-2", "#victim-1"]
    circle = root.find(".//s:circle[@class='radius']", NS)
    assert circle is not None
    width = float(root.get("viewBox", "").split()[2])
    half_m = 160.9344 + 60  # the frame: the radius and a margin of 60 m (or 20 %)
    assert float(circle.get("r", 0)) == pytest.approx((width - 8) / 2 * 160.9344 / half_m, rel=0.01)
    assert root.find(".//s:polygon", NS) is not None
    titles = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}title"))
    assert "Jan 31, 2024, 14:05" in titles and "100.0 m away" in titles and "unknown" in titles
    assert [i.shape for i in legend] == ["square", "ring", "circle", "triangle"]


def test_the_base_map_prefers_community_areas_and_clips_to_a_frame() -> None:
    square = "POLYGON ((-87.8 41.7, -87.6 41.7, -87.6 41.9, -87.8 41.9, -87.8 41.7))"
    layers = {
        "ward": [{"code": "1", "name": "Ward 1", "wkt": square}],
        "community_area": [{"code": "1", "name": "TESTVILLE", "wkt": square}],
    }
    base = maps.base_map_from_layers(layers)
    assert base is not None and base.kind == "community_area" and base.names == ["Testville"]
    clipped = base.clipped((-87.71, 41.79, -87.69, 41.81))
    assert len(clipped) == 1 and clipped[0][1].bounds == pytest.approx(
        (-87.71, 41.79, -87.69, 41.81)
    )
    assert base.clipped((-80.0, 30.0, -79.0, 31.0)) == []
    assert maps.base_map_from_layers({}) is None


def test_the_district_map_draws_every_located_school() -> None:
    L = language("es")
    schools = [
        {"school_id": "1", "name": "Alpha", "lat": 41.8, "lon": -87.7, "victims": 1234, "fatal": 5},
        {"school_id": "2", "name": "Bravo", "lat": 41.81, "lon": -87.69, "victims": 0, "fatal": 0},
        {"school_id": "3", "name": "Sin lugar", "lat": None, "lon": None, "victims": 0, "fatal": 0},
    ]
    text, legend = maps.district_map(None, schools, L, query="preset=abc7-2024")
    root = _xml(text)
    links = [a.get("href") for a in root.findall(".//s:g[@class='marks']/s:a", NS)]
    assert links == ["/schools/2?preset=abc7-2024", "/schools/1?preset=abc7-2024"]
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "Alpha: 1.234 víctimas (mortales: 5)" in titles
    assert [i.label for i in legend] == ["ninguna víctima: 1 escuela", "1–1.234: 1 escuela"]


# ---------------------------------------------------------------------- charts
def test_bar_chart_has_axes_values_and_a_title_per_bar() -> None:
    bars = [svg.Bar("2023", 12, 2, "2023: 12 victims"), svg.Bar("2024", 1234, 10, "2024: 1,234")]
    text = svg.bar_chart(
        bars, chart_id="c", title="By year", desc="Victims by year", x_label="year",
        y_label="victims", fmt=lambda n: f"{n:,}",
    )  # fmt: skip
    root = _xml(text)
    assert root.get("class") == "chart" and root.get("role") == "img"
    bar_titles = [g.find("s:title", NS) for g in root.findall(".//s:g[@class='bars']/s:g", NS)]
    assert [t.text for t in bar_titles if t is not None] == ["2023: 12 victims", "2024: 1,234"]
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "year" in texts and "victims" in texts and "1,234" in texts and "2024" in texts
    assert "url(#c-hatch)" in text  # the fatal part is hatched, not only coloured


def test_bar_chart_without_data_still_draws_its_axes() -> None:
    root = _xml(svg.bar_chart([], chart_id="e", title="t", desc="d", x_label="x", y_label="y"))
    assert root.find(".//s:line[@class='axis']", NS) is not None


def test_crowded_bars_leave_out_value_labels_but_keep_titles() -> None:
    bars = [svg.Bar(str(h), 1000 + h, 0, f"{h}:00") for h in range(24)]
    text = svg.bar_chart(bars, chart_id="h", title="t", desc="d", x_label="x", y_label="y",
                         width=300, label_every=3)  # fmt: skip
    assert not re.search(r'class="value"', text)
    assert text.count("<title") == 1 + 24
    assert len(re.findall(r'class="tick"', text)) == 8


@pytest.mark.parametrize(
    ("high", "ticks"),
    [
        (0, [0, 1]),
        (3, [0, 1, 2, 3]),
        (5, [0, 2, 4, 6]),
        (37, [0, 10, 20, 30, 40]),
        (40, [0, 10, 20, 30, 40]),
    ],
)
def test_nice_ticks(high: int, ticks: list[int]) -> None:
    assert svg.nice_ticks(0, high) == ticks
