"""Build the Whoosh index from the content folder, atomically, with a manifest.

Layout of the output folder:
    CURRENT                     name of the version folder being served (replaced atomically)
    v-<version>-<build id>/     Whoosh segment files + manifest.json, never renamed or changed
    .build.lock                 held while a build runs (one build at a time)
A build writes a staging folder (.build-*), makes it durable (fsync), renames it to its own
unique version folder and only then swaps CURRENT; a folder CURRENT names is never moved, so a
build killed at any point leaves CURRENT naming a complete version. The previous version (by the
build time in its manifest) is kept so a reader that opened it just before a swap can finish,
and so ops can roll back locally by rewriting CURRENT. Older versions are renamed to .trash-*
and deleted; whatever a killed build left (.build-*, .trash-*) goes at the start of the next.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from whoosh import index as whoosh_index

from .content import (
    CURATED_FILES,
    Article,
    article_files,
    load_articles,
    read_content_file,
    read_content_text,
)
from .curation import CURATION_FILE, Curation, parse_curation
from .curation import EMPTY as NO_CURATION
from .errors import BadContent, BuildError
from .impacts import ImpactWriter
from .layout import CURRENT_FILE, MANIFEST_FILE
from .popular import FILE_NAME as POPULAR_FILE
from .popular import parse_popular
from .schema import SCHEMA_VERSION, make_schema
from .semantic import build_vectors
from .snippets import sentences
from .synonyms import EMPTY, parse_synonyms
from .text import index_terms, raw_words, stems

KEEP_VERSIONS = 2
LOCK_FILE = ".build.lock"
# What a build in progress, or a killed one, leaves beside the versions.
STAGING_PREFIX = ".build-"
TRASH_PREFIX = ".trash-"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    path: Path
    manifest: dict


def content_files(content_dir: Path) -> list[Path]:
    """Return every file whose bytes define the index: articles and curated files, sorted."""
    files = article_files(content_dir)
    files += [content_dir / name for name in CURATED_FILES if (content_dir / name).exists()]
    return sorted(set(files))


def content_version(content_dir: Path) -> tuple[str, dict[str, str]]:
    """Return the index version (hash of content bytes and schema) and each file's hash."""
    digest = hashlib.sha256(f"schema={SCHEMA_VERSION}\n".encode())
    hashes: dict[str, str] = {}
    for path in content_files(content_dir):
        data = read_content_file(path, content_dir)
        rel = path.relative_to(content_dir).as_posix()
        hashes[rel] = hashlib.sha256(data).hexdigest()
        digest.update(f"{rel}\n{hashes[rel]}\n".encode())
    return digest.hexdigest()[:12], hashes


# "X is …", "X (Y) are …", "X refers to …": the sentence that introduces X.
_DEFINITION = re.compile(r"^(.{2,80}?)\s+(?:is|are|refers to|means|describes)\s", re.IGNORECASE)


def defined_terms(text: str) -> set[str]:
    """Return the index terms of what the passage's sentences define ("X is a …")."""
    found: set[str] = set()
    for sentence in sentences(text):
        match = _DEFINITION.match(sentence)
        if match and len(match.group(1).split()) <= 8:
            found.update(stems(match.group(1)))
    return found


def _passage_stats(section: str, body: str, asks: Iterable[str] = ()) -> dict:
    stats = {
        # Term counts are in the impact postings; the rerank needs the body's length.
        "len": len(stems(body)),
        # Curated alternate questions count as the heading, as an FAQ question does.
        "sec": sorted(set(index_terms(section)).union(*(index_terms(a) for a in asks))),
        "def": sorted(defined_terms(body)),
        # The heading's opening word ("why", "how", "can"…): a question asked the same way.
        "open": raw_words(section)[0] if raw_words(section) else "",
    }
    if asks:
        stats["ask"] = True
    return stats


def _documents(
    articles: Iterable[Article], curation: Curation
) -> Iterable[tuple[dict, str, str]]:
    """Yield (stored passage, its article's keywords, what the postings index as its heading)
    in passage-number order."""
    docnum = 0
    for article in articles:
        keywords = ", ".join(article.keywords)
        first = docnum
        for passage in article.passages:
            asks = curation.asks.get(passage.id, [])
            doc = {
                "id": passage.id,
                "article": article.slug,
                "title": article.title,
                "section": passage.section,
                "body": passage.text,
                "spell": " ".join((passage.section, *asks, passage.text, article.title, keywords)),
                "kind": passage.kind,
                "position": passage.position,
                "url": f"{article.url}#{passage.slug}",
                # The body length, heading terms, defined terms and heading opener, for the
                # rerank (term counts are in the impact postings).
                "stats": _passage_stats(passage.section, passage.text, asks),
                # The article's first passage, which alone holds its topic (ArticleInfo,
                # store.py) and date: per-article data is read only when needed.
                "first": first,
            }
            if docnum == first:
                doc["topic"] = _topic(article)
                doc["date"] = article.date
            docnum += 1
            # What the impact postings index as the heading: the heading and its asks.
            yield doc, keywords, " ".join((passage.section, *asks))


def _topic(article: Article) -> tuple[frozenset[str], dict, dict]:
    """Return the terms naming the article's topic and how widely each is spread over it."""
    topic = sorted(
        set(index_terms(article.title)) | {s for k in article.keywords for s in index_terms(k)}
    )
    headings = [set(index_terms(p.section)) for p in article.passages]
    passages = [
        h | set(index_terms(p.text)) for h, p in zip(headings, article.passages, strict=True)
    ]

    def share(term: str, sets: list[set[str]]) -> float:
        return round(sum(term in s for s in sets) / len(sets), 3)

    # A topic word in every passage marks a query about the whole article; one in a single
    # heading (of many) still points at that section.
    spread = {t: share(t, passages) for t in topic}
    heading_spread = {t: share(t, headings) for t in topic}
    return (frozenset(topic), spread, heading_spread)


def _library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for dist in ("whoosh-reloaded",):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "unknown"
    return versions


def write_index(
    articles: list[Article],
    output_dir: Path,
    version: str,
    extra_manifest: dict | None = None,
    progress: Progress | None = None,
    extra_files: Iterable[Path] = (),
    curation: Curation = NO_CURATION,
) -> BuildResult:
    """Write articles into a new version folder under output_dir and make it current."""
    output_dir.mkdir(parents=True, exist_ok=True)
    with _build_lock(output_dir):
        remove_leftovers(output_dir)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output_dir))
        try:
            manifest = _write_staging(
                articles, staging, version, extra_manifest, progress, curation
            )
            for path in extra_files:
                shutil.copyfile(path, staging / path.name)
            manifest["files"] = index_files(staging)
            (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1, sort_keys=True))
            _fsync_tree(staging)
            # A name no other build used: nothing that is or was served is ever replaced.
            final = output_dir / f"v-{version}-{manifest['build_id']}"
            staging.rename(final)
            _fsync_dir(output_dir)
            _point_current(output_dir, final.name)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _prune(output_dir, keep=final.name)
    return BuildResult(final, manifest)


def _write_staging(
    articles: list[Article],
    staging: Path,
    version: str,
    extra_manifest: dict | None,
    progress: Progress | None,
    curation: Curation,
) -> dict:
    """Write the Whoosh index and impact postings into staging; return the manifest so far."""
    started = time.perf_counter()
    # mkdtemp makes the folder private; the service may read it as another user (Lambda's).
    staging.chmod(0o755)
    ix = whoosh_index.create_in(str(staging), make_schema())
    writer = ix.writer(limitmb=256)
    impacts = ImpactWriter()
    total = sum(len(a.passages) for a in articles)
    done = 0
    ids: list[str] = []
    embedded: list[dict] = []
    try:
        for doc, keywords, heading in _documents(articles, curation):
            spell = doc.pop("spell")
            writer.add_document(passage=doc, article=doc["article"], spell=spell)
            embedded.append({k: doc[k] for k in ("id", "title", "section", "body")})
            impacts.add(doc["body"], heading, doc["title"], keywords)
            ids.append(doc["id"])
            done += 1
            if progress and (done % 500 == 0 or done == total):
                progress(done, total)
        # One segment, so Whoosh numbers passages in the order they were added, as the
        # impact postings do.
        writer.commit(optimize=True)
    except BaseException:
        writer.cancel()
        raise
    _check_numbering(ix, ids)
    ix.close()
    impacts.write(staging)
    # Passage vectors for the semantic rerank, when an encoder is set up (semantic.py).
    semantic = build_vectors(embedded, staging)
    built_ns = time.time_ns()
    return {
        "index_version": version,
        "schema_version": SCHEMA_VERSION,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(built_ns / 1e9)),
        # Orders versions for pruning (folder times change when a folder is touched or copied).
        "built_at_ns": built_ns,
        "build_id": f"{built_ns // 1_000_000_000:x}{secrets.token_hex(3)}",
        "build_seconds": round(time.perf_counter() - started, 3),
        "article_count": len(articles),
        "passage_count": total,
        "libraries": _library_versions(),
        "curation": curation.manifest(),
        **({"semantic": semantic} if semantic else {}),
        **(extra_manifest or {}),
    }


@contextmanager
def _build_lock(output_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on output_dir for one build; the kernel drops it if the build dies."""
    path = output_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(
                f"{output_dir}: another build is writing this index; wait for it to finish"
            ) from None
        yield
    finally:
        os.close(fd)  # releases the lock


def remove_leftovers(output_dir: Path) -> list[str]:
    """Delete what killed builds left (staging and half-pruned folders); return their names."""
    removed = []
    for path in sorted(output_dir.iterdir()):
        if path.name.startswith((STAGING_PREFIX, TRASH_PREFIX)):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
            removed.append(path.name)
    tmp = output_dir / f".{CURRENT_FILE}.tmp"
    if tmp.exists():
        tmp.unlink()
        removed.append(tmp.name)
    return removed


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    """Flush every file of folder, then the folder itself, to disk (before CURRENT names it)."""
    for path in folder.iterdir():
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(folder)


def index_files(folder: Path) -> dict[str, dict]:
    """Return the size and SHA-256 of every file a reader needs, for checks at open."""
    files = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name != MANIFEST_FILE and not path.name.endswith("LOCK"):
            digest = hashlib.sha256()
            with path.open("rb") as data:
                while chunk := data.read(1 << 20):
                    digest.update(chunk)
            files[path.name] = {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}
    return files


def _check_numbering(ix, ids: list[str]) -> None:
    """Raise BuildError unless Whoosh numbered the passages in the order they were added."""
    with ix.searcher() as searcher:
        probes = sorted({0, len(ids) // 2, len(ids) - 1}) if ids else []
        if searcher.doc_count_all() != len(ids) or any(
            searcher.stored_fields(n)["passage"]["id"] != ids[n] for n in probes
        ):
            raise BuildError("the index numbered passages out of order; rebuild from scratch")


def _point_current(output_dir: Path, name: str) -> None:
    """Point CURRENT at name atomically and durably."""
    tmp = output_dir / f".{CURRENT_FILE}.tmp"
    with tmp.open("w") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, output_dir / CURRENT_FILE)
    _fsync_dir(output_dir)


def _built_at(folder: Path) -> int | None:
    """Return the build time (ns) in folder's manifest; None when it has no readable one."""
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
        return int(manifest.get("built_at_ns") or 0)
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def _prune(output_dir: Path, keep: str) -> None:
    """Keep the current version and the newest previous one (by build time); drop the rest."""
    others = [p for p in output_dir.glob("v-*") if p.is_dir() and p.name != keep]
    built = {p.name: _built_at(p) for p in others}
    # A folder without a readable manifest is no version a reader can open: never kept.
    openable = sorted(
        (p for p in others if built[p.name] is not None),
        key=lambda p: (built[p.name], p.name),
        reverse=True,
    )
    kept = {p.name for p in openable[: KEEP_VERSIONS - 1]}
    for old in others:
        if old.name not in kept:
            _discard(output_dir, old)


def _discard(output_dir: Path, folder: Path) -> None:
    """Delete a version folder: renamed out of v-* first, so a kill never leaves half of one."""
    trash = output_dir / f"{TRASH_PREFIX}{folder.name}"
    folder.rename(trash)
    shutil.rmtree(trash, ignore_errors=True)


def build_index(
    content_dir: Path, output_dir: Path, progress: Progress | None = None
) -> BuildResult:
    """Parse every article under content_dir and build the index into output_dir atomically."""
    if not content_dir.is_dir():
        raise BuildError(f"{content_dir}: content folder not found")
    synonyms_path = content_dir / "synonyms.txt"
    try:
        articles = load_articles(content_dir)
        synonyms = (
            parse_synonyms(read_content_text(synonyms_path, content_dir), str(synonyms_path))
            if synonyms_path.exists()
            else EMPTY
        )
        popular_path = content_dir / POPULAR_FILE
        popular = (
            parse_popular(read_content_text(popular_path, content_dir), str(popular_path))
            if popular_path.exists()
            else []
        )
        curation_path = content_dir / CURATION_FILE
        curation = (
            parse_curation(
                read_content_text(curation_path, content_dir),
                str(curation_path),
                (p.id for a in articles for p in a.passages),
            )
            if curation_path.exists()
            else NO_CURATION
        )
        version, hashes = content_version(content_dir)
    except BadContent as exc:
        raise BuildError(str(exc)) from exc
    extra = {
        "content_files": hashes,
        "synonym_rules": len(synonyms),
        "popular_queries": len(popular),
    }
    curated = [content_dir / n for n in CURATED_FILES if (content_dir / n).is_file()]
    return write_index(articles, output_dir, version, extra, progress, curated, curation)
