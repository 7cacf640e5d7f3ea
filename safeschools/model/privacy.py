"""Which columns may hold a person's name, whatever the file calls them.

Victims' names are never stored (CONTEXT: the victims dataset carries homicide victims' names,
which nothing may show). Importers keep an allow-list of the columns they read when they set a
row aside (:func:`safeschools.ingest.base.public_raw`); this module is the second line, applied
to every :class:`~safeschools.model.RejectedRow` whatever built it, and when stored rows are
read back.

A header is compared by its words, whatever its spelling: case, spaces, underscores,
punctuation and camelCase are ignored (``Homicide Victim First Name``, ``HOMICIDE_VICTIM_MI``,
``victimName``, ``NAME``, ``nombre``). It may hold a name when it has

- a word ``name`` (or one ending in ``name``/``nm``, such as ``FIRSTNAME``), unless every word
  before it names a place or an organisation (``School Name``, ``SCH_NAME``, ``street_name_1``,
  ``LEA_NAME``);
- a word of a person's name: ``first``, ``last``, ``middle``, ``given``, ``family`` followed by
  nothing, ``name`` or an initial; ``mi``, ``initial``, ``surname``, ``forename``, ``alias``,
  ``nickname``, ``maiden``, ``nombre``, ``apellido``;
- a word for a person (``victim``, ``suspect``, ``offender``, ``person``, ``decedent``), unless
  another word says it is a count or a category (``victim_age``, ``victim_count``);
- a single word for a role (``principal``, ``officer``, ``student``, ``contact``, ...).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TypeVar

__all__ = ["header_words", "may_hold_name", "without_names"]

V = TypeVar("V")

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^0-9a-z]+")

#: Words before "name" that make it the name of a place or an organisation, not a person.
_PLACE_WORDS = frozenset(
    {
        "school",
        "schools",
        "sch",
        "short",
        "long",
        "street",
        "st",
        "community",
        "area",
        "district",
        "dist",
        "ward",
        "network",
        "lea",
        "unit",
        "program",
        "campus",
        "facility",
        "agency",
        "org",
        "organization",
        "organisation",
        "location",
        "loc",
        "city",
        "county",
        "state",
        "beat",
        "layer",
        "sheet",
        "file",
        "source",
        "dataset",
        "metric",
        "measure",
        "column",
        "field",
        "crime",
        "iucr",
        "zone",
        "neighborhood",
        "neighbourhood",
        "region",
        "building",
        "site",
        "vendor",
    }
)
#: Words after "name" that still leave it the name of a place ("school name 2", "name short").
_NAME_SUFFIXES = frozenset({"short", "long", "label", "full", "en", "es"})
_NAME_PART_WORDS = frozenset({"first", "last", "middle", "given", "family"})
_NAME_WORDS = frozenset(
    {
        "mi",
        "initial",
        "initials",
        "surname",
        "surnames",
        "forename",
        "forenames",
        "alias",
        "aliases",
        "nickname",
        "maiden",
        "nombre",
        "nombres",
        "apellido",
        "apellidos",
        "fname",
        "lname",
        "fullname",
    }
)
_PERSON_WORDS = frozenset(
    {
        "victim",
        "victims",
        "suspect",
        "suspects",
        "offender",
        "offenders",
        "person",
        "persons",
        "decedent",
        "deceased",
        "víctima",
        "victima",
    }
)
#: Words that make a person's column a figure or a category, never a name.
_FIGURE_WORDS = frozenset(
    {
        "age",
        "ages",
        "sex",
        "race",
        "gender",
        "ethnicity",
        "count",
        "counts",
        "number",
        "num",
        "total",
        "type",
        "types",
        "id",
        "injury",
        "band",
        "status",
    }
)
_ROLE_WORDS = frozenset(
    {
        "principal",
        "officer",
        "student",
        "teacher",
        "contact",
        "parent",
        "guardian",
        "author",
        "reporter",
        "witness",
        "owner",
        "who",
    }
)


def header_words(column: str) -> list[str]:
    """A header's words: camelCase split, lower case, anything but letters and digits a
    separator.

    Examples
    --------
    >>> header_words("Homicide Victim First Name")
    ['homicide', 'victim', 'first', 'name']
    >>> header_words("victimFirstName")
    ['victim', 'first', 'name']
    >>> header_words("HOMICIDE_VICTIM_MI")
    ['homicide', 'victim', 'mi']
    """
    spaced = _CAMEL.sub(" ", column)
    return [w for w in _NOT_WORD.split(spaced.lower()) if w]


def _is_place_name(before: list[str], after: list[str]) -> bool:
    return (
        bool(before)
        and all(w in _PLACE_WORDS for w in before)
        and all(w.isdigit() or w in _NAME_SUFFIXES for w in after)
    )


def _name_word(words: list[str]) -> bool:
    """True when a word is or ends in ``name``/``nm`` and what is around it is not a place."""
    for index, word in enumerate(words):
        for stem in ("name", "names", "nm"):
            if word == stem or (word.endswith(stem) and len(word) > len(stem) + 1):
                head = word[: -len(stem)]
                before = words[:index] + ([head] if head else [])
                if not _is_place_name(before, words[index + 1 :]):
                    return True
    return False


def may_hold_name(column: str) -> bool:
    """True when a column called ``column`` may hold a person's name.

    Examples
    --------
    >>> [may_hold_name(c) for c in ("Homicide Victim First Name", "victim_name", "NAME")]
    [True, True, True]
    >>> [may_hold_name(c) for c in ("School Name", "SCH_NAME", "VICTIMIZATION_PRIMARY", "AGE")]
    [False, False, False, False]
    """
    words = header_words(column)
    if not words:
        return False
    if _name_word(words):
        return True
    for index, word in enumerate(words):
        if word in _NAME_WORDS:
            return True
        if word in _NAME_PART_WORDS:
            following = words[index + 1 : index + 2]
            if not following or following[0] in ("i", "initial", "mi", "nm"):
                return True
        if word in _PERSON_WORDS and not any(w in _FIGURE_WORDS for w in words):
            return True
    return len(words) == 1 and words[0] in _ROLE_WORDS


def without_names(raw: Mapping[str, V]) -> dict[str, V]:
    """``raw`` without the columns that may hold a person's name (:func:`may_hold_name`)."""
    return {k: v for k, v in raw.items() if not may_hold_name(str(k))}
