"""Property-based fuzzing of every route the OpenAPI description lists, through the test client.

Operations are read from service/openapi.py's SPEC when the tests are collected, so a route
is fuzzed as soon as it is described. Inputs come from tests/strategies.py; every response
must satisfy tests/invariants.py and be documented (status and body schema) in the SPEC.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.openapi import SPEC

from .conftest import FUZZ_SECRET, fuzz_app
from .invariants import check_documented, check_response, count_requests
from .strategies import (
    CONTENT_WORDS,
    MARKUP,
    ODD_CHARS,
    SPOKEN_KEYS,
    VOICE_FIXTURES,
    any_text,
    examples,
    query_params,
    query_text,
    recorded_envelope,
    request_body,
    set_at,
    string_leaves,
)

OPERATIONS = [(path, method) for path, item in SPEC["paths"].items() for method in item]
FUZZ_SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "database": None,
}


@pytest.fixture(scope="module")
def fuzz_client(fuzz_index):
    """The fuzz app (tests/conftest.py) behind a test client, its requests counted."""
    app = fuzz_app(fuzz_index)
    count_requests(app, "hypothesis")
    return app.test_client()


def _budget(path: str, method: str) -> int:
    operation = SPEC["paths"][path][method]
    # Routes without inputs get a fifth: only unknown parameters and headers vary there.
    takes_input = operation.get("parameters") or operation.get("requestBody")
    return examples(1800 if takes_input else 360)


@st.composite
def _headers(draw: st.DrawFn, operation: dict) -> dict[str, str]:
    headers: dict[str, str] = {}
    if operation.get("security"):
        headers["Authorization"] = draw(
            st.sampled_from([f"Bearer {FUZZ_SECRET}"] * 6 + ["Bearer wrong", "Basic !!", ""])
        )
    for param in operation.get("parameters", []):
        if param.get("in") == "header" and draw(st.booleans()):
            headers[param["name"]] = draw(
                st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80)
            )
    if draw(st.booleans()):
        headers["Accept-Language"] = draw(
            st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
        )
    return headers


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_every_operation_survives_hostile_requests(fuzz_client, path, method):
    """Arbitrary parameters, headers and bodies: a documented, well-formed JSON reply, no 5xx."""
    operation = SPEC["paths"][path][method]
    bodies = None
    if "requestBody" in operation:
        recorded = recorded_envelope(path)
        bodies = st.one_of(request_body(SPEC, operation), recorded, recorded, recorded)

    @settings(max_examples=_budget(path, method), **FUZZ_SETTINGS)
    @given(data=st.data())
    def run(data):
        params = data.draw(query_params(operation.get("parameters", [])), label="query")
        headers = data.draw(_headers(operation), label="headers")
        body = data.draw(bodies, label="body") if bodies is not None else None
        response = fuzz_client.open(
            path,
            method=method.upper(),
            query_string=params,
            headers=headers,
            data=body,
            content_type="application/json" if body is not None else None,
        )
        parsed = check_response(response.status_code, response.headers, response.get_data())
        check_documented(SPEC, path, method, response.status_code, parsed)

    run()


@settings(max_examples=examples(1500), **FUZZ_SETTINGS)
@given(q=query_text, limit=st.integers(1, 50), offset=st.integers(0, 500))
def test_search_pages_are_consistent_for_any_query(fuzz_client, q, limit, offset):
    """Whatever q is: a 200 has at most limit results in score order, or a 400 says why."""
    response = fuzz_client.get("/search", query_string={"q": q, "limit": limit, "offset": offset})
    body = check_response(response.status_code, response.headers, response.get_data())
    if response.status_code == 400:
        assert body["error"]["code"] in {"empty_query", "query_too_long", "no_words"}
        return
    assert response.status_code == 200
    assert (body["limit"], body["offset"]) == (limit, offset)
    assert len(body["results"]) <= limit
    assert body["total"] >= 0
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert len({r["id"] for r in body["results"]}) == len(body["results"])
    assert body["corrected"] is None or isinstance(body["corrected"], str)


@settings(max_examples=examples(1000), **FUZZ_SETTINGS)
@given(
    words=st.lists(st.sampled_from(CONTENT_WORDS), min_size=1, max_size=6),
    noise=st.lists(any_text, max_size=3),
)
def test_answers_are_plain_text_from_the_content(fuzz_client, words, noise):
    """Real words wrapped in noise still reach the ranking; any answer is plain sentences."""
    q = " ".join(words + noise)
    response = fuzz_client.get("/answer", query_string={"q": q})
    body = check_response(response.status_code, response.headers, response.get_data())
    if response.status_code == 200 and body["answer"] is not None:
        answer = body["answer"]
        assert answer["text"].strip() and "<mark>" not in answer["text"]
        assert 0.0 <= answer["confidence"] <= 1.0
        assert answer["url"].startswith("/articles/")


MARKUP_WORDS = "templates markup entities ampersands brackets angle tags quotes scraped".split()


@settings(max_examples=examples(600), **FUZZ_SETTINGS)
@given(
    words=st.lists(st.sampled_from(MARKUP_WORDS + CONTENT_WORDS[:8]), min_size=1, max_size=4),
    noise=st.lists(st.sampled_from([*MARKUP, *ODD_CHARS]), max_size=2),
    route=st.sampled_from([p for p, item in SPEC["paths"].items() if p.startswith("/voice/")]),
)
def test_spoken_answers_from_marked_up_content_are_well_formed(fuzz_client, words, noise, route):
    """Questions about the article full of markup reach spoken answers: SSML stays well-formed
    and escaped, cards and texts carry no highlight."""
    fixture = (
        "alexa-search.json" if route.endswith("alexa") else "dialogflow-es-search-parameter.json"
    )
    envelope = json.loads((VOICE_FIXTURES / fixture).read_text())
    for path in string_leaves(envelope):
        if path and path[-1] in SPOKEN_KEYS:
            set_at(envelope, path, " ".join(words + noise))
    response = fuzz_client.post(
        route,
        data=json.dumps(envelope),
        content_type="application/json",
        headers={"Authorization": f"Bearer {FUZZ_SECRET}"},
    )
    assert response.status_code == 200, response.get_data()
    check_response(response.status_code, response.headers, response.get_data())
