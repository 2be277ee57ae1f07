"""Service settings: defaults, then the environment, then an explicit dict (tests)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INDEX_DIR = PROJECT_ROOT / "index_data"

DEFAULTS: dict[str, Any] = {
    "SEARCH_INDEX_DIR": str(DEFAULT_INDEX_DIR),
    # Shared caches (a CDN, API Gateway) may keep a response this long; browsers a bit less.
    "CACHE_MAX_AGE": 60,
    "CACHE_S_MAXAGE": 300,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    # Origins (scheme://host[:port]) whose pages may call the API from the browser; "*" = any.
    "CORS_ORIGINS": (),
    # Prefix of the article links on the search page, e.g. https://www.example.com ("" = relative).
    "SITE_URL": "",
}


def parse_origins(value: str) -> tuple[str, ...]:
    """Return the origins in a comma-separated list, normalised ("https://A.com/" -> "https://a.com")."""
    return tuple(o.strip().rstrip("/").lower() for o in value.split(",") if o.strip())


# Settings read from the environment, with how to parse each.
ENV_SETTINGS = {
    "SEARCH_INDEX_DIR": str,
    "CACHE_MAX_AGE": int,
    "CACHE_S_MAXAGE": int,
    "CORS_ORIGINS": parse_origins,
    "SITE_URL": str,
}


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the settings: defaults, overridden by the environment, then by overrides."""
    config = dict(DEFAULTS)
    for name, parse in ENV_SETTINGS.items():
        if name in os.environ:
            config[name] = parse(os.environ[name])
    config.update(overrides or {})
    return config
