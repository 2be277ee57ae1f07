"""The shipped Alexa interaction model stays in step with the skill's handler."""

from __future__ import annotations

import json
import re

import pytest

from service.voice import alexa as skill

from ..conftest import ROOT
from .helpers import alexa_body

MODEL_PATH = ROOT / "voice" / "alexa-interaction-model.json"
MODEL = json.loads(MODEL_PATH.read_text())["interactionModel"]["languageModel"]
INTENTS = {intent["name"]: intent for intent in MODEL["intents"]}
# Amazon requires these in every custom skill's model.
REQUIRED_BUILT_INS = {
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.NavigateHomeIntent",
}


def test_the_model_declares_exactly_the_intents_the_handler_answers():
    assert set(INTENTS) == set(skill.INTENTS)
    assert REQUIRED_BUILT_INS | {"AMAZON.FallbackIntent"} <= set(INTENTS)


def test_the_search_intent_has_the_free_form_query_slot():
    search = INTENTS[skill.SEARCH_INTENT]
    assert search["slots"] == [{"name": skill.QUERY_SLOT, "type": "AMAZON.SearchQuery"}]


def test_every_search_sample_has_a_carrier_phrase_and_one_slot():
    samples = INTENTS[skill.SEARCH_INTENT]["samples"]
    assert {"why do I have {query}", "what causes {query}", "tell me about {query}"} <= set(samples)
    assert len(samples) == len({s.lower() for s in samples})
    for sample in samples:
        slots = re.findall(r"\{(\w+)\}", sample)
        assert slots == [skill.QUERY_SLOT], sample
        # AMAZON.SearchQuery needs words around the slot; samples take no punctuation.
        carrier = sample.replace("{query}", "").strip()
        assert re.fullmatch(r"[a-zA-Z' ]+", carrier), sample


def test_the_invocation_name_is_speakable():
    name = MODEL["invocationName"]
    assert re.fullmatch(r"[a-z]+( [a-z]+)+", name)
    assert not {"alexa", "amazon", "echo", "skill", "app"} & set(name.split())


@pytest.mark.parametrize("intent", sorted(INTENTS))
def test_every_declared_intent_gets_speech(alexa, intent):
    slots = {skill.QUERY_SLOT: {"name": skill.QUERY_SLOT, "value": "iron deficiency"}}
    body = alexa_body("alexa-help.json", intent={"name": intent, "slots": slots})
    response = alexa.post(body)
    assert response.status_code == 200
    assert response.get_json()["response"]["outputSpeech"]["ssml"].startswith("<speak>")
