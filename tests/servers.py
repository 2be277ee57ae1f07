"""Start the service under gunicorn (the production WSGI server) on 127.0.0.1 for a test."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "scripts" / "gunicorn.conf.py"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(
    index_dir: Path,
    workers: int = 2,
    threads: int = 8,
    env: dict[str, str] | None = None,
    wrapper: list[str] | None = None,
) -> Iterator[str]:
    """Serve service.wsgi:app from index_dir; yield the base URL; stop the server after.

    wrapper is a command prefix that execs gunicorn in its place (see test_faults.py)."""
    port = free_port()
    environment = {
        **os.environ,
        "SEARCH_INDEX_DIR": str(index_dir),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "THREADS": str(threads),
        **(env or {}),
    }
    command = [
        *(wrapper or []),
        *(sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "service.wsgi:app"),
    ]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                get(base + "/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    raise RuntimeError(
                        "gunicorn did not start: " + proc.stderr.read().decode()
                    ) from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def get(url: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    """GET url; return (status, headers, body) for any HTTP status."""
    return request(url, timeout=timeout)


def request(
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
    timeout: float = 10,
) -> tuple[int, object, bytes]:
    """Send one request; return (status, headers, body) for any HTTP status."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, exc.read()


def get_json(url: str, timeout: float = 10) -> tuple[int, dict]:
    """GET url; return (status, parsed JSON body)."""
    status, _, body = get(url, timeout)
    return status, json.loads(body)
