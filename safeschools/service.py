"""The use cases every interface calls: import a file, list schools and imports, fetch a portal.

The CLI, the API, the web pages and the reports only translate their input into calls here and
the results into their output. Nothing here prints.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import numpy as np

from safeschools.demo import DEFAULT_SEED, DEMO_SOURCE, build_demo_city, demo_imports
from safeschools.errors import (
    AuthenticationError,
    ConfigError,
    DataValidationError,
    NotFoundError,
    SourceError,
)
from safeschools.ingest.base import ParseResult, file_checksum
from safeschools.ingest.boundaries import boundaries_from_file
from safeschools.ingest.chicago_crimes import crimes_from_file
from safeschools.ingest.chicago_victims import victims_from_file
from safeschools.ingest.cps_calendars import calendars_from_file
from safeschools.ingest.cps_schools import schools_from_cps_file
from safeschools.ingest.generic import records_from_mapping
from safeschools.model import (
    GOVERNANCES,
    ImportRecord,
    RejectedRow,
    School,
    User,
    Victimization,
    school_year_label,
)
from safeschools.model.discipline import DisciplineFigure, Enrollment
from safeschools.policy.accounts import (
    check_role,
    hash_password,
    hash_token,
    needs_rehash,
    new_token,
    verify_password,
)
from safeschools.proximity.calendar import SchoolCalendar
from safeschools.proximity.definition import Definition, parse_hours, parse_radius, parse_season
from safeschools.proximity.engine import CAVEATS, ExposureData, ExposureIndex, ExposureResult
from safeschools.proximity.presets import PRESETS, load_presets, preset
from safeschools.settings import Settings
from safeschools.spatial import pairs_within
from safeschools.storage import Store, UpsertCounts, open_store

__all__ = [
    "INGEST_KINDS",
    "IngestReport",
    "checked_school_year",
    "ingest_file",
    "list_imports",
    "list_presets",
    "list_schools",
    "list_victimizations",
    "load_demo_city",
    "open_store_from_settings",
    "record_parse_result",
    "resolve_school_year",
    "school_calendar",
    "skip_if_imported",
    "store_summary",
]

#: What `ingest` accepts.
INGEST_KINDS = ("schools", "victims", "crimes", "boundaries", "calendars")

Clock = Callable[[], datetime]
T = TypeVar("T")


def _local_now(settings: Settings) -> datetime:
    return datetime.now(ZoneInfo(settings.timezone)).replace(tzinfo=None, microsecond=0)


def clock_of(settings: Settings, now: Clock | None = None) -> Clock:
    """``now`` when given (tests pin it), else the local wall clock of ``settings.timezone``.

    Every write records its time with this, so one place decides what "now" means.
    """
    return now if now is not None else (lambda: _local_now(settings))


def open_store_from_settings(settings: Settings) -> Store:
    """Open (and migrate) the store the settings name."""
    return open_store(settings.database_url)


@dataclass
class IngestReport:
    """What an import did, for the interfaces to show."""

    kind: str
    location: str
    format: str
    record: ImportRecord | None
    duplicate_of: ImportRecord | None = None
    notes: list[str] = field(default_factory=list)
    reject_reasons: list[tuple[str, int]] = field(default_factory=list)
    reject_sample: list[RejectedRow] = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        """True when the same file was imported before and nothing was done."""
        return self.duplicate_of is not None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        rec = self.record or self.duplicate_of
        return {
            "kind": self.kind,
            "location": self.location,
            "format": self.format,
            "import_id": rec.id if rec else None,
            "skipped_as_duplicate_of": self.duplicate_of.id if self.duplicate_of else None,
            "rows_read": self.record.rows_read if self.record else 0,
            "accepted": self.record.accepted if self.record else 0,
            "rejected": self.record.rejected if self.record else 0,
            "inserted": self.record.inserted if self.record else 0,
            "updated": self.record.updated if self.record else 0,
            "unchanged": self.record.unchanged if self.record else 0,
            "school_year": rec.school_year if rec else None,
            "notes": self.notes,
            "reject_reasons": [{"reason": r, "rows": n} for r, n in self.reject_reasons],
        }


#: Imports of these kinds change which schools and victimizations are near each other.
PAIR_KINDS = ("schools", "victims", "crimes")


@dataclass(frozen=True)
class PairRefresh:
    """What :func:`refresh_pairs` did."""

    full: bool
    victims_checked: int
    schools_checked: int
    pairs_written: int


def refresh_pairs(store: Store, conn: Any, *, max_radius_m: float) -> PairRefresh:
    """Bring the stored school-victimization pairs up to date, inside the caller's transaction.

    Distances are computed once, for every pair within ``max_radius_m`` metres; every exposure
    question is then a filter on the pairs. The store remembers up to which import the pairs are
    complete: only victimizations and school-years written by a later import are (re)paired.
    A different ``max_radius_m`` than last time recomputes everything.
    """
    state_text = store.get_state(conn, "pairs")
    state = json.loads(state_text) if state_text else None
    full = state is None or float(state["max_radius_m"]) != float(max_radius_m)
    done_through = 0 if full else int(state["import_id"])  # type: ignore[index]
    latest = store.max_import_id(conn)
    victims = store.victim_points(conn)
    schools = store.school_points(conn)
    new_v = victims["import_id"] > done_through
    new_s = schools["import_id"] > done_through
    if full:
        store.delete_all_pairs(conn)
    else:
        store.delete_pairs_of_victims(conn, victims["id"][new_v].tolist())
        store.delete_pairs_of_schools(
            conn, list(zip(schools["school_year"][new_s], schools["school_id"][new_s], strict=True))
        )
    written = 0
    # Every school-year against the new victimizations, then the new school-years against the
    # victimizations that were already paired.
    for s_mask, v_mask in ((np.ones_like(new_s), new_v), (new_s, ~new_v)):
        if not s_mask.any() or not v_mask.any():
            continue
        s_idx = np.flatnonzero(s_mask)
        v_idx = np.flatnonzero(v_mask)
        pairs = pairs_within(
            schools["lat"][s_idx],
            schools["lon"][s_idx],
            victims["lat"][v_idx],
            victims["lon"][v_idx],
            # a centimetre more, so that a victim exactly at the largest radius is kept
            radius_m=max_radius_m + 0.01,
        )
        chosen = s_idx[pairs.school]
        written += store.insert_pairs(
            conn,
            schools["school_year"][chosen].tolist(),
            schools["school_id"][chosen].tolist(),
            victims["id"][v_idx[pairs.point]].tolist(),
            pairs.distance_m.tolist(),
        )
    store.set_state(
        conn, "pairs", json.dumps({"max_radius_m": float(max_radius_m), "import_id": latest})
    )
    return PairRefresh(
        full=full,
        victims_checked=int(new_v.sum()),
        schools_checked=int(new_s.sum()),
        pairs_written=written,
    )


def _reason_key(reason: str) -> str:
    """Group reasons that differ only in the values they quote."""
    for sep in (" '", " (", " [", ": "):
        if sep in reason:
            reason = reason.split(sep, 1)[0]
    return reason


def record_parse_result(
    store: Store,
    result: ParseResult[Any],
    *,
    kind: str,
    location: str,
    checksum: str,
    writer: Callable[[Any, list[Any], int], UpsertCounts],
    now: Clock,
    after_write: Callable[[Any], None] | None = None,
    pair_radius_m: float | None = None,
) -> IngestReport:
    """Write a parse result, its rejected rows and its import record in one transaction.

    With ``pair_radius_m``, the school-victimization pairs are brought up to date in the same
    transaction (see :func:`refresh_pairs`).
    """
    started = now()
    with store.transaction() as conn:
        import_id = store.start_import(
            conn,
            source=result.source,
            kind=kind,
            location=location,
            format=result.format,
            school_year=result.school_year,
            checksum=checksum,
            started_at=started,
        )
        counts = writer(conn, result.records, import_id)
        store.add_rejected_rows(conn, import_id, result.rejects)
        note_parts = list(result.notes)
        if counts.updated:
            note_parts.append(f"{counts.updated} stored row(s) updated by this file")
        store.finish_import(
            conn,
            import_id,
            rows_read=result.rows_read,
            accepted=len(result.records),
            rejected=len(result.rejects),
            counts=counts,
            vintage=result.vintage,
            finished_at=now(),
            note="; ".join(note_parts) or None,
        )
        if after_write is not None:
            after_write(conn)
        if pair_radius_m is not None and kind in PAIR_KINDS:
            refresh_pairs(store, conn, max_radius_m=pair_radius_m)
    reasons = Counter(_reason_key(r.reason) for r in result.rejects).most_common()
    return IngestReport(
        kind=kind,
        location=location,
        format=result.format,
        record=store.get_import(import_id),
        notes=note_parts,
        reject_reasons=reasons,
        reject_sample=result.rejects[:5],
    )


def _parse(
    kind: str,
    path: Path,
    settings: Settings,
    school_year: str | None,
    *,
    mapping: Path | str | None = None,
    select: str | Sequence[str] = ("shootings", "homicides"),
    boundary_kind: str | None = None,
) -> ParseResult[Any]:
    if mapping is not None:
        if kind not in ("schools", "victims"):
            msg = f"--mapping reads schools or victims files, not {kind}; drop --mapping."
            raise ConfigError(msg)
        return records_from_mapping(
            path, mapping, bbox=settings.area_bbox, kind=kind, school_year=school_year
        )
    if kind == "crimes":
        return crimes_from_file(path, bbox=settings.area_bbox, select=select)
    if kind == "boundaries":
        return boundaries_from_file(path, kind=boundary_kind)
    if kind == "calendars":
        return calendars_from_file(path)
    if kind == "schools":
        return schools_from_cps_file(path, school_year=school_year, bbox=settings.area_bbox)
    if kind == "victims":
        return victims_from_file(path, bbox=settings.area_bbox)
    msg = f"Unknown kind {kind!r}; use one of: {', '.join(INGEST_KINDS)}."
    raise ConfigError(msg)


def _writer(
    store: Store, kind: str, result: ParseResult[Any] | None = None
) -> Callable[[Any, list[Any], int], UpsertCounts]:
    if kind == "schools":
        return store.upsert_schools
    if kind in ("victims", "crimes"):
        return store.upsert_victimizations
    if kind == "boundaries":
        kinds = sorted({b.kind for b in result.records}) if result is not None else []
        if len(kinds) != 1:
            msg = "A boundaries import holds exactly one kind of boundary; import each file alone."
            raise ConfigError(msg)
        boundary_kind = kinds[0]

        def write_boundaries(conn: Any, items: list[Any], import_id: int) -> UpsertCounts:
            return store.replace_boundaries(conn, boundary_kind, items, import_id)

        return write_boundaries
    if kind == "calendars":
        return store.replace_calendar_days
    msg = f"Unknown kind {kind!r}; use one of: {', '.join(INGEST_KINDS)}."
    raise ConfigError(msg)


def ingest_file(
    store: Store,
    kind: str,
    path: Path | str,
    *,
    settings: Settings,
    school_year: str | None = None,
    force: bool = False,
    now: Clock | None = None,
    mapping: Path | str | None = None,
    select: str | Sequence[str] = ("shootings", "homicides"),
    boundary_kind: str | None = None,
) -> IngestReport:
    """Import one file of ``kind`` (``schools``, ``victims``, ``crimes``, ``boundaries``,
    ``calendars``).

    ``mapping`` (a TOML column mapping) reads any city's schools or victims file with
    :func:`~safeschools.ingest.generic.records_from_mapping`; ``select`` chooses the crime
    types of a crimes file (``shootings``, ``homicides``, ``all``); ``boundary_kind`` names the
    kind of a boundaries file when its properties do not tell.

    The whole import is one transaction: rows, rejected rows and the import record land
    together or not at all. A file whose bytes were imported before is not read again unless
    ``force`` is set; importing the same rows again changes nothing either way.
    """
    path = Path(path)
    clock = clock_of(settings, now)
    if not path.is_file():
        msg = f"{path} does not exist or is not a file; check the path."
        raise SourceError(msg)
    checksum = _import_key(
        file_checksum(path),
        mapping=mapping,
        select=select if kind == "crimes" else None,
        boundary_kind=boundary_kind,
    )
    if not force:
        skipped = skip_if_imported(
            store, kind=kind, checksum=checksum, location=str(path), school_year=school_year
        )
        if skipped is not None:
            return skipped
    result = _parse(
        kind,
        path,
        settings,
        school_year,
        mapping=mapping,
        select=select,
        boundary_kind=boundary_kind,
    )
    return record_parse_result(
        store,
        result,
        kind=kind,
        location=str(path),
        checksum=checksum,
        writer=_writer(store, kind, result),
        now=clock,
        pair_radius_m=settings.max_pair_radius_m,
    )


def _import_key(
    file_digest: str,
    *,
    mapping: Path | str | None,
    select: str | Sequence[str] | None,
    boundary_kind: str | None,
) -> str:
    """The file's SHA-256, combined with the options that change what is read from it.

    The same bytes read with another mapping, crime selection or boundary kind are another
    import, not a duplicate.
    """
    options = []
    if mapping is not None:
        if not Path(mapping).is_file():
            msg = f"The mapping file {mapping} does not exist; check the --mapping path."
            raise SourceError(msg)
        options.append(f"mapping={file_checksum(Path(mapping))}")
    if select is not None:
        chosen = [select] if isinstance(select, str) else list(select)
        parts = sorted({p.strip().lower() for c in chosen for p in c.split(",") if p.strip()})
        if parts != ["homicides", "shootings"]:
            options.append(f"select={','.join(parts)}")
    if boundary_kind is not None:
        options.append(f"boundary_kind={boundary_kind}")
    if not options:
        return file_digest
    return hashlib.sha256("|".join([file_digest, *options]).encode()).hexdigest()


def skip_if_imported(
    store: Store,
    *,
    kind: str,
    checksum: str,
    location: str,
    school_year: str | None = None,
    source: str | None = None,
) -> IngestReport | None:
    """The report of an import that reads nothing because the same file was imported before
    (a finished import of this kind and checksum, and of this school year and source when
    given), or None when the file is new and must be read."""
    previous = store.find_import(
        checksum=checksum,
        kind=kind,
        source=source,
        school_year=None if school_year is None else school_year_label(school_year),
    )
    if previous is None:
        return None
    return IngestReport(
        kind=kind,
        location=location,
        format=previous.format,
        record=None,
        duplicate_of=previous,
        notes=[f"same file as import #{previous.id}; nothing to do (use --force to re-read)"],
    )


def list_schools(store: Store, *, school_year: str | None = None) -> list[School]:
    """Schools of one school year (or all), by id."""
    if school_year is not None:
        school_year = school_year_label(school_year)
    return store.schools(school_year=school_year)


def list_imports(store: Store) -> list[ImportRecord]:
    """Every import, oldest first."""
    return store.imports()


def checked_school_year(school_year: str, *, example: str) -> str:
    """The school year label of ``school_year``; a DataValidationError that shows how to write
    one (like ``example``) when it is not a school year."""
    try:
        return school_year_label(school_year)
    except DataValidationError as exc:
        msg = f"{exc} Write the school year like {example}."
        raise DataValidationError(msg) from None


def resolve_school_year(store: Store, school_year: str | None) -> str | None:
    """A school year label from ``2024-25``, ``latest`` (the newest stored) or ``all``/None.

    ``all`` and ``None`` give None (every school year); an unknown year is a NotFoundError.
    """
    if school_year is None or school_year.strip().lower() in ("", "all"):
        return None
    years = store.school_years()
    if school_year.strip().lower() == "latest":
        if not years:
            msg = "The store has no schools; import a school list first (`safeschools ingest`)."
            raise NotFoundError(msg)
        return years[-1]
    label = school_year_label(school_year)
    if label not in years:
        msg = f"No schools for school year {label}; the store has: {', '.join(years) or 'none'}."
        raise NotFoundError(msg)
    return label


def list_victimizations(
    store: Store,
    *,
    since: date | None = None,
    until: date | None = None,
    sources: Sequence[str] = (),
) -> list[Victimization]:
    """Stored victimizations by time, between two inclusive local dates and of some sources.

    A Victimization never holds a name; exports still pick their columns one by one.
    """
    start = datetime.combine(since, datetime.min.time()) if since else None
    end = datetime.combine(until + timedelta(days=1), datetime.min.time()) if until else None
    if not sources:
        return store.victimizations(since=start, until=end)
    return [
        v
        for source in sorted(set(sources))
        for v in store.victimizations(source=source, since=start, until=end)
    ]


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


# ---------------------------------------------------------------------- demo city and summary
def load_demo_city(
    store: Store,
    *,
    settings: Settings,
    seed: int = DEFAULT_SEED,
    now: Clock | None = None,
) -> list[IngestReport]:
    """Build the synthetic demo city and write it through the normal import path.

    One import per school year of schools, one for the victims, one for the boundaries, one for
    the officers and one for the enrollments and discipline figures, each
    with the source ``demo-synthetic`` and the location ``synthetic demo city (seed N)``. The
    city is deterministic, so loading it again inserts and updates nothing.

    Raises
    ------
    ConfigError
        The store already holds imports of real sources; synthetic rows must never mix with them.
    """
    real = sorted({r.source for r in store.imports() if r.source != DEMO_SOURCE})
    if real:
        msg = (
            f"This store holds real data ({', '.join(real)}); the synthetic demo city must not "
            "mix with it. Use a store of its own: safeschools --database-url sqlite:///demo.db demo"
        )
        raise ConfigError(msg)
    city = build_demo_city(seed=seed, bbox=settings.area_bbox)
    clock = clock_of(settings, now)

    def write_boundaries(conn: Any, items: list[Any], import_id: int) -> UpsertCounts:
        counts = UpsertCounts()
        for kind in sorted({b.kind for b in items}):
            mine = [b for b in items if b.kind == kind]
            counts = counts + store.replace_boundaries(conn, kind, mine, import_id)
        return counts

    def write_officers(conn: Any, items: list[Any], import_id: int) -> UpsertCounts:
        counts = UpsertCounts()
        for a in items:
            current = store.sro_assignment(conn, a.school_id, a.school_year, a.kind)
            if current is not None and (current.officers, current.note) == (a.officers, a.note):
                counts += UpsertCounts(unchanged=1)
                continue
            store.put_sro_assignment(conn, a, read_version=None, at=clock())
            counts += UpsertCounts(inserted=1) if current is None else UpsertCounts(updated=1)
        return counts

    def write_discipline(conn: Any, items: list[Any], import_id: int) -> UpsertCounts:
        enrollments = [i for i in items if isinstance(i, Enrollment)]
        figures = [i for i in items if isinstance(i, DisciplineFigure)]
        counts = UpsertCounts(*store.upsert_enrollments(conn, enrollments, import_id))
        return counts + UpsertCounts(*store.upsert_discipline_figures(conn, figures, import_id))

    writers: dict[str, Callable[[Any, list[Any], int], UpsertCounts]] = {
        "schools": store.upsert_schools,
        "victims": store.upsert_victimizations,
        "boundaries": write_boundaries,
        "officers": write_officers,
        "discipline": write_discipline,
    }
    return [
        record_parse_result(
            store,
            item.result,
            kind=item.kind,
            location=city.location,
            checksum=item.checksum,
            writer=writers[item.kind],
            now=clock,
            pair_radius_m=settings.max_pair_radius_m,
        )
        for item in demo_imports(city)
    ]


def store_summary(store: Store) -> dict[str, Any]:
    """What the store holds, as JSON-ready dicts for every interface.

    Keys: ``imports`` (every import, oldest first), ``schools_by_year`` (per school year: total
    and per governance), ``victimizations_by_year`` (per calendar year of ``occurred_at``: all,
    fatal, and the first and last local date, so part years show as such), ``boundaries``
    (count per kind) and ``synthetic`` (True when every import is of the demo city).
    """
    imports = [
        {
            "id": r.id,
            "source": r.source,
            "kind": r.kind,
            "location": r.location,
            "format": r.format,
            "school_year": r.school_year,
            "rows_read": r.rows_read,
            "accepted": r.accepted,
            "rejected": r.rejected,
            "inserted": r.inserted,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "finished_at": r.finished_at.isoformat() if r.finished_at else None,
        }
        for r in store.imports()
    ]
    by_year: dict[str, Counter[str]] = {}
    for school in store.schools():
        by_year.setdefault(school.school_year, Counter())[school.governance or "unknown"] += 1
    schools_by_year = [
        {
            "school_year": year,
            "total": sum(counts.values()),
            **{g: counts[g] for g in GOVERNANCES},
            **({"unknown": counts["unknown"]} if counts["unknown"] else {}),
        }
        for year, counts in sorted(by_year.items())
    ]
    victims: dict[int, dict[str, Any]] = {}
    for row in store.victimizations():
        entry = victims.setdefault(
            row.occurred_at.year,
            {"year": row.occurred_at.year, "all": 0, "fatal": 0, "first": row.occurred_at},
        )
        entry["all"] += 1
        entry["fatal"] += int(row.fatal)
        entry["last"] = row.occurred_at
    victimizations_by_year = [
        {**e, "first": e["first"].date().isoformat(), "last": e["last"].date().isoformat()}
        for _, e in sorted(victims.items())
    ]
    boundaries = Counter(b.kind for b in store.boundaries())
    sources = {i["source"] for i in imports}
    return {
        "imports": imports,
        "schools_by_year": schools_by_year,
        "victimizations_by_year": victimizations_by_year,
        "boundaries": dict(sorted(boundaries.items())),
        "synthetic": sources == {DEMO_SOURCE},
    }


# ---------------------------------------------------------------------- exposure
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
        max_radius_m=_stored_pair_radius(store, settings), vintage=_vintage(store), **cols
    )
    return ExposureIndex(data, calendars=_calendars(store), cache_results=cache_results)


def _calendars(store: Store) -> dict[str, Any]:
    make = globals().get("school_calendar")
    if make is None:
        return {}
    return {grades: make(store, grades=grades) for grades in ("ES", "HS")}


def _stored_pair_radius(store: Store, settings: Settings) -> float:
    with store.engine.connect() as conn:
        text_value = store.get_state(conn, "pairs")
    if text_value is None:
        return float(settings.max_pair_radius_m)
    return float(json.loads(text_value)["max_radius_m"])


def rebuild_pairs(store: Store, *, settings: Settings) -> PairRefresh:
    """Recompute every pair for ``settings.max_pair_radius_m`` (after changing it)."""
    with store.transaction() as conn:
        store.delete_all_pairs(conn)
        store.set_state(conn, "pairs", json.dumps({"max_radius_m": -1.0, "import_id": 0}))
        return refresh_pairs(store, conn, max_radius_m=settings.max_pair_radius_m)


def resolve_definition(
    *,
    settings: Settings,
    preset_name: str | None = None,
    presets_file: Path | str | None = None,
    **changes: Any,
) -> Definition:
    """A definition from a preset (or the CLI's defaults) with the given parts changed.

    ``changes`` take Definition fields; ``None`` values are ignored.
    """
    presets = load_presets(presets_file or settings.presets_file)
    given = {k: v for k, v in changes.items() if v is not None}
    if preset_name is not None:
        return preset(preset_name, presets).with_changes(**given)
    if "radius_m" not in given:
        msg = "Give --radius (e.g. --radius 0.1mi) or --preset NAME (see `safeschools presets`)."
        raise ConfigError(msg)
    return Definition(**given)


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
                "victims": result.victims,
                "fatal": result.fatal,
                "incidents": result.incidents,
                "schools": result.schools,
                "schools_considered": result.schools_considered,
                "source_note": d.source_note,
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
    """Counts over a grid of radii x hours windows and radii x years."""
    idx = index or exposure_index(store, settings=settings)
    return idx.sensitivity(definition, radii_m=[parse_radius(r) for r in radii], hours=hours)


# ---------------------------------------------------------------------- pages and API
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

    def get(self) -> ExposureIndex:
        """The index for the store as it is now."""
        with self.store.engine.connect() as conn:
            key = self.store.max_import_id(conn)
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


#: What the decisions features will fill in on a school's page; empty until they land.
SCHOOL_SECTIONS = ("officers", "council_votes", "funds", "safety_plan", "equity")


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


def school_profile(
    store: Store,
    school_id: str,
    definition: Definition,
    *,
    settings: Settings,
    index: ExposureIndex,
) -> dict[str, Any]:
    """One school's page: who it is over the years, the violence near it under the definition
    (nearest first, never names), the same school under every preset, and its caveats."""
    history = store.schools(school_id=school_id)
    if not history:
        msg = f"No school with id {school_id}; search by name at /search."
        raise NotFoundError(msg)
    years = [s.school_year for s in history]
    wanted = definition.school_year
    if wanted in ("latest", "incident") or wanted not in years:
        in_index = [y for y in index.school_years if y in years]
        year = in_index[-1] if in_index else years[-1]
    else:
        year = wanted
    d = definition.with_changes(school_year=year)
    position = index.school_index(school_id, year)
    detail = index.school_detail(d, position)
    school = next(s for s in history if s.school_year == year)
    presets = []
    for name, p in load_presets(settings.presets_file).items():
        victims, fatal = index.school_counts(p.with_changes(school_year=year), position)
        presets.append(
            {
                "preset": name,
                "label": p.label,
                "description": p.describe(),
                "victims": victims,
                "fatal": fatal,
            }
        )
    result = index.query(d)
    sections: dict[str, Any] = {name: None for name in SCHOOL_SECTIONS}
    from safeschools.service_plans import safety_plan_section  # it builds on this module

    sections["safety_plan"] = safety_plan_section(store, school_id)
    from safeschools.service_funds import school_funds_section  # it builds on this module

    sections["funds"] = school_funds_section(store, school_id)
    from safeschools.service_council import council_votes_section  # it builds on this module
    from safeschools.service_officers import officers_section

    sections["officers"] = officers_section(store, school_id)
    sections["council_votes"] = council_votes_section(store, school_id)
    from safeschools.service_equity import school_equity_section  # it builds on this module

    sections["equity"] = school_equity_section(store, school_id, settings=settings)
    return {
        "school": asdict(school),
        "history": [asdict(s) for s in history],
        "definition": result.definition,
        "exposure": detail,
        "presets": presets,
        "rank": next((r["rank"] for r in result.per_school if r["school_id"] == school_id), None),
        "schools_ranked": len(result.per_school),
        "sections": sections,
        "data_vintage": result.data_vintage,
        "caveats": result.caveats,
    }


def search_schools(
    store: Store, query: str, *, school_year: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Schools whose id, name or address contains ``query`` (any case), newest year first."""
    needle = query.strip().lower()
    if not needle:
        return []
    latest: dict[str, School] = {}
    for school in store.schools(school_year=school_year):
        latest[school.school_id] = school  # schools() is ordered by year: the newest wins
    hits = [
        s
        for s in latest.values()
        if needle == s.school_id
        or needle in s.name.lower()
        or needle in (s.long_name or "").lower()
        or needle in (s.address or "").lower()
    ]
    hits.sort(key=lambda s: (not s.name.lower().startswith(needle), s.name))
    return [asdict(s) for s in hits[:limit]]


def map_layers(store: Store) -> dict[str, list[dict[str, str]]]:
    """Boundaries for the base map, by kind: code, name and WKT (lat-lon degrees)."""
    layers: dict[str, list[dict[str, str]]] = {}
    for b in store.boundaries():
        layers.setdefault(b.kind, []).append(
            {"code": b.code, "name": b.name, "wkt": b.geometry_wkt}
        )
    return layers


def definition_from_params(params: Mapping[str, Any], *, settings: Settings) -> Definition:
    """A definition from query parameters (web forms, the JSON API): the same names as the CLI
    flags, as strings; empty values are ignored. ``preset`` starts from a named definition."""

    def get(name: str) -> str | None:
        value = params.get(name)
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value if v not in (None, ""))
        text = None if value is None else str(value).strip()
        return text or None

    def many(name: str) -> tuple[str, ...] | None:
        text = get(name)
        return tuple(v.strip() for v in text.split(",") if v.strip()) if text else None

    def day(name: str) -> date | None:
        text = get(name)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            msg = f"{name} {text!r} is not a date; write it like 2024-01-31."
            raise ConfigError(msg) from None

    years = get("years")
    try:
        years_value = int(years) if years else None
    except ValueError:
        msg = f"years {years!r} is not a whole number."
        raise ConfigError(msg) from None
    hours = get("hours")
    gunshot = get("gunshot_only")
    changes: dict[str, Any] = {
        "radius_m": parse_radius(r) if (r := get("radius")) else None,
        "hours": parse_hours(hours) if hours else None,
        "days": get("days"),
        "season": parse_season(s) if (s := get("season")) else None,
        "since": day("since"),
        "until": day("until"),
        "years": years_value,
        "ages": many("age"),
        "types": get("type"),
        "gunshot_only": None if gunshot is None else gunshot.lower() in ("1", "true", "on", "yes"),
        "school_year": get("school_year"),
        "governance": many("governance"),
        "grade_categories": many("grade"),
        "sources": many("source"),
    }
    preset_name = get("preset")
    if preset_name is None and changes["radius_m"] is None:
        preset_name = DEFAULT_PRESET
    d = resolve_definition(settings=settings, preset_name=preset_name, **changes)
    if hours is not None and parse_hours(hours) is None:
        d = d.with_changes(hours=None)
    if years_value is not None and changes["since"] is None:
        d = d.with_changes(since=None)
    return d


#: The definition pages and the API use when none is asked for.
DEFAULT_PRESET = "trace-500yd"


# ---------------------------------------------------------------------- accounts and audit
def create_user(
    store: Store,
    *,
    email: str,
    password: str,
    role: str,
    display_name: str | None = None,
    school_ids: Sequence[str] = (),
    settings: Settings,
    now: Clock | None = None,
) -> User:
    """Create an account; editors name the schools they may edit."""
    email = email.strip().lower()
    if "@" not in email:
        msg = f"{email!r} is not an email address."
        raise DataValidationError(msg)
    check_role(role)
    if role == "editor" and not school_ids:
        msg = "An editor needs at least one school (--school ID)."
        raise DataValidationError(msg)
    clock = clock_of(settings, now)
    with store.transaction() as conn:
        user = store.add_user(
            conn,
            email=email,
            display_name=display_name or email,
            role=role,
            password_hash=hash_password(password),
            school_ids=tuple(sorted(set(school_ids))),
            created_at=clock(),
        )
        store.add_audit(
            conn,
            at=clock(),
            user=None,
            action="create",
            entity="user",
            entity_key=email,
            school_id=None,
            before=None,
            after={"email": email, "role": role, "school_ids": list(user.school_ids)},
        )
    return user


def authenticate(store: Store, email: str, password: str) -> User:
    """The account for an email and password, or AuthenticationError (the same for both
    mistakes, so an attacker learns nothing)."""
    found = store.user_by_email(email)
    if found is None or not found[0].active or not verify_password(found[1], password):
        msg = "Wrong email or password."
        raise AuthenticationError(msg)
    user, password_hash = found
    if needs_rehash(password_hash):
        with store.transaction() as conn:
            store.set_password_hash(conn, user.id, hash_password(password))
    return user


def create_api_token(
    store: Store, user: User, *, label: str, settings: Settings, now: Clock | None = None
) -> str:
    """A new API token for ``user``; the token is returned once and only its hash is kept."""
    clock = clock_of(settings, now)
    token = new_token()
    with store.transaction() as conn:
        store.add_token(
            conn, user_id=user.id, token_hash=hash_token(token), label=label, created_at=clock()
        )
        store.add_audit(
            conn,
            at=clock(),
            user=user,
            action="create",
            entity="api_token",
            entity_key=label,
            school_id=None,
            before=None,
            after={"label": label},
        )
    return token


def user_for_token(store: Store, token: str) -> User:
    """The account an API token belongs to."""
    user = store.user_by_token_hash(hash_token(token.strip()))
    if user is None or not user.active:
        msg = "Unknown or revoked API token."
        raise AuthenticationError(msg)
    return user


def audit_log(
    store: Store, *, school_id: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Every recorded write (of one school), newest first."""
    return [asdict(e) for e in store.audit_entries(school_id=school_id, limit=limit)]
