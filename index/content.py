"""Read the content folder's articles, each with the parser of its format (index/formats/)."""

from __future__ import annotations

from pathlib import Path

from .errors import BadContent
from .formats import FORMATS, is_article_file, parser_for
from .formats.model import Article, Comment, Passage, Section
from .formats.text import is_date_line, parse_article
from .text import slugify

__all__ = [
    "Article",
    "Comment",
    "Passage",
    "Section",
    "article_paths",
    "is_date_line",
    "load_article",
    "load_articles",
    "parse_article",
]

# Files that sit beside articles in a content folder without an articles/ subfolder.
_NOT_ARTICLES = frozenset(("synonyms.txt", "curation.txt"))


def article_dir(content_dir: Path) -> Path:
    """Return the folder holding the articles: content_dir/articles, or content_dir itself."""
    sub = content_dir / "articles"
    return sub if sub.is_dir() else content_dir


def article_paths(content_dir: Path) -> list[Path]:
    """Return every article file, sorted; in articles/ every visible file must be one."""
    folder = article_dir(content_dir)
    if folder == content_dir:
        return sorted(
            p for p in folder.iterdir()
            if p.is_file() and is_article_file(p) and p.name not in _NOT_ARTICLES
        )
    # A file of another format is a mistake to report, not something to skip quietly.
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def load_article(path: Path) -> Article:
    """Read and parse one article file; raise BadContent naming the file on any problem."""
    parse = parser_for(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadContent(f"{path}: not valid UTF-8 (byte {exc.start}); save it as UTF-8") from exc
    except OSError as exc:
        raise BadContent(f"{path}: cannot be read: {exc.strerror}") from exc
    return parse(text, slugify(path.stem), str(path))


def load_articles(content_dir: Path) -> list[Article]:
    """Parse every article under content_dir/articles, or content_dir itself, by name."""
    paths = article_paths(content_dir)
    if not paths:
        kinds = ", ".join(f"*{s}" for s in FORMATS)
        raise BadContent(f"{article_dir(content_dir)}: no articles ({kinds}) found")
    articles = [load_article(p) for p in paths]
    slugs: dict[str, Path] = {}
    for path, article in zip(paths, articles, strict=True):
        if article.slug in slugs:
            raise BadContent(f"{path}: same slug {article.slug!r} as {slugs[article.slug]}")
        slugs[article.slug] = path
    return articles
