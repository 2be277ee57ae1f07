"""GET /suggest: completions for the search box, called on every keystroke."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from index.suggest import suggest

from .operations import api_route
from .params import request_args
from .schemas import SuggestArgs, Suggestion, SuggestResponse, body
from .search_index import current_index

bp = Blueprint("suggest", __name__)


@api_route(
    bp,
    "/suggest",
    args=SuggestArgs,
    responses={
        200: (SuggestResponse, "Suggestions, most useful first."),
        304: (None, "Not modified (If-None-Match matched the ETag)."),
    },
    errors=(400, 503),
    summary="Completions for the search box as the user types",
    description=(
        "Every word of q but the last is complete; the last one is a prefix unless q ends in a "
        "space. Headings, FAQ questions and article titles that match come first, then the "
        "typed words with the last one completed from the index vocabulary."
    ),
    operationId="suggest",
)
def suggest_route() -> Response:
    """Return suggestions for what has been typed so far (a trailing space ends the last word)."""
    args = request_args()
    found = suggest(current_index(), args["q"], args["limit"])
    return jsonify(
        body(
            SuggestResponse,
            query=args["q"].text,
            suggestions=[body(Suggestion, s) for s in found],
        )
    )
