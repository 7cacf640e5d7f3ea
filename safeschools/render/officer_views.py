"""Officer records in words: the decision rounds, decisions, confidence levels and district
figures that the store keeps as codes (``keep_one``, ``2020_lsc_vote``, ``sro_contract_usd``),
and a published figure formatted by its unit (dollars, officers, schools, a date) or kept as
the published text ("about 70"). A test fails when a stored code has no words here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel.numbers import format_currency

from safeschools.render.i18n import N_, Lang

__all__ = ["CODE_LABELS", "code_label", "figure_value", "helpers"]

#: Every stored code of the officer records, by kind, in words.
CODE_LABELS: dict[str, dict[str, str]] = {
    "round": {
        "2020_lsc_vote": N_("2020 council vote on keeping officers"),
        "2021_wssp_vote": N_("2021 council vote on the Whole School Safety Plan"),
        "2022_wssp_vote": N_("2022 council vote on the Whole School Safety Plan"),
        "2023_wssp_vote": N_("2023 council vote on the Whole School Safety Plan"),
        "2024_board_resolution": N_("Board of Education resolution of February 2024"),
    },
    "decision": {
        "keep": N_("keep the officers"),
        "remove": N_("remove the officers"),
        "keep_both": N_("keep both officers"),
        "keep_one": N_("keep one officer"),
        "remove_both": N_("remove both officers"),
        "remove_all": N_("remove all officers"),
        "program_ended": N_("program ended by the district"),
    },
    "confidence": {
        "high": N_("high (seen in a named source)"),
        "medium": N_("medium (derived, or the source was ambiguous)"),
        "low": N_("low (indirect evidence only)"),
    },
    "metric": {
        "schools_with_sros_voting": N_("Schools with officers whose councils voted"),
        "sro_contract_usd": N_("Police contract for school officers"),
        "schools_with_sros_before_vote": N_("Schools with officers before the vote"),
        "officers_in_program_july_2020": N_("Officers in the program, July 2020"),
        "schools_voting_keep": N_("Councils that voted to keep officers"),
        "schools_voting_remove": N_("Councils that voted to remove officers"),
        "officers_and_schools_2020": N_("Officers and schools in 2020"),
        "schools_reducing": N_("Schools that reduced their officers"),
        "schools_keep_one": N_("Schools that kept one officer"),
        "schools_remove_both": N_("Schools that removed both officers"),
        "schools_keep_both": N_("Schools that kept both officers"),
        "funds_to_schools_that_removed_officers_usd": N_(
            "Funds for alternatives at schools that removed officers"
        ),
        "schools_changed_in_2023_vote": N_("Schools whose councils changed their officers in 2023"),
        "officers_and_schools": N_("Officers and schools"),
        "schools_with_two_sros_feb_2024": N_("Schools with two officers, February 2024"),
        "schools_with_one_sro_feb_2024": N_("Schools with one officer, February 2024"),
        "schools_with_sros_feb_2024": N_("Schools with officers, February 2024"),
        "board_vote_end_sro_program": N_("Board vote to end the officer program"),
        "whole_school_safety_policy_approved": N_("Whole School Safety policy approved"),
    },
}


def code_label(L: Lang, kind: str, code: str | None) -> str:
    """A stored code in words; a code nobody named yet (a figure added by hand) is shown
    with spaces for its underscores."""
    if code is None:
        return ""
    known = CODE_LABELS.get(kind, {}).get(code)
    return L.gettext(known) if known else code.replace("_", " ")


def figure_value(L: Lang, figure: Mapping[str, Any]) -> str:
    """A published figure's value by its unit: $33,000,000 / 72 schools / Feb 22, 2024; the
    published text as it is otherwise."""
    unit, amount = figure.get("unit"), figure.get("amount")
    if unit == "usd" and amount is not None:
        pattern = "¤#,##0" if L.code == "en" else "#,##0 ¤"
        return format_currency(amount, "USD", format=pattern, locale=L.code, currency_digits=False)
    if unit == "schools" and amount is not None:
        return L.ngettext("%(num)s school", "%(num)s schools", amount)
    if unit == "officers" and amount is not None:
        return L.ngettext("%(num)s officer", "%(num)s officers", amount)
    if unit == "date":
        return L.date(figure["value"])
    return str(figure["value"])


def helpers(L: Lang) -> dict[str, Any]:
    """The functions the officer templates call."""
    return {
        "code": lambda kind, c: code_label(L, kind, c),
        "figure_value": lambda f: figure_value(L, f),
    }
