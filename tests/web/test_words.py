"""Every stored code has words in English and Spanish (a code without words fails here), and the
Spanish pages say the domain's terms with the one glossary (safeschools/render/words.py):
officers are "policías escolares (SRO)", never "agentes"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from helpers.governed_city import load_governed_city
from web_city import Pages, parse, select

from safeschools.app import create_app
from safeschools.demo import _discipline as demo_discipline
from safeschools.ingest import cps_sro_decisions
from safeschools.model import ROLES
from safeschools.model.council import MOTION_TOPICS, SEAT_ROLES
from safeschools.model.officers import OFFICER_KINDS
from safeschools.model.plans import ACTION_STATUSES, COMMITTEE_ROLES, PILLARS, PLAN_STATUSES
from safeschools.policy.council import BALLOTS
from safeschools.policy.funding import FORMULAS
from safeschools.render.i18n import LOCALES, language
from safeschools.render.words import CODE_WORDS, GLOSSARY, word
from safeschools.settings import Settings
from safeschools.storage import Store
from safeschools.testing import sqlite_store

#: The results policy.council.tally gives a vote (CouncilMotion.result).
VOTE_RESULTS = ("passed", "failed", "invalid: no quorum")
#: Words that are the same in Spanish ("no", "General").
SAME_IN_BOTH = {("ballot", "no"), ("motion_topic", "general")}


def _catalog_codes(tmp: Path) -> list[str]:
    store = sqlite_store(tmp / "catalog.db")
    try:
        return [i.code for i in store.spending_items()]
    finally:
        store.dispose()


def _codes(tmp: Path) -> list[tuple[str, str]]:
    sources = (cps_sro_decisions.SOURCE["name"], demo_discipline._SOURCE, "edit", "council")
    return [
        *(("officer_kind", c) for c in OFFICER_KINDS),
        *(("officer_source", c) for c in sources),
        *(("vote_result", c) for c in VOTE_RESULTS),
        *(("ballot", c) for c in BALLOTS),
        *(("seat", c) for c in SEAT_ROLES),
        *(("motion_topic", c) for c in MOTION_TOPICS),
        *(("plan_status", c) for c in PLAN_STATUSES),
        *(("action_status", c) for c in ACTION_STATUSES),
        *(("pillar", c) for c in PILLARS),
        *(("committee_role", c) for c in COMMITTEE_ROLES),
        *(("formula", c) for c in FORMULAS),
        *(("account_role", c) for c in ROLES),
        *(("spending_item", c) for c in _catalog_codes(tmp)),
    ]


def test_every_stored_code_has_words_in_both_languages(tmp_path: Path) -> None:
    missing, untranslated = [], []
    for kind, code in _codes(tmp_path):
        if code not in CODE_WORDS.get(kind, {}):
            missing.append((kind, code))
            continue
        en, es = word(language("en"), kind, code), word(language("es"), kind, code)
        if es in (en, code) and (kind, code) not in SAME_IN_BOTH:
            untranslated.append((kind, code, es))
    assert missing == [], "codes with no words in safeschools/render/words.py"
    assert untranslated == [], "codes whose Spanish is their English or the code"


def test_an_unknown_code_is_never_shown_raw() -> None:
    assert word(language("es"), "plan_status", "on_hold") == "on hold"
    assert word(language("es"), "decision", "keep_one") == "mantener a un policía escolar"
    assert word(language("en"), "plan_status", None) == ""


def _messages() -> list[tuple[str, str]]:
    with (LOCALES / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="es")
    out = []
    for m in catalog:
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        out.extend((ids[-1] if len(ids) > 1 else ids[0], s) for s in strings)
    return out


@pytest.mark.parametrize("term", GLOSSARY, ids=lambda t: t.name)
def test_the_catalog_follows_the_glossary(term) -> None:  # type: ignore[no-untyped-def]
    wrong = [(en, es) for en, es in _messages() if not term.follows(en, es)]
    assert wrong == [], f"say {term.name!r} as {term.spanish_name!r} in these translations"


@pytest.fixture
def governed_pages(sqlite_only_store: Store, settings: Settings) -> Pages:
    load_governed_city(sqlite_only_store, settings)
    return Pages(create_app(settings, store=sqlite_only_store))


def test_spanish_pages_use_the_glossary(governed_pages: Pages) -> None:
    root = parse(governed_pages.get("/schools/1?lang=es").text)
    nav = [a.all_text().strip() for a in select(root, "header nav ul a")]
    assert "Policías escolares" in nav and "Agentes" not in nav
    titles = [h.all_text().strip() for h in select(root, "section h2")]
    assert "Policías escolares (SRO)" in titles
    for path in ("/schools/1", "/officers", "/funds", "/", "/evaluation"):
        text = parse(governed_pages.get(f"{path}?lang=es").text).all_text()
        for term in GLOSSARY:
            if term.avoid:
                found = re.findall(rf".{{0,30}}(?:{term.avoid}).{{0,30}}", text, re.I)
                assert not found, (path, term.name, found)


def test_stored_codes_are_words_on_the_spanish_school_page(governed_pages: Pages) -> None:
    text = " ".join(parse(governed_pages.get("/schools/1?lang=es").text).all_text().split())
    for english in ("Passed", "Invalid: no quorum", "Approved", "Social worker", "cps-sro",
                    "council motion #", "in_progress", "social_worker", "per_officer"):  # fmt: skip
        assert english not in text, english
    assert "Aprobad" in text and "No válida: sin quórum" in text
