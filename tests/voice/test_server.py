"""The voice routes through a real server process on 127.0.0.1, configured by its environment."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from service.config import load_config

from ..servers import gunicorn
from .helpers import alexa_body, fixture, ssml_text

SECRET = "server-test-secret"


@pytest.fixture(scope="module")
def server(index_dir):
    env = {
        "ALEXA_VERIFY_SIGNATURES": "false",
        "DIALOGFLOW_WEBHOOK_SECRET": SECRET,
        "VOICE_NOTICE": "This is general information, not medical advice.",
        "DEPLOYED": "false",
    }
    with gunicorn(index_dir, workers=1, threads=4, env=env) as base:
        yield base


def _post(url: str, data: bytes, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


pytestmark = pytest.mark.server


def test_alexa_over_http_in_local_development(server):
    status, body = _post(
        server + "/voice/alexa", json.dumps(alexa_body("alexa-search.json")).encode()
    )
    assert status == 200
    spoken = ssml_text(body["response"]["outputSpeech"]["ssml"])
    assert "From: Understanding the Reason for Restless Leg Syndrome." in spoken
    assert spoken.endswith("This is general information, not medical advice.")
    status, body = _post(server + "/voice/alexa", b'{"request": []}')
    assert (status, body["error"]["code"]) == (400, "bad_request_shape")
    status, body = _post(server + "/voice/alexa", b"{" * 40000)
    assert (status, body["error"]["code"]) == (413, "payload_too_large")


def test_dialogflow_over_http_needs_the_secret(server):
    data = json.dumps(fixture("dialogflow-es-fallback-question.json")).encode()
    status, body = _post(server + "/voice/dialogflow", data)
    assert (status, body["error"]["code"]) == (401, "unauthorized")
    status, body = _post(server + "/voice/dialogflow", data, {"Authorization": f"Bearer {SECRET}"})
    assert status == 200
    assert "genetics may play a role" in body["fulfillmentText"]
    status, body = _post(
        server + "/voice/dialogflow", b"nonsense", {"Authorization": f"Bearer {SECRET}"}
    )
    assert (status, body["error"]["code"]) == (400, "bad_json")


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ALEXA_SKILL_IDS", " amzn1.ask.skill.a, ,amzn1.ask.skill.b ")
    monkeypatch.setenv("ALEXA_VERIFY_SIGNATURES", "FALSE")
    monkeypatch.setenv("DIALOGFLOW_WEBHOOK_SECRET", "abc")
    monkeypatch.setenv("VOICE_NOTICE", "Notice")
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    monkeypatch.delenv("DEPLOYED", raising=False)
    config = load_config()
    assert config["ALEXA_SKILL_IDS"] == ("amzn1.ask.skill.a", "amzn1.ask.skill.b")
    assert config["ALEXA_VERIFY_SIGNATURES"] is False
    assert (config["DIALOGFLOW_WEBHOOK_SECRET"], config["VOICE_NOTICE"]) == ("abc", "Notice")
    assert config["DEPLOYED"] is False
    # Lambda always counts as a deployed stage.
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "faq-search-prod")
    assert load_config()["DEPLOYED"] is True


def test_a_misspelt_yes_no_setting_stops_the_app(monkeypatch):
    monkeypatch.setenv("ALEXA_VERIFY_SIGNATURES", "ture")
    with pytest.raises(ValueError, match="true or false"):
        load_config()
