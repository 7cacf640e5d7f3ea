"""Every code of an incident recorded by a school has words in English and Spanish (a fight is
"pelea"), and so does each audit action and record of the incident log."""

from __future__ import annotations

import pytest

from safeschools.model.incidents import (
    CATEGORIES,
    INCIDENT_SOURCES,
    PLACES,
    POLICE_REASONS,
    RESPONSES,
)
from safeschools.render.i18n import language
from safeschools.render.words import CODE_WORDS, word
from safeschools.services.accounts import STAFF_ONLY_ENTITIES

CODES = [
    *(("incident_category", c) for c in CATEGORIES),
    *(("incident_place", c) for c in PLACES),
    *(("incident_response", c) for c in RESPONSES),
    *(("police_reason", c) for c in POLICE_REASONS),
    *(("incident_source", c) for c in INCIDENT_SOURCES),
    *(("audit_entity", c) for c in (*STAFF_ONLY_ENTITIES, "incident_category")),
    ("audit_action", "withdraw"),
]


@pytest.mark.parametrize(("kind", "code"), CODES)
def test_each_incident_code_has_words_in_both_languages(kind: str, code: str) -> None:
    assert code in CODE_WORDS[kind]
    en, es = word(language("en"), kind, code), word(language("es"), kind, code)
    assert es not in (en, code), (kind, code, es)


def test_a_fight_is_a_pelea() -> None:
    es = language("es")
    assert word(es, "incident_category", "fight") == "Pelea"
    assert word(es, "incident_category", "fight_injury") == "Pelea con lesiones"
    assert word(es, "incident_response", "restorative_conference") == "Conferencia restaurativa"
