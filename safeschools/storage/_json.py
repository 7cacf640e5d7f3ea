"""The JSON text of the store's JSON columns (plans, their versions, the audit log, votes'
outcomes, rejected rows): written only when every string can be shown, read back mended.

Text written before the edge refused lone surrogates may hold them as JSON escapes
(``"\\ud800"``); :func:`loads` turns them into U+FFFD so that no page, export or JSON answer
fails on old data. :func:`dumps` refuses such text, so a write that could not be shown is
refused before its transaction commits."""

from __future__ import annotations

import json
import re
from typing import Any

from safeschools.errors import DataValidationError
from safeschools.model.text import mend

__all__ = ["dumps", "loads"]

#: A JSON escape of a surrogate (the first half of a pair, or a lone one).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def dumps(value: Any, **options: Any) -> str:
    """``json.dumps(value, **options)``, refusing text that holds a lone surrogate."""
    text = json.dumps(value, **options)
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(value, **{**options, "ensure_ascii": False}).encode("utf-8")
        except UnicodeEncodeError:
            msg = "A text holds a lone surrogate, which cannot be kept; remove it and try again."
            raise DataValidationError(msg) from None
    return text


def loads(text: str | bytes) -> Any:
    """``json.loads(text)`` with every lone surrogate replaced by U+FFFD."""
    value = json.loads(text)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return mend(value) if _SURROGATE_ESCAPE.search(text) else value
