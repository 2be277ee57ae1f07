"""The Flask app factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response

from . import search_index
from .cached_responses import init_app as init_response_cache
from .caching import init_caching
from .config import load_config
from .cors import init_cors
from .errors import register_error_handlers
from .openapi import bp as openapi_bp
from .pages import bp as pages_bp
from .pages import page_headers
from .search_api import bp as search_bp
from .security import register_security, security_headers
from .slow_clients import init_read_deadline
from .suggest_api import bp as suggest_bp
from .voice import alexa, dialogflow

AfterRequest = Callable[[Response], Response]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then the environment, then config (tests pass a dict)."""
    app = Flask(__name__)
    app.config.update(load_config(config))
    app.json.sort_keys = False
    search_index.init_app(app)
    register_error_handlers(app)
    # Before each request, in this order: an oversized body is refused first (security), a body
    # sent too slowly to a self-hosted server gets 408 (read deadline), a repeated GET is
    # answered from memory (response cache), then CORS preflights.
    register_security(app)
    init_read_deadline(app)
    store_response = init_response_cache(app)
    cache_headers = init_caching(app)
    cors_headers = init_cors(app)
    for bp in (search_bp, openapi_bp, suggest_bp, pages_bp, alexa.bp, dialogflow.bp):
        app.register_blueprint(bp)
    # After each request, in this order (one hook runs them all, so the order is read here):
    after: tuple[AfterRequest, ...] = (
        # The page sets its own CSP first; security_headers below only fills what is unset.
        page_headers,
        # Access-Control-Allow-Origin and Vary: Origin go on the 200 before it can become a
        # 304, so a revalidated copy and the copy a CDN keeps carry them too.
        cors_headers,
        # ETag and Cache-Control; a matching If-None-Match turns the response into a 304.
        cache_headers,
        # After the 304 step: only a full 200 body is kept, and X-Cache is on what is sent.
        store_response,
        # Last: every response, whatever made it, gets the headers no route set itself.
        security_headers,
    )

    @app.after_request
    def _after_request(response: Response) -> Response:
        for hook in after:
            response = hook(response)
        return response

    return app
