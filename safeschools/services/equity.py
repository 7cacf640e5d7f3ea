"""Use cases of discipline equity: what every public surface may show, a school's disparities,
the district's disparity table with flags and identification, and outcomes over time.

The work is done in three modules, imported one way; this one gathers their names, so that
``from safeschools.services import equity`` is all an interface needs:

- :mod:`~safeschools.services.publication`: one school year's publication, every count as it
  may be shown (small counts and the counts that would give them away are hidden), and the
  enrollment to divide by;
- :mod:`~safeschools.services.disparity`: a school's disparities, the district's table, CSV;
- :mod:`~safeschools.services.outcomes`: outcomes over time and the year officers were removed.
"""

from __future__ import annotations

from safeschools.services.disparity import (
    check_measure,
    disparity_csv,
    district_disparity,
    school_disparity_csv,
    school_equity,
    school_equity_section,
    school_name,
)
from safeschools.services.outcomes import outcomes, outcomes_csv, removal_years
from safeschools.services.publication import (
    DISPARITY_MEASURES,
    DISTRICT,
    OUTCOME_MEASURES,
    SOURCE_ORDER,
    Publication,
    enrollment_of,
    publication,
    publication_equations,
    warm_publications,
)

__all__ = [
    "DISPARITY_MEASURES",
    "DISTRICT",
    "OUTCOME_MEASURES",
    "SOURCE_ORDER",
    "Publication",
    "check_measure",
    "disparity_csv",
    "district_disparity",
    "enrollment_of",
    "outcomes",
    "outcomes_csv",
    "publication",
    "publication_equations",
    "removal_years",
    "school_disparity_csv",
    "school_equity",
    "school_equity_section",
    "school_name",
    "warm_publications",
]
