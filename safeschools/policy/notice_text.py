"""What a notice to parents says, and what it must never say.

The draft (:func:`draft_texts`) is written from the incident's counts, category, place, day and
the school's response only, in English and in Spanish, from one template per category: what
happened in plain words, what the school did, whom to call. It never reads the staff note, nor
a student's name or id (the store holds none).

Staff may edit the texts; every save and every send is checked by :func:`notice_problems`:

- no name or id held in the store (account and council members' names, emails, the district's
  incident ids, police case numbers, ...), matched as whole words, any case;
- no sentence of the incident's staff note;
- no email address at all (a parent's address must never be in a notice);
- no run of 5 or more digits, which looks like a student id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from safeschools.errors import DataValidationError
from safeschools.model.incidents import Incident
from safeschools.model.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, check_text

__all__ = [
    "ID_LIKE",
    "NOTICE_TEXT_FIELDS",
    "category_title",
    "check_notice_text",
    "draft_texts",
    "id_candidates",
    "notice_problems",
]

#: The four texts of a notice.
NOTICE_TEXT_FIELDS = ("subject_en", "body_en", "subject_es", "body_es")
#: A run of 5 or more digits (ignoring spaces and dashes inside it is not attempted: a phone
#: number written 773-555-0100 is fine, 7735550100 is refused).
ID_LIKE = re.compile(r"\d{5,}")
_CAPITALISED = re.compile(r"[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: A token that could be an id: letters and digits with at least one digit.
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\d[A-Za-z0-9_-]*|\d[A-Za-z0-9_-]*")

_MONTHS_ES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "octubre", "noviembre", "diciembre",
)  # fmt: skip
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

_PLACE = {
    "inside": ("inside the school building", "dentro del edificio escolar"),
    "grounds": ("on the school grounds", "en el terreno de la escuela"),
    "bus": ("on a school bus", "en un autobús escolar"),
    "near_school": ("near the school", "cerca de la escuela"),
}
_RESPONSE = {
    "restorative_conference": (
        "held a restorative conference with those involved",
        "realizó una reunión restaurativa con las personas involucradas",
    ),
    "mediation": ("arranged a mediation", "organizó una mediación"),
    "counselling": ("offered counselling", "ofreció apoyo de consejería"),
    "parent_meeting": ("met with the families", "se reunió con las familias"),
    "suspension": ("applied a suspension", "aplicó una suspensión"),
    "other": ("took other steps", "tomó otras medidas"),
}
#: Per category: (English subject, English sentence, Spanish subject, Spanish sentence). The
#: sentence has {day}, {students}, {place}; a district's own category uses ``other``'s.
_CATEGORY = {
    "fight": (
        "A fight at school",
        "On {day}, {students} took part in a fight {place}.",
        "Una pelea en la escuela",
        "El {day}, {students} participaron en una pelea {place}.",
    ),
    "fight_injury": (
        "A fight at school in which someone was hurt",
        "On {day}, {students} took part in a fight {place}, and {injuries} hurt.",
        "Una pelea en la escuela con lesionados",
        "El {day}, {students} participaron en una pelea {place}, y {injuries} lesionados.",
    ),
    "weapon": (
        "A weapon at school",
        "On {day}, a weapon was found or reported {place}; {students} involved.",
        "Un arma en la escuela",
        "El {day}, se encontró o se reportó un arma {place}; {students} involucrados.",
    ),
    "threat": (
        "A threat at school",
        "On {day}, a threat was made {place}; {students} involved.",
        "Una amenaza en la escuela",
        "El {day}, hubo una amenaza {place}; {students} involucrados.",
    ),
    "bullying": (
        "Bullying or harassment at school",
        "On {day}, the school dealt with bullying or harassment {place}; {students} involved.",
        "Acoso en la escuela",
        "El {day}, la escuela atendió un caso de acoso {place}; {students} involucrados.",
    ),
    "trespass": (
        "Someone entered the school without permission",
        "On {day}, a person without permission entered {place}.",
        "Una persona entró a la escuela sin permiso",
        "El {day}, una persona sin permiso entró {place}.",
    ),
    "other": (
        "An incident at school",
        "On {day}, there was an incident {place}; {students} involved.",
        "Un incidente en la escuela",
        "El {day}, hubo un incidente {place}; {students} involucrados.",
    ),
}
_TRESPASS_PLACE = {
    "inside": ("the school building", "al edificio escolar"),
    "grounds": ("the school grounds", "al terreno de la escuela"),
    "bus": ("a school bus", "a un autobús escolar"),
    "near_school": ("the area by the school", "a la zona junto a la escuela"),
}


def _day(day: date, language: str) -> str:
    if language == "es":
        return f"{day.day} de {_MONTHS_ES[day.month - 1]} de {day.year}"
    return f"{_MONTHS_EN[day.month - 1]} {day.day}, {day.year}"


def _students(n: int, language: str) -> str:
    if language == "es":
        return "un estudiante" if n == 1 else f"{n} estudiantes"
    return "one student" if n == 1 else f"{n} students"


def _injuries(n: int, language: str) -> str:
    if language == "es":
        return "hubo una persona" if n == 1 else f"hubo {n} personas"
    return "one person was" if n == 1 else f"{n} people were"


def _join(parts: list[str], language: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    last = " y " if language == "es" else " and "
    return ", ".join(parts[:-1]) + last + parts[-1]


def draft_texts(
    incident: Incident, *, school_name: str, contact: str | None = None
) -> dict[str, str]:
    """The first draft of a notice about ``incident``: ``subject_en``, ``body_en``,
    ``subject_es``, ``body_es``. ``contact``: whom to call (the school's phone or office, when
    the store knows it); else "the school office".

    Examples
    --------
    >>> from datetime import datetime
    >>> i = Incident("S1", datetime(2025, 3, 4, 10), "fight", "grounds", 2)
    >>> draft_texts(i, school_name="Synthetic High")["body_en"].splitlines()[0]
    'On March 4, 2025, 2 students took part in a fight on the school grounds.'
    """
    texts: dict[str, str] = {}
    template = _CATEGORY.get(incident.category, _CATEGORY["other"])
    for index, language in enumerate(("en", "es")):
        subject, sentence = template[2 * index], template[2 * index + 1]
        place = (_TRESPASS_PLACE if incident.category == "trespass" else _PLACE).get(
            incident.place, _PLACE["near_school"]
        )[index]
        what = sentence.format(
            day=_day(incident.occurred_at.date(), language),
            students=_students(incident.students_involved, language),
            place=place,
            injuries=_injuries(incident.injuries, language),
        )
        done = [_RESPONSE[r][index] for r in incident.responses if r in _RESPONSE]
        if language == "es":
            lines = [what]
            if done:
                lines.append(f"La escuela {_join(done, language)}.")
            if incident.police_called:
                lines.append("Se llamó a la policía.")
            lines.append("Todos los estudiantes están a salvo y las clases siguen con normalidad.")
            office = contact or f"la oficina de la escuela {school_name}"
            lines.append(f"Si tiene preguntas, llame a {office}.")
        else:
            lines = [what]
            if done:
                lines.append(f"The school {_join(done, language)}.")
            if incident.police_called:
                lines.append("The police were called.")
            lines.append("All students are safe and classes go on as usual.")
            office = contact or f"the school office of {school_name}"
            lines.append(f"If you have questions, please call {office}.")
        texts[f"subject_{language}"] = f"{school_name}: {subject}"
        texts[f"body_{language}"] = "\n\n".join(lines)
    return texts


def category_title(category: str, language: str) -> str:
    """A category in the words of a notice's subject ("A fight at school")."""
    template = _CATEGORY.get(category, _CATEGORY["other"])
    return template[2] if language == "es" else template[0]


def id_candidates(text: str) -> set[str]:
    """The tokens of ``text`` that could be an id kept in the store (letters and digits)."""
    return {m.group(0) for m in _TOKEN.finditer(text)}


def _sentences(note: str) -> list[str]:
    parts = re.split(r"(?<=[.;!?\n])\s*", note)
    return [p.strip(" .;!?\n") for p in parts if len(p.strip().split()) >= 3]


def notice_problems(
    texts: dict[str, str],
    *,
    names: Iterable[str] = (),
    ids: Iterable[str] = (),
    staff_notes: Iterable[str] = (),
) -> list[str]:
    """Why these texts may not be sent (empty: they may). ``names``: every name and email held
    in the store; ``ids``: the ids found among :func:`id_candidates` of the texts;
    ``staff_notes``: the incident's staff note(s)."""
    problems: list[str] = []
    notes = [n for n in staff_notes if n]
    # a name written in the staff note (two or more capitalised words) is a name too
    names = [*names, *(m for n in notes for m in _CAPITALISED.findall(n))]
    whole = "\n".join(texts.get(f, "") for f in NOTICE_TEXT_FIELDS)
    folded = whole.casefold()
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 3}):
        if re.search(r"(?<!\w)" + re.escape(name.casefold()) + r"(?!\w)", folded):
            problems.append(f"The notice holds a name kept in the store ({name}); remove it.")
    for found in sorted(set(ids)):
        problems.append(f"The notice holds an id kept in the store ({found}); remove it.")
    for note in notes:
        for sentence in _sentences(note):
            if sentence.casefold() in folded:
                problems.append(
                    "The notice repeats the staff note, which is for the school's staff only; "
                    "remove it."
                )
                break
    if _EMAIL.search(whole):
        problems.append("The notice holds an email address; a notice names no one: remove it.")
    if ID_LIKE.search(whole):
        problems.append(
            "The notice holds a number of 5 or more digits, which looks like a student id; "
            "remove it (write a phone number with dashes: 773-555-0100)."
        )
    return problems


def check_notice_text(
    texts: dict[str, str],
    *,
    names: Iterable[str] = (),
    ids: Iterable[str] = (),
    staff_notes: Iterable[str] = (),
) -> None:
    """Refuse (DataValidationError) texts with :func:`notice_problems`, or an empty text."""
    for name in NOTICE_TEXT_FIELDS:
        if not texts.get(name, "").strip():
            msg = f"The notice's {name.replace('_', ' ')} is empty; write it in both languages."
            raise DataValidationError(msg)
        # a subject is one line (a line break would start a header of its own in every mail)
        subject = name.startswith("subject")
        check_text(
            texts[name],
            f"The notice's {name.replace('_', ' ')}",
            max_chars=SHORT_TEXT_MAX if subject else LONG_TEXT_MAX,
            multiline=not subject,
        )
    problems = notice_problems(texts, names=names, ids=ids, staff_notes=staff_notes)
    if problems:
        raise DataValidationError(" ".join(dict.fromkeys(problems)))
