"""The demo city's incidents and restorative cases (all synthetic,
:mod:`safeschools.demo._incidents`), written in one transaction by the demo's account.

Each case is checked by the same rules as a person's (:func:`~safeschools.model.cases.
case_from_dict`, on the demo's "today"). Loading again adds nothing: the incidents are written
only when the first of them is missing, and all of them land together or none.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from safeschools.demo import DemoCity
from safeschools.demo._incidents import DEMO_AS_OF, make_incidents
from safeschools.model.cases import case_from_dict
from safeschools.services.demo_governance import DEMO_ACCOUNT
from safeschools.storage import Store
from safeschools.storage.incidents_bulk import (
    add_restorative_cases_many,
    add_school_incidents_many,
)

__all__ = ["load_demo_incidents"]


def load_demo_incidents(store: Store, city: DemoCity) -> dict[str, int]:
    """Write the demo city's incidents and cases unless they are stored; how many were added,
    by table."""
    incidents, cases = make_incidents(city.seed, city.schools, city.officers)
    if not incidents or store.school_incident_by_external_id(incidents[0].external_id or ""):
        return {"school_incidents": 0, "restorative_cases": 0}
    # recorded by the school the same afternoon
    dated = [replace(i, recorded_at=i.occurred_at + timedelta(hours=3)) for i in incidents]
    by_id = {i.external_id: i for i in dated}
    at = datetime.combine(DEMO_AS_OF, time(17, 0))
    with store.transaction() as conn:
        ids = add_school_incidents_many(dated, at=at, by=DEMO_ACCOUNT, conn=conn)
        checked = []
        for spec in cases:
            incident = replace(by_id[spec.external_id], id=ids[spec.external_id])
            case = case_from_dict(spec.data, incident=incident, today=DEMO_AS_OF)
            last = case.closed_on or case.conference_on or case.opened_on
            checked.append(replace(case, updated_at=datetime.combine(last, time(16, 30))))
        added = add_restorative_cases_many(checked, at=at, by=DEMO_ACCOUNT, conn=conn)
    return {"school_incidents": len(ids), "restorative_cases": added}
