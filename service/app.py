"""The Flask app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from index.store import IndexProvider

from .cached_responses import init_app as init_response_cache
from .caching import init_caching
from .config import load_config
from .cors import init_cors
from .errors import register_error_handlers
from .openapi import bp as openapi_bp
from .pages import bp as pages_bp
from .search_api import bp as search_bp
from .security import register_security
from .slow_clients import init_read_deadline
from .suggest_api import bp as suggest_bp
from .voice import alexa, dialogflow


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then the environment, then config (tests pass a dict)."""
    app = Flask(__name__)
    app.config.update(load_config(config))
    app.json.sort_keys = False
    app.extensions["search_index"] = IndexProvider(app.config["SEARCH_INDEX_DIR"])
    register_error_handlers(app)
    register_security(app)  # security headers on every response, early 413, no debug mode
    init_read_deadline(app)  # a body sent too slowly to a self-hosted server: 408
    init_response_cache(app)
    app.register_blueprint(search_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(suggest_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(alexa.bp)
    app.register_blueprint(dialogflow.bp)
    init_caching(app)  # Cache-Control, ETag and 304 on successful GETs
    init_cors(app)
    return app
