"""Impact postings: for every index term, the passages holding it and a precomputed weight.

Whoosh decodes postings in pure Python (about 0.7 µs a posting: 28 ms for a word found in 40k
passages, before any scoring), so candidate retrieval over common words cost tens of
milliseconds at 64k passages. The build therefore writes each term's postings as packed
arrays instead, which a query reads with one slice and `array.frombytes`: passage numbers
(Whoosh's own document numbers, for the stored fields), a BM25F weight summed over the searched
fields, and the term's count in the passage body (what the rerank weighs). These are the
index's only term statistics: Whoosh keeps the stored fields and the `spell` vocabulary.

Files in a version folder:
- `impacts.bin`: per term, its passage numbers (uint32) then its weights (float32);
- `impacts.tf`: per term, its body counts (uint8), in the same order;
- `impacts.terms`: a pickled table, the sorted terms with each one's first posting, posting
  count and body document frequency, plus the format, the passage count (checked at open) and
  the average body length.
"""

from __future__ import annotations

import mmap
import pickle
from array import array
from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from itertools import repeat
from operator import setitem
from pathlib import Path

from . import bm25
from .caches import Lru, Ranked
from .schema import FIELD_BOOSTS, SEARCH_FIELDS
from .text import index_terms

POSTINGS_FILE = "impacts.bin"
TF_FILE = "impacts.tf"
TERMS_FILE = "impacts.terms"
FORMAT = 2
FIELDS = SEARCH_FIELDS
BODY = FIELDS.index("body")
BOOSTS = tuple(FIELD_BOOSTS[f] for f in FIELDS)
# Decoded postings of common words are kept per process, up to this many postings in all
# (about 9 MB); rarer words decode in microseconds and are not kept.
CACHE_POSTINGS = 100_000
CACHE_MIN_DF = 2_000
# The AND's weights of common words, one float32 per passage of the index (0.0: absent), kept
# up to this many bytes in all (the dict cache's 9 MB). At 64k passages a dict of 40k postings
# holds 3.6 MB of objects, so the dict cache kept 2-10 common words and the 200 benchmark
# queries (93 words of df >= 2,000) evicted each other before any came back; a dense array is
# 256 KB whatever the word, so 35 fit, and none adds an object for the collector to walk.
# Rebuilding one costs its df (60-110 ns a posting) and every one weighs the same, so the
# cache keeps the commonest words seen, not the latest: a word it turns away costs at most
# the df of the 35th commonest (about 4,000 postings at 64k, 0.3 ms).
DENSE_BYTES = 9_000_000
# Body counts for the rerank: a term's postings are decoded whole when it has at most this many
# per passage asked about, and searched by bisection when it has more.
BISECT_FROM = 64
# Per posting in impacts.bin: a uint32 passage number and a float32 weight.
_POSTING_BYTES = array("I").itemsize + array("f").itemsize


class ImpactWriter:
    """Collect each passage's per-field term counts in indexing order, then write the files."""

    def __init__(self) -> None:
        # term -> [docnum, packed counts, docnum, packed counts, ...]; counts are 4 bytes, one
        # per field, capped at 255 (BM25 saturates long before).
        self._postings: dict[str, array] = {}
        self._lengths = [array("I") for _ in FIELDS]
        self._title_cache: tuple[str, list[str]] = ("", [])
        self.count = 0

    def _title_terms(self, title: str) -> list[str]:
        # Every passage of an article repeats its title: analyse it once.
        if self._title_cache[0] != title:
            self._title_cache = (title, index_terms(title))
        return self._title_cache[1]

    def add(self, body: str, section: str, title: str, keywords: str) -> int:
        """Record one passage (the next document number) and return its number."""
        docnum = self.count
        self.count += 1
        per_term: dict[str, int] = {}
        field_terms = (
            index_terms(body),
            index_terms(section),
            self._title_terms(title),
            index_terms(keywords),
        )
        for shift, (terms, lengths) in enumerate(zip(field_terms, self._lengths, strict=True)):
            lengths.append(len(terms))
            for term, n in Counter(terms).items():
                per_term[term] = per_term.get(term, 0) | (min(n, 255) << (8 * shift))
        postings = self._postings
        for term, packed in per_term.items():
            found = postings.get(term)
            if found is None:
                found = postings[term] = array("I")
            found.append(docnum)
            found.append(packed)
        return docnum

    def write(self, folder: Path) -> None:
        """Write impacts.bin, impacts.tf and impacts.terms into folder."""
        averages = [sum(lengths) / max(self.count, 1) or 1.0 for lengths in self._lengths]
        # Per field and passage: BM25's length normalisation.
        norms = [
            [bm25.length_norm(n, avg) for n in lengths]
            for lengths, avg in zip(self._lengths, averages, strict=True)
        ]
        fields = list(zip(range(len(FIELDS)), BOOSTS, norms, strict=True))
        terms = sorted(self._postings)
        starts, counts, body_dfs = array("Q"), array("I"), array("I")
        start = 0
        with open(folder / POSTINGS_FILE, "wb") as out, open(folder / TF_FILE, "wb") as tf_out:
            for term in terms:
                data = self._postings[term]
                docs = data[0::2]
                weights = array("f")
                body = bytearray()
                for docnum, packed in zip(docs, data[1::2], strict=True):
                    weight = 0.0
                    for shift, boost, norm in fields:
                        tf = (packed >> (8 * shift)) & 255
                        if tf:
                            weight += boost * bm25.saturate(tf, norm[docnum])
                    weights.append(weight)
                    body.append((packed >> (8 * BODY)) & 255)
                out.write(docs.tobytes())
                out.write(weights.tobytes())
                tf_out.write(body)
                starts.append(start)
                counts.append(len(docs))
                body_dfs.append(len(body) - body.count(0))
                start += len(docs)
        meta = {
            "format": FORMAT,
            "docs": self.count,
            "avg_body_length": averages[BODY],
            "terms": "\n".join(terms),
            "starts": starts.tobytes(),
            "counts": counts.tobytes(),
            "body_dfs": body_dfs.tobytes(),
        }
        (folder / TERMS_FILE).write_bytes(pickle.dumps(meta, protocol=4))


def _map(path: Path) -> mmap.mmap | bytes:
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        # mmap: pages are read on demand and shared between processes; an empty index
        # (no terms) has an empty file, which mmap refuses.
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""


class ImpactPostings:
    """Read-only impact postings of one index version, shared by every thread."""

    def __init__(self, folder: Path, doc_count: int):
        meta = pickle.loads((folder / TERMS_FILE).read_bytes())
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            found = meta.get("format") if isinstance(meta, dict) else None
            raise ValueError(f"impact postings format {found}, expected {FORMAT}")
        if meta.get("docs") != doc_count:
            raise ValueError(f"impact postings hold {meta.get('docs')} passages, not {doc_count}")
        self.doc_count = doc_count
        self.avg_body_length: float = meta["avg_body_length"]
        # Sorted, so a term is found by bisection and a prefix's terms are one slice: a list of
        # strings and three arrays hold far less than a dict of tuples.
        self._terms: list[str] = meta["terms"].split("\n") if meta["terms"] else []
        self._starts, self._counts, self._body_dfs = array("Q"), array("I"), array("I")
        self._starts.frombytes(meta["starts"])
        self._counts.frombytes(meta["counts"])
        self._body_dfs.frombytes(meta["body_dfs"])
        if not len(self._terms) == len(self._starts) == len(self._counts) == len(self._body_dfs):
            raise ValueError("impact postings table is inconsistent")
        self._data = _map(folder / POSTINGS_FILE)
        self._tf = _map(folder / TF_FILE)
        postings = sum(self._counts)
        if len(self._data) != postings * _POSTING_BYTES or len(self._tf) != postings:
            raise ValueError("impact postings files do not match their table")
        self._view = memoryview(self._data)
        # Decoded postings of common words, bounded by their total count of postings.
        self._cache: Lru[dict[int, float]] = Lru(CACHE_POSTINGS, weigh=len)
        self._dense: Ranked[array] = Ranked(DENSE_BYTES // max(1, 4 * doc_count))

    def _find(self, term: str) -> int:
        """Return term's row in the table, or -1."""
        at = bisect_left(self._terms, term)
        return at if at < len(self._terms) and self._terms[at] == term else -1

    def df(self, term: str) -> int:
        """Return how many passages hold term in any searched field."""
        at = self._find(term)
        return self._counts[at] if at >= 0 else 0

    def body_df(self, term: str) -> int:
        """Return how many passages hold term in their body."""
        at = self._find(term)
        return self._body_dfs[at] if at >= 0 else 0

    def body_terms(self, prefix: str) -> Iterator[tuple[int, str]]:
        """Yield (body df, term) of the terms found in bodies that start with prefix, sorted."""
        at = bisect_left(self._terms, prefix)
        while at < len(self._terms) and self._terms[at].startswith(prefix):
            if self._body_dfs[at]:
                yield self._body_dfs[at], self._terms[at]
            at += 1

    def postings(self, term: str) -> tuple[array, array]:
        """Return term's passage numbers (ascending) and their weights, empty when unknown."""
        docs, weights = array("I"), array("f")
        at = self._find(term)
        if at >= 0:
            count = self._counts[at]
            offset = self._starts[at] * _POSTING_BYTES
            middle = offset + count * docs.itemsize
            # One copy of each packed run, no object per posting.
            docs.frombytes(self._data[offset:middle])
            weights.frombytes(self._data[middle : middle + count * weights.itemsize])
        return docs, weights

    def cached_dense(self, term: str) -> array | None:
        """Return term's weight per passage number (0.0: absent) when kept, else None."""
        return self._dense.get(term) if self.df(term) >= CACHE_MIN_DF else None

    def keeps_dense(self, term: str) -> bool:
        """Return True when term's dense weights, once built, would be kept for later queries."""
        count = self.df(term)
        return count >= CACHE_MIN_DF and self._dense.would_keep(count)

    def dense_weights(self, term: str, docs: array, weights: array) -> array:
        """Return term's weight per passage number (0.0 where absent), given its postings."""
        found = self.cached_dense(term)
        if found is not None:
            return found
        # Every stored weight is positive (a posting has a count of at least 1 in some field),
        # so 0.0 marks absence. Filled by C-level setitem calls: no Python step per posting.
        # operator.setitem over lists is twice as fast as the array's bound __setitem__ over
        # the arrays (a slot wrapper's call, and a boxed number read from each array).
        found = array("f", bytes(self.doc_count * weights.itemsize))
        deque(map(setitem, repeat(found), docs.tolist(), weights.tolist()), maxlen=0)
        if len(docs) >= CACHE_MIN_DF:
            self._dense.put(term, len(docs), found)
        return found

    def weights(self, term: str) -> dict[int, float]:
        """Return {passage number: weight} of term (empty when the index lacks it); read-only."""
        count = self.df(term)
        if count >= CACHE_MIN_DF:
            found = self._cache.get(term)
            if found is not None:
                return found
        found = dict(zip(*self.postings(term), strict=True))
        if count >= CACHE_MIN_DF:
            self._cache.put(term, found)
        return found

    def body_counts(self, terms: Iterable[str], docs: list[int]) -> dict[int, dict[str, int]]:
        """Return {passage: {term: count in its body}} for the given passages and terms."""
        out: dict[int, dict[str, int]] = {doc: {} for doc in docs}
        for term in terms:
            at = self._find(term)
            if at < 0 or not self._body_dfs[at]:
                continue
            start, count = self._starts[at], self._counts[at]
            offset = start * _POSTING_BYTES
            numbers = self._view[offset : offset + count * 4].cast("I")
            if count <= BISECT_FROM * len(docs):
                # Few postings per passage asked about: decoding them all is cheapest.
                found = dict(zip(numbers, self._tf[start : start + count], strict=True))
                for doc in docs:
                    if doc in found and found[doc]:
                        out[doc][term] = found[doc]
            else:
                # A common word and a few dozen passages: binary search in place, rather than
                # decoding tens of thousands of postings.
                for doc in docs:
                    i = bisect_left(numbers, doc)
                    if i < count and numbers[i] == doc and self._tf[start + i]:
                        out[doc][term] = self._tf[start + i]
            numbers.release()
        return out

    def docs_with_body_term(self, term: str) -> set[int]:
        """Return the passages whose body holds term."""
        at = self._find(term)
        if at < 0:
            return set()
        start, count = self._starts[at], self._counts[at]
        numbers = array("I")
        numbers.frombytes(self._data[start * _POSTING_BYTES : start * _POSTING_BYTES + count * 4])
        counts = self._tf[start : start + count]
        return {doc for doc, tf in zip(numbers, counts, strict=True) if tf}
