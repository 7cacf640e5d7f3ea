"""The national pages' contexts: every tracker's counts side by side (/national) and the claim
checked (/national/claim), from :class:`~safeschools.services.national.NationalOverview`."""

from __future__ import annotations

from typing import Any

from safeschools.national.counts import TrackerSeries
from safeschools.national.trackers import TRACKERS
from safeschools.render.i18n import Lang
from safeschools.render.svg_trackers import Line, multi_line_chart
from safeschools.services.national import LICENSES, NationalOverview

__all__ = ["PLACES", "claim_context", "national_context"]

#: The places the page shows: the whole country, Illinois, Chicago.
PLACES = ("us", "il", "chicago")


def _series_for(overview: NationalOverview, place: str) -> dict[str, TrackerSeries]:
    if place == "il":
        return overview.illinois
    if place == "chicago":
        return overview.chicago
    return overview.national


def _definitions(overview: NationalOverview, L: Lang) -> list[dict[str, Any]]:
    out = []
    for name, t in TRACKERS.items():
        series = overview.national[name]
        out.append(
            {
                "name": name,
                "title": t.title,
                "publisher": t.publisher,
                "rule": t.rule(L.code),
                "exact": t.exact,
                "approximated": t.approximated(L.code),
                "counted_on": TRACKERS[t.source].title,
                "covered_from": series.covered_from,
                "covered_to": series.covered_to,
                "starts": t.starts[:4] if t.starts else None,
                "csv": f"/api/national.csv?tracker={name}&by={overview.by}",
            }
        )
    return out


def _licenses(overview: NationalOverview) -> list[dict[str, Any]]:
    return [{**info, "source": s, "loaded": s in overview.loaded} for s, info in LICENSES.items()]


def national_context(overview: NationalOverview, place: str, L: Lang) -> dict[str, Any]:
    """What national.html shows for ``place`` (us, il or chicago)."""
    series = _series_for(overview, place if place in PLACES else "us")
    periods = sorted({r.period for s in series.values() for r in s.rows})
    table = []
    for period in periods:
        cells = []
        for name in TRACKERS:
            row = series[name].get(period)
            cells.append({"tracker": name, "row": row})
        table.append({"period": period, "cells": cells})
    lines = [
        Line(TRACKERS[name].title, [getattr(series[name].get(p), "incidents", None)
                                    for p in periods])
        for name in TRACKERS
    ]  # fmt: skip
    chart = (
        multi_line_chart(
            periods,
            lines,
            chart_id="national-chart",
            title=L.gettext("School shootings per year, under each tracker's definition"),
            desc=L.gettext(
                "One line per tracker; a gap where its file does not cover the year. The "
                "table below gives every figure."
            ),
            x_label=L.gettext("Year") if overview.by == "year" else L.gettext("School year"),
            y_label=L.gettext("Incidents"),
        )
        if periods
        else ""
    )
    officer = series["wapo"].rows if "wapo" in overview.loaded else []
    produced = [c for c in overview.claim if c.produces]
    return {
        "by": overview.by,
        "place": place,
        "places": PLACES,
        "loaded": overview.loaded,
        "trackers": [{"name": n, "title": t.title} for n, t in TRACKERS.items()],
        "table": table,
        "chart": chart,
        "officer_rows": officer,
        "definitions": _definitions(overview, L),
        "licenses": _licenses(overview),
        "claim_produced": [{"title": TRACKERS[c.tracker].title, "by": c.by} for c in produced],
    }


def claim_context(overview: NationalOverview, L: Lang) -> dict[str, Any]:
    """What national_claim.html shows: the claim beside each tracker's counts."""
    rows = []
    for check in overview.claim:
        t = TRACKERS[check.tracker]
        series = overview.national[check.tracker]
        rows.append(
            {
                "title": t.title,
                "name": t.name,
                "by": check.by,
                "figures": check.figures,
                "produces": check.produces,
                "covered_to": series.covered_to,
                "exact": t.exact,
            }
        )
    return {
        "rows": rows,
        "loaded": overview.loaded,
        "definitions": _definitions(overview, L),
        "licenses": _licenses(overview),
        "produced": [r for r in rows if r["produces"]],
    }
