"""ETag, Cache-Control and 304 responses through the test client."""

import pytest

from service.app import create_app


def test_successful_gets_carry_a_weak_etag_and_cache_control(client, index_dir):
    response = client.get("/search?q=iron")
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')
    version = client.get("/health").get_json()["index_version"]
    assert version in etag
    assert response.headers["Cache-Control"] == "public, max-age=60, s-maxage=300"


@pytest.mark.parametrize(
    "url",
    ["/search?q=iron", "/answer?q=is rls genetic", "/suggest?q=iron d", "/?q=iron", "/"],
)
def test_if_none_match_gets_a_bodyless_304(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    # Several tags, and the tag without its weak prefix, match too (weak comparison).
    listed = client.get(url, headers={"If-None-Match": f'"other", {etag}'})
    assert listed.status_code == 304
    assert client.get(url, headers={"If-None-Match": etag[2:]}).status_code == 304
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304


def test_another_tag_gets_the_full_response(client):
    response = client.get("/search?q=iron", headers={"If-None-Match": 'W/"something-else"'})
    assert response.status_code == 200
    assert response.get_json()["results"]


def test_each_url_has_its_own_etag(client):
    tags = {
        client.get(url).headers["ETag"]
        for url in [
            "/search?q=iron",
            "/search?q=dopamine",
            "/search?q=iron&limit=2",
            "/suggest?q=iron",
        ]
    }
    assert len(tags) == 4
    assert client.get("/search?q=iron").headers["ETag"] in tags  # stable for the same URL


def test_head_gets_the_same_etag_as_get(client):
    get = client.get("/search?q=iron")
    head = client.head("/search?q=iron")
    assert head.status_code == 200
    assert head.headers["ETag"] == get.headers["ETag"]


def test_errors_and_health_are_never_cached(client):
    bad = client.get("/search?q=*")
    assert bad.status_code == 400
    assert bad.headers["Cache-Control"] == "no-store"
    assert "ETag" not in bad.headers
    health = client.get("/health")
    assert health.headers["Cache-Control"] == "no-store"
    assert "ETag" not in health.headers
    assert client.get("/health", headers={"If-None-Match": "*"}).status_code == 200
    missing = client.get("/nowhere")
    assert missing.status_code == 404
    assert "ETag" not in missing.headers


def test_cache_lifetimes_come_from_the_settings(index_dir, monkeypatch):
    monkeypatch.setenv("CACHE_MAX_AGE", "5")
    monkeypatch.setenv("CACHE_S_MAXAGE", "3600")
    client = create_app({"SEARCH_INDEX_DIR": str(index_dir)}).test_client()
    assert client.get("/search?q=iron").headers["Cache-Control"] == (
        "public, max-age=5, s-maxage=3600"
    )


def test_the_etag_changes_with_settings_that_change_the_page(index_dir):
    plain = create_app({"SEARCH_INDEX_DIR": str(index_dir)}).test_client()
    linked = create_app(
        {"SEARCH_INDEX_DIR": str(index_dir), "SITE_URL": "https://www.example.com"}
    ).test_client()
    assert plain.get("/?q=iron").headers["ETag"] != linked.get("/?q=iron").headers["ETag"]
