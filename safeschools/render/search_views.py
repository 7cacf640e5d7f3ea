"""The search page's context (``services.search()`` in words): what the query was read as,
each school with how it was found and how far it is, and what to try when nothing is found."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from safeschools.proximity.definition import METRES_PER_UNIT
from safeschools.render.i18n import Lang

__all__ = ["distance_words", "search_context"]


def distance_words(distance_m: float, L: Lang) -> str:
    """A distance in miles and metres: ``0.14 mi (230 m)`` / ``0,14 mi (230 m)``."""
    miles = distance_m / METRES_PER_UNIT["mi"]
    return L.gettext(
        "%(value)s mi (%(metres)s m)",
        value=L.num(round(miles, 2), 2),
        metres=L.num(round(distance_m)),
    )


def _reading(group: Mapping[str, Any], q: str, L: Lang) -> str:
    n = len(group["schools"])
    place = group.get("place") or {}
    if group["kind"] == "intersection":
        if place.get("zip_code"):
            return L.ngettext(
                "The corner of %(place)s (ZIP code %(zip)s): %(num)s school nearby.",
                "The corner of %(place)s (ZIP code %(zip)s): the %(num)s nearest schools, "
                "nearest first.",
                n,
                place=place["label"],
                zip=place["zip_code"],
            )
        return L.ngettext(
            "The corner of %(place)s: %(num)s school nearby.",
            "The corner of %(place)s: the %(num)s nearest schools, nearest first.",
            n,
            place=place["label"],
        )
    if group["kind"] == "zip":
        if group["within"]:
            return L.ngettext(
                "ZIP code %(zip)s: %(num)s school.",
                "ZIP code %(zip)s: %(num)s schools, nearest its middle first.",
                n,
                zip=place["label"],
            )
        return L.ngettext(
            "No school has the ZIP code %(zip)s: %(num)s school nearby.",
            "No school has the ZIP code %(zip)s: the %(num)s schools nearest its middle.",
            n,
            zip=place["label"],
        )
    if group["kind"] == "community_area":
        return L.ngettext(
            "The community area %(area)s: %(num)s school.",
            "The community area %(area)s: %(num)s schools.",
            n,
            area=place["label"],
        )
    return L.ngettext(
        "A name, id or address with “%(q)s”: %(num)s school.",
        "A name, id or address with “%(q)s”: %(num)s schools.",
        n,
        q=q,
    )


def _match(row: Mapping[str, Any], place: Mapping[str, Any] | None, L: Lang) -> str:
    how = row["matched_by"]
    if how == "near" and place is not None and row.get("distance_m") is not None:
        if place["kind"] == "zip":
            return L.gettext(
                "%(distance)s from the middle of ZIP code %(zip)s",
                distance=distance_words(row["distance_m"], L),
                zip=place["label"],
            )
        return L.gettext(
            "%(distance)s from %(place)s",
            distance=distance_words(row["distance_m"], L),
            place=place["label"],
        )
    if how == "zip":
        return L.gettext("in ZIP code %(zip)s", zip=row["zip_code"])
    if how == "community_area" and place is not None:
        return L.gettext("in %(area)s", area=place["label"])
    return ""


def _href(query: str) -> str:
    return "/search?q=" + quote(query, safe="")


def search_context(answer: Mapping[str, Any], L: Lang, *, empty: bool) -> dict[str, Any]:
    """The page's context from ``services.search()``; ``empty`` when the store has no school."""
    q = str(answer["query"]).strip()
    results: list[dict[str, Any]] = []
    seen: set[str] = set()
    for group in answer["groups"]:
        for row in group["schools"]:
            if row["school_id"] in seen:
                continue
            seen.add(row["school_id"])
            results.append({"school": row, "match": _match(row, group.get("place"), L)})
    readings = [_reading(g, q, L) for g in answer["groups"]]
    others = [p["zip_code"] for p in answer.get("other_places", []) if p.get("zip_code")]
    if answer.get("other_places"):
        readings.append(
            L.gettext(
                "These streets also meet elsewhere (%(where)s); the first match is shown.",
                where=", ".join(others) if others else L.gettext("no ZIP code given"),
            )
        )
    kinds = {
        "name": L.gettext("a school's name"),
        "zip": L.gettext("a ZIP code"),
        "community_area": L.gettext("a community area"),
        "intersection": L.gettext("an intersection"),
    }
    examples = [
        {"kind": label, "query": answer["examples"][kind], "href": _href(answer["examples"][kind])}
        for kind, label in kinds.items()
        if answer["examples"].get(kind)
    ]
    hint = (
        L.gettext("For example: %(examples)s.", examples=", ".join(e["query"] for e in examples))
        if examples
        else L.gettext("For example: Lincoln, 60624, Austin or Pulaski & Madison.")
    )
    return {
        "q": q,
        "results": results[: len(answer["schools"])],
        "readings": readings,
        "examples": examples,
        "hint": hint,
        "empty": empty,
    }
