"""The OpenAPI document says every answer an operation can give and every value it takes.

FastAPI writes the document from the routes; :func:`install_openapi` completes it once:

- every operation lists the error answers it can give (400, 404, 422; a write also 401, 403
  and 409), each with the one error body (:class:`~safeschools.api.routes.ErrorBody`);
- every text a request carries (path, query, body, and the keys of a free-form object) says
  what the edge refuses (:mod:`safeschools.server.inputs`): no control character, at most
  10,000 characters;
- a parameter or field naming a preset lists the presets this server knows.

So a client (or a fuzzer such as schemathesis, which the tests run against the live server)
can tell a request the server refuses from one it takes by reading the document alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from safeschools.model.text import LONG_TEXT_MAX, QUERY_TEXT_MAX, SHORT_TEXT_MAX
from safeschools.server.inputs import LINES_PATTERN, ONE_LINE_PATTERN

__all__ = ["complete_openapi", "install_openapi"]

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
_READ_ERRORS = {
    "400": "A value the service refuses.",
    "404": "Nothing is known under that name.",
    "422": "A parameter or field is not of the right type or shape.",
}
_WRITE_ERRORS = {
    "401": "No API token, or an unknown one.",
    "403": "The account may not make this change.",
    "409": "Changed since you read it, or already recorded: reload, apply again.",
}
#: Parameters and fields whose value is the name of a preset.
_PRESET_NAMES = ("preset",)


def _constrain(
    schema: dict[str, Any],
    *,
    one_line: bool,
    components: dict[str, Any] | None = None,
    seen: set[str] | None = None,
    limit: int = LONG_TEXT_MAX,
) -> None:
    """Say, in a request schema, what the edge refuses of each text in it (following
    references into ``components``, each once)."""
    seen = set() if seen is None else seen
    reference = schema.get("$ref", "")
    if reference.startswith("#/components/schemas/") and components is not None:
        name = reference.rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            target = components.get(name, {})
            _constrain(target, one_line=one_line, components=components, seen=seen, limit=limit)
        return

    def inner(part: dict[str, Any]) -> None:
        _constrain(part, one_line=one_line, components=components, seen=seen, limit=limit)

    if "pattern" in schema and "anyOf" in schema:  # a pattern given for an optional text
        pattern = schema.pop("pattern")
        for option in schema["anyOf"]:
            if option.get("type") == "string":
                option["pattern"] = pattern
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, ()):
            inner(option)
    kind = schema.get("type")
    if kind == "string" and not ({"enum", "const", "format", "pattern"} & schema.keys()):
        schema["pattern"] = ONE_LINE_PATTERN if one_line else LINES_PATTERN
    if kind == "string" and not ({"enum", "const", "format"} & schema.keys()):
        schema.setdefault("maxLength", limit)
    if kind == "array" and isinstance(schema.get("items"), dict):
        inner(schema["items"])
    if kind == "object" or "properties" in schema:
        for value in schema.get("properties", {}).values():
            inner(value)
        extra = schema.get("additionalProperties")
        if extra is not False and kind == "object":
            schema.setdefault("propertyNames", {"pattern": ONE_LINE_PATTERN, "maxLength": 200})
            if isinstance(extra, dict):
                inner(extra)


def _presets(schema: dict[str, Any], names: list[str]) -> None:
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "string":
            option.pop("pattern", None)
            option["enum"] = names


def complete_openapi(document: dict[str, Any], *, preset_names: Iterable[str] = ()) -> None:
    """Complete FastAPI's ``document`` in place (see the module's description)."""
    names = sorted(preset_names)
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            errors = dict(_READ_ERRORS)
            if method != "get":
                errors |= _WRITE_ERRORS
            for status, description in errors.items():
                responses.setdefault(status, {"description": description, "content": _ERROR})
            for parameter in operation.get("parameters", ()):
                schema = parameter.setdefault("schema", {})
                in_query = parameter.get("in") == "query"
                limit = QUERY_TEXT_MAX if in_query else SHORT_TEXT_MAX
                _constrain(schema, one_line=True, limit=limit)
                if parameter.get("name") in _PRESET_NAMES and names:
                    _presets(schema, names)
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                schema = media.get("schema", {})
                _constrain(schema, one_line=False, components=components)
                reference = schema.get("$ref", "")
                if reference.startswith("#/components/schemas/"):
                    schema = components.get(reference.rsplit("/", 1)[1], {})
                for field, value in schema.get("properties", {}).items():
                    if field in _PRESET_NAMES and names:
                        _presets(value, names)


def install_openapi(app: FastAPI, *, preset_names: Iterable[str] = ()) -> None:
    """Serve ``app``'s document completed by :func:`complete_openapi` (built once)."""
    names = list(preset_names)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            complete_openapi(document, preset_names=names)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
