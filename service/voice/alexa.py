"""POST /voice/alexa: the Alexa custom skill's HTTPS endpoint (ASK request and response)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Blueprint, Response, current_app, jsonify, request

from ..errors import ApiError
from . import speech
from .lookup import look_up
from .payload import field, json_object, raw_body
from .speech import Reply

if TYPE_CHECKING:
    from .alexa_verify import AlexaRequestVerifier

log = logging.getLogger(__name__)

bp = Blueprint("alexa", __name__)

SEARCH_INTENT = "SearchIntent"
QUERY_SLOT = "query"


def _search(envelope: dict) -> Reply:
    question = field(envelope, "request", "intent", "slots", QUERY_SLOT, "value")
    # A turn after the first one is a conversation: keep it open for the next question.
    in_conversation = field(envelope, "session", "new") is False
    return speech.reply_for(
        look_up(question), current_app.config["VOICE_NOTICE"], keep_open=in_conversation
    )


# Every intent the interaction model declares, and its handler (a test keeps the two in step).
INTENTS: dict[str, Callable[[dict], Reply]] = {
    SEARCH_INTENT: _search,
    "AMAZON.HelpIntent": lambda _: speech.help_reply(),
    "AMAZON.FallbackIntent": lambda _: speech.fallback(),
    "AMAZON.StopIntent": lambda _: speech.goodbye(),
    "AMAZON.CancelIntent": lambda _: speech.goodbye(),
    "AMAZON.NavigateHomeIntent": lambda _: speech.goodbye(),
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


def reply_to(envelope: dict, inner: dict) -> Reply | None:
    """Return the turn for a request; None for requests that take no speech."""
    kind = inner["type"]
    if kind == "LaunchRequest":
        return speech.welcome()
    if kind == "IntentRequest":
        handler = INTENTS.get(inner["intent"]["name"], lambda _: speech.fallback())
        return handler(envelope)
    # SessionEndedRequest, System.ExceptionEncountered and the like get an empty response.
    return None


def response_envelope(reply: Reply | None) -> dict:
    """Return the ASK response envelope for a turn."""
    if reply is None:
        return {"version": "1.0", "response": {}}
    response: dict = {"outputSpeech": {"type": "SSML", "ssml": reply.speech.ssml}}
    if reply.answer is not None:
        found = reply.answer
        notice = speech.sentence(current_app.config["VOICE_NOTICE"])
        content = "\n\n".join(p for p in (found.section, speech.clean(found.text), notice) if p)
        response["card"] = {
            "type": "Simple",
            "title": speech.clean(found.article),
            "content": content,
        }
    if reply.reprompt is not None:
        response["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": reply.reprompt.ssml}}
    response["shouldEndSession"] = reply.ends_session
    return {"version": "1.0", "sessionAttributes": {}, "response": response}


@bp.post("/voice/alexa")
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
    if checks:
        check_skill_id(envelope)
    response = jsonify(response_envelope(reply_to(envelope, inner)))
    response.headers["Cache-Control"] = "no-store"
    return response
