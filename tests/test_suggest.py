"""GET /suggest through the test client: completions, ranking, limits, errors, new versions."""

import shutil

import pytest

from index.build import build_index
from index.text import STOP_WORDS
from service.app import create_app

from .conftest import FIXTURES, make_content


def _suggest(client, q: str, **params) -> list[dict]:
    response = client.get("/suggest", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"query", "suggestions"}
    for item in body["suggestions"]:
        assert set(item) == {"text", "kind"}
        assert item["kind"] in {"query", "question", "article", "heading", "completion"}
    return body["suggestions"]


def test_a_partial_last_word_is_completed(client):
    response = client.get("/suggest?q=restless leg syn")
    body = response.get_json()
    assert body["query"] == "restless leg syn"
    assert body["suggestions"][0] == {"text": "restless leg syndrome", "kind": "completion"}
    assert {"text": "Managing Restless Leg Syndrome with Vascular Medicine", "kind": "heading"} in (
        body["suggestions"]
    )
    assert "public" in response.headers["Cache-Control"]


def test_one_letter_is_enough(client):
    suggestions = _suggest(client, "r")
    assert 1 <= len(suggestions) <= 8
    for item in suggestions:
        words = item["text"].lower().split()
        assert any(w.startswith("r") for w in words), item


def test_a_heading_that_starts_with_the_text_comes_first(client):
    assert _suggest(client, "iron d")[0] == {"text": "Iron Deficiency", "kind": "heading"}
    assert _suggest(client, "pregnan")[0] == {
        "text": "Pregnancy and Hormonal Changes",
        "kind": "heading",
    }


def test_faq_questions_are_suggested(multi_client):
    suggestions = _suggest(multi_client, "is cast iron s")
    assert suggestions[0] == {"text": "Is cast iron safe for glass cooktops?", "kind": "question"}
    assert _suggest(multi_client, "why is my")[0]["text"] == "Why is my skillet sticky?"


def test_completions_follow_the_typed_words(multi_client):
    # "cast" is followed by "iron" in the text; other i-words merely share a passage with it.
    completions = [s["text"] for s in _suggest(multi_client, "cast i") if s["kind"] == "completion"]
    assert completions == ["cast iron"]


def test_a_trailing_space_ends_the_last_word(client):
    partial = [s["text"] for s in _suggest(client, "leg")]
    assert "legs" in partial
    finished = _suggest(client, "leg ")
    assert finished
    assert all(s["kind"] != "completion" for s in finished)


def test_every_suggestion_finds_something(multi_client):
    for typed in ["r", "restless leg syn", "sea", "cast i", "peripheral n", "is cast iron s"]:
        for item in _suggest(multi_client, typed, limit=20):
            body = multi_client.get("/search", query_string={"q": item["text"]}).get_json()
            assert body["total"] > 0, (typed, item)


def test_nothing_to_suggest_is_an_empty_list(client):
    assert _suggest(client, "qwzxv") == []
    assert _suggest(client, "chocolate cake recipe") == []


def test_limit_caps_the_list(multi_client):
    assert len(_suggest(multi_client, "s", limit=20)) > 8
    assert len(_suggest(multi_client, "s")) == 8
    assert len(_suggest(multi_client, "s", limit=2)) == 2


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/suggest", "missing_query"),
        ("/suggest?q=", "empty_query"),
        ("/suggest?q=%20", "empty_query"),
        ("/suggest?q=*", "no_words"),
        ("/suggest?q=" + "a" * 201, "query_too_long"),
        ("/suggest?q=a&q=b", "bad_query"),
        ("/suggest?q=a&limit=0", "bad_limit"),
        ("/suggest?q=a&limit=21", "bad_limit"),
        ("/suggest?q=a&limit=x", "bad_limit"),
    ],
)
def test_bad_input_is_a_json_400(client, url, code):
    response = client.get(url)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert "ETag" not in response.headers


@pytest.mark.parametrize(
    "typed", ["title:iron", "(iron OR", "iron~2", "ir*", '"iron', "鉄", "🦵 leg"]
)
def test_query_syntax_is_only_text(client, typed):
    response = client.get("/suggest", query_string={"q": typed})
    assert response.status_code in (200, 400)
    assert response.is_json


def test_a_rebuild_brings_new_suggestions_and_a_new_etag(tmp_path):
    content = make_content(tmp_path / "content")
    build_index(content, tmp_path / "index")
    client = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "index")}).test_client()
    before = client.get("/suggest?q=how to sea")
    assert before.get_json()["suggestions"] == []

    shutil.copy(FIXTURES / "articles" / "cast-iron-skillet-care.txt", content / "articles")
    build_index(content, tmp_path / "index")
    after = client.get("/suggest?q=how to sea")
    assert after.get_json()["suggestions"][0] == {
        "text": "How to Season and Care for a Cast Iron Skillet",
        "kind": "article",
    }
    assert after.headers["ETag"] != before.headers["ETag"]
    # A cache holding the old version revalidates and gets the new body, not a 304.
    again = client.get("/suggest?q=how to sea", headers={"If-None-Match": before.headers["ETag"]})
    assert again.status_code == 200
    assert again.get_json() == after.get_json()


def test_stop_words_inside_a_phrase_do_not_complete_a_partial_word(multi_client):
    # "an" must not bring every heading with "and" in it.
    for item in _suggest(multi_client, "an", limit=20):
        words = item["text"].lower().replace(":", " ").replace("?", " ").split()
        assert any(w.startswith("an") and w not in STOP_WORDS for w in words), item


def test_a_generic_heading_is_never_suggested(client):
    # The seed has a "Conclusion" and an "Introduction": no one types either to find something.
    for typed in ["what c", "con", "c", "intro", "in"]:
        for item in _suggest(client, typed, limit=20):
            assert item["kind"] != "heading" or item["text"] not in ("Conclusion", "Introduction")


def test_text_that_opens_as_a_question_gets_no_bare_heading(client, multi_client):
    for item in _suggest(client, "what c", limit=20):
        assert item["kind"] in {"query", "question", "completion"}, item
        assert item["text"].lower().startswith("what c"), item
    # Questions that hold the typed words are still offered.
    texts = [s["text"] for s in _suggest(multi_client, "why is my sk", limit=20)]
    assert "Why is my skillet sticky?" in texts


def test_a_word_the_site_never_uses_is_suggested_as_its_synonym(client):
    # synonyms.txt: "coffee, caffeine, …"; the seed says caffeine, never coffee. A partial
    # word is the start of the synonym the user is typing.
    for typed in ["coffee", "coffee ", "coff"]:
        suggestions = _suggest(client, typed)
        assert suggestions, typed
        assert any("caffeine" in s["text"].lower() for s in suggestions), suggestions
        for item in suggestions:
            body = client.get("/search", query_string={"q": item["text"]}).get_json()
            assert body["total"] > 0, item
    assert _suggest(client, "coffee and rls")[0]["text"] == "caffeine and rls"
    assert _suggest(client, "coffee and rl")[0]["text"] == "caffeine and rls"
    # Too short a start stands for too many words to guess one.
    assert not any("caffeine" in s["text"].lower() for s in _suggest(client, "co"))


def test_a_word_the_site_uses_also_brings_the_phrases_that_say_it_in_other_words(client):
    # synonyms.txt: "rls, restless legs syndrome, …"; the seed's title and a heading say
    # "Restless Leg Syndrome", never "RLS".
    for typed in ["rls", "RLS ", "legs", "restless legs"]:
        texts = [s["text"] for s in _suggest(client, typed)]
        assert "Understanding the Reason for Restless Leg Syndrome" in texts, (typed, texts)
    # A word with no synonym the site says brings no phrase that lacks it.
    assert all("iron" in s["text"].lower() for s in _suggest(client, "iron"))


def _popular_client(tmp_path, text: str):
    content = make_content(tmp_path / "content")
    (content / "popular-queries.txt").write_text(text, encoding="utf-8")
    build_index(content, tmp_path / "index")
    return create_app({"SEARCH_INDEX_DIR": str(tmp_path / "index")}).test_client()


def test_popular_queries_come_first_most_asked_first(tmp_path):
    client = _popular_client(
        tmp_path,
        "# from the query log\n"
        "12\twhat causes restless legs\n"
        "30\twhat can i do about restless legs in pregnancy\n"
        "9\twhat color is a zebra\n",  # a word the site does not know: not offered
    )
    suggestions = _suggest(client, "what c", limit=20)
    assert suggestions[:2] == [
        {"text": "what can i do about restless legs in pregnancy", "kind": "query"},
        {"text": "what causes restless legs", "kind": "query"},
    ]
    assert all("zebra" not in s["text"] for s in suggestions)
    # A popular query that holds the typed words is offered even when it does not begin with them.
    assert {"text": "what causes restless legs", "kind": "query"} in _suggest(client, "causes r")


def test_a_malformed_popular_queries_file_stops_the_build_naming_the_line(tmp_path):
    from index.errors import BuildError

    content = make_content(tmp_path / "content")
    (content / "popular-queries.txt").write_text("3\tfine\nmany\tbroken\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"popular-queries.txt:2"):
        build_index(content, tmp_path / "index")


def test_popular_queries_beside_articles_in_a_flat_folder_are_not_an_article(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(make_content(tmp_path / "seed") / "articles" / "restless-leg-syndrome.txt", content)
    (content / "popular-queries.txt").write_text("4\twhat causes restless legs\n", encoding="utf-8")
    result = build_index(content, tmp_path / "index")
    client = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "index")}).test_client()
    assert client.get("/health").get_json()["articles"] == 1, result
    assert _suggest(client, "what c")[0] == {"text": "what causes restless legs", "kind": "query"}
