"""What the edge accepts: text that can be kept and shown, and whole numbers a store can hold.

- :func:`check_request_text` (a dependency of every route) refuses, with a 400 naming the
  field, a path segment, query parameter, JSON value or key, or form field that holds a lone
  surrogate, NUL or another control character (tab and line breaks pass in bodies and forms);
  and with a 422 (like any value past its declared length) one longer than 200 characters in
  a path, 2,000 in a query parameter, or 10,000 in a body or form.
- :data:`ShortText` and :data:`LongText` are the types of the request models' text fields: one
  line of at most 200 characters, or several lines of at most 10,000 (422 when longer).
- :data:`RecordId`, :data:`Version`, :data:`Count` and :data:`Cents` are whole numbers within a
  64-bit column, so that a number past it is a 422, never a 500.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.exceptions import RequestValidationError
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from safeschools.errors import DataValidationError
from safeschools.model.text import LONG_TEXT_MAX, QUERY_TEXT_MAX, SHORT_TEXT_MAX, bad_character

__all__ = [
    "LINES_PATTERN",
    "MAX_INT",
    "ONE_LINE_PATTERN",
    "Cents",
    "Count",
    "Day",
    "FilledLongText",
    "FilledText",
    "IdPath",
    "LongText",
    "MetricName",
    "NeedScore",
    "Quantity",
    "RecordId",
    "RequestModel",
    "SchoolYear",
    "SchoolYearPath",
    "ShortText",
    "Version",
    "check_request_text",
]

#: The largest id, version or count taken: within a 64-bit column, and exact in every JSON
#: reader (2**53 - 1).
MAX_INT = 2**53 - 1


def _one_line(value: str) -> str:
    problem = bad_character(value, multiline=False)
    if problem is not None:
        msg = f"contains {problem}; write it on one line"
        raise ValueError(msg)
    return value


def _iso_day(value: Any) -> Any:
    """A date written as text like 2025-03-04 (not a number of seconds, not 20250304)."""
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        msg = "must be a date written like 2025-03-04"
        raise ValueError(msg)
    if not isinstance(value, str | date):
        msg = "must be a date written like 2025-03-04"
        raise ValueError(msg)
    return value


def _whole(value: Any) -> Any:
    """A JSON number (1 or 1.0), never text or true/false that only reads as one."""
    if isinstance(value, str | bool):
        msg = "must be a whole number, not text"
        raise ValueError(msg)
    return value


def _lines(value: str) -> str:
    problem = bad_character(value, multiline=True)
    if problem is not None:
        msg = f"contains {problem}, which cannot be kept"
        raise ValueError(msg)
    return value


#: What OpenAPI says of one line of text: no control character (lone surrogates are refused
#: too; a JSON schema pattern cannot name them).
ONE_LINE_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
#: Several lines: tab, line feed and carriage return allowed.
LINES_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
_NOT_SPACE = "[^\\s\\u0000-\\u001f\\u007f-\\u009f]"
#: One line with something in it besides spaces; several such lines.
FILLED_PATTERN = ONE_LINE_PATTERN[:-1] + _NOT_SPACE + ONE_LINE_PATTERN[1:]
FILLED_LINES_PATTERN = LINES_PATTERN[:-1] + _NOT_SPACE + LINES_PATTERN[1:]


def _filled(value: str) -> str:
    if not value.strip():
        msg = "is empty; write something"
        raise ValueError(msg)
    return value


def _text_type(limit: int, check: Any, pattern: str, *more: Any) -> Any:
    return Annotated[
        str,
        StringConstraints(max_length=limit),
        AfterValidator(check),
        *more,
        Field(json_schema_extra={"pattern": pattern}),
    ]


#: A name, label or other one-line text (at most 200 characters).
ShortText = _text_type(SHORT_TEXT_MAX, _one_line, ONE_LINE_PATTERN)
#: A goal, note, reason or motion (several lines, at most 10,000 characters).
LongText = _text_type(LONG_TEXT_MAX, _lines, LINES_PATTERN)
#: A metric's name (at most 64 characters).
MetricName = _text_type(64, _one_line, FILLED_PATTERN, AfterValidator(_filled))
#: A one-line text that says something (not only spaces).
FilledText = _text_type(SHORT_TEXT_MAX, _one_line, FILLED_PATTERN, AfterValidator(_filled))
#: Several lines that say something.
FilledLongText = _text_type(LONG_TEXT_MAX, _lines, FILLED_LINES_PATTERN, AfterValidator(_filled))
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A day, written like 2025-03-04.
Day = Annotated[date, BeforeValidator(_iso_day)]
#: A school year, 2024-25.
SchoolYear = Annotated[
    str, StringConstraints(pattern=r"^\d{4}-\d{2}$"), Field(examples=["2024-25"])
]
#: A school year in the path.
SchoolYearPath = Annotated[
    str, Path(pattern=r"^\d{4}-\d{2}$", description="A school year, e.g. 2024-25.")
]
#: A need score: a number, 0 or more, as text (2.5).
NeedScore = Annotated[str, StringConstraints(pattern=r"^\d{1,9}(\.\d{1,6})?$", max_length=16)]


class RequestModel(BaseModel):
    """A request body: only the fields it names (an unknown field is a 422, not ignored)."""

    model_config = ConfigDict(extra="forbid")


#: The id of a stored record.
RecordId = Annotated[int, Field(ge=1, le=MAX_INT), BeforeValidator(_whole)]
#: The version of a record you read.
Version = Annotated[
    int, Field(ge=0, le=MAX_INT, description="The version you read."), BeforeValidator(_whole)
]
#: A count of people or things.
Count = Annotated[int, Field(ge=0, le=2**31 - 1), BeforeValidator(_whole)]
#: How many of a thing, 1 or more.
Quantity = Annotated[int, Field(ge=1, le=2**31 - 1), BeforeValidator(_whole)]
#: Money in cents (up to $90 trillion: exact in every JSON reader).
Cents = Annotated[int, Field(ge=0, le=MAX_INT), BeforeValidator(_whole)]
#: A record id in the path.
IdPath = Annotated[int, Path(ge=1, le=MAX_INT, description="The record's id.")]


def _refuse(where: str, problem: str) -> None:
    msg = f"{where} contains {problem}, which cannot be kept; remove it and send it again."
    raise DataValidationError(msg)


def _check(
    value: str,
    where: str,
    *,
    multiline: bool,
    loc: tuple[str | int, ...],
    limit: int = LONG_TEXT_MAX,
) -> None:
    """A character no page can show is a 400 naming ``where``; text past ``limit`` is a 422
    like any other value past its declared length."""
    problem = bad_character(value, multiline=multiline)
    if problem is not None:
        _refuse(where, problem)
    if len(value) > limit:
        msg = f"{where} is {len(value):,} characters long; the limit is {limit:,}."
        raise RequestValidationError([{"loc": loc, "msg": msg, "type": "string_too_long"}])


def _walk(value: Any, where: str, loc: tuple[str | int, ...]) -> None:
    """Check every string of a JSON value (keys too), naming each by its path."""
    if isinstance(value, str):
        _check(value, f"The field {where!r}", multiline=True, loc=loc)
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            at = f"A key of {where or 'the body'!r}"
            _check(str(key), at, multiline=False, loc=loc, limit=SHORT_TEXT_MAX)
            _walk(item, inner, (*loc, str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{where}[{i}]", (*loc, i))


async def check_request_text(request: Request) -> None:
    """Refuse (400, naming the field) text no page or store can carry, wherever it is sent."""
    for name, value in request.path_params.items():
        if isinstance(value, str):
            where, loc = f"The path's {name}", ("path", name)
            _check(value, where, multiline=False, loc=loc, limit=SHORT_TEXT_MAX)
    for name, value in request.query_params.multi_items():
        loc = ("query", name)
        _check(name, "A query parameter's name", multiline=False, loc=loc, limit=SHORT_TEXT_MAX)
        where = f"The query parameter {name!r}"
        _check(value, where, multiline=False, loc=loc, limit=QUERY_TEXT_MAX)
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        for name, value in form.multi_items():
            _check(name, "A form field's name", multiline=False, loc=("body", name))
            if isinstance(value, str):
                _check(value, f"The field {name!r}", multiline=True, loc=("body", name))
    elif kind == "application/json" or kind.endswith("+json"):
        body = await request.body()
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return  # FastAPI answers the parse error itself
        _walk(data, "", ("body",))
