"""Dialogflow conversations built with Google's own client libraries, every response parsed
strictly as a WebhookResponse: CX session parameters across turns, ES output contexts."""

from __future__ import annotations

import pytest
from google.protobuf import json_format

from index.content import load_article
from service.app import create_app
from service.voice import speech
from service.voice.memory import MEMORY_KEY

from ..conftest import ROOT
from .platforms import answer_part, cx_request, es_request, strict_cx, strict_es

SECRET = "conversation-test-secret"
ARTICLE = load_article(ROOT / "content" / "articles" / "restless-leg-syndrome.txt")
SECTIONS = {p.section: p.text for p in ARTICLE.passages}


@pytest.fixture()
def webhook(index_dir):
    app = create_app(
        {"TESTING": True, "SEARCH_INDEX_DIR": str(index_dir), "DIALOGFLOW_WEBHOOK_SECRET": SECRET}
    )
    client = app.test_client()

    def post(body: dict) -> dict:
        response = client.post(
            "/voice/dialogflow", json=body, headers={"Authorization": f"Bearer {SECRET}"}
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    return post


class CxSession:
    """A CX session: parameters kept between turns and updated from each reply as CX does
    (a parameter set to null is removed)."""

    def __init__(self, post, language: str = "en"):
        self.post, self.language = post, language
        self.parameters: dict = {}

    def turn(self, text=None, tag="answer", intent_parameters=None) -> str:
        """Send one turn and return what the agent says."""
        if intent_parameters:
            # CX copies an intent's parameters into the session's.
            self.parameters.update(intent_parameters)
        body = self.post(
            cx_request(
                text,
                tag=tag,
                session_parameters=self.parameters,
                intent_parameters=intent_parameters,
                language=self.language,
            )
        )
        reply = strict_cx(body)
        for name, value in json_format.MessageToDict(reply._pb)["sessionInfo"][
            "parameters"
        ].items():
            if value is None:
                self.parameters.pop(name, None)
            else:
                self.parameters[name] = value
        (message,) = reply.fulfillment_response.messages
        (text_said,) = message.text.text
        return text_said


def source_of(text: str) -> str:
    assert f"From: {ARTICLE.title}." in text, text
    return answer_part(text)


def test_cx_answers_each_turn_s_question_not_the_first_one(webhook, searches):
    session = CxSession(webhook)
    first = session.turn(
        "what can cause restless legs during pregnancy",
        intent_parameters={"query": "restless legs during pregnancy"},
    )
    assert source_of(first) in SECTIONS["Pregnancy and Hormonal Changes"]
    assert "query" not in session.parameters  # consumed and cleared
    second = session.turn("is restless legs syndrome genetic")
    assert source_of(second).split(". ")[0] in SECTIONS["Genetic Predisposition"]
    assert searches == ["restless legs during pregnancy", "is restless legs syndrome genetic"]


def test_cx_this_turn_s_words_win_over_a_parameter_left_from_an_earlier_turn(webhook, searches):
    # An agent whose flow kept the old parameter (the webhook's clearing not applied).
    stale = {"query": "restless legs during pregnancy"}
    body = webhook(cx_request("is restless legs syndrome genetic", session_parameters=stale))
    (message,) = strict_cx(body).fulfillment_response.messages
    assert source_of(message.text.text[0]).split(". ")[0] in SECTIONS["Genetic Predisposition"]
    assert searches == ["is restless legs syndrome genetic"]
    assert body["sessionInfo"]["parameters"]["query"] is None


def test_cx_a_session_parameter_is_searched_when_the_turn_has_no_words(webhook, searches):
    body = webhook(cx_request(None, session_parameters={"query": "iron deficiency"}))
    strict_cx(body)
    assert searches == ["iron deficiency"]


def test_cx_tell_me_more_and_where_is_that_from(webhook):
    session = CxSession(webhook)
    first = session.turn("what causes restless legs during pregnancy")
    section = SECTIONS["Pregnancy and Hormonal Changes"]
    more = session.turn("tell me more", tag="more").removesuffix(" " + speech.ANYTHING_ELSE)
    assert more and more in section and more not in source_of(first)
    where = session.turn("where is that from", tag="source")
    assert where.startswith(
        f"That was from Pregnancy and Hormonal Changes, in the article {ARTICLE.title}."
    )
    assert session.parameters[MEMORY_KEY]["article"] == ARTICLE.title


def test_cx_another_language_hears_once_that_answers_are_in_english(webhook):
    session = CxSession(webhook, language="de")
    first = session.turn("is restless leg syndrome genetic")
    second = session.turn("what causes restless legs during pregnancy")
    assert first.startswith(speech.ENGLISH_ONLY + " ")
    assert speech.ENGLISH_ONLY not in second
    assert "From:" in second


def test_es_output_contexts_carry_the_last_answer_to_the_next_turn(webhook, searches):
    first = webhook(es_request("what causes restless legs during pregnancy"))
    parsed = strict_es(first)
    (context,) = first["outputContexts"]
    assert context["name"].endswith(f"/contexts/{MEMORY_KEY}")
    assert parsed.output_contexts[0].lifespan_count > 0
    # Dialogflow sends the active contexts back on the next turn.
    more = webhook(es_request("tell me more", action="more", contexts=[context]))
    text = strict_es(more).fulfillment_text.removesuffix(" " + speech.ANYTHING_ELSE)
    assert text and text in SECTIONS["Pregnancy and Hormonal Changes"]
    assert text not in source_of(first["fulfillmentText"])
    where = webhook(
        es_request("where is that from", action="source", contexts=more["outputContexts"])
    )
    assert strict_es(where).fulfillment_text.startswith("That was from Pregnancy and Hormonal")
    assert searches == ["what causes restless legs during pregnancy"]


def test_es_a_context_of_another_session_is_not_read(webhook):
    first = webhook(es_request("what causes restless legs during pregnancy"))
    (context,) = first["outputContexts"]
    context = {**context, "name": context["name"].replace("test-session", "someone-else")}
    more = webhook(es_request("tell me more", action="more", contexts=[context]))
    assert more["fulfillmentText"] == f"{speech.NO_LAST_ANSWER} {speech.ASK}"


def test_es_another_language_hears_once_that_answers_are_in_english(webhook):
    first = webhook(es_request("is restless leg syndrome genetic", language="fr"))
    assert strict_es(first).fulfillment_text.startswith(speech.ENGLISH_ONLY + " ")
    second = webhook(es_request("iron deficiency", language="fr", contexts=first["outputContexts"]))
    assert speech.ENGLISH_ONLY not in strict_es(second).fulfillment_text


@pytest.mark.parametrize(
    "body",
    [
        es_request("chocolate cake recipe"),
        es_request("", action="input.welcome"),
        es_request("help", action="input.help"),
        cx_request("chocolate cake recipe"),
        cx_request(None, tag="welcome"),
        cx_request("help", tag="help"),
        cx_request("tell me more", tag="more"),
    ],
    ids=[
        "es-no-answer",
        "es-welcome",
        "es-help",
        "cx-no-answer",
        "cx-welcome",
        "cx-help",
        "cx-more",
    ],
)
def test_every_kind_of_reply_parses_strictly(webhook, body):
    reply = webhook(body)
    parsed = strict_es(reply) if "queryResult" in body else strict_cx(reply)
    assert parsed is not None
