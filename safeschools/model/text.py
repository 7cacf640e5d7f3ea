"""Text that can be kept and shown: the characters and lengths every written field accepts.

A field of text is refused when it holds a character no page, JSON answer or PostgreSQL column
can carry: a lone surrogate (half of a UTF-16 pair, e.g. ``"\\ud800"``), NUL, or another control
character (tab, newline and carriage return are allowed in text of several lines only), or when
it is longer than its limit: :data:`SHORT_TEXT_MAX` characters for a name or a label,
:data:`LONG_TEXT_MAX` for a goal, a note or a motion.

Text stored before these checks existed may still hold such characters; :func:`mend` turns
what was read back into text every page can show (a lone surrogate becomes U+FFFD).
"""

from __future__ import annotations

import re
from typing import Any

from safeschools.errors import DataValidationError

__all__ = [
    "LONG_TEXT_MAX",
    "QUERY_TEXT_MAX",
    "SHORT_TEXT_MAX",
    "bad_character",
    "check_text",
    "mend",
]

#: The longest name, label or other one-line field, in characters.
SHORT_TEXT_MAX = 200
#: The longest goal, note, motion or other text of several lines, in characters.
LONG_TEXT_MAX = 10_000
#: The longest value of one query parameter, in characters (lists such as a sensitivity grid's
#: radii and hour windows are long; the whole query string has its own cap, 4 KB by default).
QUERY_TEXT_MAX = 2_000

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: Control characters never kept (C0 but tab, newline, carriage return; DEL; C1).
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BAD_MULTILINE = re.compile(f"[{_CONTROL}\ud800-\udfff]")
_BAD_ONE_LINE = re.compile(f"[{_CONTROL}\t\n\r\ud800-\udfff]")


def bad_character(text: str, *, multiline: bool = True) -> str | None:
    """Why ``text`` cannot be kept, in words (None when it can).

    Examples
    --------
    >>> bad_character("a\\x00b")
    'NUL (U+0000)'
    >>> bad_character("two\\nlines", multiline=False)
    'a line break or tab (U+000A)'
    >>> bad_character("fine") is None
    True
    """
    found = (_BAD_MULTILINE if multiline else _BAD_ONE_LINE).search(text)
    if found is None:
        return None
    char = found.group()
    code = f"U+{ord(char):04X}"
    if char == "\x00":
        return f"NUL ({code})"
    if "\ud800" <= char <= "\udfff":
        return f"a lone surrogate ({code})"
    if char in "\t\n\r":
        return f"a line break or tab ({code})"
    return f"a control character ({code})"


def check_text(
    value: str, what: str, *, max_chars: int = SHORT_TEXT_MAX, multiline: bool = False
) -> str:
    """``value`` when it can be kept; else :class:`~safeschools.errors.DataValidationError`
    naming ``what``, the character or the limit.

    Examples
    --------
    >>> check_text("A. Rivera", "committee[0].name")
    'A. Rivera'
    """
    problem = bad_character(value, multiline=multiline)
    if problem is not None:
        msg = f"{what} contains {problem}, which cannot be kept; remove it and send it again."
        raise DataValidationError(msg)
    if len(value) > max_chars:
        msg = f"{what} is {len(value):,} characters long; the limit is {max_chars:,}. Shorten it."
        raise DataValidationError(msg)
    return value


def _mend_text(text: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text


def mend(value: Any) -> Any:
    """JSON-like data read back from the store with every lone surrogate (in keys and values)
    replaced by U+FFFD, so that any page can encode it; other values as they are.

    Examples
    --------
    >>> mend({"a\\ud800": ["x\\udfff", 1]})
    {'a�': ['x�', 1]}
    """
    if isinstance(value, str):
        return _mend_text(value)
    if isinstance(value, dict):
        return {mend(k): mend(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mend(v) for v in value]
    return value
