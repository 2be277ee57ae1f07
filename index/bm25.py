"""BM25's parameters and formulas: the one home of k1, b and idf, for the build and the query.

The build (impacts.py) folds the length normalisation and the tf saturation into each
posting's weight; the query (retrieve.py, search.py, store.py) multiplies by idf and reranks
candidates with the same saturation. Every one of them reads the numbers from here.
"""

from __future__ import annotations

import math

K1 = 1.2
B = 0.75


def idf(doc_count: int, df: int) -> float:
    """Return BM25's idf of a term held by df of doc_count passages (an unseen term: highest)."""
    return math.log(1 + (doc_count - df + 0.5) / (df + 0.5))


def length_norm(length: float, average: float) -> float:
    """Return the length normalisation k1 * (1 - b + b * length / average) of one field."""
    return K1 * (1 - B + B * length / average)


def saturate(tf: float, norm: float) -> float:
    """Return BM25's term-frequency weight of tf occurrences in a field of normalisation norm."""
    return tf * (K1 + 1) / (tf + norm)
