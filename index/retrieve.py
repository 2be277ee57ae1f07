"""Candidate retrieval over impact postings: passages matching every concept first, then any.

The rerank (search.py) looks at a few dozen candidates only, so retrieval must find the best
few dozen cheaply, whatever the words. It scores with the precomputed BM25F weights of
impacts.py, each concept weighted by its idf:

1. AND: the passages that match every concept the index knows, scored exactly. Walking the
   rarest concept's passages and probing the others keeps this cheap even for common words: a
   term's sorted passage numbers are searched by bisection for a few passages, and spread into
   an array indexed by passage number (kept by the index for its commonest words) only when
   many are asked about.
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
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from functools import partial
from itertools import compress, repeat
from operator import add, eq, ge, is_not, itemgetter, mul

from . import bm25
from .impacts import ImpactPostings

Phrase = tuple[str, ...]
OR_POOL = 5_000
# A bisection in a term's passage numbers costs about as much as decoding this many of its
# postings into a dict (0.4-0.8 µs against 60-110 ns a posting, measured at 64k passages):
# below one probe per this many postings, bisection is cheaper.
PROBE_COST = 8
_PRESENT = partial(is_not, None)


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

    __slots__ = ("_postings", "_term", "_docs", "_weights", "_table", "_dense", "size")

    def __init__(self, postings: ImpactPostings, alternatives: tuple[Phrase, ...]):
        self._postings = postings
        self._term: str | None = None
        self._table: dict[int, float] | None = None
        self._dense: array | None = None
        if len(alternatives) == 1 and len(alternatives[0]) == 1:
            # Nearly every concept: one word, read without an object per posting.
            self._term = alternatives[0][0]
            self._docs, self._weights = postings.postings(self._term)
            self._dense = postings.cached_dense(self._term)
            self.size = len(self._docs)
        else:
            self._table = concept_postings(postings, alternatives)
            self.size = len(self._table)

    def columns(self) -> tuple[Sequence[int], Sequence[float]]:
        """Return the passages and their weights, in the order concept_postings' dict has."""
        if self._term is None:
            return list(self._table), list(self._table.values())
        return self._docs, self._weights

    def weigh(self, docs: list[int]) -> tuple[list[bool], list[float | None]]:
        """Return whether each passage is in this concept, and its weight there when it is."""
        table = self._table
        if table is not None:
            weights = list(map(table.get, docs))
            return list(map(_PRESENT, weights)), weights
        dense = self._dense
        if dense is None and len(docs) * PROBE_COST >= self.size:
            postings = self._postings
            dense = self._dense = postings.dense_weights(self._term, self._docs, self._weights)
        if dense is not None:
            # One index per passage, in C; 0.0 (falsy) marks a passage without the term.
            weights = list(map(dense.__getitem__, docs))
            return list(map(bool, weights)), weights
        # Bisection for each passage, in C: the position, clamped to the last posting, holds
        # the passage exactly when the concept has it.
        numbers = self._docs
        at = list(map(min, map(bisect_left, repeat(numbers), docs), repeat(self.size - 1)))
        found = list(map(eq, map(numbers.__getitem__, at), docs))
        return found, list(map(self._weights.__getitem__, at))


def _every(
    first: _Concept, first_idf: float, rest: Iterable[tuple[_Concept, float]]
) -> tuple[list[int], list[float]]:
    """Return the passages in every concept and their scores, in first's order."""
    # Flat lists filtered and summed by C-level maps: no tuple, no Python step per passage.
    found, weights = first.columns()
    docs = list(found)
    scores = list(map(mul, weights, repeat(first_idf)))
    for other, idf in rest:
        if not docs:
            break
        present, weights = other.weigh(docs)
        docs = list(compress(docs, present))
        # score + weight * idf, in the same order as one passage at a time: the same floats.
        added = map(mul, compress(weights, present), repeat(idf))
        scores = list(map(add, compress(scores, present), added))
    return docs, scores


def _best(limit: int, docs: Sequence[int], scores: Sequence[float]) -> list[tuple[int, float]]:
    """Return heapq.nlargest(limit, zip(docs, scores), key=score): ties keep the earlier."""
    if len(scores) > limit:
        # Only the passages scoring at least the limit-th best can be among the best; sorting
        # them (stable, as nlargest is) is cheaper than nlargest's Python step per passage.
        threshold = heapq.nlargest(limit, scores)[-1]
        kept = compress(zip(docs, scores, strict=True), map(ge, scores, repeat(threshold)))
        return sorted(kept, key=itemgetter(1), reverse=True)[:limit]
    return sorted(zip(docs, scores, strict=True), key=itemgetter(1), reverse=True)


def _add(pool: dict[int, float], found: _Concept, idf: float) -> None:
    """Add every passage of found to pool, its weight times idf added to what pool held."""
    docs, weights = found.columns()
    added = dict(zip(docs, map(mul, weights, repeat(idf)), strict=True))
    for doc in added.keys() & pool.keys():
        added[doc] = pool[doc] + added[doc]
    # Passages already in the pool keep their place; new ones follow in found's order.
    pool.update(added)


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
        best = _best(limit, *first.columns())
        return first.size, [(w * first_idf, doc) for doc, w in best]

    matches, scores = _every(first, first_idf, rest)
    best = _best(limit, matches, scores)
    if len(best) >= limit:
        return len(matches), [(score, doc) for doc, score in best]

    pool: dict[int, float] = {}
    for found, idf in weighted:
        if len(pool) + found.size <= OR_POOL or not pool:
            _add(pool, found, idf)
        else:
            docs = list(pool)
            present, weights = found.weigh(docs)
            hits = zip(compress(docs, present), compress(weights, present), strict=True)
            for doc, weight in hits:
                pool[doc] += weight * idf
    for doc in matches:
        pool.pop(doc, None)
    more = _best(limit - len(best), list(pool), list(pool.values()))
    return len(matches) + len(pool), [(s, d) for d, s in best] + [(s, d) for d, s in more]
