"""The response cache: repeats are served from memory, never stale after a rebuild, bounded."""

import json
from pathlib import Path

from index.build import build_index
from service.app import create_app
from tests.conftest import make_content


def _app(index_dir: Path, **config):
    return create_app({"TESTING": True, "SEARCH_INDEX_DIR": str(index_dir), **config})


def test_a_repeated_search_is_a_hit_with_the_same_body(index_dir):
    client = _app(index_dir).test_client()
    first = client.get("/search?q=iron deficiency")
    again = client.get("/search?q=iron   deficiency")  # the same query once normalised
    assert first.headers["X-Cache"] == "miss"
    assert again.status_code == 200
    assert again.headers["X-Cache"] == "hit"
    assert again.get_json() == first.get_json()
    assert again.headers["Content-Type"] == "application/json"
    assert again.headers["Cache-Control"].startswith("public")


def test_other_arguments_and_routes_are_other_entries(index_dir):
    client = _app(index_dir).test_client()
    assert client.get("/search?q=iron&limit=2").headers["X-Cache"] == "miss"
    page = client.get("/search?q=iron&limit=1")
    assert page.headers["X-Cache"] == "miss"
    assert len(page.get_json()["results"]) == 1
    answer = client.get("/answer?q=iron")
    assert answer.headers["X-Cache"] == "miss"
    assert "answer" in answer.get_json()
    assert client.get("/search?q=iron&limit=2").headers["X-Cache"] == "hit"


def test_a_rebuild_is_never_served_from_the_old_entries(tmp_path):
    content = make_content(tmp_path / "content")
    out = tmp_path / "index"
    old = build_index(content, out).manifest["index_version"]
    client = _app(out).test_client()
    before = client.get("/search?q=cast iron skillet seasoning").get_json()
    assert client.get("/search?q=cast iron skillet seasoning").headers["X-Cache"] == "hit"
    make_content(tmp_path / "more", "cast-iron-skillet-care.txt")
    new = build_index(tmp_path / "more", out).manifest["index_version"]
    assert new != old
    after = client.get("/search?q=cast iron skillet seasoning")
    assert after.headers["X-Cache"] == "miss"
    body = after.get_json()
    assert (before["index_version"], body["index_version"]) == (old, new)
    assert "skillet" in body["results"][0]["url"]


def test_the_cache_keeps_only_the_most_recent_entries(index_dir):
    app = _app(index_dir, RESPONSE_CACHE_SIZE=2)
    client = app.test_client()
    for q in ("iron", "pregnancy", "caffeine"):
        client.get("/search", query_string={"q": q})
    assert len(app.extensions["response_cache"]) == 2
    assert client.get("/search?q=caffeine").headers["X-Cache"] == "hit"
    assert client.get("/search?q=iron").headers["X-Cache"] == "miss"


def test_size_zero_turns_it_off(index_dir):
    client = _app(index_dir, RESPONSE_CACHE_SIZE=0).test_client()
    client.get("/search?q=iron")
    assert "X-Cache" not in client.get("/search?q=iron").headers


def test_errors_are_never_cached(index_dir, tmp_path):
    client = _app(index_dir).test_client()
    for _ in range(2):
        response = client.get("/search?q=*")
        assert response.status_code == 400
        assert response.headers["X-Cache"] == "miss"
    missing = _app(tmp_path / "nothing").test_client()
    for _ in range(2):
        response = missing.get("/search?q=iron")
        assert response.status_code == 503
        assert "X-Cache" not in response.headers


def test_suggestions_keep_the_trailing_space_apart(index_dir):
    cached = _app(index_dir).test_client()
    fresh = _app(index_dir, RESPONSE_CACHE_SIZE=0).test_client()
    for q in ("restless", "restless ", "restless", "restless "):
        response = cached.get("/suggest", query_string={"q": q})
        assert response.get_json() == fresh.get("/suggest", query_string={"q": q}).get_json()


def test_a_hit_is_logged_like_the_first_answer(index_dir, capsys):
    client = _app(index_dir).test_client()
    capsys.readouterr()
    for _ in range(3):
        client.get("/answer?q=is rls genetic")
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert len(lines) == 3
    assert {(x["route"], x["query"], x["top_id"], x["answered"]) for x in lines} == {
        ("/answer", "is rls genetic", lines[0]["top_id"], True)
    }


def test_a_hit_carries_the_etag_of_the_version_that_answered(index_dir):
    client = _app(index_dir).test_client()
    first = client.get("/search?q=iron")
    again = client.get("/search?q=iron")
    assert again.headers["X-Cache"] == "hit"
    assert again.headers["ETag"] == first.headers["ETag"]
    revalidated = client.get("/search?q=iron", headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304


def test_the_cache_holds_at_most_its_byte_budget(index_dir):
    budget = 48 * 1024
    app = _app(index_dir, RESPONSE_CACHE_BYTES=budget)
    client = app.test_client()
    queries = [f"restless leg syndrome {n}" for n in range(30)]
    pages = {q: client.get("/search", query_string={"q": q, "limit": 50}) for q in queries}
    sizes = {q: len(page.data) for q, page in pages.items()}
    assert sum(sizes.values()) > 3 * budget  # far more than fits, each page well under it
    still = [
        q
        for q in reversed(queries)  # newest first: a miss stores its page and evicts the oldest
        if client.get("/search", query_string={"q": q, "limit": 50}).headers["X-Cache"] == "hit"
    ]
    # The most recent pages stay, the oldest went, and what stays fits in the budget.
    assert still and queries[0] not in still
    assert sum(sizes[q] for q in still) <= budget


def test_a_swap_during_a_request_never_files_one_version_under_another(tmp_path):
    """A rebuild lands between the cache look-up and the route; then ops roll back."""
    content = make_content(tmp_path / "content")
    out = tmp_path / "index"
    first = build_index(content, out)
    first_current = (out / "CURRENT").read_text()
    make_content(tmp_path / "more", "cast-iron-skillet-care.txt")
    app = _app(out)
    swap = {"pending": True}

    @app.before_request
    def _rebuild_mid_request():  # registered after the cache's look-up: runs between the two
        if swap.pop("pending", False):
            build_index(tmp_path / "more", out)

    client = app.test_client()
    during = client.get("/search?q=skillet iron")
    assert during.headers["X-Cache"] == "miss"
    (out / "CURRENT").write_text(first_current)  # roll back to the first version
    after = client.get("/search?q=skillet iron")
    fresh = _app(out, RESPONSE_CACHE_SIZE=0).test_client().get("/search?q=skillet iron")
    version = first.manifest["index_version"]
    assert after.get_json()["index_version"] == version
    assert after.get_json()["results"] == fresh.get_json()["results"]
    assert after.headers["ETag"].startswith(f'W/"{version}-')
