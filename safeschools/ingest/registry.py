"""Every data source safeschools knows, by name: ``SOURCES["chicago-victims"]``."""

from __future__ import annotations

from dataclasses import dataclass

from safeschools.ingest import (
    boundaries,
    chicago_crimes,
    chicago_streets,
    chicago_victims,
    cps_calendars,
    cps_demographics,
    cps_misconduct,
    cps_schools,
    cps_sro_decisions,
    crdc,
    generic,
    gva_incidents,
    isbe_eoy,
    nces_schools,
    school_shootings,
)

__all__ = ["SOURCES", "Source"]


@dataclass(frozen=True)
class Source:
    """A publisher's dataset: its name, what kind of records it gives, and where it comes from."""

    name: str
    kind: str  # "schools", "victims", "crimes", "boundaries", "streets", "calendars", ...
    title: str
    publisher: str
    url: str
    license: str
    coverage: str


def _source(info: dict[str, str], kind: str) -> Source:
    return Source(
        name=info["name"],
        kind=kind,
        title=info["title"],
        publisher=info["publisher"],
        url=info["url"],
        license=info["license"],
        coverage=info["coverage"],
    )


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        _source(cps_schools.SOURCE_LOCATIONS, "schools"),
        _source(cps_schools.SOURCE_PROFILES, "schools"),
        _source(chicago_victims.SOURCE, "victims"),
        _source(chicago_crimes.SOURCE, "crimes"),
        _source(boundaries.SOURCE, "boundaries"),
        _source(chicago_streets.SOURCE, "streets"),
        _source(cps_calendars.SOURCE, "calendars"),
        _source(cps_sro_decisions.SOURCE, "officers"),
        _source(cps_misconduct.SOURCE, "discipline"),
        _source(cps_demographics.SOURCE, "enrollments"),
        _source(isbe_eoy.SOURCE, "discipline"),
        _source(crdc.SOURCE, "discipline/enrollments"),
        _source(generic.SOURCE, "schools/victims"),
        _source(school_shootings.K12_SSDB_SOURCE, "school-shootings"),
        _source(school_shootings.WAPO_SOURCE, "school-shootings"),
        _source(nces_schools.SOURCE_PUBLIC, "schools"),
        _source(nces_schools.SOURCE_PRIVATE, "schools"),
        _source(gva_incidents.SOURCE, "victims"),
    )
}
