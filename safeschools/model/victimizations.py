"""A victimization: one victim of one homicide or shooting (victims are rows, not incidents)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["AGE_BANDS", "LOCATION_PRECISIONS", "Victimization"]

#: Age bands as the City of Chicago victims dataset publishes them.
AGE_BANDS = ("0-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+", "UNKNOWN")
#: How precisely a victimization is located: at the block address, exactly, or not at all.
LOCATION_PRECISIONS = ("block", "exact", "missing")


@dataclass(frozen=True, slots=True)
class Victimization:
    """One victimization.

    ``occurred_at`` is naive local wall time in the publisher's time zone (America/Chicago for
    Chicago), exactly as published. ``lat``/``lon`` are degrees (EPSG:4326), ``None`` when the
    publisher gives no location. A victim's name is never part of this record.
    """

    source: str
    source_row_id: str
    case_number: str | None
    occurred_at: datetime
    lat: float | None
    lon: float | None
    location_precision: str
    victimization_type: str | None = None
    incident_type: str | None = None
    iucr: str | None = None
    gunshot_injury: bool | None = None
    fatal: bool = False
    age_band: str | None = None
    sex: str | None = None
    race: str | None = None
    location_description: str | None = None
    block: str | None = None
    district: str | None = None
    beat: str | None = None
    community_area: str | None = None
    ward: str | None = None
    source_updated_at: datetime | None = None
