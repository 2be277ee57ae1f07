"""Spoken text: whole sentences within about 15 s with the source line; SSML always well formed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.lists import ListItem
from index.search import LOW_CONFIDENCE, Answer
from service.voice.lookup import Lookup, Outcome
from service.voice.speech import (
    LONG_SENTENCE_SLACK,
    MIN_ANSWER_CHARS,
    SPOKEN_MAX_CHARS,
    UNSURE,
    answer_reply,
    reply_for,
    say,
    spoken_text,
)

from .helpers import ssml_text

SHORT = "Iron helps make dopamine."  # 4 words
TWELVE = "Low iron levels in the brain may disturb the signals that control movement."  # 76 chars


def words(n: int, word: str = "word") -> str:
    return " ".join([word] * n)


def make_answer(text: str, article: str = "Iron and Sleep") -> Answer:
    return Answer("a/s", article, "Section", text, "/articles/a#s", 1.0)


def test_long_answers_are_cut_at_a_sentence_boundary_within_the_budget():
    text = " ".join([TWELVE] * 5)
    spoken = spoken_text(text, {"iron"})
    # Three sentences are 230 characters; a fourth would pass 240.
    assert spoken == " ".join([TWELVE] * 3)
    assert len(spoken) <= SPOKEN_MAX_CHARS < len(" ".join([TWELVE] * 4))


def test_the_sentences_that_match_the_question_are_spoken():
    text = f"{words(30, 'filler')}. {words(20, 'other')}. Iron helps make dopamine."
    assert spoken_text(text, {"iron", "dopamin"}).endswith("Iron helps make dopamine.")


def test_one_sentence_a_little_over_the_budget_is_spoken_whole_rather_than_cut():
    sentence = f"Iron {words(48)} ends here."
    assert SPOKEN_MAX_CHARS < len(sentence) <= SPOKEN_MAX_CHARS + LONG_SENTENCE_SLACK
    assert spoken_text(sentence, {"iron"}) == sentence


def test_a_sentence_too_long_to_speak_ends_plainly_not_trailing_off():
    spoken = spoken_text(f"Iron {words(100)} end.", {"iron"})
    assert spoken.endswith("word.")
    assert "…" not in spoken
    assert len(spoken) <= SPOKEN_MAX_CHARS + 1


def test_the_source_line_is_inside_the_budget():
    text = " ".join([TWELVE] * 5)
    short_title = answer_reply(make_answer(text, "Iron"), {"iron"}, "", keep_open=False)
    long_title = "Understanding the Reason for Restless Leg Syndrome and Other Sleep Problems"
    long = answer_reply(make_answer(text, long_title), {"iron"}, "", keep_open=False)
    for reply in (short_title, long):
        assert len(" ".join(reply.speech.parts[:2])) <= SPOKEN_MAX_CHARS
    # The longer title leaves room for fewer sentences, never fewer than the minimum.
    assert len(long.speech.parts[0]) < len(short_title.speech.parts[0])
    assert len(long.speech.parts[0]) >= MIN_ANSWER_CHARS - len(TWELVE)


@pytest.mark.parametrize(
    "text",
    [
        'Salt & pepper < 5 g > "none" isn\'t enough.',
        "Use <mark>iron</mark> & <b>steel</b>.",
        "Odd\x00 control\x08 chars\x1f and \ufffe stay out.",
        "]]> <![CDATA[ <!-- --> &amp; &#x41;",
    ],
)
def test_ssml_is_well_formed_whatever_the_text(text):
    speech = answer_reply(make_answer(text, article='A & B <"C">'), set(), "", keep_open=False)
    spoken = ssml_text(speech.speech.ssml)  # parses as XML or fails
    assert "<mark>" not in speech.speech.ssml and "mark" not in spoken
    assert 'From: A & B <"C">.' in spoken
    for forbidden in ("\x00", "\x08", "\x1f", "\ufffe"):
        assert forbidden not in speech.speech.ssml


def test_markup_in_text_is_spoken_literally():
    spoken = ssml_text(say("Fish & chips <cheap>", 'He said "hi"').ssml)
    assert spoken == 'Fish & chips <cheap> He said "hi"'


def test_the_source_and_notice_follow_the_answer():
    reply = answer_reply(make_answer(SHORT), {"iron"}, "Not medical advice", keep_open=False)
    assert reply.speech.parts == (SHORT, "From: Iron and Sleep.", "Not medical advice.")
    assert reply.ends_session


def test_no_notice_means_nothing_extra_is_said():
    reply = answer_reply(make_answer(SHORT), {"iron"}, "  ", keep_open=True)
    assert reply.speech.parts == (SHORT, "From: Iron and Sleep.", "Anything else?")
    assert not reply.ends_session


@pytest.mark.parametrize(
    ("outcome", "ends"),
    [
        (Outcome.NO_ANSWER, False),
        (Outcome.EMPTY, False),
        (Outcome.TOO_LONG, False),
        (Outcome.UNAVAILABLE, True),
    ],
)
def test_no_answer_never_speaks_a_passage(outcome, ends):
    reply = reply_for(Lookup(outcome), "Notice", keep_open=False)
    assert reply.answer is None
    assert "From:" not in reply.speech.text
    assert reply.ends_session is ends


def test_a_guess_opens_with_the_hedge_and_still_fits_the_budget():
    text = " ".join(["Iron helps the brain make dopamine now."] * 10)
    guess = replace(make_answer(text), confidence=LOW_CONFIDENCE - 0.01)
    reply = answer_reply(guess, {"iron"}, "", keep_open=False)
    assert reply.speech.parts[0] == UNSURE
    assert reply.speech.parts[2] == "From: Iron and Sleep."
    assert len(" ".join(reply.speech.parts[:3])) <= SPOKEN_MAX_CHARS
    # The hedge takes its room from the answer, not from the listener's patience.
    confident = answer_reply(make_answer(text), {"iron"}, "", keep_open=False)
    assert len(reply.speech.parts[1]) < len(confident.speech.parts[0])


def test_a_confident_answer_or_a_list_is_said_without_the_hedge():
    at_threshold = replace(make_answer(SHORT), confidence=LOW_CONFIDENCE)
    assert answer_reply(at_threshold, {"iron"}, "", keep_open=False).speech.parts[0] == SHORT
    item = ListItem("Iron Deficiency", "/articles/a#iron-deficiency")
    listed = replace(make_answer(SHORT), confidence=0.5, items=(item,))
    assert UNSURE not in answer_reply(listed, {"iron"}, "", keep_open=False).speech.text
