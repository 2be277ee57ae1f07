"""Open a built index read-only and hand out one searcher per thread.

Whoosh readers keep file positions, so a searcher must not be shared across threads; each
thread gets its own, created once and reused. The index is reopened when a rebuild points
CURRENT at a new version, so a long-running server picks up new content after the swap.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from .errors import IndexMissing, IndexUnreadable, SearchError
from .impacts import ImpactPostings, load_impacts
from .layout import CURRENT_FILE, MANIFEST_FILE
from .schema import SCHEMA_VERSION, SEARCH_FIELDS
from .spelling import Speller
from .synonyms import EMPTY, SynonymMap, load_synonyms

MEMO_LIMIT = 10_000
# Passages whose stored fields stay decoded (a few KB each).
STORED_CACHE = 2_048


@dataclass(frozen=True)
class ArticleInfo:
    """Article-level data the ranker needs: title, URL and the terms that name its topic."""

    slug: str
    title: str
    date: str
    url: str
    topic_terms: frozenset[str]
    # Share of the article's passages, and of its headings, that contain each topic term (0-1).
    topic_spread: dict[str, float]
    topic_heading_spread: dict[str, float]


class SearchIndex:
    """One opened index version: Whoosh index, manifest, synonyms and per-thread searchers."""

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
            # readonly: Lambda's file system is read-only, and reading never needs a lock.
            self._ix = FileStorage(str(path), readonly=True).open_index()
            self.doc_count = self._ix.doc_count()
            with self._ix.searcher() as probe:
                total_body = probe.reader().field_length("body")
        except Exception as exc:  # Whoosh raises many types for damaged files
            raise IndexUnreadable(f"{path}: cannot open index: {exc}") from exc
        if self.doc_count != self.manifest.get("passage_count"):
            raise IndexUnreadable(
                f"{path}: index holds {self.doc_count} passages, manifest says "
                f"{self.manifest.get('passage_count')}"
            )
        try:
            # Candidate retrieval reads these; an index built before them is searched by Whoosh.
            self.impacts: ImpactPostings | None = load_impacts(path, self.doc_count)
        except (OSError, ValueError, pickle.UnpicklingError, EOFError) as exc:
            raise IndexUnreadable(f"{path}: unreadable impact postings: {exc}") from exc
        self.avg_body_length = total_body / max(self.doc_count, 1)
        self.version: str = self.manifest["index_version"]
        self.articles = {
            a["slug"]: ArticleInfo(
                a["slug"],
                a["title"],
                a.get("date", ""),
                a["url"],
                frozenset(a["topic_terms"]),
                a.get("topic_spread", {}),
                a.get("topic_heading_spread", {}),
            )
            for a in self.manifest.get("articles", [])
        }
        self.synonyms: SynonymMap = (
            load_synonyms(path / "synonyms.txt") if (path / "synonyms.txt").is_file() else EMPTY
        )
        self._local = threading.local()
        self._searchers: list[Searcher] = []
        self._lock = threading.Lock()
        # Results of pure, costly look-ups (spelling corrections) for this index version.
        self.memo: dict = {}
        self._stored: OrderedDict[int, dict] = OrderedDict()
        self._speller = Speller("spell")
        # None: files not checksummed yet; "": all match; else what is wrong (see verify()).
        self._verified: str | None = None

    def remember(self, key: object, value: object) -> None:
        """Store a look-up result, forgetting everything once MEMO_LIMIT entries are held."""
        if len(self.memo) >= MEMO_LIMIT:
            self.memo.clear()
        self.memo[key] = value

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

    def searcher(self) -> Searcher:
        """Return this thread's searcher, opening it on first use."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            try:
                searcher = self._ix.searcher()
            except Exception as exc:
                raise IndexUnreadable(f"{self.path}: cannot open a searcher: {exc}") from exc
            self._local.searcher = searcher
            with self._lock:
                self._searchers.append(searcher)
        return searcher

    def idf(self, fieldname: str, term: str) -> float:
        """Return BM25's idf of term in fieldname (an unseen term gets the highest idf)."""
        key = ("idf", fieldname, term)
        found = self.memo.get(key)
        if found is None:
            # Whoosh's term lookup costs ~10 µs; a query asks for the same idfs several times.
            df = self.searcher().doc_frequency(fieldname, term)
            found = math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5))
            self.remember(key, found)
        return found

    def known(self, term: str) -> bool:
        """Return True when some passage holds term in a searched field."""
        if self.impacts is not None:
            return self.impacts.df(term) > 0
        searcher = self.searcher()
        return any(searcher.doc_frequency(f, term) for f in SEARCH_FIELDS)

    def spelling(self, word: str, limit: int, maxdist: int, prefix: int) -> list[str]:
        """Return Whoosh's spelling suggestions for word from the 'spell' field, faster."""
        return self._speller.suggest(self.searcher(), word, limit, maxdist, prefix)

    def stored_fields(self, docnum: int) -> dict:
        """Return a passage's stored fields (read-only), keeping the most recently used."""
        with self._lock:
            found = self._stored.get(docnum)
            if found is not None:
                self._stored.move_to_end(docnum)
                return found
        # Unpickling a passage's fields (text and term counts) is most of a small query's cost.
        found = self.searcher().stored_fields(docnum)
        with self._lock:
            self._stored[docnum] = found
            while len(self._stored) > STORED_CACHE:
                self._stored.popitem(last=False)
        return found

    def close(self) -> None:
        """Close every searcher opened on this version."""
        with self._lock:
            for searcher in self._searchers:
                searcher.close()
            self._searchers.clear()


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


def served_version(root: Path | str) -> str:
    """Return the index version (content hash) of the folder CURRENT names under root."""
    path = resolve_version_dir(Path(root))
    try:
        return json.loads((path / MANIFEST_FILE).read_text())["index_version"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexUnreadable(f"{path}: unreadable manifest ({exc}); rebuild the index") from exc


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
