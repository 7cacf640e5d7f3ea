"""English and Spanish for the pages and the reports: gettext catalogs, numbers and dates.

The Spanish catalog is ``locales/es/LC_MESSAGES/messages.po``; it is compiled in memory the first
time it is needed (no ``.mo`` file is committed). Strings are marked in the templates with
``{% trans %}`` / ``_()`` and in Python with ``N_()`` (a marker) or :meth:`Lang.gettext`.
Extract and update with::

    cd safeschools/render
    ../../.venv/bin/pybabel extract -F babel.cfg -o locales/messages.pot --no-location \\
        --omit-header --sort-output ..
    ../../.venv/bin/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching \\
        --width 100 --ignore-pot-creation-date

then translate every new ``msgstr`` in ``locales/es/LC_MESSAGES/messages.po`` (a test fails
while one is empty or fuzzy, or while the template misses a marked string).

The core (the definition's ``describe()``, the engine's caveats, the presets' labels and notes)
speaks English. :meth:`Lang.describe` rebuilds a definition's sentence from its parts with
translated words; :meth:`Lang.text` translates a known English sentence, including the caveats
that carry numbers (their msgids have placeholders, matched back against the English text).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime, format_skeleton, get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from safeschools.proximity.definition import METRES_PER_UNIT

__all__ = [
    "COOKIE",
    "DEFAULT_LANGUAGE",
    "FOR_PEOPLE",
    "KNOWN_TEXTS",
    "LANGUAGES",
    "LOCALES",
    "N_",
    "PATTERNS",
    "Lang",
    "language",
    "negotiate",
    "translations",
]

HERE = Path(__file__).parent
#: Where the catalogs live.
LOCALES = HERE / "locales"
#: Language code -> its own name.
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
#: The cookie that remembers a chosen language.
COOKIE = "lang"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translated where it is shown)."""
    return message


# ---------------------------------------------------------------------- texts of the core
#: Sentences the core writes in English, translated by exact match. Tests check that every
#: built-in preset's label, source note and notes, and every fixed caveat, is listed here.
KNOWN_TEXTS: tuple[str, ...] = (
    # engine.CAVEATS
    N_(
        "Locations are block-level (the police place each victim at the block address), so "
        "distances can be off by up to about half a block."
    ),
    N_(
        "Records change after the fact (reclassifications, late reports); every result names the "
        "data vintage it was computed on."
    ),
    N_(
        "Victims are rows, not incidents: a shooting with three victims counts three victims and "
        "one incident."
    ),
    N_("Ages are published as bands (0-19, 20-29, ...), never exact ages."),
    N_("No school calendar is loaded: school days are taken as weekdays."),
    N_(
        "Each victimization is matched against the schools of the school year it happened in "
        "(1 July to 30 June)."
    ),
    # presets: labels
    N_("ABC7 Chicago (2 Feb 2024)"),
    N_("WBEZ / Sun-Times dismissal hours (Feb 2023)"),
    N_("Baltimore Banner, one block (2023)"),
    N_("The Trace, 500 yards (2024)"),
    N_("Quarter mile, school hours"),
    N_("CLEARMap half mile"),
    # presets: sources
    N_("ABC7 Chicago, 2 Feb 2024: 106 shot near 90 CPS and charter schools in 5 years, 20 fatally"),
    N_(
        "WBEZ / Sun-Times, Feb 2023: 41 shooting incidents involving people 19 and under near "
        "schools from 2:00 to 4:49 p.m. on weekdays"
    ),
    N_(
        "Baltimore Banner 2023: within one block of the school's parcel (100 m, plus 50 m for the "
        "immediate street), 7 a.m. to 7 p.m., any day from 1 Sep to 15 Jun, juvenile victims (18 "
        "and under)"
    ),
    N_(
        "The Trace 2024: Gun Violence Archive incidents within 500 yards of 148,000 NCES schools, "
        "any time"
    ),
    N_("A Chicago open-source project: 0.25 mile, school hours, school days"),
    N_("The Chicago Police Department's former CLEARMap search limit: 0.5 mile"),
    # presets: notes
    N_("The five-year window (Feb 2019 to Jan 2024) is read from the publication date."),
    N_("Children and teens are the published age band 0-19."),
    N_(
        "The headline figure counts incidents (shootings), not victims: an incident counts when at "
        "least one victim 19 or under was shot."
    ),
    N_("The radius was not stated; 0.1 mile is assumed."),
    N_("4:49 p.m. is included: the window ends at 16:50."),
    N_(
        "The nine deaths WBEZ reported are of victims 17 and under, an age the published bands "
        "cannot separate; deaths here are of victims 0-19."
    ),
    N_(
        "The Banner measured from each school's parcel; here the distance is measured from the "
        "school's point, so shootings near the edge of a large campus can be missed."
    ),
    N_("Hours 7 through 18 are 07:00 to 19:00."),
    N_(
        "Every day from 1 Sep to 15 Jun counts, weekends and holidays included, as in the "
        "Banner's method."
    ),
    N_("Victims 18 and under cannot be told apart in the Chicago data: the band 0-19 is used."),
    N_(
        "The Trace counted Gun Violence Archive incidents, which include shootings in which no "
        "one was hit; a victims file lists only people shot or killed, so it undercounts by that "
        "method."
    ),
    N_("'School hours' were not defined; 08:00-15:00 is assumed."),
    # service_evaluation.LIMITS
    N_(
        "The 2020-21 school year was taught remotely for most of the year; discipline counts fell "
        "everywhere, and a school that removed its officer that year is compared with schools in "
        "the same remote year."
    ),
    N_(
        "Schools chose to remove officers (by council vote), so schools that removed them early "
        "may differ in ways that also change their trends."
    ),
    N_(
        "Counts come from the district's published reports; reporting rules changed over the "
        "years, and charter schools report only expulsions."
    ),
    N_(
        "Shootings near a school depend on the definition of 'near' (the outcome preset) and are "
        "not caused by the school; they are shown to check that removal did not coincide with "
        "more violence nearby."
    ),
    # services.incident_rates: the caveats of the incident outcomes
    N_("Schools record incidents differently; a rise can mean better recording."),
    N_("Once officers leave, police reports at school change for reasons other than behaviour."),
    # metrics.did.ASSUMPTIONS
    N_(
        "Parallel trends: had they kept their officers, schools that removed them would have "
        "followed the same trend as schools that had not removed them yet."
    ),
    N_(
        "No anticipation: outcomes did not change before the officer left (the event-study rows "
        "before removal check this; estimates near zero are reassuring, not proof)."
    ),
    N_("Staggered and irreversible: a school that removed its officer did not get one back."),
    N_(
        "Every school was without an officer from 2024-25, so there is no untreated comparison "
        "after that: the last group's effect cannot be estimated and is shown as not estimable."
    ),
    N_(
        "Other changes at the same time (new programmes, the pandemic years, reporting rules) are "
        "attributed to officer removal if they hit these schools and not the comparison schools."
    ),
    # service_equity and metrics.disparity: why a ratio is not shown
    N_("Hidden: computed from a suppressed count."),
    N_("Not calculated: the count or the enrollment is not reported."),
    N_("Not calculated: this is the reference group."),
    N_("Not calculated: the comparison group is not reported."),
    N_("All students of the school: the comparison for the groups above."),
    N_("No treated school in this cohort."),
    # policy.council: the rule each vote was decided by (QUORUM_TEXTS, PASS_TEXTS)
    N_(
        "Quorum: a majority of the council's seats, its full membership, vacant seats included "
        "(Illinois School Code, 105 ILCS 5/34-2.2(c))."
    ),
    N_(
        "Quorum: a majority of the members serving, vacant seats left out (a choice of this "
        "district: the School Code counts the full membership)."
    ),
    N_(
        "Passes with a majority of the members present (the default; not yet confirmed against "
        "the School Code's text)."
    ),
    N_("Passes with a majority of the members present (Public Act 102-0296)."),
    N_(
        "Passes with a majority of the full membership, not of those present, as 105 ILCS "
        "5/34-2.2(c) and 34-2.3 are read for principal selection and the principal's contract (to "
        "be confirmed against the statute's text)."
    ),
    N_("Passes with a majority of the members present (a choice of this district)."),
    N_("Passes with more yes than no votes, abstentions not counted (a choice of this district)."),
    N_("Passes with a majority of the members serving (a choice of this district)."),
    N_(
        "Passes with a majority of all the council's seats, its full membership (a choice of this "
        "district)."
    ),
)

#: Sentences with numbers or names in them: the msgid's ``%(name)s`` placeholders match the
#: English text back; digits are formatted for the language.
PATTERNS: tuple[str, ...] = (
    N_(
        "%(unknown)s of %(total)s victimizations have no age band and are left out by the age "
        "filter; ages are published as bands (0-19, 20-29, ...), never exact ages."
    ),
    N_("%(missing)s school-year record(s) have no coordinates and are not counted."),
    # metrics.disparity: why a ratio is not calculated
    N_(
        "Not calculated: fewer than %(min)s students in the group had the outcome (the minimum "
        "cell size)."
    ),
    N_(
        "Not calculated: fewer than %(min)s students in the group are enrolled (the minimum "
        "n-size)."
    ),
    N_("Not calculated: fewer than %(min)s of %(other)s had the outcome (the minimum cell size)."),
    N_("Not calculated: fewer than %(min)s of %(other)s are enrolled (the minimum n-size)."),
    N_("Not calculated: none of %(other)s had the outcome, so the comparison risk is zero."),
    # metrics.did
    N_("No school was still untreated in %(year)s to compare with."),
    # policy.council.VACANCY_QUORUM_TEXT
    N_(
        "Quorum: %(quorum)s members, because fewer than %(below)s members serve and the motion "
        "fills a vacancy (Public Act 102-0296)."
    ),
)

#: Sentences of the core that tell a command line's user what to type, and what a page (for
#: parents, council members, reporters) says instead: no command, flag or setting name.
FOR_PEOPLE: dict[str, str] = {
    "The store mixes sources (%(sources)s); a victim recorded in two of them counts twice. "
    "Pick one with --source.": N_(
        "The data mixes sources (%(sources)s); a victim recorded in two of them counts twice. "
        "Choose one data source in the definition."
    ),
    "School days for %(years)s come from rules (weekdays from the day after Labor Day to "
    "15 June, less holidays), an approximation; load the district's calendar with "
    "`safeschools ingest calendar`.": N_(
        "School days for %(years)s come from rules (weekdays from the day after Labor Day to "
        "15 June, less holidays), an approximation until the district's calendar for those "
        "years is loaded."
    ),
    # policy.funding: a formula that needs a fact some school lacks
    "School %(school)s has no %(fact)s; the %(formula)s formula needs it for all.": N_(
        "School %(school)s has no figure for this formula, which needs one for every school."
    ),
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(msgid: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(msgid)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


_COMPILED = (
    *((_pattern(m), m) for m in PATTERNS),
    *((_pattern(cli), said) for cli, said in FOR_PEOPLE.items()),
)

#: Words of the definition and the data, by their English (or code) value.
_DAYS = {
    "all": N_("every day"),
    "weekdays": N_("weekdays"),
    "school-days": N_("school days"),
}
_TYPES = {"all": N_("all"), "fatal": N_("fatal only"), "nonfatal": N_("nonfatal only")}
_GOVERNANCE = {
    "district": N_("district-run"),
    "charter": N_("charter"),
    "contract": N_("contract"),
    "options": N_("options (alternative)"),
}
_GRADES = {"ES": N_("elementary"), "MS": N_("middle"), "HS": N_("high school")}
_VICTIM_TYPES = {
    "HOMICIDE": N_("homicide"),
    "BATTERY": N_("battery"),
    "ASSAULT": N_("assault"),
    "ROBBERY": N_("robbery"),
    "CRIMINAL SEXUAL ASSAULT": N_("criminal sexual assault"),
}
_AGE_UNKNOWN = N_("unknown")


# ---------------------------------------------------------------------- catalogs
@functools.cache
def translations(code: str) -> NullTranslations:
    """The compiled catalog of a language (English is the source language: no catalog)."""
    if code == DEFAULT_LANGUAGE:
        return NullTranslations()
    po = LOCALES / code / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain="messages")


_ACCEPT = re.compile(r"\s*([A-Za-z]{1,8})(?:[-_][A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*")


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of a request: ``?lang=``, then the cookie, then Accept-Language.

    Examples
    --------
    >>> negotiate(None, None, "es-MX,es;q=0.9,en;q=0.8")
    'es'
    >>> negotiate("en", "es", "es")
    'en'
    """
    for chosen in (query, cookie):
        if chosen and chosen.strip().lower() in LANGUAGES:
            return chosen.strip().lower()
    best: tuple[float, int, str] | None = None
    for position, item in enumerate((accept_language or "").split(",")):
        match = _ACCEPT.fullmatch(item)
        if match is None:
            continue
        code = match.group(1).lower()
        try:
            weight = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if code in LANGUAGES and weight > 0 and (best is None or (weight, -position) > best[:2]):
            best = (weight, -position, code)
    return best[2] if best else DEFAULT_LANGUAGE


@functools.lru_cache(maxsize=65536)
def _number(code: str, value: float | int, digits: int) -> str:
    """Babel's formatting of one number, kept: a page repeats the same few thousand numbers,
    and each costs babel tens of microseconds."""
    if digits == 0 and float(value).is_integer():
        return format_decimal(int(value), locale=code, group_separator=True)
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=code)


@functools.lru_cache(maxsize=65536)
def _date(code: str, day: date, fmt: str) -> str:
    """Babel's formatting of one date, kept (the same victims' dates appear on many pages)."""
    return format_date(day, fmt, locale=code)


@functools.lru_cache(maxsize=65536)
def _datetime(code: str, moment: datetime, fmt: str) -> str:
    """Babel's formatting of one date and time, kept."""
    return format_datetime(moment, fmt, locale=code)


def _iso_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _iso_datetime(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(str(value).replace(" ", "T"))


@dataclass(frozen=True)
class Lang:
    """One language: its catalog and its formats, handed to every template as ``L``."""

    code: str

    @property
    def name(self) -> str:
        """The language's own name."""
        return LANGUAGES[self.code]

    @property
    def catalog(self) -> NullTranslations:
        """The compiled catalog."""
        return translations(self.code)

    # ------------------------------------------------------------------ messages
    def gettext(self, message: str, **variables: Any) -> str:
        """``message`` translated, with ``%(name)s`` placeholders filled in."""
        text = self.catalog.gettext(message)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> str:
        """Singular or plural by ``n`` (``%(num)s`` is ``n`` formatted)."""
        text = self.catalog.ngettext(singular, plural, n)
        return text % {"num": self.num(n), **variables}

    def text(self, english: str) -> str:
        """A sentence the core wrote in English, translated when the catalog knows it (a
        sentence that names a command is said in words, :data:`FOR_PEOPLE`)."""
        for regex, msgid in _COMPILED:
            match = regex.match(english)
            if match is not None:
                values = {
                    k: self.num(int(v)) if v.isdigit() else v for k, v in match.groupdict().items()
                }
                return self.catalog.gettext(msgid) % values
        return self.catalog.gettext(english)

    def texts(self, english: Sequence[str]) -> list[str]:
        """:meth:`text` of each."""
        return [self.text(t) for t in english]

    # ------------------------------------------------------------------ numbers and dates
    def num(self, value: float | int | None, digits: int = 0) -> str:
        """A number with the language's separators (1,234 / 1.234); an em dash for None."""
        if value is None:
            return "—"
        return _number(self.code, value, digits)

    def date(self, value: Any, fmt: str = "medium") -> str:
        """A date (or ISO text) as ``Jan 31, 2024`` / ``31 ene 2024``; an em dash for None."""
        day = _iso_date(value)
        return "—" if day is None else _date(self.code, day, fmt)

    def datetime(self, value: Any, fmt: str = "medium") -> str:
        """A date and time, without seconds."""
        moment = _iso_datetime(value)
        if moment is None:
            return "—"
        if fmt == "short":
            return f"{_date(self.code, moment.date(), 'medium')}, {moment:%H:%M}"
        return _datetime(self.code, moment, fmt)

    def time(self, value: Any) -> str:
        """The local clock time, 24-hour (14:05)."""
        moment = _iso_datetime(value)
        return "—" if moment is None else f"{moment:%H:%M}"

    def month(self, number: int) -> str:
        """A month's abbreviated name (1 = January)."""
        return str(get_month_names("abbreviated", locale=self.code)[number])

    def month_day(self, month: int, day: int) -> str:
        """``Sep 1`` / ``1 sept``."""
        return format_skeleton("MMMd", date(2024, month, day), locale=self.code)

    def metres(self, value: float | None) -> str:
        """A distance in metres (``160.9 m``)."""
        return "—" if value is None else f"{self.num(round(float(value), 1), 1)} m"

    def radius(self, radius_m: float) -> str:
        """A radius as people say it (miles, yards or metres), like ``format_radius``."""
        miles = radius_m / METRES_PER_UNIT["mi"]
        metres = self.num(round(radius_m, 1), 1)
        if abs(miles * 100 - round(miles * 100)) < 1e-6:
            shown = format_decimal(round(miles, 2), format="#,##0.##", locale=self.code)
            return self.gettext("%(value)s mi (%(metres)s m)", value=shown, metres=metres)
        yards = radius_m / METRES_PER_UNIT["yd"]
        if abs(yards - round(yards)) < 1e-6 and round(yards) % 50 == 0:
            return self.gettext(
                "%(value)s yd (%(metres)s m)", value=self.num(round(yards)), metres=metres
            )
        digits = 0 if float(radius_m).is_integer() else 1
        return f"{self.num(round(radius_m, 1), digits)} m"

    # ------------------------------------------------------------------ the definition
    def hours(self, hours: str | None) -> str:
        """``07:00-17:00`` or "all hours"."""
        return hours if hours else self.gettext("all hours")

    def days(self, days: str) -> str:
        """Which days count."""
        return self.gettext(_DAYS.get(days, days))

    def victim_type(self, value: str | None) -> str:
        """A victimization type (HOMICIDE, BATTERY, ...), lower case."""
        if not value:
            return "—"
        known = _VICTIM_TYPES.get(value.upper())
        return self.gettext(known) if known else value.lower()

    def age_band(self, value: str | None) -> str:
        """An age band; UNKNOWN translated."""
        if not value or value.upper() == "UNKNOWN":
            return self.gettext(_AGE_UNKNOWN)
        return value

    def types(self, value: str) -> str:
        """all / fatal only / nonfatal only."""
        return self.gettext(_TYPES.get(value, value))

    def governance(self, value: str | None) -> str:
        """A school's governance."""
        if not value:
            return "—"
        return self.gettext(_GOVERNANCE.get(value, value))

    def grade(self, value: str | None) -> str:
        """A grade category."""
        if not value:
            return "—"
        return self.gettext(_GRADES.get(value, value))

    def season(self, season: str | None) -> str | None:
        """``09-01..06-15`` as "Sep 1 to Jun 15 each year"."""
        if not season:
            return None
        m1, d1, m2, d2 = (int(x) for x in re.findall(r"\d+", season))
        return self.gettext(
            "%(start)s to %(end)s each year",
            start=self.month_day(m1, d1),
            end=self.month_day(m2, d2),
        )

    def dates(self, definition: Mapping[str, Any]) -> str:
        """The date window of a definition dict."""
        since, until = definition.get("since"), definition.get("until")
        if since and until:
            return self.gettext(
                "%(since)s to %(until)s", since=self.date(since), until=self.date(until)
            )
        if since:
            return self.gettext("since %(since)s", since=self.date(since))
        if until:
            return self.gettext("until %(until)s", until=self.date(until))
        return self.gettext("all dates in the data")

    def victims_counted(self, definition: Mapping[str, Any]) -> str:
        """Which victims count: ages, fatal or not, shot."""
        parts = []
        ages = list(definition.get("ages") or ())
        if ages:
            parts.append(self.gettext("aged %(ages)s", ages=", ".join(ages)))
        if definition.get("gunshot_only"):
            parts.append(self.gettext("shot"))
        if definition.get("types", "all") != "all":
            parts.append(self.types(str(definition["types"])))
        return ", ".join(parts) if parts else self.gettext("all victims")

    def schools_counted(self, definition: Mapping[str, Any]) -> str:
        """Which schools count: the school list, governance and grades."""
        year = str(definition.get("school_year") or "latest")
        if year == "incident":
            parts = [self.gettext("each victimization's own school year")]
        elif year == "latest":
            parts = [self.gettext("the newest school list")]
        else:
            parts = [self.gettext("school list %(year)s", year=year)]
        governance = list(definition.get("governance") or ())
        if governance:
            parts.append(", ".join(self.governance(g) for g in governance))
        grades = list(definition.get("grade_categories") or ())
        if grades:
            parts.append(", ".join(self.grade(g) for g in grades))
        return "; ".join(parts)

    def describe(self, definition: Mapping[str, Any]) -> str:
        """A definition (``Definition.to_dict()``) in one plain sentence, like ``describe()``."""
        parts = [self.gettext("within %(radius)s", radius=self.radius(definition["radius_m"]))]
        parts.append(self.hours(definition.get("hours")))
        parts.append(self.days(str(definition.get("days") or "all")))
        season = self.season(definition.get("season"))
        if season:
            parts.append(season)
        ages = list(definition.get("ages") or ())
        if ages:
            parts.append(self.gettext("victims aged %(ages)s", ages=", ".join(ages)))
        if definition.get("types", "all") != "all":
            parts.append(self.types(str(definition["types"])))
        if definition.get("gunshot_only"):
            parts.append(self.gettext("gunshot injuries only"))
        return ", ".join(parts)


@functools.cache
def language(code: str) -> Lang:
    """The :class:`Lang` of a code (unknown codes give the default language)."""
    return Lang(code if code in LANGUAGES else DEFAULT_LANGUAGE)
