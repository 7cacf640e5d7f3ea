"""The report's summary card (reports.summary) on three schools with victims counted by hand:
Alpha has 2 victims within 500 yd, Bravo 1 and Charlie none, so the district's median is 1. A
part with nothing recorded says so; a count the data cannot answer is absent, never 0."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.funds_city import load_funds_city

from safeschools import reports, services
from safeschools.proximity.presets import PRESETS
from safeschools.render.i18n import language
from safeschools.reports.summary import DECISIONS_SHOWN
from safeschools.settings import Settings
from safeschools.storage import Store


@pytest.fixture
def city(store: Store, settings: Settings) -> Store:
    load_funds_city(store, settings)
    return store


def _profile(store: Store, settings: Settings, school_id: str, preset: str) -> dict[str, Any]:
    index = services.exposure_index(store, settings=settings)
    return services.school_profile(
        store, school_id, PRESETS[preset], settings=settings, index=index
    )


def _rows(profile: dict[str, Any], lang: str = "en") -> dict[str, reports.SummaryRow]:
    return {row.key: row for row in reports.summary_rows(profile, language(lang))}


def test_the_card_counts_ranks_and_gives_the_median(city: Store, settings: Settings) -> None:
    alpha = _profile(city, settings, "1", "trace-500yd")
    assert alpha["district_median"] == 1.0  # 2, 1 and 0 victims
    rows = _rows(alpha)
    assert list(rows) == ["period", "victims", "officers", "decisions", "funds", "safety_plan"]
    assert rows["period"].lines == ["Oct 2, 2024 to Dec 1, 2024"]
    assert rows["victims"].lines == [
        "2 victims within 500 yd (457.2 m); fatal: 0",
        "Rank 1 of the 2 schools with victims near them.",
        "Median of the district's schools: 1.",
    ]
    assert rows["victims"].hints == [
        "Definition: within 500 yd (457.2 m), all hours, every day, gunshot injuries only."
    ]
    for key in ("officers", "decisions", "funds", "safety_plan"):
        assert rows[key].lines == ["Not recorded yet."] and not rows[key].recorded
    charlie = _rows(_profile(city, settings, "3", "trace-500yd"), "es")
    assert charlie["victims"].lines == [
        "0 víctimas a menos de 500 yardas (457,2 m); mortales: 0",
        "Mediana de las escuelas del distrito: 1.",
    ]
    assert charlie["officers"].lines == ["Todavía no registrado."]


def test_a_count_the_data_cannot_answer_is_absent(city: Store, settings: Settings) -> None:
    """ABC7 counts victims aged 0-19: these victims have no age band."""
    profile = _profile(city, settings, "1", "abc7-2024")
    assert profile["district_median"] is None and profile["rank"] is None
    victims = _rows(profile)["victims"]
    assert victims.lines[0] == "Cannot be answered with this data." and not victims.recorded
    assert not any(ch.isdigit() for line in victims.lines[:1] for ch in line)
    assert "Median" not in " ".join(victims.lines) and "Rank" not in " ".join(victims.lines)


def _decision(year: str, round_: str, decision: str, **more: Any) -> dict[str, Any]:
    return {"school_year": year, "decision_round": round_, "decision": decision, **more}


def test_decisions_newest_first_in_words_and_the_rest_counted(
    city: Store, settings: Settings
) -> None:
    profile = _profile(city, settings, "1", "trace-500yd")
    decisions = [
        _decision("2024-25", "2024_board_resolution", "program_ended", vote_date="2024-02-22"),
        _decision("2023-24", "2023_wssp_vote", "keep_one", vote_date="2023-05-31",
                  vote_keep=7, vote_remove=1, vote_abstain=2),
        _decision("2021-22", "2021_wssp_vote", "keep_one"),
        _decision("2020-21", "2020_lsc_vote", "keep", vote_keep=9, vote_remove=0),
    ]  # fmt: skip
    motions = [
        {"meeting_date": "2023-05-10", "text": "Keep one officer", "result": "invalid: no quorum"},
        {"meeting_date": "2022-05-10", "text": "Remove both officers", "result": "failed"},
    ]
    profile["sections"]["officers"] = {"assignments": [], "decisions": decisions}
    profile["sections"]["council_votes"] = {"imported": decisions[1:], "motions": motions}
    en = _rows(profile)["decisions"]
    assert len(en.lines) == DECISIONS_SHOWN == 4
    assert en.lines == [
        "2024-25 · Board of Education resolution of February 2024: program ended by the district",
        "2023-24 · 2023 council vote on the Whole School Safety Plan: keep one officer "
        "(Votes to keep 7, to remove 1, abstain 2)",
        "May 10, 2023 · Keep one officer: Invalid: no quorum",
        "May 10, 2022 · Remove both officers: Failed",
    ]
    assert en.hints == ["2 older decisions are in the details below."]
    es = _rows(profile, "es")["decisions"]
    assert es.lines[2] == "10 may 2023 · Keep one officer: No válida: sin quórum"
    assert not any(code in " ".join(es.lines) for code in ("keep_one", "_vote", "failed"))


def test_officers_by_year_funds_and_plan(city: Store, settings: Settings) -> None:
    profile = _profile(city, settings, "1", "trace-500yd")
    profile["sections"]["officers"] = {
        "assignments": [
            {"school_year": "2021-22", "kind": "sro", "officers": 2},
            {"school_year": "2022-23", "kind": "sro", "officers": 1},
            {"school_year": "2022-23", "kind": "mobile", "officers": 1},
        ],
        "decisions": [],
    }
    profile["sections"]["funds"] = {
        "pools": [
            {"label": "SRO contract", "school_year": "2024-25", "share_cents": 15_000_000,
             "spent_cents": 11_000_000, "remaining_cents": 4_000_000,
             "lines": [{"label": "Social worker", "quantity": 1},
                       {"label": "Peer jury", "quantity": 3}]},
        ]
    }  # fmt: skip
    profile["sections"]["safety_plan"] = {
        "school_year": "2025-26",
        "status": "in_progress",
        "approval": None,
    }
    en = _rows(profile)
    assert en["officers"].lines == ["2022-23: 2 officers; 2021-22: 2 officers"]
    assert en["funds"].lines == [
        "SRO contract, 2024-25: share $150,000.00, planned $110,000.00, remaining $40,000.00."
    ]
    assert en["funds"].hints == ["The plan buys: Social worker × 1; Peer jury × 3."]
    assert en["safety_plan"].lines == ["School year 2025-26: In progress."]
    es = _rows(profile, "es")
    assert es["officers"].lines == ["2022-23: 2 policías escolares; 2021-22: 2 policías escolares"]
    assert es["funds"].hints == [
        "El plan de gastos compra: Trabajador(a) social × 1; Peer jury × 3."
    ]
    assert es["safety_plan"].lines == ["Año escolar 2025-26: En curso."]
