"""The summary that opens a school's page and its governance timeline: every part from the
sections the profile already gathers, honest when nothing is recorded (never a zero), the
victims None with their reasons when the data cannot answer."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.governed_city import SHARE_CENTS, load_governed_city

from safeschools import services
from safeschools.proximity.presets import PRESETS
from safeschools.services.school_summary import governance_timeline, school_summary
from safeschools.settings import Settings
from safeschools.storage import Store


@pytest.fixture
def governed(store: Store, settings: Settings) -> Store:
    load_governed_city(store, settings)
    return store


def _profile(store: Store, settings: Settings, school_id: str, **changes: object) -> dict:  # type: ignore[type-arg]
    index = services.exposure_index(store, settings=settings)
    d = PRESETS["trace-500yd"].with_changes(**changes)
    return services.school_profile(store, school_id, d, settings=settings, index=index)


def test_the_summary_of_a_school_with_a_history(governed: Store, settings: Settings) -> None:
    s = _profile(governed, settings, "1")["summary"]
    assert (s["school_id"], s["name"], s["school_year"]) == ("1", "Alpha", "2024-25")
    # two victims near Alpha, one near Bravo, none near Charlie: rank 1 of 2, median of 2, 1, 0
    v = s["victims"]
    assert (v["victims"], v["rank"], v["schools_ranked"]) == (2, 1, 2)
    assert (v["district_median"], v["schools_considered"]) == (1.0, 3)
    assert s["period"]["since"] == "2024-10-02" and s["period"]["until"] == "2024-12-01"
    years = {y["school_year"]: y["officers"] for y in s["officers"]["years"]}
    assert years == {"2021-22": 2, "2022-23": 2, "2023-24": 1, "2024-25": 0}  # 0: the vote
    (decision,) = s["decisions"]["decisions"]  # the general motion is not about officers
    assert (decision["kind"], decision["result"], decision["officers_after"]) == (
        "motion", "passed", 0,
    )  # fmt: skip
    f = s["funds"]
    assert (f["share_cents"], f["planned_cents"]) == (SHARE_CENTS, 3_000_000)
    assert f["remaining_cents"] == SHARE_CENTS - 3_000_000
    assert [(i["item"], i["quantity"]) for i in f["items"]] == [("social_worker", 1)]
    assert s["safety_plan"] == {
        "recorded": True, "school_year": "2024-25", "status": "approved",
        "approved_on": "2025-02-03", "approved_by": "council vote of 2025-02-03",
    }  # fmt: skip


def test_nothing_recorded_is_said_never_zero(governed: Store, settings: Settings) -> None:
    s = _profile(governed, settings, "2")["summary"]
    assert s["officers"] == {"recorded": False, "years": []}
    assert s["decisions"] == {"recorded": False, "decisions": []}
    assert s["safety_plan"] == {"recorded": False}
    # Bravo has a share of the pool (every school does) but plans nothing yet
    assert s["funds"]["recorded"] and s["funds"]["planned_cents"] == 0 and not s["funds"]["items"]


def test_a_definition_the_data_cannot_answer_has_no_count(
    governed: Store, settings: Settings
) -> None:
    s = _profile(governed, settings, "1", since=date(2010, 1, 1), until=date(2010, 12, 31))
    v = s["summary"]["victims"]
    assert not v["answerable"]
    assert v["victims"] is None and v["district_median"] is None and v["rank"] is None
    assert v["reasons"], "the reasons say why there is no count"
    assert s["summary"]["period"]["since"] is None


def test_the_timeline_tells_one_story_oldest_first(governed: Store, settings: Settings) -> None:
    timeline = _profile(governed, settings, "1")["timeline"]
    kinds = [(e["school_year"], e["kind"]) for e in timeline]
    assert kinds == [
        ("2021-22", "officers"),
        ("2022-23", "officers"),
        ("2023-24", "officers"),
        ("2023-24", "vote"),  # the meeting of 10 May 2024
        ("2023-24", "vote"),
        ("2024-25", "officers"),
        ("2024-25", "money"),
        ("2024-25", "plan"),
    ]
    results = [e["result"] for e in timeline if e["kind"] == "vote"]
    assert sorted(results) == ["invalid: no quorum", "passed"]


def test_the_summary_is_built_from_sections_alone() -> None:
    """Hand-made sections, checked by eye: imported decisions and the officers section's own
    decisions are one list (no duplicate), newest first."""
    decision = {"school_year": "2020-21", "decision_round": "2020_lsc_vote", "decision": "keep_one",
                "officers_after": 1, "vote_date": date(2020, 8, 1), "vote_keep": 7,
                "vote_remove": 3, "vote_abstain": None}  # fmt: skip
    later = {**decision, "school_year": "2021-22", "decision_round": "2021_wssp_vote",
             "decision": "remove_all", "officers_after": 0, "vote_date": None}  # fmt: skip
    sections = {
        "officers": {"assignments": [], "decisions": [later, decision]},
        "council_votes": {"motions": [], "imported": [later, decision]},
    }
    s = school_summary(
        {"school_id": "9", "name": "Z", "school_year": "2024-25"}, exposure={"victims": 0},
        all_schools=[{"victims": 0}, {"victims": 4}], answerable=True, coverage={}, reasons=[],
        rank=None, schools_ranked=1, radius_m=150.0, sections=sections,
    )  # fmt: skip
    assert [d["round"] for d in s["decisions"]["decisions"]] == ["2021_wssp_vote", "2020_lsc_vote"]
    assert s["victims"]["district_median"] == 2.0 and s["victims"]["victims"] == 0
    timeline = governance_timeline(sections)
    assert [e["round"] for e in timeline] == ["2020_lsc_vote", "2021_wssp_vote"]
    assert timeline[0]["date"] == "2020-08-01"
