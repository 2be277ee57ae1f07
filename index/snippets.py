"""Highlighted snippets and whole-sentence trimming of passage text."""

from __future__ import annotations

import re
from array import array
from functools import lru_cache
from html import escape
from itertools import accumulate, compress

from .text import WORD_RE, stem

# Words a snippet looks at, at most (a passage is at most 12,000 characters, ~2,500 words).
MAX_HIGHLIGHT_WORDS = 5_000
# WORD_RE as one group: split() then returns the words between the gaps.
_WORD_SPLIT = re.compile(f"({WORD_RE.pattern})")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """Split text into sentences (paragraph breaks always end one)."""
    out: list[str] = []
    for paragraph in text.split("\n\n"):
        out.extend(s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip())
    return out


@lru_cache(maxsize=1024)
def _words(text: str) -> tuple[array, array, tuple[str, ...]]:
    """Return the starts, ends and index terms of text's first MAX_HIGHLIGHT_WORDS + 1 words."""
    # Bounded: the work and the cached entry stay small whatever a passage holds (the build
    # splits long sections; an index built before it may not have). Two arrays and a tuple of
    # strings, not a tuple per word: entries come and go with every query, and hundreds of
    # objects each would make the garbage collector's pauses long (tens of ms at 64k passages).
    # Split into gap, word, gap, word, ..., rest: the running sum of the pieces' lengths gives
    # each word's start and end without a Python step per word (snippets were ~15 % of a query).
    pieces = _WORD_SPLIT.split(text, MAX_HIGHLIGHT_WORDS + 1)
    words = pieces[1::2]
    bounds = array("I", accumulate(map(len, pieces[:-1])))
    return bounds[0::2], bounds[1::2], tuple(map(stem, map(str.lower, words)))


def highlight(text: str, terms: set[str], max_words: int = 40) -> str:
    """Return HTML-escaped text around the densest run of matches, terms wrapped in <mark>."""
    starts, ends, stems = _words(text)
    cut = len(stems) > MAX_HIGHLIGHT_WORDS  # the snippet comes from the first words only
    count = min(len(stems), MAX_HIGHLIGHT_WORDS)
    if not count:
        return escape(text)
    # Only the matches are listed: a passage has hundreds of words and a few matches.
    hits = list(compress(range(count), map(terms.__contains__, stems)))
    start_word = _densest_window(hits, count, max_words) if count > max_words else 0
    stop_word = min(start_word + max_words, count)
    begin = 0 if start_word == 0 else starts[start_word]
    end = len(text) if stop_word >= count and not cut else ends[stop_word - 1]
    parts = ["…" if begin else ""]
    cursor = begin
    for i in hits:
        if start_word <= i < stop_word:
            s, e = starts[i], ends[i]
            parts.append(escape(text[cursor:s]))
            parts.append(f"<mark>{escape(text[s:e])}</mark>")
            cursor = e
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts).replace("\n\n", " ")


def _densest_window(hits: list[int], count: int, size: int) -> int:
    """Return the first word of the size-word window (of count words) with the most of the
    matching words hits, in linear time."""
    best, best_count = 0, -1
    low = high = 0  # hits[low:high] are the matches inside the window being scored
    # A window starts 5 words before a match (a little lead-in reads better). Starts only move
    # forward, so both ends of the run of matches inside it do too.
    for i in hits or [0]:
        first = max(0, min(i - 5, count - size))
        while low < len(hits) and hits[low] < first:
            low += 1
        high = max(high, low)
        while high < len(hits) and hits[high] < first + size:
            high += 1
        if high - low > best_count:
            best, best_count = first, high - low
    return best


def best_sentences(text: str, terms: set[str], max_words: int = 60) -> str:
    """Return the run of whole sentences (at most max_words) that matches terms best."""
    sents = sentences(text)
    if not sents:
        return text.strip()
    sizes = [len(s.split()) for s in sents]
    weights = [len({stem(w.lower()) for w in WORD_RE.findall(s)} & terms) for s in sents]
    best_start, best_score = 0, -1.0
    for start in range(len(sents)):
        score, words_used, end = 0.0, 0, start
        while end < len(sents) and (end == start or words_used + sizes[end] <= max_words):
            words_used += sizes[end]
            score += weights[end]
            end += 1
        # Ties go to the earlier run: an answer that starts where the passage starts reads best.
        if weights[start] and score > best_score:
            best_start, best_score = start, score
    chosen, used = [], 0
    for sentence, size in zip(sents[best_start:], sizes[best_start:], strict=True):
        if chosen and used + size > max_words:
            break
        chosen.append(sentence)
        used += size
    result = " ".join(chosen)
    if used > max_words:  # one very long sentence: cut at a word boundary
        result = " ".join(result.split()[:max_words]).rstrip(",;:") + "…"
    return result
