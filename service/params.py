"""Read a request's query string with its route's declared schema, into clear 400 errors."""

from __future__ import annotations

from typing import Any

from flask import g, request
from marshmallow import Schema, ValidationError

from index.errors import BadQuery

from .errors import ApiError
from .operations import args_schema


def load_args(schema: Schema) -> dict[str, Any]:
    """Return the query-string arguments schema declares; raise ApiError or the core's BadQuery.

    Parameters are checked in declared order, so q's problem is reported before limit's.
    """
    given: dict[str, str] = {}
    for name, field in schema.fields.items():
        values = request.args.getlist(name)
        if len(values) > 1:
            raise ApiError(400, f"bad_{field.error_stem}", f"give the '{name}' parameter once")
        if values:
            given[name] = values[0]
        elif field.required:
            raise ApiError(
                400, f"missing_{field.error_stem}", f"the '{name}' parameter is required"
            )
    try:
        # q's own failures are BadQuery subclasses, raised straight through marshmallow.
        return schema.load(given)
    except ValidationError as exc:
        name = next(n for n in schema.fields if n in exc.messages_dict)
        field = schema.fields[name]
        raise ApiError(400, f"bad_{field.error_stem}", field.complaint()) from exc


def request_args() -> dict[str, Any]:
    """Return this request's arguments, read once per request with its route's schema."""
    # The response cache (service/cached_responses.py) reads them for its key before the route
    # runs: the route gets the same values, and q is cleaned once, whatever fails.
    if "request_args" not in g:
        try:
            g.request_args = load_args(args_schema(request.endpoint))
        except (ApiError, BadQuery) as exc:
            g.request_args = exc
    if isinstance(g.request_args, Exception):
        raise g.request_args
    return g.request_args
