"""A bounded in-process cache of search responses: a search box sends the same prefixes again.

Keyed by (index version, route, normalised query, the other query-string arguments), so a
rebuild that changes the index version never serves an old answer, and "limit=5" never serves
a "limit=10" page. Only successful GETs of the configured routes are kept; errors are always
recomputed. `RESPONSE_CACHE_SIZE` (entries, 0 turns it off) and `RESPONSE_CACHE_BYTES` (the
bodies, keys and records held) bound it; the least recently used entry goes first. Responses
carry `X-Cache: hit` or `miss`.

A request looks its key up with the index version it will be answered from: the route answers
from that same version (answer_from), and a body is stored only under the version that made
it, so a rebuild landing mid-request never files one version's body under another's key.
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
from .search_index import answer_from, answering_index, provider

# One response larger than this is not worth holding (a page of 50 long passages).
MAX_BODY_BYTES = 256 * 1024
# What an entry costs besides its body and key text: the tuples, the dict slot, the record.
ENTRY_OVERHEAD_BYTES = 600
# Routes that read only the cleaned query: "iron  pan" and "iron pan " are one entry there.
# Other routes (/suggest) also tell whether q ended inside a word (a trailing space ends it).
NORMALISED_ROUTES = frozenset(("/search", "/answer"))
# The key of a request whose arguments the route refuses.
NOT_KEPT = object()


class ResponseCache:
    """A thread-safe LRU of response bodies, bounded by entries and by bytes."""

    def __init__(self, size: int, max_bytes: int = 8 * 1024 * 1024):
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[Any, tuple[bytes, str, dict | None, int]] = OrderedDict()
        self._lock = threading.Lock()
        # (index version, path, raw query string) -> key; a dict swap is atomic, so no lock.
        self.aliases: dict[Any, Any] = {}
        self._alias_bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def alias(self, raw: tuple, key: Any) -> None:
        """Remember that the raw request raw has key (forgotten wholesale when too many)."""
        cost = len(raw[2]) + ENTRY_OVERHEAD_BYTES  # raw[2]: the query string, up to 8 KB
        # A quarter of the byte budget: raw query strings are the attacker's to choose.
        if len(self.aliases) >= 4 * max(self.size, 1) or self._alias_bytes > self.max_bytes // 4:
            self.aliases, self._alias_bytes = {}, 0
        self.aliases[raw] = key
        self._alias_bytes += cost

    def get(self, key: Any) -> tuple[bytes, str, dict | None] | None:
        """Return (body, mimetype, query log record) for key, marking it recently used."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[:3]

    def put(self, key: Any, body: bytes, mimetype: str, record: dict | None = None) -> None:
        """Keep body for key, dropping the least recently used entries beyond the bounds."""
        cost = len(body) + len(repr(key)) + ENTRY_OVERHEAD_BYTES
        if self.size <= 0 or len(body) > MAX_BODY_BYTES or cost > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old[3]
            self._entries[key] = (body, mimetype, record, cost)
            self.bytes += cost
            while len(self._entries) > self.size or self.bytes > self.max_bytes:
                self.bytes -= self._entries.popitem(last=False)[1][3]


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
    cache = ResponseCache(
        int(app.config["RESPONSE_CACHE_SIZE"]), int(app.config["RESPONSE_CACHE_BYTES"])
    )
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
        # The route answers from the version the key names (search_index.current_index), and
        # the ETag (service/caching.py) names it too.
        answer_from(index)
        found = cache.get(key)
        if found is None:
            g.response_cache_key = key
            return None
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
            answered = answering_index()
            if (
                key is not NOT_KEPT
                and response.status_code == 200
                and not response.direct_passthrough
                # Filed only under the version that made the body (key[0]).
                and answered is not None
                and answered.version == key[0]
            ):
                cache.put(key, response.get_data(), response.mimetype, g.get("query_record"))
        return response

    return store


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
