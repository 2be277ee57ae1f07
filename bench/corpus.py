"""Read a JSONL corpus of {id, title, body} (gzip or plain) and its queries: the one reader
every benchmark uses."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index.content import Article, Passage

ROOT = Path(__file__).resolve().parent.parent
# The benchmark corpus' files, looked for in shared/corpus/ beside the repository.
CORPUS_NAME = "debian-descriptions.jsonl.gz"
QUERIES_NAME = "debian-queries.json"


@dataclass(frozen=True)
class Doc:
    """One corpus document."""

    id: str
    title: str
    body: str


@dataclass(frozen=True)
class Query:
    """A benchmark query and the id of the document it was taken from (None: no known source)."""

    q: str
    src: str | None = None


def shared_corpus(name: str) -> Path | None:
    """Return shared/corpus/name beside the repository (or beside a folder above it), if there."""
    for base in ROOT.parents:
        candidate = base / "shared" / "corpus" / name
        if candidate.is_file():
            return candidate
    return None


def read_docs(path: Path, limit: int | None = None) -> list[Doc]:
    """Return the first limit documents of a JSONL corpus (all when limit is None)."""
    opener = gzip.open if path.suffix == ".gz" else open
    docs: list[Doc] = []
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if limit is not None and len(docs) >= limit:
                break
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                docs.append(Doc(str(obj["id"]), str(obj["title"]), str(obj["body"])))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: expected {{id, title, body}}: {exc}") from exc
    return docs


def read_queries(path: Path) -> list[Query]:
    """Return the queries of a JSON list of {q, src} (or of plain strings)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data.get("queries", [])
    out = []
    for item in data:
        if isinstance(item, str):
            out.append(Query(item))
        else:
            out.append(Query(str(item["q"]), item.get("src")))
    return out


def as_articles(docs: list[Doc]) -> Iterator[Article]:
    """Yield each document as an Article of one passage, so the real build path indexes it."""
    for doc in docs:
        passage = Passage(
            id=f"{doc.id}/intro",
            slug="intro",
            section=doc.title,
            text=doc.body or doc.title,
            kind="intro",
            position=0,
        )
        yield Article(slug=doc.id, title=doc.title, date="", passages=[passage])
