"""Records of the domain: plain dataclasses, shared by every layer.

Nothing here talks to a database, a file or the network.
"""

from safeschools.model.boundaries import BOUNDARY_KINDS, Boundary
from safeschools.model.imports import ImportRecord, RejectedRow
from safeschools.model.schools import GOVERNANCES, GRADE_CATEGORIES, School, school_year_label
from safeschools.model.victimizations import AGE_BANDS, LOCATION_PRECISIONS, Victimization

__all__ = [
    "AGE_BANDS",
    "BOUNDARY_KINDS",
    "GOVERNANCES",
    "GRADE_CATEGORIES",
    "LOCATION_PRECISIONS",
    "Boundary",
    "ImportRecord",
    "RejectedRow",
    "School",
    "Victimization",
    "school_year_label",
]
