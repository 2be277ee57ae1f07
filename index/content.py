"""Parse scraped articles: title, date, headings as bare lines, FAQ entries, keyword line, comments.

The shape (see content/articles/): a title line, a date line, then blocks separated by blank lines.
A block of one short line without closing punctuation is a heading; a heading that ends in "?" is
an FAQ question. After the last paragraph come lines that are not article content: keyword or tag
lines, then reader comments (a name line, the comment, a date line), zero or more of them.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BadContent
from .snippets import sentences
from .text import normalize, slugify

# What one content file may hold. The largest real article is under 50 KB with 30 sections and
# no section over 8,000 characters; far past that is a mistake or an attack, and indexing it
# would take minutes and hundreds of megabytes: the build stops, naming the file.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_SECTIONS = 1_000
# A longer section is split into passages of at most this many characters (at paragraph, then
# sentence, then word ends), so no single passage makes snippets or stored fields huge.
MAX_PASSAGE_CHARS = 12_000
# Editors' backup, swap and lock files, and hidden files, are never articles.
_SKIPPED_PREFIXES = (".", "#", "~")
_SKIPPED_SUFFIXES = ("~", "#", ".bak", ".orig", ".swp", ".swo", ".tmp")

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_RE = re.compile(
    rf"^(?:(?:posted|updated|published)(?: on)?:?\s*)?(?:"
    rf"{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}"
    rf")(?:\s+(?:at\s+)?\d{{1,2}}:\d{{2}}\s*(?:am|pm)?)?$",
    re.IGNORECASE,
)
_HEADING_MAX_WORDS = 14
_HEADING_MAX_CHARS = 120
_NAME_RE = re.compile(r"^[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}$")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_BULLET = re.compile(r"^(?:[-*•·‣◦▪]|\d{1,2}[.)])\s+")
# Page furniture scraped along with the article: never content, never a keyword.
_BOILERPLATE = re.compile(
    r"^(?:\d+\s+)?(?:comments?|responses?|replies|reply|leave a (?:reply|comment)"
    r"|share this(?: article| post)?|related (?:posts|articles)|read more)\s*:?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Passage:
    """One searchable unit: a section (or FAQ entry) of an article."""

    id: str
    slug: str
    section: str
    text: str
    kind: str  # "section", "faq" or "intro"
    position: int


@dataclass(frozen=True)
class Comment:
    """A reader's comment: kept for completeness, never indexed or answered."""

    name: str
    text: str
    date: str


@dataclass
class Article:
    """A parsed article: metadata plus its passages."""

    slug: str
    title: str
    date: str
    keywords: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Return the article's path on the site."""
        return f"/articles/{self.slug}"


def is_date_line(line: str) -> bool:
    """Return True when the whole line is a date such as 'Oct 31, 2023'."""
    return bool(_DATE_RE.match(line.strip()))


def _is_heading(line: str) -> bool:
    words = line.split()
    if not words or len(words) > _HEADING_MAX_WORDS or len(line) > _HEADING_MAX_CHARS:
        return False
    if line.endswith("?"):
        return True
    return not re.search(r"[.!:;,…\"”)]$", line)


def _is_name(line: str) -> bool:
    return bool(_NAME_RE.match(line)) and not is_date_line(line)


def _split_comments(lines: list[str]) -> tuple[list[str], list[Comment]]:
    """Peel reader comments (name, text…, date) off the end of the body lines."""
    comments: list[Comment] = []
    end = len(lines)
    while True:
        while end and not lines[end - 1]:
            end -= 1
        if not end or not is_date_line(lines[end - 1]):
            break
        date_at = end - 1
        name_at = None
        # The name is the nearest name-like line above at least one line of comment text.
        for i in range(date_at - 2, max(-1, date_at - 40), -1):
            if lines[i] and _is_name(lines[i]):
                name_at = i
                break
        if name_at is None:
            break
        text = " ".join(x for x in lines[name_at + 1 : date_at] if x)
        if not text:
            break
        comments.insert(0, Comment(lines[name_at], text, lines[date_at]))
        end = name_at
    return lines[:end], comments


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_body_line(line: str) -> bool:
    """Return True for a line that reads as running text, not as a heading."""
    return len(line.split()) > _HEADING_MAX_WORDS or bool(re.search(r"[.!:;…\"”)]$", line))


def _units(blocks: list[list[str]]) -> list[tuple[str, str]]:
    """Turn blocks into ("h", heading) and ("p", paragraph) units, in order.

    Scraped text loses blank lines: a heading may share a block with its paragraph, or a whole
    article may come one line per paragraph. A short bare line followed by running text is a
    heading; a line of running text that ends a sentence ends its paragraph.
    """
    units: list[tuple[str, str]] = []
    for block in blocks:
        block = [line for line in block if not _BOILERPLATE.match(line)]
        if len(block) == 1:
            line = block[0]
            heading = _is_heading(line) and not _BULLET.match(line)
            units.append(("h" if heading else "p", line))
            continue
        paragraph: list[str] = []
        for i, line in enumerate(block):
            following = block[i + 1] if i + 1 < len(block) else ""
            # A heading line: followed by running text, or last in its block (a trailing
            # keyword line, kept as a heading so the keyword step finds it).
            if (
                not paragraph
                and _is_heading(line)
                and not _BULLET.match(line)
                and (not following or _is_body_line(following))
            ):
                units.append(("h", line))
                continue
            paragraph.append(line)
            if _is_body_line(line) and re.search(r"[.!?…\"”)]$", line) or _BULLET.match(line):
                units.append(("p", " ".join(paragraph)))
                paragraph = []
        if paragraph:
            units.append(("p", " ".join(paragraph)))
    return units


def parse_article(text: str, slug: str, source: str = "<text>") -> Article:
    """Parse one article's text; raise BadContent naming source when it has no title or body."""
    lines = [_MARKDOWN_HEADING.sub("", line) for line in normalize(text).split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        raise BadContent(f"{source}: the file is empty; an article starts with its title line")
    title = lines.pop(0)
    # Messages describe the text, never quote it: a file may hold what must not be printed.
    if is_date_line(title):
        raise BadContent(f"{source}: the first line must be the article's title, not a date")
    if len(title) > 200:
        raise BadContent(
            f"{source}: the first line must be the article's title (at most 200 characters), "
            f"it has {len(title)}"
        )
    while lines and not lines[0]:
        lines.pop(0)
    date = lines.pop(0) if lines and is_date_line(lines[0]) else ""

    body_lines, comments = _split_comments(lines)
    blocks = _blocks(body_lines)

    units = _units(blocks)

    # Trailing headings with no paragraph after them are the keyword / tag line(s).
    keywords: list[str] = []
    while units and units[-1][0] == "h" and not units[-1][1].endswith("?"):
        line = re.sub(r"^(?:tags?|keywords?)\s*:\s*", "", units.pop()[1], flags=re.IGNORECASE)
        keywords[:0] = [k.strip() for k in line.split(",") if k.strip()]

    article = Article(slug=slug, title=title, date=date, keywords=keywords, comments=comments)
    section, kind, paragraphs = title, "intro", []
    seen: dict[str, int] = {}

    def flush() -> None:
        if not paragraphs:
            return
        base = "intro" if kind == "intro" else slugify(section)
        for text in split_passage("\n\n".join(paragraphs)):
            seen[base] = seen.get(base, 0) + 1
            section_slug = base if seen[base] == 1 else f"{base}-{seen[base]}"
            article.passages.append(
                Passage(
                    id=f"{slug}/{section_slug}",
                    slug=section_slug,
                    section=section,
                    text=text,
                    kind=kind,
                    position=len(article.passages),
                )
            )

    sections = sum(1 for unit_kind, _ in units if unit_kind == "h")
    if sections > MAX_SECTIONS:
        raise BadContent(
            f"{source}: {sections:,} headings; an article may have at most {MAX_SECTIONS:,} "
            "(split it into several articles)"
        )

    for unit_kind, value in units:
        if unit_kind == "h":
            flush()
            section, paragraphs = value, []
            kind = "faq" if value.endswith("?") else "section"
        else:
            paragraphs.append(value)
    flush()
    if not article.passages:
        raise BadContent(f"{source}: no body text found under the title (line 1)")
    return article


def split_passage(text: str, limit: int = MAX_PASSAGE_CHARS) -> list[str]:
    """Split text into parts of at most limit characters at paragraph, sentence or word ends."""
    if len(text) <= limit:
        return [text]
    pieces: list[tuple[str, str]] = []  # (joiner before it, piece)
    for n, paragraph in enumerate(text.split("\n\n")):
        for m, sentence in enumerate(sentences(paragraph) or [paragraph]):
            joiner = "\n\n" if n and not m else " "
            while len(sentence) > limit:  # one endless sentence: cut at the last space
                cut = sentence.rfind(" ", 0, limit + 1)
                cut = cut if cut > 0 else limit
                pieces.append((joiner, sentence[:cut]))
                sentence, joiner = sentence[cut:].lstrip(), " "
            pieces.append((joiner, sentence))
    parts: list[str] = []
    current = ""
    for joiner, piece in pieces:
        if current and len(current) + len(joiner) + len(piece) > limit:
            parts.append(current)
            current = ""
        current = current + joiner + piece if current else piece
    if current:
        parts.append(current)
    return parts


def is_content_name(name: str) -> bool:
    """Return False for hidden files and editor backups, which are never content."""
    return not name.startswith(_SKIPPED_PREFIXES) and not name.endswith(_SKIPPED_SUFFIXES)


def article_dir(content_dir: Path) -> Path:
    """Return the folder holding the articles: content_dir/articles, or content_dir itself."""
    return content_dir / "articles" if (content_dir / "articles").is_dir() else content_dir


def article_files(content_dir: Path) -> list[Path]:
    """Return the article files (*.txt) of content_dir, sorted, hidden files and backups skipped."""
    return sorted(p for p in article_dir(content_dir).glob("*.txt") if is_content_name(p.name))


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
    text = read_content_text(path, root if root is not None else path.parent)
    return parse_article(text, slugify(path.stem), source=str(path))


def load_articles(content_dir: Path) -> list[Article]:
    """Parse every article (*.txt) under content_dir/articles, or content_dir itself, by name."""
    paths = article_files(content_dir)
    if not paths:
        raise BadContent(f"{article_dir(content_dir)}: no articles (*.txt) found")
    articles = [load_article(p, content_dir) for p in paths]
    slugs: dict[str, Path] = {}
    for path, article in zip(paths, articles, strict=True):
        if article.slug in slugs:
            raise BadContent(f"{path}: same slug {article.slug!r} as {slugs[article.slug]}")
        slugs[article.slug] = path
    return articles
