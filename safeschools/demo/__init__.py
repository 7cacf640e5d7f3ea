"""Demo City (synthetic): a made-up city to try safeschools on without any real data.

:func:`build_demo_city` makes the city (pure, seeded); :func:`demo_imports` turns it into the
parse results that ``services.load_demo_city`` writes through the normal import path. Who
decided what (councils and their votes, officer decisions, a trade-in pool and its spending
plans, safety plans, published figures) is :mod:`safeschools.demo._governance`, written by
``services.demo_governance`` through the audited use cases.
"""

from safeschools.demo.city import (
    CITY_NAME,
    DEFAULT_SEED,
    DEMO_SCHOOL_YEARS,
    DEMO_SOURCE,
    DemoCity,
    build_demo_city,
)
from safeschools.demo.imports import DemoImport, demo_imports

__all__ = [
    "CITY_NAME",
    "DEFAULT_SEED",
    "DEMO_SCHOOL_YEARS",
    "DEMO_SOURCE",
    "DemoCity",
    "DemoImport",
    "build_demo_city",
    "demo_imports",
]
