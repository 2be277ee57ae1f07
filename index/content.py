"""Read the content folder's articles, each with the parser of its format (index/formats/).

Every content file is read through one check (read_content_file): regular files inside the
content folder only, at most MAX_FILE_BYTES; hidden files and editor backups are not articles.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .curation import CURATION_FILE
from .errors import BadContent
from .formats import FORMATS, is_article_file, parser_for
from .formats.model import (
    MAX_PASSAGE_CHARS,
    MAX_SECTIONS,
    Article,
    Comment,
    Passage,
    Section,
    split_passage,
)
from .formats.text import is_date_line, parse_article
from .popular import FILE_NAME as POPULAR_FILE
from .text import slugify

__all__ = [
    "CURATED_FILES",
    "MAX_FILE_BYTES",
    "MAX_PASSAGE_CHARS",
    "MAX_SECTIONS",
    "Article",
    "Comment",
    "Passage",
    "Section",
    "article_dir",
    "article_files",
    "is_date_line",
    "load_article",
    "load_articles",
    "parse_article",
    "read_content_file",
    "read_content_text",
    "split_passage",
]

# What one content file may hold. The largest real article is under 50 KB with 30 sections;
# far past that is a mistake or an attack, and indexing it would take minutes and hundreds of
# megabytes: the build stops, naming the file.
MAX_FILE_BYTES = 2 * 1024 * 1024
# Editors' backup, swap and lock files, and hidden files, are never articles.
_SKIPPED_PREFIXES = (".", "#", "~")
_SKIPPED_SUFFIXES = ("~", "#", ".bak", ".orig", ".swp", ".swo", ".tmp")
# Curated files that live beside the articles and change what the index answers (part of the
# index version); in a content folder without an articles/ subfolder they are not articles.
CURATED_FILES = ("synonyms.txt", CURATION_FILE, POPULAR_FILE)


def is_content_name(name: str) -> bool:
    """Return False for hidden files and editor backups, which are never content."""
    return not name.startswith(_SKIPPED_PREFIXES) and not name.endswith(_SKIPPED_SUFFIXES)


def article_dir(content_dir: Path) -> Path:
    """Return the folder holding the articles: content_dir/articles, or content_dir itself."""
    return content_dir / "articles" if (content_dir / "articles").is_dir() else content_dir


def article_files(content_dir: Path) -> list[Path]:
    """Return the article files of content_dir, sorted, hidden files and backups skipped.

    In an articles/ folder every other file is an article, so one of a format the build does
    not read stops it (naming the file) instead of being skipped quietly; a content folder
    without articles/ holds its curated files too, so there only article formats count.
    """
    folder = article_dir(content_dir)
    names = [p for p in folder.iterdir() if is_content_name(p.name) and not p.is_dir()]
    if folder == content_dir:
        names = [p for p in names if is_article_file(p) and p.name not in CURATED_FILES]
    return sorted(names)


def read_content_file(path: Path, root: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Return the bytes of path, a regular file inside root; raise BadContent naming it if not.

    Every content file is read here: a link that leads out of the content folder, a FIFO (which
    would block the build), a device or a file over limit is refused, and no message quotes
    what the file holds.
    """
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(os.path.realpath(root)):
        raise BadContent(
            f"{path}: leads outside the content folder (a symbolic link?); "
            "only files inside it are read"
        )
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: real was resolved.
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_NOCTTY)
    except OSError as exc:
        raise BadContent(f"{path}: cannot be read: {exc.strerror}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BadContent(f"{path}: not a regular file (a FIFO, device or folder?)")
        too_big = BadContent(
            f"{path}: over {limit:,} bytes, the most a content file may hold "
            "(split it into several articles)"
        )
        if info.st_size > limit:
            raise too_big
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # grew while being read
            raise too_big
        return b"".join(chunks)
    except OSError as exc:
        raise BadContent(f"{path}: cannot be read: {exc.strerror}") from exc
    finally:
        os.close(fd)


def read_content_text(path: Path, root: Path) -> str:
    """Return a content file's text (UTF-8, BOM dropped); raise BadContent naming it if not."""
    data = read_content_file(path, root)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadContent(f"{path}: not valid UTF-8 (byte {exc.start}); save it as UTF-8") from exc


def load_article(path: Path, root: Path | None = None) -> Article:
    """Read and parse one article file inside root (default: its folder); raise BadContent."""
    parse = parser_for(path)
    text = read_content_text(path, root if root is not None else path.parent)
    return parse(text, slugify(path.stem), str(path))


def load_articles(content_dir: Path) -> list[Article]:
    """Parse every article under content_dir/articles, or content_dir itself, by name."""
    paths = article_files(content_dir)
    if not paths:
        kinds = ", ".join(f"*{s}" for s in FORMATS)
        raise BadContent(f"{article_dir(content_dir)}: no articles ({kinds}) found")
    articles = [load_article(p, content_dir) for p in paths]
    slugs: dict[str, Path] = {}
    for path, article in zip(paths, articles, strict=True):
        if article.slug in slugs:
            raise BadContent(f"{path}: same slug {article.slug!r} as {slugs[article.slug]}")
        slugs[article.slug] = path
    return articles
