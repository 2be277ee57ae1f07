"""Curation: hand-made fixes to what the index answers, from content/curation.txt.

One entry a line; a line starting with `#` is a comment. A passage is named by its id as results
show it (`restless-leg-syndrome/iron-deficiency`) or as `slug#section`.

    ask: can I drink coffee => restless-leg-syndrome/medications-and-substance-use
    pin: is rls genetic => restless-leg-syndrome/genetic-predisposition
    block: restless-leg-syndrome/conclusion

- `ask`: another way to ask for a passage, matched like its FAQ question (its words count as
  the passage's heading, and a question gets the FAQ weight).
- `pin`: a query that, once normalised (lowercase, accents folded, punctuation dropped), always
  gets that passage as its first result and its answer.
- `block`: a passage never given as an answer (a true sentence that misleads read aloud out of
  context); it stays searchable, and the next best passage answers instead.

The build checks every line (an unknown passage id stops it, naming the line); the file is part
of the index version. Pins and blocks travel in the manifest; alternate questions are built into
the passages they name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import BadContent
from .text import raw_words

CURATION_FILE = "curation.txt"
_LINE = re.compile(r"^(ask|pin|block)\s*:\s*(.*)$", re.IGNORECASE)
_ID_SHAPE = re.compile(r"[a-z0-9][a-z0-9/-]{0,200}")


@dataclass
class Curation:
    """The parsed curation file: alternate questions, pinned queries, blocked passages."""

    asks: dict[str, list[str]] = field(default_factory=dict)  # passage id -> questions
    pins: dict[str, str] = field(default_factory=dict)  # normalised query -> passage id
    blocked: set[str] = field(default_factory=set)

    def manifest(self) -> dict:
        """Return what the query side needs, for the index manifest."""
        return {
            "pins": dict(sorted(self.pins.items())),
            "blocked": sorted(self.blocked),
            "asks": sum(len(q) for q in self.asks.values()),  # counted; built into passages
        }


EMPTY = Curation()


def normalise(query: str) -> str:
    """Return the form pinned queries are matched in: lowercase words, punctuation dropped."""
    return " ".join(raw_words(query))


def _passage_id(ref: str) -> str:
    return ref.strip().strip("/").replace("#", "/")


def _named(ref: str) -> str:
    """Return a reference fit to print: an id-shaped one as itself, anything else described."""
    return repr(ref) if _ID_SHAPE.fullmatch(ref) else "(not an id: lowercase words, '-' and '/')"


def parse_curation(text: str, source: str, passage_ids: Iterable[str]) -> Curation:
    """Parse the curation file's text and check every reference; raise BadContent naming the
    line (messages describe a line, never quote it)."""
    known = set(passage_ids)
    curation = Curation()
    path = source
    pinned_at: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):  # a comment; "#" inside a line is slug#section
            continue
        where = f"{path}:{number}"
        match = _LINE.match(line)
        if not match:
            raise BadContent(
                f"{where}: expected 'ask: QUESTION => PASSAGE', 'pin: QUERY => PASSAGE' or "
                "'block: PASSAGE'"
            )
        kind, rest = match.group(1).lower(), match.group(2)
        if kind == "block":
            target, words = _passage_id(rest), ""
        else:
            if "=>" not in rest:
                raise BadContent(f"{where}: '{kind}' needs 'TEXT => PASSAGE'")
            text, ref = rest.rsplit("=>", 1)
            target, words = _passage_id(ref), " ".join(text.split())
            if not normalise(words):
                raise BadContent(f"{where}: '{kind}' has no words before '=>'")
        if target not in known:
            raise BadContent(
                f"{where}: unknown passage {_named(target)}; use an id as /search shows it, "
                "such as restless-leg-syndrome/iron-deficiency"
            )
        if kind == "ask":
            curation.asks.setdefault(target, []).append(words)
        elif kind == "pin":
            key = normalise(words)
            if key in curation.pins and curation.pins[key] != target:
                raise BadContent(
                    f"{where}: the same query is already pinned to {curation.pins[key]!r} "
                    f"(line {pinned_at[key]})"
                )
            curation.pins[key], pinned_at[key] = target, number
        else:
            curation.blocked.add(target)
    for key, target in curation.pins.items():
        if target in curation.blocked:
            raise BadContent(
                f"{path}:{pinned_at[key]}: {target!r} is pinned as an answer and also blocked"
            )
    return curation


def from_manifest(manifest: dict) -> Curation:
    """Return the query side's curation (pins and blocks) recorded in an index manifest."""
    data = manifest.get("curation") or {}
    if not data:
        return EMPTY
    return Curation(pins=dict(data.get("pins", {})), blocked=set(data.get("blocked", ())))


def curation_of(index) -> Curation:
    """Return the pins and blocks of an opened index (a SearchIndex), read once per version."""
    return index.derived("curation", lambda: from_manifest(index.manifest))
