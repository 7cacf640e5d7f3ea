"""Reading the fields of a posted HTML form: text, whole numbers, versions and dollar amounts,
each with one clear sentence when a value cannot be read (a 400 page)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from safeschools.errors import DataValidationError

__all__ = [
    "FormDep",
    "dollars_to_cents",
    "field",
    "posted_form",
    "to_signin",
    "version_read",
    "whole_number",
]


async def posted_form(request: Request) -> FormData:
    """The posted form, read on the event loop; the route that depends on it is a plain
    function, run in the server's thread pool, so its store reads and writes never hold up
    other requests."""
    return await request.form()


#: The posted form, for a route: ``def route(request: Request, form: FormDep)``.
FormDep = Annotated[FormData, Depends(posted_form)]


def field(form: Any, name: str) -> str:
    """The field's text, stripped ("" when absent)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def whole_number(text: str, what: str) -> int:
    """A whole number written in a form field (``what`` names it in the message)."""
    if not text.isdigit():
        msg = f"The {what} must be a whole number, 0 or more, not {text!r}."
        raise DataValidationError(msg)
    return int(text)


def version_read(text: str) -> int:
    """The version a form was built from (0 for a new record; -1, never stored, if garbled, so
    the write is refused as stale instead of overwriting)."""
    return int(text) if text.isdigit() else -1


def dollars_to_cents(text: str, what: str) -> int:
    """``12,345.67`` or ``$12345.67`` as 1234567 cents."""
    try:
        value = Decimal(text.replace(",", "").removeprefix("$")) * 100
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value != value.to_integral_value():
        msg = f"The {what} {text!r} is not an amount in dollars to the cent, like 85000.00."
        raise DataValidationError(msg)
    return int(value)


def to_signin(back_to: str) -> RedirectResponse:
    """The public cannot write: sign in first, then back to ``back_to``."""
    return RedirectResponse(f"/signin?next={back_to}", status_code=303)
