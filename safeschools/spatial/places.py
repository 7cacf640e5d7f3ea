"""Places as people name them: a ZIP code, or an intersection ("Pulaski & Madison"), found among
the named intersections.

Reading what people write
-------------------------
- A **ZIP code** is five digits (``60624``; ``60624-1234`` is read as ``60624``).
- An **intersection** is two street names joined by ``&``, ``/``, ``@``, ``+``, ``and``,
  ``at``, or the Spanish ``y`` and ``con``; ``corner of`` and ``esquina de`` in front are
  dropped. ``Pulaski & Madison``, ``Pulaski and Madison``, ``Madison/Pulaski`` and
  ``Pulaski y Madison`` are the same place.
- A **street name** is compared the way the City writes it: upper case, accents and
  punctuation dropped, the direction (``N``, ``North``, ``Norte``, ...) dropped, the type
  abbreviated (``Street`` -> ``ST``, ``Avenue`` -> ``AVE``, ``Road`` -> ``RD``, ...), a bare
  number made an ordinal (``63`` -> ``63RD``). A written name matches a street when its words
  are the street's name (``PULASKI RD``), or the name without its type (``PULASKI``), or, failing
  both, when all its words are in the street's name (``Martin Luther King`` finds
  ``DR MARTIN LUTHER KING JR DR``). The closest kind of match wins.

The same two streets can meet more than once (a street that bends, or two streets of the same
name): each meeting more than :data:`SAME_PLACE_M` from the others is a place of its own, the
best match first. Coordinates are lat-lon degrees (EPSG:4326).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from safeschools.model import Intersection
from safeschools.spatial.pairs import ellipsoidal_distance_m
from safeschools.spatial.streets import street_key, street_label

__all__ = [
    "SAME_PLACE_M",
    "Gazetteer",
    "Place",
    "normal_street",
    "read_intersection",
    "read_zip",
]

#: Two meetings of the same streets closer than this are one place (metres).
SAME_PLACE_M = 150.0

_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")
_JOIN = re.compile(r"\s*(?:&|/|@|\+|\band\b|\bat\b|\by\b|\bcon\b)\s*", re.IGNORECASE)
_LEAD = re.compile(r"^\s*(?:(?:the\s+)?corner\s+of|esquina(?:\s+de)?|cruce\s+de)\s+", re.I)
_DIRECTIONS = frozenset(
    {"N", "S", "E", "W", "NORTH", "SOUTH", "EAST", "WEST", "NORTE", "SUR", "ESTE", "OESTE"}
)
#: Street types as people write them -> as the City abbreviates them.
_TYPES = {
    "STREET": "ST", "STR": "ST", "AVENUE": "AVE", "AV": "AVE", "AVENIDA": "AVE",
    "ROAD": "RD", "BOULEVARD": "BLVD", "BOUL": "BLVD", "DRIVE": "DR", "PLACE": "PL",
    "COURT": "CT", "PARKWAY": "PKWY", "EXPRESSWAY": "EXPY", "HIGHWAY": "HWY",
    "TERRACE": "TER", "LANE": "LN", "SQUARE": "SQ", "PLAZA": "PLZ", "CALLE": "ST",
}  # fmt: skip
_TYPE_WORDS = frozenset(_TYPES.values()) | {"EXPY", "HWY", "PKWY", "WAY", "ROW", "CIR"}
_SPANISH_FIRST = frozenset({"AVE", "ST"})  # "Avenida Pulaski", "Calle 63": the type comes first


def _ordinal(number: str) -> str:
    n = int(number)
    suffix = "TH" if 11 <= n % 100 <= 13 else {1: "ST", 2: "ND", 3: "RD"}.get(n % 10, "TH")
    return f"{n}{suffix}"


def normal_street(text: str) -> str:
    """A street name as the City writes it, without its direction.

    Examples
    --------
    >>> normal_street("North Pulaski Road")
    'PULASKI RD'
    >>> normal_street("w. 63 street"), normal_street("Avenida Kedzie"), normal_street("S")
    ('63RD ST', 'KEDZIE AVE', 'S')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^\w\s]", " ", ascii_text.replace("'", "").upper()).split()
    words = [_TYPES.get(w, w) for w in words]
    if len(words) > 1 and words[0] in _SPANISH_FIRST:
        words = [*words[1:], words[0]]
    if len(words) > 1 and words[0] in _DIRECTIONS:
        words = words[1:]
    return " ".join(_ordinal(w) if w.isdigit() else w for w in words)


def read_zip(text: str) -> str | None:
    """The five-digit ZIP code ``text`` is, or None.

    Examples
    --------
    >>> read_zip("60624"), read_zip("60624-1234"), read_zip("6062"), read_zip("60624 W")
    ('60624', '60624', None, None)
    """
    match = _ZIP.match(text)
    return match.group(1) if match else None


def read_intersection(text: str) -> tuple[str, str] | None:
    """The two street names of an intersection as people write it, or None.

    Examples
    --------
    >>> read_intersection("Pulaski & Madison"), read_intersection("madison/pulaski")
    (('Pulaski', 'Madison'), ('madison', 'pulaski'))
    >>> read_intersection("esquina de Pulaski y Madison")
    ('Pulaski', 'Madison')
    >>> read_intersection("Pulaski") is None, read_intersection("a & b & c") is None
    (True, True)
    """
    parts = _JOIN.split(_LEAD.sub("", text.strip()))
    if len(parts) != 2 or not all(p.strip() for p in parts):
        return None
    return parts[0].strip(), parts[1].strip()


@dataclass(frozen=True)
class Place:
    """A place a query was read as: its kind (``zip``, ``intersection``, ``community_area``),
    how a page names it, where it is, and its ZIP code when known."""

    kind: str
    label: str
    lat: float
    lon: float
    zip_code: str | None = None


class Gazetteer:
    """The named intersections, indexed by street and ZIP code."""

    def __init__(self, intersections: Iterable[Intersection]) -> None:
        self.items = list(intersections)
        self._by_street: dict[str, list[int]] = {}
        self._by_zip: dict[str, list[int]] = {}
        for i, item in enumerate(self.items):
            for name in {street_key(item.street_1), street_key(item.street_2)}:
                self._by_street.setdefault(name, []).append(i)
            if item.zip_code:
                self._by_zip.setdefault(item.zip_code, []).append(i)
        self._cores: dict[str, list[str]] = {}
        for name in self._by_street:
            words = name.split()
            if len(words) > 1 and words[-1] in _TYPE_WORDS:
                self._cores.setdefault(" ".join(words[:-1]), []).append(name)

    def __len__(self) -> int:
        return len(self.items)

    def streets(self, written: str) -> list[str]:
        """The streets a written name matches, by the closest kind of match (see above)."""
        wanted = normal_street(written)
        if not wanted:
            return []
        if wanted in self._by_street:
            return [wanted]
        if wanted in self._cores:
            return sorted(self._cores[wanted])
        words = wanted.split()
        return sorted(name for name in self._by_street if all(w in name.split() for w in words))

    def intersection(self, first: str, second: str) -> list[Place]:
        """Where a street ``first`` meets a street ``second``: one place per meeting (the
        meetings of the closest-matching names first), or none."""
        one, two = self.streets(first), self.streets(second)
        if not one or not two:
            return []
        found: list[int] = []
        wanted = set(two)
        for name in one:
            for i in self._by_street.get(name, []):
                item = self.items[i]
                other = {street_key(item.street_1), street_key(item.street_2)} - {name}
                if other & wanted:
                    found.append(i)
        places: list[Place] = []
        for i in found:
            item = self.items[i]
            if any(_distance_m(p.lat, p.lon, item.lat, item.lon) < SAME_PLACE_M for p in places):
                continue
            a, b = street_key(item.street_1), street_key(item.street_2)
            if a not in one:
                a, b = b, a
            label = f"{street_label(a)} & {street_label(b)}"
            places.append(Place("intersection", label, item.lat, item.lon, item.zip_code))
        return places

    def zip_centre(self, zip_code: str) -> Place | None:
        """The middle of the intersections of a ZIP code (their mean), or None."""
        found = self._by_zip.get(zip_code)
        if not found:
            return None
        lat = float(np.mean([self.items[i].lat for i in found]))
        lon = float(np.mean([self.items[i].lon for i in found]))
        return Place("zip", zip_code, lat, lon, zip_code)

    def zip_codes(self) -> Sequence[str]:
        """Every ZIP code the intersections have, in order."""
        return sorted(self._by_zip)


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    d = ellipsoidal_distance_m(
        np.array([lat1]), np.array([lon1]), np.array([lat2]), np.array([lon2])
    )
    return float(d[0])
