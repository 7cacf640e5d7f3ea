"""The demo city as parse results, so it enters the store through the normal import path.

Each school year's schools, the victimizations and the boundaries become one
:class:`~safeschools.ingest.base.ParseResult` with the source ``demo-synthetic`` and a checksum
of its records, exactly as an importer would hand them to ``services.record_parse_result``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from safeschools.demo.city import DEMO_SCHOOL_YEARS, DEMO_SOURCE, DemoCity
from safeschools.ingest.base import ParseResult
from safeschools.model import BOUNDARY_KINDS

__all__ = ["DemoImport", "demo_imports"]


@dataclass(frozen=True, slots=True)
class DemoImport:
    """One import of the demo city: its kind (``schools``, ``victims``, ``boundaries``,
    ``officers``, ``discipline``, ``streets``)."""

    kind: str
    result: ParseResult[Any]
    checksum: str


def _checksum(records: list[Any]) -> str:
    """SHA-256 of the records' canonical JSON: equal records, equal checksum."""
    digest = hashlib.sha256()
    for record in records:
        digest.update(json.dumps(asdict(record), default=str, sort_keys=True).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _result(
    city: DemoCity, records: list[Any], what: str, *, school_year: str | None = None
) -> ParseResult[Any]:
    return ParseResult(
        source=DEMO_SOURCE,
        records=records,
        rejects=[],
        format=f"{city.name}: {what}",
        rows_read=len(records),
        school_year=school_year,
        vintage=f"seed {city.seed}",
        notes=["SYNTHETIC: made-up records for trying safeschools; not real data"],
    )


def demo_imports(city: DemoCity) -> list[DemoImport]:
    """The imports that load ``city``: schools per school year, victims, boundaries, then
    officers, discipline and the street grid.

    Examples
    --------
    >>> from safeschools.demo import build_demo_city
    >>> [i.kind for i in demo_imports(build_demo_city())][-5:]
    ['victims', 'boundaries', 'officers', 'discipline', 'streets']
    """
    out: list[DemoImport] = []
    for year in DEMO_SCHOOL_YEARS:
        schools = [s for s in city.schools if s.school_year == year]
        result = _result(city, schools, f"{len(schools)} schools", school_year=year)
        out.append(DemoImport("schools", result, _checksum(schools)))
    victims = list(city.victimizations)
    out.append(
        DemoImport(
            "victims",
            _result(city, victims, f"{len(victims)} victims of shootings"),
            _checksum(victims),
        )
    )
    boundaries = list(city.boundaries)
    counts = ", ".join(
        f"{sum(1 for b in boundaries if b.kind == kind)} {kind.replace('_', ' ')}s"
        for kind in BOUNDARY_KINDS
    )
    out.append(DemoImport("boundaries", _result(city, boundaries, counts), _checksum(boundaries)))
    officers = list(city.officers)
    if officers:
        what = f"{len(officers)} officer assignments"
        out.append(DemoImport("officers", _result(city, officers, what), _checksum(officers)))
    discipline = [*city.enrollments, *city.discipline]
    if discipline:
        what = f"{len(city.enrollments)} enrollments, {len(city.discipline)} discipline figures"
        out.append(DemoImport("discipline", _result(city, discipline, what), _checksum(discipline)))
    streets = list(city.intersections)
    if streets:
        what = f"{len(streets)} street intersections"
        out.append(DemoImport("streets", _result(city, streets, what), _checksum(streets)))
    return out
