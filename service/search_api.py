"""The JSON search API: /search, /answer, /health."""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, g, jsonify

from index.errors import IndexMissing, IndexUnreadable
from index.query import parse_query
from index.search import Answer, Hit, SearchResults, rank, search_and_answer
from index.store import IndexProvider, SearchIndex

from .errors import error_response
from .params import int_param, query_text
from .query_log import log_query

bp = Blueprint("search_api", __name__)

MAX_LIMIT = 50
MAX_OFFSET = 500


def current_index() -> SearchIndex:
    """Return the index this process serves (opened once, reopened after a rebuild)."""
    # One version per request: the ETag (service/caching.py) names the version that answered.
    if "search_index" not in g:
        provider: IndexProvider = current_app.extensions["search_index"]
        g.search_index = provider.get()
    return g.search_index


def hit_json(hit: Hit) -> dict:
    """Return the public JSON of one ranked passage."""
    return {
        "id": hit.id,
        "article": hit.article,
        "section": hit.section,
        "snippet": hit.snippet,
        "text": hit.text,
        "url": hit.url,
        "score": hit.score,
    }


def answer_json(found: Answer | None) -> dict | None:
    """Return the public JSON of an answer (None stays null)."""
    if found is None:
        return None
    body = {
        "id": found.id,
        "article": found.article,
        "section": found.section,
        "text": found.text,
        "url": found.url,
        "confidence": found.confidence,
    }
    if found.items:  # a list answer: only then, so a passage answer keeps its shape
        body["items"] = [{"title": i.title, "url": i.url} for i in found.items]
    return body


def results_json(results: SearchResults, limit: int, offset: int) -> dict:
    """Return the public JSON of a page of search results."""
    return {
        "query": results.query,
        "corrected": results.corrected,
        "total": results.total,
        "limit": limit,
        "offset": offset,
        "results": [hit_json(h) for h in results.hits],
        "index_version": results.index_version,
        "took_ms": round(results.took_ms, 3),
    }


@bp.get("/search")
def search_route() -> Response:
    """Return ranked passages with highlighted snippets."""
    started = time.perf_counter()
    text = query_text()
    limit = int_param("limit", 10, 1, MAX_LIMIT)
    offset = int_param("offset", 0, 0, MAX_OFFSET)
    index = current_index()
    results = rank(index, parse_query(index, text), limit, offset)
    log_query("/search", results, started, offset=offset)
    return jsonify(results_json(results, limit, offset))


@bp.get("/answer")
def answer_route() -> Response:
    """Return the one best answer, or null when nothing answers confidently."""
    started = time.perf_counter()
    text = query_text()
    index = current_index()
    found = search_and_answer(index, text)
    log_query("/answer", found.results, started, answer=found.answer)
    return jsonify(
        {
            "query": found.parsed.text,
            "corrected": found.parsed.corrected,
            "answer": answer_json(found.answer),
            "index_version": index.version,
        }
    )


@bp.get("/health")
def health_route() -> Response:
    """Report whether the index is usable and which version is served."""
    provider: IndexProvider = current_app.extensions["search_index"]
    try:
        index = current_index()
        index.probe()
        index.verify()  # checksums, once per opened version: a damaged file opening missed
        if provider.problem is not None:
            raise provider.problem
    except (IndexMissing, IndexUnreadable) as exc:
        code = "index_missing" if isinstance(exc, IndexMissing) else "index_unreadable"
        # Ops learn what is wrong, relative to the configured folder; the public no paths.
        message = str(exc).replace(str(provider.root), "SEARCH_INDEX_DIR")
        if provider.problem is not None and provider.problem is exc:
            message += f"; still serving the last good version {index.version}"
        return error_response(503, code, message)
    manifest = index.manifest
    response = jsonify(
        {
            "status": "ok",
            "index_version": index.version,
            "articles": manifest["article_count"],
            "passages": manifest["passage_count"],
            "built_at": manifest.get("built_at"),
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response
