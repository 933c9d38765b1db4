"""A small OpenAPI registry: each endpoint is declared once, with pydantic models.

The decorator does four jobs so endpoints stay thin: it registers the Flask route, checks
the bearer token, parses and validates the JSON body into a model (a clear 422 otherwise),
and records everything the OpenAPI document at `/api/v1/openapi.json` says about it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from pydantic import BaseModel, ValidationError
from werkzeug.wrappers import Response

from buurthulp.auth.guards import MEMBER, PUBLIC
from buurthulp.errors import BuurthulpError, InvalidInput, NotAllowed, NotAuthenticated
from buurthulp.i18n import MEMBER_LOCALE
from buurthulp.i18n import gettext as _
from buurthulp.inputs import MAX_ID, control_in_json, refuse_control_characters
from buurthulp.schemas_base import StrictModel

__all__ = [
    "ApiRegistry",
    "File",
    "Parameter",
    "StrictModel",
    "openapi_document",
    "parse_body",
]

ERROR_STATUSES = {
    400: "Bad request: the body is not a JSON object, a query parameter, cursor or header is "
    "malformed.",
    401: "No valid bearer token.",
    403: "Not allowed for this member.",
    404: "Not found, or not visible to this member.",
    409: "Conflicts with the current state (limits, duplicates).",
    422: "A field is missing or not valid.",
    429: "Too many requests; try again later.",
}


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


@dataclass
class Parameter:
    name: str
    location: str  # "query" | "header" | "path"
    schema: dict[str, Any]
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class File:
    """A response that is a file, not JSON (the endpoint returns a ready Response)."""

    media_type: str


ResponseBody = type[BaseModel] | File | None


@dataclass
class Operation:
    rule: str
    method: str
    summary: str
    endpoint: str
    auth: bool
    body: type[BaseModel] | None
    responses: dict[int, tuple[str, ResponseBody]]
    parameters: list[Parameter] = field(default_factory=list)
    tag: str = "general"
    errors: tuple[int, ...] = ()


class ApiRegistry:
    def __init__(self, blueprint: Blueprint) -> None:
        self.blueprint = blueprint
        self.operations: list[Operation] = []

    def operation(
        self,
        rule: str,
        method: str,
        *,
        summary: str,
        responses: dict[int, tuple[str, ResponseBody]],
        body: type[BaseModel] | None = None,
        auth: bool = True,
        parameters: list[Parameter] | None = None,
        tag: str = "general",
        errors: tuple[int, ...] = (403, 404, 409),
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
            @wraps(view)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                if auth:
                    _authenticate()
                if body is not None:
                    kwargs["body"] = parse_body(body)
                result = view(*args, **kwargs)
                return _respond(result)

            wrapper.access = MEMBER if auth else PUBLIC  # type: ignore[attr-defined]
            endpoint = view.__name__
            self.blueprint.add_url_rule(rule, endpoint, wrapper, methods=[method])
            all_errors = {400, 422, 429, *errors} | ({401} if auth else set())
            self.operations.append(
                Operation(
                    rule=rule,
                    method=method.lower(),
                    summary=summary,
                    endpoint=endpoint,
                    auth=auth,
                    body=body,
                    responses=responses,
                    parameters=list(parameters or []),
                    tag=tag,
                    errors=tuple(sorted(all_errors)),
                )
            )
            return wrapper

        return decorate


def _authenticate() -> None:
    from buurthulp.auth.services import live_token

    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    found = live_token(token.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        raise NotAuthenticated(_("Log in first: send a valid bearer token."))
    if found.member.is_staff and found.second_factor_at is None:
        # A token from before the member became staff, or from before the second factor
        # existed: staff reach residents' data only with a second factor.
        raise NotAllowed(
            _(
                "Staff need two-step verification for the API. Log in on the website, set "
                "it up under My account, then ask for a new token."
            ),
            code="second_factor_required",
        )
    g.api_member = found.member
    g.setdefault(MEMBER_LOCALE, found.member.locale)


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON as `model`: 400 when it is not JSON at all, 422 naming the field
    that is wrong (a wrong type, a missing field, a control character)."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nesting deeper than the JSON parser goes: not a usable body
        data = None
    if data is None:
        raise BuurthulpError(_("Send a JSON object as the request body."), code="bad_json")
    where = control_in_json(data)
    if where is not None:
        # No database text column can hold U+0000 (PostgreSQL refuses it): a 422, not a 500.
        raise refuse_control_characters(where)
    try:
        # Validated as JSON: strict types still (no "5" for 5), and dates as ISO 8601
        # strings, the only way JSON can carry them (strict Python mode refuses strings).
        return model.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise InvalidInput(
            _("Field '%(field)s': %(problem)s", field=where, problem=first.get("msg", "invalid")),
            field=where,
        ) from None


def _respond(result: Any) -> Any:
    if isinstance(result, Response):  # a file (see `File`): sent as the endpoint made it
        return result
    status = 200
    headers: dict[str, str] = {}
    if isinstance(result, tuple):
        result, status, *rest = result
        if rest:
            headers = rest[0]
    if status == 204:
        response = current_app.response_class(status=204)
        response.headers.update(headers)
        return response
    payload = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
    response = jsonify(payload)
    response.status_code = status
    response.headers.update(headers)
    return response


# OpenAPI ---------------------------------------------------------------------------------------


def _schema_ref(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(
        ref_template="#/components/schemas/{model}", mode="serialization"
    )
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _input_ref(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="validation")
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def openapi_document(registry: ApiRegistry, *, prefix: str, version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document, built from the registered operations."""
    components: dict[str, Any] = {}
    error_ref = _schema_ref(ErrorResponse, components)
    paths: dict[str, Any] = {}
    for op in registry.operations:
        path = prefix + op.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        entry: dict[str, Any] = {
            "summary": op.summary,
            "operationId": op.endpoint,
            "tags": [op.tag],
            "parameters": [],
            "responses": {},
        }
        for param in op.parameters:
            entry["parameters"].append(
                {
                    "name": param.name,
                    "in": param.location,
                    "required": param.required,
                    "schema": param.schema,
                    "description": param.description,
                }
            )
        for name in _path_params(op.rule):
            entry["parameters"].append(
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                }
            )
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _input_ref(op.body, components)}},
            }
        for status, (description, model) in op.responses.items():
            response: dict[str, Any] = {"description": description}
            if isinstance(model, File):
                response["content"] = {model.media_type: {"schema": {"type": "string"}}}
            elif model is not None:
                response["content"] = {
                    "application/json": {"schema": _schema_ref(model, components)}
                }
            entry["responses"][str(status)] = response
        for status in op.errors:
            entry["responses"].setdefault(
                str(status),
                {
                    "description": ERROR_STATUSES.get(status, "Error"),
                    "content": {"application/json": {"schema": error_ref}},
                },
            )
        if op.auth:
            entry["security"] = [{"bearerAuth": []}]
        paths.setdefault(path, {})[op.method] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Buurthulp API",
            "version": version,
            "description": "Neighbourhood help and time bank. Errors: "
            '{"error": {"code", "message"}}.',
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


def _path_params(rule: str) -> list[str]:
    import re

    return re.findall(r"<int:([a-z_]+)>", rule)
