"""Hostile input, in one place: the Hypothesis strategies every fuzz test draws from.

What a public search box and voice webhook receive: arbitrary Unicode, control and invisible
characters, text that grows under NFKC, huge and empty values, repeated parameters, Whoosh
query syntax, HTML/SSML metacharacters, numbers in every spelling, and JSON bodies shaped like
the documented ones with all of the above in their strings.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from hypothesis import strategies as st

# FUZZ=full is the CI run (>= 10,000 generated requests); FUZZ=quick a short local run.
FULL = os.environ.get("FUZZ", "full" if os.environ.get("CI") else "quick") == "full"


def examples(full: int) -> int:
    """Return how many examples a fuzz test runs: full in CI, a tenth locally."""
    return full if FULL else max(20, full // 10)


# Words the bundled content and the test articles use, so hostile queries still reach ranking,
# snippets and answers instead of stopping at "no results".
CONTENT_WORDS = (
    "restless leg legs syndrome rls iron deficiency dopamine pregnancy genetic neuropathy "
    "medication caffeine vascular symptoms cast skillet rust seasoning tomatoes anemia "
    "ferritin water houseplant reason cause what why how is can templates markup script "
    "entities ampersands brackets speak tags quotes highlight"
).split()

WHOOSH_SYNTAX = (
    "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "*", "?", "~", "~2", "^", "^10", ":", "title:",
    "body:", "(", ")", "((", "))", "[", "]", "{", "}", "[a TO z]", '"', "'", "\\", "/", "+", "-",
    "<", ">", "=", "!", "&&", "||", "*:*",
)  # fmt: skip

MARKUP = (
    "<", ">", "&", "&amp;", "&lt;", "&#x3c;", "&#60;", '"', "'", "<mark>", "</mark>",
    "<script>alert(1)</script>", "<speak>", "</speak>", "<break time='3s'/>", "]]>",
    "<![CDATA[", "<!--", "-->", "<?xml version='1.0'?>", "<audio src='x'/>", "{{7*7}}",
    "${jndi:x}", "%s%n", "../../etc/passwd",
)  # fmt: skip

# Characters that trip normalisation and rendering: controls, bidi overrides, zero-width,
# combining marks, a surrogate-free astral emoji, NFKC expanders (U+FDFA becomes 18 letters).
ODD_CHARS = (
    "\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\u00a0", "\u200b", "\u200d",
    "\u202e", "\u2066", "\ufeff", "\ufffd", "\u0301", "\u0338", "\ufdfa", "\u3000", "\u2028",
    "\U0001f9b5", "\U000e0001", "ß", "İ", "ﬁ", "①", "٣", "５", "\t", "\r\n", "\n",
)  # fmt: skip

# Lengths either side of the API's limits (200 characters after normalisation, 800 raw).
EDGE_LENGTHS = (0, 1, 199, 200, 201, 799, 800, 801, 4096)

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
"""Arbitrary Unicode (surrogates cannot travel in UTF-8, so none)."""

piece = st.one_of(
    st.sampled_from(CONTENT_WORDS),
    st.sampled_from(WHOOSH_SYNTAX),
    st.sampled_from(MARKUP),
    st.sampled_from(ODD_CHARS),
    any_text,
)


@st.composite
def long_text(draw: st.DrawFn) -> str:
    """Return text at or around the API's length limits."""
    unit = draw(st.sampled_from(["a", "iron ", "\u00e9", "\ufdfa", " ", "*", "\U0001f9b5", "é "]))
    length = draw(st.sampled_from(EDGE_LENGTHS))
    return (unit * length)[:length] if len(unit) == 1 else unit * (length // len(unit))


query_text = st.one_of(
    st.lists(piece, max_size=12).map(" ".join),
    st.lists(piece, max_size=12).map("".join),
    long_text(),
    any_text,
    st.sampled_from(["", " ", "\t\n", "\u200b", "\x00", "a", "is", "the of and"]),
)
"""A value for a free-text parameter such as q."""

int_text = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.integers(-5, 600).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-0",
            "+5",
            "1.5",
            "1e3",
            "0x10",
            "010",
            " 7 ",
            "٣",
            "５",
            "1_0",
            "NaN",
            "inf",
            "-",
            "9" * 40,
            "\x00",
            "10\x00",
            "Infinity",
            "null",
            "[]",
            "true",
        ]
    ),  # fmt: skip
    query_text,
)
"""A value for an integer parameter, in every spelling a caller might send."""


def value_for(schema: dict) -> st.SearchStrategy[str]:
    """Return hostile string values for a parameter of the given JSON schema."""
    return int_text if schema.get("type") == "integer" else query_text


@st.composite
def query_params(draw: st.DrawFn, parameters: list[dict]) -> list[tuple[str, str]]:
    """Return query-string pairs for an operation: each documented parameter absent, once,
    or repeated, plus unknown ones."""
    pairs: list[tuple[str, str]] = []
    for param in parameters:
        if param.get("in") != "query":
            continue
        times = draw(st.sampled_from([0, 1, 1, 1, 1, 2, 3]))
        for _ in range(times):
            pairs.append((param["name"], draw(value_for(param.get("schema", {})))))
    extra_names = st.one_of(st.sampled_from(["callback", "format", "debug", "q[]", "_"]), any_text)
    pairs += draw(st.lists(st.tuples(extra_names, query_text), max_size=2))
    return draw(st.permutations(pairs))


json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    query_text,
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(any_text, inner, max_size=4)
    ),
    max_leaves=12,
)
"""Any JSON value, with hostile strings."""


def resolve(spec: dict, schema: dict) -> dict:
    """Return schema with a top-level $ref followed inside spec."""
    while "$ref" in schema:
        node: dict = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def shaped(spec: dict, schema: dict, depth: int = 0) -> st.SearchStrategy:
    """Return values shaped like schema (documented keys present) with hostile leaves."""
    schema = resolve(spec, schema)
    if depth > 6:
        return json_value
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return st.one_of([shaped(spec, s, depth + 1) for s in schema[key]])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {k: shaped(spec, v, depth + 1) for k, v in props.items() if k in required},
            optional={
                **{k: shaped(spec, v, depth + 1) for k, v in props.items() if k not in required},
                "query": query_text,
                "value": query_text,
            },
        )
    if kind == "array":
        return st.lists(shaped(spec, schema.get("items", {}), depth + 1), max_size=3)
    if kind == "string":
        choices = schema.get("enum")
        return st.sampled_from(choices) | query_text if choices else query_text
    if kind in ("integer", "number"):
        return st.integers(-(2**40), 2**40)
    if kind == "boolean":
        return st.booleans()
    return json_value


@st.composite
def request_body(draw: st.DrawFn, spec: dict, operation: dict) -> bytes:
    """Return a request body for an operation: documented shape with hostile strings, any JSON,
    or bytes that are not JSON at all."""
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    kind = draw(st.sampled_from(["shaped", "shaped", "shaped", "json", "bytes", "deep"]))
    if kind == "shaped":
        return json.dumps(draw(shaped(spec, schema)), ensure_ascii=draw(st.booleans())).encode()
    if kind == "json":
        return json.dumps(draw(json_value)).encode()
    if kind == "deep":
        depth = draw(st.sampled_from([100, 1000, 100_000]))
        return b"[" * depth + b"]" * draw(st.sampled_from([0, depth]))
    return draw(
        st.one_of(
            st.binary(max_size=200),
            st.sampled_from([b"", b"{", b'{"a":', b"\xff\xfe{}", b"null", b"[]", b'"x"', b"{}"]),
        )
    )


VOICE_FIXTURES = Path(__file__).parent / "fixtures" / "voice"
# Keys whose strings carry what the user said, in Alexa and Dialogflow envelopes.
SPOKEN_KEYS = {
    "value",
    "queryText",
    "text",
    "transcript",
    "query",
    "originalValue",
    "resolvedValue",
}


def string_leaves(node: object, path: tuple = ()) -> list[tuple]:
    """Return the paths of every string leaf in a JSON value."""
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in string_leaves(v, (*path, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in string_leaves(v, (*path, i))]
    return [path] if isinstance(node, str) else []


def set_at(node: object, path: tuple, value: object) -> None:
    for step in path[:-1]:
        node = node[step]  # type: ignore[index]
    node[path[-1]] = value  # type: ignore[index]


@st.composite
def recorded_envelope(draw: st.DrawFn, route: str) -> bytes | None:
    """Return a recorded request for route (tests/fixtures/voice/<last segment>-*.json) with what
    the user said, and a few other strings, replaced by hostile text; None when there is none."""
    fixtures = sorted(VOICE_FIXTURES.glob(f"{route.rstrip('/').rsplit('/', 1)[-1]}-*.json"))
    if not fixtures:
        return None
    body = json.loads(draw(st.sampled_from(fixtures)).read_text())
    leaves = string_leaves(body)
    spoken = [p for p in leaves if p and p[-1] in SPOKEN_KEYS]
    rng = random.Random(draw(st.integers(0, 2**32)))
    chosen = spoken + rng.sample(leaves, min(len(leaves), draw(st.integers(0, 2))))
    for path in chosen:
        set_at(body, path, draw(query_text))
    return json.dumps(body, ensure_ascii=draw(st.booleans())).encode()


def hostile_requests(
    spec: dict, count: int, seed: int = 1, authorization: str = ""
) -> list[tuple[str, str, bytes | None, dict[str, str]]]:
    """Return count (method, path?query, body, headers) hostile requests over every operation of
    spec, drawn without Hypothesis (for bursts against a real server); operations that need
    credentials get authorization most of the time."""
    from urllib.parse import urlencode

    rng = random.Random(seed)
    pieces = [*CONTENT_WORDS, *WHOOSH_SYNTAX, *MARKUP, *ODD_CHARS]

    def text() -> str:
        kind = rng.randrange(5)
        if kind == 0:
            unit = rng.choice(["a", "iron ", "\ufdfa", " ", "*", "é"])
            return unit * rng.choice(EDGE_LENGTHS)
        if kind == 1:
            return "".join(chr(rng.randrange(1, 0x2FFFF)) for _ in range(rng.randrange(30)))
        return rng.choice([" ", ""]).join(rng.choices(pieces, k=rng.randrange(1, 12)))

    def number() -> str:
        return rng.choice([str(rng.randrange(-(10**9), 10**9)), "1.5", "٣", "５", "", "NaN"])

    operations = [(p, m, op) for p, item in spec["paths"].items() for m, op in item.items()]
    out = []
    for _ in range(count):
        path, method, operation = rng.choice(operations)
        pairs = []
        for param in operation.get("parameters", []):
            if param.get("in") == "query":
                for _ in range(rng.choice([0, 1, 1, 1, 2])):
                    kind = param.get("schema", {}).get("type")
                    pairs.append((param["name"], number() if kind == "integer" else text()))
        query = urlencode([(k, v.encode("utf-8", "surrogatepass")) for k, v in pairs])
        body = None
        headers: dict[str, str] = {}
        if operation.get("security") and rng.random() < 0.8:
            headers["Authorization"] = authorization
        if "requestBody" in operation:
            fixtures = sorted(VOICE_FIXTURES.glob(f"{path.rstrip('/').rsplit('/', 1)[-1]}-*.json"))
            if fixtures and rng.random() < 0.7:
                envelope = json.loads(rng.choice(fixtures).read_text())
                for leaf in string_leaves(envelope):
                    if leaf and leaf[-1] in SPOKEN_KEYS:
                        set_at(envelope, leaf, text())
                body = json.dumps(envelope).encode()
            else:
                body = rng.choice([b"", b"{", b"[]", b"\xff\xfe", b"[" * 5000, b'{"a":1}'])
            headers["Content-Type"] = "application/json"
        out.append((method.upper(), f"{path}?{query}" if query else path, body, headers))
    return out
