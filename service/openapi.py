"""/openapi.json, generated with apispec from the declared operations and schemas.

Nothing here states a parameter, a limit or a field: the argument and body schemas are
service/schemas.py's, the voice envelopes service/voice/envelopes.py's, and each operation is
declared beside its view (service/operations.py). The document is built on the first request
for it, so the Lambda cold start never imports apispec.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, jsonify

from .operations import OPERATIONS, Operation, api_route

bp = Blueprint("openapi", __name__)

TITLE = "FAQ search"
VERSION = "1.0.0"
DESCRIPTION = (
    "Keyword search and best answers over a site's articles and FAQ. Successful GETs carry "
    "Cache-Control and a weak ETag tied to the index version (If-None-Match gets 304); origins "
    "listed in CORS_ORIGINS may call the API from the browser."
)
_ERROR = {"$ref": "#/components/responses/Error"}


def _operation(op: Operation) -> dict[str, Any]:
    """Return the OpenAPI operation object of op (marshmallow schemas left to the plugin)."""
    responses: dict[str, Any] = {}
    for status, (shape, about) in op.responses.items():
        response: dict[str, Any] = {"description": about}
        if isinstance(shape, dict):
            response["content"] = shape
        elif shape is not None:
            response["content"] = {"application/json": {"schema": shape.__name__}}
        responses[str(status)] = response
    for status in op.errors:
        responses[str(status)] = _ERROR
    described: dict[str, Any] = {**op.doc, "responses": responses}
    if op.args is not None:
        # apispec expands a schema "in: query" into one parameter per field.
        headers = op.doc.get("parameters", [])
        described["parameters"] = [{"in": "query", "schema": op.args}, *headers]
    return described


@lru_cache(maxsize=1)
def build_spec() -> dict[str, Any]:
    """Return the OpenAPI 3.0 document of every declared operation."""
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    from . import search_api, suggest_api  # noqa: F401  (their routes declare operations)
    from .schemas import BODIES
    from .voice import alexa, dialogflow  # noqa: F401
    from .voice.envelopes import ENVELOPES

    spec = APISpec(
        TITLE, VERSION, "3.0.3", plugins=[MarshmallowPlugin()], info={"description": DESCRIPTION}
    )
    for schema in BODIES:
        spec.components.schema(schema.__name__, schema=schema)
    for name, envelope in ENVELOPES.items():
        spec.components.schema(name, envelope)
    spec.components.response(
        "Error",
        {
            "description": "A client error (4xx) or an unavailable index.",
            "content": {"application/json": {"schema": "Error"}},
        },
    )
    spec.components.security_scheme("dialogflowBearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("dialogflowBasic", {"type": "http", "scheme": "basic"})
    for op in OPERATIONS.values():
        spec.path(path=op.path, operations={op.method: _operation(op)})
    return spec.to_dict()


def __getattr__(name: str) -> Any:
    # SPEC, for the tests that read the document without an app: built on first use.
    if name == "SPEC":
        return build_spec()
    raise AttributeError(name)


@api_route(
    bp,
    "/openapi.json",
    responses={200: (None, "OpenAPI 3 document.")},
    summary="This description",
    operationId="openapi",
)
def openapi_route() -> Response:
    """Serve the OpenAPI description."""
    return jsonify(build_spec())
