"""Requests built with the platforms' own SDK models, and their responses parsed strictly."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import (
    Application,
    Context,
    Intent,
    IntentRequest,
    LaunchRequest,
    RequestEnvelope,
    ResponseEnvelope,
    Session,
    SessionEndedReason,
    SessionEndedRequest,
    Slot,
    User,
)
from ask_sdk_model.interfaces.system import SystemState
from google.cloud import dialogflow_v2, dialogflowcx_v3
from google.protobuf import json_format

from service.voice import speech

from .helpers import SKILL_ID, ssml_text

ASK = DefaultSerializer()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class AlexaSession:
    """One Alexa conversation: requests made with ask-sdk-model, attributes carried between
    turns the way Alexa does, every response read back strictly as a ResponseEnvelope."""

    def __init__(self, post, locale: str = "en-US", skill_id: str = SKILL_ID, attributes=None):
        self.post, self.locale = post, locale
        self.application = Application(application_id=skill_id)
        self.user = User(user_id="amzn1.ask.account.TESTUSER")
        self.attributes: dict = dict(attributes or {})
        self.new = True
        self.turns = 0

    def envelope(self, request) -> dict:
        """Return the JSON Alexa would send for request in this session."""
        session = Session(
            new=self.new,
            session_id="amzn1.echo-api.session.test",
            application=self.application,
            attributes=self.attributes,
            user=self.user,
        )
        system = SystemState(
            application=self.application, user=self.user, api_endpoint="https://api.amazonalexa.com"
        )
        body = ASK.serialize(
            RequestEnvelope(
                version="1.0", session=session, context=Context(system=system), request=request
            )
        )
        return json.loads(json.dumps(body))

    def _send(self, request) -> ResponseEnvelope:
        self.turns += 1
        response = self.post(self.envelope(request))
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        parsed = strict_alexa(body)
        self.new = False
        if parsed.session_attributes is not None:
            self.attributes = parsed.session_attributes
        return parsed

    def _stamp(self) -> dict:
        return {
            "request_id": f"amzn1.echo-api.request.{self.turns}",
            "timestamp": _now(),
            "locale": self.locale,
        }

    def launch(self) -> ResponseEnvelope:
        """Open the skill ("Alexa, open answer finder")."""
        return self._send(LaunchRequest(**self._stamp()))

    def intent(self, name: str, query: str | None = None) -> ResponseEnvelope:
        """Send an intent, with the query slot filled as Alexa fills it."""
        slots = None if query is None else {"query": Slot(name="query", value=query)}
        return self._send(IntentRequest(**self._stamp(), intent=Intent(name=name, slots=slots)))

    def end(self) -> ResponseEnvelope:
        """Tell the skill the user left."""
        request = SessionEndedRequest(**self._stamp(), reason=SessionEndedReason.USER_INITIATED)
        return self._send(request)


def strict_alexa(body: dict) -> ResponseEnvelope:
    """Parse an ASK response; its deserializer drops unknown keys, so compare a re-serialization."""
    parsed = ASK.deserialize(json.dumps(body), ResponseEnvelope)
    assert ASK.serialize(parsed) == body
    return parsed


def said(envelope: ResponseEnvelope) -> str:
    """Return the spoken text of an ASK response (its SSML parsed as XML)."""
    return ssml_text(envelope.response.output_speech.ssml)


def answer_part(text: str) -> str:
    """Return the answer of a spoken reply: before its source line, without a guess's hedge."""
    return text.split(" From: ")[0].removeprefix(speech.UNSURE + " ")


def strict_es(body: dict) -> dialogflow_v2.WebhookResponse:
    """Parse a Dialogflow ES webhook response, refusing any field ES does not know."""
    message = dialogflow_v2.WebhookResponse()
    json_format.Parse(json.dumps(body), message._pb, ignore_unknown_fields=False)
    return message


def strict_cx(body: dict) -> dialogflowcx_v3.WebhookResponse:
    """Parse a Dialogflow CX webhook response, refusing any field CX does not know."""
    message = dialogflowcx_v3.WebhookResponse()
    json_format.Parse(json.dumps(body), message._pb, ignore_unknown_fields=False)
    return message


def _es_context(given: dict) -> dialogflow_v2.Context:
    """Return an output context from its JSON (as a webhook response gave it)."""
    context = dialogflow_v2.Context()
    json_format.ParseDict(given, context._pb)
    return context


def es_request(
    text: str, action: str = "input.unknown", parameters=None, contexts=(), language: str = "en"
) -> dict:
    """Return an ES WebhookRequest as Dialogflow sends it (JSON in camelCase)."""
    session = "projects/faq-search-agent/agent/sessions/test-session"
    request = dialogflow_v2.WebhookRequest(
        session=session,
        response_id="response-1",
        query_result=dialogflow_v2.QueryResult(
            query_text=text,
            action=action,
            parameters=parameters or {},
            language_code=language,
            output_contexts=[_es_context(c) for c in contexts],
            intent=dialogflow_v2.Intent(display_name="Default Fallback Intent"),
        ),
    )
    # Dialogflow omits fields at their default values, as proto3 JSON does.
    return json_format.MessageToDict(request._pb)


def cx_request(
    text: str | None = None,
    tag: str = "answer",
    session_parameters=None,
    intent_parameters=None,
    transcript: str | None = None,
    language: str = "en",
) -> dict:
    """Return a CX WebhookRequest as Dialogflow CX sends it (JSON in camelCase)."""
    kwargs = {}
    if text is not None:
        kwargs["text"] = text
    if transcript is not None:
        kwargs["transcript"] = transcript
    intent_info = None
    if intent_parameters is not None:
        intent_info = dialogflowcx_v3.WebhookRequest.IntentInfo(
            display_name="search",
            parameters={
                name: dialogflowcx_v3.WebhookRequest.IntentInfo.IntentParameterValue(
                    original_value=value, resolved_value=value
                )
                for name, value in intent_parameters.items()
            },
        )
    request = dialogflowcx_v3.WebhookRequest(
        detect_intent_response_id="cx-response-1",
        fulfillment_info=dialogflowcx_v3.WebhookRequest.FulfillmentInfo(tag=tag),
        session_info=dialogflowcx_v3.SessionInfo(
            session="projects/p/locations/global/agents/a/sessions/test-session",
            parameters=session_parameters or {},
        ),
        intent_info=intent_info,
        language_code=language,
        **kwargs,
    )
    return json_format.MessageToDict(request._pb)
