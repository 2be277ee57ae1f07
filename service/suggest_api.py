"""GET /suggest: completions for the search box, called on every keystroke."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from index.query import clean_query
from index.suggest import DEFAULT_LIMIT, suggest

from .params import int_param, query_text
from .search_api import current_index

bp = Blueprint("suggest", __name__)

MAX_LIMIT = 20


@bp.get("/suggest")
def suggest_route() -> Response:
    """Return suggestions for what has been typed so far (a trailing space ends the last word)."""
    query_text()  # the one validation of q: missing, empty, too long, no words -> 400
    raw = request.args["q"]
    limit = int_param("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    found = suggest(current_index(), raw, limit)
    return jsonify(
        {
            "query": clean_query(raw),
            "suggestions": [{"text": s.text, "kind": s.kind} for s in found],
        }
    )
