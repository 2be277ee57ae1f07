"""CORS for the allow-list in CORS_ORIGINS: other sites' search boxes call the API from the browser.

An allowed origin gets `Access-Control-Allow-Origin` naming it (with `Vary: Origin`, so a
shared cache never hands one origin's answer to another); a preflight (OPTIONS with
`Access-Control-Request-Method`) gets 204 and the allowed methods and headers. An origin not on
the list gets no CORS header at all, so its browser refuses it the response.

Why not flask-cors: flask-cors 6.0.5, configured for this allow-list (origins, methods,
allow_headers, max_age, always_send=False, send_wildcard, vary_header), fails 4 of the 9 tests in
tests/test_cors.py. It sends `Vary: Origin` only beside an `Access-Control-Allow-Origin` and only
for a list of two or more origins, so with one allowed site, or for a request without Origin, a
shared cache (s-maxage, service/caching.py) keeps a copy without CORS headers and hands it to the
allowed site, whose box then breaks for minutes; a preflight asking for a header not on the list
still gets the origin and the methods granted; a granted preflight is Flask's 200 with a text/html
type instead of an empty 204. Fixing that around it needs as much code as this module, plus its
private "already evaluated" marker. (Importing it costs 3 ms, not the reason.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask, Response, request

from .config import parse_origins

ALLOW_METHODS = ("GET", "HEAD")
# Headers a page may add to its fetch; the embeddable box itself sends none that need a preflight.
ALLOW_HEADERS = ("accept", "accept-language", "content-language", "content-type", "if-none-match")
PREFLIGHT_MAX_AGE = 600


def allowed_origins(setting: str | Iterable[str]) -> frozenset[str]:
    """Return the allow-list from the CORS_ORIGINS setting (a comma-separated string or a list)."""
    if isinstance(setting, str):
        return frozenset(parse_origins(setting))
    return frozenset(parse_origins(",".join(setting)))


def init_cors(app: Flask) -> Callable[[Response], Response]:
    """Answer preflights; return the hook adding CORS headers for app.config["CORS_ORIGINS"]."""
    origins = allowed_origins(app.config.get("CORS_ORIGINS", ()))
    any_origin = "*" in origins

    def allow_origin_for(origin: str | None) -> str | None:
        if any_origin:
            return "*"
        # "null" (sandboxed frames, file: pages) is never on a list of real origins.
        if origin and origin.lower() in origins:
            return origin
        return None

    @app.before_request
    def _preflight() -> Response | None:
        if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
            return None
        if request.url_rule is None:
            return None  # an unknown route stays a 404
        response = app.make_default_options_response()
        allow = allow_origin_for(request.headers.get("Origin"))
        method = request.headers["Access-Control-Request-Method"].upper()
        wanted = {
            h.strip().lower()
            for h in request.headers.get("Access-Control-Request-Headers", "").split(",")
            if h.strip()
        }
        if allow and method in ALLOW_METHODS and wanted <= set(ALLOW_HEADERS):
            response.status_code = 204
            del response.headers["Content-Type"]  # no body
            response.headers["Access-Control-Allow-Methods"] = ", ".join(ALLOW_METHODS)
            if wanted:
                response.headers["Access-Control-Allow-Headers"] = ", ".join(sorted(wanted))
            response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        return response

    def cors_headers(response: Response) -> Response:
        if not origins:
            return response
        if not any_origin:
            response.vary.add("Origin")
        allow = allow_origin_for(request.headers.get("Origin"))
        if allow:
            response.headers["Access-Control-Allow-Origin"] = allow
        return response

    return cors_headers
