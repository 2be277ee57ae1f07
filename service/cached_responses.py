"""A bounded in-process cache of search responses: a search box sends the same prefixes again.

Keyed by (index version, route, normalised query, the other query-string arguments), so a
rebuild that changes the index version never serves an old answer, and "limit=5" never serves
a "limit=10" page. Only successful GETs of the configured routes are kept; errors are always
recomputed. `RESPONSE_CACHE_SIZE` (entries, 0 turns it off) bounds it; the least recently used
entry goes first. Responses carry `X-Cache: hit` or `miss`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, request

from index.errors import BadQuery, SearchError

from .errors import ApiError
from .operations import ARGS
from .params import request_args
from .query_log import write_record
from .search_index import answer_from, provider

# One response larger than this is not worth holding (a page of 50 long passages).
MAX_BODY_BYTES = 256 * 1024
# Routes that read only the cleaned query: "iron  pan" and "iron pan " are one entry there.
# Other routes (/suggest) also tell whether q ended inside a word (a trailing space ends it).
NORMALISED_ROUTES = frozenset(("/search", "/answer"))
# The key of a request whose arguments the route refuses.
NOT_KEPT = object()


class ResponseCache:
    """A thread-safe LRU of response bodies."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[Any, tuple[bytes, str, dict | None]] = OrderedDict()
        self._lock = threading.Lock()
        # (index version, path, raw query string) -> key; a dict swap is atomic, so no lock.
        self.aliases: dict[Any, Any] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def alias(self, raw: Any, key: Any) -> None:
        """Remember that the raw request raw has key (forgotten wholesale when too many)."""
        if len(self.aliases) >= 4 * max(self.size, 1):
            self.aliases = {}
        self.aliases[raw] = key

    def get(self, key: Any) -> tuple[bytes, str, dict | None] | None:
        """Return (body, mimetype, query log record) for key, marking it recently used."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Any, body: bytes, mimetype: str, record: dict | None = None) -> None:
        """Keep body for key, dropping the least recently used entries beyond the size."""
        if self.size <= 0 or len(body) > MAX_BODY_BYTES:
            return
        with self._lock:
            self._entries[key] = (body, mimetype, record)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def cache_key(version: str) -> tuple | None:
    """Return this request's key, or None when it cannot be served from the cache."""
    try:
        args = request_args()  # read once: the route gets the same values
    except (ApiError, BadQuery):
        return None  # the route answers with its 400
    query = args["q"]
    words = query.text if request.path in NORMALISED_ROUTES else (query.text, query.ends_in_word)
    others = tuple(sorted((k, v) for k, v in args.items() if k != "q"))
    return (version, request.path, words, others)


def init_app(app: Flask) -> Callable[[Response], Response]:
    """Serve repeated GETs of the cached routes from the cache; return the hook keeping answers."""
    cache = ResponseCache(int(app.config["RESPONSE_CACHE_SIZE"]))
    app.extensions["response_cache"] = cache
    routes = frozenset(app.config["RESPONSE_CACHE_ROUTES"])

    @app.before_request
    def _lookup() -> Response | None:
        if cache.size <= 0 or request.method != "GET" or request.path not in routes:
            return None
        if request.endpoint not in ARGS:
            return None  # only routes that declare their arguments have a key
        started = time.perf_counter()
        try:
            index = provider().get()
        except SearchError:
            return None  # no usable index: the route reports it
        # A search box repeats the very same URL: its raw query string finds the key without
        # parsing and normalising the arguments again.
        raw = (index.version, request.path, request.query_string)
        key = cache.aliases.get(raw)
        if key is None:
            key = cache_key(index.version)
            if key is None:
                g.response_cache_key = NOT_KEPT  # a 400: reported as a miss, never kept
                return None
            cache.alias(raw, key)
        found = cache.get(key)
        if found is None:
            g.response_cache_key = key
            return None
        # The version that answered, for the ETag (service/caching.py), as the route would set.
        answer_from(index)
        body, mimetype, record = found
        if record is not None:
            # Ops count repeats too (scripts/query_report.py): log the query as if answered.
            elapsed = round((time.perf_counter() - started) * 1000, 3)
            write_record({**record, "time": _now(), "latency_ms": elapsed})
        response = Response(body, mimetype=mimetype)
        response.headers["X-Cache"] = "hit"
        return response

    def store(response: Response) -> Response:
        key = g.pop("response_cache_key", None)
        if key is not None:
            response.headers["X-Cache"] = "miss"
            if (
                key is not NOT_KEPT
                and response.status_code == 200
                and not response.direct_passthrough
            ):
                cache.put(key, response.get_data(), response.mimetype, g.get("query_record"))
        return response

    return store


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
