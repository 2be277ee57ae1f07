"""Open a built index read-only and hand out one searcher per thread.

Whoosh readers keep file positions, so a searcher must not be shared across threads; each
thread gets its own, created once and reused. The index is reopened when a rebuild points
CURRENT at a new version, so a long-running server picks up new content after the swap.
"""

from __future__ import annotations

import json
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from .build import CURRENT_FILE, MANIFEST_FILE
from .errors import IndexMissing, IndexUnreadable
from .schema import SCHEMA_VERSION
from .synonyms import EMPTY, SynonymMap, load_synonyms

MEMO_LIMIT = 10_000


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
            raise IndexUnreadable(f"{manifest_path}: unreadable manifest: {exc}") from exc
        if self.manifest.get("schema_version") != SCHEMA_VERSION:
            raise IndexUnreadable(
                f"{path}: built with schema version {self.manifest.get('schema_version')}, "
                f"this code reads version {SCHEMA_VERSION}; rebuild the index"
            )
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

    def remember(self, key: object, value: object) -> None:
        """Store a look-up result, forgetting everything once MEMO_LIMIT entries are held."""
        if len(self.memo) >= MEMO_LIMIT:
            self.memo.clear()
        self.memo[key] = value

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
        df = self.searcher().doc_frequency(fieldname, term)
        n = self.doc_count
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

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
        raise IndexMissing(f"{root / CURRENT_FILE} points at {name}, which does not exist")
    return path


class IndexProvider:
    """Give the current SearchIndex for a root folder, reopening after a rebuild swaps it."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._current: SearchIndex | None = None
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def _read_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.root / CURRENT_FILE)
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
            opened = SearchIndex(resolve_version_dir(self.root))
            # The old version is not closed here: requests still running on it finish with their
            # own searchers, and its files stay because the build keeps the previous version.
            self._current, self._stamp = opened, stamp
        return opened
