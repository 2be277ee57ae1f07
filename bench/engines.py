"""The engines compared at scale: ours, plain Whoosh BM25F, SQLite FTS5 and tantivy.

Each indexes the same documents (title and body) and answers the same plain-word queries with
its top 10 document ids. The peers run as their users would run them for a search box: any of
the words may match (OR), ranked by the engine's own BM25 (FTS5's bm25(), tantivy's default,
Whoosh's BM25F over title and body with stemming).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

from .corpus import Doc, as_articles

Search = Callable[[str], list[str]]
ENGINES = ("ours", "whoosh", "fts5", "tantivy")
_WORD = re.compile(r"\w+")


def available(name: str) -> bool:
    """Return True when the engine's library is installed (tantivy is benchmark-only)."""
    if name == "tantivy":
        try:
            import tantivy  # noqa: F401
        except ImportError:
            return False
    return name in ENGINES


def build(name: str, docs: list[Doc], folder: Path) -> None:
    """Index docs with engine name into folder (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    {"ours": _build_ours, "whoosh": _build_whoosh, "fts5": _build_fts5, "tantivy": _build_tan}[
        name
    ](docs, folder)


def open_engine(name: str, folder: Path) -> Search:
    """Open the index in folder and return a function from query text to top-10 ids."""
    return {"ours": _open_ours, "whoosh": _open_whoosh, "fts5": _open_fts5, "tantivy": _open_tan}[
        name
    ](folder)


# --- ours: the service's own build and search path -------------------------------------------


def _build_ours(docs: list[Doc], folder: Path) -> None:
    from index.build import write_index

    write_index(list(as_articles(docs)), folder, "bench")


def _open_ours(folder: Path) -> Search:
    from index.errors import BadQuery
    from index.search import search
    from index.store import IndexProvider

    index = IndexProvider(folder).get()
    index.probe()  # what the service does on its first request

    def run(q: str) -> list[str]:
        try:
            return [hit.article_slug for hit in search(index, q, limit=10).hits]
        except BadQuery:
            return []

    return run


# --- plain Whoosh: BM25F over title and body, OR of the words ----------------------------------


def _whoosh_schema():
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    return Schema(
        id=ID(stored=True), title=TEXT(analyzer=StemmingAnalyzer()), body=TEXT(StemmingAnalyzer())
    )


def _build_whoosh(docs: list[Doc], folder: Path) -> None:
    from whoosh import index as whoosh_index

    ix = whoosh_index.create_in(str(folder), _whoosh_schema())
    writer = ix.writer(limitmb=256)
    for doc in docs:
        writer.add_document(id=doc.id, title=doc.title, body=doc.body)
    writer.commit(optimize=True)
    ix.close()


def _open_whoosh(folder: Path) -> Search:
    from whoosh import index as whoosh_index
    from whoosh.qparser import MultifieldParser, OrGroup

    ix = whoosh_index.open_dir(str(folder), readonly=True)
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], ix.schema, group=OrGroup)

    def run(q: str) -> list[str]:
        # Plain words only, as our service treats input: no query syntax reaches the parser.
        query = parser.parse(" ".join(_WORD.findall(q.lower())))
        return [hit["id"] for hit in searcher.search(query, limit=10)]

    return run


# --- SQLite FTS5 (stdlib): porter tokenizer, bm25() ---------------------------------------------


def _build_fts5(docs: list[Doc], folder: Path) -> None:
    db = sqlite3.connect(folder / "fts5.db")
    with db:
        db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
            "tokenize='porter unicode61')"
        )
        db.executemany("INSERT INTO docs VALUES (?, ?, ?)", ((d.id, d.title, d.body) for d in docs))
        db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.close()


def _open_fts5(folder: Path) -> Search:
    db = sqlite3.connect(f"file:{folder / 'fts5.db'}?mode=ro", uri=True, check_same_thread=False)
    sql = "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10"

    def run(q: str) -> list[str]:
        words = _WORD.findall(q.lower())
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        return [row[0] for row in db.execute(sql, (match,))]

    return run


# --- tantivy (Rust, via its Python binding): en_stem tokenizer, default BM25 -------------------


def _build_tan(docs: list[Doc], folder: Path) -> None:
    import tantivy

    index = tantivy.Index(_tantivy_schema(), path=str(folder))
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for doc in docs:
        writer.add_document(tantivy.Document(id=doc.id, title=doc.title, body=doc.body))
    writer.commit()
    writer.wait_merging_threads()


def _tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name="en_stem")
    builder.add_text_field("body", tokenizer_name="en_stem")
    return builder.build()


def _open_tan(folder: Path) -> Search:
    import tantivy

    index = tantivy.Index.open(str(folder))
    index.reload()
    searcher = index.searcher()

    def run(q: str) -> list[str]:
        words = _WORD.findall(q)
        if not words:
            return []
        query = index.parse_query(" ".join(words), ["title", "body"])
        return [searcher.doc(addr)["id"][0] for _, addr in searcher.search(query, 10).hits]

    return run
