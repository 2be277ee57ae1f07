"""Validation of query-string parameters into clear 400 errors."""

from __future__ import annotations

from flask import request

from index.errors import BadQuery
from index.query import clean_query
from index.text import WORD_RE

from .errors import ApiError


def query_text(name: str = "q") -> str:
    """Return the normalised query parameter; raise a 400 when missing, empty or too long."""
    values = request.args.getlist(name)
    if not values:
        raise ApiError(400, "missing_query", f"the '{name}' parameter is required")
    if len(values) > 1:
        raise ApiError(400, "bad_query", f"give the '{name}' parameter once")
    try:
        text = clean_query(values[0])
    except BadQuery as exc:
        code = "query_too_long" if "longer" in str(exc) else "empty_query"
        raise ApiError(400, code, str(exc)) from exc
    if not WORD_RE.search(text):
        # Only punctuation or query syntax ("*", "((", "~"): nothing a user could mean.
        raise ApiError(400, "no_words", "the query has no words to search for")
    return text


def int_param(name: str, default: int, low: int, high: int) -> int:
    """Return an integer parameter within [low, high]; raise a 400 otherwise."""
    values = request.args.getlist(name)
    if not values:
        return default
    raw = values[-1].strip()
    if len(values) > 1 or not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 6:
        raise ApiError(400, f"bad_{name}", f"'{name}' must be a whole number from {low} to {high}")
    value = int(raw)
    if not low <= value <= high:
        raise ApiError(400, f"bad_{name}", f"'{name}' must be a whole number from {low} to {high}")
    return value
