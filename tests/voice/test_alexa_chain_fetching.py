"""Fetching Alexa's certificate chains: no junk URL forms, one fetch per URL, a rate cap."""

from __future__ import annotations

import threading
import time

import pytest

from service.voice.alexa_verify import FETCHES_PER_MINUTE, AlexaRequestVerifier

from .conftest import Alexa, alexa_app
from .helpers import CERT_URL, CertHost, alexa_body
from .test_alexa_security import refused


@pytest.mark.parametrize("suffix", ["?junk=1", "?", "#part", "?x-amz-version=1#f"])
def test_a_chain_url_with_a_query_or_fragment_is_refused_unfetched(alexa, host, searches, suffix):
    url = CERT_URL + suffix
    host.files[url] = host.files[CERT_URL]
    message = refused(alexa.post(alexa_body("alexa-search.json"), url=url), 400, "bad_cert_url")
    assert "query or a fragment" in message
    assert host.fetches == []
    assert searches == []


def test_made_up_chain_urls_cost_a_few_fetches_and_never_push_amazons_chain_out(alexa, host):
    assert alexa.post(alexa_body("alexa-launch.json")).status_code == 200
    for n in range(3 * FETCHES_PER_MINUTE):
        url = f"https://s3.amazonaws.com/echo.api/junk-{n}.pem"
        response = alexa.post(alexa_body("alexa-launch.json"), url=url)
        assert response.status_code == 400
    # Fetched at most the cap's worth in the minute (Amazon's included), then refused unfetched.
    assert len(host.fetches) == FETCHES_PER_MINUTE
    assert alexa.post(alexa_body("alexa-launch.json")).status_code == 200
    assert host.fetches.count(CERT_URL) == 1


class SlowHost(CertHost):
    """S3 taking its time to answer, as under load."""

    def __call__(self, url: str) -> bytes:
        time.sleep(0.3)
        return super().__call__(url)


def test_requests_naming_one_uncached_url_at_once_share_one_fetch(index_dir, authority, signing):
    host = SlowHost()
    host.files[CERT_URL] = signing.pem
    app = alexa_app(index_dir, authority, host)
    assert isinstance(app.config["ALEXA_VERIFIER"], AlexaRequestVerifier)
    statuses: list[int] = []

    def call() -> None:
        client = Alexa(app.test_client(), signing)
        statuses.append(client.post(alexa_body("alexa-launch.json")).status_code)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [200] * 8
    assert host.fetches == [CERT_URL]
