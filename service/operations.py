"""Each route of the API declared once, beside its view: path, method, arguments, responses.

`api_route` registers the view on its blueprint and records the operation; the view reads its
arguments with service.params.request_args() (validated by the declared schema) and
service/openapi.py describes every recorded operation at /openapi.json.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint
from marshmallow import Schema


@dataclass(frozen=True)
class Operation:
    """One method on one path, as /openapi.json describes it."""

    path: str
    method: str
    args: Schema | None
    # status -> (response schema or None, description); errors use the shared Error response.
    responses: dict[int, tuple[type[Schema] | dict | None, str]]
    errors: tuple[int, ...]
    # Further OpenAPI fields of the operation (summary, operationId, requestBody, security...).
    doc: dict[str, Any] = field(default_factory=dict)


OPERATIONS: dict[str, Operation] = {}
"""Every operation of the JSON API, by Flask endpoint ("blueprint.view")."""
ARGS: dict[str, Schema] = {}
"""The argument schema of every route that reads a query string, by endpoint."""


def api_route(
    bp: Blueprint,
    path: str,
    method: str = "get",
    *,
    args: type[Schema] | None = None,
    responses: dict[int, tuple[type[Schema] | dict | None, str]],
    errors: tuple[int, ...] = (),
    **doc: Any,
) -> Callable[[Callable], Callable]:
    """Register the decorated view for method on path and declare its operation."""

    def register(view: Callable) -> Callable:
        endpoint = f"{bp.name}.{view.__name__}"
        schema = args() if args else None
        if schema is not None:
            ARGS[endpoint] = schema
        OPERATIONS[endpoint] = Operation(path, method, schema, responses, errors, doc)
        return bp.route(path, methods=[method.upper()])(view)

    return register


def args_schema(endpoint: str | None) -> Schema:
    """Return the argument schema declared for endpoint."""
    found = ARGS.get(endpoint or "")
    if found is None:
        raise LookupError(f"no arguments are declared for endpoint {endpoint!r}")
    return found


def declare_args(bp: Blueprint, view_name: str, schema: type[Schema]) -> None:
    """Declare the arguments of a route outside the JSON API (the HTML search page)."""
    ARGS[f"{bp.name}.{view_name}"] = schema()
