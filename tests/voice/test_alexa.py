"""The Alexa skill endpoint: signed requests from fixtures, spoken answers, session flags."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from index.build import build_index
from index.content import load_article
from index.snippets import sentences
from service.voice import speech

from ..conftest import ROOT, make_content
from .conftest import Alexa, alexa_app
from .helpers import alexa_body, ssml_text

ARTICLE = load_article(ROOT / "content" / "articles" / "restless-leg-syndrome.txt")
SECTIONS = {p.section: p.text for p in ARTICLE.passages}


def paragraphs(ssml: str) -> list[str]:
    """Return the spoken paragraphs of a well-formed SSML document."""
    root = ElementTree.fromstring(ssml)
    return [" ".join("".join(p.itertext()).split()) for p in root.iter("p")]


def test_launch_welcomes_and_keeps_the_session_open(alexa):
    response = alexa.ask("alexa-launch.json")["response"]
    spoken = ssml_text(response["outputSpeech"]["ssml"])
    assert response["outputSpeech"]["type"] == "SSML"
    assert "Ask me a question" in spoken
    assert ssml_text(response["reprompt"]["outputSpeech"]["ssml"]) == speech.REPROMPT
    assert response["shouldEndSession"] is False
    assert "card" not in response


def test_a_known_question_is_answered_from_its_section(alexa, searches):
    response = alexa.ask("alexa-search.json")["response"]
    assert searches == ["is restless leg syndrome genetic"]
    answer, source = paragraphs(response["outputSpeech"]["ssml"])
    section = SECTIONS["Genetic Predisposition"]
    assert answer.split(". ")[0] in section
    for said in sentences(answer):
        assert said in section
    assert len(answer.split()) <= 40
    assert answer.endswith(".")
    assert source == f"From: {ARTICLE.title}."
    assert response["card"]["type"] == "Simple"
    assert response["card"]["title"] == ARTICLE.title
    assert response["card"]["content"].startswith("Genetic Predisposition\n\n")
    # A one-shot question ("Alexa, ask answer finder is ...") ends after the answer.
    assert response["shouldEndSession"] is True
    assert "reprompt" not in response


def test_a_long_answer_is_trimmed_to_whole_sentences(alexa):
    response = alexa.ask("alexa-search-in-session.json")["response"]
    answer, source, follow_up = paragraphs(response["outputSpeech"]["ssml"])
    section = SECTIONS["Iron Deficiency"]
    assert len(section.split()) > 40
    assert 0 < len(answer.split()) <= 40
    for said in sentences(answer):
        assert said in section
    assert "<mark>" not in response["outputSpeech"]["ssml"]
    assert source == f"From: {ARTICLE.title}."
    # Within a conversation the skill asks for the next question.
    assert follow_up == speech.ANYTHING_ELSE
    assert response["shouldEndSession"] is False
    assert ssml_text(response["reprompt"]["outputSpeech"]["ssml"]) == speech.REPROMPT


def test_an_unrelated_question_gets_the_honest_fallback(alexa, searches):
    response = alexa.ask("alexa-search-unrelated.json")["response"]
    assert searches == ["chocolate cake recipe"]
    spoken = ssml_text(response["outputSpeech"]["ssml"])
    assert spoken == f"{speech.NO_ANSWER} {speech.TRY_AGAIN}"
    assert "card" not in response
    assert response["shouldEndSession"] is False
    assert "reprompt" in response


def test_an_empty_slot_asks_the_user_to_repeat(alexa):
    response = alexa.ask("alexa-search-empty-slot.json")["response"]
    assert ssml_text(response["outputSpeech"]["ssml"]) == speech.REPEAT
    assert response["shouldEndSession"] is False
    assert "reprompt" in response


@pytest.mark.parametrize(
    ("name", "words", "ends"),
    [
        ("alexa-help.json", "Ask a question the way you would ask a person", False),
        ("alexa-fallback.json", "I can't help with that", False),
        ("alexa-stop.json", "Goodbye.", True),
        ("alexa-cancel.json", "Goodbye.", True),
        ("alexa-navigate-home.json", "Goodbye.", True),
    ],
)
def test_built_in_intents(alexa, searches, name, words, ends):
    response = alexa.ask(name)["response"]
    assert words in ssml_text(response["outputSpeech"]["ssml"])
    assert response["shouldEndSession"] is ends
    assert ("reprompt" in response) is not ends
    assert searches == []


def test_session_ended_gets_an_empty_response(alexa):
    assert alexa.ask("alexa-session-ended.json") == {"version": "1.0", "response": {}}


def test_an_unknown_intent_is_treated_as_fallback(alexa):
    body = alexa_body("alexa-help.json")
    body["request"]["intent"]["name"] = "AMAZON.ShuffleOnIntent"
    response = alexa.post(body).get_json()["response"]
    assert speech.FALLBACK in ssml_text(response["outputSpeech"]["ssml"])


def test_the_configured_notice_follows_the_source(index_dir, authority, host, signing):
    notice = 'General information, not medical advice: ask your doctor & "read" <more>'
    client = alexa_app(index_dir, authority, host, VOICE_NOTICE=notice).test_client()
    response = Alexa(client, signing).ask("alexa-search.json")["response"]
    ssml = response["outputSpeech"]["ssml"]
    assert paragraphs(ssml)[1:] == [f"From: {ARTICLE.title}.", notice + "."]
    assert "&amp; &quot;read&quot; &lt;more&gt;" in ssml
    assert response["card"]["content"].endswith(notice + ".")


def test_article_text_with_markup_characters_is_escaped_in_ssml(tmp_path, authority, host, signing):
    content = make_content(tmp_path / "c")
    (content / "articles" / "skillet.txt").write_text(
        'Skillets & <Pans> "Guide"\n\nSeasoning\n\n'
        'Rub the skillet with oil & salt, then bake it at 450 °F for an hour; the "seasoning" '
        "bonds to the <iron> surface. Don't use soap on it.\n"
    )
    build_index(content, tmp_path / "i")
    client = alexa_app(tmp_path / "i", authority, host).test_client()
    response = Alexa(client, signing).ask(
        "alexa-search.json",
        intent={
            "name": "SearchIntent",
            "slots": {"query": {"name": "query", "value": "seasoning the skillet"}},
        },
    )["response"]
    ssml = response["outputSpeech"]["ssml"]
    answer, source = paragraphs(ssml)
    assert "oil & salt" in answer and '"seasoning"' in answer and "<iron>" in answer
    assert "Don't use soap on it." in answer
    assert source == 'From: Skillets & <Pans> "Guide".'
    assert "&lt;iron&gt;" in ssml and "&amp;" in ssml and "&apos;" in ssml
    assert response["card"]["title"] == 'Skillets & <Pans> "Guide"'


def test_a_missing_index_is_said_not_crashed(tmp_path, authority, host, signing):
    client = alexa_app(tmp_path / "none", authority, host).test_client()
    response = Alexa(client, signing).ask("alexa-search.json")["response"]
    assert ssml_text(response["outputSpeech"]["ssml"]) == speech.UNAVAILABLE
    assert response["shouldEndSession"] is True
