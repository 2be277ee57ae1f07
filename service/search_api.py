"""The JSON search API: /search, /answer, /health."""

from __future__ import annotations

import time

from flask import Blueprint, Response, jsonify

from index.errors import IndexMissing, IndexUnreadable
from index.query import parse_query
from index.search import Answer, Hit, SearchResults, rank, search_and_answer

from . import schemas
from .errors import core_error, error_response
from .operations import api_route
from .params import request_args
from .query_log import log_query
from .schemas import (
    AnswerArgs,
    AnswerResponse,
    HealthResponse,
    SearchArgs,
    SearchResponse,
    body,
)
from .search_index import current_index, provider

bp = Blueprint("search_api", __name__)


def hit_json(hit: Hit) -> dict:
    """Return the public JSON of one ranked passage."""
    return body(schemas.Result, hit)


def answer_json(found: Answer | None) -> dict | None:
    """Return the public JSON of an answer (None stays null)."""
    if found is None:
        return None
    out = body(schemas.Answer, found)
    if found.items:  # a list answer: only then, so a passage answer keeps its shape
        out["items"] = [body(schemas.ListItem, item) for item in found.items]
    else:
        del out["items"]
    return out


def results_json(results: SearchResults, limit: int, offset: int) -> dict:
    """Return the public JSON of a page of search results."""
    return body(
        SearchResponse,
        results,
        limit=limit,
        offset=offset,
        results=[hit_json(h) for h in results.hits],
        took_ms=round(results.took_ms, 3),
    )


@api_route(
    bp,
    "/search",
    args=SearchArgs,
    responses={200: (SearchResponse, "Ranked results, best first.")},
    errors=(400, 503),
    summary="Ranked passages with highlighted snippets",
    operationId="search",
)
def search_route() -> Response:
    """Return ranked passages with highlighted snippets."""
    started = time.perf_counter()
    args = request_args()
    index = current_index()
    results = rank(index, parse_query(index, args["q"]), args["limit"], args["offset"])
    log_query("/search", results, started, offset=args["offset"])
    return jsonify(results_json(results, args["limit"], args["offset"]))


@api_route(
    bp,
    "/answer",
    args=AnswerArgs,
    responses={200: (AnswerResponse, "The answer (null when none is confident).")},
    errors=(400, 503),
    summary="The one best answer, or null",
    operationId="answer",
)
def answer_route() -> Response:
    """Return the one best answer, or null when nothing answers confidently."""
    started = time.perf_counter()
    args = request_args()
    index = current_index()
    found = search_and_answer(index, args["q"])
    log_query("/answer", found.results, started, answer=found.answer)
    return jsonify(
        body(
            AnswerResponse,
            query=found.parsed.text,
            corrected=found.parsed.corrected,
            answer=answer_json(found.answer),
            index_version=index.version,
        )
    )


@api_route(
    bp,
    "/health",
    responses={200: (HealthResponse, "The index is usable.")},
    errors=(503,),
    summary="Index status and the version being served",
    operationId="health",
)
def health_route() -> Response:
    """Report whether the index is usable and which version is served."""
    served = provider()
    try:
        index = current_index()
        index.probe()
        index.verify()  # checksums, once per opened version: a damaged file opening missed
        if served.problem is not None:
            raise served.problem
    except (IndexMissing, IndexUnreadable) as exc:
        status, code = core_error(exc)
        # Ops learn what is wrong, relative to the configured folder; the public no paths.
        message = str(exc).replace(str(served.root), "SEARCH_INDEX_DIR")
        if served.problem is not None and served.problem is exc:
            message += f"; still serving the last good version {index.version}"
        return error_response(status, code, message)
    manifest = index.manifest
    response = jsonify(
        body(
            HealthResponse,
            status="ok",
            index_version=index.version,
            articles=manifest["article_count"],
            passages=manifest["passage_count"],
            built_at=manifest.get("built_at"),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
