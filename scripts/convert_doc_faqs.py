#!/usr/bin/env python3
"""Convert FAQ pages shipped in Debian documentation packages into the articles the site ingests.

Each source is a page inside a .deb (fetched with `apt-get download PKG`, unpacked with
`dpkg-deb -x`, never installed): an HTML page, or a plain-text FAQ (optionally gzipped) whose
headings are numbered lines ("1. Philosophy", "1.1 What is cURL?", or without chapters " 9. Why
do I get ...?") or labelled "Q:" and "A:" (xz's, lftp's). Headings become bare
heading lines (a question keeps its "?", so it is an FAQ entry), paragraphs and list items
become one line each, and code blocks (in plain text: blocks indented deeper than their heading)
join the sentence that introduces them, so that a line of code is never read as a heading.
Section numbers ("1.2.", "G3.", "(4)") are dropped: they are navigation, not text. Every
converted article is
parsed back with index.content and the script fails, naming the file, when a paragraph is lost
or a question heading does not come back as an FAQ entry (statement headings that end a
sentence, "Fetchmail is dying with SIGPIPE.", stay in the section before them).

The articles and their split into a tuning half and a test half are listed in SOURCES below; the
judged queries live beside the articles (tests/fixtures/eval/).

Example:
    mkdir -p /tmp/debs && cd /tmp/debs && apt-get download debian-faq zsh-doc git-doc \
        sqlite3-doc fetchmail nano privoxy
    apt-get download xterm libcurl4-doc mplayer-doc sphinx-doc zlib1g-dev
    apt-get download ffmpeg-doc xz-utils lftp
    python scripts/convert_doc_faqs.py --debs /tmp/debs --out tests/fixtures/eval
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.content import parse_article  # noqa: E402
from index.errors import BadContent  # noqa: E402
from index.text import normalize  # noqa: E402

_DEBIAN_FAQ = "usr/share/doc/debian/FAQ"
_ZSH_FAQ = "usr/share/doc/zsh-common/html"


@dataclass(frozen=True)
class Source:
    """One article to make: package, page inside it, the headings to read, and its half."""

    slug: str
    package: str
    page: str
    half: str  # "tuning" or "test"
    headings: tuple[str, ...] = ("h2", "h3")
    title_tag: str = "h1"
    # For pages holding several articles: the heading whose section is this article (an h1
    # unless section_tag says otherwise; in a plain-text FAQ, a chapter heading's text).
    section_id: str = ""
    # Further h1 sections joined to it: chapters too small to stand alone (nano's has 3 entries).
    merge: tuple[str, ...] = ()
    section_tag: str = "h1"
    # Sections that are page furniture (a manual page's NAME and SYNOPSIS), not answers.
    drop: tuple[str, ...] = ()
    # A plain-text FAQ has no title markup: its articles are titled "<title>: <chapter>".
    title: str = ""
    # The page itself is the article (copied unchanged, read by the site's HTML reader), as a
    # site would publish it, not converted to text.
    kept: bool = False
    # A plain-text FAQ of numbered entries without chapters (zlib's): the first and last entry
    # of this article.
    entries: tuple[int, int] = (0, 0)
    # A plain-text FAQ of "Q: …" / "A: …" entries (xz's, lftp's), read by extract_qa.
    qa: bool = False


_DEBIAN_CHAPTERS = (
    ("basic-defs", "tuning"),
    ("getting-debian", "test"),
    ("choosing", "tuning"),
    ("compatibility", "test"),
    ("software", "tuning"),
    ("ftparchives", "test"),
    ("pkg-basics", "tuning"),
    ("pkgtools", "test"),
    ("uptodate", "tuning"),
    ("kernel", "test"),
    ("customizing", "tuning"),
    ("support", "test"),
    ("contributing", "tuning"),
    ("redistributing", "test"),
    ("nextrelease", "tuning"),
    ("faqinfo", "test"),
)
_FETCHMAIL_SECTIONS = (
    ("general", "General problems", "tuning"),
    ("configuration", "Configuration questions", "test"),
    ("mtas", "How to make fetchmail play nice with various MTAs", "tuning"),
    ("servers", "How to make fetchmail work with various servers", "test"),
    ("security", "How to set up well-known security and authentication methods", "tuning"),
    ("other-problems", "Other problems", "test"),
    ("fatal-errors", "Runtime fatal errors", "tuning"),
    ("multidrop", "Multidrop-mode problems", "test"),
)
# nano's one page: its seven chapters, the small ones merged so each article has 8-11 entries
# (an exclaimed heading, "Tell me more about this multibuffer stuff!", joins the entry before).
_NANO_CHAPTERS = (
    ("general", ("General", "Where to get GNU nano.", "Installation and Configuration"), "tuning"),
    ("running", ("Running",), "test"),
    ("other", ("Internationalization", "Advocacy and Licensing", "Miscellaneous"), "tuning"),
)
# Privoxy's FAQ is one page per chapter; contact.html and copyright.html are not answers.
# configuration.html, general.html and misc.html are not converted: the halves keep them as the
# package's own pages (kept sources below), because only the HTML reader takes a marked
# heading that is a statement or a question followed by a remark ("Can Privoxy make mistakes?
# This does not sound very scientific.") as an entry; as a text line it stays in the entry
# before it.
_PRIVOXY_CHAPTERS = (
    ("installation", "test"),
    ("trouble", "test"),
)
# Kept as the package's own pages: titled by the chapter alone ("Configuration"), as a site's
# pages often are, they name the product only in the document they belong to.
_PRIVOXY_KEPT = (("configuration", "tuning"), ("general", "test"), ("misc", "test"))
_TITLE_PREFIXES = {
    "fetchmail": "Fetchmail FAQ",
    "debian-faq": "Debian FAQ",
    "nano": "GNU nano FAQ",
    "privoxy": "Privoxy FAQ",
    "xterm": "XTerm FAQ",
    "mplayer-doc": "MPlayer FAQ",
    "ffmpeg-doc": "FFmpeg FAQ",
}
# The xterm FAQ's "Frequent problems" chapter, one article per part (an h3 of h4 questions).
_XTERM_PARTS = (
    ("keyboard", "Keyboard problems", "tuning"),
    ("colors", "Colors and other graphic rendition", "test"),
    ("fonts", "Font problems", "tuning"),
)
# The curl FAQ (plain text), one article per numbered chapter of questions.
_CURL_CHAPTERS = (
    ("usage", "Usage problems", "tuning"),
    ("running", "Running Problems", "test"),
    ("libcurl", "libcurl Issues", "tuning"),
    ("philosophy", "Philosophy", "test"),
    ("licence", "License Issues", "test"),
)
# MPlayer's FAQ (a DocBook question-and-answer set, one page), one article per section, the
# small ones merged so each article has 9-24 passages: a problem told as a sentence ("I cannot
# pinpoint the cause of some strange playback problem.") stays in the entry before it.
_MPLAYER_SECTIONS = (
    ("building", ("Development", "Compilation and installation")),
    ("general", ("General questions", "DVD playback", "Feature requests")),
    ("problems", ("Playback problems", "Video/audio driver problems (vo/ao)")),
    ("encoding", ("Encoding",)),
)
# An answer that is one short command line ("Use: mplayer options filename < /dev/null &") reads
# as a heading in the text shape (a keyword line when it ends the article), so its question has
# no answer to keep: the entry is left out, and check() would fail on it otherwise.
_MPLAYER_DROP = ("How can I run MPlayer in the background?",)

# FFmpeg's FAQ (Texinfo, one page), one article per chapter, the two small ones merged: a
# problem told as a sentence ("-f jpeg doesn't work.") stays in the entry before it.
_FFMPEG_CHAPTERS = (
    ("general", ("General Questions", "Compilation")),
    ("usage", ("Usage",)),
    ("development", ("Development",)),
)
# Answers that are one short line (a bare link, "see https://www.ffmpeg.org/~michael/"; a command
# line) read as headings in the text shape, as MPlayer's does: the entries are left out.
_FFMPEG_DROP = ("Where is the documentation about ffv1, msmpeg4, asv1, 4xm?",)


def _chapter_articles(
    prefix: str,
    package: str,
    page: str,
    headings: tuple[str, ...],
    chapters: tuple[str, tuple[tuple[str, tuple[str, ...]], ...]],
    drop: tuple[str, ...],
) -> list[Source]:
    """Return one tuning article per group of a one-page manual's chapters.

    chapters: the chapter heading's tag and (article name, the chapter titles it merges).
    """
    tag, groups = chapters
    return [
        Source(
            f"{prefix}-{name}",
            package,
            page,
            "tuning",
            headings,
            section_id=titles[0],
            merge=titles[1:],
            section_tag=tag,
            drop=drop,
        )
        for name, titles in groups
    ]


SOURCES: tuple[Source, ...] = (
    *(
        Source(
            f"debian-faq-{name}",
            "debian-faq",
            f"{_DEBIAN_FAQ}/{name}.en.html",
            half,
            ("h2", "h3", "h4"),
        )
        for name, half in _DEBIAN_CHAPTERS
    ),
    *(
        Source(f"zsh-faq-{n}", "zsh-doc", f"{_ZSH_FAQ}/FAQ0{n}.html", half, kept=True)
        for n, half in zip(range(1, 7), ("tuning", "test") * 3, strict=True)
    ),
    Source(
        "gitfaq",
        "git-doc",
        "usr/share/doc/git-doc/gitfaq.html",
        "tuning",
        ("h2", "dt"),
        drop=("NAME", "SYNOPSIS", "GIT"),
    ),
    Source(
        "sqlite-faq", "sqlite3-doc", "usr/share/doc/sqlite3/faq.html", "test", ("h2", "b"), "title"
    ),
    *(
        Source(
            f"fetchmail-faq-{name}",
            "fetchmail",
            "usr/share/doc/fetchmail/fetchmail-FAQ.html",
            half,
            ("h2",),
            section_id=section,
        )
        for name, section, half in _FETCHMAIL_SECTIONS
    ),
    *(
        Source(
            f"nano-faq-{name}",
            "nano",
            "usr/share/doc/nano/faq.html",
            half,
            ("h3",),
            section_id=chapters[0],
            merge=chapters[1:],
        )
        for name, chapters, half in _NANO_CHAPTERS
    ),
    *(
        Source(
            f"privoxy-faq-{name}",
            "privoxy",
            f"usr/share/doc/privoxy/faq/{name}.html",
            half,
            ("h2", "h3", "h4"),
        )
        for name, half in _PRIVOXY_CHAPTERS
    ),
    *(
        Source(
            f"privoxy-faq-{name}",
            "privoxy",
            f"usr/share/doc/privoxy/faq/{name}.html",
            half,
            kept=True,
        )
        for name, half in _PRIVOXY_KEPT
    ),
    *(
        Source(
            f"xterm-faq-{name}",
            "xterm",
            "usr/share/doc/xterm/xterm.faq.html",
            half,
            ("h4",),
            section_id=section,
            section_tag="h3",
        )
        for name, section, half in _XTERM_PARTS
    ),
    *(
        Source(
            f"curl-faq-{name}",
            "libcurl4-doc",
            "usr/share/doc/libcurl4/FAQ.gz",
            half,
            section_id=chapter,
            title="curl FAQ",
        )
        for name, chapter, half in _CURL_CHAPTERS
    ),
    *_chapter_articles(
        "mplayer-faq",
        "mplayer-doc",
        "usr/share/doc/mplayer/HTML/en/faq.html",
        ("tr",),
        ("h3", _MPLAYER_SECTIONS),
        _MPLAYER_DROP,
    ),
    # zlib's FAQ is one list of 44 numbered questions (plain text), in two articles.
    *(
        Source(
            f"zlib-faq-{n}",
            "zlib1g-dev",
            "usr/share/doc/zlib1g-dev/FAQ.gz",
            "tuning",
            title="Frequently Asked Questions about zlib",
            entries=entries,
        )
        for n, entries in ((1, (1, 22)), (2, (23, 44)))
    ),
    # Its questions are definition terms: a "How do I..." one is the term's ending ("... get
    # section numbers?"). The page's one h1 section leaves out the navigation bar and sidebar.
    Source(
        "sphinx-faq",
        "sphinx-doc",
        "usr/share/doc/sphinx-doc/html/faq.html",
        "tuning",
        ("h2", "h3", "dt"),
        section_id="Sphinx FAQ",
    ),
    *_chapter_articles(
        "ffmpeg-faq",
        "ffmpeg-doc",
        "usr/share/doc/ffmpeg/manual/faq.html",
        ("h3", "h4"),
        ("h2", _FFMPEG_CHAPTERS),
        _FFMPEG_DROP,
    ),
    # Their answers that are one short command line ("xz -dc foo.tar.xz | tar xf -", "!ls") read
    # as headings in the text shape, as MPlayer's does: those entries are left out.
    Source(
        "xz-faq",
        "xz-utils",
        "usr/share/doc/xz-utils/faq.txt.gz",
        "tuning",
        title="XZ Utils FAQ",
        drop=(
            "I have installed xz, but my tar doesn't recognize .tar.xz files. "
            "How can I extract .tar.xz files?",
        ),
        qa=True,
    ),
    Source(
        "lftp-faq",
        "lftp",
        "usr/share/doc/lftp/FAQ",
        "tuning",
        title="LFTP FAQ",
        # A question followed by a remark ("Why doesn't `mirror' download files starting with a
        # dot ...? I can see the files on the server using `ls -a'.") is an entry only as a
        # marked heading (model.is_question); as a text line it is not, so check() fails on it.
        drop=(
            "Where is lls?",
            "Why doesn't `mirror' download files starting with a dot (or re-uploads them all "
            "the time)? I can see the files on the server using `ls -a'.",
        ),
        qa=True,
    ),
)

# DocBook's question-and-answer set labels its questions "Q:": navigation too.
_NUMBERING = re.compile(r"^(?:Chapter\s+\d+\.\s*|\(\d+\)\s*|Q:\s*|[A-Z]?\d+(?:\.\d+)*[.:]\s+)")
_BLOCKS = frozenset(
    "p pre li dt dd div blockquote table tr td th ul ol dl h1 h2 h3 h4 h5 h6 br body".split()
)
_TEXINFO_NUMBER = re.compile(r"^\d+(?:\.\d+)*\s+")
_SKIP = frozenset(("script", "style", "head", "title"))
_SENTENCE_END = re.compile(r"[.!?:;…\"”)]$")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _heading_text(tag: Tag) -> str:
    # Sphinx ends a heading with its permalink, a "¶" link; Texinfo (FFmpeg's) with "# TOC"
    # links hidden from screen readers: navigation, not text (as the site's HTML reader reads it).
    text = _clean("".join(s for s in tag.strings if not _hidden_from_readers(s, tag)))
    if {"chapter", "section", "subsection"} & set(tag.get("class") or ()):
        text = _TEXINFO_NUMBER.sub("", text)  # Texinfo numbers "1", "1.1" without a dot
    return _NUMBERING.sub("", text).removesuffix("¶")


def _hidden_from_readers(node, heading: Tag) -> bool:
    """Return True for text of a heading that it hides from screen readers (aria-hidden)."""
    for parent in node.parents:
        if parent is heading:
            return False
        if parent.get("aria-hidden") == "true" or parent.get("hidden") is not None:
            return True
    return False


def _is_heading(tag: Tag, source: Source) -> bool:
    if tag.name not in source.headings:
        return False
    if tag.name == "b":  # sqlite: a question is a bold "(N) …" paragraph
        return bool(re.match(r"\(\d+\)", _clean(tag.get_text())))
    if tag.name == "tr":  # DocBook's question-and-answer set: a question is a table row
        return "question" in (tag.get("class") or ())
    return True


def _nearest_block(node) -> Tag | None:
    for parent in node.parents:
        if parent.name in _BLOCKS:
            return parent
    return None


def _inside(node, names: frozenset[str] | tuple[str, ...]) -> Tag | None:
    for parent in node.parents:
        if parent.name in names:
            return parent
    return None


def _chapter(soup: BeautifulSoup, source: Source, name: str) -> Tag:
    """Return the page's last section heading named name (the first may be in a table of
    contents)."""
    # The chapter number ("1. General") is navigation: match the heading without it.
    found = [h for h in soup.find_all(source.section_tag) if _heading_text(h) == name]
    if not found:
        raise BadContent(f"{source.page}: no section headed {name!r}")
    return found[-1]


def _scope(soup: BeautifulSoup, source: Source) -> list:
    """Return the nodes of the article, in document order (its h1 sections for one page's)."""
    if not source.section_id:
        return list(soup.descendants)
    tag = source.section_tag
    # A section ends at the next heading of its own level or above (an h3 at the next h1-h3).
    ends = {f"h{n}" for n in range(1, int(tag[1]) + 1)}
    nodes: list = []
    for name in (source.section_id, *source.merge):
        start = _chapter(soup, source, name)
        nodes.append(start)
        # next_elements walks the heading's own text first, then what follows it.
        for node in start.next_elements:
            if isinstance(node, Tag) and node.name in ends:
                break
            nodes.append(node)
    return nodes


def extract(html: str, source: Source) -> tuple[str, list[tuple[str, list[str]]]]:
    """Return the page's title and its sections as (heading, paragraphs), in order."""
    soup = BeautifulSoup(html, "html.parser")
    nodes = _scope(soup, source)
    title_tag = nodes[0] if source.section_id else soup.find(source.title_tag)
    # A merged chapter's heading joins the title: it has no text of its own to head.
    merged = (
        [n for n in nodes[1:] if isinstance(n, Tag) and n.name == source.section_tag]
        if source.section_id
        else []
    )
    title = "; ".join(_heading_text(h).rstrip(".") for h in [title_tag, *merged])
    if source.package in _TITLE_PREFIXES:
        title = f"{_TITLE_PREFIXES[source.package]}: {title}"
    elif source.package == "zsh-doc":
        title = "Zsh FAQ: " + re.sub(r"^Chapter \d+:\s*", "", title)
    elif source.slug == "gitfaq":
        title = "Git FAQ: frequently asked questions about using Git"
    elif source.slug == "sqlite-faq":
        title = "SQLite Frequently Asked Questions"
    sections: list[tuple[str, list[str]]] = [("", [])]
    heading_nodes: set[int] = {id(d) for h in merged for d in h.descendants}
    current_block: int | None = None
    current_code = False
    current_item: int | None = None
    buffer: list[str] = []
    buffer_nodes: list = []

    def flush() -> None:
        nonlocal buffer
        text = _clean("".join(buffer))
        if text and not _is_navigation(buffer_nodes):
            sections[-1][1].append(("code " if current_code else "text ") + text)
        buffer = []
        buffer_nodes.clear()

    for node in nodes:
        if isinstance(node, Tag):
            if _is_heading(node, source) and node is not title_tag:
                flush()
                sections.append((_heading_text(node), []))
                heading_nodes.update(id(d) for d in node.descendants)
            continue
        if not isinstance(node, NavigableString) or id(node) in heading_nodes:
            continue
        if type(node) is not NavigableString or _inside(node, _SKIP) or _in_furniture(node):
            continue
        if _is_label(node):
            continue
        if title_tag is not None and node in title_tag.descendants:
            continue
        block = _nearest_block(node)
        code = _inside(node, ("pre",)) is not None
        if id(block) != current_block or code != current_code:
            flush()
            current_block, current_code = id(block), code
            item = block if block is not None and block.name == "li" else None
            if block is not None and block.parent is not None and block.parent.name == "li":
                item = block.parent
            if item is not None and id(item) != current_item:
                buffer.append("- ")
                current_item = id(item)
        buffer.append(str(node))
        buffer_nodes.append(node)
    flush()
    return title, _kept(sections, source)


# A plain-text FAQ's numbered heading: "1. Philosophy" (a chapter), "1.1 What is cURL?".
_TEXT_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(\S.*)$")


def _text_blocks(text: str) -> list[tuple[int, list[str]]]:
    """Split plain text at blank lines into blocks, each with its first line's indentation."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for line in [*text.expandtabs().splitlines(), ""]:
        if line.strip():
            current.append(line)
        elif current:
            blocks.append((len(current[0]) - len(current[0].lstrip()), current))
            current = []
    return blocks


def _add_block(paragraphs: list[str], indent: int, lines: list[str], body: int | None) -> int:
    """Add a plain-text block to an entry's paragraphs, as code when indented deeper than the
    entry's first block (body, None before it); return the entry's body indent."""
    body = indent if body is None else body
    kind = "code" if indent > body else "text"
    paragraphs.append(f"{kind} {_clean(' '.join(lines))}")
    return body


def _kept(sections: list[tuple[str, list[str]]], source: Source) -> list[tuple[str, list[str]]]:
    """Return the sections that hold something and are not dropped, paragraphs joined."""
    return [(h, _join(paras)) for h, paras in sections if (h or paras) and h not in source.drop]


def extract_text(text: str, source: Source) -> tuple[str, list[tuple[str, list[str]]]]:
    """Return a plain-text FAQ chapter's title and its sections as (heading, paragraphs).

    A chapter opens at a one-line block "N. Name" starting the line (the last one, as a table
    of contents lists them too) and ends at the next line-starting number outside it; a one-line
    block numbered "N.M" inside it is a question heading. A block indented deeper than its
    heading is code or an example, so it joins the sentence before it, as a code block does in
    HTML.
    """
    blocks = _text_blocks(text)
    heads = [(indent, _TEXT_HEADING.match(lines[0].strip())) for indent, lines in blocks]
    starts = [
        i
        for i, (indent, m) in enumerate(heads)
        if m and indent == 0 and "." not in m[1] and len(blocks[i][1]) == 1
        if _clean(m[2]) == source.section_id
    ]
    if not starts:
        raise BadContent(f"{source.page}: no chapter headed {source.section_id!r}")
    number = heads[starts[-1]][1][1]
    sections: list[tuple[str, list[str]]] = [("", [])]
    body_indent: int | None = None
    body = zip(blocks[starts[-1] + 1 :], heads[starts[-1] + 1 :], strict=True)
    for (indent, lines), (_, m) in body:
        if m and indent == 0 and not m[1].startswith(f"{number}."):
            break  # the next chapter, even when its first question follows without a blank
        if m and len(lines) == 1 and m[1].startswith(f"{number}."):
            sections.append((_clean(m[2]), []))
            body_indent = indent
            continue
        body_indent = _add_block(sections[-1][1], indent, lines, body_indent)
    return f"{source.title}: {source.section_id}", _kept(sections, source)


# A numbered entry of a FAQ without chapters: " 9. Why do I get …?", its question maybe wrapped.
_ENTRY = re.compile(r"^\s{0,3}(\d+)\.\s+(\S.*)$")


def extract_entries(text: str, source: Source) -> tuple[str, list[tuple[str, list[str]]]]:
    """Return a plain-text FAQ's entries first..last of source.entries as (heading, paragraphs).

    A block whose first line is "N. …" at the left margin is a question heading (all its lines:
    a long question wraps); the blocks after it, indented, are its answer, and a block indented
    deeper than the first of them is code. The text before entry 1 opens the first article.
    """
    first, last = source.entries
    sections: list[tuple[str, list[str]]] = [("", [])]
    number = 0
    body_indent: int | None = None
    for indent, lines in _text_blocks(text)[1:]:  # the first block is the page's title
        m = _ENTRY.match(lines[0])
        if m and indent < 4:
            number, body_indent = int(m[1]), None
            if first <= number <= last:
                sections.append((_clean(" ".join([m[2], *lines[1:]])), []))
            continue
        if not (first <= number <= last or number == 0 and first == 1):
            continue
        body_indent = _add_block(sections[-1][1], indent, lines, body_indent)
    return f"{source.title} ({first}-{last})", _kept(sections, source)


# A "Q:" or "A:" label at the left margin: a question or its answer opens there.
_QA_LABEL = re.compile(r"^([QA]):\s")


def extract_qa(text: str, source: Source) -> tuple[str, list[tuple[str, list[str]]]]:
    """Return a "Q: …" / "A: …" FAQ's entries as (heading, paragraphs).

    A block opening "Q:" is a question (all its lines: a long one wraps), the blocks from "A:"
    to the next question its answer, and a block indented deeper than the answer's first line is
    code. The blocks before the first question are the page's title.
    """
    # lftp's answer follows its question without a blank line: a label opens a block anyway.
    marked = re.sub(r"(?m)^(?=[QA]:\s)", "\n", text)
    sections: list[tuple[str, list[str]]] = [("", [])]
    body_indent: int | None = None
    for indent, lines in _text_blocks(marked):
        label = _QA_LABEL.match(lines[0])
        if label and label[1] == "Q":
            sections.append((_clean(" ".join([lines[0][2:], *lines[1:]])), []))
            body_indent = None
            continue
        if len(sections) == 1:
            continue
        if label:  # "A:  Nothing." is indented as the answer's next lines are
            lines = ["  " + lines[0][2:], *lines[1:]]
            indent = len(lines[0]) - len(lines[0].lstrip())
        body_indent = _add_block(sections[-1][1], indent, lines, body_indent)
    return source.title, _kept(sections, source)


def _in_furniture(node) -> bool:
    """Return True inside a table of contents, a navigation bar or a site banner."""
    # DocBook pages write their classes in capitals ("NAVHEADER", Privoxy's); a question set
    # lists its questions in a table row of class "toc"; Sphinx's "footer" is its copyright.
    return any(
        {c.lower() for c in parent.get("class") or ()}
        & {"toc", "navheader", "navfooter", "nosearch", "footer"}
        for parent in node.parents
        if parent.name in ("div", "tr")
    )


def _is_label(node) -> bool:
    """Return True for a DocBook answer's "A:" label: a cell of its own, not the answer's text."""
    return node.strip() in ("Q:", "A:") and _inside(node, ("b",)) is not None


def _is_navigation(nodes: list) -> bool:
    """Return True for a block whose words are all links: a table of contents or page links."""
    words = [n for n in nodes if n.strip() and n.strip() not in "-|•"]
    return bool(words) and all(_inside(n, ("a",)) is not None for n in words)


def _heading_like(text: str) -> bool:
    """Return True for a line the parser would read as a heading (short, no closing mark)."""
    return not text.startswith("- ") and len(text.split()) <= 14 and not _SENTENCE_END.search(text)


def _join(parts: list[str]) -> list[str]:
    """Join code and the text that continues its sentence to the paragraph that introduces it."""
    out: list[str] = []
    for part in parts:
        kind, text = part.split(" ", 1)
        continues = kind == "code" or text[:1].islower() or text[:1] in ",.;)"
        # A short line without closing punctuation would be read as a heading: keep it with
        # what follows.
        if out and (continues or _heading_like(out[-1])):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
    if len(out) > 1 and _heading_like(out[-1]):
        out[-2:] = [f"{out[-2]} {out[-1]}"]
    return out


def render(title: str, date: str, sections: list[tuple[str, list[str]]]) -> str:
    """Write an article in the site's scraped-text shape."""
    lines = [title, "", date, ""]
    for heading, paragraphs in sections:
        if heading:
            lines += [heading, ""]
        for paragraph in paragraphs:
            lines += [paragraph, ""]
    return "\n".join(lines).rstrip() + "\n"


def check(text: str, slug: str, sections: list[tuple[str, list[str]]], path: Path) -> None:
    """Fail naming the file when a heading the parser can read, or a paragraph, is lost."""
    article = parse_article(text, slug, source=str(path))
    parsed = {p.section for p in article.passages}
    kept = " ".join(f"{p.section} {p.text}" for p in article.passages).split()
    kept_text = " ".join(kept)
    for _, paragraphs in sections:
        for paragraph in paragraphs:
            # Compared as the parser normalises text (it drops U+FFFD, a page's "�" example).
            if " ".join(normalize(paragraph).split()) not in kept_text:
                raise BadContent(f"{path}: paragraph {paragraph[:60]!r} is lost when parsed")
    questions = {p.section for p in article.passages if p.kind == "faq"}
    for heading, paragraphs in sections:
        if not heading or not paragraphs:
            continue
        # Every question comes back as an FAQ entry, however long; a statement heading
        # ("Fetchmail dumps core when given an invalid rc file.") only when it reads as one.
        # Compared as the parser normalises headings ("…" is "...").
        if "?" in heading and " ".join(normalize(heading).split()) not in questions:
            raise BadContent(f"{path}: question {heading!r} is not parsed back as an FAQ entry")
        readable = len(heading.split()) <= 14 and len(heading) <= 120
        readable = readable and not _SENTENCE_END.search(heading)
        if readable and heading not in parsed:
            raise BadContent(f"{path}: heading {heading!r} is not parsed back as a heading")


def unpack(debs: Path, package: str, into: Path) -> Path:
    """Unpack the package's .deb (no install) and return the folder."""
    matches = sorted(debs.glob(f"{package}_*.deb"))
    if not matches:
        raise BadContent(f"{debs}: no {package}_*.deb; run `apt-get download {package}` there")
    target = into / package
    if not target.exists():
        subprocess.run(["dpkg-deb", "-x", str(matches[-1]), str(target)], check=True)
    return target


def main(argv: list[str] | None = None) -> int:
    """Convert every source; exit 1 naming the file when one cannot be converted."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--debs", type=Path, required=True, help="folder holding the downloaded .deb files"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "tests/fixtures/eval",
        help="writes OUT/tuning/articles/ and OUT/test/articles/ (.txt, or .html for kept pages)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="debs-") as tmp:
        try:
            for source in SOURCES:
                page = unpack(args.debs, source.package, Path(tmp)) / source.page
                raw = page.read_bytes()
                folder = args.out / source.half / "articles"
                folder.mkdir(parents=True, exist_ok=True)
                if source.kept:
                    path = folder / f"{source.slug}.html"
                    path.write_bytes(raw)
                    print(f"{path}: the page itself")
                    continue
                raw = gzip.decompress(raw) if page.suffix == ".gz" else raw
                read = extract if ".html" in page.suffixes else extract_text
                read = extract_entries if source.entries != (0, 0) else read
                read = extract_qa if source.qa else read
                title, sections = read(raw.decode("utf-8"), source)
                stamp = dt.datetime.fromtimestamp(page.stat().st_mtime, dt.UTC)
                text = render(title, f"{stamp:%b} {stamp.day}, {stamp.year}", sections)
                path = folder / f"{source.slug}.txt"
                check(text, source.slug, sections, path)
                path.write_text(text, encoding="utf-8")
                print(f"{path}: {len(sections)} sections")
        except (BadContent, OSError, subprocess.CalledProcessError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
