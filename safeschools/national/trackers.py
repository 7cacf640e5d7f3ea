"""Each national tracker's definition of a school shooting, in words and as a filter.

The K-12 School Shooting Database (``k12-ssdb``) and The Washington Post (``wapo``) are exact on
their own files: every incident row of the SSDB meets its rule (its readme: "when a gun is
brandished, is fired, or a bullet hits school property for any reason, regardless of the number
of victims, time of day, or day of week"), and the Post's own rule is its file (each row is one
of its incidents). Education Week, Everytown and NCES publish no incident file here: their
definitions are the nearest filter the SSDB's fields allow, and each says in words what is
approximated.

A definition's parameters say the rule the way the trackers differ: where (``campus``:
on school grounds or a school bus; ``campus-or-near``: also a bullet fired from off the grounds
that hits them), when (``school-hours``, ``school-or-event``, ``any``), whether someone other
than the shooter must be hurt, and what is excluded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from safeschools.errors import DataValidationError
from safeschools.model.school_shootings import SchoolShooting

__all__ = ["TRACKERS", "Tracker", "tracker"]

#: SSDB location types that are school grounds or a school bus.
ON_CAMPUS = frozenset(
    {"Outside on School Property", "Inside School Building", "School Bus", "Both Inside/Outside"}
)
#: SSDB time periods of a school-sponsored event outside class time.
SCHOOL_EVENTS = frozenset({"Sport Event", "School Event"})


def _hurt(r: SchoolShooting) -> bool:
    return (r.killed or 0) + (r.injured or 0) > 0


def _every(_r: SchoolShooting) -> bool:
    return True


def _edweek(r: SchoolShooting) -> bool:
    in_session = r.during_school is True or (r.time_period in SCHOOL_EVENTS)
    return _hurt(r) and r.location_type in ON_CAMPUS and in_session


def _everytown(r: SchoolShooting) -> bool:
    return (r.shots_fired or "").strip() != "0"


@dataclass(frozen=True)
class Tracker:
    """A tracker's definition: who publishes it, its rule in words (English and Spanish), its
    parameters, the loaded source it is counted on, and what is approximated (None: exact)."""

    name: str
    title: str
    publisher: str
    source: str  # the stored source it is counted on: "k12-ssdb" or "wapo"
    rule_en: str
    rule_es: str
    place: str  # "campus", "campus-or-near"
    hours: str  # "school-hours", "school-or-event", "any"
    injury_required: bool
    excludes: tuple[str, ...]
    keep: Callable[[SchoolShooting], bool]
    approximated_en: str | None = None
    approximated_es: str | None = None
    records_officer: bool = False  # the source records a school resource officer's presence
    starts: str | None = None  # the tracker's own first date, when after the source's

    def rule(self, lang: str) -> str:
        """The rule in ``lang`` ("en" or "es")."""
        return self.rule_es if lang == "es" else self.rule_en

    def approximated(self, lang: str) -> str | None:
        """What is approximated, in ``lang``; None when the definition is exact."""
        return self.approximated_es if lang == "es" else self.approximated_en

    @property
    def exact(self) -> bool:
        return self.approximated_en is None

    def parameters(self) -> dict[str, object]:
        """The rule as parameters (the API's and the CLI's words)."""
        return {
            "place": self.place,
            "hours": self.hours,
            "injury_required": self.injury_required,
            "excludes": list(self.excludes),
            "counted_on": self.source,
            "exact": self.exact,
        }


TRACKERS: dict[str, Tracker] = {
    t.name: t
    for t in (
        Tracker(
            name="k12-ssdb",
            title="K-12 School Shooting Database",
            publisher="Naval Postgraduate School, Center for Homeland Defense and Security",
            source="k12-ssdb",
            rule_en="Any time a gun is fired or brandished, or a bullet hits school property, "
            "for any reason, whatever the number of victims, the time of day or the day of "
            "the week. Every incident of its file counts.",
            rule_es="Cada vez que se dispara o se exhibe un arma, o una bala alcanza la "
            "propiedad de una escuela, por cualquier motivo, sin importar el número de "
            "víctimas, la hora ni el día. Cuenta cada incidente de su archivo.",
            place="campus-or-near",
            hours="any",
            injury_required=False,
            excludes=(),
            keep=_every,
        ),
        Tracker(
            name="wapo",
            title="The Washington Post",
            publisher="The Washington Post",
            source="wapo",
            rule_en="Gunfire on the campus of a primary or secondary school immediately before, "
            "during or just after classes, since Columbine (20 April 1999). Shootings at "
            "after-hours events, accidental discharges that hurt no one but the person "
            "holding the gun, and suicides that happened privately are excluded, and so are "
            "colleges. The Post's own rule is its file: every row counts.",
            rule_es="Disparos en el recinto de una escuela primaria o secundaria justo antes, "
            "durante o justo después de las clases, desde Columbine (20 de abril de 1999). "
            "Se excluyen los tiroteos en actividades fuera de horario, los disparos "
            "accidentales que no hirieron a nadie más que a quien tenía el arma, los "
            "suicidios en privado y las universidades. La regla del Post es su archivo: "
            "cuenta cada fila.",
            place="campus",
            hours="school-hours",
            injury_required=False,
            excludes=(
                "after-hours events",
                "accidents hurting only the shooter",
                "private suicides",
                "colleges",
            ),
            keep=_every,
            records_officer=True,
        ),
        Tracker(
            name="edweek",
            title="Education Week",
            publisher="Education Week",
            source="k12-ssdb",
            rule_en="Shootings in which someone other than the shooter is hurt or killed, on "
            "K-12 school property or a school bus, while school is in session or during a "
            "school-sponsored event.",
            rule_es="Tiroteos en los que alguien que no es quien disparó resulta herido o "
            "muerto, en la propiedad de una escuela K-12 o en un autobús escolar, durante el "
            "horario escolar o en una actividad organizada por la escuela.",
            place="campus",
            hours="school-or-event",
            injury_required=True,
            excludes=(
                "no one but the shooter hurt",
                "off school property",
                "outside school time and school events",
            ),
            keep=_edweek,
            approximated_en="Counted on the K-12 School Shooting Database: incidents with a "
            "victim killed or wounded, on school grounds or a bus, during school or at a sport "
            "or school event. Education Week keeps its own list only since 2018, and counts "
            "firearms only (the database also holds some BB and airsoft guns).",
            approximated_es="Contado sobre la K-12 School Shooting Database: incidentes con una "
            "víctima muerta o herida, en la escuela o un autobús, durante el horario escolar o "
            "en una actividad deportiva o escolar. Education Week lleva su propia lista solo "
            "desde 2018 y cuenta solo armas de fuego (la base incluye algunas de balines).",
            starts="2018-01-01",
        ),
        Tracker(
            name="everytown",
            title="Everytown for Gun Safety",
            publisher="Everytown for Gun Safety",
            source="k12-ssdb",
            rule_en="Any time a gun fires a live round inside or into a school building, or on "
            "a school campus or grounds, including suicides and accidents.",
            rule_es="Cada vez que un arma dispara una bala real dentro o hacia un edificio "
            "escolar, o en el recinto o terrenos de una escuela, incluidos suicidios y "
            "accidentes.",
            place="campus-or-near",
            hours="any",
            injury_required=False,
            excludes=("a gun shown but not fired",),
            keep=_everytown,
            approximated_en="Counted on the K-12 School Shooting Database without the "
            "incidents where no shot was fired (shots fired recorded as 0); an unknown number "
            "of shots counts as fired. Everytown also counts colleges, which the database does "
            "not hold, and counts by school year.",
            approximated_es="Contado sobre la K-12 School Shooting Database sin los incidentes "
            "en los que no hubo disparos (0 disparos registrados); un número desconocido de "
            "disparos cuenta como disparo. Everytown también cuenta universidades, que la base "
            "no incluye, y cuenta por año escolar.",
        ),
        Tracker(
            name="nces",
            title="NCES (Condition of Education)",
            publisher="National Center for Education Statistics",
            source="k12-ssdb",
            rule_en="School shootings with casualties (someone killed or wounded), counted by "
            "school year on the K-12 School Shooting Database.",
            rule_es="Tiroteos escolares con víctimas (alguien muerto o herido), contados por "
            "año escolar sobre la K-12 School Shooting Database.",
            place="campus-or-near",
            hours="any",
            injury_required=True,
            excludes=("no one killed or wounded",),
            keep=_hurt,
            approximated_en="NCES reuses a newer copy of the K-12 School Shooting Database; on "
            "the loaded copy, its rule is the incidents with a victim killed or wounded.",
            approximated_es="El NCES usa una copia más reciente de la K-12 School Shooting "
            "Database; sobre la copia cargada, su regla son los incidentes con una víctima "
            "muerta o herida.",
        ),
    )
}


def tracker(name: str) -> Tracker:
    """The tracker called ``name``; a :class:`DataValidationError` naming the known ones
    otherwise."""
    try:
        return TRACKERS[name]
    except KeyError:
        known = ", ".join(TRACKERS)
        msg = f"Unknown tracker {name!r}; use one of {known}."
        raise DataValidationError(msg) from None
