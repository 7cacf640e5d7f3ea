"""What each page shows, as template contexts built from the service's dicts.

Shared by the page routes (:mod:`safeschools.web.pages`) and the printable reports
(:mod:`safeschools.reports`); nothing here needs FastAPI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from safeschools.model import AGE_BANDS, GOVERNANCES, GRADE_CATEGORIES
from safeschools.proximity import Definition
from safeschools.proximity.engine import CAVEATS
from safeschools.proximity.params import PARAMS
from safeschools.render import maps, summary_views, svg
from safeschools.render.i18n import LANGUAGES, N_, Lang

__all__ = [
    "DEFINITION_PARAMS",
    "chrome",
    "coverage_note",
    "definitions_context",
    "empty_overview",
    "form_context",
    "overview_context",
    "school_context",
]

#: The query parameters of a definition (from the one table: the CLI's flag names).
DEFINITION_PARAMS = tuple(p.query for p in PARAMS if p.query is not None)
_MULTI = tuple(p.query for p in PARAMS if p.query is not None and p.kind == "many")
_SINGLE = tuple(q for q in DEFINITION_PARAMS if q != "preset" and q not in _MULTI)
#: The decisions sections of a school's page: service key, element id, title, what will appear.
SECTIONS = (
    ("officers", "officers", N_("School resource officers"),
     N_("How many police officers were assigned to the school, year by year.")),
    ("council_votes", "council-votes", N_("Local School Council votes"),
     N_("How the council voted on keeping officers, and by which rule.")),
    ("funds", "funds", N_("Funds for alternatives"),
     N_("Money the school received for alternatives to officers, and how it was spent.")),
    ("safety_plan", "safety-plan", N_("Safety plan"),
     N_("The school's Whole School Safety plan, and who approved it.")),
    ("equity", "equity", N_("Discipline and equity"),
     N_("Suspensions, expulsions and police notifications by student group, and over time.")),
)  # fmt: skip
ROW_LIMIT = 200


def definition_query(params: Mapping[str, str]) -> str:
    """``?preset=...&radius=...`` of the definition parameters given (empty when none)."""
    pairs: list[tuple[str, str]] = []
    for key in DEFINITION_PARAMS:
        value = params.get(key)
        if not value:
            continue
        if key in _MULTI:
            pairs.extend((key, v) for v in value.split(",") if v)
        else:
            pairs.append((key, value))
    return f"?{urlencode(pairs)}" if pairs else ""


def chrome(
    L: Lang,
    *,
    path: str,
    query_items: Sequence[tuple[str, str]] = (),
    vintage: Mapping[str, Any] | None = None,
    page: str = "",
    static: str = "/static/",
    signed_in: bool = False,
) -> dict[str, Any]:
    """What every page shows around its content: language links, vintage, demo banner, and
    the sign-in link (sign-out for a signed-in person) that brings them back here."""
    kept = [(k, v) for k, v in query_items if k != "lang"]
    links = {code: f"{path}?{urlencode([*kept, ('lang', code)])}" for code in LANGUAGES}
    here = f"{path}?{urlencode(kept)}" if kept else path
    return {
        "signed_in": signed_in,
        "signin_href": "/signin?" + urlencode([("next", here)]),
        "lang_links": links,
        "vintage": dict(vintage) if vintage else None,
        "synthetic": bool(vintage and vintage.get("synthetic")),
        "page": page,
        "static": static,
        "section_names": [(k, sid, L.gettext(t), L.gettext(h)) for k, sid, t, h in SECTIONS],
    }


# ---------------------------------------------------------------------- charts
def _chart(
    chart_id: str,
    rows: Sequence[Mapping[str, Any]],
    key: str,
    L: Lang,
    *,
    title: str,
    x_label: str,
    label: Any,
    tip: Any,
    label_every: int = 1,
) -> dict[str, Any]:
    bars = []
    table = []
    for row in rows:
        value, part = int(row["victims"]), int(row["fatal"])
        partial = _partial_label(row, L)
        text = label(row[key]) + ("*" if partial else "")
        bars.append(
            svg.Bar(
                label=text,
                value=value,
                part=part,
                title=L.gettext(
                    "%(when)s: %(victims)s victims, %(fatal)s fatal",
                    when=tip(row[key]) + partial,
                    victims=L.num(value),
                    fatal=L.num(part),
                ),
                partial=bool(partial),
            )
        )
        table.append(
            {"label": tip(row[key]) + partial, "value": value, "part": part,
             "partial": bool(partial)}
        )  # fmt: skip
    total = sum(b.value for b in bars)
    desc = L.gettext(
        "%(total)s victims in all. The table under the chart gives every number.",
        total=L.num(total),
    )
    if any(b.partial for b in bars):
        desc += " " + L.gettext(
            "Bars marked * are periods the data covers only in part (pale bars): compare them "
            "with care."
        )
    picture = svg.bar_chart(
        bars,
        chart_id=chart_id,
        title=title,
        desc=desc,
        x_label=x_label,
        y_label=L.gettext("victims"),
        fmt=lambda n: L.num(n),
        label_every=label_every,
    )
    return {
        "svg": Markup(picture),
        "title": title,
        "x_label": x_label,
        "table": table,
        "legend": [
            svg.LegendItem(L.gettext("victims"), svg.BAR_FILL, "bar"),
            svg.LegendItem(L.gettext("of them fatal"), svg.INK, "hatch"),
        ],
    }


# ---------------------------------------------------------------------- coverage
_FIELD_REASONS = {
    "age_band": N_("No row of the data has an age band, and this definition counts only victims "
                   "aged %(ages)s."),
    "time_of_day": N_("No row of the data has a time of day, and this definition counts only "
                      "some hours."),
    "fatal": N_("No row of the data says whether the victim died, and this definition needs it."),
}  # fmt: skip
_FIELD_NEEDS = {
    "age_band": N_("with the victims' age bands"),
    "time_of_day": N_("with the time of day"),
    "fatal": N_("saying whether each victim died"),
}


def _span(covered_days: int, asked_days: int, L: Lang) -> str:
    """``11 of 60 months`` (days under about two months), as :func:`share_text` says it."""
    if asked_days < 61:
        return L.gettext("%(covered)s of %(asked)s days", covered=L.num(covered_days),
                         asked=L.num(asked_days))  # fmt: skip
    month = 365.25 / 12
    return L.gettext(
        "%(covered)s of %(asked)s months",
        covered=L.num(round(covered_days / month)),
        asked=L.num(round(asked_days / month)),
    )


def coverage_note(
    coverage: Mapping[str, Any] | None, L: Lang, *, ages: Sequence[str] = ()
) -> dict[str, Any] | None:
    """What the data covers of a result's question, in words, for the line under a headline:
    ``answerable``, ``partial``, ``text`` (the covered dates), ``reasons`` (why there is no
    answer) and ``needs`` (what data would answer it). None when the result carries none."""
    if not coverage:
        return None
    data = coverage.get("data") or {}
    asked = coverage.get("asked") or {}
    covered = coverage.get("covered")
    reasons: list[str] = []
    needs: list[str] = []
    if not data.get("first_day"):
        reasons.append(L.gettext("No victims data is loaded."))
    elif covered is None:
        reasons.append(
            L.gettext(
                "The data covers %(first)s to %(last)s; the dates asked, %(since)s to %(until)s, "
                "lie wholly outside them.",
                first=L.date(data["first_day"]),
                last=L.date(data["last_day"]),
                since=L.date(asked.get("since")),
                until=L.date(asked.get("until")),
            )
        )
    for missing in coverage.get("missing_fields", []):
        if missing["share"] == 0 and missing["field"] in _FIELD_REASONS:
            reasons.append(
                L.gettext(_FIELD_REASONS[missing["field"]], ages=", ".join(ages) or "?")
                if missing["field"] == "age_band"
                else L.gettext(_FIELD_REASONS[missing["field"]])
            )
            needs.append(L.gettext(_FIELD_NEEDS[missing["field"]]))
    text = ""
    if data.get("first_day") and covered is not None:  # else the first reason names the dates
        text = L.gettext(
            "The data covers %(first)s to %(last)s.",
            first=L.date(data["first_day"]),
            last=L.date(data["last_day"]),
        )
    if coverage.get("partial") and covered:
        text = L.gettext(
            "Partial: the data covers %(since)s to %(until)s, %(span)s of the dates asked "
            "(%(asked_since)s to %(asked_until)s).",
            since=L.date(covered["since"]),
            until=L.date(covered["until"]),
            span=_span(int(covered["days"]), int(asked["days"]), L),
            asked_since=L.date(asked.get("since")),
            asked_until=L.date(asked.get("until")),
        )
    answerable = bool(coverage.get("answerable", True))
    needs_text = ""
    if not answerable:
        what = L.gettext(
            "victims data for %(since)s to %(until)s",
            since=L.date(asked.get("since")),
            until=L.date(asked.get("until")),
        ) if asked.get("since") else L.gettext("victims data")  # fmt: skip
        needs_text = L.gettext("What would answer it: %(what)s.", what=", ".join([what, *needs]))
    return {
        "answerable": answerable,
        "partial": bool(coverage.get("partial")),
        "text": text,
        "reasons": reasons,
        "needs": needs_text,
    }


def _partial_label(row: Mapping[str, Any], L: Lang) -> str:
    """`` (partial: Sep 1 – Dec 31, 2024)`` for a period the data covers in part, else ``""``."""
    if not row.get("partial"):
        return ""
    if row.get("covered_from"):
        return " " + L.gettext(
            "(partial: %(since)s to %(until)s)",
            since=L.date(row["covered_from"]),
            until=L.date(row["covered_to"]),
        )
    return " " + L.gettext("(partial)")


def _every_year(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Years with no victim are left out of a result's trends; a chart shows them as zero."""
    if not rows:
        return []
    have = {int(r["year"]): r for r in rows}
    return [
        have.get(y, {"year": y, "victims": 0, "fatal": 0}) for y in range(min(have), max(have) + 1)
    ]


def charts(trends: Mapping[str, Sequence[Mapping[str, Any]]], L: Lang) -> dict[str, Any]:
    """The three trend charts (by year, month and hour) of a result's ``trends``."""
    return {
        "by_year": _chart(
            "chart-by-year", _every_year(trends.get("by_year", [])), "year", L,
            title=L.gettext("Victims by year"), x_label=L.gettext("year"),
            label=str, tip=str,
        ),
        "by_month": _chart(
            "chart-by-month", trends.get("by_month", []), "month", L,
            title=L.gettext("Victims by month of the year"), x_label=L.gettext("month"),
            label=lambda m: L.month(int(m)), tip=lambda m: L.month(int(m)),
        ),
        "by_hour": _chart(
            "chart-by-hour", trends.get("by_hour", []), "hour", L,
            title=L.gettext("Victims by hour of the day"),
            x_label=L.gettext("hour of the day (local time)"),
            label=str, tip=lambda h: f"{int(h):02d}:00–{int(h):02d}:59", label_every=3,
        ),
    }  # fmt: skip


# ---------------------------------------------------------------------- the definition form
def form_context(
    d: Definition,
    params: Mapping[str, str],
    presets: Mapping[str, Definition],
    L: Lang,
    *,
    school_years: Sequence[str] = (),
    sources: Sequence[str] = (),
    default_preset: str = "",
) -> dict[str, Any]:
    """The definition form: the values the user gave, and the definition in effect."""
    values: dict[str, Any] = {k: params.get(k, "") or "" for k in _SINGLE}
    for key in _MULTI:
        values[key] = [v for v in (params.get(key) or "").split(",") if v]
    chosen = params.get("preset") or ("" if params.get("radius") else default_preset)
    hidden = [(k, v) for k in _SINGLE if k != "radius" and (v := values[k])]
    hidden += [(k, v) for k in _MULTI for v in values[k]]
    return {
        "d": d.to_dict(),
        "given": values,
        "preset": chosen,
        "presets": [
            {"name": name, "label": L.text(p.label or name)} for name, p in presets.items()
        ],
        "hidden": hidden,
        "age_bands": AGE_BANDS,
        "governances": GOVERNANCES,
        "grades": GRADE_CATEGORIES,
        "school_years": list(school_years),
        "sources": list(sources),
    }


def preset_of(
    definition: Mapping[str, Any], presets: Mapping[str, Definition], L: Lang
) -> dict[str, Any] | None:
    """The published definition a definition starts from, and whether a part was changed."""
    name = definition.get("name")
    if not name:
        return None
    base = presets.get(str(name))
    label = L.text(str(definition.get("label") or name))
    source_note = definition.get("source_note")
    if base is not None:
        ref = base.to_dict()
        parts = ("radius_m", "hours", "days", "season", "ages", "types", "gunshot_only",
                 "governance", "grade_categories", "sources")  # fmt: skip
        if any(ref.get(k) != definition.get(k) for k in parts):
            label = L.gettext("%(label)s, with changes", label=label)
    return {"name": name, "label": label, "source_note": source_note}


# ---------------------------------------------------------------------- the overview
def empty_overview(d: Definition, presets: Mapping[str, Definition]) -> dict[str, Any]:
    """The overview's data for a store without schools: every figure zero."""
    return {
        "definition": d.to_dict(),
        "victims": 0,
        "fatal": 0,
        "incidents": 0,
        "schools": 0,
        "schools_considered": 0,
        "school_year": None,
        "per_school": [],
        "all_schools": [],
        "trends": {
            "by_year": [],
            "by_month": [{"month": m, "victims": 0, "fatal": 0} for m in range(1, 13)],
            "by_hour": [{"hour": h, "victims": 0, "fatal": 0} for h in range(24)],
        },
        "data_vintage": {},
        "caveats": list(CAVEATS),
        "presets": [
            {"preset": n, "label": p.label, "description": p.describe()} for n, p in presets.items()
        ],
    }


def overview_context(
    data: Mapping[str, Any],
    L: Lang,
    *,
    params: Mapping[str, str],
    base: maps.BaseMap | None,
    show_all: bool = False,
) -> dict[str, Any]:
    """The district overview's context (``data`` is ``services.district_overview()``)."""
    d = data["definition"]
    query = definition_query(params)
    picture, legend = maps.district_map(
        base, data.get("all_schools", []), L, query=query.removeprefix("?")
    )
    ranked = list(data["per_school"])
    rows = ranked if show_all else ranked[:ROW_LIMIT]
    all_link = f"{query}&all=1" if query else "?all=1"
    if not data.get("answerable", True):
        lede = L.gettext(
            "This data cannot answer this definition, so no count is shown (not zero). "
            "Dates asked: %(dates)s. Schools: %(school_list)s.",
            dates=L.dates(d),
            school_list=L.schools_counted(d),
        )
    else:
        figures = {
            "incidents": L.num(data["incidents"]),
            "victims": L.num(data["victims"]),
            "fatal": L.num(data["fatal"]),
            "schools": L.num(data["schools"]),
            "considered": L.num(data["schools_considered"]),
            "dates": L.dates(d),
            "school_list": L.schools_counted(d),
        }
        if d.get("unit") == "incidents":  # the definition's headline unit (a publication's)
            lede = L.gettext(
                "%(incidents)s incidents (%(victims)s victims, %(fatal)s of them killed) were "
                "near %(schools)s of %(considered)s schools. Dates: %(dates)s. Schools: "
                "%(school_list)s.",
                **figures,
            )
        else:
            lede = L.gettext(
                "%(victims)s victims (%(fatal)s of them killed) were near %(schools)s of "
                "%(considered)s schools. Dates: %(dates)s. Schools: %(school_list)s.",
                **figures,
            )
    return {
        "coverage": coverage_note(data.get("coverage"), L, ages=d.get("ages") or ()),
        "data": data,
        "description": _capital(L.describe(d)),
        "lede": lede,
        "map_svg": Markup(picture),
        "map_legend": legend,
        "rows": rows,
        "more_rows": len(ranked) > len(rows),
        "all_rows_link": all_link,
        "def_query": query,
        "table_caption": L.gettext(
            "Schools with at least one victim %(description)s, most first",
            description=L.describe(d),
        ),
        "charts": list(charts(data["trends"], L).values()),
        "caveats": L.texts(data["caveats"]),
    }


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------- one school
def school_meta(school: Mapping[str, Any], L: Lang) -> str:
    """Address, type, grades, school year and id, in one line."""
    parts = [
        school.get("address") or "",
        L.governance(school.get("governance")),
        school.get("grades") or L.grade(school.get("grade_category")),
        L.gettext("school year %(year)s", year=school.get("school_year")),
        L.gettext("id %(id)s", id=school.get("school_id")),
    ]
    return " · ".join(p for p in parts if p and p != "—")


def school_context(
    profile: Mapping[str, Any],
    L: Lang,
    *,
    base: maps.BaseMap | None,
    presets: Mapping[str, Definition],
    params: Mapping[str, str] | None = None,
    victim_limit: int = 300,
    prepared: date | None = None,
    tiles: str | None = None,
) -> dict[str, Any]:
    """A school's page (and report) context (``profile`` is ``services.school_profile()``)."""
    school = profile["school"]
    d = profile["definition"]
    exposure = profile["exposure"]
    params = params or {}
    query = definition_query(params)
    victims = list(exposure["victimizations"])
    if school.get("lat") is not None and school.get("lon") is not None:
        picture, legend = maps.exposure_map(
            base, school, d, exposure, L, tiles=tiles, rows=victim_limit
        )
    else:
        picture = svg.map_svg(
            svg_id="school-map",
            projection=svg.fit_projection((0, 0, 0.01, 0.01), width=480, height=120),
            title=L.gettext("This school has no coordinates"),
            desc=L.gettext("No map: the school list gives no location for this school."),
            under='<circle class="radius" cx="-10" cy="-10" r="1"/>',
        )
        legend = []
    radius = L.radius(float(d["radius_m"]))
    if exposure["victims"] is None:
        lede = L.gettext(
            "This data cannot answer this definition for this school, so no count is shown "
            "(not zero)."
        )
    elif exposure["victims"]:
        lede = L.gettext(
            "%(victims)s victims (%(fatal)s of them killed) within %(radius)s of this school. "
            "Among the %(n)s schools with victims near them, it ranks %(rank)s.",
            victims=L.num(exposure["victims"]),
            fatal=L.num(exposure["fatal"]),
            radius=radius,
            n=L.num(profile["schools_ranked"]),
            rank=L.num(profile["rank"]),
        )
    else:
        lede = L.gettext(
            "No victim within %(radius)s of this school under this definition.", radius=radius
        )
    preset_rows = []
    for row in profile["presets"]:
        p = presets.get(row["preset"])
        preset_rows.append(
            {
                "label": L.text(row["label"] or row["preset"]),
                "description": _capital(L.describe(p.to_dict())) if p else row["description"],
                "victims": row["victims"],
                "fatal": row["fatal"],
                "href": f"/schools/{school['school_id']}?preset={row['preset']}",
            }
        )
    shown = victims[:victim_limit]
    meta = school_meta(school, L)
    preset = preset_of(d, presets, L)
    return {
        "p": profile,
        "school": school,
        "school_meta": meta,
        "summary_rows": summary_views.summary_card(
            profile["summary"],
            L,
            school_meta=meta,
            definition_label=preset["label"] if preset else _capital(L.describe(d)),
        ),
        "timeline": summary_views.timeline_items(profile["timeline"], L),
        "lede": lede,
        "coverage": coverage_note(exposure.get("coverage"), L, ages=d.get("ages") or ()),
        "description": _capital(L.describe(d)),
        "preset": preset,
        "map_svg": Markup(picture),
        "map_legend": legend,
        "victims": shown,
        "victims_hidden": len(victims) - len(shown),
        "victims_caption": L.gettext(
            "Victims within %(radius)s of %(name)s, nearest first",
            radius=radius,
            name=school.get("name"),
        ),
        "preset_rows": preset_rows,
        "charts": charts(exposure["trends"], L),
        "caveats": L.texts(profile["caveats"]),
        "def_query": query,
        "prepared": prepared or date.today(),
    }


# ---------------------------------------------------------------------- definitions
def definitions_context(
    compare: Mapping[str, Any] | None,
    presets: Mapping[str, Definition],
    L: Lang,
) -> dict[str, Any]:
    """Every preset side by side (``compare`` is ``services.compare_definitions()``, or None for
    an empty store: the definitions without counts)."""
    counted = {r["preset"]: r for r in (compare or {}).get("definitions", [])}
    rows = []
    for name, p in presets.items():
        d = p.to_dict()
        got = counted.get(name, {})
        if got:
            d = {**d, "since": got.get("since"), "until": got.get("until")}
        rows.append(
            {
                "name": name,
                "label": L.text(p.label or name),
                "source_note": L.text(p.source_note) if p.source_note else "",
                "quote": p.quote,
                "unit": p.unit,
                "radius": L.radius(p.radius_m),
                "hours": L.hours(d["hours"]),
                "days": L.days(p.days) + (f"; {L.season(d['season'])}" if d["season"] else ""),
                "victims_counted": L.victims_counted(d),
                "dates": L.dates(d),
                "victims": got.get("victims"),
                "fatal": got.get("fatal"),
                "incidents": got.get("incidents"),
                "schools": got.get("schools"),
                "coverage": coverage_note(got.get("coverage"), L, ages=p.ages),
                "notes": L.texts(list(p.notes)),
            }
        )
    year = (compare or {}).get("school_year")
    caption = (
        L.gettext("Victims near schools on the %(year)s school list, by definition", year=year)
        if year
        else L.gettext("Every published definition")
    )
    return {
        "rows": rows,
        "caption": caption,
        "caveats": L.texts((compare or {}).get("caveats") or list(CAVEATS)),
        "vintage": (compare or {}).get("data_vintage"),
    }
