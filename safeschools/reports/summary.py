"""The card a school's report opens with: in one glance, the period the data covers, the
victims near the school under the definition (with its rank and the district's median), the
officers it has had, the decisions taken about them, its share of the funds for alternatives
and what the plan buys, and the state of its safety plan.

Everything comes from :func:`safeschools.services.school_profile`; a part with nothing recorded
says so ("Not recorded yet."), and a count the data cannot answer is absent with its reason,
never 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from safeschools.render.i18n import N_, Lang
from safeschools.render.officer_views import code_label
from safeschools.render.views import coverage_note

__all__ = ["DECISIONS_SHOWN", "SummaryRow", "summary_rows"]

#: At most this many decisions and votes are named on the card (the newest; all are in the
#: report's details).
DECISIONS_SHOWN = 4

_PLAN_STATUS = {
    "draft": N_("Draft"),
    "approved": N_("Approved"),
    "in_progress": N_("In progress"),
    "reviewed": N_("Reviewed"),
}
#: The spending catalog's items as the district's database creates them, in words in both
#: languages; an item the district added or renamed is shown as it is stored.
_ITEMS = {
    "Social worker": N_("Social worker"),
    "Restorative-justice coordinator": N_("Restorative-justice coordinator"),
    "Climate and culture coordinator": N_("Climate and culture coordinator"),
    "Youth intervention specialist": N_("Youth intervention specialist"),
    "Security officer": N_("Security officer"),
    "Safe Passage": N_("Safe Passage"),
    "Mentoring": N_("Mentoring"),
    "Other": N_("Other"),
}
_VOTE_RESULT = {
    "passed": N_("Passed"),
    "failed": N_("Failed"),
    "invalid: no quorum": N_("Invalid: no quorum"),
}


@dataclass
class SummaryRow:
    """One line of the card: what it is about (``key``), its label and its sentences;
    ``recorded`` is False when nothing is recorded or the data cannot answer it."""

    key: str
    label: str
    lines: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    recorded: bool = True


def summary_rows(profile: Mapping[str, Any], L: Lang) -> list[SummaryRow]:
    """The card's rows, in the order printed, in the language of ``L``.

    Examples
    --------
    >>> rows = summary_rows(profile, language("es"))  # doctest: +SKIP
    >>> [r.key for r in rows]  # doctest: +SKIP
    ['period', 'victims', 'officers', 'decisions', 'funds', 'safety_plan']
    """
    sections = profile.get("sections") or {}
    return [
        _period(profile, L),
        _victims(profile, L),
        _officers(sections.get("officers"), L),
        _decisions(sections.get("officers"), sections.get("council_votes"), L),
        _funds(sections.get("funds"), L),
        _safety_plan(sections.get("safety_plan"), L),
    ]


def _not_recorded(key: str, label: str, L: Lang) -> SummaryRow:
    return SummaryRow(key, label, [L.gettext("Not recorded yet.")], recorded=False)


def _period(profile: Mapping[str, Any], L: Lang) -> SummaryRow:
    label = L.gettext("Period the data covers")
    coverage = profile["exposure"].get("coverage") or profile.get("coverage") or {}
    data = coverage.get("data") or {}
    if not data.get("first_day"):
        return SummaryRow("period", label, [L.gettext("No victims data is loaded.")], [], False)
    line = L.gettext(
        "%(since)s to %(until)s", since=L.date(data["first_day"]), until=L.date(data["last_day"])
    )
    hints = [
        L.gettext(
            "Dates counted by the definition: %(dates)s.", dates=L.dates(profile["definition"])
        )
    ]
    note = coverage_note(coverage, L)
    if note and note["partial"] and note["text"]:
        hints.append(note["text"])
    return SummaryRow("period", label, [line], hints)


def _number(value: float, L: Lang) -> str:
    return L.num(value) if float(value).is_integer() else L.num(value, 1)


def _victims(profile: Mapping[str, Any], L: Lang) -> SummaryRow:
    label = L.gettext("Victims near the school")
    d = profile["definition"]
    exposure = profile["exposure"]
    what = L.describe(d)
    if exposure["victims"] is None:
        note = coverage_note(exposure.get("coverage"), L, ages=d.get("ages") or ()) or {}
        lines = [L.gettext("Cannot be answered with this data."), *note.get("reasons", [])]
        hints = [L.gettext("Definition: %(what)s.", what=what)]
        if note.get("needs"):
            hints.append(note["needs"])
        return SummaryRow("victims", label, lines, hints, recorded=False)
    victims = int(exposure["victims"])
    lines = [
        L.ngettext(
            "%(num)s victim within %(radius)s; fatal: %(fatal)s",
            "%(num)s victims within %(radius)s; fatal: %(fatal)s",
            victims,
            radius=L.radius(float(d["radius_m"])),
            fatal=L.num(exposure["fatal"]),
        )
    ]
    if profile.get("rank"):
        lines.append(
            L.gettext(
                "Rank %(rank)s of the %(n)s schools with victims near them.",
                rank=L.num(profile["rank"]),
                n=L.num(profile["schools_ranked"]),
            )
        )
    median = profile.get("district_median")
    if median is not None:
        lines.append(
            L.gettext("Median of the district's schools: %(median)s.", median=_number(median, L))
        )
    hints = [L.gettext("Definition: %(what)s.", what=what)]
    return SummaryRow("victims", label, lines, hints)


def _officers(officers: Mapping[str, Any] | None, L: Lang) -> SummaryRow:
    label = L.gettext("School resource officers")
    assignments = (officers or {}).get("assignments") or []
    if not assignments:
        return _not_recorded("officers", label, L)
    by_year: dict[str, int] = {}
    for a in assignments:
        by_year[a["school_year"]] = by_year.get(a["school_year"], 0) + int(a["officers"])
    parts = [
        L.gettext(
            "%(year)s: %(officers)s",
            year=year,
            officers=L.ngettext("%(num)s officer", "%(num)s officers", n),
        )
        for year, n in sorted(by_year.items(), reverse=True)
    ]
    hints = [L.gettext("School years without a record are not listed: unknown, not 0.")]
    return SummaryRow("officers", label, ["; ".join(parts)], hints)


def _decision_text(d: Mapping[str, Any], L: Lang) -> str:
    what = code_label(L, "decision", d.get("decision")) or L.gettext("outcome not published")
    text = f"{d['school_year']} · {code_label(L, 'round', d.get('decision_round'))}: {what}"
    if d.get("vote_keep") is not None or d.get("vote_remove") is not None:
        tally = L.gettext(
            "Votes to keep %(k)s, to remove %(r)s",
            k=L.num(d.get("vote_keep")),
            r=L.num(d.get("vote_remove")),
        )
        if d.get("vote_abstain") is not None:
            tally += ", " + L.gettext("abstain %(a)s", a=L.num(d["vote_abstain"]))
        text += f" ({tally})"
    return text


def _motion_text(m: Mapping[str, Any], L: Lang) -> str:
    result = m.get("result") or ""
    known = _VOTE_RESULT.get(result)
    return f"{L.date(m['meeting_date'])} · {m['text']}: {L.gettext(known) if known else result}"


def _decisions(
    officers: Mapping[str, Any] | None, council: Mapping[str, Any] | None, L: Lang
) -> SummaryRow:
    label = L.gettext("Decisions on officers and votes")
    dated: list[tuple[str, str]] = []
    decisions = (officers or {}).get("decisions") or []
    for d in decisions:
        dated.append((str(d.get("vote_date") or d["school_year"]), _decision_text(d, L)))
    seen = {(d["school_year"], d["decision_round"]) for d in decisions}
    for d in (council or {}).get("imported") or []:
        if (d["school_year"], d["decision_round"]) not in seen:
            dated.append((str(d.get("vote_date") or d["school_year"]), _decision_text(d, L)))
    for m in (council or {}).get("motions") or []:
        dated.append((str(m["meeting_date"]), _motion_text(m, L)))
    if not dated:
        return _not_recorded("decisions", label, L)
    dated.sort(key=lambda pair: pair[0], reverse=True)
    lines = [text for _, text in dated[:DECISIONS_SHOWN]]
    hints = []
    if len(dated) > DECISIONS_SHOWN:
        hints.append(
            L.gettext(
                "%(n)s older decisions are in the details below.",
                n=L.num(len(dated) - DECISIONS_SHOWN),
            )
        )
    return SummaryRow("decisions", label, lines, hints)


def _item(label: str, L: Lang) -> str:
    known = _ITEMS.get(label)
    return L.gettext(known) if known else label


def _dollars(cents: int, L: Lang) -> str:
    return "$" + L.num(cents / 100, 2)


def _funds(funds: Mapping[str, Any] | None, L: Lang) -> SummaryRow:
    label = L.gettext("Funds for alternatives")
    pools: Sequence[Mapping[str, Any]] = (funds or {}).get("pools") or []
    if not pools:
        return _not_recorded("funds", label, L)
    lines = []
    hints = []
    for p in pools:
        lines.append(
            L.gettext(
                "%(pool)s, %(year)s: share %(share)s, planned %(planned)s, remaining "
                "%(remaining)s.",
                pool=p["label"],
                year=p["school_year"],
                share=_dollars(int(p["share_cents"]), L),
                planned=_dollars(int(p["spent_cents"]), L),
                remaining=_dollars(int(p["remaining_cents"]), L),
            )
        )
        bought = [
            f"{_item(str(line['label']), L)} × {L.num(line['quantity'])}"
            for line in p.get("lines") or []
        ]
        hints.append(
            L.gettext("The plan buys: %(items)s.", items="; ".join(bought))
            if bought
            else L.gettext("No spending planned yet.")
        )
    return SummaryRow("funds", label, lines, hints)


def _safety_plan(plan: Mapping[str, Any] | None, L: Lang) -> SummaryRow:
    label = L.gettext("Safety plan")
    if not plan:
        return _not_recorded("safety_plan", label, L)
    status = plan.get("status") or ""
    known = _PLAN_STATUS.get(status)
    line = L.gettext("School year %(year)s:", year=plan["school_year"]) + " "
    line += L.gettext(known) if known else status
    approval = plan.get("approval")
    if approval:
        line += "; " + L.gettext(
            "approved on %(date)s by %(who)s",
            date=L.date(approval["approved_on"]),
            who=approval["approved_by"],
        )
    return SummaryRow("safety_plan", label, [line + "."])
