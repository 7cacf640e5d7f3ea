"""A school in one school year."""

from __future__ import annotations

import re
from dataclasses import dataclass

from safeschools.errors import DataValidationError

__all__ = ["GOVERNANCES", "GRADE_CATEGORIES", "School", "school_year_label"]

#: How a school is governed. ``options`` holds alternative and safe schools (ALOP, "Safe").
GOVERNANCES = ("district", "charter", "contract", "options")
#: Grade categories: elementary, middle and high school.
GRADE_CATEGORIES = ("ES", "MS", "HS")

_YEAR_RE = re.compile(r"^(?:SY)?\s*(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$", re.IGNORECASE)
_COMPACT_RE = re.compile(r"^(?:SY)?(\d{2})(\d{2})$", re.IGNORECASE)


def school_year_label(text: str) -> str:
    """Normalise a school year to ``YYYY-YY``.

    Accepts ``2019-20``, ``2019-2020``, ``SY1920``, ``1920`` and ``School Year 2019-2020``.

    Examples
    --------
    >>> school_year_label("School Year 2024-2025")
    '2024-25'
    >>> school_year_label("SY1718")
    '2017-18'
    """
    value = text.strip()
    value = re.sub(r"^school\s+year\s+", "", value, flags=re.IGNORECASE)
    match = _YEAR_RE.match(value)
    if match:
        start = int(match.group(1))
        end_text = match.group(2)
        end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
        if end % 100 == 0 and start % 100 == 99:
            end = (start // 100 + 1) * 100
        if end != start + 1:
            msg = f"School year {text!r} does not span two consecutive years; write it as 2019-20."
            raise DataValidationError(msg)
        return f"{start}-{end % 100:02d}"
    match = _COMPACT_RE.match(value)
    if match:
        start = 2000 + int(match.group(1))
        if (start + 1) % 100 != int(match.group(2)):
            msg = f"School year {text!r} does not span two consecutive years; write it as 2019-20."
            raise DataValidationError(msg)
        return f"{start}-{(start + 1) % 100:02d}"
    msg = f"Cannot read {text!r} as a school year; write it as 2019-20."
    raise DataValidationError(msg)


@dataclass(frozen=True, slots=True)
class School:
    """One school in one school year.

    ``lat``/``lon`` are degrees (EPSG:4326). ``None`` means the publisher did not say; an import
    that lacks a field never erases what another file said about the same school and year.
    """

    school_id: str
    school_year: str
    name: str
    address: str | None = None
    zip_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    governance: str | None = None
    grade_category: str | None = None
    grades: str | None = None
    network: str | None = None
    community_area: str | None = None
    enrollment: int | None = None
    long_name: str | None = None
    school_hours: str | None = None

    @property
    def is_charter(self) -> bool | None:
        """True for charter schools, None when governance is unknown."""
        return None if self.governance is None else self.governance == "charter"
