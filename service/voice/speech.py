"""What the voice assistants say: the phrases, short spoken answers, and well-formed SSML."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from index.lists import list_sentence
from index.search import LOW_CONFIDENCE, Answer
from index.snippets import best_sentences, sentences

from .lookup import Lookup, Outcome

# About 15 seconds of speech for the answer, its "From: <title>." line and any hedge: speech
# takes time by characters (about 16 a second at Alexa's pace, measured with espeak-ng by
# bench/voice_length.py), far more steadily than by words ("neuropathy" is one word).
SPOKEN_MAX_CHARS = 240
# However long a title is, the answer itself keeps at least this many characters.
MIN_ANSWER_CHARS = 120
# A single sentence may run a little past the budget rather than be cut mid-thought.
LONG_SENTENCE_SLACK = 30
# The shortest a spoken word and its space can be: asks the sentence picker for enough words.
_MIN_CHARS_PER_WORD = 3

WELCOME = "Hi! Ask me a question in your own words, and I'll find the answer in our articles."
ASK = "What would you like to know?"
REPROMPT = "What would you like to know? Or say stop to finish."
HELP = (
    "Ask a question the way you would ask a person, for example: what causes, or tell me "
    "about, and then the topic. I'll read you a short answer and say which article it is from."
)
NO_ANSWER = "Sorry, I couldn't find a good answer to that in our articles."
TRY_AGAIN = "You can ask it another way, or ask something else."
REPEAT = "Sorry, I didn't catch the question. Could you say it again?"
TOO_LONG = "That question was too long for me. Could you ask it in fewer words?"
FALLBACK = "Sorry, I can't help with that. I answer questions about the articles on this site."
UNAVAILABLE = "Sorry, I can't look anything up right now. Please try again in a little while."
ANYTHING_ELSE = "Anything else?"
GOODBYE = "Goodbye."
ENGLISH_ONLY = "I answer in English."
NOTHING_MORE = "That's all the article says about that."
NO_LAST_ANSWER = "I haven't answered a question yet."
# Said before a guess (below LOW_CONFIDENCE): a listener has no page of other results to judge
# it by, so a guess must not sound like a fact.
UNSURE = "I'm not sure, but this may help."

_MARK_TAGS = re.compile(r"</?mark>", re.IGNORECASE)
# Characters XML 1.0 cannot carry at all, so no SSML parser would accept them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_QUOTES = {'"': "&quot;", "'": "&apos;"}


def clean(text: str) -> str:
    """Return text fit to speak: no highlight tags, no characters XML forbids, single spaces."""
    return " ".join(_NOT_XML.sub("", _MARK_TAGS.sub("", text)).split())


def sentence(text: str) -> str:
    """Return text ending in a full stop unless it already ends a sentence."""
    text = clean(text)
    return text if not text or text[-1] in ".!?" else text + "."


@dataclass(frozen=True)
class Speech:
    """Something to say, as separate parts (each a paragraph in SSML)."""

    parts: tuple[str, ...]

    @property
    def text(self) -> str:
        """Return the plain text, for Dialogflow and for cards."""
        return " ".join(self.parts)

    @property
    def ssml(self) -> str:
        """Return the SSML document, every part escaped."""
        body = "".join(f"<p>{escape(part, _QUOTES)}</p>" for part in self.parts)
        return f"<speak>{body}</speak>"


def say(*parts: str) -> Speech:
    """Return a Speech of the non-empty parts."""
    return Speech(tuple(p for p in (clean(part) for part in parts) if p))


def spoken_text(answer_text: str, terms: Iterable[str], max_chars: int = SPOKEN_MAX_CHARS) -> str:
    """Return whole sentences from an answer, the best-matching ones, within about max_chars."""
    terms = set(terms)
    words_enough = (max_chars + LONG_SENTENCE_SLACK) // _MIN_CHARS_PER_WORD
    chosen = sentences(best_sentences(answer_text, terms, words_enough))
    chosen = [s.removesuffix("…") for s in chosen]
    while len(chosen) > 1 and len(" ".join(chosen)) > max_chars:
        chosen.pop()
    short = " ".join(chosen)
    if len(short) > max_chars + LONG_SENTENCE_SLACK:
        # One sentence too long to say whole: end it plainly, at a clause if one ends late
        # enough, else at a word, rather than with a trailing-off.
        cut = short[: max_chars + 1].rsplit(" ", 1)[0]
        clause = max(cut.rfind(", "), cut.rfind("; "))
        if clause > max_chars // 2:
            cut = cut[:clause]
        short = cut.rstrip(" ,;:.") + "."
    return sentence(short)


@dataclass(frozen=True)
class Reply:
    """One turn: what to say, what to say if the user stays silent (None ends the session)."""

    speech: Speech
    reprompt: Speech | None = None
    answer: Answer | None = None

    @property
    def ends_session(self) -> bool:
        """Return whether this turn closes the conversation."""
        return self.reprompt is None


def source_line(article: str) -> str:
    """Return the line that names where an answer is from."""
    return f"From: {sentence(article)}"


def hedge(found: Answer) -> str:
    """Return what to say before an answer to mark it as a guess, or "" for a confident one."""
    # A list's confidence is its first passage's, but the list itself is given only when its
    # article's own headings name the asked kind of thing under the asked subject.
    return UNSURE if found.confidence < LOW_CONFIDENCE and not found.items else ""


def answer_budget(article: str, lead: str = "") -> int:
    """Return the characters the answer may take so that it, its lead and source fit the budget."""
    others = len(source_line(article)) + 1 + (len(lead) + 1 if lead else 0)
    return max(MIN_ANSWER_CHARS, SPOKEN_MAX_CHARS - others)


def spoken_answer(found: Answer, terms: Iterable[str]) -> str:
    """Return what to say of an answer: its best sentences, or its list cut to the budget."""
    budget = answer_budget(found.article, hedge(found))
    if found.items:
        # "There are several possible reasons: a, b, and c." keeps its shape however short.
        lead = found.text.partition(": ")[0]
        return list_sentence(lead, [item.title for item in found.items], budget)
    return spoken_text(found.text, terms, budget)


def answer_reply(found: Answer, terms: Iterable[str], notice: str, keep_open: bool) -> Reply:
    """Return the spoken answer (hedged if unsure), its source, the notice, and a follow-up."""
    speech = say(
        hedge(found),
        spoken_answer(found, terms),
        source_line(found.article),
        sentence(notice),
        ANYTHING_ELSE if keep_open else "",
    )
    return Reply(speech, say(REPROMPT) if keep_open else None, found)


def reply_for(lookup: Lookup, notice: str, keep_open: bool) -> Reply:
    """Return the turn for a looked-up question; only an answer may close the session."""
    if lookup.outcome is Outcome.ANSWER and lookup.answer is not None:
        return answer_reply(lookup.answer, lookup.terms, notice, keep_open)
    if lookup.outcome is Outcome.UNAVAILABLE:
        return Reply(say(UNAVAILABLE))
    if lookup.outcome is Outcome.TOO_LONG:
        return Reply(say(TOO_LONG), say(REPROMPT))
    if lookup.outcome is Outcome.EMPTY:
        return Reply(say(REPEAT), say(REPROMPT))
    return Reply(say(NO_ANSWER, TRY_AGAIN), say(REPROMPT))


def welcome() -> Reply:
    """Return the greeting that says what can be asked."""
    return Reply(say(WELCOME, ASK), say(REPROMPT))


def ask_next() -> Reply:
    """Return the invitation to ask the next question."""
    return Reply(say(ASK), say(REPROMPT))


def help_reply() -> Reply:
    """Return how to use the assistant."""
    return Reply(say(HELP, ASK), say(REPROMPT))


def fallback() -> Reply:
    """Return the reply to something that is not a question for us."""
    return Reply(say(FALLBACK, ASK), say(REPROMPT))


def goodbye() -> Reply:
    """Return the closing words."""
    return Reply(say(GOODBYE))
