"""Ask the search core one spoken question and say what came of it."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from enum import Enum

from flask import request

from index.errors import BadQuery, IndexMissing, IndexUnreadable, QueryTooLong
from index.query import read_query
from index.search import Answer, search_and_answer

from ..query_log import log_query
from ..search_index import current_index

log = logging.getLogger(__name__)


class Outcome(Enum):
    """What a spoken question led to."""

    ANSWER = "answer"
    NO_ANSWER = "no_answer"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Lookup:
    """The outcome, the answer when there is one, the query's terms (for trimming) and the
    whole passage the answer comes from (for "tell me more")."""

    outcome: Outcome
    answer: Answer | None = None
    terms: frozenset[str] = field(default_factory=frozenset)
    passage: str = ""


def look_up(question: object) -> Lookup:
    """Return the confident answer to question, or why there is none."""
    started = time.perf_counter()
    if not isinstance(question, str) or not question.strip():
        return Lookup(Outcome.EMPTY)
    try:
        query = read_query(question)
    except QueryTooLong:
        return Lookup(Outcome.TOO_LONG)
    except BadQuery:  # empty once normalised, or no words
        return Lookup(Outcome.EMPTY)
    try:
        found = search_and_answer(current_index(), query)
    except (IndexMissing, IndexUnreadable) as exc:
        log.error("voice question not answered, index unavailable: %s", exc)
        return Lookup(Outcome.UNAVAILABLE)
    log_query(request.path, found.results, started, answer=found.answer)
    if found.answer is None:
        return Lookup(Outcome.NO_ANSWER)
    return Lookup(Outcome.ANSWER, found.answer, frozenset(found.parsed.terms), found.passage)
