"""Candidate retrieval over impact postings: passages matching every concept first, then any.

The rerank (search.py) looks at a few dozen candidates only, so retrieval must find the best
few dozen cheaply, whatever the words. It scores with the precomputed BM25F weights of
impacts.py, each concept weighted by its idf:

1. AND: the passages that match every concept the index knows, scored exactly. Walking the
   rarest concept's passages and probing the others keeps this cheap even for common words.
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
from operator import itemgetter

from . import bm25
from .impacts import ImpactPostings

Phrase = tuple[str, ...]
OR_POOL = 5_000


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


def retrieve(
    postings: ImpactPostings, concepts: list[tuple[Phrase, ...]], limit: int
) -> tuple[int, list[tuple[float, int]]]:
    """Return (total, [(score, passage number)]) of the best limit candidates, best first."""
    weighted = []
    for alternatives in concepts:
        found = concept_postings(postings, alternatives)
        if found:
            weighted.append((found, bm25.idf(postings.doc_count, len(found))))
    if not weighted:
        return 0, []
    weighted.sort(key=lambda item: len(item[0]))
    (first, first_idf), rest = weighted[0], weighted[1:]

    if not rest:
        best = heapq.nlargest(limit, first.items(), key=itemgetter(1))
        return len(first), [(w * first_idf, doc) for doc, w in best]

    every: dict[int, float] = {}
    for doc, weight in first.items():
        score = weight * first_idf
        for other, idf in rest:
            if doc not in other:
                break
            score += other[doc] * idf
        else:
            every[doc] = score
    best = heapq.nlargest(limit, every.items(), key=itemgetter(1))
    if len(best) >= limit:
        return len(every), [(score, doc) for doc, score in best]

    pool: dict[int, float] = {}
    for found, idf in weighted:
        if len(pool) + len(found) <= OR_POOL or not pool:
            for doc, weight in found.items():
                if doc in pool:
                    pool[doc] += weight * idf
                else:
                    pool[doc] = weight * idf
        else:
            for doc in pool:
                if doc in found:
                    pool[doc] += found[doc] * idf
    for doc in every:
        pool.pop(doc, None)
    more = heapq.nlargest(limit - len(best), pool.items(), key=itemgetter(1))
    return len(every) + len(pool), [(s, d) for d, s in best] + [(s, d) for d, s in more]
