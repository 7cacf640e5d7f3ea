"""Every stored code of the officer records is shown in words, in English and Spanish; the
published district figures are formatted by their unit or kept as published text; the district
series lists a school year with no record as unknown, never 0; and a school's council section
shows its imported council decisions with their source (one story with the officers section)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from safeschools.ingest.cps_sro_decisions import _CONFIDENCE, _DECISIONS, DECISION_ROUNDS
from safeschools.render import jinja, officer_views
from safeschools.render.i18n import Lang, language
from safeschools.services import council as service_council
from safeschools.services import officers as service_officers
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import real_data, sqlite_store

FOLDER = real_data("cps-sro-decisions")


def _codes() -> list[tuple[str, str]]:
    with (FOLDER / "sro_aggregates.csv").open(newline="") as handle:
        metrics = {row["metric"] for row in csv.DictReader(handle)}
    return [
        *(("round", c) for c in DECISION_ROUNDS),
        *(("decision", c) for c in _DECISIONS),
        *(("confidence", c) for c in _CONFIDENCE),
        *(("metric", c) for c in sorted(metrics)),
    ]


@pytest.mark.parametrize(("kind", "code"), _codes())
def test_every_stored_code_has_words_in_both_languages(kind: str, code: str) -> None:
    en = officer_views.code_label(language("en"), kind, code)
    es = officer_views.code_label(language("es"), kind, code)
    assert code in officer_views.CODE_LABELS[kind], f"{kind} {code!r} has no words"
    assert "_" not in en and en != es


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = sqlite_store(tmp_path / "s.db")
    settings = Settings()
    for name in ("sro_decisions.csv", "sro_aggregates.csv"):
        service_officers.ingest_officers_file(store, FOLDER / name, settings=settings)
    yield store
    store.dispose()


def test_real_series_shows_unknown_years_and_typed_published_figures(store: Store) -> None:
    series = service_officers.district_officers(store)
    years = {y["school_year"]: y for y in series["years"]}
    assert list(years) == ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]
    assert series["unknown_years"] == ["2019-20", "2022-23"]
    assert years["2019-20"]["recorded"] is None and years["2022-23"]["recorded"] is None
    assert years["2020-21"]["recorded"]["schools_recorded"] == 16  # the removals only
    figures = {f["metric"]: f for f in years["2019-20"]["published"]}
    en, es = language("en"), language("es")
    assert officer_views.figure_value(en, figures["sro_contract_usd"]) == "$33,000,000"
    assert officer_views.figure_value(es, figures["sro_contract_usd"]) == "33.000.000 US$"
    assert officer_views.figure_value(en, figures["schools_with_sros_voting"]) == "about 70"
    program = next(
        f for f in years["2020-21"]["published"] if f["metric"] == "officers_in_program_july_2020"
    )
    text = "144 SROs + 48 mobile officers + 22 staff sergeants"
    assert officer_views.figure_value(en, program) == text
    keep = next(f for f in years["2020-21"]["published"] if f["metric"] == "schools_voting_keep")
    assert officer_views.figure_value(en, keep) == "55 schools"
    assert officer_views.figure_value(es, keep) == "55 escuelas"
    html = _main(series, service_council.council_summary(store), en)
    assert html.count('data-unknown="1"') == 2
    assert "Police contract for school officers: <strong>$33,000,000</strong>" in html
    for code in ("sro_contract_usd", "keep_one", "remove_both", "2020_lsc_vote"):
        assert code not in html.replace('value="', "")
    es_html = _main(series, service_council.council_summary(store), es)
    assert "desconocido: no hay conteo registrado" in es_html and "keep_one" not in es_html


def _main(series: object, summary: object, L: Lang) -> str:
    """The officers page's main block (without the page chrome)."""
    template = jinja.environment().get_template("officers.html")
    context = template.new_context({"series": series, "summary": summary, "chart": "", "L": L})
    return "".join(template.blocks["main"](context))


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "Votes to keep 10, to remove 0"), ("es", "Votos para mantener 10, para retirar 0")],
)
def test_council_section_shows_the_imported_decisions(store: Store, lang: str, words: str) -> None:
    # Chicago Vocational (609674): 2020 council vote 10-0 to keep its officers
    section = service_council.council_votes_section(store, "609674")
    assert section is not None and section["motions"] == []
    assert "2020_lsc_vote" in [d["decision_round"] for d in section["imported"]]
    html = jinja.render(
        "council_section.html", {"council": section, "school": {"school_id": "609674"}},
        language(lang),
    )  # fmt: skip
    assert words in html and "S20SSW" in html
    assert "Not recorded yet" not in html and "No registrado" not in html
