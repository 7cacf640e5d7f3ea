"""A school's page, composed from the domain modules (the top of the use cases)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from safeschools.errors import (
    NotFoundError,
)
from safeschools.proximity.definition import Definition
from safeschools.proximity.engine import ExposureIndex
from safeschools.proximity.presets import load_presets
from safeschools.services.cache import VersionedCache
from safeschools.services.council import council_votes_section
from safeschools.services.equity import school_equity_section
from safeschools.services.officers import officers_section
from safeschools.services.plans import safety_plan_section
from safeschools.services.school_summary import governance_timeline, school_summary
from safeschools.services.spending import school_funds_section
from safeschools.settings import Settings
from safeschools.storage import Store

#: The sections of a school's page, each from its domain module (None when nothing is recorded).
SCHOOL_SECTIONS = ("officers", "council_votes", "funds", "safety_plan", "equity")

#: Each school's governance sections, which no definition changes: kept until the next import
#: or recorded write (a page under a new definition then computes only the violence near it).
_SECTIONS = VersionedCache(size=2048)


def _sections(store: Store, school_id: str, settings: Settings) -> dict[str, Any]:
    return _SECTIONS.get(
        store,
        # (and the day: a plan's or a term's status can depend on it)
        ("sections", school_id, store.latest_write_id(), settings.model_dump_json(), date.today()),
        lambda: {
            "officers": officers_section(store, school_id),
            "council_votes": council_votes_section(store, school_id),
            "funds": school_funds_section(store, school_id),
            "safety_plan": safety_plan_section(store, school_id),
            "equity": school_equity_section(store, school_id, settings=settings),
        },
    )


def school_profile(
    store: Store,
    school_id: str,
    definition: Definition,
    *,
    settings: Settings,
    index: ExposureIndex,
) -> dict[str, Any]:
    """One school's page: who it is over the years, the summary that opens its page
    (:func:`~safeschools.services.school_summary.school_summary`), the violence near it under
    the definition (nearest first, never names), the same school under every preset, its
    governance history as one timeline, and its caveats."""
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
                "answerable": victims is not None,
                "victims": victims,
                "fatal": fatal,
            }
        )
    result = index.query(d)
    sections = _sections(store, school_id, settings)
    rank = next((r["rank"] for r in result.per_school if r["school_id"] == school_id), None)
    schools_ranked = len(result.per_school) if result.answerable else None
    school_row = asdict(school)
    summary = school_summary(
        school_row,
        exposure=detail,
        all_schools=result.all_schools,
        answerable=result.answerable,
        coverage=detail.get("coverage") or result.coverage,
        reasons=result.reasons,
        rank=rank,
        schools_ranked=schools_ranked,
        radius_m=d.radius_m,
        sections=sections,
    )
    return {
        "school": school_row,
        "summary": summary,
        "timeline": governance_timeline(sections),
        "history": [asdict(s) for s in history],
        "definition": result.definition,
        "exposure": detail,
        "answerable": result.answerable,
        "reasons": result.reasons,
        "coverage": result.coverage,
        "presets": presets,
        "rank": rank,
        "schools_ranked": schools_ranked,
        "district_median": summary["victims"]["district_median"],  # the report's summary
        "sections": sections,
        "data_vintage": result.data_vintage,
        "caveats": result.caveats,
    }
