"""One conversational turn on any platform: what to say and what to remember for the next."""

from __future__ import annotations

from dataclasses import replace

from . import speech
from .lookup import Lookup
from .memory import Memory, unspoken
from .speech import Reply, say


def answer(lookup: Lookup, memory: Memory, notice: str, keep_open: bool) -> tuple[Reply, Memory]:
    """Return the turn for a looked-up question and the memory of its answer."""
    reply = speech.reply_for(lookup, notice, keep_open)
    found = reply.answer
    if found is None:
        return reply, memory
    spoken = reply.speech.parts[0]
    remembered = replace(
        memory,
        article=found.article,
        # A list comes from the whole article: "where is that from" names only the article.
        section="" if found.items else found.section,
        url=found.url,
        more=unspoken(lookup.passage, spoken),
    )
    return reply, remembered


def more(memory: Memory, keep_open: bool) -> tuple[Reply, Memory]:
    """Return the next part of the last answer's passage ("tell me more")."""
    if not memory.has_answer:
        return Reply(say(speech.NO_LAST_ANSWER, speech.ASK), say(speech.REPROMPT)), memory
    if not memory.more:
        return _open(say(speech.NOTHING_MORE), keep_open), memory
    part = speech.spoken_text(memory.more, set())
    rest = unspoken(memory.more, part)
    return _open(say(part), keep_open), replace(memory, more=rest)


def source(memory: Memory, keep_open: bool) -> tuple[Reply, Memory]:
    """Return where the last answer came from ("where is that from")."""
    if not memory.has_answer:
        return Reply(say(speech.NO_LAST_ANSWER, speech.ASK), say(speech.REPROMPT)), memory
    where = f"That was from the article {speech.sentence(memory.article)}"
    if memory.section:
        where = f"That was from {memory.section}, in the article {speech.sentence(memory.article)}"
    return _open(say(where), keep_open), memory


def with_locale_note(reply: Reply, memory: Memory, locale: object) -> tuple[Reply, Memory]:
    """Say once per conversation that answers are in English when the user's locale is not."""
    language = locale.split("-")[0].split("_")[0].lower() if isinstance(locale, str) else ""
    if not language or language == "en" or memory.english_noted:
        return reply, memory
    noted = replace(reply, speech=say(speech.ENGLISH_ONLY, *reply.speech.parts))
    return noted, replace(memory, english_noted=True)


def _open(said: speech.Speech, keep_open: bool) -> Reply:
    """Return a turn that asks for the next question when the conversation stays open."""
    if not keep_open:
        return Reply(said)
    return Reply(say(*said.parts, speech.ANYTHING_ELSE), say(speech.REPROMPT))
