"""The OpenAPI 3 description of the API, served at /openapi.json and checked by a test."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

bp = Blueprint("openapi", __name__)

_Q = {
    "name": "q",
    "in": "query",
    "required": True,
    "description": "What the user typed: plain words (query syntax is treated as text).",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
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
                        "enum": ["question", "article", "heading", "completion"],
                        "description": (
                            "question: an FAQ question; article: an article title; heading: a "
                            "section heading; completion: the typed words, last one completed."
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
