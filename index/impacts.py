"""Impact postings: for every index term, the passages holding it and a precomputed weight.

Whoosh decodes postings in pure Python (about 0.7 µs a posting: 28 ms for a word found in 40k
passages, before any scoring), so candidate retrieval over common words cost tens of
milliseconds at 64k passages. The build therefore also writes each term's postings as two
packed arrays, passage numbers (Whoosh's own document numbers) and a BM25F weight summed over
the searched fields, which a query reads with one slice and `array.frombytes`. Whoosh keeps the
stored fields, the vocabulary and spelling.

Files in a version folder: `impacts.bin` (the arrays) and `impacts.terms` (a pickled table of
term -> (byte offset, count), plus the format and the passage count, checked at open).
"""

from __future__ import annotations

import mmap
import pickle
from array import array
from collections import Counter
from pathlib import Path

from . import bm25
from .caches import Lru
from .schema import FIELD_BOOSTS, SEARCH_FIELDS
from .text import stems

POSTINGS_FILE = "impacts.bin"
TERMS_FILE = "impacts.terms"
FORMAT = 1
FIELDS = SEARCH_FIELDS
BOOSTS = tuple(FIELD_BOOSTS[f] for f in FIELDS)
# Decoded postings of common words are kept per process, up to this many postings in all
# (about 9 MB); rarer words decode in microseconds and are not kept.
CACHE_POSTINGS = 100_000
CACHE_MIN_DF = 2_000


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
            self._title_cache = (title, stems(title))
        return self._title_cache[1]

    def add(self, body: str, section: str, title: str, keywords: str) -> int:
        """Record one passage (the next document number) and return its number."""
        docnum = self.count
        self.count += 1
        per_term: dict[str, int] = {}
        field_terms = (stems(body), stems(section), self._title_terms(title), stems(keywords))
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
        """Write impacts.bin and impacts.terms into folder."""
        averages = [sum(lengths) / max(self.count, 1) or 1.0 for lengths in self._lengths]
        # Per field and passage: BM25's length normalisation.
        norms = [
            [bm25.length_norm(n, avg) for n in lengths]
            for lengths, avg in zip(self._lengths, averages, strict=True)
        ]
        fields = list(zip(range(len(FIELDS)), BOOSTS, norms, strict=True))
        table: dict[str, tuple[int, int]] = {}
        offset = 0
        with open(folder / POSTINGS_FILE, "wb") as out:
            for term in sorted(self._postings):
                data = self._postings[term]
                docs = data[0::2]
                weights = array("f")
                for docnum, packed in zip(docs, data[1::2], strict=True):
                    weight = 0.0
                    for shift, boost, norm in fields:
                        tf = (packed >> (8 * shift)) & 255
                        if tf:
                            weight += boost * bm25.saturate(tf, norm[docnum])
                    weights.append(weight)
                out.write(docs.tobytes())
                out.write(weights.tobytes())
                table[term] = (offset, len(docs))
                offset += len(docs) * (docs.itemsize + weights.itemsize)
        meta = {"format": FORMAT, "docs": self.count, "itemsize": array("I").itemsize}
        meta["terms"] = table
        (folder / TERMS_FILE).write_bytes(pickle.dumps(meta, protocol=4))


class ImpactPostings:
    """Read-only impact postings of one index version, shared by every thread."""

    def __init__(self, folder: Path, doc_count: int):
        meta = pickle.loads((folder / TERMS_FILE).read_bytes())
        if meta.get("format") != FORMAT or meta.get("itemsize") != array("I").itemsize:
            raise ValueError(f"impact postings format {meta.get('format')}, expected {FORMAT}")
        if meta.get("docs") != doc_count:
            raise ValueError(f"impact postings hold {meta.get('docs')} passages, not {doc_count}")
        self.doc_count = doc_count
        self._terms: dict[str, tuple[int, int]] = meta["terms"]
        with open(folder / POSTINGS_FILE, "rb") as f:
            size = f.seek(0, 2)
            # mmap: pages are read on demand and shared between processes; an empty index
            # (no terms) has an empty file, which mmap refuses.
            self._data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        # Decoded postings of common words, bounded by their total count of postings.
        self._cache: Lru[dict[int, float]] = Lru(CACHE_POSTINGS, weigh=len)

    def df(self, term: str) -> int:
        """Return how many passages hold term in any searched field."""
        entry = self._terms.get(term)
        return entry[1] if entry else 0

    def weights(self, term: str) -> dict[int, float]:
        """Return {passage number: weight} of term (empty when the index lacks it); read-only."""
        entry = self._terms.get(term)
        if entry is None:
            return {}
        offset, count = entry
        if count >= CACHE_MIN_DF:
            found = self._cache.get(term)
            if found is not None:
                return found
        docs, weights = array("I"), array("f")
        middle = offset + count * docs.itemsize
        docs.frombytes(self._data[offset:middle])
        weights.frombytes(self._data[middle : middle + count * weights.itemsize])
        found = dict(zip(docs, weights, strict=True))
        if count >= CACHE_MIN_DF:
            self._cache.put(term, found)
        return found
