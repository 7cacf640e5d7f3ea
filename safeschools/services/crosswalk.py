"""Use cases of the school name crosswalk: propose CPS school ids for a publisher's school
names, for a person to review before an import relies on them.

:func:`build_crosswalk` reads the school names of a publisher's file (ISBE end-of-year
discipline workbook, CRDC school-level CSV), matches them against every CPS school the store
knows (short and long names of every school year) with
:func:`~safeschools.ingest.name_crosswalk.match_names` -- rows already reviewed in the store's
crosswalk win -- and writes the review file. The reviewer fixes ``school_id`` and sets
``method`` to ``reviewed``; ``safeschools ingest discipline KIND FILE --crosswalk FILE`` then
uses it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from safeschools.errors import DataValidationError
from safeschools.ingest.crdc import crdc_school_names
from safeschools.ingest.isbe_eoy import chicago_school_names
from safeschools.ingest.name_crosswalk import match_names, write_crosswalk
from safeschools.model.discipline import NameMatch
from safeschools.storage import Store

__all__ = ["NAME_READERS", "CrosswalkReport", "build_crosswalk", "school_names"]

#: Sources whose files name schools without CPS ids, and how to read their school names.
NAME_READERS: dict[str, Callable[[Path], list[str]]] = {
    "isbe-eoy": chicago_school_names,
    "crdc": crdc_school_names,
}


@dataclass
class CrosswalkReport:
    """What :func:`build_crosswalk` wrote: counts by method and every unmatched name."""

    source: str
    path: Path
    names: int
    by_method: dict[str, int]
    unmatched: list[NameMatch] = field(default_factory=list)
    fuzzy: list[NameMatch] = field(default_factory=list)
    schools: int = 0


def school_names(store: Store) -> dict[str, list[str]]:
    """Every CPS school id in the store with all its names (short and long, every school
    year, newest first), for matching a publisher's names."""
    names: dict[str, list[str]] = {}
    for school in reversed(store.schools()):
        known = names.setdefault(school.school_id, [])
        for name in (school.name, school.long_name):
            if name and name not in known:
                known.append(name)
    return names


def build_crosswalk(
    store: Store, source: str, path: Path | str, out_path: Path | str
) -> CrosswalkReport:
    """Match the school names of ``path`` (a ``source`` file, a key of :data:`NAME_READERS`)
    to the store's CPS schools and write the review CSV to ``out_path``.

    Raises
    ------
    DataValidationError
        Unknown source, or the store has no schools to match against.
    SourceError, SourceSchemaError
        The publisher's file cannot be read.
    """
    if source not in NAME_READERS:
        msg = f"No name crosswalk for {source!r}; use one of {', '.join(sorted(NAME_READERS))}."
        raise DataValidationError(msg)
    schools = school_names(store)
    if not schools:
        msg = (
            "The store has no CPS schools to match names against; import the school "
            "locations or profiles first (safeschools ingest schools FILE)."
        )
        raise DataValidationError(msg)
    names = NAME_READERS[source](Path(path))
    matches = match_names(source, names, schools, reviewed=store.name_matches(source))
    out = write_crosswalk(out_path, matches)
    methods = Counter(m.method for m in matches)
    return CrosswalkReport(
        source=source,
        path=out,
        names=len(matches),
        by_method={k: methods[k] for k in sorted(methods)},
        unmatched=[m for m in matches if m.school_id is None],
        fuzzy=[m for m in matches if m.method == "fuzzy"],
        schools=len(schools),
    )
