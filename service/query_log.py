"""One structured JSON log line per query, on stdout, for CloudWatch and scripts/query_report.py.

The line carries what ops need to see what the content is missing (the normalised query, how
many passages matched, the top one, whether an answer was given and how confident) and never
the caller's IP, headers or any credential. The logger writes plain JSON to stdout itself and
does not propagate: Lambda's root handler would prefix each line with level and request id, and
Zappa sets the root level to the stage's log_level (WARNING in prod), which must not silence it.
"""

from __future__ import annotations

import json
import logging
import sys
import time

from flask import g, has_request_context

from index.search import Answer, SearchResults

LOGGER_NAME = "faq.query"
EVENT = "query"

logger = logging.getLogger(LOGGER_NAME)


class _StdoutHandler(logging.StreamHandler):
    """Write to whatever sys.stdout is at emit time (test runners and Lambda swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stdout

    @stream.setter
    def stream(self, value) -> None:
        pass


if not any(isinstance(h, _StdoutHandler) for h in logger.handlers):
    _handler = _StdoutHandler()
    _handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(_handler)
logger.setLevel(logging.INFO)
logger.propagate = False

# Routes that only rank passages: "answered" is null there, since they never answer.
_NO_ANSWER = object()


def query_record(
    route: str,
    results: SearchResults,
    started: float,
    answer: Answer | None | object = _NO_ANSWER,
    offset: int = 0,
) -> dict:
    """Return the log record of one query (started is a time.perf_counter() reading)."""
    top = results.hits[0] if results.hits else None
    answered = None if answer is _NO_ANSWER else answer is not None
    confidence = answer.confidence if isinstance(answer, Answer) else results.confidence
    return {
        "event": EVENT,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "route": route,
        "query": results.query.lower(),
        "corrected": results.corrected,
        "offset": offset,
        "results": results.total,
        "top_id": top.id if top else None,
        "answered": answered,
        "confidence": confidence,
        "latency_ms": round((time.perf_counter() - started) * 1000, 3),
        "index_version": results.index_version,
    }


def log_query(
    route: str,
    results: SearchResults,
    started: float,
    answer: Answer | None | object = _NO_ANSWER,
    offset: int = 0,
) -> None:
    """Write one JSON line describing a query; pass answer= on routes that answer."""
    record = query_record(route, results, started, answer, offset)
    if has_request_context():
        g.query_record = record  # a repeat served from memory logs it again (cached_responses)
    write_record(record)


def write_record(record: dict) -> None:
    """Write one query record as a JSON line."""
    logger.info(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
