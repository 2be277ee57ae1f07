"""Hardening for every response, in one place: security headers, body size, no debug mode."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from .errors import error_response

# Sent with every response unless a route set its own (the search page sets its own CSP).
SECURITY_HEADERS = {
    # Browsers must not guess a type: a JSON body is never run as a script or page.
    "X-Content-Type-Options": "nosniff",
    # A JSON response rendered as a document may load nothing and may not be framed.
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    # The query a user typed stays out of other sites' logs.
    "Referrer-Policy": "no-referrer",
    # API Gateway serves HTTPS only; browsers ignore this header over plain HTTP.
    "Strict-Transport-Security": "max-age=31536000",
}


def register_security(app: Flask) -> None:
    """Refuse oversized bodies before routing, and never run in debug mode."""
    # Flask takes DEBUG from FLASK_DEBUG at creation; no stage of this service runs with it.
    app.debug = False

    @app.before_request
    def _body_limit() -> Response | None:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        # A chunked body has no length up front; Werkzeug stops reading it at the same limit.
        if limit is not None and (request.content_length or 0) > limit:
            return error_response(
                413, "payload_too_large", f"the request body is over {limit} bytes"
            )
        return None


def security_headers(response: Response) -> Response:
    """Add the security headers a route did not set itself."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
