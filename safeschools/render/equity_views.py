"""What the equity and evaluation pages show, as template contexts built from the service's dicts
(:mod:`safeschools.services.equity`, :mod:`safeschools.services.evaluation`).

Nothing is computed or hidden here: a count the service marks ``suppressed`` is written as the
word, never as a number, and so are the risk and ratio computed from it. Every count, risk and
ratio cell gets ``data-cell="{school_id or 'district'}|{school_year}|{measure}|{group}"`` and
``data-status`` (``shown``, ``suppressed``, ``not reported``) from :func:`cell_attrs`.
Shared by the page routes (:mod:`safeschools.web.equity`) and the printable report; nothing here
needs FastAPI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from safeschools.render import svg_lines
from safeschools.render.i18n import N_, Lang

__all__ = [
    "GROUP_LABELS",
    "MEASURE_LABELS",
    "cell_attrs",
    "effect_sentence",
    "evaluation_context",
    "outcome_gaps",
    "outcomes_context",
    "report_context",
    "status_word",
    "year_list",
]

#: Student groups in words.
GROUP_LABELS = {
    "all": N_("All students"),
    "hispanic": N_("Hispanic or Latino"),
    "american_indian": N_("American Indian or Alaska Native"),
    "asian": N_("Asian"),
    "pacific_islander": N_("Native Hawaiian or Pacific Islander"),
    "asian_pacific_islander": N_("Asian or Pacific Islander"),
    "black": N_("Black"),
    "white": N_("White"),
    "multiracial": N_("Two or more races"),
    "race_not_available": N_("Race not available"),
    "female": N_("Female"),
    "male": N_("Male"),
    "el": N_("English learners"),
    "disability": N_("Students with disabilities"),
    "low_income": N_("Low income"),
    "grades_k_8": N_("Grades K-8"),
    "grades_9_12": N_("Grades 9-12"),
}
#: Measures and outcomes in words.
MEASURE_LABELS = {
    "students_oss": N_("students suspended out of school"),
    "students_iss": N_("students suspended in school"),
    "students_suspended": N_("students suspended"),
    "students_expelled": N_("students expelled"),
    "students_police_notification": N_("students with a police notification"),
    "students_referred_law_enforcement": N_("students referred to law enforcement"),
    "students_arrested": N_("students arrested"),
    "misconducts": N_("misconducts"),
    "suspensions": N_("suspensions"),
    "oss": N_("out-of-school suspensions"),
    "iss": N_("in-school suspensions"),
    "police_notifications": N_("police notifications"),
    "expulsions": N_("expulsions"),
    "shootings_near": N_("shootings near the school"),
    "incidents_recorded": N_("incidents recorded by the school"),
    "police_at_school": N_("police-reported incidents at school"),
}
_DIMENSIONS = {"race": N_("race and ethnicity"), "sex": N_("sex"), "program": N_("programs")}
_STATUS = {
    "suppressed": N_("suppressed"),
    "not reported": N_("not reported"),
    "not loaded": N_("not in the loaded files"),
}


def group_label(L: Lang, group: str) -> str:
    """A student group in words."""
    known = GROUP_LABELS.get(group)
    return L.gettext(known) if known else group


def measure_label(L: Lang, measure: str) -> str:
    """A measure in words."""
    known = MEASURE_LABELS.get(measure)
    return L.gettext(known) if known else measure.replace("_", " ")


def dimension_label(L: Lang, dimension: str) -> str:
    """race, sex or program in words."""
    known = _DIMENSIONS.get(dimension)
    return L.gettext(known) if known else dimension


def status_word(L: Lang, status: str) -> str:
    """``suppressed`` / ``not reported`` in the reader's language."""
    known = _STATUS.get(status)
    return L.gettext(known) if known else status


def cell_attrs(
    school_id: str | None, school_year: str, measure: str, group: str, status: str
) -> Markup:
    """The ``data-cell`` and ``data-status`` attributes of a published cell."""
    key = f"{school_id or 'district'}|{school_year}|{measure}|{group}"
    return Markup(f' data-cell="{escape(key)}" data-status="{escape(status)}"')


def reference_words(L: Lang, reference: str) -> str:
    """The reference group the service recorded ("all other students", "white students")."""
    if reference == "all other students":
        return L.gettext("all other students of the school")
    group = reference.removesuffix(" students")
    return L.gettext("%(group)s students", group=group_label(L, group))


def _num(L: Lang, value: float | None, digits: int = 2) -> str:
    return "—" if value is None else L.num(round(float(value), digits), digits)


def helpers(L: Lang) -> dict[str, Any]:
    """The functions the equity templates call."""
    return {
        "group_label": lambda g: group_label(L, g),
        "measure_label": lambda m: measure_label(L, m),
        "status_word": lambda s: status_word(L, s),
        "cell_attrs": cell_attrs,
        "fnum": lambda v, digits=2: _num(L, v, digits),
        "coverage_text": lambda coverage: coverage_sentences(L, coverage),
        "pct": lambda v: "—" if v is None else f"{_num(L, 100 * float(v), 1)} %",
    }


# ---------------------------------------------------------------------- outcomes over time
def outcomes_context(data: Mapping[str, Any], L: Lang) -> dict[str, Any]:
    """The outcomes table and one line chart per outcome, the officer years shaded and the
    removal year marked."""
    series = data["series"]
    years = [s["school_year"] for s in series]
    district = data.get("school_id") is None
    with_officers = (
        set() if district else {o["school_year"] for o in data["officers"] if o["officers"] > 0}
    )
    removal = data.get("removal_year")
    mark = years.index(removal) if removal in years else None
    charts = []
    measures = list(data["measures"])
    if any(s.get("shootings_near") is not None for s in series):
        measures.append("shootings_near")
    for measure in measures:
        points = []
        for s in series:
            if measure == "shootings_near":
                value = s.get("shootings_near")
                if value is None:
                    title = f"{s['school_year']}: {status_word(L, 'not loaded')}"
                elif district:
                    title = L.gettext(
                        "%(year)s: %(n)s victims near any school",
                        year=s["school_year"],
                        n=L.num(value),
                    )
                else:
                    title = L.gettext(
                        "%(year)s: %(n)s victims near the school",
                        year=s["school_year"],
                        n=L.num(value),
                    )
            elif measure in _COUNTED:
                cell = s["values"].get(measure) or {"status": "not loaded", "value": None}
                value = cell["value"] if cell["status"] == "shown" else None
                title = (
                    f"{s['school_year']}: {L.num(value)}"
                    if value is not None
                    else f"{s['school_year']}: {status_word(L, cell['status'])}"
                )
            else:
                missing = "not loaded" if s.get("discipline") == "not_loaded" else "not reported"
                cell = s["values"].get(measure) or {"status": missing, "per_100": None}
                value = cell.get("per_100")
                title = (
                    L.gettext(
                        "%(year)s: %(value)s per 100 students",
                        year=s["school_year"],
                        value=_num(L, value),
                    )
                    if value is not None
                    else f"{s['school_year']}: {status_word(L, cell['status'])}"
                )
            points.append(
                svg_lines.Point(
                    label=s["school_year"],
                    value=value,
                    title=title,
                    shaded=s["school_year"] in with_officers,
                )
            )
        name = measure_label(L, measure)
        y_label = (
            L.gettext("Victims")
            if measure == "shootings_near"
            else L.gettext("Incidents")
            if measure in _COUNTED
            else L.gettext("Per 100 students")
        )
        chart = svg_lines.line_chart(
            points,
            chart_id=f"outcome-{measure.replace('_', '-')}",
            title=L.gettext("%(outcome)s by school year", outcome=name.capitalize()),
            desc=L.gettext(
                "One point per school year; gaps are hidden or not reported values. Shaded "
                "years had a school resource officer; the dashed line marks the first year "
                "without one. The table gives the same numbers."
            ),
            x_label=L.gettext("School year"),
            y_label=y_label,
            fmt=lambda v: _num(L, v, 1) if not float(v).is_integer() else L.num(int(v)),
            shade_label=L.gettext("with an officer") if with_officers else "",
            mark_index=mark,
            mark_label=L.gettext("officer removed") if mark is not None else "",
        )
        charts.append({"measure": measure, "title": name, "svg": Markup(chart)})
    return {
        "outcomes": data,
        "outcome_charts": charts,
        "officer_years": sorted(with_officers),
        "schools_with_officers": {
            o["school_year"]: o["schools_with_officers"] for o in data["officers"]
        },
        "removal_year": removal,
        "outcome_gaps": outcome_gaps(L, data),
    }


def year_list(L: Lang, years: Sequence[str]) -> str:
    """School years as ``2019-20, 2020-21`` or, for four or more in a row, ``2013-14 to
    2021-22``."""
    starts = [int(y[:4]) for y in years]
    if len(years) < 4 or starts != list(range(starts[0], starts[0] + len(starts))):
        return ", ".join(years)
    return L.gettext("%(first)s to %(last)s", first=years[0], last=years[-1])


#: Outcomes counted at the school (a count, not a rate per 100 students), with their caveats.
_COUNTED = {
    "incidents_recorded": N_(
        "Schools record incidents differently; a rise can mean better recording."
    ),
    "police_at_school": N_(
        "Once officers leave, police reports at school change for reasons other than behaviour."
    ),
}


def outcome_gaps(L: Lang, data: Mapping[str, Any]) -> list[str]:
    """Which school years the outcomes over time lack, and why, in sentences (and the caveats
    of the incident outcomes shown)."""
    years = data.get("data_years") or {}
    out = [L.gettext(_COUNTED[m]) for m in data.get("measures", ()) if m in _COUNTED]
    if years.get("discipline_missing"):
        out.append(
            L.gettext(
                "Discipline figures for %(years)s are not published in the loaded files; "
                "load the district's report for those years. They are shown as unknown, not 0.",
                years=year_list(L, years["discipline_missing"]),
            )
        )
    if years.get("enrollment_missing"):
        out.append(
            L.gettext(
                "Enrollment for %(years)s is not in the loaded files, so no rate per 100 "
                "students is given for those years; load the school profiles or the 20th-day "
                "enrollment of those years.",
                years=year_list(L, years["enrollment_missing"]),
            )
        )
    shootings = years.get("shootings")
    if shootings is not None:
        missing = [s["school_year"] for s in data["series"] if s.get("shootings") == "not_covered"]
        if missing:
            out.append(
                L.gettext(
                    "Shootings near schools for %(years)s are not in the loaded victims file; "
                    "they are shown as unknown, not 0.",
                    years=year_list(L, missing),
                )
            )
    return out


# ---------------------------------------------------------------------- evaluation
def effect_sentence(L: Lang, data: Mapping[str, Any]) -> str | None:
    """ "After removing officers, police notifications changed by -1.78 per 100 students
    (95% CI -2.46 to -1.11)." or None when not estimable."""
    overall = data.get("overall")
    if not overall:
        return None
    unit = (
        L.gettext("victims near the school")
        if data["outcome"] == "shootings_near"
        else L.gettext("incidents at the school")
        if data["outcome"] in ("incidents_recorded", "police_at_school")
        else L.gettext("per 100 students enrolled")
    )
    return L.gettext(
        "After removing officers, %(outcome)s changed by %(estimate)s %(unit)s "
        "(%(level)s%% confidence interval %(low)s to %(high)s).",
        outcome=measure_label(L, data["outcome"]),
        estimate=_signed(L, overall["estimate"]),
        unit=unit,
        level=L.num(round(100 * float(data["confidence"]))),
        low=_signed(L, overall["ci_low"]),
        high=_signed(L, overall["ci_high"]),
    )


def _signed(L: Lang, value: float) -> str:
    text = _num(L, abs(value))
    return f"−{text}" if value < 0 and text != _num(L, 0.0) else text


def effect_reading(L: Lang, data: Mapping[str, Any]) -> str | None:
    """What the interval says, in words."""
    overall = data.get("overall")
    if not overall:
        return None
    if overall["ci_low"] > 0:
        return L.gettext(
            "The whole interval is above zero: the data show an increase, under the assumptions "
            "below."
        )
    if overall["ci_high"] < 0:
        return L.gettext(
            "The whole interval is below zero: the data show a decrease, under the assumptions "
            "below."
        )
    return L.gettext(
        "The interval includes zero: the data cannot tell this change from no change at all."
    )


def evaluation_context(data: Mapping[str, Any], L: Lang) -> dict[str, Any]:
    """The evaluation page: the sentence, the event-study chart, the translated assumptions and
    limits."""
    intervals = [
        svg_lines.Interval(
            x=int(e["event_time"]),
            estimate=float(e["estimate"]),
            low=float(e["ci_low"]),
            high=float(e["ci_high"]),
            title=L.gettext(
                "%(e)s year(s) from removal: %(estimate)s (%(low)s to %(high)s)",
                e=e["event_time"],
                estimate=_signed(L, e["estimate"]),
                low=_signed(L, e["ci_low"]),
                high=_signed(L, e["ci_high"]),
            ),
        )
        for e in data["event_study"]
    ]
    chart = None
    if intervals:
        chart = svg_lines.event_study_chart(
            intervals,
            chart_id="event-study",
            title=L.gettext(
                "Effect on %(outcome)s by years since removal",
                outcome=measure_label(L, data["outcome"]),
            ),
            desc=L.gettext(
                "One estimate per year before and after the officer was removed, with its "
                "confidence interval. Hollow circles before removal are placebo checks and "
                "should be near zero; filled squares from removal on are the effect. The table "
                "gives the same numbers."
            ),
            x_label=L.gettext("Years since removal (0 = first year without an officer)"),
            y_label=L.gettext("Change"),
            removal_label=L.gettext("removal"),
            fmt=lambda v: _signed(L, v),
        )
    return {
        "ev": data,
        "outcome_name": measure_label(L, data["outcome"]),
        "effect_sentence": effect_sentence(L, data),
        "effect_reading": effect_reading(L, data),
        "event_chart": Markup(chart) if chart else None,
        "assumptions": L.texts(data["assumptions"]),
        "limits": L.texts(data["limits"]),
        "signed": lambda v: "—" if v is None else _signed(L, v),
        "outcome_choices": [(o, measure_label(L, o)) for o in data["outcomes"]],
    }


def coverage_sentences(L: Lang, coverage: Mapping[str, Any]) -> list[str]:
    """Which school years have groups to compare and, run by run, why the others do not
    (the service's ``group_coverage``), in the reader's language."""
    groups = dimension_label(L, str(coverage["dimension"]))

    def span(years: Sequence[str]) -> str:
        if len(years) == 1:
            return years[0]
        return L.gettext("%(first)s to %(last)s", first=years[0], last=years[-1])

    compared = [c["school_year"] for c in coverage["years"] if c["compared"]]
    out = [
        L.gettext("Groups are compared for %(years)s.", years=", ".join(compared))
        if compared
        else L.gettext(
            "No school year loaded has counts and enrollment by %(groups)s.", groups=groups
        )
    ]
    loaded = coverage["enrollment_years"]
    for note in coverage["notes"]:
        years = span(note["school_years"])
        if note["missing"] == "group_counts":
            out.append(
                L.gettext(
                    "Counts by %(groups)s for %(years)s are not published in the loaded files "
                    "(they give each school's total only): load the CRDC or the Illinois State "
                    "Board of Education's end-of-year file of that time.",
                    groups=groups,
                    years=years,
                )
            )
        else:
            out.append(
                L.gettext(
                    "Enrollment by %(groups)s for %(years)s is not in the loaded files: load the "
                    "CPS 20th-day demographics or the CRDC of that time.",
                    groups=groups,
                    years=years,
                )
            )
    if loaded:
        out.append(
            L.gettext(
                "Enrollment by %(groups)s is loaded for %(years)s.",
                groups=groups,
                years=", ".join(loaded),
            )
        )
    return out


def disparity_helpers(L: Lang, table: Mapping[str, Any]) -> dict[str, Any]:
    """Words for a disparity table (district or school)."""
    return {
        "reference_text": reference_words(L, str(table["reference"])),
        "measure_text": measure_label(L, str(table["measure"])),
        "coverage_text": coverage_sentences(L, table["group_coverage"]),
    }


def choices(L: Lang, codes: Sequence[str]) -> list[tuple[str, str]]:
    """Measures as (code, words) for a select."""
    return [(c, measure_label(L, c)) for c in codes]


def dimension_choices(L: Lang) -> list[tuple[str, str]]:
    """The dimensions of the district table as (code, words)."""
    return [(c, dimension_label(L, c)) for c in _DIMENSIONS]


def report_context(equity: Mapping[str, Any], L: Lang) -> dict[str, Any]:
    """The report's section "Equity and outcomes" (see ``school_equity_report``); the
    incident outcomes are left to the report's own section on incidents (the pages keep to
    four)."""
    disparity = equity["disparity"]
    outcomes = dict(equity["outcomes"])
    outcomes["measures"] = [m for m in outcomes["measures"] if m not in _COUNTED]
    context: dict[str, Any] = {
        "report_equity": {**equity, "outcomes": outcomes},
        "t": disparity,
        **helpers(L),
        **disparity_helpers(L, disparity),
        **outcomes_context(outcomes, L),
    }
    result = equity.get("evaluation")
    if result is not None:
        context["effect_sentence"] = effect_sentence(L, result)
        context["effect_reading"] = effect_reading(L, result)
        context["evaluation_limits"] = L.texts([*result["assumptions"], *result["limits"]])
    return context
