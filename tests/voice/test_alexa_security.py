"""Who may call the Alexa endpoint: signatures, certificate chains, timestamps, skill ids."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from service.voice.alexa_verify import VerificationFailed, check_cert_url, header

from .conftest import Alexa, alexa_app
from .helpers import CERT_URL, alexa_body, make_authority, ssml_text


def refused(response, status: int, code: str) -> str:
    """Assert a JSON error with no speech in it; return its message."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]["message"]


def test_a_valid_signed_request_is_answered(alexa, searches):
    response = alexa.post(alexa_body("alexa-search.json"))
    assert response.status_code == 200
    assert searches == ["is restless leg syndrome genetic"]


def test_a_tampered_body_is_refused(alexa, searches):
    signed = json.dumps(alexa_body("alexa-search.json")).encode()
    signature = alexa.chain.sign(signed)
    tampered = signed.replace(b"genetic", b"curable")
    refused(alexa.post(tampered, signature=signature), 400, "bad_signature")
    # One changed byte of whitespace is a different body too.
    refused(alexa.post(signed + b" ", signature=signature), 400, "bad_signature")
    assert searches == []


def test_a_signature_that_is_not_base64_is_refused(alexa, searches):
    refused(alexa.post(alexa_body("alexa-search.json"), signature="%%%"), 400, "bad_signature")
    assert searches == []


def test_missing_signature_headers_are_refused(alexa, searches):
    body = json.dumps(alexa_body("alexa-search.json"))
    response = alexa.client.post("/voice/alexa", data=body, content_type="application/json")
    refused(response, 400, "missing_signature")
    only_url = alexa.client.post(
        "/voice/alexa",
        data=body,
        content_type="application/json",
        headers={"SignatureCertChainUrl": CERT_URL},
    )
    refused(only_url, 400, "missing_signature")
    assert searches == []


@pytest.mark.parametrize("seconds", [-151, 151, -3600, 86400])
def test_a_timestamp_outside_150_seconds_is_refused(alexa, searches, seconds):
    when = datetime.now(UTC) + timedelta(seconds=seconds)
    body = alexa_body("alexa-search.json", timestamp=when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    refused(alexa.post(body), 400, "stale_request")
    assert searches == []


@pytest.mark.parametrize("timestamp", ["yesterday", "2024-03-05T17:42:10", None, 1709660530])
def test_a_timestamp_that_is_not_a_utc_date_is_refused(alexa, searches, timestamp):
    refused(alexa.post(alexa_body("alexa-search.json", timestamp=timestamp)), 400, "bad_timestamp")
    assert searches == []


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert-test.pem",
        "https://notamazon.com/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/invalid.path/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/echo.api/../evil/echo-api-cert-test.pem",
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com:notaport/echo.api/echo-api-cert-test.pem",
        "file:///echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/echo.api",
        "https://s3.amazonaws.com",
        "not a url at all",
    ],
)
def test_a_certificate_url_outside_amazons_folder_is_refused(
    alexa,
    host,
    searches,
    url,
):
    host.files[url] = host.files[CERT_URL]  # served, but from the wrong place
    refused(alexa.post(alexa_body("alexa-search.json"), url=url), 400, "bad_cert_url")
    assert host.fetches == []
    assert searches == []


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem",
        "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert-test.pem",
        "HTTPS://s3.amazonaws.com:443/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert-test.pem",
    ],
)
def test_amazons_url_forms_are_accepted(url):
    check_cert_url(url)


def test_a_refused_url_says_why():
    with pytest.raises(VerificationFailed, match="port 443"):
        check_cert_url("https://s3.amazonaws.com:8443/echo.api/cert.pem")


@pytest.mark.parametrize(
    ("chain_args", "why"),
    [
        ({"valid_to": datetime.now(UTC) - timedelta(days=1)}, "not valid now"),
        ({"valid_from": datetime.now(UTC) + timedelta(days=1)}, "not valid now"),
        ({"san": "echo-api.example.com"}, "not issued to echo-api.amazon.com"),
        ({"san": "amazon.com"}, "not issued to echo-api.amazon.com"),
    ],
)
def test_a_certificate_that_is_not_alexas_now_is_refused(
    alexa,
    authority,
    host,
    searches,
    chain_args,
    why,
):
    bad = authority.chain(**chain_args)
    url = "https://s3.amazonaws.com/echo.api/other.pem"
    host.files[url] = bad.pem
    response = alexa.post(alexa_body("alexa-search.json"), url=url, chain=bad)
    assert why in refused(response, 400, "bad_certificate")
    assert searches == []


def test_a_chain_to_an_untrusted_root_is_refused(alexa, host, searches):
    stranger = make_authority("Someone Else's Root").chain()
    url = "https://s3.amazonaws.com/echo.api/stranger.pem"
    host.files[url] = stranger.pem
    response = alexa.post(alexa_body("alexa-search.json"), url=url, chain=stranger)
    assert "does not chain to a trusted root" in refused(response, 400, "bad_certificate")
    assert searches == []


def test_a_chain_that_cannot_be_fetched_or_read_is_refused(alexa, host, searches):
    missing = "https://s3.amazonaws.com/echo.api/missing.pem"
    refused(alexa.post(alexa_body("alexa-search.json"), url=missing), 400, "bad_certificate")
    garbage = "https://s3.amazonaws.com/echo.api/garbage.pem"
    host.files[garbage] = b"not a certificate"
    refused(alexa.post(alexa_body("alexa-search.json"), url=garbage), 400, "bad_certificate")
    assert searches == []


def test_a_signature_by_another_key_is_refused(alexa, searches):
    other = make_authority().chain()  # signs with a different private key
    body = json.dumps(alexa_body("alexa-search.json")).encode()
    refused(alexa.post(body, signature=other.sign(body)), 400, "bad_signature")
    assert searches == []


def test_chains_are_fetched_once_per_url(alexa, host):
    for name in ("alexa-launch.json", "alexa-search.json", "alexa-help.json"):
        assert alexa.post(alexa_body(name)).status_code == 200
    assert host.fetches == [CERT_URL]


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b["context"]["System"]["application"].update(applicationId="amzn1.ask.skill.x"),
        lambda b: b["session"]["application"].update(applicationId="amzn1.ask.skill.x"),
        lambda b: (b.pop("session"), b["context"]["System"].pop("application")),
    ],
    ids=["other skill", "two different skills", "no skill"],
)
def test_a_skill_that_is_not_ours_is_refused(alexa, searches, change):
    body = alexa_body("alexa-search.json")
    change(body)
    refused(alexa.post(body), 403, "unknown_skill")
    assert searches == []


def test_a_request_without_session_is_answered_by_the_context_skill_id(alexa):
    body = alexa_body("alexa-search.json")
    del body["session"]
    assert alexa.post(body).status_code == 200


def test_an_empty_allow_list_refuses_every_skill_when_deployed(
    index_dir,
    authority,
    host,
    signing,
    searches,
):
    app = alexa_app(index_dir, authority, host, ALEXA_SKILL_IDS=(), DEPLOYED=True)
    response = Alexa(app.test_client(), signing).post(alexa_body("alexa-search.json"))
    refused(response, 403, "unknown_skill")
    assert searches == []


def test_an_empty_allow_list_allows_any_skill_in_local_development(
    index_dir,
    authority,
    host,
    signing,
):
    app = alexa_app(index_dir, authority, host, ALEXA_SKILL_IDS=(), DEPLOYED=False)
    assert (
        Alexa(app.test_client(), signing).post(alexa_body("alexa-search.json")).status_code == 200
    )


def test_checks_off_answer_unsigned_requests_locally(index_dir, authority, host):
    app = alexa_app(index_dir, authority, host, ALEXA_VERIFY_SIGNATURES=False, ALEXA_SKILL_IDS=())
    body = alexa_body("alexa-search.json", timestamp="2019-01-01T00:00:00Z")
    body["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.local"
    body["session"]["application"]["applicationId"] = "amzn1.ask.skill.local"
    response = app.test_client().post("/voice/alexa", json=body)
    assert response.status_code == 200
    assert "From:" in ssml_text(response.get_json()["response"]["outputSpeech"]["ssml"])
    assert host.fetches == []


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b["context"]["System"]["application"].update(applicationId="amzn1.ask.skill.x"),
        lambda b: (b.pop("session"), b["context"]["System"].pop("application")),
    ],
    ids=["other skill", "no skill"],
)
def test_a_set_allow_list_holds_even_with_signature_checks_off(
    index_dir, authority, host, searches, change
):
    app = alexa_app(index_dir, authority, host, ALEXA_VERIFY_SIGNATURES=False)
    body = alexa_body("alexa-search.json")
    change(body)
    refused(app.test_client().post("/voice/alexa", json=body), 403, "unknown_skill")
    assert searches == []
    # Our own skill id, unsigned, is answered.
    ours = app.test_client().post("/voice/alexa", json=alexa_body("alexa-search.json"))
    assert ours.status_code == 200
    assert searches == ["is restless leg syndrome genetic"]


def test_checks_cannot_be_turned_off_in_a_deployed_stage(
    index_dir,
    authority,
    host,
    searches,
):
    app = alexa_app(index_dir, authority, host, ALEXA_VERIFY_SIGNATURES=False, DEPLOYED=True)
    response = app.test_client().post("/voice/alexa", json=alexa_body("alexa-search.json"))
    refused(response, 400, "missing_signature")
    assert searches == []


def test_the_default_settings_check_signatures(index_dir, monkeypatch):
    from service.config import load_config

    monkeypatch.delenv("ALEXA_VERIFY_SIGNATURES", raising=False)
    config = load_config()
    assert config["ALEXA_VERIFY_SIGNATURES"] is True
    app = alexa_app(index_dir, make_authority(), lambda url: b"")
    response = app.test_client().post("/voice/alexa", json=alexa_body("alexa-launch.json"))
    refused(response, 400, "missing_signature")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"{not json", "bad_json"),
        (b"\xff\xfe", "bad_json"),
        (b"[1, 2]", "bad_request_shape"),
        (b'{"version": "1.0"}', "bad_request_shape"),
        (b'{"version": "1.0", "request": {"type": 5}}', "bad_request_shape"),
        (b'{"version": "1.0", "request": "LaunchRequest"}', "bad_request_shape"),
        (b'{"request": {"type": "IntentRequest", "intent": {}}}', "bad_request_shape"),
        (b"[" * 100000, "payload_too_large"),
    ],
)
def test_malformed_signed_bodies_get_a_4xx_json_error(alexa, searches, data, code):
    response = alexa.post(data)
    refused(response, 413 if code == "payload_too_large" else 400, code)
    assert searches == []


def test_deeply_nested_json_is_a_400_not_a_crash(index_dir, authority, host):
    app = alexa_app(index_dir, authority, host, ALEXA_VERIFY_SIGNATURES=False)
    response = app.test_client().post(
        "/voice/alexa", data=b"[" * 20000 + b"]" * 20000, content_type="application/json"
    )
    assert response.status_code in (400, 413)
    assert response.get_json()["error"]["code"] in ("bad_json", "payload_too_large")


def test_only_post_is_allowed(alexa):
    response = alexa.client.get("/voice/alexa")
    refused(response, 405, "method_not_allowed")


def test_header_names_are_matched_whatever_their_case():
    assert header({"signaturecertchainurl": "u"}, "SignatureCertChainUrl") == "u"
    assert header({"SIGNATURE-256": "s"}, "Signature-256") == "s"


def test_chains_that_fail_are_not_cached(alexa, host):
    stranger = make_authority("Untrusted Root").chain()
    url = "https://s3.amazonaws.com/echo.api/stranger.pem"
    host.files[url] = stranger.pem
    for _ in range(2):
        response = alexa.post(alexa_body("alexa-launch.json"), url=url, chain=stranger)
        assert response.status_code == 400
    assert host.fetches == [url, url]
    # Amazon's chain still works, fetched once.
    assert alexa.post(alexa_body("alexa-launch.json")).status_code == 200
    assert alexa.post(alexa_body("alexa-launch.json")).status_code == 200
    assert host.fetches == [url, url, CERT_URL]
