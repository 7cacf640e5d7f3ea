"""What the evaluation and the outcomes over time say about the data they stand on, in words:
which school years have the outcome and which do not (and why; for the outcomes over time see
:func:`safeschools.render.equity_views.outcome_gaps`), why nothing was estimated,
the schools whose officers came back after removal, and the schools the balanced panel left
out. Built from :func:`safeschools.services.evaluation.evaluation` and
:func:`safeschools.services.outcomes.outcomes`; nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from safeschools.render.equity_views import measure_label, year_list
from safeschools.render.i18n import N_, Lang

__all__ = [
    "YEAR_STATUS",
    "assumption_checks",
    "evaluation_data_context",
    "not_estimated_reasons",
    "year_status",
]

#: The status of a school year in the evaluation, in words.
YEAR_STATUS = {
    "used": N_("used in the comparison"),
    "left_out": N_("left out: fewer than 8 in 10 of the schools have a figure for it"),
    "loaded": N_("in the loaded files"),
    "not_loaded": N_("not in the loaded files"),
}
#: How schools whose officers came back are treated, in words.
REVERSAL_RULE_NAMES = {
    "leave_out": N_("Leave them out of the comparison"),
    "first_removal": N_("Count them as removed from their first removal on"),
}


def year_status(L: Lang, status: str) -> str:
    """A year's status in words."""
    known = YEAR_STATUS.get(status)
    return L.gettext(known) if known else status


def not_estimated_reasons(L: Lang, data: Mapping[str, Any]) -> list[str]:
    """Why the evaluation estimated nothing, one sentence per reason (empty when it did)."""
    outcome = measure_label(L, data["outcome"])
    out = []
    for r in data.get("not_estimated") or []:
        code = r["code"]
        if code == "suppressed":
            out.append(
                L.gettext(
                    "The effect is not shown: %(n)s counts of these schools and school years "
                    "are suppressed (fewer than %(cell)s students). Leaving them out would bias "
                    "the estimate, and using them could reveal them.",
                    n=L.num(r["n"]),
                    cell=L.num(data["min_cell"]),
                )
            )
        elif code == "no_years_before_removal":
            out.append(
                L.gettext(
                    "The loaded data on %(outcome)s start in %(first)s, and every school had "
                    "removed its officer by %(last)s: there is no school year before removal to "
                    "compare with.",
                    outcome=outcome,
                    first=r["first"],
                    last=r["last_removal"],
                )
            )
        elif code == "years_not_loaded":
            if data["outcome"] == "shootings_near":
                text = L.gettext(
                    "Victims near schools for %(years)s are not in the loaded victims file; "
                    "load the city's victims file for those years to compare them.",
                    years=year_list(L, r["years"]),
                )
            elif data["outcome"] in ("incidents_recorded", "police_at_school"):
                text = L.gettext(
                    "There are no %(outcome)s for %(years)s: the schools were not recording "
                    "incidents, or the crimes data do not cover those years.",
                    outcome=outcome,
                    years=year_list(L, r["years"]),
                )
            else:
                text = L.gettext(
                    "Figures of %(outcome)s for %(years)s are not published in the loaded "
                    "files; load the district's report for those years to compare them.",
                    outcome=outcome,
                    years=year_list(L, r["years"]),
                )
            out.append(text)
        elif code == "no_comparison":
            out.append(
                L.gettext(
                    "The effect cannot be estimated from these data: there is no comparison "
                    "group of schools that still had their officer."
                )
            )
    return out


def assumption_checks(L: Lang, data: Mapping[str, Any]) -> list[str]:
    """What the data say about the assumption that removal is irreversible, and which schools
    the balanced panel left out."""
    out = []
    returned = data.get("officers_returned") or []
    if not returned:
        out.append(
            L.gettext(
                "Checked in the data: no school got an officer back after removing its officers."
            )
        )
    else:
        schools = "; ".join(
            L.gettext(
                "%(name)s (officers removed in %(removed)s, back in %(back)s)",
                name=r["name"] or r["school_id"],
                removed=r["removed"],
                back=", ".join(r["back"]),
            )
            for r in returned
        )
        if data["reversal_rule"] == "leave_out":
            out.append(
                L.gettext(
                    "Removal is taken to be irreversible, but the officers of %(n)s school(s) "
                    "came back after removal: %(schools)s. They are left out of the comparison.",
                    n=L.num(len(returned)),
                    schools=schools,
                )
            )
        else:
            out.append(
                L.gettext(
                    "Removal is taken to be irreversible, but the officers of %(n)s school(s) "
                    "came back after removal: %(schools)s. They are counted as removed from "
                    "their first removal on, as you chose.",
                    n=L.num(len(returned)),
                    schools=schools,
                )
            )
    left_out = data.get("schools_left_out") or {}
    if left_out.get("missing periods"):
        out.append(
            L.gettext(
                "%(n)s school(s) were left out because one of their school years has no figure "
                "(the comparison needs every school in every year).",
                n=L.num(left_out["missing periods"]),
            )
        )
    if left_out.get("treated from the first period"):
        out.append(
            L.gettext(
                "%(n)s school(s) were left out because they had already removed their officers "
                "in the first school year of the data (no year before removal).",
                n=L.num(left_out["treated from the first period"]),
            )
        )
    if left_out.get("no figures"):
        out.append(
            L.gettext(
                "%(n)s school(s) that had officers have no figures of this outcome.",
                n=L.num(left_out["no figures"]),
            )
        )
    return out


def evaluation_data_context(data: Mapping[str, Any], L: Lang) -> dict[str, Any]:
    """The evaluation page's words about its data."""
    return {
        "not_estimated": not_estimated_reasons(L, data),
        "assumption_checks": assumption_checks(L, data),
        "year_rows": [
            {**y, "status_text": year_status(L, y["status"])} for y in data["data_years"]
        ],
        "reversal_choices": [(c, L.gettext(n)) for c, n in REVERSAL_RULE_NAMES.items()],
    }
