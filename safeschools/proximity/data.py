"""What the exposure engine reads and what it answers: the columns an
:class:`~safeschools.proximity.engine.ExposureIndex` is built from (:class:`ExposureData`), a
definition's figures (:class:`ExposureResult`), what it needs of a school calendar
(:class:`DayCalendar`), and the caveats every result carries (:data:`CAVEATS`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from safeschools.model.coverage import VictimCoverage

__all__ = [
    "CAVEATS",
    "SCHOOL_TABLE_COLUMNS",
    "Bool",
    "DayCalendar",
    "ExposureData",
    "ExposureResult",
    "Int",
]

#: Caveats that hold for every result on police victim data.
CAVEATS = (
    "Locations are block-level (the police place each victim at the block address), so "
    "distances can be off by up to about half a block.",
    "Records change after the fact (reclassifications, late reports); every result names the "
    "data vintage it was computed on.",
    "Victims are rows, not incidents: a shooting with three victims counts three victims and "
    "one incident.",
)


Bool = npt.NDArray[np.bool_]
Int = npt.NDArray[np.int64]


class DayCalendar(Protocol):
    """What the engine needs of a school calendar."""

    def school_day_mask(self, days: npt.NDArray[np.datetime64]) -> Bool: ...

    def source_of(self, school_year: str) -> str: ...


@dataclass
class ExposureData:
    """The columns an index is built from (the service reads them from the store).

    Victim columns are indexed 0..n-1; ``pair_victim`` and ``pair_school`` index into the victim
    and school columns. Times are local wall time.
    """

    victim_id: Int
    occurred_at: npt.NDArray[np.datetime64]
    fatal: Bool
    gunshot: npt.NDArray[np.int8]  # 1 yes, 0 no, -1 unknown
    age_band: npt.NDArray[np.object_]
    case_number: npt.NDArray[np.object_]
    source: npt.NDArray[np.object_]
    school_year: npt.NDArray[np.object_]
    school_id: npt.NDArray[np.object_]
    school_name: npt.NDArray[np.object_]
    governance: npt.NDArray[np.object_]
    grade_category: npt.NDArray[np.object_]
    school_lat: npt.NDArray[np.float64]
    school_lon: npt.NDArray[np.float64]
    pair_victim: Int
    pair_school: Int
    pair_distance_m: npt.NDArray[np.float64]
    max_radius_m: float
    vintage: dict[str, Any] = field(default_factory=dict)
    victim_lat: npt.NDArray[np.float64] | None = None
    victim_lon: npt.NDArray[np.float64] | None = None
    victim_type: npt.NDArray[np.object_] | None = None
    #: What each source covers (recorded at import); None to derive it from the columns.
    coverage: dict[str, VictimCoverage] | None = None


#: The per-school columns of an exposure table, before the counts by year.
SCHOOL_TABLE_COLUMNS = (
    "rank",
    "school_id",
    "school_year",
    "name",
    "governance",
    "grade_category",
    "lat",
    "lon",
    "victims",
    "fatal",
    "nearest_m",
)


@dataclass
class ExposureResult:
    """What a definition gives on the data: totals, per school, trends, and its caveats.

    When the data cannot answer the definition (``answerable`` is false: the window lies outside
    the data, or a filter needs a field no row has), the counts are None, never 0, and
    ``coverage["reasons"]`` says why.
    """

    definition: dict[str, Any]
    victims: int | None
    fatal: int | None
    incidents: int | None
    schools: int | None
    schools_considered: int
    school_year: str
    per_school: list[dict[str, Any]]
    trends: dict[str, list[dict[str, Any]]]
    data_vintage: dict[str, Any]
    caveats: list[str]
    before_after: dict[str, Any] | None = None
    all_schools: list[dict[str, Any]] = field(default_factory=list, repr=False)
    coverage: dict[str, Any] = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        """Whether the data can answer the definition at all (see :attr:`coverage`)."""
        return bool(self.coverage.get("answerable", True))

    @property
    def reasons(self) -> list[str]:
        """Why the result cannot be answered, or why it is partial (English sentences)."""
        return list(self.coverage.get("reasons", []))

    @property
    def unit(self) -> str:
        """What the headline figure counts: ``victims`` or ``incidents`` (the definition's)."""
        return str(self.definition.get("unit") or "victims")

    @property
    def count(self) -> int | None:
        """The headline figure: victims or incidents, as the definition's unit says (None when
        the data cannot answer the definition)."""
        return self.incidents if self.unit == "incidents" else self.victims

    def school_table(self) -> tuple[list[str], list[dict[str, Any]]]:
        """Every school as a flat row (for CSV): the columns, then one count per year."""
        years = sorted({y for row in self.all_schools for y in row["by_year"]})
        columns = [*SCHOOL_TABLE_COLUMNS, *years]
        rows = [
            {
                **{c: row.get(c) for c in SCHOOL_TABLE_COLUMNS},
                **{y: row["by_year"].get(y, 0) for y in years},
            }
            if self.answerable
            else {c: row.get(c) for c in SCHOOL_TABLE_COLUMNS}
            for row in self.all_schools
        ]
        return columns, rows

    def to_dict(self, *, include_all_schools: bool = False) -> dict[str, Any]:
        """JSON-ready."""
        data = {
            "definition": self.definition,
            "answerable": self.answerable,
            "reasons": self.reasons,
            "coverage": self.coverage,
            "victims": self.victims,
            "fatal": self.fatal,
            "incidents": self.incidents,
            "schools": self.schools,
            "schools_considered": self.schools_considered,
            "school_year": self.school_year,
            "per_school": self.per_school,
            "trends": self.trends,
            "before_after": self.before_after,
            "data_vintage": self.data_vintage,
            "caveats": self.caveats,
        }
        if include_all_schools:
            data["all_schools"] = self.all_schools
        return data
