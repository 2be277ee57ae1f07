"""What every response must satisfy, whatever was sent: the fuzzers' and load tests' oracle.

- never a 5xx (the index is healthy in these tests);
- JSON, and an error is exactly {"error": {"code", "message"}} with a 4xx status and a code
  documented in the README or the docs/ pages;
- no traceback, exception text or server path in any body;
- every snippet is escaped HTML whose only tags are balanced <mark> pairs; every SSML string is
  well-formed XML under <speak> with no HTML in it; answers and spoken text carry no markup;
- the security headers on every response.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from service.security import SECURITY_HEADERS

ROOT = Path(__file__).resolve().parent.parent
# Every `backticked_code` in the README and docs/: stable error codes must be among them.
DOCUMENTED_WORDS = frozenset(
    word
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for word in re.findall(r"`([a-z][a-z0-9_]*)`", page.read_text())
)
LEAKS = ("Traceback", 'File "', str(ROOT), "/tmp/", "site-packages")
# JSON keys whose strings are spoken or shown as plain text: no highlight may reach them.
PLAIN_KEYS = {"text", "fulfillmentText", "content", "title", "displayText"}
# SSML elements a voice reply may use (Alexa's set); anything else came from unescaped text.
SSML_TAGS = {"p", "s", "break", "emphasis", "prosody", "say-as", "sub", "phoneme", "lang", "w"}


# Requests the fuzzers generated, by fuzzer: printed at the end of the run (tests/conftest.py).
GENERATED: Counter[str] = Counter()


def count_requests(app, source: str) -> None:
    """Count every request the app serves under source in GENERATED."""
    inner = app.wsgi_app

    def counting(environ, start_response):
        GENERATED[source] += 1
        return inner(environ, start_response)

    app.wsgi_app = counting


class InvariantError(AssertionError):
    """A response broke one of the invariants above."""


class _MarkOnly(HTMLParser):
    """Accept only text, entities and balanced <mark> tags without attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag != "mark" or attrs or self.depth:
            self.problems.append(f"unexpected <{tag}> {attrs}")
        self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.problems.append(f"unexpected <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag != "mark" or not self.depth:
            self.problems.append(f"unexpected </{tag}>")
        self.depth -= 1

    def handle_comment(self, data: str) -> None:
        self.problems.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.problems.append("declaration")

    def handle_pi(self, data: str) -> None:
        self.problems.append("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("CDATA or unknown declaration")


def check_snippet(snippet: str) -> None:
    """Raise unless snippet is escaped text with only balanced, attribute-free <mark> tags."""
    stripped = snippet.replace("<mark>", "").replace("</mark>", "")
    if "<" in stripped or ">" in stripped:
        raise InvariantError(f"unescaped markup in snippet {snippet!r}")
    if re.search(r"&(?!(?:amp|lt|gt|quot|#x27|#39);)", stripped):
        raise InvariantError(f"bare & in snippet {snippet!r}")
    parser = _MarkOnly()
    parser.feed(snippet)
    parser.close()
    if parser.problems or parser.depth:
        raise InvariantError(f"snippet {snippet!r}: {parser.problems or 'unclosed <mark>'}")


def check_ssml(ssml: str) -> None:
    """Raise unless ssml is well-formed XML under one <speak> with no HTML highlight tags."""
    try:
        root = ET.fromstring(ssml)
    except ET.ParseError as exc:
        raise InvariantError(f"malformed SSML {ssml!r}: {exc}") from exc
    if root.tag != "speak":
        raise InvariantError(f"SSML root is <{root.tag}>, not <speak>: {ssml!r}")
    tags = {element.tag for element in root.iter()} - {"speak"}
    nested = [element for element in root.iter("speak") if element is not root]
    if not tags <= SSML_TAGS or nested:
        raise InvariantError(f"SSML with tags {sorted(tags - SSML_TAGS)} {ssml!r}")


def _walk(node: object, key: str = "") -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _walk(v, k)
    elif isinstance(node, list):
        for v in node:
            _walk(v, key)
    elif isinstance(node, str):
        if key == "snippet":
            check_snippet(node)
        elif key == "ssml":
            check_ssml(node)
        elif key in PLAIN_KEYS and ("<mark>" in node or "</mark>" in node):
            raise InvariantError(f"markup in plain text {key}={node!r}")


def check_response(
    status: int, headers, body: bytes, method: str = "GET", unavailable_ok: bool = False
) -> object:
    """Raise InvariantError when a response breaks an invariant; return its parsed JSON.

    unavailable_ok: the test broke the index on purpose, so 503 is the right answer."""
    if status >= 500 and not (status == 503 and unavailable_ok):
        raise InvariantError(f"server error {status}: {body[:300]!r}")
    missing = [name for name in SECURITY_HEADERS if name not in headers]
    if missing:
        raise InvariantError(f"{status} response without {missing}")
    if method.upper() in ("OPTIONS", "HEAD") and status < 400:
        # An allowed-methods or CORS preflight answer, and HEAD, carry no body.
        if body:
            raise InvariantError(f"{method} answered with a body: {body[:200]!r}")
        return None
    content_type = headers.get("Content-Type", "")
    if not content_type.startswith("application/json"):
        raise InvariantError(f"{status} with Content-Type {content_type!r}: {body[:200]!r}")
    text = body.decode("utf-8")
    for leak in LEAKS:
        if leak in text and status >= 400:
            raise InvariantError(f"{status} body gives away {leak!r}: {text[:300]}")
    data = json.loads(text)
    if status >= 400:
        if not (
            isinstance(data, dict)
            and set(data) == {"error"}
            and isinstance(data["error"], dict)
            and set(data["error"]) == {"code", "message"}
            and isinstance(data["error"]["message"], str)
            and data["error"]["message"]
        ):
            raise InvariantError(f"{status} error body is not the one error shape: {text[:300]}")
        code = data["error"]["code"]
        if code not in DOCUMENTED_WORDS:
            raise InvariantError(f"{status} error code {code!r} is not documented in README.md")
    elif status < 200 or status >= 300:
        raise InvariantError(f"unexpected status {status}")
    _walk(data)
    return data


_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
}


def check_schema(spec: dict, schema: dict, value: object, where: str = "$") -> None:
    """Raise unless value fits an OpenAPI 3.0 schema (the subset the SPEC uses, $refs followed)."""
    while "$ref" in schema:
        node: dict = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    if value is None and schema.get("nullable"):
        return
    for key in ("oneOf", "anyOf"):
        if key in schema:
            fits = 0
            for option in schema[key]:
                try:
                    check_schema(spec, option, value, where)
                    fits += 1
                except InvariantError:
                    pass
            # oneOf is read as anyOf: the voice schemas' options overlap (no discriminator).
            if not fits:
                raise InvariantError(f"{where}: {value!r:.200} fits {fits} of the {key} options")
    kind = schema.get("type")
    if kind:
        expected = _TYPES[kind]
        if not isinstance(value, expected) or (kind in ("integer", "number") and value is True):
            raise InvariantError(f"{where}: expected {kind}, got {value!r:.200}")
        if isinstance(value, bool) and kind != "boolean":
            raise InvariantError(f"{where}: expected {kind}, got a boolean")
    if "enum" in schema and value not in schema["enum"]:
        raise InvariantError(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            raise InvariantError(f"{where}: {value} below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            raise InvariantError(f"{where}: {value} above {schema['maximum']}")
    if isinstance(value, dict):
        missing = set(schema.get("required", ())) - set(value)
        if missing:
            raise InvariantError(f"{where}: missing {sorted(missing)}")
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                check_schema(spec, sub, value[key], f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            check_schema(spec, schema["items"], item, f"{where}[{i}]")


def check_documented(spec: dict, path: str, method: str, status: int, data: object) -> None:
    """Raise unless the status is documented for the operation and the body fits its schema."""
    responses = spec["paths"][path][method]["responses"]
    documented = responses.get(str(status)) or responses.get("default")
    if documented is None:
        raise InvariantError(f"{method.upper()} {path} answered {status}, which is not documented")
    while "$ref" in documented:
        documented = spec["components"]["responses"][documented["$ref"].rsplit("/", 1)[-1]]
    schema = documented.get("content", {}).get("application/json", {}).get("schema")
    if schema is not None:
        check_schema(spec, schema, data)
