"""Read a voice platform's JSON body: bounded in size, 4xx JSON errors, never a 500."""

from __future__ import annotations

import json

from flask import request

from ..errors import ApiError

# Platform envelopes are a few kilobytes; Alexa's context with screen details stays well under.
MAX_BODY_BYTES = 32 * 1024


def raw_body(limit: int = MAX_BODY_BYTES) -> bytes:
    """Return the raw request body; raise a 413 when it is larger than limit."""
    too_large = ApiError(413, "payload_too_large", f"the request body is over {limit} bytes")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    # A chunked body has no length up front: the app-wide MAX_CONTENT_LENGTH bounds the read.
    data = request.get_data(cache=True)
    if len(data) > limit:
        raise too_large
    return data


def json_object(raw: bytes) -> dict:
    """Parse raw as a JSON object; raise a 400 when it is not one."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ApiError(400, "bad_json", "the request body is not valid JSON") from exc
    if not isinstance(value, dict):
        raise ApiError(400, "bad_request_shape", "the request body must be a JSON object")
    return value


def field(data: object, *path: str) -> object:
    """Return the value at path inside nested objects, or None where any step is missing."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data
