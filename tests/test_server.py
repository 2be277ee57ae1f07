"""A real server process on 127.0.0.1, queried over HTTP."""

import json
import urllib.error
import urllib.request

import pytest

from .servers import gunicorn

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(index_dir):
    with gunicorn(index_dir, workers=1, threads=4) as base:
        yield base


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
