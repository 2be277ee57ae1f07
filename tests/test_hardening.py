"""Hardening: security headers on every response, bounded request bodies, no debug mode or
tracebacks in any stage, secrets only from the environment."""

from __future__ import annotations

import http.client
import json
import re
import subprocess

import pytest

from service.app import create_app
from service.config import DEFAULTS, ENV_SETTINGS
from service.openapi import SPEC
from service.security import SECURITY_HEADERS

from .conftest import FUZZ_SECRET, ROOT, fuzz_app
from .invariants import check_response
from .servers import gunicorn

POST_OPERATIONS = [p for p, item in SPEC["paths"].items() if "post" in item]
AUTH = {"Authorization": f"Bearer {FUZZ_SECRET}"}


@pytest.fixture()
def client(index_dir):
    """An app as deployed but with a Dialogflow secret set and Alexa checks local."""
    return fuzz_app(index_dir).test_client()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/search?q=iron"),
        ("GET", "/answer?q=is+rls+genetic"),
        ("GET", "/health"),
        ("GET", "/openapi.json"),
        ("GET", "/search?q=*"),
        ("GET", "/nowhere"),
        ("POST", "/search?q=iron"),
        ("POST", "/voice/alexa"),
        ("POST", "/voice/dialogflow"),
        ("HEAD", "/search?q=iron"),
        ("OPTIONS", "/search"),
    ],
)
def test_every_response_carries_the_security_headers(client, method, url):
    response = client.open(url, method=method, headers=AUTH)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, name
    assert response.status_code < 500


def test_the_search_page_keeps_its_own_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "script-src" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_missing_index_answer_still_carries_the_headers(tmp_path):
    response = create_app({"SEARCH_INDEX_DIR": str(tmp_path)}).test_client().get("/search?q=x")
    assert response.status_code == 503
    assert set(SECURITY_HEADERS) <= set(response.headers.keys())


@pytest.mark.parametrize("path", [*POST_OPERATIONS, "/search"])
def test_a_body_over_the_limit_is_a_json_413_before_anything_reads_it(client, path):
    limit = DEFAULTS["MAX_CONTENT_LENGTH"]
    body = b"{" + b" " * limit + b"}"
    response = client.post(path, data=body, content_type="application/json", headers=AUTH)
    assert response.status_code == 413
    body = check_response(413, response.headers, response.get_data())
    assert body["error"]["code"] == "payload_too_large"
    if path in POST_OPERATIONS:
        assert "413" in SPEC["paths"][path]["post"]["responses"]


@pytest.mark.server
def test_a_chunked_body_over_the_limit_is_cut_off_with_a_json_413(index_dir):
    """No Content-Length up front (gunicorn passes chunked bodies on): reading stops at the
    limit instead of taking the whole body into memory."""
    env = {"ALEXA_VERIFY_SIGNATURES": "false", "DIALOGFLOW_WEBHOOK_SECRET": FUZZ_SECRET}
    chunk = b"[" * 8192
    with gunicorn(index_dir, workers=1, threads=2, env=env) as base:
        for path in POST_OPERATIONS:
            connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
            chunks = iter([chunk] * (2 * DEFAULTS["MAX_CONTENT_LENGTH"] // len(chunk)))
            connection.request(
                "POST",
                path,
                body=chunks,
                headers={**AUTH, "Content-Type": "application/json"},
                encode_chunked=True,
            )
            response = connection.getresponse()
            body = response.read()
            connection.close()
            assert response.status == 413, (path, body)
            check_response(response.status, response.headers, body)


def test_debug_mode_stays_off_even_when_the_environment_asks(monkeypatch, index_dir):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app({"SEARCH_INDEX_DIR": str(index_dir)})
    assert app.debug is False

    @app.get("/fails")
    def fails():
        raise RuntimeError("secret detail /etc/passwd")

    response = app.test_client().get("/fails")
    assert response.status_code == 500
    assert response.get_json() == {
        "error": {"code": "internal_error", "message": "an unexpected error occurred"}
    }
    assert b"secret detail" not in response.get_data()
    assert b"Traceback" not in response.get_data()


def test_every_deployed_stage_runs_without_debug():
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    for stage, values in settings.items():
        resolved = dict(values)
        while "extends" in resolved:
            parent = settings[resolved.pop("extends")]
            resolved = {**parent, **resolved}
        assert resolved.get("debug") is False, stage
        assert resolved.get("environment_variables", {}).get("DEPLOYED") == "true", stage


SECRET_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|KEY|SKILL_IDS")


def test_secrets_have_no_default_and_come_from_the_environment():
    secrets = [name for name in DEFAULTS if SECRET_NAME.search(name)]
    assert secrets, "the voice settings hold secrets; this test must see them"
    for name in secrets:
        assert not DEFAULTS[name], f"{name} has a default value in the code"
        assert name in ENV_SETTINGS, f"{name} cannot be set from the environment"


# Shapes of real credentials: AWS keys, private keys, Slack/GitHub/Google tokens, bearer JWTs.
CREDENTIAL = re.compile(
    rb"AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|xox[abprs]-[0-9A-Za-z-]{10,}"
    rb"|gh[pousr]_[0-9A-Za-z]{30,}|AIza[0-9A-Za-z_-]{35}"
    rb"|aws_secret_access_key\s*=\s*[0-9A-Za-z/+]{40}"
)


def test_no_credential_is_committed():
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False
    ).stdout.split(b"\0")
    files = [ROOT / name.decode() for name in listed if name]
    if not files:
        pytest.skip("not a git checkout")
    found = [
        f"{path.relative_to(ROOT)}: {match.group()[:12]!r}…"
        for path in files
        if path.is_file()
        for match in [CREDENTIAL.search(path.read_bytes())]
        if match
    ]
    assert not found, found
