"""The served /openapi.json and the validation agree: every declared limit is enforced.

Read from the document the app serves, so a limit changed in service/schemas.py is checked
against both sides at once: a value at each bound is accepted, one past it is the 4xx JSON error.
"""

from __future__ import annotations

import pytest

from service.app import create_app
from service.openapi import SPEC

from .invariants import check_documented, check_response

QUERY_OPERATIONS = [
    (path, method, param)
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    for param in operation.get("parameters", [])
    if param["in"] == "query"
]
IDS = [f"{m} {p} {param['name']}" for p, m, param in QUERY_OPERATIONS]


def _others(path: str, method: str, name: str) -> dict[str, str]:
    """Return acceptable values of the operation's other required parameters."""
    operation = SPEC["paths"][path][method]
    return {
        p["name"]: "iron"
        for p in operation["parameters"]
        if p["in"] == "query" and p["required"] and p["name"] != name
    }


def _get(client, path: str, method: str, params: dict[str, str]):
    response = client.open(path, method=method.upper(), query_string=params)
    body = check_response(response.status_code, response.headers, response.get_data())
    check_documented(SPEC, path, method, response.status_code, body)
    return response.status_code, body


def test_the_served_document_is_the_generated_one(client):
    assert client.get("/openapi.json").get_json() == SPEC
    assert QUERY_OPERATIONS, "no operation declares a query parameter"


@pytest.mark.parametrize(("path", "method", "param"), QUERY_OPERATIONS, ids=IDS)
def test_every_declared_limit_is_enforced(client, path, method, param):
    name, schema = param["name"], param["schema"]
    others = _others(path, method, name)
    checked = 0
    if schema["type"] == "integer":
        low, high = schema["minimum"], schema["maximum"]
        for value in (low, high):
            status, body = _get(client, path, method, {**others, name: str(value)})
            assert status == 200, (name, value, body)
            if name in body:
                assert body[name] == value
        for value in (low - 1, high + 1):
            status, body = _get(client, path, method, {**others, name: str(value)})
            assert status == 400, (name, value)
            assert body["error"]["code"] == f"bad_{name}"
            assert f"from {low} to {high}" in body["error"]["message"]
        checked += 4
    if schema["type"] == "string":
        longest = "iron" + " " * (schema["maxLength"] - 4)  # collapses to a short query
        status, _ = _get(client, path, method, {**others, name: longest})
        assert status == 200
        status, body = _get(client, path, method, {**others, name: longest + " "})
        assert (status, body["error"]["code"]) == (400, "query_too_long")
        assert schema["minLength"] == 1
        status, body = _get(client, path, method, {**others, name: ""})
        assert (status, body["error"]["code"]) == (400, "empty_query")
        checked += 3
    assert checked, f"{name}: a {schema['type']} parameter this test does not know"


@pytest.mark.parametrize(("path", "method", "param"), QUERY_OPERATIONS, ids=IDS)
def test_required_and_default_are_as_declared(client, path, method, param):
    name, schema = param["name"], param["schema"]
    status, body = _get(client, path, method, _others(path, method, name))
    if param["required"]:
        assert status == 400
        assert body["error"]["code"] == "missing_query" if name == "q" else f"missing_{name}"
    else:
        assert status == 200
        assert "default" in schema
        if name in body:
            assert body[name] == schema["default"]
        elif name == "limit":
            assert len(body["suggestions"]) <= schema["default"]


def test_the_search_box_takes_the_declared_query_length(index_dir):
    from bs4 import BeautifulSoup

    from service.schemas import PageArgs

    page = create_app({"SEARCH_INDEX_DIR": str(index_dir)}).test_client().get("/")
    box = BeautifulSoup(page.data, "html.parser").find("input", attrs={"name": "q"})
    limit = PageArgs().fields["q"].max_chars
    assert int(box["maxlength"]) == limit
    assert (
        f"At most {limit} characters"
        in SPEC["paths"]["/search"]["get"]["parameters"][0]["description"]
    )


@pytest.mark.parametrize("cache_size", [0, 1024])
@pytest.mark.parametrize(
    "url", ["/search?q=iron%20pan", "/answer?q=iron", "/suggest?q=iron%20d", "/?q=iron"]
)
def test_the_query_is_cleaned_once_per_request(index_dir, monkeypatch, url, cache_size):
    import index.query

    app = create_app({"SEARCH_INDEX_DIR": str(index_dir), "RESPONSE_CACHE_SIZE": cache_size})
    client = app.test_client()
    client.get("/health")  # the index is opened outside the count
    calls = []
    real = index.query.clean_query
    monkeypatch.setattr(index.query, "clean_query", lambda text: calls.append(text) or real(text))
    assert client.get(url).status_code == 200
    assert len(calls) == 1
