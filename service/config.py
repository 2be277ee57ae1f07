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
    # Seconds a self-hosted server waits for a whole request body (service/slow_clients.py).
    "BODY_READ_TIMEOUT": 10.0,
    # Responses of repeated GET queries kept per process (service/cached_responses.py); 0 = off.
    "RESPONSE_CACHE_SIZE": 1024,
    # ...and the bytes they may hold in all (bodies, keys, bookkeeping).
    "RESPONSE_CACHE_BYTES": 8 * 1024 * 1024,
    "RESPONSE_CACHE_ROUTES": ("/search", "/answer", "/suggest"),
    # Origins (scheme://host[:port]) whose pages may call the API from the browser; "*" = any.
    "CORS_ORIGINS": (),
    # Prefix of the article links on the search page, e.g. https://www.example.com ("" = relative).
    "SITE_URL": "",
    # A deployed stage (set by the stage's environment, and always on Lambda) never runs the
    # voice routes open: see service/voice/.
    "DEPLOYED": False,
    # Alexa skill ids allowed to call /voice/alexa; empty refuses every skill when deployed.
    "ALEXA_SKILL_IDS": (),
    # Signature, timestamp and skill-id checks; false is for local development only and is
    # ignored in a deployed stage.
    "ALEXA_VERIFY_SIGNATURES": True,
    # The shared secret Dialogflow sends (bearer token or basic-auth password); empty refuses all.
    "DIALOGFLOW_WEBHOOK_SECRET": "",
    # The site's notice spoken after every voice answer ("This is general information, ...").
    "VOICE_NOTICE": "",
}


def parse_bool(value: str) -> bool:
    """Parse a yes/no setting; anything unclear is an error rather than a silent default."""
    word = value.strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"not a yes/no setting: {value!r} (use true or false)")


def parse_list(value: str) -> tuple[str, ...]:
    """Parse a comma-separated setting into its non-empty items."""
    return tuple(item.strip() for item in value.split(",") if item.strip())


def parse_origins(value: str) -> tuple[str, ...]:
    """Return the origins in a comma-separated list, normalised ("https://A.com/" -> "https://a.com")."""
    return tuple(origin.rstrip("/").lower() for origin in parse_list(value))


# Settings read from the environment, with how to parse each.
ENV_SETTINGS = {
    "SEARCH_INDEX_DIR": str,
    "CACHE_MAX_AGE": int,
    "CACHE_S_MAXAGE": int,
    "RESPONSE_CACHE_SIZE": int,
    "RESPONSE_CACHE_BYTES": int,
    "BODY_READ_TIMEOUT": float,
    "CORS_ORIGINS": parse_origins,
    "SITE_URL": str,
    "DEPLOYED": parse_bool,
    "ALEXA_SKILL_IDS": parse_list,
    "ALEXA_VERIFY_SIGNATURES": parse_bool,
    "DIALOGFLOW_WEBHOOK_SECRET": str,
    "VOICE_NOTICE": str,
}


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the settings: defaults, overridden by the environment, then by overrides."""
    config = dict(DEFAULTS)
    for name, parse in ENV_SETTINGS.items():
        if name in os.environ:
            config[name] = parse(os.environ[name])
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        # Lambda sets this in every function: running there is always a deployed stage.
        config["DEPLOYED"] = True
    config.update(overrides or {})
    return config
