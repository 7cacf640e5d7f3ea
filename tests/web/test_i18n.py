"""English and Spanish: the catalog is complete and current, and the core's English sentences
(definitions, caveats, presets) come out in Spanish."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from safeschools.proximity.definition import Definition, parse_hours
from safeschools.proximity.engine import CAVEATS
from safeschools.proximity.presets import PRESETS
from safeschools.render import i18n
from safeschools.render.i18n import KNOWN_TEXTS, LOCALES, Lang, language, negotiate

PACKAGE = Path(i18n.__file__).resolve().parent.parent
POT = LOCALES / "messages.pot"
PO = LOCALES / "es" / "LC_MESSAGES" / "messages.po"


def _ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def test_every_msgid_has_a_spanish_translation() -> None:
    with POT.open("rb") as handle:
        template = read_po(handle)
    with PO.open("rb") as handle:
        spanish = read_po(handle, locale="es")
    empty = []
    for message in template:
        if not message.id:
            continue
        found = spanish.get(message.id)
        strings = [] if found is None else (
            list(found.string) if isinstance(found.string, tuple) else [found.string]
        )  # fmt: skip
        if not strings or not all(strings) or (found is not None and found.fuzzy):
            empty.append(message.id)
    assert empty == []


def test_the_template_is_current_with_the_code() -> None:
    """Run the extraction (see safeschools/render/i18n.py) when this fails."""
    method_map = [
        ("**/web/**.py", "python"),
        ("**/render/**.py", "python"),
        ("**/reports/**.py", "python"),
        ("**/render/templates/**.html", "jinja2"),
    ]
    jinja = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    options = {"**/render/templates/**.html": jinja}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE.parent), method_map, options
    ):
        found.add(message if isinstance(message, str) else message[0])
    assert found == _ids(POT)


def test_placeholders_survive_translation() -> None:
    import re

    with PO.open("rb") as handle:
        spanish = read_po(handle, locale="es")
    for message in spanish:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        targets = [message.string] if isinstance(message.string, str) else list(message.string)
        want = sorted(set(re.findall(r"%\(\w+\)s", source)))
        for target in targets:
            assert sorted(set(re.findall(r"%\(\w+\)s", target))) == want, source


def test_every_fixed_sentence_of_the_core_is_known() -> None:
    texts = set(KNOWN_TEXTS)
    for caveat in CAVEATS:
        assert caveat in texts
    for d in PRESETS.values():
        assert d.label in texts, d.label
        assert d.source_note in texts, d.source_note
        for note in d.notes:
            assert note in texts, note
    es = language("es")
    assert all(es.text(t) != t for t in KNOWN_TEXTS)


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        (None, None, None, "en"),
        (None, None, "es-MX,es;q=0.9,en;q=0.8", "es"),
        (None, None, "en-US,en;q=0.9,es;q=0.8", "en"),
        (None, None, "fr-FR,es;q=0.5", "es"),
        (None, None, "fr", "en"),
        (None, None, "es;q=0, en", "en"),
        (None, "es", "en", "es"),
        ("en", "es", "es", "en"),
        ("xx", "es", None, "es"),
        (None, None, "garbage;;q=x", "en"),
    ],
)
def test_negotiate(
    query: str | None, cookie: str | None, header: str | None, expected: str
) -> None:
    assert negotiate(query, cookie, header) == expected


def test_numbers_and_dates_follow_the_language() -> None:
    en, es = language("en"), language("es")
    assert (en.num(1234), es.num(1234)) == ("1,234", "1.234")
    assert (en.num(None), en.metres(160.9344), es.metres(160.9344)) == ("—", "160.9 m", "160,9 m")
    assert (en.date("2024-01-31"), es.date(date(2024, 1, 31))) == ("Jan 31, 2024", "31 ene 2024")
    assert es.datetime(datetime(2024, 1, 31, 14, 5), "short") == "31 ene 2024, 14:05"
    assert (en.month(1), es.month(1)) == ("Jan", "ene")


@pytest.mark.parametrize(
    ("radius_m", "en", "es"),
    [
        (160.9344, "0.1 mi (160.9 m)", "0,1 millas (160,9 m)"),
        (402.336, "0.25 mi (402.3 m)", "0,25 millas (402,3 m)"),
        (457.2, "500 yd (457.2 m)", "500 yardas (457,2 m)"),
        (150.0, "150 m", "150 m"),
        (1234.5, "1,234.5 m", "1.234,5 m"),
    ],
)
def test_radius_in_words(radius_m: float, en: str, es: str) -> None:
    assert language("en").radius(radius_m) == en
    assert language("es").radius(radius_m) == es


def test_the_english_description_matches_the_core() -> None:
    en = language("en")
    for d in PRESETS.values():
        if d.season is None:  # a season reads "Sep 1 to Jun 15" on the pages, not "09-01"
            assert en.describe(d.to_dict()) == d.describe()
    custom = Definition(radius_m=150, hours=parse_hours("22:00-02:00"), days="weekdays",
                        types="nonfatal", ages=("0-19", "20-29"))  # fmt: skip
    assert en.describe(custom.to_dict()) == custom.describe()


def test_the_spanish_description_is_built_from_the_parts() -> None:
    d = PRESETS["banner-1-block"].to_dict()
    assert language("es").describe(d) == (
        "a menos de 150 m, 07:00-19:00, todos los días, del 1 sept al 15 jun de cada año, "
        "víctimas de 0-19 años, solo heridas de bala"
    )
    assert language("es").dates(d) == "todas las fechas de los datos"
    assert language("es").dates(PRESETS["abc7-2024"].to_dict()) == "del 1 feb 2019 al 31 ene 2024"


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        (
            "12 of 1234 victimizations have no age band and are left out by the age filter; "
            "ages are published as bands (0-19, 20-29, ...), never exact ages.",
            "12 de 1.234 víctimas registradas no tienen grupo de edad",
        ),
        (
            "3 school-year record(s) have no coordinates and are not counted.",
            "3 registro(s) de escuela por año escolar no tienen coordenadas",
        ),
        ("A caveat nobody has translated yet.", "A caveat nobody has translated yet."),
    ],
)
def test_caveats_with_numbers(english: str, spanish: str) -> None:
    assert language("es").text(english).startswith(spanish)
    assert language("en").text(english).replace(",", "") == english.replace(",", "")


@pytest.mark.parametrize(
    ("english", "page_en", "page_es"),
    [
        (
            "The store mixes sources (a, b); a victim recorded in two of them counts twice. "
            "Pick one with --source.",
            "The data mixes sources (a, b); a victim recorded in two of them counts twice. "
            "Choose one data source in the definition.",
            "Los datos mezclan fuentes (a, b)",
        ),
        (
            "School days for 2019-20, 2020-21 come from rules (weekdays from the day after "
            "Labor Day to 15 June, less holidays), an approximation; load the district's "
            "calendar with `safeschools ingest calendar`.",
            "School days for 2019-20, 2020-21 come from rules (weekdays from the day after "
            "Labor Day to 15 June, less holidays), an approximation until the district's "
            "calendar for those years is loaded.",
            "Los días de clase de 2019-20, 2020-21 salen de reglas",
        ),
    ],
)
def test_a_caveat_that_names_a_command_is_said_in_words(
    english: str, page_en: str, page_es: str
) -> None:
    assert language("en").text(english) == page_en
    spanish = language("es").text(english)
    assert spanish.startswith(page_es) and "--" not in spanish and "safeschools" not in spanish


def test_the_engine_writes_the_caveats_the_catalog_knows(sqlite_only_store, settings) -> None:  # type: ignore[no-untyped-def]
    """Every caveat the engine writes for these questions comes out in Spanish: if the engine's
    wording changes, update KNOWN_TEXTS / PATTERNS in safeschools/render/i18n.py and the catalog."""
    from datetime import datetime as dt

    from safeschools import services
    from safeschools.model import School
    from safeschools.testing import load_records, victim

    schools = [School("1", "2024-25", "A", lat=41.8, lon=-87.7), School("2", "2024-25", "B")]
    victims = [victim("v1", 41.8001, -87.7, dt(2024, 1, 31, 14), age_band=None),
               victim("v2", 41.8001, -87.7, dt(2024, 2, 1, 14), source="other")]  # fmt: skip
    load_records(sqlite_only_store, settings, schools=schools, victims=victims)
    index = services.exposure_index(sqlite_only_store, settings=settings)
    es = language("es")
    for d in (
        PRESETS["abc7-2024"].with_changes(since=None, until=None),
        PRESETS["trace-500yd"].with_changes(school_year="incident"),
        PRESETS["banner-1-block"],
        PRESETS["wbez-dismissal"],
        PRESETS["quarter-mile"],
    ):
        for caveat in index.query(d).caveats:
            assert es.text(caveat) != caveat, caveat


def test_lang_objects_are_shared() -> None:
    assert language("es") is language("es")
    assert language("xx") == Lang("en")
    assert language("es").name == "Español"
