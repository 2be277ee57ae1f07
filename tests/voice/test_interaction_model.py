"""The shipped Alexa interaction model, read with Amazon's own model classes, stays in step
with the skill's handler and passes the rules the developer console applies."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_smapi_model.v1.skill.interaction_model.interaction_model_data import InteractionModelData

from index.query import parse_query
from index.store import IndexProvider
from service.voice import alexa as skill

from ..conftest import ROOT
from .helpers import alexa_body

MODEL_PATH = ROOT / "service" / "voice" / "alexa-interaction-model.json"
RAW = json.loads(MODEL_PATH.read_text())
MODEL = DefaultSerializer().deserialize(MODEL_PATH.read_text(), InteractionModelData)
LANGUAGE = MODEL.interaction_model.language_model
INTENTS = {intent.name: intent for intent in LANGUAGE.intents}
# Amazon requires these in every custom skill's model; the skill asks "Anything else?", so it
# must understand yes and no too.
REQUIRED_BUILT_INS = {
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
}
SLOT = re.compile(r"\{(\w+)\}")


def samples() -> list[tuple[str, str]]:
    return [(intent.name, s) for intent in LANGUAGE.intents for s in intent.samples or []]


def test_amazon_s_model_classes_read_the_file_without_losing_a_key():
    # ASK's deserializer ignores unknown keys: serializing again must give the file back.
    assert DefaultSerializer().serialize(MODEL) == RAW


def test_the_model_lives_beside_the_handler_and_nowhere_else():
    assert MODEL_PATH.parent == Path(skill.__file__).parent
    assert not (ROOT / "voice").exists()


def test_the_model_declares_exactly_the_intents_the_handler_answers():
    assert set(INTENTS) == set(skill.INTENTS)
    assert REQUIRED_BUILT_INS <= set(INTENTS)
    assert set(skill.QUESTION_INTENTS) <= set(INTENTS)


@pytest.mark.parametrize("name", sorted(skill.QUESTION_INTENTS))
def test_every_question_family_has_the_free_form_query_slot(name):
    slots = [(s.name, s.object_type) for s in INTENTS[name].slots]
    assert slots == [(skill.QUERY_SLOT, "AMAZON.SearchQuery")]
    assert INTENTS[name].samples


@pytest.mark.parametrize(("intent", "sample"), samples())
def test_every_sample_passes_the_console_rules(intent, sample):
    declared = {s.name: s.object_type for s in INTENTS[intent].slots or []}
    used = SLOT.findall(sample)
    assert set(used) <= set(declared), sample
    phrase_slots = [s for s in used if declared[s] == "AMAZON.SearchQuery"]
    if phrase_slots:
        # A phrase slot needs a carrier phrase and is the utterance's only slot.
        assert used == phrase_slots == [skill.QUERY_SLOT], sample
        assert SLOT.sub("", sample).strip(), sample
    # Samples are words only: letters, apostrophes, spaces (no punctuation, no digits).
    assert re.fullmatch(r"[a-zA-Z' ]+", SLOT.sub("", sample)), sample


def test_no_utterance_is_claimed_by_two_intents():
    seen = [" ".join(sample.lower().split()) for _intent, sample in samples()]
    assert len(seen) == len(set(seen))


def test_the_invocation_name_is_speakable():
    name = LANGUAGE.invocation_name
    assert re.fullmatch(r"[a-z]+( [a-z]+)+", name)
    assert not {"alexa", "amazon", "echo", "skill", "app"} & set(name.split())


@pytest.fixture(scope="module")
def index(index_dir):
    return IndexProvider(index_dir).get()


@pytest.mark.parametrize(
    ("intent", "sample"), [(i, s) for i, s in samples() if i in skill.QUESTION_INTENTS]
)
def test_every_carrier_phrase_asks_what_its_family_tells_the_search_core(index, intent, sample):
    # What the user said, and what the handler rebuilds from the slot Alexa sends.
    said = sample.replace("{query}", "restless legs")
    rebuilt = skill.question_of(intent, "restless legs")
    heard, sent = parse_query(index, said), parse_query(index, rebuilt)
    assert (sent.question, sent.hints) == (heard.question, heard.hints), (said, rebuilt)


@pytest.mark.parametrize("intent", sorted(INTENTS))
def test_every_declared_intent_gets_speech(alexa, intent):
    slots = {skill.QUERY_SLOT: {"name": skill.QUERY_SLOT, "value": "iron deficiency"}}
    body = alexa_body("alexa-help.json", intent={"name": intent, "slots": slots})
    response = alexa.post(body)
    assert response.status_code == 200
    assert response.get_json()["response"]["outputSpeech"]["ssml"].startswith("<speak>")


def test_the_voice_docs_give_every_family_and_the_model_s_path():
    docs = (ROOT / "docs" / "voice.md").read_text()
    assert str(MODEL_PATH.relative_to(ROOT)) in docs
    for name in INTENTS:
        if not name.startswith("AMAZON."):
            assert f"`{name}`" in docs, name
