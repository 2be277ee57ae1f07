"""A real server process on 127.0.0.1, queried over HTTP."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(index_dir):
    port = _free_port()
    env = {**os.environ, "SEARCH_INDEX_DIR": str(index_dir)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "service.wsgi:app",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--with-threads",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(base + "/health", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(proc.stderr.read().decode()) from None
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    proc.stderr.close()


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_real_server_answers_and_survives_bad_input(server):
    status, body = _get(server + "/answer?q=reason+for+restless+leg+syndrome")
    assert status == 200
    assert body["answer"]["article"] == "Understanding the Reason for Restless Leg Syndrome"
    for bad in ["xOR%5DNOT%20%3A%2FAND", "title%3A", "%28%28%28", "%2A"]:
        status, body = _get(server + "/search?q=" + bad)
        assert status in (200, 400)
        assert "error" in body or "results" in body
    status, body = _get(server + "/search?q=peripheral+neuropathy")
    assert status == 200
    assert body["results"][0]["section"] == "Peripheral Neuropathy"
    status, body = _get(server + "/missing")
    assert (status, body["error"]["code"]) == (404, "not_found")
