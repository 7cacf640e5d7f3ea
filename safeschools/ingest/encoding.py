"""What a text file is written in, told from its bytes, with one sentence when it is no text.

Publishers and the people who re-save their files write CSV and JSON in UTF-8 (with or without
a byte-order mark), Windows-1252 (Excel's "CSV" on Windows, a superset of Latin-1) or UTF-16
(Excel's "Unicode text"). :func:`sniff_encoding` tells them apart:

1. a byte-order mark names UTF-32, UTF-16 or UTF-8;
2. text with a NUL in every other byte is UTF-16 without a mark (little or big endian);
3. a ZIP signature (an .xlsx workbook or a zipped export renamed ``.csv``), an old Excel
   (OLE2) signature or other NUL bytes are refused with a sentence that says what the file is;
4. otherwise the whole file is tried as UTF-8, and read as Windows-1252 when that fails (the
   importers note it, see :func:`encoding_note`).

:func:`check_vector_text` is the same look for the boundaries reader, which hands the file to
GDAL: GDAL reads UTF-8 only, so a UTF-16 file or a renamed workbook is refused by name there.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from safeschools.errors import SourceError
from safeschools.ingest.json_tables import MAX_JSON_DEPTH, json_depth

__all__ = [
    "OLE2_MAGIC",
    "ZIP_MAGIC",
    "check_vector_text",
    "encoding_note",
    "sniff_encoding",
]

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
_HEAD = 4096
#: Encodings that need no note: the publishers' own.
_PLAIN = ("utf-8", "utf-8-sig")


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _bomless_utf16(head: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the NULs of ``head`` sit in every other byte (ASCII-range text
    written as UTF-16 without a byte-order mark), else None."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even = head[0 : pairs * 2 : 2]
    odd = head[1 : pairs * 2 : 2]
    if odd.count(0) >= 0.9 * pairs and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * pairs and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _refuse_binary(path: Path, head: bytes) -> None:
    if head.startswith(ZIP_MAGIC):
        msg = (
            f"{path.name} is a ZIP archive (an .xlsx workbook or a zipped export, perhaps "
            "renamed), not a CSV or JSON table; open it and save it as CSV first."
        )
        raise SourceError(msg)
    if head.startswith(OLE2_MAGIC):
        msg = (
            f"{path.name} is an old Excel (.xls) workbook, not a CSV or JSON table; "
            "open it and save it as CSV first."
        )
        raise SourceError(msg)
    if b"\x00" in head:
        msg = (
            f"{path.name} is a binary file, not a CSV or JSON table; "
            "check that it is the right file."
        )
        raise SourceError(msg)


def sniff_encoding(path: Path) -> str:
    """The text encoding of ``path``: a Python codec name (``utf-8-sig``, ``utf-16``,
    ``utf-16-le``, ``utf-16-be``, ``utf-32`` or ``cp1252``).

    Raises
    ------
    SourceError
        The file is empty, a ZIP archive (an .xlsx renamed ``.csv``), an old Excel file or
        another binary file; the sentence says which.
    """
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    if not head:
        msg = f"{path.name} is empty; export the file again from its publisher."
        raise SourceError(msg)
    bom = _bom_encoding(head)
    if bom is not None:
        return bom
    bomless = _bomless_utf16(head)
    if bomless is not None:
        return bomless
    _refuse_binary(path, head)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def encoding_note(encoding: str) -> list[str]:
    """The note an import keeps about a file's encoding: none for UTF-8, else what it was
    read as (``["read as cp1252 (the file is not UTF-8)"]``)."""
    if encoding in _PLAIN:
        return []
    if encoding == "cp1252":
        return ["read as cp1252 (the file is not UTF-8; check accented names)"]
    return [f"read as {encoding}"]


def check_vector_text(path: Path) -> None:
    """Refuse, by name, what GDAL would misread as a GeoJSON or CSV boundaries file: a ZIP
    archive not named ``.zip`` (an .xlsx renamed), an old Excel file, and UTF-16 or UTF-32 text
    (GDAL reads UTF-8 only)."""
    if path.suffix.lower() in (".zip", ".shp", ".gpkg", ".dbf", ".shx"):
        return
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    if not head:
        msg = f"{path.name} is empty; export the boundaries again as Shapefile or GeoJSON."
        raise SourceError(msg)
    if head.startswith(ZIP_MAGIC):
        msg = (
            f"{path.name} is a ZIP archive (an .xlsx workbook or a zipped shapefile) but is not "
            "named .zip; export the boundaries as GeoJSON, or name a zipped shapefile .zip."
        )
        raise SourceError(msg)
    if head.startswith(OLE2_MAGIC):
        msg = f"{path.name} is an old Excel (.xls) file; export the boundaries as GeoJSON."
        raise SourceError(msg)
    encoding = _bom_encoding(head) or _bomless_utf16(head)
    if encoding is not None:
        kind = "UTF-32" if encoding == "utf-32" else "UTF-16"
        msg = f"{path.name} is {kind} text; save it as UTF-8 and import it again."
        raise SourceError(msg)
    if head.lstrip(codecs.BOM_UTF8).lstrip()[:1] in (b"[", b"{"):
        depth = json_depth(path.read_bytes().decode("utf-8", errors="replace"))
        if depth > MAX_JSON_DEPTH:
            msg = (
                f"{path.name} nests its JSON {depth} levels deep (at most {MAX_JSON_DEPTH} are "
                "read); it is not GeoJSON boundaries. Export the boundaries again."
            )
            raise SourceError(msg)
