"""Spelling suggestions from the index's own words, the same as Whoosh's, without its automaton.

Whoosh's `ReaderCorrector.suggest` builds a Levenshtein automaton in pure Python for every
word it corrects: 2-8 ms a word, most of a query with a typo. For a first letter with a
modest vocabulary this scans the words of that letter instead, with two cheap filters (length
and distinct letters) before an exact bounded Levenshtein distance, and ranks as Whoosh does:
most frequent first, ties by the word. Large vocabularies keep Whoosh's automaton.
"""

from __future__ import annotations

import heapq

from whoosh.searching import Searcher

# Above this many words for one prefix, Whoosh's automaton (which skips through the sorted
# word list) is cheaper than a scan.
MAX_SCAN = 4_000


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


class Speller:
    """Suggest index words close to a typed word; one per index version, shared by threads."""

    def __init__(self, fieldname: str = "spell"):
        self.fieldname = fieldname
        # prefix -> [(word, its distinct letters)], or None when too many to scan.
        self._words: dict[str, list[tuple[str, frozenset[str]]] | None] = {}

    def _bucket(self, searcher: Searcher, prefix: str) -> list[tuple[str, frozenset[str]]] | None:
        if prefix not in self._words:
            words: list[tuple[str, frozenset[str]]] = []
            for raw in searcher.reader().expand_prefix(self.fieldname, prefix):
                if len(words) >= MAX_SCAN:
                    words = None
                    break
                word = raw.decode("utf-8")
                words.append((word, frozenset(word)))
            self._words[prefix] = words
        return self._words[prefix]

    def suggest(
        self, searcher: Searcher, text: str, limit: int = 5, maxdist: int = 2, prefix: int = 0
    ) -> list[str]:
        """Return up to limit words within maxdist edits sharing text's first prefix letters."""
        bucket = self._bucket(searcher, text[:prefix])
        if bucket is None:
            corrector = searcher.corrector(self.fieldname)
            return corrector.suggest(text, limit=limit, maxdist=maxdist, prefix=prefix)
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
        frequency = searcher.reader().frequency
        # Whoosh's ranking: every match scores -(maxdist + 0.5 / frequency); it keeps the limit
        # largest (score, word) pairs, then lists them best score first, ties alphabetically.
        scored = [(-(maxdist + 0.5 / (frequency(self.fieldname, w) or 1)), w) for w in found]
        kept = heapq.nlargest(limit, scored)
        return [word for _, word in sorted(kept, key=lambda item: (-item[0], item[1]))]
