"""Parse a Markdown article (*.md) with markdown-it-py: front matter, headings, FAQ entries.

Front matter (YAML between `---` lines) may give `title`, `date`, `url` (the article's address,
as an HTML page's canonical link) and `keywords` (a list or a comma-separated line). Without a
`title` the first `#` heading is the title. `##` and `###` headings start sections; one that
asks a question is an FAQ entry. Paragraphs, list items, quotes and table rows are passage text;
code blocks are not, and neither is raw HTML (scripts, embeds). Entities are decoded.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..errors import BadContent
from ..text import normalize
from .model import Article, Section, is_question

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_SECTION_LEVELS = ("h2", "h3")
_TEXT_TOKENS = ("text", "text_special", "code_inline")
_PARSER = MarkdownIt("commonmark").enable("table")


def _clean(text: str) -> str:
    return " ".join(normalize(text).split())


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in _TEXT_TOKENS:
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child))
    return _clean("".join(parts))


def _front_matter(text: str, source: str) -> tuple[dict, str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # The line in the file (after the opening ---); YAML's own message quotes the text.
        at = f" (line {mark.line + 2})" if mark is not None else ""
        raise BadContent(f"{source}: the front matter is not valid YAML{at}") from exc
    if not isinstance(data, dict):
        raise BadContent(f"{source}: the front matter must be `key: value` lines")
    return data, text[match.end() :]


def _field(data: dict, key: str, source: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if not isinstance(value, str | int | float):
        raise BadContent(f"{source}: front matter {key!r} must be text, got {type(value).__name__}")
    return _clean(str(value))


def _keywords(data: dict) -> list[str]:
    value = data.get("keywords", data.get("tags"))
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [k for k in (_clean(str(item)) for item in items) if k]


def parse_article(text: str, slug: str, source: str = "<markdown>") -> Article:
    """Parse one Markdown article; raise BadContent naming source without a title or body."""
    # Line ends only: normalize() would also strip the indentation that makes code blocks.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    data, body = _front_matter(text, source)
    title = _field(data, "title", source)
    tokens = _PARSER.parse(body)

    sections: list[Section] = []
    heading, kind, paragraphs = title, "intro", []
    row: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            words = _inline_text(tokens[i + 1])
            if token.tag == "h1" and not title:
                title = heading = words  # the title, before any text
            elif token.tag == "h1" and words == title:
                pass  # the title again, under front matter that gave it
            elif token.tag in _SECTION_LEVELS or token.tag == "h1":
                sections.append(Section(heading, kind, tuple(paragraphs)))
                heading, paragraphs = words, []
                kind = "faq" if is_question(words, marked=True) else "section"
            elif words:
                paragraphs.append(words)  # a minor heading reads as a line of its section
            i += 3
            continue
        if token.type == "inline":
            words = _inline_text(token)
            if tokens[i - 1].type in ("th_open", "td_open"):
                row.append(words)
            elif words:
                paragraphs.append(words)
        elif token.type == "tr_close" and row:
            paragraphs.append(" — ".join(c for c in row if c))
            row = []
        # fence, code_block and html_block carry no inline token: they are never text.
        i += 1
    sections.append(Section(heading or title, kind, tuple(paragraphs)))

    if not title:
        raise BadContent(f"{source}: no title: add `title:` front matter or a `# Title` line")
    intro = sections[0]
    if intro.kind == "intro":
        sections[0] = Section(title, "intro", intro.paragraphs)
    article = Article(
        slug,
        title,
        _field(data, "date", source),
        keywords=_keywords(data),
        canonical=_field(data, "url", source),
    )
    article.add_sections(sections, source)
    if not article.passages:
        raise BadContent(f"{source}: no body text found under the title")
    return article
