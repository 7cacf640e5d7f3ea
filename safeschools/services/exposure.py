"""Violence near schools under any definition: the index, one definition, every preset, grids."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from safeschools.demo import DEMO_SOURCE
from safeschools.errors import (
    ConfigError,
    DataValidationError,
    NotFoundError,
)
from safeschools.model.coverage import VictimCoverage
from safeschools.proximity.calendar import SchoolCalendar
from safeschools.proximity.coverage import coverage_block
from safeschools.proximity.definition import Definition, parse_radius
from safeschools.proximity.engine import CAVEATS, ExposureData, ExposureIndex, ExposureResult
from safeschools.proximity.presets import PRESETS, load_presets, preset
from safeschools.services.pairs import stored_pair_radius
from safeschools.settings import Settings
from safeschools.storage import Store

T = TypeVar("T")


def list_presets(settings: Settings) -> list[dict[str, Any]]:
    """Every named definition (built-in, then the settings' presets file), JSON-ready."""
    return [
        {"preset": name, **d.to_dict()} for name, d in load_presets(settings.presets_file).items()
    ]


def school_calendar(
    store: Store, *, grades: str = "HS", as_planned: bool = False
) -> SchoolCalendar:
    """The school calendar of the stored calendar days, for ``grades`` (``HS``, ``ES``, ``all``).

    School years without stored days follow the rules of
    :mod:`safeschools.proximity.calendar`; ``as_planned`` keeps unplanned closures as school days.
    """
    return SchoolCalendar.from_days(store.calendar_days(), grades=grades, as_planned=as_planned)


def _vintage(store: Store) -> dict[str, Any]:
    """What data a result was computed on: newest victimization, newest import, sources."""
    summary = store.victimization_summary()
    newest = max((r["last"] for r in summary if r["last"] is not None), default=None)
    finished = [i.finished_at for i in store.imports() if i.finished_at is not None]
    return {
        "newest_occurred_at": _iso(newest),
        "newest_import_at": _iso(max(finished, default=None)),
        "sources": [{"source": r["source"], "victimizations": int(r["rows"])} for r in summary],
        "synthetic": bool(summary) and all(r["source"] == DEMO_SOURCE for r in summary),
    }


def _iso(value: Any) -> str | None:
    """ISO text of a datetime (or of the text SQLite gives back); None stays None."""
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value).replace(" ", "T")


def exposure_index(store: Store, *, settings: Settings, cache_results: int = 0) -> ExposureIndex:
    """Load the pairs and attributes once; the index answers any definition in milliseconds.

    ``cache_results`` keeps that many latest results per definition (a server's index).
    """
    cols = store.exposure_columns()
    data = ExposureData(
        max_radius_m=stored_pair_radius(store, settings),
        vintage=_vintage(store),
        coverage=_coverage_by_source(store),
        **cols,
    )
    return ExposureIndex(data, calendars=_calendars(store), cache_results=cache_results)


def _coverage_by_source(store: Store) -> dict[str, VictimCoverage]:
    """What each stored victims source covers, as its imports recorded it."""
    return {
        r["source"]: store.victim_coverage([r["source"]]) for r in store.victimization_summary()
    }


def data_coverage(store: Store, definition: Definition | None = None) -> dict[str, Any]:
    """What the stored victims cover: for every source together, or, with ``definition``, for
    the sources it counts and the window it asks (the coverage block of its results).

    Examples
    --------
    >>> from safeschools import Settings, open_store
    >>> data_coverage(open_store("sqlite://"))["rows"]
    0
    """
    if definition is None:
        return store.victim_coverage().to_dict()
    newest = store.victim_coverage().last_day
    return coverage_block(definition, store.victim_coverage(list(definition.sources)), newest)


def _calendars(store: Store) -> dict[str, Any]:
    return {grades: school_calendar(store, grades=grades) for grades in ("ES", "HS")}


def exposure(
    store: Store,
    definition: Definition | str,
    *,
    settings: Settings,
    index: ExposureIndex | None = None,
    split_date: date | None = None,
    top: int | None = None,
) -> ExposureResult:
    """Violence near every school under one definition (or the name of a preset).

    Examples
    --------
    >>> from safeschools import Settings, open_store
    >>> store = open_store("sqlite://")
    >>> result = exposure(store, "abc7-2024", settings=Settings())  # doctest: +SKIP
    """
    if isinstance(definition, str):
        definition = preset(definition, load_presets(settings.presets_file))
    idx = index or exposure_index(store, settings=settings)
    return idx.query(definition, split_date=split_date, top=top)


def compare_definitions(
    store: Store,
    *,
    settings: Settings,
    presets_file: Path | str | None = None,
    index: ExposureIndex | None = None,
    school_year: str | None = None,
) -> dict[str, Any]:
    """Every preset side by side on the same data."""
    idx = index or exposure_index(store, settings=settings)
    rows = []
    for name, d in load_presets(presets_file or settings.presets_file).items():
        if school_year is not None:
            d = d.with_changes(school_year=school_year)
        result = idx.query(d)
        rows.append(
            {
                "preset": name,
                "label": d.label,
                "description": d.describe(),
                "radius": result.definition["radius"],
                "hours": result.definition["hours"] or "all",
                "days": d.days,
                "victims_counted": ", ".join(
                    [
                        *(f"age {a}" for a in d.ages),
                        *(["shot"] if d.gunshot_only else []),
                        *([d.types] if d.types != "all" else []),
                    ]
                )
                or "all",
                "since": result.definition["since"],
                "until": result.definition["until"],
                "unit": result.unit,
                "count": result.count,
                "answerable": result.answerable,
                "reasons": result.reasons,
                "coverage": result.coverage,
                "victims": result.victims,
                "fatal": result.fatal,
                "incidents": result.incidents,
                "schools": result.schools,
                "schools_considered": result.schools_considered,
                "source_note": d.source_note,
                "quote": d.quote,
                "notes": list(d.notes),
                "caveats": [c for c in result.caveats if c not in CAVEATS],
            }
        )
    return {
        "school_year": idx.query(PRESETS["trace-500yd"]).school_year if idx.n_schools else None,
        "definitions": rows,
        "data_vintage": dict(idx.data.vintage),
        "caveats": list(CAVEATS),
    }


def sensitivity(
    store: Store,
    definition: Definition,
    *,
    settings: Settings,
    radii: Sequence[str],
    hours: Sequence[str] = (),
    index: ExposureIndex | None = None,
) -> dict[str, Any]:
    """Counts over a grid of radii x hours windows and radii x years.

    Raises
    ------
    DataValidationError
        The grid has more than ``settings.max_grid_cells`` cells (radii x hours windows).
    """
    cells = len(radii) * max(1, len(hours))
    if cells > settings.max_grid_cells:
        msg = (
            f"The sensitivity grid has {len(radii)} radii x {max(1, len(hours))} hours windows "
            f"= {cells} cells; at most {settings.max_grid_cells} cells (max_grid_cells) are "
            "computed at once: ask for fewer radii or windows."
        )
        raise DataValidationError(msg)
    idx = index or exposure_index(store, settings=settings)
    return idx.sensitivity(definition, radii_m=[parse_radius(r) for r in radii], hours=hours)


class IndexCache:
    """One ExposureIndex per store, rebuilt when a new import lands (thread-safe).

    The index keeps the results of the ``results`` definitions asked for last (an LRU keyed on
    the definition), so that many people asking the same question cost one computation; a new
    import builds a new index, and with it an empty cache. :meth:`memo` keeps the ``derived``
    latest values computed from the index (an API's encoded JSON, say) the same way.
    """

    def __init__(
        self, store: Store, settings: Settings, *, results: int = 32, derived: int = 512
    ) -> None:
        self.store = store
        self.settings = settings
        self.results = results
        self.derived = derived
        self._lock = threading.Lock()
        self._index: ExposureIndex | None = None
        self._key: int | None = None
        self._memo: OrderedDict[Hashable, tuple[ExposureIndex, Any]] = OrderedDict()

    def memo(self, key: Hashable, compute: Callable[[ExposureIndex], T]) -> T:
        """``compute(index)`` for the index as it is now, once per index and ``key``.

        The value is shared by every caller with the same key: make it immutable (bytes, str).
        An exception is raised to the caller and nothing is kept.
        """
        index = self.get()
        with self._lock:
            hit = self._memo.get(key)
            if hit is not None and hit[0] is index:
                self._memo.move_to_end(key)
                value: T = hit[1]
                return value
        value = compute(index)
        with self._lock:
            self._memo[key] = (index, value)
            self._memo.move_to_end(key)
            while len(self._memo) > self.derived:
                self._memo.popitem(last=False)
        return value

    def holds(self, definition: Definition) -> bool:
        """True when the index built last has the result of ``definition`` at hand (no store
        read: the limits of the web server ask it on every request)."""
        index = self._index
        return index is not None and index.holds(definition)

    def get(self) -> ExposureIndex:
        """The index for the store as it is now."""
        with self.store.engine.connect() as conn:
            key = self.store.max_import_id(conn=conn)
        with self._lock:
            if self._index is None or key != self._key:
                index = exposure_index(
                    self.store, settings=self.settings, cache_results=self.results
                )
                _warm_presets(index, self.settings)
                self._index = index
                self._key = key
                self._memo.clear()
            return self._index


def _warm_presets(index: ExposureIndex, settings: Settings) -> None:
    """Answer every preset once (milliseconds each): they are what most people ask for."""
    if not index.n_schools:
        return
    for d in load_presets(settings.presets_file).values():
        try:
            index.query(d)
        except (ConfigError, NotFoundError):  # e.g. a user preset beyond the stored radius
            continue


def district_overview(
    store: Store, definition: Definition, *, settings: Settings, index: ExposureIndex
) -> dict[str, Any]:
    """The district page: every school's count under one definition, trends, caveats, vintage."""
    result = index.query(definition)
    data = result.to_dict(include_all_schools=True)
    data["presets"] = [
        {"preset": name, "label": d.label, "description": d.describe()}
        for name, d in load_presets(settings.presets_file).items()
    ]
    return data
