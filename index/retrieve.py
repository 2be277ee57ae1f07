"""Candidate retrieval over impact postings: passages matching every concept first, then any.

The rerank (search.py) looks at a few dozen candidates only, so retrieval must find the best
few dozen cheaply, whatever the words. It scores with the precomputed BM25F weights of
impacts.py, each concept weighted by its idf:

1. AND: the passages that match every concept the index knows, scored exactly. Walking the
   rarest concept's passages and probing the others keeps this cheap even for common words: a
   term's sorted passage numbers are searched by bisection for a few passages, and decoded into
   a dict (kept by the index for common words) only when many are asked about.
2. OR, only when AND found fewer than the candidates asked for: passages matching any concept,
   filled in after the AND matches. Concepts are taken rarest first; once the pool holds
   OR_POOL passages, a commoner concept only adds weight to passages already in the pool, so
   a query mixing a rare word with "package" or "library" never scores 40k passages.

`total` is the count of passages matching every known concept when there are at least as many
as the candidates asked for; otherwise it is the size of the OR pool (exact unless the pool
bound was reached, then a lower bound). Either way it costs nothing extra to compute.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from operator import itemgetter

from . import bm25
from .impacts import ImpactPostings

Phrase = tuple[str, ...]
OR_POOL = 5_000
# A bisection in a term's passage numbers costs about as much as decoding this many of its
# postings into a dict (0.7 µs against 60-90 ns a posting, measured at 64k passages): below
# one probe per this many postings, bisection is cheaper.
PROBE_COST = 8


def _alternative(postings: ImpactPostings, alt: Phrase) -> dict[int, float]:
    """Return the passages holding every term of alt, weighted by its weakest term."""
    if len(alt) == 1:
        return postings.weights(alt[0])
    parts = sorted((postings.weights(t) for t in alt), key=len)
    first, rest = parts[0], parts[1:]
    out: dict[int, float] = {}
    for doc, weight in first.items():
        for other in rest:
            if doc not in other:
                break
            if other[doc] < weight:
                weight = other[doc]
        else:
            out[doc] = weight
    return out


def concept_postings(postings: ImpactPostings, alternatives: tuple[Phrase, ...]) -> dict:
    """Return {passage: weight} of a concept: the best of its alternatives in each passage."""
    found = [d for d in (_alternative(postings, alt) for alt in alternatives) if d]
    if len(found) <= 1:
        return found[0] if found else {}
    merged = dict(found[0])
    for other in found[1:]:
        # Membership and subscripts rather than .get(): this loop runs once per posting.
        for doc, weight in other.items():
            if doc not in merged or weight > merged[doc]:
                merged[doc] = weight
    return merged


class _Concept:
    """One concept's passages and weights: one term's sorted arrays, or a merged dict."""

    __slots__ = ("_postings", "_term", "_docs", "_weights", "_table", "size")

    def __init__(self, postings: ImpactPostings, alternatives: tuple[Phrase, ...]):
        self._postings = postings
        self._term: str | None = None
        self._table: dict[int, float] | None = None
        if len(alternatives) == 1 and len(alternatives[0]) == 1:
            # Nearly every concept: one word, read without an object per posting.
            self._term = alternatives[0][0]
            self._docs, self._weights = postings.postings(self._term)
            self._table = postings.cached_weights(self._term)
            self.size = len(self._docs)
        else:
            self._table = concept_postings(postings, alternatives)
            self.size = len(self._table)

    def items(self) -> Iterator[tuple[int, float]]:
        """Yield (passage, weight) in the order concept_postings' dict would hold them."""
        if self._term is None:
            return iter(self._table.items())
        return zip(self._docs, self._weights, strict=True)

    def weigh(self, docs: list[int]) -> list[float | None]:
        """Return each passage's weight in this concept, None where the concept is absent."""
        table = self._table
        if table is None and len(docs) * PROBE_COST >= self.size:
            table = self._table = self._postings.weights(self._term)
        if table is not None:
            return list(map(table.get, docs))
        numbers, weights, size = self._docs, self._weights, self.size
        out: list[float | None] = []
        for doc in docs:
            i = bisect_left(numbers, doc)
            out.append(weights[i] if i < size and numbers[i] == doc else None)
        return out


def _every(
    first: _Concept, first_idf: float, rest: Iterable[tuple[_Concept, float]]
) -> tuple[list[int], list[float]]:
    """Return the passages in every concept and their scores, in first's order."""
    # Two flat lists, not a tuple per passage: thousands of short-lived tuples a query would
    # make the garbage collector run (and walk the caches) far more often.
    docs = [doc for doc, _ in first.items()]
    scores = [weight * first_idf for _, weight in first.items()]
    for other, idf in rest:
        if not docs:
            break
        weights = other.weigh(docs)
        kept_docs, kept_scores = [], []
        for doc, score, weight in zip(docs, scores, weights, strict=True):
            if weight is not None:
                kept_docs.append(doc)
                # Summed in the same order as one passage at a time would: the same floats.
                kept_scores.append(score + weight * idf)
        docs, scores = kept_docs, kept_scores
    return docs, scores


def retrieve(
    postings: ImpactPostings, concepts: list[tuple[Phrase, ...]], limit: int
) -> tuple[int, list[tuple[float, int]]]:
    """Return (total, [(score, passage number)]) of the best limit candidates, best first."""
    weighted = []
    for alternatives in concepts:
        found = _Concept(postings, alternatives)
        if found.size:
            weighted.append((found, bm25.idf(postings.doc_count, found.size)))
    if not weighted:
        return 0, []
    weighted.sort(key=lambda item: item[0].size)
    (first, first_idf), rest = weighted[0], weighted[1:]

    if not rest:
        best = heapq.nlargest(limit, first.items(), key=itemgetter(1))
        return first.size, [(w * first_idf, doc) for doc, w in best]

    matches, scores = _every(first, first_idf, rest)
    best = heapq.nlargest(limit, zip(matches, scores, strict=True), key=itemgetter(1))
    if len(best) >= limit:
        return len(matches), [(score, doc) for doc, score in best]

    pool: dict[int, float] = {}
    for found, idf in weighted:
        if len(pool) + found.size <= OR_POOL or not pool:
            for doc, weight in found.items():
                if doc in pool:
                    pool[doc] += weight * idf
                else:
                    pool[doc] = weight * idf
        else:
            docs = list(pool)
            for doc, weight in zip(docs, found.weigh(docs), strict=True):
                if weight is not None:
                    pool[doc] += weight * idf
    for doc in matches:
        pool.pop(doc, None)
    more = heapq.nlargest(limit - len(best), pool.items(), key=itemgetter(1))
    return len(matches) + len(pool), [(s, d) for d, s in best] + [(s, d) for d, s in more]
