"""The one door into a built index: everything that reads it goes through SearchIndex.

A version folder holds Whoosh's segment (stored fields and the `spell` vocabulary), the impact
postings (impacts.py) and a small manifest. Callers ask SearchIndex for what they need
(candidates' postings, stored fields, idfs, spelling, vocabulary look-ups) and never see a
Whoosh searcher or reader: the searchers live in a bounded pool here, shared by every thread
or greenlet, and every cache of one version lives on its SearchIndex and goes with it.

The index is reopened when a rebuild points CURRENT at a new version, so a long-running server
picks up new content after the swap.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
import weakref
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from whoosh import query as wq
from whoosh.codec.whoosh3 import STORED_COLUMN
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from . import bm25
from .caches import Lru
from .errors import IndexMissing, IndexUnreadable, SearchError
from .impacts import ImpactPostings
from .layout import CURRENT_FILE, MANIFEST_FILE
from .schema import SCHEMA_VERSION
from .semantic import VECTORS_FILE
from .spelling import Speller
from .synonyms import EMPTY, SynonymMap, load_synonyms

# Look-up results kept per version (spelling corrections, idfs).
MEMO_LIMIT = 10_000
# Passages whose stored fields stay decoded (a few KB each, with their article's topic terms).
# Every cached object is walked by each full garbage collection: at 2,048 those pauses were the
# slowest 1 % of queries at 64k passages; at 512 the p99 is lower and the p50 no higher.
STORED_CACHE = 512
# Whoosh searchers open at once per version: a searcher keeps file positions, so it serves one
# caller at a time; callers beyond this wait for one to be handed back. Bounded whatever the
# server model (threads, greenlets), so many concurrent requests cannot pile up searchers.
POOL_SIZE = 8
SPELL_FIELD = "spell"
PASSAGE = "passage"


class ArticleInfo(NamedTuple):
    """Article-level data the ranker needs: title and the terms that name its topic."""

    slug: str
    title: str
    topic_terms: frozenset[str]
    # Share of the article's passages, and of its headings, that contain each topic term (0-1).
    topic_spread: dict[str, float]
    topic_heading_spread: dict[str, float]


class ArticleTable(Mapping[str, ArticleInfo]):
    """The articles of one index version by slug; nothing is loaded until asked for."""

    def __init__(self, index: SearchIndex):
        self._index = index

    def __getitem__(self, slug: str) -> ArticleInfo:
        docnum = self._index._first_passage(slug) if isinstance(slug, str) else None
        if docnum is None:
            raise KeyError(slug)
        found = self._index.article(self._index.stored_fields(docnum))
        if found is None:
            raise KeyError(slug)
        return found

    def _slugs(self) -> list[str]:
        # Listing every article reads every passage: for checks and tests, never for a query.
        index = self._index
        return index.derived("article slugs", lambda: list(index.passages_per_article()))

    def __iter__(self) -> Iterator[str]:
        return iter(self._slugs())

    def __len__(self) -> int:
        return len(self._slugs())


def _searcher_opener(ix: Any, path: Path) -> Callable[[], Searcher]:
    """Return a function opening a searcher on ix (holding no reference to a SearchIndex)."""

    def open_searcher() -> Searcher:
        try:
            return ix.searcher()
        except Exception as exc:
            raise IndexUnreadable(f"{path}: cannot open a searcher: {exc}") from exc

    return open_searcher


def _article_info(first: dict) -> ArticleInfo:
    """Return the ArticleInfo stored with an article's first passage."""
    # Stored as (terms, spread, heading spread): a tuple of a frozenset and two dicts.
    return ArticleInfo(first["article"], first["title"], *first["topic"])


class StoredColumn:
    """Passages' stored fields read with one pread each from the segment file, not via Whoosh.

    Whoosh reads a passage's fields through six layers of Python calls and a seek and a read on
    a shared file object (about 7 µs a passage, a tenth of a query's time at 64k); the bytes
    are its compressed pickles, at offsets its column reader has already loaded.
    """

    def __init__(self, fd: int, start: int, offsets: array, lengths: array):
        self._fd = fd
        self._start = start
        self._offsets = offsets
        self._lengths = lengths

    @classmethod
    def of(cls, searcher: Searcher, fd_of: Callable[[str], int]) -> StoredColumn | None:
        """Return searcher's stored column read directly, or None when laid out otherwise."""
        # Another Whoosh version or a segment not in one file: Whoosh's own path is used. Three
        # passages read both ways must agree.
        try:
            column = searcher.reader()._perdoc._cached_reader("_stored", STORED_COLUMN)._child
            subfile = column._dbfile.file
            start = subfile._offset + column._basepos
            found = cls(fd_of(subfile._file.name), start, column._offsets, column._lengths)
            count = searcher.doc_count_all()
            probes = {0, count // 2, count - 1} if count else set()
            same = all(found.get(n) == searcher.stored_fields(n)[PASSAGE] for n in probes)
        except Exception:  # any surprise in Whoosh's internals: its own path is used
            return None
        return found if same and len(column._offsets) == count else None

    def get(self, docnum: int) -> dict:
        """Return passage docnum's stored fields."""
        data = os.pread(self._fd, self._lengths[docnum], self._start + self._offsets[docnum])
        return pickle.loads(zlib.decompress(data))[PASSAGE]


class SearcherPool:
    """At most size Whoosh searchers, each lent to one caller at a time and then reused."""

    def __init__(self, open_searcher: Callable[[], Searcher], size: int):
        self._open_searcher = open_searcher
        self.size = size
        self._free: list[Searcher] = []
        self._opened = 0
        self._ready = threading.Condition()

    @contextmanager
    def borrow(self) -> Iterator[Searcher]:
        """Lend a searcher for the block, opening one when none is free and the pool has room."""
        with self._ready:
            while not self._free and self._opened >= self.size:
                self._ready.wait()
            searcher = self._free.pop() if self._free else None
            if searcher is None:
                self._opened += 1
        if searcher is None:
            try:
                searcher = self._open_searcher()
            except BaseException:
                with self._ready:
                    self._opened -= 1
                    self._ready.notify()
                raise
        try:
            yield searcher
        finally:
            with self._ready:
                self._free.append(searcher)
                self._ready.notify()

    @property
    def opened(self) -> int:
        """Return how many searchers this pool has opened (at most size)."""
        return self._opened

    def close(self) -> None:
        """Close the searchers not lent out."""
        with self._ready:
            for searcher in self._free:
                searcher.close()
                self._opened -= 1
            self._free.clear()


class SearcherVocabulary:
    """The `spell` field's words through one borrowed searcher, as the speller reads them."""

    def __init__(self, searcher: Searcher):
        self._searcher = searcher
        self._reader = searcher.reader()

    def words(self, prefix: str) -> Iterator[str]:
        return (raw.decode("utf-8") for raw in self._reader.expand_prefix(SPELL_FIELD, prefix))

    def frequency(self, word: str) -> int:
        return self._reader.frequency(SPELL_FIELD, word)

    def automaton(self, text: str, limit: int, maxdist: int, prefix: int) -> list[str]:
        corrector = self._searcher.corrector(SPELL_FIELD)
        return corrector.suggest(text, limit=limit, maxdist=maxdist, prefix=prefix)


def _open_or_none(path: Path) -> BinaryIO | None:
    try:
        return path.open("rb")
    except FileNotFoundError:
        return None


class SearchIndex:
    """One opened index version: manifest, impact postings, stored fields, vocabulary, caches."""

    def __init__(self, path: Path):
        self.path = path
        manifest_path = path / MANIFEST_FILE
        try:
            self.manifest = json.loads(manifest_path.read_text())
        except FileNotFoundError as exc:
            raise IndexMissing(f"{path}: no {MANIFEST_FILE}; run scripts/build_index.py") from exc
        except (OSError, ValueError) as exc:
            raise IndexUnreadable(
                f"{manifest_path}: unreadable manifest ({exc}); rebuild the index"
            ) from exc
        if self.manifest.get("schema_version") != SCHEMA_VERSION:
            raise IndexUnreadable(
                f"{path}: built with schema version {self.manifest.get('schema_version')}, "
                f"this code reads version {SCHEMA_VERSION}; rebuild the index"
            )
        self._check_files()
        try:
            # readonly: Lambda's file system is read-only, and reading never needs a lock. No
            # mmap: through one, Whoosh copies every file of the segment into memory for each
            # searcher it opens (the whole index, per searcher); read from the file, it does not.
            storage = FileStorage(str(path), supports_mmap=False, readonly=True)
            self._ix = storage.open_index()
            self.doc_count = self._ix.doc_count()
        except Exception as exc:  # Whoosh raises many types for damaged files
            raise IndexUnreadable(f"{path}: cannot open index: {exc}") from exc
        if self.doc_count != self.manifest.get("passage_count"):
            raise IndexUnreadable(
                f"{path}: index holds {self.doc_count} passages, manifest says "
                f"{self.manifest.get('passage_count')}"
            )
        try:
            self.impacts = ImpactPostings(path, self.doc_count)
        except FileNotFoundError as exc:
            raise IndexUnreadable(
                f"{path}: no impact postings ({exc.filename}); rebuild the index"
            ) from exc
        except (OSError, ValueError, pickle.UnpicklingError, EOFError) as exc:
            raise IndexUnreadable(f"{path}: unreadable impact postings: {exc}") from exc
        self.avg_body_length = self.impacts.avg_body_length
        self.version: str = self.manifest["index_version"]
        self.synonyms: SynonymMap = (
            load_synonyms(path / "synonyms.txt") if (path / "synonyms.txt").is_file() else EMPTY
        )
        self._pool = SearcherPool(_searcher_opener(self._ix, path), POOL_SIZE)
        # Searchers hold open files: close them when this version is no longer referenced.
        weakref.finalize(self, self._pool.close)
        # Results of pure, costly look-ups (spelling corrections, idfs) for this index version.
        self.memo: Lru[Any] = Lru(MEMO_LIMIT)
        self._stored: Lru[dict] = Lru(STORED_CACHE)
        # The stored column read directly (StoredColumn), looked up with the first passage read.
        self._column: StoredColumn | None = None
        self._column_known = False
        self._column_lock = threading.Lock()
        self._speller = Speller()
        # Tables other modules derive from this version (suggest.py's), built once on first use.
        self._derived: dict[str, Any] = {}
        self._derived_lock = threading.Lock()
        # None: files not checksummed yet; "": all match; else what is wrong (see verify()).
        self._verified: str | None = None
        # The passage vectors (semantic.py) are read on the first semantic query; opened now, so
        # that a build pruning this version later cannot take them from a request in flight.
        self.vectors_file = _open_or_none(path / VECTORS_FILE)
        if self.vectors_file is not None:
            weakref.finalize(self, self.vectors_file.close)

    @contextmanager
    def _reading(self, what: str) -> Iterator[Searcher]:
        """Borrow a searcher; a damaged segment that surfaces only when read is a 503."""
        with self._pool.borrow() as searcher:
            try:
                yield searcher
            except (SearchError, GeneratorExit):
                raise
            except Exception as exc:  # Whoosh raises many types for damaged files
                raise IndexUnreadable(f"{self.path}: {what} failed: {exc}; rebuild") from exc

    def remember(self, key: object, value: object) -> None:
        """Store the result of a pure look-up for this version (bounded, least recent first)."""
        self.memo.put(key, value)

    def derived(self, name: str, build: Callable[[], Any]) -> Any:
        """Return the table name derived from this version, building it once on first use."""
        found = self._derived.get(name)
        if found is None:
            with self._derived_lock:
                found = self._derived.get(name)
                if found is None:
                    found = self._derived[name] = build()
        return found

    def _check_files(self) -> None:
        """Raise IndexUnreadable when a file the build listed is missing or has another size."""
        for name, expected in self.manifest.get("files", {}).items():
            try:
                size = (self.path / name).stat().st_size
            except OSError as exc:
                raise IndexUnreadable(
                    f"{self.path}: {name} is missing ({exc.strerror}); rebuild the index"
                ) from exc
            if size != expected["bytes"]:
                raise IndexUnreadable(
                    f"{self.path}: {name} has {size} bytes, the build wrote {expected['bytes']} "
                    "(truncated or replaced); rebuild the index"
                )

    def verify(self) -> None:
        """Raise IndexUnreadable unless every file matches the build's SHA-256 (checked once)."""
        if self._verified is None:
            self._verified = ""
            for name, expected in self.manifest.get("files", {}).items():
                digest = hashlib.sha256()
                try:
                    with (self.path / name).open("rb") as data:
                        while chunk := data.read(1 << 20):
                            digest.update(chunk)
                except OSError as exc:
                    self._verified = f"{name} cannot be read ({exc.strerror})"
                    break
                if digest.hexdigest() != expected["sha256"]:
                    self._verified = f"{name} is damaged (its checksum changed since the build)"
                    break
        if self._verified:
            raise IndexUnreadable(f"{self.path}: {self._verified}; rebuild the index")

    def probe(self) -> None:
        """Raise IndexUnreadable unless a searcher can be had (what /health checks)."""
        with self._reading("opening a searcher"):
            pass

    # --- postings and term statistics -------------------------------------------------------

    def df(self, term: str) -> int:
        """Return how many passages hold term in any searched field."""
        return self.impacts.df(term)

    def known(self, term: str) -> bool:
        """Return True when some passage holds term in a searched field."""
        return self.impacts.df(term) > 0

    def doc_ids(self, terms: Iterable[str]) -> set[int]:
        """Return the numbers of the passages holding any of terms in any searched field."""
        return {doc for term in terms for doc in self.impacts.weights(term)}

    def body_df(self, term: str) -> int:
        """Return how many passages hold term in their body."""
        return self.impacts.body_df(term)

    def idf(self, term: str) -> float:
        """Return BM25's idf of term in passage bodies (an unseen term gets the highest idf)."""
        return bm25.idf(self.doc_count, self.impacts.body_df(term))

    def body_terms(self, prefix: str, scan: int) -> list[tuple[int, str]]:
        """Return (body df, term) of the first scan body terms starting with prefix."""
        return list(islice(self.impacts.body_terms(prefix), scan))

    # --- stored fields ----------------------------------------------------------------------

    def stored_fields(self, docnum: int) -> dict:
        """Return a passage's stored fields (read-only), keeping the most recently used."""
        return self._stored_many([docnum])[0]

    def _stored_many(self, docnums: list[int]) -> list[dict]:
        found = [self._stored.get(doc) for doc in docnums]
        missing = [i for i, fields in enumerate(found) if fields is None]
        if missing:
            # Unpickling a passage's fields is most of a small query's cost: one searcher for
            # all of a query's misses, and the article's topic decoded once, with its passage.
            with self._reading("reading passages") as searcher:
                read = self._stored_reader(searcher)
                for i in missing:
                    fields = read(docnums[i])
                    if "topic" in fields:
                        fields["topic"] = _article_info(fields)
                    self._stored.put(docnums[i], fields)
                    found[i] = fields
        return found

    def _stored_reader(self, searcher: Searcher) -> Callable[[int], dict]:
        """Return how to read a passage's stored fields: directly when the layout is known."""
        if not self._column_known:
            with self._column_lock:
                if not self._column_known:
                    self._column = StoredColumn.of(searcher, self._open_file)
                    self._column_known = True
        if self._column is not None:
            return self._column.get
        return lambda docnum: searcher.stored_fields(docnum)[PASSAGE]

    def _open_file(self, name: str) -> int:
        """Return a read-only descriptor of name, closed when this version is no longer used."""
        fd = os.open(name, os.O_RDONLY)
        weakref.finalize(self, os.close, fd)
        return fd

    def passages(self, docnums: list[int], terms: Iterable[str]) -> list[dict]:
        """Return the stored fields of passages for the rerank, with their body's term counts.

        Each passage's `stats["tf"]` maps the given terms it holds in its body to their count
        (the impact postings hold every count; a passage's whole table is never needed).
        """
        counts = self.impacts.body_counts(set(terms), docnums)
        return [
            {**fields, "stats": {**fields["stats"], "tf": counts[doc]}}
            for doc, fields in zip(docnums, self._stored_many(docnums), strict=True)
        ]

    def all_stored_fields(self) -> Iterator[dict]:
        """Yield every passage's stored fields in passage-number order."""
        with self._reading("reading passages") as searcher:
            for stored in searcher.reader().all_stored_fields():
                yield stored[PASSAGE]

    def _article_docnums(self, slug: str) -> list[int]:
        """Return the passage numbers of an article, in their order in the article."""
        with self._reading("finding an article") as searcher:
            # The build adds an article's passages in order, so numbers follow positions.
            return sorted(searcher.document_numbers(article=slug))

    def article_passages(self, slug: str) -> list[dict]:
        """Return the stored fields of one article's passages, in their order in the article."""
        return self._stored_many(self._article_docnums(slug))

    def passage(self, passage_id: str, terms: Iterable[str]) -> dict | None:
        """Return one passage by id as passages() does (with body counts of terms), or None."""
        docnums = self._article_docnums(passage_id.partition("/")[0])
        for doc, fields in zip(docnums, self._stored_many(docnums), strict=True):
            if fields["id"] == passage_id:
                return self.passages([doc], terms)[0]
        return None

    def article(self, fields: dict) -> ArticleInfo | None:
        """Return the article of a passage (by its stored fields), or None when unknown."""
        first = fields if "topic" in fields else self.stored_fields(fields["first"])
        topic = first["topic"]
        return topic if isinstance(topic, ArticleInfo) else _article_info(first)

    @property
    def articles(self) -> ArticleTable:
        """Return the articles by slug: looked up one at a time, or listed by reading them all."""
        return ArticleTable(self)

    def _first_passage(self, slug: str) -> int | None:
        """Return the number of the article's first passage, or None when there is none."""
        docnums = self._article_docnums(slug)
        return docnums[0] if docnums else None

    def passages_per_article(self) -> dict[str, int]:
        """Return how many passages each article has in the index."""
        counts: dict[str, int] = {}
        for fields in self.all_stored_fields():
            counts[fields["article"]] = counts.get(fields["article"], 0) + 1
        return counts

    # --- the vocabulary (the `spell` field: surface words of every searched field) ---------

    def spelling(self, word: str, limit: int, maxdist: int, prefix: int) -> list[str]:
        """Return Whoosh's spelling suggestions for word from the vocabulary, faster."""
        with self._reading("spelling") as searcher:
            return self._speller.suggest(SearcherVocabulary(searcher), word, limit, maxdist, prefix)

    def words_with_prefix(self, prefix: str, scan: int) -> list[str]:
        """Return the first scan vocabulary words starting with prefix, in sorted order."""
        with self._reading("a prefix look-up") as searcher:
            found = searcher.reader().expand_prefix(SPELL_FIELD, prefix)
            return [t.decode("utf-8") for t in islice(found, scan)]

    def vocabulary(self) -> list[tuple[str, int]]:
        """Return every vocabulary word with the number of passages holding it, sorted."""
        with self._reading("reading the vocabulary") as searcher:
            return [
                (t.decode("utf-8"), info.doc_frequency())
                for t, info in searcher.reader().iter_field(SPELL_FIELD)
            ]

    def docs_with_all(self, words: list[str], terms: list[str], limit: int) -> list[int]:
        """Return the first limit passages holding every vocabulary word and every body term."""
        bodies = [self.impacts.docs_with_body_term(t) for t in terms]
        if not words:
            return sorted(set.intersection(*bodies))[:limit] if bodies else []
        query = wq.And([wq.Term(SPELL_FIELD, w) for w in words])
        with self._reading("a word look-up") as searcher:
            found = searcher.docs_for_query(query)
            return list(islice((d for d in found if all(d in b for b in bodies)), limit))

    def co_occurrence(self, word: str, sample: list[int], members: set[int]) -> int:
        """Return how many sample passages (sorted; members is the same as a set) hold word."""
        count = 0
        with self._reading("a word look-up") as searcher:
            for d in searcher.reader().postings(SPELL_FIELD, word).all_ids():
                if d > sample[-1]:
                    break  # postings are sorted by passage: nothing after this is in the sample
                count += d in members
        return count

    def adjacent(self, before: str, word: str, sample: list[int]) -> int:
        """Return how many sample passages have word right after before (stop words skipped)."""
        with self._reading("a word look-up") as searcher:
            reader = searcher.reader()
            try:
                first, second = (
                    reader.postings(SPELL_FIELD, before),
                    reader.postings(SPELL_FIELD, word),
                )
            except TermNotFound:
                return 0
            count = 0
            for d in sample:
                for m in (first, second):
                    if m.is_active() and m.id() < d:
                        m.skip_to(d)
                if not (first.is_active() and second.is_active()):
                    break
                if first.id() == d == second.id():
                    after = {p + 1 for p in first.value_as("positions")}
                    count += any(p in after for p in second.value_as("positions"))
            return count

    def close(self) -> None:
        """Close the searchers of this version that are not in use."""
        self._pool.close()


def resolve_version_dir(root: Path) -> Path:
    """Return the version folder CURRENT points at; raise IndexMissing when there is none."""
    try:
        name = (root / CURRENT_FILE).read_text().strip()
    except FileNotFoundError as exc:
        raise IndexMissing(f"no index at {root}; build it with scripts/build_index.py") from exc
    except OSError as exc:
        raise IndexUnreadable(f"{root / CURRENT_FILE}: {exc}") from exc
    if not name or "/" in name or name.startswith("."):
        raise IndexUnreadable(f"{root / CURRENT_FILE}: invalid version name {name!r}")
    path = root / name
    if not path.is_dir():
        raise IndexMissing(
            f"{root / CURRENT_FILE} points at {name}, which does not exist; rebuild the index"
        )
    return path


class IndexProvider:
    """Give the current SearchIndex for a root folder, reopening after a rebuild swaps it."""

    def __init__(self, root: Path):
        self.root = Path(root)
        # Checked on every request: a plain string spares pathlib's per-call joins.
        self._current_file = str(self.root / CURRENT_FILE)
        self._current: SearchIndex | None = None
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()
        # Why the version CURRENT points at could not be opened while an older one is served.
        self.problem: SearchError | None = None

    def _read_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self._current_file)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_ino)

    def get(self) -> SearchIndex:
        """Return the open index, reopening when CURRENT changed; raise when none is usable."""
        stamp = self._read_stamp()
        current = self._current
        if current is not None and stamp == self._stamp:
            return current
        with self._lock:
            if self._current is not None and stamp == self._stamp:
                return self._current
            try:
                opened = SearchIndex(resolve_version_dir(self.root))
            except (IndexMissing, IndexUnreadable) as exc:
                if self._current is None:
                    raise
                # Keep answering from the last good version (its files are open); /health
                # reports the problem until CURRENT points at a version that opens.
                self.problem, self._stamp = exc, stamp
                return self._current
            # The old version is not closed here: requests still running on it finish with their
            # own searchers, and its files stay because the build keeps the previous version.
            self._current, self._stamp, self.problem = opened, stamp, None
        return opened
