"""Memory under a thread-per-request server: searchers are pooled, not kept one per thread.

The Flask development server (what scripts/serve.sh runs) starts a thread per request, and a
gevent worker a greenlet per request; a searcher kept per thread used to add ~640 KB with
every uncached request until the process ran out of memory. This serves 1,200 distinct
queries, each from a new thread, and checks the process stays within a few MB of where it was
after the first 200. Takes about 10 s.
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from urllib.parse import urlencode

from werkzeug.serving import make_server

from service.app import create_app

from .servers import get_json

WORDS = (
    "iron restless leg syndrome dopamine genetic families doctor vascular medicine risk "
    "symptoms movement sensations neurological deficiency"
).split()


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 1e6


def test_distinct_queries_on_a_thread_per_request_server_keep_memory_flat(index_dir):
    app = create_app({"SEARCH_INDEX_DIR": str(index_dir), "RESPONSE_CACHE_SIZE": 0})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    base = f"http://127.0.0.1:{server.server_port}"
    queries = (
        f"{a} {b} {n}" for n in itertools.count() for a, b in itertools.combinations(WORDS, 2)
    )
    try:
        for _ in range(200):
            status, _body = get_json(f"{base}/search?{urlencode({'q': next(queries)})}")
            assert status == 200
        settled = _rss_mb()
        for _ in range(1000):
            status, body = get_json(f"{base}/search?{urlencode({'q': next(queries)})}")
            assert status == 200 and body["results"], body
        grown = _rss_mb() - settled
    finally:
        server.shutdown()
    # A searcher per request thread grew this by ~640 MB; pooled searchers keep it flat.
    assert grown < 40, f"RSS grew {grown:.0f} MB over 1,000 distinct queries"
