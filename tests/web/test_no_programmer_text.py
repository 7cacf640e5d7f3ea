"""No public page speaks to programmers: every page of the demo city (and of a school with a
council, a fund and a plan), in English and Spanish, is read as a person sees it (its text and
the attributes shown or read aloud) and fails on a command line, a flag, an API path, an HTTP
verb with a path, or a setting's name. A Spanish page also fails on a stored code left in
English ("keep", "no quorum", "in_progress", "imported")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import click
import pytest
from helpers.demo_city import DemoCity
from helpers.governed_city import load_governed_city
from web_city import Pages

from safeschools import services
from safeschools.app import create_app
from safeschools.cli import cli
from safeschools.settings import Settings
from safeschools.storage import Store

#: Attributes a person sees or hears (links, form targets and option values are not shown).
SHOWN_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "summary")


def _commands(group: click.Group, prefix: str = "") -> Iterator[str]:
    for name, command in group.commands.items():
        yield prefix + name
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


def programmer_text() -> re.Pattern[str]:
    """Commands (``safeschools ingest calendar``), flags (``--radius``), API paths, HTTP verbs
    with a path, and the settings' names (``presets_file``, ``SAFESCHOOLS_MIN_CELL_SIZE``)."""
    commands = sorted(_commands(cli), key=len, reverse=True)
    settings = [name for name in Settings.model_fields if "_" in name]
    parts = [
        r"\bsafeschools (?:" + "|".join(re.escape(c) for c in commands) + r")\b",
        r"(?<![\w-])--[a-z][a-z-]+",
        r"/api/",
        r"\b(?:GET|POST|PUT|PATCH|DELETE) /",
        r"\bSAFESCHOOLS_[A-Z_]+",
        r"\b(?:" + "|".join(settings) + r")\b",
    ]
    return re.compile("|".join(parts))


#: Stored codes that must never be read on a Spanish page (English words and code spellings).
ENGLISH_CODES = re.compile(
    r"\b(?:keep|remove|keep_one|keep_both|remove_both|remove_all|passed|failed|no quorum|"
    r"imported|draft|approved|reviewed|in_progress|per_officer|confidence|high|medium|low|"
    r"sro|mobile|sergeant|social_worker|program_ended)\b|\b\d{4}_[a-z_]+\b"
)


class _Shown(HTMLParser):
    """The text of a page as a person gets it: text nodes (not scripts or styles) and the
    attributes that are shown or read aloud."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        #: the same, without what is marked as English (``lang="en"``: text published in
        #: English, such as a district figure's note, which a Spanish page quotes as it is)
        self.translated: list[str] = []
        self._hidden = 0
        self._english: list[str] = []  # the tags that opened an English part, and their nesting

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        if (self._english and tag == self._english[-1]) or dict(attrs).get("lang") == "en":
            self._english.append(tag)
        shown = [v for k, v in attrs if v and k in SHOWN_ATTRIBUTES]
        self.pieces += shown
        if not self._english:
            self.translated += shown

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1
        if self._english and tag == self._english[-1]:
            self._english.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.pieces.append(data)
            if not self._english:
                self.translated.append(data)


def shown_text(html: str, *, translated: bool = False) -> str:
    parser = _Shown()
    parser.feed(html)
    return "\n".join(parser.translated if translated else parser.pieces)


def _public_paths(store: Store) -> list[str]:
    schools = services.list_schools(store)
    latest = max(s.school_year for s in schools)
    newest = [s for s in schools if s.school_year == latest]
    chosen = [next(s for s in newest if s.grade_category == g) for g in ("HS", "ES")
              if any(s.grade_category == g for s in newest)]  # fmt: skip
    paths = ["/", "/?preset=abc7-2024", "/search", "/search?q=a", "/officers", "/funds",
             "/equity", "/evaluation", "/definitions", "/methodology", "/signin",
             "/schools/no-such-school"]  # fmt: skip
    for s in chosen or newest[:1]:
        paths += [f"/schools/{s.school_id}", f"/schools/{s.school_id}?preset=wbez-dismissal",
                  f"/schools/{s.school_id}/equity", f"/schools/{s.school_id}/report"]  # fmt: skip
    return paths


def _scan(pages: Pages, paths: list[str]) -> list[str]:
    bad = programmer_text()
    found = []
    for lang in ("en", "es"):
        for path in paths:
            url = f"{path}{'&' if '?' in path else '?'}lang={lang}"
            response = pages.get(url)
            assert response.status_code in (200, 404), (url, response.status_code)
            text = shown_text(response.text)
            found += [f"{url}: …{text[max(0, m.start() - 40):m.end() + 40]!r}…"
                      for m in bad.finditer(text)]  # fmt: skip
            if lang == "es":
                text = shown_text(response.text, translated=True)
                found += [f"{url} (English code): …{text[max(0, m.start() - 40):m.end() + 40]!r}…"
                          for m in ENGLISH_CODES.finditer(text)]  # fmt: skip
    return found


def test_the_pattern_catches_what_it_must() -> None:
    bad = programmer_text()
    for text in ("The district creates one with: safeschools funds pool create",
                 "(change it with --radius)", "POST /api/schools/ID/council/members",
                 "set SAFESCHOOLS_MIN_CELL_SIZE", "the presets_file setting",
                 "load it with `safeschools ingest calendar`"):  # fmt: skip
        assert bad.search(text), text
    for text in ("Every figure safeschools shows", "safeschools reports both victims",
                 "safeschools 0.1.0", "500 yd (457.2 m)", "2021-22 to 2022-23"):  # fmt: skip
        assert not bad.search(text), text
    assert shown_text('<a href="/api/export/x.csv" title="Download">CSV</a>') == "Download\nCSV"
    quoted = '<p>Cifra <span lang="en">at 4 <span>high</span> schools</span> · keep</p>'
    assert shown_text(quoted, translated=True) == "Cifra \n · keep"


def test_no_public_page_of_the_demo_speaks_to_programmers(demo_city: DemoCity) -> None:
    pages = Pages(create_app(demo_city.settings, store=demo_city.store))
    found = _scan(pages, _public_paths(demo_city.store))
    assert found == [], "programmer text on public pages:\n" + "\n".join(found)


@pytest.fixture
def governed_pages(sqlite_only_store: Store, settings: Settings) -> Pages:
    load_governed_city(sqlite_only_store, settings)
    return Pages(create_app(settings, store=sqlite_only_store))


def test_a_school_with_votes_funds_and_a_plan_has_none_either(governed_pages: Pages) -> None:
    paths = ["/schools/1", "/schools/2", "/funds", "/funds?pool=1", "/officers", "/"]
    found = _scan(governed_pages, paths)
    assert found == [], "programmer text or English codes:\n" + "\n".join(found)


def test_an_empty_store_says_what_to_do_in_words(
    sqlite_only_store: Store, settings: Settings
) -> None:
    pages = Pages(create_app(settings, store=sqlite_only_store))
    found = _scan(pages, ["/", "/search", "/definitions", "/funds", "/officers"])
    assert found == [], "\n".join(found)
