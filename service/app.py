"""The Flask app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

from index.store import IndexProvider

from .config import load_config
from .errors import register_error_handlers
from .openapi import bp as openapi_bp
from .search_api import bp as search_bp
from .voice import alexa, dialogflow


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then the environment, then config (tests pass a dict)."""
    app = Flask(__name__)
    app.config.update(load_config(config))
    app.json.sort_keys = False
    app.extensions["search_index"] = IndexProvider(app.config["SEARCH_INDEX_DIR"])
    register_error_handlers(app)
    app.register_blueprint(search_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(alexa.bp)
    app.register_blueprint(dialogflow.bp)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.method == "GET" and response.status_code == 200:
            response.headers.setdefault(
                "Cache-Control",
                f"public, max-age={app.config['CACHE_MAX_AGE']}, "
                f"s-maxage={app.config['CACHE_S_MAXAGE']}",
            )
        return response

    return app
