"""A real gunicorn server (threads and processes, as deployed on a host) under hostile bursts.

One failed request must not poison shared state: a prototype that shared one Whoosh searcher
across threads hung for good after a parser error. Here each searcher serves one caller at a
time (a bounded pool, store.py), and these tests show the server answers normal queries
correctly during and after a burst.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from service.openapi import SPEC

from .conftest import FUZZ_SECRET
from .invariants import check_response
from .servers import get_json, gunicorn, request
from .strategies import hostile_requests

pytestmark = pytest.mark.server

NORMAL = [
    "reason for restless leg syndrome",
    "iron deficiency and dopamine",
    "is rls genetic",
    "cast iron rust",
    "why is my skillet sticky",
    "templates brackets",
]
# scripts/gunicorn.conf.py: longer request lines are refused by gunicorn itself.
LIMIT_REQUEST_LINE = 8190
VOICE_ENV = {"ALEXA_VERIFY_SIGNATURES": "false", "DIALOGFLOW_WEBHOOK_SECRET": FUZZ_SECRET}


@pytest.fixture(scope="module")
def server(fuzz_index):
    """gunicorn as served (2 gevent worker processes) over the fuzz index."""
    with gunicorn(fuzz_index, workers=2, threads=8, env=VOICE_ENV) as base:
        yield base


def _normal(base: str, q: str) -> list[str]:
    status, body = get_json(f"{base}/search?{urlencode({'q': q})}")
    assert status == 200, body
    return [r["id"] for r in body["results"]]


def test_a_burst_of_hostile_requests_leaves_normal_answers_unchanged(server):
    expected = {q: _normal(server, q) for q in NORMAL}
    assert all(expected.values())
    burst = hostile_requests(SPEC, 1200, seed=7, authorization=f"Bearer {FUZZ_SECRET}")
    # Every sixth request is a normal one: it must be answered exactly as before, mid-burst.
    mixed = [("normal", NORMAL[i % len(NORMAL)]) if i % 6 == 0 else ("hostile", r)
             for i, r in enumerate(burst)]  # fmt: skip

    def send(item):
        kind, what = item
        if kind == "normal":
            return kind, what, _normal(server, what)
        method, target, body, headers = what
        status, reply_headers, reply = request(server + target, body, headers, method=method)
        return kind, what, (status, reply_headers, reply)

    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = list(pool.map(send, mixed))

    statuses = []
    for kind, what, result in outcomes:
        if kind == "normal":
            assert result == expected[what], what
        else:
            status, headers, body = result
            statuses.append(status)
            if len(what[1]) > LIMIT_REQUEST_LINE - len("GET  HTTP/1.1"):
                # Refused by gunicorn before the app (limit_request_line): a 414, never a 5xx.
                assert status == 414, (status, body[:200])
                continue
            try:
                check_response(status, headers, body, what[0])
            except AssertionError as exc:
                raise AssertionError(f"{what[0]} {what[1][:200]!r}: {exc}") from exc
    assert 200 in statuses and 400 in statuses  # the burst reached both searches and refusals
    assert {q: _normal(server, q) for q in NORMAL} == expected
    status, health = get_json(server + "/health")
    assert (status, health["status"]) == (200, "ok")


def test_threads_searching_one_index_get_the_answers_one_thread_gets(fuzz_index):
    """In one process, 16 threads mixing hostile and normal queries on one opened index."""
    import random
    import sys
    import threading

    from index.search import search
    from index.store import IndexProvider

    from .strategies import MARKUP, ODD_CHARS, WHOOSH_SYNTAX

    index = IndexProvider(fuzz_index).get()
    expected = {q: [h.id for h in search(index, q).hits] for q in NORMAL}
    # Switch threads far more often than the default 5 ms, so searches interleave mid-read.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    failures: list[str] = []

    words = sorted({w for q in NORMAL for w in q.split() if len(w) > 4})

    def hostile(rng: random.Random) -> str:
        # Fresh typos and unknown prefixes: the spelling corrector and the vocabulary are read
        # through this thread's searcher (the memo of corrections cannot answer them).
        word = rng.choice(words)
        i = rng.randrange(1, len(word) - 1)
        typo = word[:i] + rng.choice("aeioubdklmnrst") + word[i + 1 :]
        noise = rng.choices([*MARKUP, *ODD_CHARS, *WHOOSH_SYNTAX], k=3)
        return " ".join([typo, word[:4] + rng.choice("qxz"), *noise])

    def work(seed: int) -> None:
        rng = random.Random(seed)
        for i in range(150):
            q = NORMAL[(seed + i) % len(NORMAL)]
            try:
                if i % 2:
                    search(index, hostile(rng) + " " + q)
                elif (got := [h.id for h in search(index, q).hits]) != expected[q]:
                    failures.append(f"{q!r}: {got} != {expected[q]}")
            except Exception as exc:  # any error here is the bug this test looks for
                if type(exc).__name__ != "BadQuery":
                    failures.append(repr(exc))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        sys.setswitchinterval(previous)
    assert not any(thread.is_alive() for thread in threads), "a search hung"
    assert not failures, failures[:5]
