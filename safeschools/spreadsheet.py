"""CSV that is safe to open in a spreadsheet: the one writer of every CSV the application writes.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a tab
or carriage return first can hide one), so text an editor wrote, such as
``=HYPERLINK("http://…")``, could run on the reader's machine. Following OWASP's advice, every
text cell that starts with one of these characters is written with a single quote ``'`` first
(``'=HYPERLINK(…)``), which a spreadsheet shows as text. Numbers are left alone, whether they
are numbers (``-3``) or text that reads as one (``"-12.5"``); only text cells change.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

__all__ = ["FORMULA_STARTS", "csv_dict_writer", "csv_writer", "safe_cell"]

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """``value``, with ``'`` first when it is text a spreadsheet would run as a formula.

    Examples
    --------
    >>> safe_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell("-12.5"), safe_cell(-3), safe_cell("@home"), safe_cell("plain")
    ('-12.5', -3, "'@home", 'plain')
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and _NUMBER.fullmatch(value) is None
    ):
        return "'" + value
    return value


class _SafeWriter:
    """``csv.writer`` whose rows are written through :func:`safe_cell`."""

    def __init__(self, out: IO[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """``csv.DictWriter`` whose values are written through :func:`safe_cell`."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({k: safe_cell(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


def csv_writer(out: IO[str], **options: Any) -> _SafeWriter:
    """A CSV writer on ``out`` (options as ``csv.writer``'s) that escapes formula cells."""
    return _SafeWriter(out, **options)


def csv_dict_writer(out: IO[str], fieldnames: Sequence[str], **options: Any) -> _SafeDictWriter:
    """A ``csv.DictWriter`` on ``out`` that escapes formula cells."""
    return _SafeDictWriter(out, fieldnames=fieldnames, **options)
