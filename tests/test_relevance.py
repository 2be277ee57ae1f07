"""Relevance: the development judgments for the seed article (a floor, not the whole measure)."""

import json
from pathlib import Path

import pytest

JUDGMENTS = json.loads((Path(__file__).parent / "fixtures" / "dev-queries.json").read_text())


@pytest.mark.parametrize("case", JUDGMENTS["queries"], ids=lambda c: c["q"])
def test_dev_query(client, case):
    body = client.get("/search", query_string={"q": case["q"]}).get_json()
    answer = client.get("/answer", query_string={"q": case["q"]}).get_json()["answer"]
    if case.get("none"):
        assert answer is None
    else:
        assert body["results"], "no results"
        assert body["results"][0]["section"] in case["sections"]
        assert answer is not None
        assert answer["section"] == body["results"][0]["section"]


def test_typo_is_corrected_and_reported(client):
    body = client.get("/search?q=iron defficiency").get_json()
    assert body["corrected"] == "iron deficiency"
    assert body["results"][0]["section"] == "Iron Deficiency"


def test_a_query_that_matches_is_never_corrected(client):
    assert client.get("/search?q=peripheral neuropathy").get_json()["corrected"] is None


def test_faq_question_finds_its_entry(multi_client):
    body = multi_client.get("/search?q=can you cook tomato sauce in cast iron").get_json()
    assert body["results"][0]["section"] == "Can I cook tomatoes in cast iron?"
    answer = multi_client.get("/answer?q=why is my cast iron pan sticky").get_json()["answer"]
    assert answer["section"] == "Why is my skillet sticky?"


def test_the_title_decides_the_article(multi_client):
    body = multi_client.get("/search?q=iron deficiency restless legs").get_json()
    assert body["results"][0]["id"] == "restless-leg-syndrome/iron-deficiency"
    body = multi_client.get("/search?q=cast iron rust").get_json()
    assert body["results"][0]["id"] == "cast-iron-skillet-care/removing-rust"
