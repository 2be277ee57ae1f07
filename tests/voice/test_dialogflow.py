"""The Dialogflow webhook: ES and CX requests from fixtures, the shared secret, errors."""

from __future__ import annotations

import base64

import pytest

from index.content import load_article
from index.snippets import sentences
from service.app import create_app
from service.voice import speech
from service.voice.memory import MEMORY_KEY, Memory

from ..conftest import ROOT
from .helpers import fixture

SECRET = "s3cr3t-webhook-token-for-tests"
ARTICLE = load_article(ROOT / "content" / "articles" / "restless-leg-syndrome.txt")
SECTIONS = {p.section: p.text for p in ARTICLE.passages}


def bearer(token: str = SECRET) -> dict:
    return {"Authorization": f"Bearer {token}"}


def basic(user: str, password: str) -> dict:
    pair = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


@pytest.fixture()
def dialogflow(index_dir):
    app = create_app(
        {
            "TESTING": True,
            "SEARCH_INDEX_DIR": str(index_dir),
            "DIALOGFLOW_WEBHOOK_SECRET": SECRET,
            "VOICE_NOTICE": "This is general information, not medical advice",
        }
    )
    return app.test_client()


def call(client, name_or_body, headers=None):
    body = fixture(name_or_body) if isinstance(name_or_body, str) else name_or_body
    return client.post("/voice/dialogflow", json=body, headers=headers or bearer())


def error_code(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["message"]
    return body["error"]["code"]


def assert_answer_from(text: str, section: str) -> None:
    """The reply is whole sentences of the section, then the source, then the notice."""
    source = f" From: {ARTICLE.title}."
    notice = " This is general information, not medical advice."
    assert text.endswith(source + notice + " " + speech.ANYTHING_ELSE)
    answer = text[: text.index(source)]
    assert 0 < len(answer.split()) <= 40
    for said in sentences(answer):
        assert said in SECTIONS[section]


def test_es_fallback_intent_answers_the_question_text(dialogflow, searches):
    response = call(dialogflow, "dialogflow-es-fallback-question.json")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"fulfillmentText", "fulfillmentMessages", "outputContexts"}
    assert body["fulfillmentMessages"] == [{"text": {"text": [body["fulfillmentText"]]}}]
    assert_answer_from(body["fulfillmentText"], "Genetic Predisposition")
    assert searches == ["is restless leg syndrome genetic"]
    assert response.headers["Cache-Control"] == "no-store"


def test_es_query_parameter_wins_over_the_full_text(dialogflow, searches):
    body = call(dialogflow, "dialogflow-es-search-parameter.json").get_json()
    assert searches == ["iron deficiency"]
    assert_answer_from(body["fulfillmentText"], "Iron Deficiency")


def test_es_welcome_action_greets_without_searching(dialogflow, searches):
    body = call(dialogflow, "dialogflow-es-welcome.json").get_json()
    assert body["fulfillmentText"] == f"{speech.WELCOME} {speech.ASK}"
    assert searches == []


def test_es_unrelated_question_gets_the_honest_fallback(dialogflow):
    request = fixture("dialogflow-es-fallback-question.json")
    request["queryResult"]["queryText"] = "chocolate cake recipe"
    body = call(dialogflow, request).get_json()
    assert body["fulfillmentText"] == f"{speech.NO_ANSWER} {speech.TRY_AGAIN}"


def test_cx_text_is_answered_with_session_parameters(dialogflow, searches):
    response = call(dialogflow, "dialogflow-cx-text.json", basic("dialogflow", SECRET))
    assert response.status_code == 200
    body = response.get_json()
    messages = body["fulfillmentResponse"]["messages"]
    assert len(messages) == 1
    (text,) = messages[0]["text"]["text"]
    assert_answer_from(text, "Genetic Predisposition")
    parameters = body["sessionInfo"]["parameters"]
    assert parameters.pop(MEMORY_KEY)["article"] == ARTICLE.title
    assert parameters == {
        "query": None,
        "answer_found": True,
        "answer_article": ARTICLE.title,
        "answer_url": "/articles/restless-leg-syndrome#genetic-predisposition",
    }
    assert searches == ["is restless leg syndrome genetic"]


def test_cx_voice_input_uses_the_query_parameter(dialogflow, searches):
    body = call(dialogflow, "dialogflow-cx-voice-parameter.json").get_json()
    assert searches == ["restless legs during pregnancy"]
    (text,) = body["fulfillmentResponse"]["messages"][0]["text"]["text"]
    assert_answer_from(text, "Pregnancy and Hormonal Changes")


def test_cx_transcript_is_searched_when_no_parameter_is_set(dialogflow, searches):
    request = fixture("dialogflow-cx-voice-parameter.json")
    request["sessionInfo"]["parameters"] = {}
    del request["intentInfo"]
    call(dialogflow, request)
    assert searches == ["what can cause restless legs during pregnancy"]


def test_cx_unrelated_question_says_so_and_flags_no_answer(dialogflow):
    body = call(dialogflow, "dialogflow-cx-unrelated.json").get_json()
    (text,) = body["fulfillmentResponse"]["messages"][0]["text"]["text"]
    assert text == f"{speech.NO_ANSWER} {speech.TRY_AGAIN}"
    parameters = body["sessionInfo"]["parameters"]
    assert parameters.pop(MEMORY_KEY) == Memory().to_json()
    assert parameters == {
        "query": None,
        "answer_found": False,
        "answer_article": None,
        "answer_url": None,
    }


def test_cx_help_tag_explains_without_searching(dialogflow, searches):
    body = call(dialogflow, "dialogflow-cx-help.json").get_json()
    (text,) = body["fulfillmentResponse"]["messages"][0]["text"]["text"]
    assert text == f"{speech.HELP} {speech.ASK}"
    assert searches == []


def test_cx_event_without_words_asks_to_repeat(dialogflow, searches):
    request = fixture("dialogflow-cx-text.json")
    del request["text"]
    request["triggerEvent"] = "sys.no-match-default"
    body = call(dialogflow, request).get_json()
    assert body["fulfillmentResponse"]["messages"][0]["text"]["text"] == [speech.REPEAT]
    assert searches == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        bearer("wrong"),
        bearer(SECRET + "x"),
        bearer(SECRET[:-1]),
        {"Authorization": SECRET},
        {"Authorization": f"Token {SECRET}"},
        {"Authorization": "Bearer "},
        basic("dialogflow", "wrong"),
        basic(SECRET, ""),
        {"Authorization": "Basic not-base64!"},
        {"Authorization": "Basic " + base64.b64encode(SECRET.encode()).decode()},
    ],
    ids=[
        "none",
        "wrong bearer",
        "longer",
        "shorter",
        "no scheme",
        "other scheme",
        "empty bearer",
        "wrong password",
        "secret as user",
        "bad base64",
        "no colon",
    ],
)
def test_wrong_or_missing_credentials_get_401_and_no_answer(dialogflow, searches, headers):
    response = dialogflow.post(
        "/voice/dialogflow", json=fixture("dialogflow-es-fallback-question.json"), headers=headers
    )
    assert error_code(response, 401) == "unauthorized"
    assert "Bearer" in response.headers["WWW-Authenticate"]
    assert "fulfillmentText" not in response.get_json()
    assert searches == []


def test_bearer_scheme_is_case_insensitive(dialogflow):
    response = call(dialogflow, "dialogflow-es-welcome.json", {"Authorization": f"bearer {SECRET}"})
    assert response.status_code == 200


def test_without_a_configured_secret_every_call_is_refused(index_dir, searches):
    client = create_app({"SEARCH_INDEX_DIR": str(index_dir)}).test_client()
    for headers in ({}, bearer(""), bearer(SECRET), basic("x", "")):
        response = call(client, "dialogflow-es-fallback-question.json", headers)
        assert error_code(response, 503) == "not_configured"
    assert searches == []


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"{not json", 400, "bad_json"),
        (b'"a string"', 400, "bad_request_shape"),
        (b"{}", 400, "bad_request_shape"),
        (b'{"queryResult": "text"}', 400, "bad_request_shape"),
        (b'{"queryResult": {}, "fulfillmentInfo": {}}', 400, "bad_request_shape"),
        (b'{"session": "projects/p/agent/sessions/s"}', 400, "bad_request_shape"),
        (b'{"queryResult": {"queryText": 12}}', 200, None),
        (b'{"queryResult": {"parameters": {"query": ["iron", 3, "deficiency"]}}}', 200, None),
        (b'{"fulfillmentInfo": {"tag": 7}, "text": ["list"]}', 200, None),
        (b'{"queryResult": {"queryText": "' + b"why " * 300 + b'"}}', 200, None),
        (b"[" * 50000, 413, "payload_too_large"),
    ],
)
def test_malformed_bodies_get_4xx_json_never_500(dialogflow, data, status, code):
    response = dialogflow.post(
        "/voice/dialogflow", data=data, headers=bearer(), content_type="application/json"
    )
    if code is None:
        assert response.status_code == 200
        body = response.get_json()
        assert "fulfillmentText" in body or "fulfillmentResponse" in body
    else:
        assert error_code(response, status) == code


def test_an_odd_shaped_parameter_list_is_searched_as_words(dialogflow, searches):
    request = {"queryResult": {"parameters": {"query": ["iron", 3, "deficiency"]}}}
    call(dialogflow, request)
    assert searches == ["iron deficiency"]


def test_a_too_long_question_is_asked_again_shorter(dialogflow):
    request = {"queryResult": {"queryText": "why " * 300}}
    assert call(dialogflow, request).get_json()["fulfillmentText"] == speech.TOO_LONG
