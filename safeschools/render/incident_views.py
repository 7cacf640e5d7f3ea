"""Incidents recorded by schools on the pages: a school's section and the district page.

Every number comes from a cell the service published (``count`` with ``status``): a hidden one
is said as "suppressed" in the table, the chart's titles and its description alike, never as a
number (:func:`count_text`), and a rate computed from a hidden count is hidden the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from safeschools.render import svg
from safeschools.render.equity_views import status_word
from safeschools.render.i18n import N_, Lang
from safeschools.render.words import word

__all__ = [
    "count_text",
    "district_context",
    "helpers",
    "rate_text",
    "report_context",
    "section_context",
]

#: Each rate of :data:`safeschools.metrics.incident_rates.RATES`, in words.
RATE_WORDS = {
    "restorative_share": N_("Fights with a restorative response"),
    "suspensions_per_fight": N_("Suspensions per fight"),
    "police_per_fight": N_("Police calls per fight"),
    "repaired_share": N_("Cases closed with the harm repaired"),
    "recurrence_share": N_("Involved again within 90 days"),
}


def count_text(L: Lang, cell: Mapping[str, Any]) -> str:
    """A published count in words: the number, "suppressed", or a dash (not recording)."""
    if cell["status"] == "shown":
        return L.num(cell["count"])
    if cell["status"] == "suppressed":
        return status_word(L, "suppressed")
    return "—"


def rate_text(L: Lang, cell: Mapping[str, Any]) -> str:
    """A published rate as a percentage, "suppressed", or why there is none."""
    if cell["status"] == "shown":
        return f"{L.num(round(100 * float(cell['value'])))} %"
    if cell["status"] == "suppressed":
        return status_word(L, "suppressed")
    if cell["status"] == "no_denominator":
        return L.gettext("none to count")
    return "—"


def category_label(L: Lang, code: str, added: Mapping[str, Mapping[str, str]]) -> str:
    """A category in words: the built-in ones from the catalog, the district's own as it
    wrote them."""
    if code in added:
        return added[code].get(L.code) or added[code]["en"]
    return word(L, "incident_category", code)


def _period(L: Lang, row: Mapping[str, Any]) -> str:
    """A month as ``Sep 2026`` (a school year as written), with "partial" when under way."""
    period = str(row["period"])
    text = period
    if row.get("kind") == "month":
        text = f"{L.month(int(period[5:]))} {period[:4]}"
    if row.get("partial"):
        text += f" ({L.gettext('partial')})"
    return text


def _chart(
    L: Lang, series: Sequence[Mapping[str, Any]], chart_id: str, title: str
) -> Markup | None:
    if not series:
        return None
    bars = []
    for row in series:
        cell = row["counts"]["total"]
        shown = cell["status"] == "shown"
        bars.append(
            svg.Bar(
                label=str(row["period"]),
                value=int(cell["count"]) if shown else 0,
                title=f"{_period(L, row)}: {count_text(L, cell)}",
                partial=bool(row.get("partial")),
            )
        )
    return Markup(
        svg.bar_chart(
            bars,
            chart_id=chart_id,
            title=title,
            desc=L.gettext(
                "One bar per month, the incidents of every category together; a month whose "
                "count is suppressed has no bar, and the table gives the same numbers."
            ),
            x_label=L.gettext("Month"),
            y_label=L.gettext("Incidents"),
            fmt=lambda v: L.num(v),
            label_every=max(1, -(-len(bars) // 6)),
        )
    )


def helpers(L: Lang, added: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The functions the incident templates call."""
    return {
        "count": lambda cell: count_text(L, cell),
        "rate": lambda cell: rate_text(L, cell),
        "rate_label": lambda name: L.gettext(RATE_WORDS[name]),
        "category": lambda code: category_label(L, code, added),
        "period": lambda row: _period(L, row),
        "police_category": lambda code: word(L, "police_at_school_category", code),
    }


def section_context(section: Mapping[str, Any], L: Lang) -> dict[str, Any]:
    """What ``incidents_section.html`` needs from the service's section."""
    recorded = section["recorded"]
    added = recorded.get("added_categories", {})
    return {
        "data": section,
        "ih": helpers(L, added),
        "rate_names": list(RATE_WORDS),
        "chart": _chart(
            L,
            recorded["series"],
            "incidents-chart",
            L.gettext("Incidents recorded by the school, by month"),
        ),
    }


def district_context(
    months: Mapping[str, Any], years: Mapping[str, Any], L: Lang
) -> dict[str, Any]:
    """What ``incidents.html`` needs: the district's series by month and by school year."""
    added = months.get("added_categories", {})
    return {
        "months": months,
        "years": years,
        "ih": helpers(L, added),
        "rate_names": list(RATE_WORDS),
        "chart": _chart(
            L,
            months["series"],
            "district-incidents-chart",
            L.gettext("Incidents recorded by schools, by month"),
        ),
    }


def report_context(section: Mapping[str, Any], L: Lang) -> dict[str, Any]:
    """What ``report_incidents.html`` needs: the last complete school year of the school's
    section, or the one under way when there is no other (None: the school records nothing)."""
    recorded = section["recorded"]
    years = [y for y in section["school_years"] if y["partial_reason"] != "in_progress"]
    years = years or section["school_years"]
    year = years[-1] if years else None
    zero = [c for c in recorded["categories"] if year and year["counts"][c]["count"] == 0]
    return {
        "report_incidents": {
            "ih": helpers(L, recorded.get("added_categories", {})),
            "rate_names": list(RATE_WORDS),
            "categories": recorded["categories"],
            "zero": zero,
            "year": year,
        }
    }
