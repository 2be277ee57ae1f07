"""Warm, in-process latency on the bundled index, as a ratio to a constant-JSON Flask route.

Fresh queries: each repetition creates a new app (response cache off) and a new index handle,
warms them with other words, then sends every query of the mix once, so no query is answered
from a cache of an earlier identical query. Cached repeats: one app with the response cache on
answers the mix once, then every repetition sends the same queries again. Requests to the
floor app are interleaved with ours so machine noise falls on both alike.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from flask import Flask, jsonify

from .measure import summary, timed_ms

# Words outside the mix that open the searcher and fill Python's own caches first.
WARMUP = ("sleep", "legs", "dopamine", "treatment", "doctor", "exercise", "symptoms", "night")
# Queries a search box sees that the content cannot answer.
UNRELATED = (
    "chocolate cake recipe",
    "python list comprehension",
    "tax return deadline",
    "how to fix a flat tyre",
    "best hiking boots",
    "weather tomorrow",
)
CONSTANT = {"status": "ok", "results": [], "total": 0}


def typo(text: str) -> str:
    """Return text with two letters of its longest word swapped (a typical typing slip)."""
    words = text.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[i]
    if len(w) >= 4:
        mid = len(w) // 2
        words[i] = w[: mid - 1] + w[mid] + w[mid - 1] + w[mid + 1 :]
    return " ".join(words)


def query_mix(dev_queries: Path) -> list[str]:
    """Return the dev queries, a typo of each and unrelated queries, all distinct."""
    data = json.loads(dev_queries.read_text(encoding="utf-8"))
    dev = [item["q"] if isinstance(item, dict) else item for item in data.get("queries", data)]
    mix = dev + [typo(q) for q in dev] + list(UNRELATED)
    return list(dict.fromkeys(mix))


def floor_app() -> Flask:
    """Return the reference: a bare Flask app whose one route returns a constant JSON."""
    app = Flask("floor")

    @app.get("/constant")
    def constant():
        return jsonify(CONSTANT)

    return app


def _routes(app: Flask) -> list[str]:
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    return [r for r in ("/search", "/answer", "/suggest") if r in rules]


def run(index_dir: Path, queries: list[str], repeat: int) -> dict:
    """Return p50/p99 per route, for the core alone, and for cached repeats, with ratios."""
    # The service logs one JSON line per query on stdout (as on Lambda): the writing is part of
    # its cost, the lines are not part of the report.
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        return _run(index_dir, queries, repeat)


def _run(index_dir: Path, queries: list[str], repeat: int) -> dict:
    from index.search import answer, search
    from index.store import IndexProvider
    from service.app import create_app

    floor = floor_app().test_client()
    samples: dict[str, list[float]] = {"floor": []}
    statuses: dict[str, set[int]] = {}
    routes: list[str] = []
    for _ in range(repeat):
        app = create_app({"SEARCH_INDEX_DIR": str(index_dir), "RESPONSE_CACHE_SIZE": 0})
        client = app.test_client()
        routes = _routes(app)
        for w in WARMUP:
            floor.get("/constant")
            for route in routes:
                client.get(route, query_string={"q": w})
        index = IndexProvider(index_dir).get()
        search(index, WARMUP[0])
        for q in queries:
            samples["floor"].append(timed_ms(floor.get, "/constant"))
            for route in routes:
                took = timed_ms(_record, client, route, q, statuses)
                samples.setdefault(route, []).append(took)
            samples.setdefault("core search", []).append(timed_ms(search, index, q))
            samples.setdefault("core answer", []).append(timed_ms(answer, index, q))

    cached_app = create_app({"SEARCH_INDEX_DIR": str(index_dir)})
    cached = cached_app.test_client()
    for q in queries:
        cached.get("/search", query_string={"q": q})
    hits: list[bool] = []
    for _ in range(repeat):
        for q in queries:
            samples["floor"].append(timed_ms(floor.get, "/constant"))
            started = timed_ms(_hit, cached, q, hits)
            samples.setdefault("/search cached repeat", []).append(started)
    floor_p50 = summary(samples["floor"])["p50_ms"]
    rows = {}
    for name, values in samples.items():
        row = summary(values)
        row["x_floor"] = round(row["p50_ms"] / floor_p50, 2) if floor_p50 else None
        rows[name] = row
    return {
        "queries": len(queries),
        "repeat": repeat,
        "rows": rows,
        "statuses": {k: sorted(v) for k, v in statuses.items()},
        "cache_hit_share": round(sum(hits) / len(hits), 3) if hits else None,
    }


def _record(client, route: str, q: str, statuses: dict[str, set[int]]) -> None:
    response = client.get(route, query_string={"q": q})
    statuses.setdefault(route, set()).add(response.status_code)


def _hit(client, q: str, hits: list[bool]) -> None:
    hits.append(client.get("/search", query_string={"q": q}).headers.get("X-Cache") == "hit")
