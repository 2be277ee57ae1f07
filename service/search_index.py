"""The index this app serves: one provider per app, one opened version per request."""

from __future__ import annotations

from flask import Flask, current_app, g

from index.store import IndexProvider, SearchIndex

EXTENSION = "search_index"


def init_app(app: Flask) -> None:
    """Give the app its index provider (the index opens on the first request that needs it)."""
    app.extensions[EXTENSION] = IndexProvider(app.config["SEARCH_INDEX_DIR"])


def provider() -> IndexProvider:
    """Return the current app's index provider."""
    return current_app.extensions[EXTENSION]


def current_index() -> SearchIndex:
    """Return the index this request is answered from (opened once, reopened after a rebuild)."""
    # One version per request: the ETag (service/caching.py) names the version that answered.
    if "search_index" not in g:
        g.search_index = provider().get()
    return g.search_index


def answering_index() -> SearchIndex | None:
    """Return the index this request was answered from, or None when none was opened."""
    return g.get("search_index")


def answer_from(index: SearchIndex) -> None:
    """Record that this request is answered from index (a response served from memory)."""
    g.search_index = index
