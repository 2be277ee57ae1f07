"""The OpenAPI 3 description of the API, served at /openapi.json and checked by a test."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

bp = Blueprint("openapi", __name__)

_Q = {
    "name": "q",
    "in": "query",
    "required": True,
    "description": "What the user typed: plain words (query syntax is treated as text); at "
    "most 200 characters once spaces are collapsed, 800 as sent.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 800},
}
_ERROR_REF = {"$ref": "#/components/responses/Error"}


def _int_param(name: str, default: int, low: int, high: int, about: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": about,
        "schema": {"type": "integer", "minimum": low, "maximum": high, "default": default},
    }


def _json(schema_name: str, description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}
        },
    }


_NULLABLE_STRING = {"type": "string", "nullable": True}


def _header(name: str, about: str) -> dict:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": about,
        "schema": {"type": "string"},
    }


def _obj(required: list[str], **properties: dict) -> dict:
    return {"type": "object", "required": required, "properties": properties}


_STR = {"type": "string"}
_OBJECT = {"type": "object"}
_SSML = _obj(["type", "ssml"], type={"type": "string", "enum": ["SSML"]}, ssml=_STR)
_TEXT_MESSAGE = _obj(["text"], text=_obj(["text"], text={"type": "array", "items": _STR}))

SPEC: dict = {
    "openapi": "3.0.3",
    "info": {
        "title": "FAQ search",
        "version": "1.0.0",
        "description": (
            "Keyword search and best answers over a site's articles and FAQ. Successful GETs "
            "carry Cache-Control and a weak ETag tied to the index version (If-None-Match "
            "gets 304); origins listed in CORS_ORIGINS may call the API from the browser."
        ),
    },
    "paths": {
        "/search": {
            "get": {
                "summary": "Ranked passages with highlighted snippets",
                "operationId": "search",
                "parameters": [
                    _Q,
                    _int_param("limit", 10, 1, 50, "Results per page."),
                    _int_param("offset", 0, 0, 500, "Results to skip."),
                ],
                "responses": {
                    "200": _json("SearchResponse", "Ranked results, best first."),
                    "400": _ERROR_REF,
                    "503": _ERROR_REF,
                },
            }
        },
        "/answer": {
            "get": {
                "summary": "The one best answer, or null",
                "operationId": "answer",
                "parameters": [_Q],
                "responses": {
                    "200": _json("AnswerResponse", "The answer (null when none is confident)."),
                    "400": _ERROR_REF,
                    "503": _ERROR_REF,
                },
            }
        },
        "/suggest": {
            "get": {
                "summary": "Completions for the search box as the user types",
                "description": (
                    "Every word of q but the last is complete; the last one is a prefix unless "
                    "q ends in a space. Headings, FAQ questions and article titles that match "
                    "come first, then the typed words with the last one completed from the "
                    "index vocabulary."
                ),
                "operationId": "suggest",
                "parameters": [
                    {
                        **_Q,
                        "description": "What has been typed so far (one letter is enough).",
                        "example": "restless leg syn",
                    },
                    _int_param("limit", 8, 1, 20, "Most suggestions to return."),
                ],
                "responses": {
                    "200": _json("SuggestResponse", "Suggestions, most useful first."),
                    "304": {"description": "Not modified (If-None-Match matched the ETag)."},
                    "400": _ERROR_REF,
                    "503": _ERROR_REF,
                },
            }
        },
        "/health": {
            "get": {
                "summary": "Index status and the version being served",
                "operationId": "health",
                "responses": {
                    "200": _json("HealthResponse", "The index is usable."),
                    "503": _ERROR_REF,
                },
            }
        },
        "/voice/alexa": {
            "post": {
                "summary": "Alexa custom skill endpoint: a spoken answer in the ASK envelope",
                "description": (
                    "Checks Amazon's request signature (SignatureCertChainUrl, Signature-256), "
                    "the request timestamp (within 150 s) and the skill id (ALEXA_SKILL_IDS) "
                    "before anything is searched."
                ),
                "operationId": "voiceAlexa",
                "parameters": [
                    _header("SignatureCertChainUrl", "Where Amazon's signing chain is."),
                    _header("Signature-256", "Base64 RSA-SHA256 signature of the raw body."),
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/AlexaRequest"}
                        }
                    },
                },
                "responses": {
                    "200": _json("AlexaResponse", "What Alexa says (empty for SessionEnded)."),
                    "400": _ERROR_REF,
                    "403": _ERROR_REF,
                    "413": _ERROR_REF,
                },
            }
        },
        "/voice/dialogflow": {
            "post": {
                "summary": "Dialogflow ES or CX fulfillment webhook: a spoken answer",
                "description": (
                    "The request's shape tells ES (queryResult) from CX (fulfillmentInfo). "
                    "Authenticated by DIALOGFLOW_WEBHOOK_SECRET as a bearer token or as the "
                    "password of basic auth; without a configured secret every call gets 503."
                ),
                "operationId": "voiceDialogflow",
                "security": [{"dialogflowBearer": []}, {"dialogflowBasic": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/DialogflowEsRequest"},
                                    {"$ref": "#/components/schemas/DialogflowCxRequest"},
                                ]
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "The reply in the caller's format.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/DialogflowEsResponse"},
                                        {"$ref": "#/components/schemas/DialogflowCxResponse"},
                                    ]
                                }
                            }
                        },
                    },
                    "400": _ERROR_REF,
                    "401": _ERROR_REF,
                    "413": _ERROR_REF,
                    "503": _ERROR_REF,
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This description",
                "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI 3 document."}},
            }
        },
    },
    "components": {
        "responses": {"Error": _json("Error", "A client error (4xx) or an unavailable index.")},
        "securitySchemes": {
            "dialogflowBearer": {"type": "http", "scheme": "bearer"},
            "dialogflowBasic": {"type": "http", "scheme": "basic"},
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                    }
                },
            },
            "Result": {
                "type": "object",
                "required": ["id", "article", "section", "snippet", "text", "url", "score"],
                "properties": {
                    "id": {"type": "string"},
                    "article": {"type": "string"},
                    "section": {"type": "string"},
                    "snippet": {"type": "string", "description": "Escaped HTML with <mark>."},
                    "text": {"type": "string"},
                    "url": {"type": "string"},
                    "score": {"type": "number"},
                },
            },
            "SearchResponse": {
                "type": "object",
                "required": ["query", "corrected", "total", "results", "index_version", "took_ms"],
                "properties": {
                    "query": {"type": "string"},
                    "corrected": _NULLABLE_STRING,
                    "total": {"type": "integer", "minimum": 0},
                    "limit": {"type": "integer"},
                    "offset": {"type": "integer"},
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
                    "index_version": {"type": "string"},
                    "took_ms": {"type": "number"},
                },
            },
            "Answer": {
                "type": "object",
                "nullable": True,
                "required": ["id", "article", "section", "text", "url", "confidence"],
                "properties": {
                    "id": {"type": "string"},
                    "article": {"type": "string"},
                    "section": {"type": "string"},
                    "text": {"type": "string"},
                    "url": {"type": "string"},
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                    "items": {
                        "type": "array",
                        "minItems": 3,
                        "items": {"$ref": "#/components/schemas/ListItem"},
                        "description": (
                            "Present only for a list answer (a question asking for reasons, "
                            "causes, types, ways or symptoms that one article's headings "
                            "enumerate): the items in the article's order. text is then one "
                            "sentence naming them, id and url the article's, section its title."
                        ),
                    },
                },
            },
            "ListItem": {
                "type": "object",
                "required": ["title", "url"],
                "properties": {
                    "title": {"type": "string", "description": "The heading naming the item."},
                    "url": {"type": "string", "description": "Link to its passage."},
                },
            },
            "AnswerResponse": {
                "type": "object",
                "required": ["query", "corrected", "answer", "index_version"],
                "properties": {
                    "query": {"type": "string"},
                    "corrected": _NULLABLE_STRING,
                    "answer": {"$ref": "#/components/schemas/Answer"},
                    "index_version": {"type": "string"},
                },
            },
            "Suggestion": {
                "type": "object",
                "required": ["text", "kind"],
                "properties": {
                    "text": {"type": "string", "description": "Plain text to put in the box."},
                    "kind": {
                        "type": "string",
                        "enum": ["query", "question", "article", "heading", "completion"],
                        "description": (
                            "query: one of the site's popular queries (popular-queries.txt); "
                            "question: an FAQ question; article: an article title; heading: a "
                            "section heading; completion: the typed words, last one completed "
                            "(or a word the site never uses replaced by its synonym)."
                        ),
                    },
                },
            },
            "SuggestResponse": {
                "type": "object",
                "required": ["query", "suggestions"],
                "properties": {
                    "query": {"type": "string"},
                    "suggestions": {
                        "type": "array",
                        "maxItems": 20,
                        "items": {"$ref": "#/components/schemas/Suggestion"},
                    },
                },
            },
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
                queryResult=_obj(
                    [], queryText=_STR, parameters=_OBJECT, action=_STR, intent=_OBJECT
                ),
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
                fulfillmentResponse=_obj(
                    ["messages"], messages={"type": "array", "items": _TEXT_MESSAGE}
                ),
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
            "HealthResponse": {
                "type": "object",
                "required": ["status", "index_version", "articles", "passages"],
                "properties": {
                    "status": {"type": "string", "enum": ["ok"]},
                    "index_version": {"type": "string"},
                    "articles": {"type": "integer"},
                    "passages": {"type": "integer"},
                    "built_at": _NULLABLE_STRING,
                },
            },
        },
    },
}


@bp.get("/openapi.json")
def openapi_route() -> Response:
    """Serve the OpenAPI description."""
    return jsonify(SPEC)
