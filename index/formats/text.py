"""Parse scraped text (*.txt): title, date, bare-line headings, FAQ entries, keywords, comments.

The shape (see content/articles/): a title line, a date line, then blocks separated by blank lines.
A block of one short line without closing punctuation is a heading; a line that asks a question
(model.is_question) is an FAQ question, however long. The line right under an FAQ question is
its answer, short or not, unless it is plainly a heading of its own. After the last paragraph
come lines that are not article content: keyword or tag lines, then reader comments (a name
line, the comment, a date line), zero or more of them.
"""

from __future__ import annotations

import re
from collections import Counter

from ..errors import BadContent
from ..text import normalize
from .model import Article, Comment, Section, is_question

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


def is_date_line(line: str) -> bool:
    """Return True when the whole line is a date such as 'Oct 31, 2023'."""
    return bool(_DATE_RE.match(line.strip()))


def _is_heading(line: str) -> bool:
    return (is_question(line) and not _BULLET.match(line)) or _is_short_heading(line)


def _is_short_heading(line: str) -> bool:
    words = line.split()
    if not words or len(words) > _HEADING_MAX_WORDS or len(line) > _HEADING_MAX_CHARS:
        return False
    return line.endswith("?") or not re.search(r"[.!:;,…\"”)]$", line)


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


def _heads_under_question(line: str, after: str, repeated: set[str]) -> bool:
    """Return True when a heading-like line right under a question heading is a heading.

    An FAQ question is never left without an answer, so the line is the answer, or its
    opening, unless it is plainly a heading of its own: a question opening an answer ("How do
    I …? The problem is that … How do you get from $E to emacs?"; "Can I improve the
    scrollbars?" answered "Is that a problem with the appearance, or …?" and a paragraph) is a
    question of its own only when no running text follows it, as in a list of questions; a
    line that asks nothing is never a heading there, however short, since a one-line answer
    need not end in a full stop ("Where can I get GNU Midnight Commander?" answered "The main
    site is https://www.midnight-commander.org"). Either is a heading when it comes again (a
    list of the headings before their entries).
    """
    if not _is_short_heading(line):
        return False
    return line in repeated or (is_question(line) and not _is_body_line(after))


def _units(blocks: list[list[str]]) -> list[tuple[str, str]]:
    """Turn blocks into ("h", heading) and ("p", paragraph) units, in order.

    Scraped text loses blank lines: a heading may share a block with its paragraph, or a whole
    article may come one line per paragraph. A short bare line followed by running text is a
    heading; a line of running text that ends a sentence ends its paragraph.
    """
    units: list[tuple[str, str]] = []
    lines = Counter(block[0] for block in blocks if len(block) == 1)
    repeated = {line for line, n in lines.items() if n > 1}
    for at, block in enumerate(blocks):
        block = [line for line in block if not _BOILERPLATE.match(line)]
        if len(block) == 1:
            line = block[0]
            heading = _is_heading(line) and not _BULLET.match(line)
            if heading and units and units[-1][0] == "h" and is_question(units[-1][1]):
                after = blocks[at + 1][0] if at + 1 < len(blocks) else ""
                heading = _heads_under_question(line, after, repeated)
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
    while units and units[-1][0] == "h" and not is_question(units[-1][1]):
        line = re.sub(r"^(?:tags?|keywords?)\s*:\s*", "", units.pop()[1], flags=re.IGNORECASE)
        keywords[:0] = [k.strip() for k in line.split(",") if k.strip()]

    article = Article(slug=slug, title=title, date=date, keywords=keywords, comments=comments)
    sections: list[Section] = []
    heading, kind, paragraphs = title, "intro", []
    for unit_kind, value in units:
        if unit_kind == "h":
            sections.append(Section(heading, kind, tuple(paragraphs)))
            heading, paragraphs = value, []
            kind = "faq" if is_question(value) else "section"
        else:
            paragraphs.append(value)
    sections.append(Section(heading, kind, tuple(paragraphs)))
    article.add_sections(sections, source)
    if not article.passages:
        raise BadContent(f"{source}: no body text found under the title (line 1)")
    return article
