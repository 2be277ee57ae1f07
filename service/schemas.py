"""Every parameter and JSON body of the API, declared once (marshmallow schemas).

The routes validate their query strings with the argument schemas (service/params.py), build
their bodies from the response schemas' fields (`body`), and /openapi.json is generated from both
(service/openapi.py): a limit changed here changes the validation, the description and the page.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from index.query import MAX_QUERY_CHARS, MAX_RAW_QUERY_CHARS, CleanQuery, read_query
from index.suggest import DEFAULT_LIMIT

MAX_LIMIT = 50
MAX_OFFSET = 500
MAX_SUGGESTIONS = 20
PAGE_SIZE = 10


class TypedQuery(fields.String):
    """The q parameter: what the user typed, cleaned once into an index.query.CleanQuery.

    Its failures are the core's own exceptions (EmptyQuery, QueryTooLong, NoWords), which pass
    through marshmallow untouched and map to their 400 codes in service/errors.py.
    """

    error_stem = "query"  # missing_query, and bad_query when given twice
    max_chars = MAX_QUERY_CHARS  # after spaces are collapsed: the search box's maxlength

    def __init__(self, description: str, **metadata: Any) -> None:
        about = (
            f"{description} At most {MAX_QUERY_CHARS} characters once spaces are collapsed, "
            f"{MAX_RAW_QUERY_CHARS} as sent."
        )
        super().__init__(
            required=True,
            # Enforced by read_query (raw length first, then the cleaned one); declared for the
            # description only, since the field's output is a CleanQuery, not a string.
            metadata={"description": about, "minLength": 1, "maxLength": MAX_RAW_QUERY_CHARS}
            | metadata,
        )

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> CleanQuery:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        return read_query(value)


class WholeNumber(fields.Integer):
    """An integer parameter in [low, high], written in ASCII digits (no "+5", "1e3", "５")."""

    def __init__(self, low: int, high: int, default: int, description: str) -> None:
        self.low, self.high = low, high
        super().__init__(
            load_default=default,
            validate=validate.Range(low, high),
            metadata={"description": description},
        )

    @property
    def error_stem(self) -> str:
        """Return the stem of this parameter's error code (bad_limit, bad_offset)."""
        return self.name

    def complaint(self) -> str:
        """Return what a caller is told when the value is not acceptable."""
        return f"'{self.name}' must be a whole number from {self.low} to {self.high}"

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        raw = value.strip() if isinstance(value, str) else ""
        # Six characters cover every limit; more is a number Python would parse slowly.
        if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 6:
            raise ValidationError(self.complaint())
        return int(raw)


def _offset() -> WholeNumber:
    return WholeNumber(0, MAX_OFFSET, 0, "Results to skip.")


# --- query strings ---------------------------------------------------------------------------


class SearchArgs(Schema):
    """GET /search."""

    q = TypedQuery("What the user typed: plain words (query syntax is treated as text).")
    limit = WholeNumber(1, MAX_LIMIT, 10, "Results per page.")
    offset = _offset()


class AnswerArgs(Schema):
    """GET /answer."""

    q = TypedQuery("What the user asked: plain words (query syntax is treated as text).")


class SuggestArgs(Schema):
    """GET /suggest."""

    q = TypedQuery("What has been typed so far (one letter is enough).", example="restless leg syn")
    limit = WholeNumber(1, MAX_SUGGESTIONS, DEFAULT_LIMIT, "Most suggestions to return.")


class PageArgs(Schema):
    """GET / (the HTML search page, PAGE_SIZE results a page)."""

    q = TypedQuery("What the user typed.")
    offset = _offset()


# --- JSON bodies -----------------------------------------------------------------------------


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"description": "Stable, e.g. bad_limit."})
    message = fields.String(required=True)


class Error(Schema):
    """Every 4xx and 5xx body: {"error": {"code", "message"}}."""

    error = fields.Nested(ErrorDetail, required=True)


class Result(Schema):
    id = fields.String(required=True)
    article = fields.String(required=True)
    section = fields.String(required=True)
    snippet = fields.String(required=True, metadata={"description": "Escaped HTML with <mark>."})
    text = fields.String(required=True)
    url = fields.String(required=True)
    score = fields.Float(required=True)


class SearchResponse(Schema):
    query = fields.String(required=True)
    corrected = fields.String(required=True, allow_none=True)
    total = fields.Integer(required=True, validate=validate.Range(min=0))
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    results = fields.List(fields.Nested(Result), required=True)
    index_version = fields.String(required=True)
    took_ms = fields.Float(required=True)


class ListItem(Schema):
    title = fields.String(required=True, metadata={"description": "The heading naming the item."})
    url = fields.String(required=True, metadata={"description": "Link to its passage."})


class Answer(Schema):
    id = fields.String(required=True)
    article = fields.String(required=True)
    section = fields.String(required=True)
    text = fields.String(required=True)
    url = fields.String(required=True)
    confidence = fields.Float(
        required=True,
        validate=validate.Range(0, 1),
        metadata={"description": "Calibrated: the share of answers at this level that were right."},
    )
    items = fields.List(
        fields.Nested(ListItem),
        validate=validate.Length(min=3),
        metadata={
            "description": "Present only for a list answer (a question asking for reasons, "
            "causes, types, ways or symptoms that one article's headings enumerate): the items "
            "in the article's order. text is then one sentence naming them, id and url the "
            "article's, section its title."
        },
    )


class AnswerResponse(Schema):
    query = fields.String(required=True)
    corrected = fields.String(required=True, allow_none=True)
    answer = fields.Nested(Answer, required=True, allow_none=True)
    index_version = fields.String(required=True)


class Suggestion(Schema):
    text = fields.String(required=True, metadata={"description": "Plain text to put in the box."})
    kind = fields.String(
        required=True,
        validate=validate.OneOf(["query", "question", "article", "heading", "completion"]),
        metadata={
            "description": "query: one of the site's popular queries (popular-queries.txt); "
            "question: an FAQ question; article: an article title; heading: a section heading; "
            "completion: the typed words, last one completed (or a word the site never uses "
            "replaced by its synonym)."
        },
    )


class SuggestResponse(Schema):
    query = fields.String(required=True)
    suggestions = fields.List(
        fields.Nested(Suggestion), required=True, validate=validate.Length(max=MAX_SUGGESTIONS)
    )


class HealthResponse(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ok"]))
    index_version = fields.String(required=True)
    articles = fields.Integer(required=True)
    passages = fields.Integer(required=True)
    built_at = fields.String(allow_none=True)


BODIES: tuple[type[Schema], ...] = (
    Error,
    Result,
    SearchResponse,
    ListItem,
    Answer,
    AnswerResponse,
    Suggestion,
    SuggestResponse,
    HealthResponse,
)
"""The response schemas, each a component of /openapi.json under its class name."""

_FIELDS: dict[type[Schema], tuple[tuple[str, ...], frozenset[str]]] = {}


def body(schema: type[Schema], source: object = None, **values: Any) -> dict[str, Any]:
    """Return schema's fields in declared order, each from values or else source's attribute.

    Cheaper than marshmallow's dump (a tenth of the time for a page of results) and still
    the declaration's fields only: a field the declaration lacks is a TypeError.
    """
    found = _FIELDS.get(schema)
    if found is None:
        fields_of = tuple(schema().fields)
        found = _FIELDS[schema] = (fields_of, frozenset(fields_of))
    names, known = found
    extra = values.keys() - known
    if extra:
        raise TypeError(f"{schema.__name__} declares no {sorted(extra)}")
    return {name: values[name] if name in values else getattr(source, name) for name in names}
