"""Finding schools by what people know: a school's name, id or address, a ZIP code, a community
area ("Austin"), or an intersection ("Pulaski & Madison"), the nearest schools first, with their
distances.

A query is read every way it can be (:mod:`safeschools.spatial.places` says how ZIP codes and
intersections are read), and each reading that finds something is a group of the answer:

- ``text``: schools whose id is the query, or whose name or address holds it (accents, case,
  punctuation and ``Street``/``ST`` aside), the newest record of every school;
- ``zip``: the schools of that ZIP code, nearest the middle of the ZIP code first; a ZIP code
  with no school gives the :data:`NEAREST` schools nearest its middle;
- ``community_area``: the schools inside the area's boundary (or, without boundaries, whose
  record names the area), by name;
- ``intersection``: the :data:`NEAREST` schools nearest the corner, with their distances; the
  other places where streets of those names meet are listed too.

Places and distances use the newest school year unless one is named (closed schools are not
"near" anyone); names and ids find schools of any year. What the search reads (schools, areas,
intersections) is kept per data version, so a query costs a few milliseconds.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from safeschools.model import School
from safeschools.services.cache import VersionedCache
from safeschools.spatial import ellipsoidal_distance_m
from safeschools.spatial.places import Gazetteer, Place, read_intersection, read_zip
from safeschools.spatial.streets import street_key, street_label
from safeschools.storage import Store

__all__ = ["NEAREST", "search", "search_schools"]

#: How many schools a place (an intersection, a ZIP code without schools) lists.
NEAREST = 10
#: How many community areas one query may name.
_MOST_AREAS = 3
_KEPT = VersionedCache(size=8)
_TYPES = {"STREET": "ST", "AVENUE": "AVE", "ROAD": "RD", "BOULEVARD": "BLVD", "DRIVE": "DR",
          "PLACE": "PL", "COURT": "CT", "PARKWAY": "PKWY"}  # fmt: skip


def _plain(text: str) -> str:
    """Upper case, no accents, no punctuation, street types abbreviated, single spaces."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^\w\s]", " ", ascii_text.replace("'", "").upper()).split()
    return " ".join(_TYPES.get(w, w) for w in words)


@dataclass(frozen=True)
class _Area:
    name: str
    plain: str
    shape: BaseGeometry
    centre: tuple[float, float]  # lat, lon


@dataclass(frozen=True)
class _Index:
    """What the search reads, for one data version."""

    latest: dict[str, School]
    by_year: dict[str, list[School]]
    #: (name, long name, address) of every record, plain (see :func:`_plain`)
    plain: dict[tuple[str, str], tuple[str, str, str]]
    gazetteer: Gazetteer
    areas: list[_Area]
    examples: dict[str, str]

    def pool(self, school_year: str | None) -> list[School]:
        """The located schools places are measured to: of ``school_year``, else the newest."""
        year = school_year or (max(self.by_year) if self.by_year else None)
        return [s for s in self.by_year.get(year or "", []) if s.lat is not None]


def _area_name(name: str) -> str:
    return name.title() if name.isupper() else name


def _build(store: Store) -> _Index:
    latest: dict[str, School] = {}
    by_year: dict[str, list[School]] = {}
    plain: dict[tuple[str, str], tuple[str, str, str]] = {}
    for school in store.schools():  # by year: the newest record of a school wins
        latest[school.school_id] = school
        by_year.setdefault(school.school_year, []).append(school)
        plain[(school.school_id, school.school_year)] = (
            _plain(school.name),
            _plain(school.long_name or ""),
            _plain(school.address or ""),
        )
    areas = []
    for b in store.boundaries(kind="community_area"):
        shape = shapely.from_wkt(b.geometry_wkt)
        shapely.prepare(shape)
        point = shape.representative_point()
        name = _area_name(b.name or b.code)
        areas.append(_Area(name, _plain(name), shape, (point.y, point.x)))
    gazetteer = Gazetteer(store.intersections())
    index = _Index(latest, by_year, plain, gazetteer, areas, {})
    index.examples.update(_examples(index, {ln.street for ln in store.street_lines() if ln.major}))
    return index


def _examples(index: _Index, major: set[str]) -> dict[str, str]:
    """One query of each kind that finds something in this store (for the page's hints)."""
    pool = index.pool(None)
    out: dict[str, str] = {}
    words = Counter(s.name.split()[0] for s in pool if s.name and len(s.name.split()[0]) > 2)
    if words:
        out["name"] = min(words, key=lambda w: (-words[w], w))
    zips = Counter(s.zip_code for s in pool if s.zip_code)
    if zips:
        out["zip"] = min(zips, key=lambda z: (-zips[z], z))
    in_area = Counter(a.name for a in index.areas for s in pool if _inside(a, s))
    if in_area:
        out["community_area"] = min(in_area, key=lambda a: (-in_area[a], a))
    if pool and major:
        lat = float(np.median([s.lat for s in pool]))
        lon = float(np.median([s.lon for s in pool]))
        corners = [
            i
            for i in index.gazetteer.items
            if street_key(i.street_1) in major and street_key(i.street_2) in major
        ]
        if corners:
            best = min(corners, key=lambda i: (i.lat - lat) ** 2 + (i.lon - lon) ** 2)
            out["intersection"] = (
                f"{street_label(street_key(best.street_1))} & "
                f"{street_label(street_key(best.street_2))}"
            )
    return out


def _inside(area: _Area, school: School) -> bool:
    if school.lat is None or school.lon is None:
        return False
    return bool(shapely.contains_xy(area.shape, school.lon, school.lat))


def _index(store: Store) -> _Index:
    return _KEPT.get(store, "search", lambda: _build(store))


# ---------------------------------------------------------------------- the readings
def _row(school: School, matched_by: str, distance_m: float | None = None) -> dict[str, Any]:
    return {
        **asdict(school),
        "matched_by": matched_by,
        "distance_m": None if distance_m is None else round(distance_m, 1),
    }


def _nearest(
    place: Place, schools: Sequence[School], how_many: int | None
) -> list[tuple[School, float]]:
    if not schools:
        return []
    lat = np.array([s.lat for s in schools], dtype=np.float64)
    lon = np.array([s.lon for s in schools], dtype=np.float64)
    d = ellipsoidal_distance_m(np.full_like(lat, place.lat), np.full_like(lon, place.lon), lat, lon)
    order = np.argsort(d, kind="stable")[:how_many]
    return [(schools[int(i)], float(d[int(i)])) for i in order]


def _place(place: Place) -> dict[str, Any]:
    return asdict(place)


def _text(index: _Index, needle: str, school_year: str | None) -> list[dict[str, Any]]:
    plain = _plain(needle)
    if not plain:
        return []
    schools = index.latest.values() if school_year is None else index.by_year.get(school_year, [])
    hits = []
    for s in schools:
        name, long_name, address = index.plain[(s.school_id, s.school_year)]
        if needle.strip() == s.school_id:
            hits.append((0, s.name, _row(s, "id")))
        elif plain in name or plain in long_name:
            hits.append((1 if name.startswith(plain) else 2, s.name, _row(s, "name")))
        elif plain in address:
            hits.append((3, s.name, _row(s, "address")))
    return [row for _rank, _name, row in sorted(hits, key=lambda h: (h[0], h[1]))]


def _zip(index: _Index, zip_code: str, pool: Sequence[School]) -> dict[str, Any] | None:
    centre = index.gazetteer.zip_centre(zip_code)
    inside = [s for s in pool if s.zip_code == zip_code]
    if inside:
        if centre is None:
            lat = float(np.mean([s.lat for s in inside]))
            lon = float(np.mean([s.lon for s in inside]))
            centre = Place("zip", zip_code, lat, lon, zip_code)
        rows = [_row(s, "zip", d) for s, d in _nearest(centre, inside, None)]
        return {"kind": "zip", "place": _place(centre), "within": True, "schools": rows}
    if centre is None:
        return None
    rows = [_row(s, "near", d) for s, d in _nearest(centre, pool, NEAREST)]
    return {"kind": "zip", "place": _place(centre), "within": False, "schools": rows}


def _areas(index: _Index, needle: str, pool: Sequence[School]) -> list[dict[str, Any]]:
    plain = _plain(needle)
    if len(plain) < 3:
        return []
    named = [a for a in index.areas if a.plain == plain]
    if not named and len(plain) >= 4:
        words = plain.split()
        named = [a for a in index.areas if all(w in a.plain.split() for w in words)]
    groups = []
    lon = np.array([s.lon for s in pool], dtype=np.float64)
    lat = np.array([s.lat for s in pool], dtype=np.float64)
    for area in sorted(named, key=lambda a: a.name)[:_MOST_AREAS]:
        mask = shapely.contains_xy(area.shape, lon, lat)
        inside = sorted(
            (s for s, m in zip(pool, mask.tolist(), strict=True) if m), key=lambda s: s.name
        )
        place = Place("community_area", area.name, *area.centre)
        rows = [_row(s, "community_area") for s in inside]
        groups.append({"kind": "community_area", "place": _place(place), "within": True,
                       "schools": rows})  # fmt: skip
    if not index.areas:  # no boundaries: the school records' own community area
        inside = sorted(
            (s for s in pool if s.community_area and _plain(s.community_area) == plain),
            key=lambda s: s.name,
        )
        if inside:
            name = _area_name(inside[0].community_area or "")
            middle = (
                float(np.mean([s.lat for s in inside])),
                float(np.mean([s.lon for s in inside])),
            )
            place = Place("community_area", name, *middle)
            rows = [_row(s, "community_area") for s in inside]
            groups.append({"kind": "community_area", "place": _place(place), "within": True,
                           "schools": rows})  # fmt: skip
    return groups


def _intersection(
    index: _Index, needle: str, pool: Sequence[School]
) -> tuple[dict[str, Any] | None, list[Place]]:
    streets = read_intersection(needle)
    if streets is None or not len(index.gazetteer):
        return None, []
    places = index.gazetteer.intersection(*streets)
    if not places:
        return None, []
    rows = [_row(s, "near", d) for s, d in _nearest(places[0], pool, NEAREST)]
    group = {"kind": "intersection", "place": _place(places[0]), "within": False, "schools": rows}
    return group, places[1:]


# ---------------------------------------------------------------------- the answer
def search(
    store: Store, query: str, *, school_year: str | None = None, limit: int = 50
) -> dict[str, Any]:
    """Every reading of ``query`` that finds schools (see the module docstring).

    Returns
    -------
    dict
        ``query``; ``groups`` (each: ``kind``, ``place`` (kind, label, lat, lon, zip_code) or
        None, ``within`` (the schools are inside the place, not only near it), ``schools``);
        ``schools``: every school once, in the groups' order, with ``matched_by`` (``id``,
        ``name``, ``address``, ``zip``, ``community_area``, ``near``) and ``distance_m`` (from
        the place, metres; None for a name); ``other_places``: other corners of the same
        streets; ``examples``: a query of each kind that finds something in this store.

    Examples
    --------
    >>> search(store, "Pulaski & Madison")["groups"][0]["place"]["label"]  # doctest: +SKIP
    'Pulaski Rd & Madison St'
    """
    index = _index(store)
    needle = query.strip()
    answer: dict[str, Any] = {
        "query": query,
        "groups": [],
        "schools": [],
        "other_places": [],
        "examples": dict(index.examples),
    }
    if not needle:
        return answer
    pool = index.pool(school_year)
    groups: list[dict[str, Any]] = []
    zip_code = read_zip(needle)
    if zip_code is not None:
        found = _zip(index, zip_code, pool)
        groups.extend([found] if found else [])
    corner, others = _intersection(index, needle, pool)
    groups.extend([corner] if corner else [])
    text = _text(index, needle, school_year)
    if text:
        groups.append({"kind": "text", "place": None, "within": False, "schools": text[:limit]})
    groups.extend(_areas(index, needle, pool))
    seen: set[str] = set()
    flat = []
    for group in groups:
        for row in group["schools"]:
            if row["school_id"] not in seen:
                seen.add(row["school_id"])
                flat.append(row)
    answer.update(groups=groups, schools=flat[:limit], other_places=[_place(p) for p in others[:5]])
    return answer


def search_schools(
    store: Store, query: str, *, school_year: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """The schools :func:`search` finds, each once (best readings first)."""
    return list(search(store, query, school_year=school_year, limit=limit)["schools"])
