"""What the edge accepts: text that can be kept and shown, and whole numbers a store can hold.

- :func:`check_request_text` (a dependency of every route) refuses, with a 400 naming the
  field, a path segment, query parameter, JSON value or key, or form field that holds a lone
  surrogate, NUL or another control character (tab and line breaks pass in bodies and forms),
  or that is longer than :data:`~safeschools.model.text.LONG_TEXT_MAX` characters.
- :data:`ShortText` and :data:`LongText` are the types of the request models' text fields: one
  line of at most 200 characters, or several lines of at most 10,000 (422 when longer).
- :data:`RecordId`, :data:`Version`, :data:`Count` and :data:`Cents` are whole numbers within a
  64-bit column, so that a number past it is a 422, never a 500.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Path, Request
from pydantic import AfterValidator, Field, StringConstraints

from safeschools.errors import DataValidationError
from safeschools.model.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, bad_character

__all__ = [
    "MAX_INT",
    "Cents",
    "Count",
    "IdPath",
    "LongText",
    "RecordId",
    "ShortText",
    "Version",
    "check_request_text",
]

#: The largest whole number a column holds (a signed 64-bit integer).
MAX_INT = 2**63 - 1


def _one_line(value: str) -> str:
    problem = bad_character(value, multiline=False)
    if problem is not None:
        msg = f"contains {problem}; write it on one line"
        raise ValueError(msg)
    return value


def _lines(value: str) -> str:
    problem = bad_character(value, multiline=True)
    if problem is not None:
        msg = f"contains {problem}, which cannot be kept"
        raise ValueError(msg)
    return value


#: A name, label or other one-line text (at most 200 characters).
ShortText = Annotated[str, StringConstraints(max_length=SHORT_TEXT_MAX), AfterValidator(_one_line)]
#: A goal, note, reason or motion (several lines, at most 10,000 characters).
LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT_MAX), AfterValidator(_lines)]
#: The id of a stored record.
RecordId = Annotated[int, Field(ge=1, le=MAX_INT)]
#: The version of a record you read.
Version = Annotated[int, Field(ge=0, le=MAX_INT, description="The version you read.")]
#: A count of people or things.
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
#: Money in cents (up to $90 trillion: exact in every JSON reader).
Cents = Annotated[int, Field(ge=0, le=2**53)]
#: A record id in the path.
IdPath = Annotated[int, Path(ge=1, le=MAX_INT, description="The record's id.")]


def _refuse(where: str, problem: str) -> None:
    msg = f"{where} contains {problem}, which cannot be kept; remove it and send it again."
    raise DataValidationError(msg)


def _check(value: str, where: str, *, multiline: bool) -> None:
    problem = bad_character(value, multiline=multiline)
    if problem is not None:
        _refuse(where, problem)
    if len(value) > LONG_TEXT_MAX:
        msg = f"{where} is {len(value):,} characters long; the limit is {LONG_TEXT_MAX:,}."
        raise DataValidationError(msg)


def _walk(value: Any, where: str) -> None:
    """Check every string of a JSON value (keys too), naming each by its path."""
    if isinstance(value, str):
        _check(value, f"The field {where!r}", multiline=True)
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            _check(str(key), f"A key of {where or 'the body'!r}", multiline=False)
            _walk(item, inner)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{where}[{i}]")


async def check_request_text(request: Request) -> None:
    """Refuse (400, naming the field) text no page or store can carry, wherever it is sent."""
    for name, value in request.path_params.items():
        if isinstance(value, str):
            _check(value, f"The path's {name}", multiline=False)
    for name, value in request.query_params.multi_items():
        _check(name, "A query parameter's name", multiline=False)
        _check(value, f"The query parameter {name!r}", multiline=False)
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        for name, value in form.multi_items():
            _check(name, "A form field's name", multiline=False)
            if isinstance(value, str):
                _check(value, f"The field {name!r}", multiline=True)
    elif kind == "application/json" or kind.endswith("+json"):
        body = await request.body()
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return  # FastAPI answers the parse error itself
        _walk(data, "")
