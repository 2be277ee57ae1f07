"""Slow clients against the served configuration (gunicorn + scripts/gunicorn.conf.py).

About 15 s: 200 trickling connections for SLOW_CLIENT_SECONDS (12 by default, long enough for
the header and body timeouts to end some) on 127.0.0.1, while a probe searches. The full run,
200 connections for 30 s, is `python scripts/slow_clients.py` (docs/reliability.md).
"""

from __future__ import annotations

import os
import socket
import time
from urllib.parse import urlsplit

import pytest

from bench.slow_clients import attack
from service.config import DEFAULTS

from .servers import gunicorn

SOCKETS = int(os.environ.get("SLOW_CLIENT_SOCKETS", "200"))
SECONDS = float(os.environ.get("SLOW_CLIENT_SECONDS", "12"))
HEADER_TIMEOUT = 5  # scripts/gunicorn.conf.py keepalive
BODY_TIMEOUT = DEFAULTS["BODY_READ_TIMEOUT"]

pytestmark = [pytest.mark.server, pytest.mark.slow]


def test_trickling_connections_do_not_keep_answers_from_other_clients(index_dir):
    with gunicorn(index_dir) as base:
        url = urlsplit(base)
        report = attack(url.hostname, url.port, SOCKETS, SECONDS)
    print("\n".join(report.lines()))
    assert not report.probe_failures, report.probe_failures[:5]
    assert len(report.probe_ms) >= SECONDS * 2
    assert max(report.probe_ms) < 1000
    assert report.held_min >= 0.9 * SOCKETS
    # Slow headers and silence are cut off by the header timeout, slow bodies get 408.
    margin = 2.5
    for kind in ("headers", "idle"):
        assert report.lifetimes[kind], kind
        assert max(report.lifetimes[kind]) < HEADER_TIMEOUT + margin, kind
    assert report.lifetimes["body"] and max(report.lifetimes["body"]) < BODY_TIMEOUT + margin
    assert {a.split()[1] for a in report.answers["body"]} == {"408"}


def test_a_body_sent_too_slowly_gets_a_json_408_and_the_connection_is_closed(index_dir):
    with gunicorn(index_dir, env={"BODY_READ_TIMEOUT": "1"}) as base:
        url = urlsplit(base)
        with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
            sock.sendall(
                b"POST /voice/dialogflow HTTP/1.1\r\nHost: t\r\nContent-Type: application/json"
                b"\r\nContent-Length: 100\r\n\r\n{"
            )
            started = time.monotonic()
            received = b""
            while chunk := sock.recv(4096):
                received += chunk
            took = time.monotonic() - started
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert b'"code":"request_timeout"' in body
    assert 0.9 < took < 1 + HEADER_TIMEOUT  # answered at the deadline, then closed
