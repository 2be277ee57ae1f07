"""CORS for the origins in CORS_ORIGINS: allowed ones get headers, others get none."""

import pytest

from service.app import create_app
from service.config import load_config

SITE = "https://www.example.com"
OTHER = "https://evil.example.net"


@pytest.fixture()
def cors_client(index_dir):
    """A client of an app that lets two sites call it."""
    config = {"SEARCH_INDEX_DIR": str(index_dir), "CORS_ORIGINS": f"{SITE}, http://127.0.0.1:8080"}
    return create_app(config).test_client()


def _preflight(client, origin: str, method: str = "GET", headers: str | None = None):
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = headers
    return client.options("/suggest?q=iron", headers=request_headers)


def test_an_allowed_origin_may_read_the_response(cors_client):
    response = cors_client.get("/suggest?q=iron", headers={"Origin": SITE})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    assert "Origin" in response.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_an_origin_not_on_the_list_gets_no_cors_headers(cors_client):
    for origin in [OTHER, "null", "https://www.example.com.evil.net", "http://www.example.com"]:
        response = cors_client.get("/suggest?q=iron", headers={"Origin": origin})
        assert response.status_code == 200
        assert not any(h.lower().startswith("access-control-") for h in response.headers.keys())
        # Still marked as varying, so a shared cache never serves it to an allowed origin.
        assert "Origin" in response.headers["Vary"]


def test_a_preflight_from_an_allowed_origin_is_answered(cors_client):
    response = _preflight(cors_client, SITE, headers="Content-Type, If-None-Match")
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    assert set(response.headers["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD"}
    assert response.headers["Access-Control-Allow-Headers"] == "content-type, if-none-match"
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert response.data == b""


def test_a_preflight_from_another_origin_or_for_another_method_is_not_granted(cors_client):
    refused = _preflight(cors_client, OTHER)
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert "Access-Control-Allow-Methods" not in refused.headers
    for response in [
        _preflight(cors_client, SITE, method="DELETE"),
        _preflight(cors_client, SITE, headers="X-Secret-Token"),
    ]:
        assert response.status_code != 204
        assert "Access-Control-Allow-Methods" not in response.headers
        assert "Access-Control-Allow-Headers" not in response.headers


def test_a_preflight_for_an_unknown_route_is_a_404(cors_client):
    response = cors_client.options(
        "/nowhere", headers={"Origin": SITE, "Access-Control-Request-Method": "GET"}
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_errors_and_304s_carry_the_cors_headers_too(cors_client):
    # A script on the allowed site must be able to read the error and revalidate its cache.
    bad = cors_client.get("/suggest?q=*", headers={"Origin": SITE})
    assert bad.status_code == 400
    assert bad.headers["Access-Control-Allow-Origin"] == SITE
    etag = cors_client.get("/suggest?q=iron").headers["ETag"]
    cached = cors_client.get("/suggest?q=iron", headers={"Origin": SITE, "If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.headers["Access-Control-Allow-Origin"] == SITE


def test_without_cors_origins_there_are_no_cors_headers(client):
    response = client.get("/suggest?q=iron", headers={"Origin": SITE})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Vary" not in response.headers
    preflight = _preflight(client, SITE)
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_a_star_lets_any_origin_read(index_dir):
    client = create_app({"SEARCH_INDEX_DIR": str(index_dir), "CORS_ORIGINS": "*"}).test_client()
    response = client.get("/search?q=iron", headers={"Origin": OTHER})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert _preflight(client, OTHER).status_code == 204


def test_cors_origins_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", " https://A.example.com/ ,https://b.example.com,, ")
    assert load_config()["CORS_ORIGINS"] == ("https://a.example.com", "https://b.example.com")


def test_a_single_allowed_origin_still_varies_on_origin(index_dir):
    # A CDN keeps one copy per URL unless told it varies: the copy made for a request without
    # Origin (no CORS header) must never be handed to the allowed site.
    client = create_app({"SEARCH_INDEX_DIR": str(index_dir), "CORS_ORIGINS": SITE}).test_client()
    for headers in [{}, {"Origin": SITE}, {"Origin": OTHER}]:
        response = client.get("/search?q=iron", headers=headers)
        assert "Origin" in response.headers["Vary"]
    assert "Access-Control-Allow-Origin" not in client.get("/search?q=iron").headers
