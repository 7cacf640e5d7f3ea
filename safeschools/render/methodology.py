"""The methodology page's text: Markdown in ``content/`` (one file per language) rendered to
HTML whose tables are accessible (a caption, header scopes, a scrolling box)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

__all__ = ["CONTENT", "methodology_html"]

#: The methodology in each language, ``methodology.{code}.md``.
CONTENT = Path(__file__).parent / "content"


@functools.cache
def methodology_html(code: str) -> tuple[str, str]:
    """The methodology in a language (falling back to English) as HTML, and that language."""
    path = CONTENT / f"methodology.{code}.md"
    if not path.is_file():
        code, path = "en", CONTENT / "methodology.en.md"
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    html = md.render(path.read_text(encoding="utf-8"))
    return _accessible_tables(html), code


def _accessible_tables(html: str) -> str:
    """Give each Markdown table a caption (its section's heading), header scopes and a
    scrolling box of its own."""
    out: list[str] = []
    heading = ""
    for piece in re.split(r"(<h[1-6][^>]*>.*?</h[1-6]>|<table>|</table>)", html, flags=re.S):
        match = re.match(r"<h[1-6][^>]*>(.*?)</h[1-6]>", piece, flags=re.S)
        if match:
            heading = re.sub(r"<[^>]+>", "", match.group(1))
            out.append(piece)
        elif piece == "<table>":
            name = escape(Markup(heading).unescape())
            out.append(
                f'<div class="table-wrap" role="region" tabindex="0" aria-label="{name}">'
                f"<table><caption>{name}</caption>"
            )
        elif piece == "</table>":
            out.append("</table></div>")
        else:
            out.append(piece.replace("<th>", '<th scope="col">'))
    return "".join(out)
