"""One error shape for every failure: {"error": {"code", "message"}} with a 4xx/5xx status."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from index.errors import (
    BadQuery,
    EmptyQuery,
    IndexMissing,
    IndexUnreadable,
    NoWords,
    QueryTooLong,
    SearchError,
)

log = logging.getLogger(__name__)

# Stable codes for HTTP errors raised by Flask/Werkzeug themselves.
_HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}

_MESSAGES = {
    404: "no such route; the API is described at /openapi.json",
    405: "method not allowed on this route; see the Allow header",
}

# The search core's exceptions, mapped to a status and a stable code in one place.
_CORE_ERRORS: dict[type[SearchError], tuple[int, str]] = {
    BadQuery: (400, "bad_query"),
    EmptyQuery: (400, "empty_query"),
    QueryTooLong: (400, "query_too_long"),
    NoWords: (400, "no_words"),
    IndexMissing: (503, "index_missing"),
    IndexUnreadable: (503, "index_unreadable"),
}


def core_error(exc: SearchError) -> tuple[int, str]:
    """Return the status and code of a core exception: its own class's, or its nearest base's."""
    for cls in type(exc).__mro__:
        if cls in _CORE_ERRORS:
            return _CORE_ERRORS[cls]
    return 500, "internal_error"


class ApiError(Exception):
    """An error the API reports to the caller as JSON."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str) -> Response:
    """Build the JSON error response every route uses."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def register_error_handlers(app: Flask) -> None:
    """Make every error, including 404/405 and unexpected ones, a JSON body."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message)

    @app.errorhandler(SearchError)
    def _core_error(exc: SearchError) -> Response:
        status, code = core_error(exc)
        if status >= 500:
            log.error("search core error: %s", exc)
            # The path of the index is for the logs, not for the public.
            return error_response(status, code, "the search index is not available right now")
        return error_response(status, code, str(exc))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        code = _HTTP_CODES.get(status, "http_error")
        message = _MESSAGES.get(status, exc.description or exc.name)
        response = error_response(status, code, message)
        if status == 405 and exc.get_response().headers.get("Allow"):
            response.headers["Allow"] = exc.get_response().headers["Allow"]
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "an unexpected error occurred")
