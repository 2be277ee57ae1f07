"""List answers spoken on every platform: "There are several possible reasons: …, and …",
within the spoken budget, requests built and responses parsed with the platforms' SDK models."""

from __future__ import annotations

from index.lists import list_sentence
from service.voice import speech

from .platforms import AlexaSession, cx_request, es_request, said, strict_cx, strict_es

QUESTION = "what are the reasons for restless legs"
TITLE = "Understanding the Reason for Restless Leg Syndrome"
ITEMS = [
    "Genetic Predisposition",
    "Iron Deficiency",
    "Peripheral Neuropathy",
    "Pregnancy and Hormonal Changes",
    "Medications and Substance Use",
]


def _assert_spoken_list(text: str) -> None:
    """The list as a sentence, every item in the article's order, then the source line."""
    answer, _, source = text.partition(" From: ")
    assert answer.startswith("There are several possible reasons: genetic predisposition, ")
    assert answer.endswith(", and medications and substance use.")
    positions = [answer.index(item.lower()) for item in ITEMS]
    assert positions == sorted(positions)
    assert source.startswith(f"{TITLE}.")
    assert len(f"{answer} From: {TITLE}.") <= speech.SPOKEN_MAX_CHARS


def test_alexa_speaks_the_list_and_its_card_names_every_item(alexa, searches):
    conversation = AlexaSession(alexa.post)
    conversation.launch()
    reply = conversation.intent("WhatIntent", "are the reasons for restless legs")
    assert searches == [QUESTION]
    _assert_spoken_list(said(reply))
    assert said(reply).endswith(speech.ANYTHING_ELSE)
    card = reply.response.card
    assert card.title == TITLE
    for item in ITEMS:
        assert f"- {item}" in card.content.split("\n")
    # The list comes from the whole article: the source names only the article.
    source = conversation.intent("SourceIntent")
    assert said(source) == f"That was from the article {TITLE}. {speech.ANYTHING_ELSE}"


def test_alexa_cause_family_gets_the_list_too(alexa, searches):
    reply = AlexaSession(alexa.post).intent("CauseIntent", "restless legs")
    assert searches == ["what causes restless legs"]
    assert said(reply).startswith("There are several possible causes: genetic predisposition, ")


def test_dialogflow_es_speaks_the_list(dialogflow):
    reply = strict_es(dialogflow(es_request(QUESTION)))
    _assert_spoken_list(reply.fulfillment_text)
    (message,) = reply.fulfillment_messages
    assert list(message.text.text) == [reply.fulfillment_text]


def test_dialogflow_cx_speaks_the_list(dialogflow):
    reply = strict_cx(dialogflow(cx_request(QUESTION)))
    (message,) = reply.fulfillment_response.messages
    (text,) = message.text.text
    _assert_spoken_list(text)
    assert reply.session_info.parameters["answer_article"] == TITLE


def test_a_list_too_long_to_say_ends_with_and_more_within_the_budget():
    lead = "There are several possible reasons"
    whole = list_sentence(lead, ITEMS)
    short = list_sentence(lead, ITEMS, max_chars=100)
    assert len(short) <= 100 < len(whole)
    assert short.startswith(f"{lead}: genetic predisposition, iron deficiency")
    assert short.endswith(", and more.")
    assert list_sentence(lead, ITEMS[:2]) == f"{lead}: genetic predisposition and iron deficiency."
