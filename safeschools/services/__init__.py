"""The use cases every interface calls; nothing here prints, parses flags or renders.

One module per concern, imported one way (lower first):

- ``base``: the one clock (:func:`clock_of`), the one audited write (``audited``) and opening
  the store from settings;
- ``pairs``, ``imports``, ``fetch``: school-victimization pairs, importing files, fetching the
  portal;
- ``exposure``, ``schools``, ``search``, ``accounts``, ``demo``: violence near schools under any
  definition, schools and the store's contents, finding schools by name, ZIP code, community
  area or intersection, accounts and the audit log, the synthetic demo city;
- ``cache``: the one versioned cache (a value per store, newest import and key);
- ``officers``, ``council``, ``funds`` (pools and allocation), ``spending`` (what each school
  spends of its share), ``plans``, ``crosswalk``, ``discipline``; for equity, ``publication``
  (what may be shown), ``disparity`` and ``outcomes``, gathered by ``equity``; ``evaluation``:
  one module per domain;
- ``profile``: a school's page, composed from the domain modules.

The names below are the common entry points, so that ``from safeschools import services`` and
``services.ingest_file(...)`` is all a script needs; the domain modules are imported by name
(``from safeschools.services import council``). The function ``exposure`` lives in
:mod:`safeschools.services.exposure` (and is :func:`safeschools.exposure`).
"""

from safeschools.proximity.params import DEFAULT_PRESET, definition_from_params, resolve_definition
from safeschools.services.accounts import audit_log, create_user, session_secret
from safeschools.services.base import Clock, clock_of, open_store_from_settings
from safeschools.services.demo import load_demo_city
from safeschools.services.exposure import (
    IndexCache,
    compare_definitions,
    data_coverage,
    district_overview,
    exposure_index,
    list_presets,
    school_calendar,
    sensitivity,
)
from safeschools.services.imports import (
    INGEST_KINDS,
    IngestReport,
    checked_school_year,
    ingest_file,
    list_imports,
    record_parse_result,
    skip_if_imported,
)
from safeschools.services.national_pairs import NationalPairs, national_pairs
from safeschools.services.pairs import PairRefresh, rebuild_pairs, refresh_pairs
from safeschools.services.profile import SCHOOL_SECTIONS, school_profile
from safeschools.services.schools import (
    list_schools,
    list_victimizations,
    map_layers,
    resolve_school_year,
    store_summary,
    street_lines,
)
from safeschools.services.search import search, search_schools
from safeschools.services.sessions import create_api_token, user_for_token
from safeschools.services.signin import authenticate

__all__ = [
    "DEFAULT_PRESET",
    "INGEST_KINDS",
    "SCHOOL_SECTIONS",
    "Clock",
    "IndexCache",
    "IngestReport",
    "NationalPairs",
    "PairRefresh",
    "audit_log",
    "authenticate",
    "checked_school_year",
    "clock_of",
    "compare_definitions",
    "create_api_token",
    "create_user",
    "data_coverage",
    "definition_from_params",
    "district_overview",
    "exposure_index",
    "ingest_file",
    "list_imports",
    "list_presets",
    "list_schools",
    "list_victimizations",
    "load_demo_city",
    "map_layers",
    "national_pairs",
    "open_store_from_settings",
    "rebuild_pairs",
    "record_parse_result",
    "refresh_pairs",
    "resolve_definition",
    "resolve_school_year",
    "school_calendar",
    "school_profile",
    "search",
    "search_schools",
    "sensitivity",
    "session_secret",
    "skip_if_imported",
    "store_summary",
    "street_lines",
    "user_for_token",
]
