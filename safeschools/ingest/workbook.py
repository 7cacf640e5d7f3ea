"""Reading a publisher's Excel workbook (.xlsx) safely: one clear sentence when the file is not
one, its sheets as plain rows with their 1-based line numbers, and header rows found by their
column names rather than by a fixed position.

Files are read with ``openpyxl`` in read-only mode (it streams the sheet; a 9,000-row report
reads in about a second). Cell values come back as openpyxl gives them: ``str``, ``int``,
``float``, ``datetime`` or ``None``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from safeschools.errors import SourceError, SourceSchemaError

__all__ = ["Workbook", "cell_text", "header_key", "open_workbook"]

_XLSX_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"


def header_key(value: object) -> str:
    """A header cell as a comparable key: lower case, parenthesised remarks and line breaks
    dropped, runs of spaces collapsed (``"# of Suspensions (includes ISS and OSS)"`` ->
    ``"# of suspensions"``)."""
    text = re.sub(r"\([^)]*\)", " ", cell_text(value) or "")
    return re.sub(r"\s+", " ", text).strip().lower()


def cell_text(value: object) -> str | None:
    """A cell as stripped text (a whole float without its ``.0``), ``None`` when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


class Workbook:
    """An opened .xlsx file; close it (or use ``with``) when done."""

    def __init__(self, path: Path, book: Any, handle: BinaryIO) -> None:
        self.path = path
        self._book = book
        self._handle = handle

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheetnames)

    def rows(self, sheet: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """(line, values) of every row of ``sheet``, line 1-based as Excel numbers it."""
        ws = self._book[sheet]
        ws.reset_dimensions()  # some writers record a wrong sheet size; read every row
        for line, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
            yield line, tuple(values)

    def find_header(
        self,
        sheet: str,
        is_header: Callable[[list[str]], bool],
        *,
        within: int = 30,
    ) -> tuple[int, tuple[Any, ...]] | None:
        """The first of the first ``within`` rows whose :func:`header_key` cells satisfy
        ``is_header``: (line, cell values), or None."""
        for line, values in self.rows(sheet):
            if line > within:
                break
            if is_header([header_key(v) for v in values]):
                return line, values
        return None

    def close(self) -> None:
        """Release the workbook and its file (safe to call twice)."""
        self._book.close()
        self._handle.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_workbook(path: Path | str, *, what: str) -> Workbook:
    """Open ``path`` as an .xlsx workbook; ``what`` names the expected report in the error.

    Raises :class:`~safeschools.errors.SourceError` (one sentence) for a missing, empty,
    CSV/text, old .xls or damaged file.
    """
    path = Path(path)
    if not path.is_file():
        msg = f"{path} does not exist or is not a file; check the path."
        raise SourceError(msg)
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        msg = f"{path.name} is empty; download the {what} again."
        raise SourceError(msg)
    if head.startswith(_OLE2_MAGIC):
        msg = f"{path.name} is an old Excel .xls file; open it in Excel and save it as .xlsx."
        raise SourceSchemaError(msg)
    if not head.startswith(_XLSX_MAGIC):
        msg = (
            f"{path.name} is not an Excel workbook (.xlsx) but text or another format; "
            f"the {what} is published as .xlsx."
        )
        raise SourceSchemaError(msg)
    fh = path.open("rb")
    try:
        book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        fh.close()
        msg = (
            f"{path.name} is not a readable .xlsx workbook ({type(exc).__name__}); "
            f"download the {what} again."
        )
        raise SourceSchemaError(msg) from exc
    return Workbook(path, book, fh)
