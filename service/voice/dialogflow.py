"""POST /voice/dialogflow: the fulfillment webhook of a Dialogflow ES agent or CX agent."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging

from flask import Blueprint, Response, current_app, jsonify, request

from ..errors import ApiError, error_response
from . import speech
from .lookup import look_up
from .payload import field, json_object, raw_body
from .speech import Reply

log = logging.getLogger(__name__)

bp = Blueprint("dialogflow", __name__)

QUERY_PARAMETER = "query"
# ES actions and CX fulfillment tags that are not questions to search.
WELCOME_NAMES = {"input.welcome", "welcome"}
HELP_NAMES = {"input.help", "help"}


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


def _question(parameters: object, fallback: object) -> object:
    value = field(parameters, QUERY_PARAMETER)
    if isinstance(value, list):  # a list parameter: the words said, in order
        value = " ".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) and value.strip() else fallback


def reply_for(name: object, question: object) -> Reply:
    """Return the turn for an action or tag name and the user's question."""
    name = name.lower() if isinstance(name, str) else ""
    if name in WELCOME_NAMES:
        return speech.welcome()
    if name in HELP_NAMES:
        return speech.help_reply()
    # Dialogflow keeps the conversation going itself: every answer may be followed by another.
    return speech.reply_for(look_up(question), current_app.config["VOICE_NOTICE"], keep_open=True)


def es_response(body: dict) -> dict:
    """Answer a Dialogflow ES WebhookRequest with fulfillmentText and fulfillmentMessages."""
    result = body["queryResult"]
    question = _question(result.get("parameters"), result.get("queryText"))
    text = reply_for(result.get("action"), question).speech.text
    return {"fulfillmentText": text, "fulfillmentMessages": [{"text": {"text": [text]}}]}


def cx_response(body: dict) -> dict:
    """Answer a Dialogflow CX WebhookRequest with fulfillmentResponse and session parameters."""
    said = body.get("text") or body.get("transcript")
    question = _question(field(body, "sessionInfo", "parameters"), said)
    reply = reply_for(field(body, "fulfillmentInfo", "tag"), question)
    found = reply.answer
    return {
        "fulfillmentResponse": {"messages": [{"text": {"text": [reply.speech.text]}}]},
        # Flows can branch on these (CX removes a parameter set to null).
        "sessionInfo": {
            "parameters": {
                "answer_found": found is not None,
                "answer_article": found.article if found else None,
                "answer_url": found.url if found else None,
            }
        },
    }


@bp.post("/voice/dialogflow")
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
