"""POST /voice/dialogflow: the fulfillment webhook of a Dialogflow ES agent or CX agent."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging

from flask import Blueprint, Response, current_app, jsonify, request

from ..errors import ApiError, error_response
from ..operations import api_route
from . import speech, turns
from .envelopes import json_body
from .lookup import look_up
from .memory import MEMORY_KEY, Memory
from .payload import field, json_object, raw_body
from .speech import Reply

log = logging.getLogger(__name__)

bp = Blueprint("dialogflow", __name__)

QUERY_PARAMETER = "query"
# ES actions and CX fulfillment tags that are not questions to search.
WELCOME_NAMES = {"input.welcome", "welcome"}
HELP_NAMES = {"input.help", "help"}
MORE_NAMES = {"input.more", "more"}
SOURCE_NAMES = {"input.source", "source"}
# Turns an ES output context outlives the answer it remembers.
CONTEXT_LIFESPAN = 5


def presented_secret(authorization: str | None) -> str | None:
    """Return the secret in a Bearer token or in the password of Basic auth, else None."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return value
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            return None
        _user, colon, password = decoded.partition(":")
        return password if colon else None
    return None


def check_secret() -> Response | None:
    """Return a 503 or 401 JSON error unless the caller presents the configured secret."""
    secret = current_app.config["DIALOGFLOW_WEBHOOK_SECRET"]
    if not secret:
        # Running open would let anyone use the webhook: refuse until a secret is set.
        return error_response(503, "not_configured", "the Dialogflow webhook has no secret set")
    given = presented_secret(request.headers.get("Authorization"))
    if given is None or not hmac.compare_digest(given.encode(), secret.encode()):
        log.warning("Dialogflow request refused: wrong or missing credentials")
        response = error_response(401, "unauthorized", "wrong or missing webhook credentials")
        response.headers["WWW-Authenticate"] = 'Bearer realm="voice", Basic realm="voice"'
        return response
    return None


def _words(value: object) -> object:
    """Return a parameter's words: a list parameter holds the words said, in order."""
    if isinstance(value, dict):  # a CX intent parameter: what was said and what it resolved to
        value = value.get("resolvedValue", value.get("originalValue"))
    if isinstance(value, list):
        value = " ".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) and value.strip() else None


def reply_for(name: object, question: object, memory: Memory) -> tuple[Reply, Memory]:
    """Return the turn for an action or tag name and the user's question, and what to keep."""
    name = name.lower() if isinstance(name, str) else ""
    if name in WELCOME_NAMES:
        return speech.welcome(), memory
    if name in HELP_NAMES:
        return speech.help_reply(), memory
    # Dialogflow keeps the conversation going itself: every answer may be followed by another.
    if name in MORE_NAMES:
        return turns.more(memory, keep_open=True)
    if name in SOURCE_NAMES:
        return turns.source(memory, keep_open=True)
    notice = current_app.config["VOICE_NOTICE"]
    return turns.answer(look_up(question), memory, notice, keep_open=True)


def _context_name(session: object) -> str | None:
    return f"{session}/contexts/{MEMORY_KEY}" if isinstance(session, str) and session else None


def es_response(body: dict) -> dict:
    """Answer a Dialogflow ES WebhookRequest; the memory travels in an output context."""
    result = body["queryResult"]
    contexts = result.get("outputContexts")
    name = _context_name(body.get("session"))
    kept = (
        next(
            (
                c.get("parameters")
                for c in contexts
                if isinstance(c, dict) and c.get("name") == name
            ),
            None,
        )
        if isinstance(contexts, list) and name
        else None
    )
    question = _words(field(result, "parameters", QUERY_PARAMETER)) or result.get("queryText")
    reply, memory = reply_for(result.get("action"), question, Memory.from_json(kept))
    reply, memory = turns.with_locale_note(reply, memory, result.get("languageCode"))
    text = reply.speech.text
    response: dict = {"fulfillmentText": text, "fulfillmentMessages": [{"text": {"text": [text]}}]}
    if name:
        context = {"name": name, "lifespanCount": CONTEXT_LIFESPAN, "parameters": memory.to_json()}
        response["outputContexts"] = [context]
    return response


def cx_question(body: dict) -> object:
    """Return what to search: this turn's intent parameter, else this turn's words, else a
    session parameter a page may have set (CX keeps those for the whole session)."""
    return (
        _words(field(body, "intentInfo", "parameters", QUERY_PARAMETER))
        or _words(body.get("text"))
        or _words(body.get("transcript"))
        or _words(field(body, "sessionInfo", "parameters", QUERY_PARAMETER))
    )


def cx_response(body: dict) -> dict:
    """Answer a Dialogflow CX WebhookRequest with fulfillmentResponse and session parameters."""
    kept = Memory.from_json(field(body, "sessionInfo", "parameters", MEMORY_KEY))
    reply, memory = reply_for(field(body, "fulfillmentInfo", "tag"), cx_question(body), kept)
    reply, memory = turns.with_locale_note(reply, memory, body.get("languageCode"))
    found = reply.answer
    return {
        "fulfillmentResponse": {"messages": [{"text": {"text": [reply.speech.text]}}]},
        # Flows can branch on these. The question is consumed: CX removes a parameter set to
        # null, so the next turn cannot be answered with this one's question.
        "sessionInfo": {
            "parameters": {
                QUERY_PARAMETER: None,
                "answer_found": found is not None,
                "answer_article": found.article if found else None,
                "answer_url": found.url if found else None,
                MEMORY_KEY: memory.to_json(),
            }
        },
    }


@api_route(
    bp,
    "/voice/dialogflow",
    "post",
    responses={
        200: (
            json_body("DialogflowEsResponse", "DialogflowCxResponse"),
            "The reply in the caller's format.",
        )
    },
    errors=(400, 401, 408, 413, 503),
    summary="Dialogflow ES or CX fulfillment webhook: a spoken answer",
    description=(
        "The request's shape tells ES (queryResult) from CX (fulfillmentInfo). Authenticated by "
        "DIALOGFLOW_WEBHOOK_SECRET as a bearer token or as the password of basic auth; without "
        "a configured secret every call gets 503."
    ),
    operationId="voiceDialogflow",
    security=[{"dialogflowBearer": []}, {"dialogflowBasic": []}],
    requestBody={
        "required": True,
        "content": json_body("DialogflowEsRequest", "DialogflowCxRequest"),
    },
)
def dialogflow_route() -> Response:
    """Answer a Dialogflow ES or CX webhook call, told apart by the request's shape."""
    refused = check_secret()
    if refused is not None:
        return refused
    body = json_object(raw_body())
    is_es = isinstance(body.get("queryResult"), dict)
    is_cx = isinstance(body.get("fulfillmentInfo"), dict) or "detectIntentResponseId" in body
    if is_es == is_cx:
        raise ApiError(
            400,
            "bad_request_shape",
            "expected a Dialogflow ES (queryResult) or CX (fulfillmentInfo) webhook request",
        )
    response = jsonify(es_response(body) if is_es else cx_response(body))
    response.headers["Cache-Control"] = "no-store"
    return response
