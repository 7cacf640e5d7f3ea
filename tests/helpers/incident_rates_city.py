"""A small hand-made set of school-recorded incidents and cases for the roll-up tests.

Today is 15 November 2026 (school year 2026-27; November is the month in progress).

- 700001 Alder: records from September 2026. September: 6 fights (4 restorative conferences,
  2 suspensions, police called to 1), 5 bullying, and a withdrawn fight (never counted);
  October: nothing (0, recorded); November: 2 threats. Cases from 5 of September's fights:
  3 closed repaired, 1 closed partly, 1 open; involved again: 2 yes, 1 no, 2 not known.
- 700002 Birch: records from October 2026: 7 fights (all mediated), 6 other.
- 700003 Cedar: records nothing (no figures, never 0).
"""

from __future__ import annotations

from datetime import date, datetime

from safeschools.model import School
from safeschools.model.incidents import Incident, RestorativeCase
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import load_records

TODAY = date(2026, 11, 15)
AT = datetime(2026, 11, 15, 9, 0)
SCHOOLS = [
    School("700001", "2026-27", "Alder High School", lat=41.80, lon=-87.70),
    School("700002", "2026-27", "Birch High School", lat=41.81, lon=-87.70),
    School("700003", "2026-27", "Cedar High School", lat=41.82, lon=-87.70),
]


def _fight(school: str, day: date, responses: tuple[str, ...], police: bool = False) -> Incident:
    return Incident(
        school_id=school,
        occurred_at=datetime(day.year, day.month, day.day, 12, 0),
        category="fight",
        place="grounds",
        students_involved=2,
        police_called=police,
        police_reason="immediate_danger" if police else None,
        responses=responses,
        staff_note="STAFF-ONLY-NOTE",
    )


def incidents() -> list[Incident]:
    """Every incident of the set (the withdrawn one last)."""
    sept = date(2026, 9, 10)
    out = [
        _fight("700001", sept, ("restorative_conference",), police=True),
        _fight("700001", sept, ("restorative_conference", "parent_meeting")),
        _fight("700001", sept, ("restorative_conference",)),
        _fight("700001", sept, ("restorative_conference", "counselling")),
        _fight("700001", sept, ("suspension",)),
        _fight("700001", sept, ("suspension", "parent_meeting")),
    ]
    out += [
        Incident(
            "700001",
            datetime(2026, 9, 20, 10),
            "bullying",
            "inside",
            1,
            responses=("counselling",),
            staff_note="STAFF-ONLY-NOTE",
        )
        for _ in range(5)
    ]
    out += [Incident("700001", datetime(2026, 11, 3, 10), "threat", "inside", 1) for _ in range(2)]
    out += [_fight("700002", date(2026, 10, 5), ("mediation",)) for _ in range(7)]
    out += [Incident("700002", datetime(2026, 10, 6, 9), "other", "bus", 1) for _ in range(6)]
    return out


#: (status, outcome, involved again) of the cases opened from Alder's first five fights.
CASES = [
    ("closed", "repaired", True),
    ("closed", "repaired", True),
    ("closed", "repaired", False),
    ("closed", "partly", None),
    ("open", None, None),
]


def load(store: Store, settings: Settings) -> None:
    """Write the schools, the incidents (one more, withdrawn) and the cases."""
    load_records(store, settings, schools=SCHOOLS)
    with store.engine.begin() as conn:
        saved = [
            store.add_school_incident(i, at=AT, by="t@example.org", conn=conn) for i in incidents()
        ]
        store.add_school_incident(
            _fight("700001", date(2026, 9, 11), ("suspension",)).__class__(
                **{
                    **_fight("700001", date(2026, 9, 11), ("suspension",)).__dict__,
                    "withdrawn_at": AT,
                }
            ),
            at=AT,
            by=None,
            conn=conn,
        )
        for incident, (status, outcome, again) in zip(saved, CASES, strict=False):
            store.add_restorative_case(
                RestorativeCase(
                    incident_id=incident.id,
                    school_id=incident.school_id,
                    opened_on=date(2026, 9, 12),
                    status=status,
                    closed_on=date(2026, 10, 1) if status == "closed" else None,
                    outcome=outcome,
                    recurred_within_90_days=again,
                    agreement="AGREEMENT-TEXT",
                ),
                at=AT,
                by=None,
                conn=conn,
            )
