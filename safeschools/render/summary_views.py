"""A school's summary card and its governance timeline, in words.

``summary`` and ``timeline`` are :func:`safeschools.services.school_summary.school_summary` and
:func:`~safeschools.services.school_summary.governance_timeline`; each part of the card is a
sentence (or a few) in the reader's language, with a link to the section that gives the detail.
A part with nothing recorded says so in words; victims the data cannot count say why, never 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from safeschools.render.i18n import Lang
from safeschools.render.words import item_label, word

__all__ = ["summary_card", "timeline_items"]


def _usd(L: Lang, cents: int) -> str:
    return "$" + L.num(cents / 100, 2)


def _officer_years(L: Lang, years: Sequence[Mapping[str, Any]]) -> str:
    """``2016-17 to 2019-20: 2 officers; 2020-21 to 2024-25: none``: consecutive years with the
    same count run together (only the years with a record)."""
    runs: list[list[Any]] = []
    for y in years:
        if runs and runs[-1][2] == y["officers"] and _next_year(runs[-1][1]) == y["school_year"]:
            runs[-1][1] = y["school_year"]
        else:
            runs.append([y["school_year"], y["school_year"], y["officers"]])
    parts = []
    for first, last, n in runs:
        when = first if first == last else L.gettext("%(first)s to %(last)s", first=first,
                                                       last=last)  # fmt: skip
        count = (
            L.gettext("none")
            if n == 0
            else L.ngettext("%(num)s officer", "%(num)s officers", int(n))
        )
        parts.append(f"{when}: {count}")
    return "; ".join(parts)


def _next_year(school_year: str) -> str:
    start = int(school_year[:4]) + 1
    return f"{start}-{(start + 1) % 100:02d}"


def _victims(L: Lang, v: Mapping[str, Any], definition_label: str) -> list[str]:
    radius = L.radius(float(v["radius_m"]))
    if not v["answerable"]:
        return [
            L.gettext(
                "Not counted: this data cannot answer this definition for this school (no count "
                "is shown, not zero)."
            ),
            *L.texts(v.get("reasons") or []),
        ]
    lines = []
    if v["victims"]:
        lines.append(
            L.gettext(
                "%(victims)s victims within %(radius)s, %(fatal)s of them killed.",
                victims=L.num(v["victims"]),
                radius=radius,
                fatal=L.num(v["fatal"]),
            )
        )
        lines.append(
            L.gettext(
                "Rank %(rank)s of the %(n)s schools with victims near them.",
                rank=L.num(v["rank"]),
                n=L.num(v["schools_ranked"]),
            )
            if v.get("rank")
            else L.gettext(
                "Not ranked: this school is not on the school list this definition uses."
            )
        )
    else:
        lines.append(L.gettext("No victim within %(radius)s under this definition.",
                               radius=radius))  # fmt: skip
    if definition_label:
        lines.append(L.gettext("Definition: %(label)s.", label=definition_label))
    if v.get("district_median") is not None:
        lines.append(
            L.gettext(
                "District median: %(median)s victims near a school (of %(n)s schools).",
                median=L.num(v["district_median"], 1 if v["district_median"] % 1 else 0),
                n=L.num(v["schools_considered"]),
            )
        )
    return lines


def _period(L: Lang, p: Mapping[str, Any], v: Mapping[str, Any]) -> list[str]:
    if p.get("since") and p.get("until"):
        text = L.gettext(
            "%(since)s to %(until)s", since=L.date(p["since"]), until=L.date(p["until"])
        )
        if p.get("partial"):
            text += " " + L.gettext(
                "(partial: the dates asked were %(since)s to %(until)s)",
                since=L.date(p.get("asked_since")),
                until=L.date(p.get("asked_until")),
            )
        return [text]
    if p.get("data_first_day"):
        return [
            L.gettext(
                "No data for the dates asked: the data covers %(first)s to %(last)s.",
                first=L.date(p["data_first_day"]),
                last=L.date(p["data_last_day"]),
            )
        ]
    return [L.gettext("No victims data is loaded.")]


def _decision(L: Lang, d: Mapping[str, Any]) -> str:
    if d["kind"] == "motion":
        when = L.date(d["date"]) if d.get("date") else d["school_year"]
        keep = (
            ""
            if d.get("officers_after") is None
            else ", "
            + L.gettext(
                "keep %(n)s officer(s) in %(year)s",
                n=L.num(d["officers_after"]),
                year=d["school_year"],
            )
        )
        return L.gettext(
            "%(when)s: council vote recorded here, %(result)s%(keep)s",
            when=when,
            result=word(L, "vote_result", d["result"]),
            keep=keep,
        )
    decision = (
        word(L, "decision", d["decision"])
        if d.get("decision")
        else L.gettext("outcome not published")
    )
    return f"{d['school_year']}: {word(L, 'round', d['round'])}: {decision}"


def _funds(L: Lang, f: Mapping[str, Any]) -> list[str]:
    lines = [
        L.gettext(
            "Share: %(share)s; planned: %(planned)s; not yet planned: %(left)s.",
            share=_usd(L, f["share_cents"]),
            planned=_usd(L, f["planned_cents"]),
            left=_usd(L, f["remaining_cents"]),
        )
    ]
    if f["items"]:
        bought = ", ".join(
            f"{item_label(L, i['item'], i['label'])} × {L.num(i['quantity'])}" for i in f["items"]
        )
        lines.append(L.gettext("The plan buys: %(items)s.", items=bought))
    else:
        lines.append(L.gettext("No spending planned yet."))
    return lines


def _plan(L: Lang, plan: Mapping[str, Any]) -> str:
    status = word(L, "plan_status", plan["status"])
    if plan.get("approved_on"):
        return L.gettext(
            "%(year)s: %(status)s (approved on %(date)s).",
            year=plan["school_year"],
            status=status,
            date=L.date(plan["approved_on"]),
        )
    return L.gettext("%(year)s: %(status)s.", year=plan["school_year"], status=status)


def summary_card(
    summary: Mapping[str, Any], L: Lang, *, school_meta: str, definition_label: str = ""
) -> list[dict[str, Any]]:
    """The card's rows, in order: ``key`` (an id), ``label``, ``lines`` (sentences),
    ``recorded`` (false when the part has no record), ``href`` (the detail's anchor).
    ``definition_label`` names the definition the victims are counted under."""
    v, officers = summary["victims"], summary["officers"]
    decisions, funds, plan = summary["decisions"], summary["funds"], summary["safety_plan"]
    return [
        {"key": "school", "label": L.gettext("School"), "lines": [school_meta],
         "recorded": True, "href": ""},
        {"key": "period", "label": L.gettext("Dates counted"),
         "lines": _period(L, summary["period"], v), "recorded": True, "href": "#definition-h"},
        {"key": "victims", "label": L.gettext("Victims near the school"),
         "lines": _victims(L, v, definition_label), "recorded": v["answerable"],
         "href": "#victims-h"},
        {"key": "officers", "label": L.gettext("School resource officers"),
         "lines": [_officer_years(L, officers["years"])] if officers["recorded"]
         else [L.gettext("No officer assignment is recorded for this school.")],
         "recorded": officers["recorded"], "href": "#officers"},
        {"key": "decisions", "label": L.gettext("Council decisions on officers"),
         "lines": [_decision(L, d) for d in decisions["decisions"][:3]]
         if decisions["recorded"] else [L.gettext("No council decision is recorded.")],
         "recorded": decisions["recorded"], "href": "#council-votes"},
        {"key": "funds", "label": L.gettext("Funds for alternatives"),
         "lines": _funds(L, funds) if funds["recorded"]
         else [L.gettext("No share of a fund is recorded for this school.")],
         "recorded": funds["recorded"], "href": "#funds"},
        {"key": "plan", "label": L.gettext("Safety plan"),
         "lines": [_plan(L, plan)] if plan["recorded"]
         else [L.gettext("No safety plan is recorded.")],
         "recorded": plan["recorded"], "href": "#safety-plan"},
    ]  # fmt: skip


def _event_text(L: Lang, e: Mapping[str, Any]) -> str:
    kind = e["kind"]
    if kind == "officers":
        parts = [
            f"{word(L, 'officer_kind', k)}: {L.num(n)}" for k, n in sorted(e["by_kind"].items())
        ]
        return L.gettext("Officers assigned: %(parts)s.", parts="; ".join(parts))
    if kind == "decision":
        decision = (
            word(L, "decision", e["decision"])
            if e.get("decision")
            else L.gettext("outcome not published")
        )
        text = f"{word(L, 'round', e['round'])}: {decision}"
        if e.get("vote_keep") is not None or e.get("vote_remove") is not None:
            text += (
                " ("
                + L.gettext(
                    "Votes to keep %(k)s, to remove %(r)s",
                    k=L.num(e.get("vote_keep")),
                    r=L.num(e.get("vote_remove")),
                )
                + ")"
            )
        if e.get("officers_after") is not None:
            text += "; " + L.gettext("%(n)s officer(s) after", n=L.num(e["officers_after"]))
        return text + "."
    if kind == "vote":
        keep = (
            ""
            if e.get("officers_after") is None
            else " " + L.gettext("(keep %(n)s officer(s))", n=L.num(e["officers_after"]))
        )
        return (
            L.gettext(
                "Council vote on “%(text)s” (%(topic)s): %(result)s; yes %(y)s, no %(n)s, "
                "abstain %(a)s, absent %(x)s.",
                text=e["text"],
                topic=word(L, "motion_topic", e["topic"]),
                result=word(L, "vote_result", e["result"]),
                y=L.num(e.get("yes")),
                n=L.num(e.get("no")),
                a=L.num(e.get("abstain")),
                x=L.num(e.get("absent")),
            )
            + keep
        )
    if kind == "money":
        text = L.gettext(
            "Share of “%(pool)s”: %(share)s; planned: %(planned)s.",
            pool=e["pool"],
            share=_usd(L, e["share_cents"]),
            planned=_usd(L, e["planned_cents"]),
        )
        if e["items"]:
            text += " " + ", ".join(
                f"{item_label(L, i['item'], i['label'])} × {L.num(i['quantity'])} "
                f"({_usd(L, i['cents'])})"
                for i in e["items"]
            )
        return text
    status = word(L, "plan_status", e["status"])
    if e.get("approved_by"):
        return L.gettext(
            "Safety plan: %(status)s, approved by %(who)s.", status=status, who=e["approved_by"]
        )
    return L.gettext("Safety plan: %(status)s.", status=status)


def timeline_items(timeline: Sequence[Mapping[str, Any]], L: Lang) -> list[dict[str, Any]]:
    """The governance timeline grouped by school year, oldest first: ``school_year`` and its
    ``events`` (``kind``, ``kind_label``, ``when`` (a date or ""), ``text``)."""
    kinds = {
        "officers": L.gettext("Officers"),
        "decision": L.gettext("Decision"),
        "vote": L.gettext("Vote"),
        "money": L.gettext("Money"),
        "plan": L.gettext("Safety plan"),
    }
    years: list[dict[str, Any]] = []
    for e in timeline:
        if not years or years[-1]["school_year"] != e["school_year"]:
            years.append({"school_year": e["school_year"], "events": []})
        years[-1]["events"].append(
            {
                "kind": e["kind"],
                "kind_label": kinds[e["kind"]],
                "when": L.date(e["date"]) if e.get("date") else "",
                "text": _event_text(L, e),
            }
        )
    return years
