"""Records of the domain: plain dataclasses, shared by every layer.

Nothing here talks to a database, a file or the network.
"""

from safeschools.model.accounts import (
    ROLES,
    ApiToken,
    AuditEntry,
    SignInFailures,
    User,
    WebSession,
)
from safeschools.model.boundaries import BOUNDARY_KINDS, Boundary
from safeschools.model.calendars import (
    CALENDAR_CONFIDENCES,
    CALENDAR_GRADES,
    CALENDAR_KINDS,
    CalendarDay,
    school_year_bounds,
    school_year_of,
)
from safeschools.model.imports import ImportRecord, RejectedRow
from safeschools.model.schools import GOVERNANCES, GRADE_CATEGORIES, School, school_year_label
from safeschools.model.streets import STREET_KINDS, Intersection, StreetLine
from safeschools.model.victimizations import AGE_BANDS, LOCATION_PRECISIONS, Victimization

__all__ = [
    "AGE_BANDS",
    "BOUNDARY_KINDS",
    "CALENDAR_CONFIDENCES",
    "CALENDAR_GRADES",
    "CALENDAR_KINDS",
    "GOVERNANCES",
    "GRADE_CATEGORIES",
    "LOCATION_PRECISIONS",
    "ROLES",
    "STREET_KINDS",
    "ApiToken",
    "AuditEntry",
    "Boundary",
    "CalendarDay",
    "ImportRecord",
    "Intersection",
    "RejectedRow",
    "School",
    "SignInFailures",
    "StreetLine",
    "User",
    "Victimization",
    "WebSession",
    "school_year_bounds",
    "school_year_label",
    "school_year_of",
]
