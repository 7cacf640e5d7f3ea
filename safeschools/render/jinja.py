"""The Jinja environment of the pages and the reports, with gettext (``jinja2.ext.i18n``).

Nothing here needs FastAPI: the reports render the same templates from the command line.
Templates get ``L`` (a :class:`~safeschools.render.i18n.Lang`) and translate with ``{% trans %}``
or ``_()``; the catalog is the one of ``L``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from safeschools import __version__
from safeschools.render import equity_views, officer_views, svg, words
from safeschools.render.i18n import LANGUAGES, Lang

__all__ = ["STATIC", "TEMPLATES", "environment", "render"]

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@pass_context
def _gettext(context: Context, message: str) -> str:
    lang: Lang = context["L"]
    return lang.catalog.gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    lang: Lang = context["L"]
    return lang.catalog.ngettext(singular, plural, n)


@pass_context
def _word(context: Context, kind: str, code: str | None) -> str:
    """A stored code in the reader's words (:func:`safeschools.render.words.word`)."""
    return words.word(context["L"], kind, code)


@pass_context
def _item_label(context: Context, code: str, label: str) -> str:
    """A spending item's name in words (:func:`~safeschools.render.words.item_label`)."""
    return words.item_label(context["L"], code, label)


@pass_context
def _council_choice(context: Context, choice: str) -> str:
    """A council's choice in words (:func:`~safeschools.render.words.council_choice`)."""
    return words.council_choice(context["L"], choice)


def _query(params: list[tuple[str, str]], **changes: str | None) -> str:
    """A query string from (key, value) pairs with some keys replaced (None drops them)."""
    kept = [(k, v) for k, v in params if k not in changes]
    kept.extend((k, v) for k, v in changes.items() if v is not None)
    return urlencode(kept)


@functools.cache
def environment() -> Environment:
    """The one environment (autoescaped, i18n, the SVG swatch helper as a global)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        {
            "languages": LANGUAGES,
            "version": __version__,
            "swatch": lambda item: Markup(svg.swatch(item)),
            "query": _query,
            "equity_helpers": equity_views.helpers,
            "officer_helpers": officer_views.helpers,
            "word": _word,
            "item_label": _item_label,
            "council_choice": _council_choice,
        }
    )
    return env


def render(template: str, context: dict[str, Any], lang: Lang) -> str:
    """Render a template in a language; ``context`` values are escaped unless Markup."""
    return environment().get_template(template).render({**context, "L": lang})
