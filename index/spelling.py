"""Spelling suggestions from the index's own words, the same as Whoosh's, without its automaton.

Whoosh's `ReaderCorrector.suggest` builds a Levenshtein automaton in pure Python for every
word it corrects: 2-8 ms a word, most of a query with a typo. For a first letter with a
modest vocabulary this scans the words of that letter instead, with two cheap filters (length
and distinct letters) before an exact bounded Levenshtein distance, and ranks as Whoosh does:
most frequent first, ties by the word. Large vocabularies keep Whoosh's automaton.

The words come through a `Vocabulary` (store.py's door into the index), so this module never
touches Whoosh's reading API itself.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import Protocol

from .caches import Lru

# Above this many words for one prefix, Whoosh's automaton (which skips through the sorted
# word list) is cheaper than a scan.
MAX_SCAN = 4_000
# Words kept in scanned buckets, over all prefixes: user input picks the prefixes (10k queries
# in as many scripts would otherwise keep a bucket for each), so the buckets are bounded.
MAX_KEPT_WORDS = 40_000


class Vocabulary(Protocol):
    """The index words one field holds, as the speller reads them."""

    def words(self, prefix: str) -> Iterable[str]:
        """Yield the field's words that start with prefix, in sorted order."""

    def frequency(self, word: str) -> int:
        """Return how often word occurs in the field (0 when it does not)."""

    def automaton(self, text: str, limit: int, maxdist: int, prefix: int) -> list[str]:
        """Return Whoosh's own suggestions (its automaton) for text."""


def within(a: str, b: str, maxdist: int) -> bool:
    """Return True when the Levenshtein distance of a and b is at most maxdist."""
    if abs(len(a) - len(b)) > maxdist:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > maxdist:
            return False
        previous = current
    return previous[-1] <= maxdist


Bucket = list[tuple[str, frozenset[str]]] | None


class Speller:
    """Suggest index words close to a typed word; one per index version, shared by threads."""

    def __init__(self) -> None:
        # prefix -> [(word, its distinct letters)], or None when too many to scan.
        self._buckets: Lru[Bucket] = Lru(MAX_KEPT_WORDS, weigh=lambda b: max(1, len(b or ())))

    def _bucket(self, vocabulary: Vocabulary, prefix: str) -> Bucket:
        found = self._buckets.get(prefix, False)
        if found is not False:
            return found
        words: Bucket = []
        for word in vocabulary.words(prefix):
            if len(words) >= MAX_SCAN:
                words = None
                break
            words.append((word, frozenset(word)))
        self._buckets.put(prefix, words)
        return words

    def suggest(
        self, vocabulary: Vocabulary, text: str, limit: int = 5, maxdist: int = 2, prefix: int = 0
    ) -> list[str]:
        """Return up to limit words within maxdist edits sharing text's first prefix letters."""
        bucket = self._bucket(vocabulary, text[:prefix])
        if bucket is None:
            return vocabulary.automaton(text, limit, maxdist, prefix)
        letters = frozenset(text)
        size = len(text)
        # One edit changes the set of distinct letters by at most two.
        found = [
            word
            for word, word_letters in bucket
            if abs(len(word) - size) <= maxdist
            and len(letters ^ word_letters) <= 2 * maxdist
            and within(text, word, maxdist)
        ]
        frequency = vocabulary.frequency
        # Whoosh's ranking: every match scores -(maxdist + 0.5 / frequency); it keeps the limit
        # largest (score, word) pairs, then lists them best score first, ties alphabetically.
        scored = [(-(maxdist + 0.5 / (frequency(w) or 1)), w) for w in found]
        kept = heapq.nlargest(limit, scored)
        return [word for _, word in sorted(kept, key=lambda item: (-item[0], item[1]))]
