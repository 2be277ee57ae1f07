"""POST /voice/alexa: the Alexa custom skill's HTTPS endpoint (ASK request and response)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Blueprint, Response, current_app, jsonify, request

from ..errors import ApiError
from ..operations import api_route
from . import speech, turns
from .envelopes import header, json_body
from .lookup import look_up
from .memory import MEMORY_KEY, Memory
from .payload import field, json_object, raw_body
from .speech import Reply

if TYPE_CHECKING:
    from .alexa_verify import AlexaRequestVerifier

log = logging.getLogger(__name__)

bp = Blueprint("alexa", __name__)

QUERY_SLOT = "query"
SEARCH_INTENT = "SearchIntent"
# The question families of the interaction model, and the words each puts back in front of the
# slot: AMAZON.SearchQuery fills the slot with what follows the carrier phrase ("what causes
# restless legs" arrives as "restless legs"), so the kind of question travels in the intent.
# Every carrier phrase of a family asks what its lead asks (a test keeps the model in step).
QUESTION_INTENTS: dict[str, str] = {
    SEARCH_INTENT: "",
    "CauseIntent": "what causes",
    "ReasonsIntent": "what are the reasons for",
    "DefinitionIntent": "what is",
    "RiskIntent": "who gets",
    "TreatmentIntent": "how do I treat",
    "YesNoQuestionIntent": "is",
    "CanIntent": "can",
    # A single question word as carrier: the slot keeps the rest of the question whole.
    "WhatIntent": "what",
    "WhyIntent": "why",
    "HowIntent": "how",
    "WhoIntent": "who",
    "WhenIntent": "when",
}
MORE_INTENT = "MoreIntent"
SOURCE_INTENT = "SourceIntent"


def question_of(intent: str, slot_value: object) -> object:
    """Return the question a family's intent and its slot value stand for."""
    lead = QUESTION_INTENTS.get(intent, "")
    if not isinstance(slot_value, str) or not slot_value.strip() or not lead:
        return slot_value
    said = " ".join(slot_value.split())
    if (said.lower() + " ").startswith(lead.lower() + " "):
        return said  # the slot already carries the question words
    return f"{lead} {said}"


@dataclass(frozen=True)
class Turn:
    """One Alexa request as the handlers see it."""

    envelope: dict
    memory: Memory
    # A turn after the first one is a conversation: keep it open for the next question.
    in_conversation: bool

    @property
    def intent(self) -> str:
        """Return the intent's name."""
        name = field(self.envelope, "request", "intent", "name")
        return name if isinstance(name, str) else ""


Handler = Callable[[Turn], tuple[Reply, Memory]]


def _question(turn: Turn) -> tuple[Reply, Memory]:
    slot = field(turn.envelope, "request", "intent", "slots", QUERY_SLOT, "value")
    found = look_up(question_of(turn.intent, slot))
    notice = current_app.config["VOICE_NOTICE"]
    return turns.answer(found, turn.memory, notice, keep_open=turn.in_conversation)


def _fixed(make: Callable[[], Reply]) -> Handler:
    return lambda turn: (make(), turn.memory)


# Every intent the interaction model declares, and its handler (a test keeps the two in step).
INTENTS: dict[str, Handler] = {
    **{name: _question for name in QUESTION_INTENTS},
    MORE_INTENT: lambda turn: turns.more(turn.memory, keep_open=True),
    SOURCE_INTENT: lambda turn: turns.source(turn.memory, keep_open=True),
    # Yes or no to "Anything else?": ask for the question, or say goodbye and end.
    "AMAZON.YesIntent": _fixed(speech.ask_next),
    "AMAZON.NoIntent": _fixed(speech.goodbye),
    "AMAZON.HelpIntent": _fixed(speech.help_reply),
    "AMAZON.FallbackIntent": _fixed(speech.fallback),
    "AMAZON.StopIntent": _fixed(speech.goodbye),
    "AMAZON.CancelIntent": _fixed(speech.goodbye),
    "AMAZON.NavigateHomeIntent": _fixed(speech.goodbye),
}


def checks_enabled() -> bool:
    """Return whether signatures, timestamps and skill ids are checked (always when deployed)."""
    config = current_app.config
    if config["DEPLOYED"] and not config["ALEXA_VERIFY_SIGNATURES"]:
        log.warning("ALEXA_VERIFY_SIGNATURES=false is ignored in a deployed stage")
    return bool(config["ALEXA_VERIFY_SIGNATURES"] or config["DEPLOYED"])


def verifier() -> AlexaRequestVerifier:
    """Return the app's verifier (tests give one with their own trust roots and fetcher)."""
    extensions = current_app.extensions
    if "alexa_verifier" not in extensions:
        from .alexa_verify import AlexaRequestVerifier

        given = current_app.config.get("ALEXA_VERIFIER")
        extensions["alexa_verifier"] = given or AlexaRequestVerifier()
    return extensions["alexa_verifier"]


def check_skill_id(envelope: dict) -> None:
    """Raise a 403 unless the request comes from an allowed skill."""
    named = {
        field(envelope, "context", "System", "application", "applicationId"),
        field(envelope, "session", "application", "applicationId"),
    } - {None}
    if len(named) != 1 or not isinstance(skill_id := next(iter(named)), str):
        raise ApiError(403, "unknown_skill", "the request must name exactly one skill id")
    config = current_app.config
    allowed = config["ALEXA_SKILL_IDS"]
    if not allowed and not config["DEPLOYED"]:
        return  # local development without an allow-list
    if skill_id not in allowed:
        log.warning("Alexa request refused: skill id not in ALEXA_SKILL_IDS")
        raise ApiError(403, "unknown_skill", "this skill is not allowed to call the service")


def alexa_request(envelope: dict) -> dict:
    """Return the envelope's request object; raise a 400 when the envelope has the wrong shape."""
    inner = envelope.get("request")
    if not isinstance(inner, dict) or not isinstance(inner.get("type"), str):
        raise ApiError(400, "bad_request_shape", "an Alexa request needs request.type")
    if inner["type"] == "IntentRequest" and not isinstance(field(inner, "intent", "name"), str):
        raise ApiError(400, "bad_request_shape", "an IntentRequest needs request.intent.name")
    return inner


def incoming_attributes(envelope: dict) -> dict:
    """Return the session attributes the request carries (kept as they came)."""
    attributes = field(envelope, "session", "attributes")
    return dict(attributes) if isinstance(attributes, dict) else {}


def reply_to(envelope: dict, inner: dict) -> tuple[Reply | None, Memory]:
    """Return the turn for a request and what to remember; None for requests without speech."""
    memory = Memory.from_json(incoming_attributes(envelope).get(MEMORY_KEY))
    kind = inner["type"]
    if kind == "LaunchRequest":
        reply: Reply = speech.welcome()
    elif kind == "IntentRequest":
        turn = Turn(envelope, memory, field(envelope, "session", "new") is False)
        handler = INTENTS.get(turn.intent, _fixed(speech.fallback))
        reply, memory = handler(turn)
    else:
        # SessionEndedRequest, System.ExceptionEncountered and the like get an empty response.
        return None, memory
    return turns.with_locale_note(reply, memory, inner.get("locale"))


def response_envelope(reply: Reply | None, attributes: dict) -> dict:
    """Return the ASK response envelope for a turn, with the session attributes to keep."""
    if reply is None:
        return {"version": "1.0", "response": {}}
    response: dict = {"outputSpeech": {"type": "SSML", "ssml": reply.speech.ssml}}
    if reply.answer is not None:
        found = reply.answer
        notice = speech.sentence(current_app.config["VOICE_NOTICE"])
        # A list's card names every item, one a line, under its sentence.
        items = "\n".join(f"- {speech.clean(item.title)}" for item in found.items)
        parts = (found.section, speech.clean(found.text), items, notice)
        content = "\n\n".join(p for p in parts if p)
        response["card"] = {
            "type": "Simple",
            "title": speech.clean(found.article),
            "content": content,
        }
    if reply.reprompt is not None:
        response["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": reply.reprompt.ssml}}
    response["shouldEndSession"] = reply.ends_session
    return {"version": "1.0", "sessionAttributes": attributes, "response": response}


@api_route(
    bp,
    "/voice/alexa",
    "post",
    responses={200: (json_body("AlexaResponse"), "What Alexa says (empty for SessionEnded).")},
    errors=(400, 403, 408, 413),
    summary="Alexa custom skill endpoint: a spoken answer in the ASK envelope",
    description=(
        "Checks Amazon's request signature (SignatureCertChainUrl, Signature-256), the request "
        "timestamp (within 150 s) and the skill id (ALEXA_SKILL_IDS) before anything is searched."
    ),
    operationId="voiceAlexa",
    parameters=[
        header("SignatureCertChainUrl", "Where Amazon's signing chain is."),
        header("Signature-256", "Base64 RSA-SHA256 signature of the raw body."),
    ],
    requestBody={"required": True, "content": json_body("AlexaRequest")},
)
def alexa_route() -> Response:
    """Answer an Alexa request after checking it comes from Alexa and from our skill."""
    # Imported on the first Alexa call: `cryptography` costs ~20 ms of every Lambda cold start,
    # and only this route needs it.
    from .alexa_verify import VerificationFailed, check_timestamp

    body = raw_body()
    checks = checks_enabled()
    try:
        if checks:
            verifier().verify(request.headers, body)
        envelope = json_object(body)
        inner = alexa_request(envelope)
        if checks:
            check_timestamp(inner.get("timestamp"))
    except VerificationFailed as exc:
        log.warning("Alexa request refused: %s", exc.message)
        raise ApiError(400, exc.code, exc.message) from exc
    # Amazon's SDK checks the skill id apart from the signature: a set allow-list always holds.
    if checks or current_app.config["ALEXA_SKILL_IDS"]:
        check_skill_id(envelope)
    reply, memory = reply_to(envelope, inner)
    attributes = {**incoming_attributes(envelope), MEMORY_KEY: memory.to_json()}
    response = jsonify(response_envelope(reply, attributes))
    response.headers["Cache-Control"] = "no-store"
    return response
