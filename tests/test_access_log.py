"""The served configuration's access log never holds credentials or voice-route query strings."""

from __future__ import annotations

import base64
import json

import pytest

from .servers import gunicorn, request

SECRET = "webhook-secret-in-the-password"
USER = "secret-sent-as-the-username"
QUERY_SECRETS = ("query-secret-alexa", "query-secret-dialogflow")


@pytest.mark.server
def test_the_access_log_has_no_credentials_and_no_voice_query_strings(index_dir, tmp_path):
    log = tmp_path / "access.log"
    env = {"ACCESS_LOG": str(log), "DIALOGFLOW_WEBHOOK_SECRET": SECRET}
    auth = base64.b64encode(f"{USER}:{SECRET}".encode()).decode()
    body = json.dumps({"queryResult": {"queryText": "what causes restless legs"}}).encode()
    with gunicorn(index_dir, workers=1, env=env) as base:
        status, _, _ = request(
            f"{base}/voice/dialogflow?token={QUERY_SECRETS[1]}",
            data=body,
            headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"},
        )
        assert status == 200
        request(
            f"{base}/voice/alexa?key={QUERY_SECRETS[0]}",
            data=b"{}",
            headers={"Content-Type": "application/json"},
        )
    text = log.read_text()
    lines = text.splitlines()
    # Every request is logged, with its route and status...
    assert any('"POST /voice/dialogflow HTTP/1.1" 200' in line for line in lines), text
    assert any("/voice/alexa" in line for line in lines), text
    # ...and nothing that would let a reader of the log call the webhooks.
    for secret in (USER, SECRET, auth, *QUERY_SECRETS):
        assert secret not in text
