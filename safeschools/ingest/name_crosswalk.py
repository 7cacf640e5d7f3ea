"""Match a publisher's school names to CPS school ids, and keep the crosswalk a person reviews.

Publishers without CPS school ids (the Illinois State Board of Education's end-of-year
discipline file; the federal CRDC, which uses NCES ids) name schools their own way:
``Coles Elem Language Academy`` and ``Noble St Chtr-DRW Trading College Prep`` where CPS writes
``COLES`` / ``Edward Coles Elementary Language Academy`` and ``NOBLE - DRW HS`` /
``Noble - DRW College Prep``. :func:`match_names` tries, in order:

1. ``reviewed``: a row of a reviewed crosswalk (a person confirmed or set the school id; a
   reviewed row with no school id keeps the name unmatched on purpose);
2. ``exact``: the name equals one of the school's CPS names (short or long, any year), ignoring
   case and spacing;
3. ``normalized``: equal after :func:`normalize_name` (abbreviations spelled out, punctuation
   and order-free words dropped), or -- ISBE's usual "Surname [initial] Elem ..." form -- the
   words before the first kind-of-school word equal a CPS short name at the same level
   (elementary or high school);
4. ``fuzzy``: the best similarity score (0-100, :func:`rapidfuzz.fuzz.token_set_ratio` and
   :func:`~rapidfuzz.fuzz.token_sort_ratio` of the normalized names, the higher) of at least
   :data:`FUZZY_MIN_SCORE`.

At every step only a unique best school counts: when two or more schools tie, the name stays
``unmatched`` and its note lists the candidates. Fuzzy matches are proposals: an import uses
them only when the caller accepts fuzzy matches; otherwise a person confirms them in the
crosswalk file (:func:`write_crosswalk`, columns :data:`CROSSWALK_COLUMNS`) by setting
``method`` to ``reviewed`` (and correcting ``school_id`` where needed), and the import reads it
back with :func:`read_crosswalk`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from rapidfuzz import fuzz

from safeschools.errors import SourceSchemaError
from safeschools.ingest.base import read_table
from safeschools.model.discipline import NameMatch

__all__ = [
    "CROSSWALK_COLUMNS",
    "FUZZY_MIN_SCORE",
    "MATCH_METHODS",
    "SchoolNames",
    "match_names",
    "normalize_name",
    "read_crosswalk",
    "usable_match",
    "write_crosswalk",
]

#: The columns of a crosswalk file, in order.
CROSSWALK_COLUMNS = ("source", "source_name", "school_id", "method", "score", "cps_name", "note")
#: How a name was matched (see the module docstring).
MATCH_METHODS = ("reviewed", "exact", "normalized", "fuzzy", "unmatched")
#: The lowest fuzzy score (0-100) proposed as a match.
FUZZY_MIN_SCORE = 88.0
#: Scores this close to the best count as a tie.
_TIE_MARGIN = 1.0
#: The fuzzy score of a name that starts with the whole of a CPS name (its core words).
_PREFIX_SCORE = 90.0
#: A first word shared by this many schools names a network.
_NETWORK_SCHOOLS = 3
#: Points taken off a fuzzy score when one name says high school and the other elementary.
_LEVEL_PENALTY = 10.0

#: CPS school id to its name, or to all its names (short and long, every year).
SchoolNames = Mapping[str, "str | Sequence[str]"]

# Abbreviations as ISBE, CRDC and CPS write them, spelled out the same way.
_WORDS = {
    "elem": "elementary",
    "el": "elementary",
    "es": "elementary school",
    "sch": "school",
    "schl": "school",
    "schools": "school",
    "acad": "academy",
    "hs": "high school",
    "ms": "middle school",
    "chtr": "charter",
    "chrt": "charter",
    "chartr": "charter",
    "chtrs": "charter",
    "charters": "charter",
    "newtwork": "network",
    "int": "international",
    "lang": "language",
    "nth": "north",
    "dev": "development",
    "inst": "institute",
    "agricult": "agriculture",
    "agricultural": "agriculture",
    "co": "county",
    "comm": "community",
    "ctr": "center",
    "cntr": "center",
    "intl": "international",
    "spec": "specialty",
    "univ": "university",
    "sci": "science",
    "sciences": "science",
    "tech": "technology",
    "technical": "technology",
    "preparatory": "prep",
    "alt": "alternative",
    "mid": "middle",
    "mt": "mount",
    "ft": "fort",
    "dr": "doctor",
    "jr": "junior",
    "cca": "college career academy",
    "aca": "academy",
    "acd": "academy",
    "schol": "scholastic",
    "comp": "comprehensive",
    "perf": "performing",
    "ct": "center",
    "opt": "options",
    "knowl": "knowledge",
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
}
#: Words that carry no identity (articles; "and" of "Math & Science").
_STOP = {"the", "and", "of", "for", "at", "a", "in"}
#: Words saying what kind of school it is, not which one.
_KIND = {
    "elementary",
    "school",
    "high",
    "middle",
    "academy",
    "charter",
    "campus",
    "center",
    "magnet",
    "community",
    "specialty",
    "scholastic",
    "language",
    "primary",
    "network",
    "street",
    "career",
    "college",
    "prep",
    "international",
    "gifted",
    "classical",
    "metropolitan",
    "bilingual",
    "fine",
    "arts",
    "math",
    "science",
    "technology",
    "montessori",
    "studies",
    "world",
    "ib",
    "comprehensive",
    "performing",
    "regional",
    "academic",
    "multicultural",
    "options",
    "knowledge",
}
# Initials CPS short names use for a network or a long name.
_PHRASE_WORDS = {"u of c": "university of chicago", "nlcp": "north lawndale prep"}
_PHRASES = re.compile(r"\b(?:u of c|nlcp)\b")
_PUNCT = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")


def _tokens(text: str) -> list[str]:
    """Lower-case words with abbreviations spelled out; apostrophes joined (O'Toole: otoole)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("'", "").replace("\u2019", "").replace("&", " and ")
    text = _PHRASES.sub(lambda m: _PHRASE_WORDS[m.group(0)], text)
    text = _PUNCT.sub(" ", text).replace("_", " ")
    words: list[str] = []
    raw = text.split()
    for index, word in enumerate(raw):
        if word == "st":
            # "St Ethelreda" is a saint; "Noble St" is Noble Street.
            words.append("saint" if index == 0 else "street")
            continue
        words.extend(_WORDS.get(word, word).split())
    return words


def normalize_name(text: str) -> str:
    """A school name in a form that ISBE, CRDC and CPS spellings of it share.

    Lower case, accents and punctuation removed, abbreviations spelled out (``Elem``,
    ``Sch``/``Schl``, ``Acad``, ``HS``, ``Chtr``, ``Comm``, ``Ctr``, ``Intl``, ``Math & Sci``,
    ``Prep``/``Preparatory``, ordinals), ``St`` read as Saint first and Street elsewhere, and
    articles dropped.

    Examples
    --------
    >>> normalize_name("Newberry Elem Math & Science Acad")
    'newberry elementary math science academy'
    >>> normalize_name("Newberry Math and Science Academy Elementary School")
    'newberry math science academy elementary school'
    >>> normalize_name("Noble St Chtr-DRW Trading College Prep")
    'noble street charter drw trading college prep'
    >>> normalize_name("O'Toole Elem Sch")
    'otoole elementary school'
    """
    return " ".join(w for w in _tokens(text) if w not in _STOP)


def _bag(text: str) -> frozenset[str]:
    """The normalized words as a set: the same school in another word order."""
    return frozenset(w for w in _tokens(text) if w not in _STOP and w != "school")


def _level(words: Sequence[str]) -> str | None:
    if "high" in words:
        return "hs"
    if "elementary" in words or "middle" in words:
        return "es"
    return None


def _short_key(text: str) -> tuple[str, str | None] | None:
    """The words before the first kind-of-school word, and the level (``es``/``hs``/None),
    when all the words after them are kind-of-school words; else None."""
    words = [w for w in _tokens(text) if w not in _STOP]
    head: list[str] = []
    for word in words:
        if word in _KIND:
            break
        head.append(word)
    if not head or any(w not in _KIND for w in words[len(head) :]):
        # "Acero Charter Schools - Octavio Paz Campus": the words that tell which school
        # come after the kind words; only the form "Coles Elem Language Academy" qualifies.
        return None
    return " ".join(head), _level(words)


def _core(text: str) -> str:
    """The name without kind-of-school words, for fuzzy scoring."""
    words = [w for w in _tokens(text) if w not in _STOP and w not in _KIND]
    return " ".join(words) or normalize_name(text)


def _exact_key(name: str) -> str:
    return _SPACE.sub(" ", name.strip()).casefold()


def _names_of(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in value if v]


class _Index:
    """The CPS names, looked up every way :func:`match_names` needs."""

    def __init__(self, schools: SchoolNames) -> None:
        self.display: dict[str, str] = {}
        self.exact: dict[str, set[str]] = {}
        self.normal: dict[str, set[str]] = {}
        self.bags: dict[frozenset[str], set[str]] = {}
        self.short: dict[str, list[tuple[str, str | None]]] = {}
        self.cores: dict[str, list[str]] = {}
        self.levels: dict[str, set[str]] = {}
        for school_id, value in schools.items():
            names = _names_of(value)
            if not names:
                continue
            self.display[school_id] = names[0]
            for name in names:
                self.exact.setdefault(_exact_key(name), set()).add(school_id)
                self.normal.setdefault(normalize_name(name), set()).add(school_id)
                self.bags.setdefault(_bag(name), set()).add(school_id)
                key = _short_key(name)
                if key is not None:
                    self.short.setdefault(key[0], []).append((school_id, key[1]))
                core = _core(name)
                if school_id not in self.cores.get(core, []):
                    self.cores.setdefault(core, []).append(school_id)
                level = _level(_tokens(name))
                if level is not None:
                    self.levels.setdefault(school_id, set()).add(level)
        firsts: dict[str, set[str]] = {}
        for core, ids in self.cores.items():
            firsts.setdefault(core.split()[0], set()).update(ids)
        #: First words shared by several schools: a network (Acero, YCCS), not a school.
        self.networks = {word for word, ids in firsts.items() if len(ids) >= _NETWORK_SCHOOLS}

    def by_short(self, name: str) -> set[str]:
        key = _short_key(name)
        if key is None:
            return set()
        head, level = key
        hits = self.short.get(head, [])
        same = {sid for sid, lvl in hits if level is not None and lvl == level}
        if same:
            return same
        return {sid for sid, lvl in hits if level is None or lvl is None}

    def fuzzy(self, name: str) -> list[tuple[float, str, str]]:
        """(score, school id, CPS name) of the best-scoring schools, best first."""
        core = _core(name)
        level = _level(_tokens(name))
        best: dict[str, tuple[float, str]] = {}
        words = core.split()
        for cps_core, ids in self.cores.items():
            base = (
                fuzz.token_set_ratio(core, cps_core) + fuzz.token_sort_ratio(core, cps_core)
            ) / 2
            cps_words = cps_core.split()
            if words[: len(cps_words)] == cps_words and cps_core not in self.networks:
                # "Devry Advantage Academy": CPS's short name plus what the school is.
                base = max(base, _PREFIX_SCORE)
            for sid in ids:
                levels = self.levels.get(sid, set())
                score = base
                if level is not None and len(levels) == 1 and level not in levels:
                    score -= _LEVEL_PENALTY
                if score <= 0:
                    continue
                if sid not in best or score > best[sid][0]:
                    best[sid] = (float(score), cps_core)
        ranked = sorted(((s, sid, c) for sid, (s, c) in best.items()), key=lambda t: (-t[0], t[1]))
        return ranked[:5]


def _candidates(ids: Iterable[str], index: _Index) -> str:
    return "; ".join(f"{sid} {index.display.get(sid, '')}".strip() for sid in sorted(ids))


def _match_one(source: str, name: str, index: _Index) -> NameMatch:
    tied: set[str] = set()
    for ids in (
        index.exact.get(_SPACE.sub(" ", name.strip()).casefold(), set()),
        index.normal.get(normalize_name(name), set()),
        index.bags.get(_bag(name), set()),
        index.by_short(name),
    ):
        if len(ids) == 1:
            (sid,) = ids
            method = "exact" if ids is index.exact.get(_exact_key(name)) else "normalized"
            return NameMatch(source, name, sid, method, 100.0, index.display[sid])
        if len(ids) > 1 and not tied:
            tied = set(ids)
    ranked = index.fuzzy(name)
    if tied:
        # Equal names at several schools: the fuzzy score (with the level) may still single
        # one out among them, never a school outside them.
        ranked = [r for r in ranked if r[1] in tied] or ranked
    if not ranked or ranked[0][0] < FUZZY_MIN_SCORE:
        if tied:
            note = f"several CPS schools match equally: {_candidates(tied, index)}"
            return NameMatch(source, name, None, "unmatched", None, None, note)
        near = "; ".join(
            f"{sid} {index.display[sid]} ({score:.0f})" for score, sid, _ in ranked[:3]
        )
        note = "no CPS school name is close enough" + (f"; nearest: {near}" if near else "")
        return NameMatch(source, name, None, "unmatched", None, None, note)
    top = ranked[0][0]
    best = [sid for score, sid, _ in ranked if score >= top - _TIE_MARGIN]
    if len(best) > 1:
        note = f"several CPS schools score {top:.0f}: {_candidates(best, index)}"
        return NameMatch(source, name, None, "unmatched", None, None, note)
    sid = ranked[0][1]
    return NameMatch(source, name, sid, "fuzzy", round(top, 1), index.display[sid])


def match_names(
    source: str,
    names: Iterable[str],
    schools: SchoolNames,
    *,
    reviewed: Sequence[NameMatch] = (),
) -> list[NameMatch]:
    """Match each distinct publisher name to a CPS school id (see the module docstring).

    Parameters
    ----------
    source
        The publisher key kept with each match, e.g. ``isbe-eoy``.
    names
        The publisher's school names (repeats are matched once).
    schools
        CPS school id to its name or names (short and long names of every year match best).
    reviewed
        Crosswalk rows already decided; those with method ``reviewed`` win over any matching.

    Returns
    -------
    list of NameMatch
        One per distinct name, in the order first given; ``school_id`` None when unmatched,
        with a note listing the candidates of a tie.

    Examples
    --------
    >>> cps = {"609862": ["COLES", "Edward Coles Elementary Language Academy"],
    ...        "610529": ["WASHINGTON G HS", "George Washington High School"]}
    >>> [(m.school_id, m.method) for m in match_names(
    ...     "isbe-eoy", ["Coles Elem Language Academy", "Washington G High School"], cps)]
    [('609862', 'normalized'), ('610529', 'normalized')]
    """
    decided = {m.source_name: m for m in reviewed if m.method == "reviewed"}
    index = _Index(schools)
    results: list[NameMatch] = []
    seen: set[str] = set()
    for name in names:
        if name in seen or not name.strip():
            continue
        seen.add(name)
        review = decided.get(name)
        if review is not None:
            cps_name = index.display.get(review.school_id or "", review.cps_name)
            results.append(
                NameMatch(
                    source, name, review.school_id, "reviewed", review.score, cps_name, review.note
                )
            )
            continue
        results.append(_match_one(source, name, index))
    return results


def read_crosswalk(path: Path | str) -> list[NameMatch]:
    """The rows of a crosswalk file written by :func:`write_crosswalk` (maybe edited).

    Raises
    ------
    SourceSchemaError
        The file lacks a needed column, or a row's method or score is not valid.
    """
    path = Path(path)
    with read_table(path) as table:
        missing = [c for c in ("source", "source_name", "school_id", "method") if not table.has(c)]
        if missing:
            msg = (
                f"{path.name} is not a name crosswalk: it lacks the column(s) "
                f"{', '.join(missing)}; write one with `safeschools crosswalk` and edit that."
            )
            raise SourceSchemaError(msg)
        col = {c: table.column(c) for c in CROSSWALK_COLUMNS}
        matches: list[NameMatch] = []
        for line, row in table.rows:

            def get(name: str, row: dict[str, str] = row) -> str:
                column = col[name]
                return (row.get(column) or "").strip() if column else ""

            if row.get("__error__"):
                msg = f"{path.name} line {line}: {row['__error__']}; fix the crosswalk file."
                raise SourceSchemaError(msg)
            name = row.get(col["source_name"] or "", "")
            if not name.strip():
                continue
            method = get("method").lower() or ("reviewed" if get("school_id") else "unmatched")
            if method not in MATCH_METHODS:
                msg = (
                    f"{path.name} line {line}: method {get('method')!r} is not one of "
                    f"{', '.join(MATCH_METHODS)}; set it to 'reviewed' for a checked row."
                )
                raise SourceSchemaError(msg)
            try:
                score = float(get("score")) if get("score") else None
            except ValueError:
                msg = f"{path.name} line {line}: score {get('score')!r} is not a number."
                raise SourceSchemaError(msg) from None
            school_id = get("school_id") or None
            if method not in ("unmatched", "reviewed") and school_id is None:
                method = "unmatched"
            matches.append(
                NameMatch(
                    get("source"),
                    name,
                    school_id,
                    method,
                    score,
                    get("cps_name") or None,
                    get("note") or None,
                )
            )
    return matches


def write_crosswalk(path: Path | str, matches: Iterable[NameMatch]) -> Path:
    """Write a crosswalk file for a person to review: unmatched rows first, then fuzzy ones,
    then the rest, each by name. A reviewer fixes ``school_id`` and sets ``method`` to
    ``reviewed``."""
    order = {"unmatched": 0, "fuzzy": 1, "normalized": 2, "exact": 3, "reviewed": 4}
    rows = sorted(matches, key=lambda m: (order.get(m.method, 5), m.source_name.casefold()))
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CROSSWALK_COLUMNS)
        for m in rows:
            writer.writerow(
                [
                    m.source,
                    m.source_name,
                    m.school_id or "",
                    m.method,
                    "" if m.score is None else f"{m.score:g}",
                    m.cps_name or "",
                    m.note or "",
                ]
            )
    return path


def usable_match(match: NameMatch, *, accept_fuzzy: bool) -> bool:
    """Whether an import may use ``match``: reviewed, exact or normalized; fuzzy on request."""
    if match.school_id is None:
        return False
    return match.method in ("reviewed", "exact", "normalized") or (
        match.method == "fuzzy" and accept_fuzzy
    )
