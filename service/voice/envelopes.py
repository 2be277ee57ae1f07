"""The voice platforms' JSON envelopes, as /openapi.json describes them (OpenAPI 3.0 schemas).

Declared here, beside the code that reads and writes them, and nowhere else. The routes read
the requests leniently on purpose (service/voice/payload.py: a field of the wrong type is as if
absent), so these shapes document and drive the fuzz tests rather than validate.
"""

from __future__ import annotations


def _obj(required: list[str], **properties: dict) -> dict:
    return {"type": "object", "required": required, "properties": properties}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_STR = {"type": "string"}
_OBJECT = {"type": "object"}
_NULLABLE_STRING = {"type": "string", "nullable": True}
_SSML = _obj(["type", "ssml"], type={"type": "string", "enum": ["SSML"]}, ssml=_STR)
_TEXT_MESSAGE = _obj(["text"], text=_obj(["text"], text={"type": "array", "items": _STR}))

ENVELOPES: dict[str, dict] = {
    "AlexaRequest": _obj(
        ["version", "request"],
        version=_STR,
        session=_OBJECT,
        context=_OBJECT,
        request=_obj(
            ["type", "requestId", "timestamp"],
            type={
                "type": "string",
                "description": "LaunchRequest, IntentRequest or SessionEndedRequest.",
            },
            requestId=_STR,
            timestamp={"type": "string", "format": "date-time"},
            locale=_STR,
            intent=_obj(
                ["name"],
                name=_STR,
                slots={"type": "object", "description": "SearchIntent: slots.query.value"},
            ),
        ),
    ),
    "AlexaResponse": _obj(
        ["version", "response"],
        version=_STR,
        sessionAttributes=_OBJECT,
        response={
            "type": "object",
            "properties": {
                "outputSpeech": _SSML,
                "card": _obj(
                    ["type", "title", "content"],
                    type={"type": "string", "enum": ["Simple"]},
                    title=_STR,
                    content=_STR,
                ),
                "reprompt": _obj(["outputSpeech"], outputSpeech=_SSML),
                "shouldEndSession": {"type": "boolean"},
            },
        },
    ),
    "DialogflowEsRequest": _obj(
        ["queryResult"],
        responseId=_STR,
        session=_STR,
        queryResult=_obj([], queryText=_STR, parameters=_OBJECT, action=_STR, intent=_OBJECT),
    ),
    "DialogflowEsResponse": _obj(
        ["fulfillmentText", "fulfillmentMessages"],
        fulfillmentText=_STR,
        fulfillmentMessages={"type": "array", "items": _TEXT_MESSAGE},
    ),
    "DialogflowCxRequest": _obj(
        ["fulfillmentInfo"],
        detectIntentResponseId=_STR,
        fulfillmentInfo=_obj([], tag=_STR),
        sessionInfo=_obj([], session=_STR, parameters=_OBJECT),
        text=_STR,
        transcript=_STR,
    ),
    "DialogflowCxResponse": _obj(
        ["fulfillmentResponse"],
        fulfillmentResponse=_obj(["messages"], messages={"type": "array", "items": _TEXT_MESSAGE}),
        sessionInfo=_obj(
            [],
            parameters=_obj(
                [],
                answer_found={"type": "boolean"},
                answer_article=_NULLABLE_STRING,
                answer_url=_NULLABLE_STRING,
            ),
        ),
    ),
}


def json_body(*names: str) -> dict:
    """Return the OpenAPI content of a JSON body that is one of the named envelopes."""
    schema = _ref(names[0]) if len(names) == 1 else {"oneOf": [_ref(n) for n in names]}
    return {"application/json": {"schema": schema}}


def header(name: str, about: str) -> dict:
    """Return the OpenAPI description of an optional request header."""
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": about,
        "schema": {"type": "string"},
    }
