"""Fixtures for the voice tests: a local CA standing in for Amazon's, signed Alexa requests."""

from __future__ import annotations

import json

import pytest

from service.app import create_app
from service.voice import lookup as lookup_module
from service.voice.alexa_verify import AlexaRequestVerifier

from .helpers import CERT_URL, SKILL_ID, CertHost, SigningChain, alexa_body, make_authority


@pytest.fixture(scope="session")
def authority():
    """The local root and intermediate CA the test verifier trusts."""
    return make_authority()


@pytest.fixture(scope="session")
def signing(authority) -> SigningChain:
    """A valid signing certificate for echo-api.amazon.com and its chain."""
    return authority.chain()


@pytest.fixture()
def host(signing) -> CertHost:
    """Serves the signing chain at Amazon's URL, in place of S3."""
    served = CertHost()
    served.files[CERT_URL] = signing.pem
    return served


def alexa_app(index_dir, authority, host, **config):
    """An app whose Alexa verifier trusts only the local test root and fetches from host."""
    settings = {
        "TESTING": True,
        "SEARCH_INDEX_DIR": str(index_dir),
        "ALEXA_VERIFIER": AlexaRequestVerifier([authority.root], host),
        "ALEXA_SKILL_IDS": (SKILL_ID,),
        **config,
    }
    return create_app(settings)


class Alexa:
    """Posts request bodies the way Alexa does: raw JSON bytes, signed, with the chain URL."""

    def __init__(self, client, chain: SigningChain):
        self.client, self.chain = client, chain

    def post(self, body, url: str = CERT_URL, signature: str | None = None, chain=None):
        """Post body (a dict or raw bytes) signed by chain (the valid one by default)."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {
            "SignatureCertChainUrl": url,
            "Signature-256": signature or (chain or self.chain).sign(data),
        }
        return self.client.post(
            "/voice/alexa", data=data, headers=headers, content_type="application/json"
        )

    def ask(self, fixture_name: str, **request_changes) -> dict:
        """Post a fixture stamped now and return the 200 response body."""
        response = self.post(alexa_body(fixture_name, **request_changes))
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
        body = response.get_json()
        assert body["version"] == "1.0"
        return body


@pytest.fixture()
def alexa(index_dir, authority, host, signing) -> Alexa:
    """Alexa talking to the app over the project's content, with our skill id allowed."""
    return Alexa(alexa_app(index_dir, authority, host).test_client(), signing)


@pytest.fixture()
def searches(monkeypatch) -> list:
    """Record every question that reaches the search core from either voice route."""
    calls: list = []
    real = lookup_module.search_and_answer

    def spy(index, text, *args, **kwargs):
        calls.append(text)
        return real(index, text, *args, **kwargs)

    monkeypatch.setattr(lookup_module, "search_and_answer", spy)
    return calls


WEBHOOK_SECRET = "voice-test-webhook-secret"


class DialogflowWebhook:
    """Posts Dialogflow webhook bodies with the shared secret; the app's client is at hand."""

    def __init__(self, client):
        self.client = client

    def __call__(self, body: dict) -> dict:
        """Post body and return the 200 response's JSON."""
        response = self.client.post(
            "/voice/dialogflow", json=body, headers={"Authorization": f"Bearer {WEBHOOK_SECRET}"}
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()


@pytest.fixture()
def dialogflow(index_dir) -> DialogflowWebhook:
    """The Dialogflow webhook over the project's content, with its secret set."""
    settings = {
        "TESTING": True,
        "SEARCH_INDEX_DIR": str(index_dir),
        "DIALOGFLOW_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    return DialogflowWebhook(create_app(settings).test_client())
