"""The JSON API through the Flask test client: shapes, status codes, errors."""

import pytest

from service.app import create_app
from service.openapi import SPEC

SEARCH_KEYS = {
    "query",
    "corrected",
    "total",
    "limit",
    "offset",
    "results",
    "index_version",
    "took_ms",
}
RESULT_KEYS = {"id", "article", "section", "snippet", "text", "url", "score"}


def test_search_returns_ranked_passages_with_highlights(client):
    response = client.get("/search?q=iron deficiency and dopamine")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == SEARCH_KEYS
    assert body["query"] == "iron deficiency and dopamine"
    assert body["total"] >= len(body["results"]) >= 1
    top = body["results"][0]
    assert set(top) == RESULT_KEYS
    assert top["section"] == "Iron Deficiency"
    assert top["url"] == "/articles/restless-leg-syndrome#iron-deficiency"
    assert top["id"] == "restless-leg-syndrome/iron-deficiency"
    assert "<mark>dopamine</mark>" in top["snippet"]
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert "public" in response.headers["Cache-Control"]


def test_limit_and_offset_page_through_results(client):
    everything = client.get("/search?q=restless leg syndrome&limit=50").get_json()["results"]
    page = client.get("/search?q=restless leg syndrome&limit=3&offset=2").get_json()
    assert [r["id"] for r in page["results"]] == [r["id"] for r in everything[2:5]]
    assert (page["limit"], page["offset"]) == (3, 2)


def test_snippets_escape_html_in_content(tmp_path):
    from index.build import build_index

    from .conftest import make_content

    content = make_content(tmp_path / "c")
    (content / "articles" / "html.txt").write_text(
        "Markup Article\n\nTags\n\nUse <script>alert(1)</script> & friends in templates.\n"
    )
    build_index(content, tmp_path / "i")
    client = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "i")}).test_client()
    snippet = client.get("/search?q=script templates").get_json()["results"][0]["snippet"]
    assert "<script>" not in snippet
    assert "&lt;<mark>script</mark>&gt;" in snippet
    assert "&amp; friends" in snippet


@pytest.mark.parametrize(
    ("q", "extra"),
    [("is rls genetic", set()), ("reason for restless leg syndrome", {"items"})],  # a list
)
def test_answer_gives_one_trimmed_answer(client, q, extra):
    body = client.get("/answer", query_string={"q": q}).get_json()
    answer = body["answer"]
    assert set(answer) == {"id", "article", "section", "text", "url", "confidence"} | extra
    assert 0.0 <= answer["confidence"] <= 1.0
    assert len(answer["text"].split()) <= 60
    assert answer["text"][-1] in ".!?"
    assert "<mark>" not in answer["text"]


def test_unrelated_question_gets_no_answer(client):
    body = client.get("/answer?q=chocolate cake recipe").get_json()
    assert body == {
        "query": "chocolate cake recipe",
        "corrected": None,
        "answer": None,
        "index_version": body["index_version"],
    }


def test_health_reports_the_served_version(client, index_dir):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert (body["articles"], body["passages"]) == (1, 8)
    assert (index_dir / "CURRENT").read_text().strip().startswith(f"v-{body['index_version']}-")
    assert response.headers["Cache-Control"] == "no-store"


def test_health_is_503_json_when_the_index_is_missing(tmp_path):
    client = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "nothing")}).test_client()
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "index_missing"
    search = client.get("/search?q=iron")
    assert search.status_code == 503
    assert search.get_json()["error"]["code"] == "index_missing"
    assert str(tmp_path) not in search.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/search", 400, "missing_query"),
        ("/search?q=", 400, "empty_query"),
        ("/search?q=%20%20%09", 400, "empty_query"),
        ("/search?q=" + "a" * 201, 400, "query_too_long"),
        ("/search?q=" + "a " * 5000, 400, "query_too_long"),
        ("/search?q=*", 400, "no_words"),
        ("/search?q=((", 400, "no_words"),
        ("/search?q=~", 400, "no_words"),
        ("/search?q=iron&q=dopamine", 400, "bad_query"),
        ("/search?q=iron&limit=0", 400, "bad_limit"),
        ("/search?q=iron&limit=51", 400, "bad_limit"),
        ("/search?q=iron&limit=abc", 400, "bad_limit"),
        ("/search?q=iron&limit=1.5", 400, "bad_limit"),
        ("/search?q=iron&limit=%EF%BC%95", 400, "bad_limit"),
        ("/search?q=iron&offset=-1", 400, "bad_offset"),
        ("/search?q=iron&offset=99999999999", 400, "bad_offset"),
        ("/answer", 400, "missing_query"),
        ("/answer?q=" + "b" * 300, 400, "query_too_long"),
        ("/nowhere", 404, "not_found"),
    ],
)
def test_bad_requests_get_a_json_error(client, url, status, code):
    response = client.get(url)
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def test_wrong_method_is_a_json_405(client):
    response = client.post("/search?q=iron")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    "query",
    [
        "title:iron",
        "xOR]NOT :/AND",
        "iron AND NOT dopamine",
        '"iron',
        "iron~2",
        "ir*n?",
        "(iron OR",
        "body:[a TO z]",
        "iron^10",
        "\u0000iron\u202e",
        "鉄 欠乏",
        "🦵 legs",
    ],
)
def test_query_syntax_is_searched_as_text(client, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert response.get_json()["query"]
    # The server keeps answering normally afterwards.
    after = client.get("/search?q=iron deficiency").get_json()
    assert after["results"][0]["section"] == "Iron Deficiency"


# Routes that are not part of the JSON API, and why the API description leaves them out.
NOT_API = {
    "/": "the HTML search page for people (tests/test_page.py)",
    "/static/<path:filename>": "the page's CSS and script",
    "/articles/<slug>": "an article as a page, or a redirect to the site (test_article_page.py)",
}


def test_openapi_describes_every_route(app, client):
    spec = client.get("/openapi.json").get_json()
    assert spec == SPEC
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    assert set(NOT_API) <= routes
    assert routes - set(NOT_API) == set(spec["paths"])
    for path, item in spec["paths"].items():
        for method in item:
            rule_methods = {
                m.lower() for r in app.url_map.iter_rules() if r.rule == path for m in r.methods
            }
            assert method in rule_methods


def test_search_response_matches_the_documented_fields(client):
    body = client.get("/search?q=iron").get_json()
    schema = SPEC["components"]["schemas"]
    assert set(schema["SearchResponse"]["required"]) <= set(body)
    assert set(body) <= set(schema["SearchResponse"]["properties"])
    assert set(body["results"][0]) == set(schema["Result"]["properties"])
