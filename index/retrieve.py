"""Candidate retrieval over impact postings: passages matching every concept first, then any.

The rerank (search.py) looks at a few dozen candidates only, so retrieval must find the best
few dozen cheaply, whatever the words. It scores with the precomputed BM25F weights of
impacts.py, each concept weighted by its idf:

1. AND: the passages that match every concept the index knows, scored exactly. Walking the
   rarest concept's passages and probing the others keeps this cheap even for common words: a
   term's sorted passage numbers are searched by bisection for a few passages, and spread into
   an array indexed by passage number (kept by the index for its commonest words) when many
   are asked about or when the index will keep the array.
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
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, repeat
from operator import add, eq, ge, itemgetter, mul, setitem

from . import bm25
from .impacts import ImpactPostings

Phrase = tuple[str, ...]
OR_POOL = 5_000
# A bisection in a term's passage numbers costs about as much as decoding this many of its
# postings into a dict (0.4-0.8 µs against 60-110 ns a posting, measured at 64k passages):
# below one probe per this many postings, bisection is cheaper.
PROBE_COST = 8
# Adding a concept's weights to the OR pool: when at least one passage in this many gains, one
# sum over them all is cheaper than replacing the scores of those that gain (measured at 64k:
# the same 0.47 ms at 47 % of 5,876 passages, 0.28 against 0.47 ms at 7 %).
GAIN_ALL = 3
# Choosing the best candidates: the threshold is looked for in every this-many-th score.
SAMPLE = 4


def _items_at(positions: list[int]) -> Callable[[Sequence], Sequence]:
    """Return a function giving a sequence's items at positions, in order, in one C loop."""
    # itemgetter indexes in C, about twice as fast as map over a bound __getitem__ (which goes
    # through a slot wrapper and, for an array, boxes every float it reads that way too); it
    # returns a bare item for one position and takes none at all.
    if len(positions) > 1:
        return itemgetter(*positions)
    return lambda seq: [seq[i] for i in positions]


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

    def weigh(self, docs: list[int]) -> tuple[Sequence, Sequence]:
        """Return what is truthy for each passage in this concept, and its weight when it is."""
        table = self._table
        if table is not None:
            # None (falsy) marks a passage without the concept; every weight is positive.
            weights = list(map(table.get, docs))
            return weights, weights
        dense = self._dense
        postings = self._postings
        # A dense array the cache keeps is built once for every later query of the word: then
        # it is cheaper than bisection however few passages are asked about.
        if dense is None and (
            len(docs) * PROBE_COST >= self.size or postings.keeps_dense(self._term)
        ):
            dense = self._dense = postings.dense_weights(self._term, self._docs, self._weights)
        if dense is not None:
            # 0.0 (falsy) marks a passage without the term.
            weights = _items_at(docs)(dense)
            return weights, weights
        # Bisection for each passage, in C: the position, clamped to the last posting, holds
        # the passage exactly when the concept has it.
        numbers = self._docs
        last = repeat(self.size - 1)
        at = _items_at(list(map(min, map(bisect_left, repeat(numbers), docs), last)))
        return list(map(eq, at(numbers), docs)), at(self._weights)

    def weights_or_zero(self, docs: list[int]) -> Sequence[float]:
        """Return each passage's weight in this concept, 0.0 where the concept is absent."""
        if self._table is not None:
            return list(map(self._table.get, docs, repeat(0.0)))
        present, weights = self.weigh(docs)
        if present is weights:
            return weights
        # A weight times True is itself and times False 0.0: the same floats as a filter.
        return list(map(mul, weights, present))


def _every(
    first: _Concept, first_idf: float, rest: Iterable[tuple[_Concept, float]]
) -> tuple[list[int], list[float]]:
    """Return the passages in every concept and their scores, in first's order."""
    # Flat lists filtered and summed by C-level maps: no tuple, no Python step per passage.
    found, weights = first.columns()
    docs = list(found)
    # first's weights are multiplied by its idf once filtered by the next concept: the same
    # product, for fewer passages.
    scores = list(weights)
    scale: float | None = first_idf
    for other, idf in rest:
        if not docs:
            break
        present, weights = other.weigh(docs)
        docs = list(compress(docs, present))
        kept = compress(scores, present)
        if scale is not None:
            kept, scale = map(mul, kept, repeat(scale)), None
        # score + weight * idf, in the same order as one passage at a time: the same floats.
        added = map(mul, compress(weights, present), repeat(idf))
        scores = list(map(add, kept, added))
    if scale is not None:
        scores = list(map(mul, scores, repeat(scale)))
    return docs, scores


def _best(limit: int, docs: Sequence[int], scores: Sequence[float]) -> list[tuple[int, float]]:
    """Return heapq.nlargest(limit, zip(docs, scores), key=score): ties keep the earlier."""
    if len(scores) > limit:
        # Only the passages scoring at least the limit-th best can be among the best; sorting
        # them (stable, as nlargest is) is cheaper than nlargest's Python step per passage. The
        # limit-th best of every SAMPLE-th score is at most that threshold, found with a
        # SAMPLE-th of nlargest's steps; it keeps a few times limit passages more to sort.
        sample = scores[::SAMPLE] if len(scores) >= limit * SAMPLE else scores
        threshold = heapq.nlargest(limit, sample)[-1]
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


def _gain(scores: list[float], weights: Sequence[float], idf: float) -> None:
    """Add weight * idf to each score, in place; a weight of 0.0 marks no gain."""
    hits = list(compress(range(len(weights)), weights))
    if len(hits) * GAIN_ALL >= len(weights):
        # Most passages gain: one sum for all (0.0 * idf added leaves a score the same float).
        scores[:] = map(add, scores, map(mul, weights, repeat(idf)))
    elif hits:
        # Few gain (a commoner concept in the rarer one's passages): only theirs are replaced.
        gains = map(mul, compress(weights, weights), repeat(idf))
        deque(map(setitem, repeat(scores), hits, map(add, _items_at(hits)(scores), gains)), 0)


def _pool(weighted: list[tuple[_Concept, float]]) -> tuple[list[int], list[float]]:
    """Return the OR pool's passages and their scores, in pool order (the first concept's)."""
    (first, idf), at = weighted[0], 1
    docs, weights = first.columns()
    docs, scores = list(docs), list(map(mul, weights, repeat(idf)))
    if at < len(weighted) and len(docs) + weighted[at][0].size <= OR_POOL:
        # Rare concepts join the pool whole while it has room (sizes ascend: once one does not
        # fit, none will).
        pool = dict(zip(docs, scores, strict=True))
        while at < len(weighted) and len(pool) + weighted[at][0].size <= OR_POOL:
            _add(pool, *weighted[at])
            at += 1
        docs, scores = list(pool), list(pool.values())
    for found, idf in weighted[at:]:
        # A commoner concept only adds weight to the passages in the pool.
        _gain(scores, found.weights_or_zero(docs), idf)
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
        best = _best(limit, *first.columns())
        return first.size, [(w * first_idf, doc) for doc, w in best]

    matches, scores = _every(first, first_idf, rest)
    best = _best(limit, matches, scores)
    if len(best) >= limit:
        return len(matches), [(score, doc) for doc, score in best]

    docs, scores = _pool(weighted)
    # The pool holds every match (the rarest concept's passages all join it): the best of the
    # pool's others are its best limit with the matches left out, in the same order.
    drop = set(matches)
    more = [(d, s) for d, s in _best(limit, docs, scores) if d not in drop][: limit - len(best)]
    return len(docs), [(s, d) for d, s in best] + [(s, d) for d, s in more]
