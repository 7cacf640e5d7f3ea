"""What the exposure engine reads and what it answers: the columns an
:class:`~safeschools.proximity.engine.ExposureIndex` is built from (:class:`ExposureData`), a
definition's figures (:class:`ExposureResult`), what it needs of a school calendar
(:class:`DayCalendar`), and the caveats every result carries (:data:`CAVEATS`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from safeschools.model.coverage import VictimCoverage
from safeschools.tables import Table, point, to_frame, to_geoframe

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CAVEATS",
    "NEAR_COLUMNS",
    "PAIR_TABLE_COLUMNS",
    "SCHOOL_TABLE_COLUMNS",
    "VICTIM_TABLE_COLUMNS",
    "Bool",
    "CountedPairs",
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


#: The victim columns of the victims and pairs tables (what the index holds of a victim; the
#: export adds the store's other columns). Never a name: the store holds none.
_VICTIM_COLUMNS = (
    "victim_id",
    "source",
    "case_number",
    "occurred_at",
    "victimization_type",
    "fatal",
    "gunshot_injury",
    "age_band",
    "lat",
    "lon",
)
#: One row per school-victim pair a definition counts: the victim, the school, the distance.
PAIR_TABLE_COLUMNS = (*_VICTIM_COLUMNS, "school_id", "school_year", "school_name", "distance_m")
#: What a victims table adds to a victim: the schools it is counted near (nearest first) and
#: their distances, as lists in the same order.
NEAR_COLUMNS = ("schools_near", "nearest_school_id", "nearest_distance_m", "school_ids",
                "distances_m")  # fmt: skip
#: One row per victim a definition counts (the rows add up to its ``victims``).
VICTIM_TABLE_COLUMNS = (*_VICTIM_COLUMNS, *NEAR_COLUMNS)

Rows = Literal["schools", "victims", "pairs"]


@dataclass(frozen=True)
class CountedPairs:
    """The school-victim pairs a result counts: positions in its index's pair columns
    (``data``, nearest first), within the radius and passing every filter of the definition.

    Examples
    --------
    A victim 120 m from school 1 and 300 m from school 2 is two pairs and one victim.
    """

    data: ExposureData
    pairs: Int

    def pair_rows(self) -> list[dict[str, Any]]:
        """One row per pair (:data:`PAIR_TABLE_COLUMNS`), by time, victim, then distance."""
        d = self.data
        pv = d.pair_victim[self.pairs]
        ps = d.pair_school[self.pairs]
        dist = d.pair_distance_m[self.pairs]
        order = np.lexsort((dist, d.victim_id[pv], d.occurred_at[pv]))
        victims = _victim_rows(d, pv[order])
        return [
            {
                **victim,
                "school_id": d.school_id[s],
                "school_year": d.school_year[s],
                "school_name": d.school_name[s],
                "distance_m": round(float(m), 1),
            }
            for victim, s, m in zip(victims, ps[order].tolist(), dist[order].tolist(), strict=True)
        ]

    def victim_rows(self) -> list[dict[str, Any]]:
        """One row per victim (:data:`VICTIM_TABLE_COLUMNS`), by time then victim, with the
        schools it is counted near, nearest first."""
        near: dict[int, dict[str, Any]] = {}
        for row in self.pair_rows():
            school = {"school_id": row.pop("school_id"), "distance_m": row.pop("distance_m")}
            row.pop("school_year")
            row.pop("school_name")
            entry = near.setdefault(row["victim_id"], {**row, "_schools": []})
            entry["_schools"].append(school)
        rows = []
        for entry in near.values():
            schools = sorted(entry.pop("_schools"), key=lambda s: (s["distance_m"], s["school_id"]))
            rows.append(
                {
                    **entry,
                    "schools_near": len(schools),
                    "nearest_school_id": schools[0]["school_id"],
                    "nearest_distance_m": schools[0]["distance_m"],
                    "school_ids": [s["school_id"] for s in schools],
                    "distances_m": [s["distance_m"] for s in schools],
                }
            )
        return rows


def _victim_rows(d: ExposureData, positions: Int) -> list[dict[str, Any]]:
    """The victims at ``positions`` as rows of :data:`_VICTIM_COLUMNS` (times as datetimes)."""
    lat = d.victim_lat[positions].tolist() if d.victim_lat is not None else None
    lon = d.victim_lon[positions].tolist() if d.victim_lon is not None else None
    kind = d.victim_type[positions].tolist() if d.victim_type is not None else None
    shot = {1: True, 0: False}
    return [
        {
            "victim_id": vid,
            "source": source,
            "case_number": case,
            "occurred_at": when,
            "victimization_type": None if kind is None else kind[i],
            "fatal": fatal,
            "gunshot_injury": shot.get(gun),
            "age_band": age,
            "lat": None if lat is None or lat[i] != lat[i] else lat[i],
            "lon": None if lon is None or lon[i] != lon[i] else lon[i],
        }
        for i, (vid, source, case, when, fatal, gun, age) in enumerate(
            zip(
                d.victim_id[positions].tolist(),
                d.source[positions].tolist(),
                d.case_number[positions].tolist(),
                d.occurred_at[positions].astype("datetime64[s]").tolist(),
                d.fatal[positions].tolist(),
                d.gunshot[positions].tolist(),
                d.age_band[positions].tolist(),
                strict=True,
            )
        )
    ]


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
    #: The pairs it counts (None when the data cannot answer the definition).
    counted: CountedPairs | None = field(default=None, repr=False, compare=False)

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

    def victim_table(self) -> tuple[list[str], list[dict[str, Any]]]:
        """Every victim the definition counts, one row each (so the rows add up to
        :attr:`victims`), with the schools it is counted near and the distances: the columns,
        then the rows. No rows when the data cannot answer the definition (see
        :attr:`reasons`: that is no answer, not 0 victims)."""
        rows = self.counted.victim_rows() if self.counted is not None else []
        return list(VICTIM_TABLE_COLUMNS), rows

    def pair_table(self) -> tuple[list[str], list[dict[str, Any]]]:
        """Every school-victim pair the definition counts, one row each (a victim near two
        schools is two rows; per school they add up to each school's ``victims``)."""
        rows = self.counted.pair_rows() if self.counted is not None else []
        return list(PAIR_TABLE_COLUMNS), rows

    def metadata(self) -> dict[str, Any]:
        """What a table of this result does not say on its own: the definition, whether the
        data can answer it and why, what the data covers, the vintage and the caveats."""
        return {
            "definition": self.definition,
            "answerable": self.answerable,
            "reasons": self.reasons,
            "coverage": self.coverage,
            "school_year": self.school_year,
            "data_vintage": self.data_vintage,
            "caveats": self.caveats,
        }

    def table(self, rows: Rows = "schools") -> Table:
        """One of the result's tables with its metadata: ``schools`` (:meth:`school_table`),
        ``victims`` (:meth:`victim_table`) or ``pairs`` (:meth:`pair_table`)."""
        builders = {
            "schools": self.school_table,
            "victims": self.victim_table,
            "pairs": self.pair_table,
        }
        if rows not in builders:
            msg = f"No table {rows!r}; ask for one of: {', '.join(builders)}."
            raise ValueError(msg)
        columns, data = builders[rows]()
        return Table(columns, data, point, meta=self.metadata())

    def to_pandas(self, rows: Rows = "schools") -> pd.DataFrame:
        """A table of the result as a pandas DataFrame, the metadata in ``DataFrame.attrs``.

        ``rows``: ``schools`` (every school considered, its rank, victims, fatal victims,
        nearest distance and one column per calendar year), ``victims`` (one row per victim
        counted, with ``school_ids`` and ``distances_m`` as lists, nearest first) or ``pairs``
        (one row per school-victim pair, with ``distance_m``). When the data cannot answer the
        definition, the school counts are missing (None, never 0) and there are no victims.

        Examples
        --------
        >>> result = exposure(store, "abc7-2024", settings=settings)  # doctest: +SKIP
        >>> result.to_pandas("victims")[["occurred_at", "nearest_distance_m"]]  # doctest: +SKIP
        """
        return to_frame(self.table(rows))

    def to_geopandas(self, rows: Rows = "schools") -> Any:
        """A table of the result as a GeoPandas GeoDataFrame of points (lat-lon degrees,
        EPSG:4326): schools at the school, victims and pairs at the victim's block. Needs
        ``pip install 'safeschools[analysis]'``."""
        return to_geoframe(self.table(rows))

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
