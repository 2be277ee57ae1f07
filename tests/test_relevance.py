"""Relevance: the development judgments for the seed article (a floor, not the whole measure)."""

import json
from pathlib import Path

import pytest

JUDGMENTS = json.loads((Path(__file__).parent / "fixtures" / "dev-queries.json").read_text())


@pytest.mark.parametrize("case", JUDGMENTS["queries"], ids=lambda c: c["q"])
@pytest.mark.parametrize("which", ["seed only", "with other articles"])
def test_dev_query(client, multi_client, which, case):
    if which == "with other articles":
        client = multi_client  # other subjects in the index must not change the seed's answers
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


def test_everyday_word_finds_the_article_word_through_synonyms(client):
    body = client.get("/search?q=does coffee make restless legs worse").get_json()
    assert body["results"][0]["section"] == "Medications and Substance Use"
    assert "<mark>caffeine</mark>" in body["results"][0]["snippet"]
    assert client.get("/answer?q=coffee").get_json()["answer"]["section"] == (
        "Medications and Substance Use"
    )


def test_what_is_prefers_the_passage_that_introduces_it(client):
    answer = client.get("/answer?q=what is rls").get_json()["answer"]
    assert answer["section"] == "Introduction"
    assert answer["text"].startswith("Restless Leg Syndrome (RLS) is a neurological disorder")


@pytest.mark.parametrize("query", ["what is the", "how do you", "xkcd qwerty zzyzx"])
def test_only_stop_words_or_unknown_words_get_no_answer(client, query):
    assert client.get("/answer", query_string={"q": query}).get_json()["answer"] is None


@pytest.mark.parametrize("name", ["judgments.json", "heldout.json"])
def test_own_judgments_pass_with_every_unrelated_query_unanswered(name):
    from index.evaluate import built_index, evaluate, load_judgments
    from index.search import DEFAULT_RANKING

    from .conftest import ROOT

    judgments, content = load_judgments(ROOT / "tests/fixtures/relevance" / name)
    assert len(judgments) >= 20
    assert sum(j.none for j in judgments) >= 3
    with built_index([ROOT / p for p in content]) as index:
        assert index.manifest["article_count"] >= 4
        metrics = evaluate(index, judgments, DEFAULT_RANKING)
    assert metrics.success_at_1 >= 0.9, metrics.failures
    assert not [f for f in metrics.failures if "expected no answer" in f]


def test_eval_script_prints_each_feature_against_plain_bm25f():
    import subprocess
    import sys

    from .conftest import ROOT

    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/eval_relevance.py"),
            "--judgments",
            str(ROOT / "tests/fixtures/dev-queries.json"),
            "--min-pass",
            "1.0",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    for row in (
        "all features",
        "no synonyms",
        "no typo correction",
        "no topic weighting",
        "no question/FAQ handling",
        "plain BM25F",
    ):
        assert f"| {row} |" in run.stdout
    assert "| all features | 100.0% | 1.000 | 100.0% | 100.0% |" in run.stdout
