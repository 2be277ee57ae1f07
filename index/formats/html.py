"""Parse an HTML page (*.html): its main content's sections and FAQ entries, title, date, URL.

Title: the main content's <h1>, else og:title, else a JSON-LD headline, else <title>. Date:
article:published_time, else JSON-LD datePublished, else the main content's first <time>. The
canonical link, when present, becomes the article's URL. Sections start at <h2> and <h3>; a
heading that asks a question is an FAQ entry, and so is every <details> (its <summary> asks),
every <dt> that asks (its <dd> answers) and every schema.org FAQPage Question in JSON-LD that
the page does not already show. Code blocks (<pre>) are not passage text: read aloud or shown as
a snippet they make no sense. Entities are decoded by the parser; the text is escaped wherever
it is shown.
"""

from __future__ import annotations

import json
import re

from lxml import etree
from lxml import html as lxml_html

from ..errors import BadContent
from ..text import normalize
from .html_main import main_content
from .model import Article, Section, is_question

_PARSER = lxml_html.HTMLParser(encoding="utf-8")
_SECTION_HEADINGS = ("h2", "h3")
_MINOR_HEADINGS = ("h4", "h5", "h6")
_BLOCKS = frozenset(
    (
        "address",
        "article",
        "blockquote",
        "caption",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "section",
        "table",
        "tbody",
        "thead",
        "tr",
        "ul",
        "br",
    )
)
# Permalink marks a heading carries after its words ("Feeding ¶", "Setup #").
_HEADING_MARKS = " \t¶§#🔗"
# "1.2 ", "3. ", "6.2.1 ", "2.4: ", "(4) ", "Chapter 1. ": a manual's numbering is navigation,
# not words of the heading ("10 Tips" keeps its number: no point or colon follows it).
_SECTION_NUMBER = re.compile(
    r"^(?:chapter\s+\d+[.:]?\s+|\(\d+\)\s+|[a-z]?\d+(?:\.\d+)*[.:]\s+|\d+(?:\.\d+)+\s+)",
    re.IGNORECASE,
)


def _clean(text: str) -> str:
    return " ".join(normalize(text).split())


def _spoken_text(el) -> str:
    """Return el's text without what it hides from screen readers (aria-hidden permalinks)."""
    parts = [el.text or ""]
    for child in el:
        shown = child.get("aria-hidden") != "true" and child.get("hidden") is None
        if shown and isinstance(child.tag, str):  # not a comment
            parts.append(_spoken_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _heading_text(el) -> str:
    # Texinfo's "#" and "TOC" links after each heading are aria-hidden: they are no words of it.
    return _SECTION_NUMBER.sub("", _clean(_spoken_text(el)).strip(_HEADING_MARKS)).strip()


def _fragment_text(markup: str) -> str:
    """Return the plain text of an HTML fragment (a JSON-LD answer may carry tags)."""
    if "<" not in markup:
        return _clean(markup)
    try:
        fragment = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return _clean(markup)
    return _clean("".join(fragment.itertext()))


class _Walker:
    """Turn the main content into sections, in reading order."""

    def __init__(self, title: str):
        self.sections: list[Section] = []
        self.heading, self.kind = title, "intro"
        self.paragraphs: list[str] = []
        self.pending: list[Section] = []  # FAQ entries found inside the current section
        self.inline: list[str] = []

    def flush_inline(self) -> None:
        # Inline pieces carry their own spacing: "<b>2</b>kg" is one word.
        text = _clean("".join(self.inline))
        self.inline = []
        if text:
            self.paragraphs.append(text)

    def close_section(self) -> None:
        self.flush_inline()
        self.sections.append(Section(self.heading, self.kind, tuple(self.paragraphs)))
        self.sections.extend(self.pending)
        self.paragraphs, self.pending = [], []

    def add_tail(self, el) -> None:
        if el.tail:
            self.inline.append(el.tail)

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _BLOCKS:
            self.flush_inline()
        if tag == "h1":
            return  # the title, read before
        if tag in _SECTION_HEADINGS:
            heading = _heading_text(el)
            if heading:
                self.close_section()
                self.heading = heading
                self.kind = "faq" if is_question(heading, marked=True) else "section"
            return
        if tag in _MINOR_HEADINGS:
            # A line of its section, without the manual's numbering ("1.17.1. Would you ...?").
            self.flush_inline()
            text = _heading_text(el)
            if text:
                self.paragraphs.append(text)
            return
        if tag == "pre":
            return
        if tag == "details":
            self._details(el)
            return
        if tag == "dl":
            self._definitions(el)
            return
        if tag == "tr":  # one line a row, its cells apart
            cells = [" ".join(self._sub_paragraphs([c])) for c in el if c.tag in ("td", "th")]
            row = " — ".join(c for c in cells if c)
            if row:
                self.paragraphs.append(row)
            return
        if el.text and tag:
            self.inline.append(el.text)
        for child in el:
            self.walk(child)
            self.add_tail(child)
        if tag in _BLOCKS:
            self.flush_inline()

    def _sub_paragraphs(self, nodes) -> list[str]:
        """Return the paragraphs of some elements, walked apart from the current section."""
        sub = _Walker("")
        for node in nodes:
            sub.walk(node)
            sub.add_tail(node)
        sub.flush_inline()
        return sub.paragraphs

    def _details(self, el) -> None:
        summary = el.find("summary")
        if summary is None:  # nothing asks: its text reads as part of the section
            self.paragraphs.extend(self._sub_paragraphs(list(el)))
            return
        question = _heading_text(summary)
        summary_tail = [summary.tail] if summary.tail and summary.tail.strip() else []
        rest = [c for c in el if c is not summary]
        answer = summary_tail + self._sub_paragraphs(rest)
        if question and answer:
            self.pending.append(Section(question, "faq", tuple(_clean(a) for a in answer)))

    def _definitions(self, el) -> None:
        term = ""
        # The list's own terms, also inside the <div> groups HTML allows; a list nested in a
        # definition is part of that definition.
        items = [g for c in el for g in ([c] if c.tag != "div" else c) if g.tag in ("dt", "dd")]
        for child in items:
            if child.tag == "dt":
                term = _heading_text(child)
                continue
            answer = self._sub_paragraphs([child])
            if not answer:
                continue
            if term and is_question(term):
                self.pending.append(Section(term, "faq", tuple(answer)))
            else:
                # A glossary entry: the term opens its definition's paragraph.
                first = f"{term}: {answer[0]}" if term else answer[0]
                self.paragraphs.extend([first, *answer[1:]])
            term = ""


def _json_ld(doc, source: str) -> list[dict]:
    """Return every JSON-LD object of the page, @graph members and lists flattened."""
    found: list[dict] = []

    def collect(node) -> None:
        if isinstance(node, list):
            for item in node:
                collect(item)
        elif isinstance(node, dict):
            found.append(node)
            if "@graph" in node:
                collect(node["@graph"])

    for number, script in enumerate(doc.xpath("//script[@type='application/ld+json']"), 1):
        try:
            collect(json.loads(script.text or "null"))
        except ValueError as exc:
            raise BadContent(
                f"{source}: JSON-LD block {number} is not valid JSON ({exc}); fix or remove it"
            ) from exc
    return found


def _types(node: dict) -> set[str]:
    kind = node.get("@type", ())
    return {kind} if isinstance(kind, str) else {k for k in kind if isinstance(k, str)}


def _as_list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _faq_entries(objects: list[dict]) -> list[Section]:
    entries = []
    for node in objects:
        if "FAQPage" not in _types(node):
            continue
        for question in _as_list(node.get("mainEntity")):
            if not isinstance(question, dict) or "Question" not in _types(question):
                continue
            name = _fragment_text(str(question.get("name") or ""))
            answers = _as_list(question.get("acceptedAnswer")) or _as_list(
                question.get("suggestedAnswer")
            )
            text = next(
                (_fragment_text(str(a.get("text") or "")) for a in answers if isinstance(a, dict)),
                "",
            )
            if name and text:
                entries.append(Section(name, "faq", (text,)))
    return entries


def _meta(doc, *names: str) -> str:
    for name in names:
        for attr in ("property", "name"):
            values = doc.xpath(f"//meta[@{attr}=$n]/@content", n=name)
            if values and values[0].strip():
                return _clean(values[0])
    return ""


def _ld_value(objects: list[dict], key: str) -> str:
    for node in objects:
        value = node.get(key)
        if isinstance(value, str) and value.strip():
            return _clean(value)
    return ""


def _keywords(doc, objects: list[dict]) -> list[str]:
    raw = _meta(doc, "keywords")
    listed = [raw] if raw else []
    for node in objects:
        value = node.get("keywords")
        listed += [value] if isinstance(value, str) else [v for v in _as_list(value) if v]
    words: list[str] = []
    for item in listed:
        for word in str(item).split(","):
            word = _clean(word)
            if word and word.lower() not in {w.lower() for w in words}:
                words.append(word)
    return words


def _site_name(objects: list[dict]) -> str:
    for node in objects:
        if "WebSite" in _types(node) and isinstance(node.get("name"), str):
            return _clean(node["name"])
    return ""


def _without_site_name(title: str, site: str) -> str:
    """Return a <title> without the site's name ("Ferry times | Harbour Board")."""
    if not site or title.casefold() == site.casefold():
        return title
    for sep in (" | ", " - ", " – ", " — ", " · ", ": "):
        if title.casefold().endswith((sep + site).casefold()):
            return title[: -len(sep + site)].strip()
        if title.casefold().startswith((site + sep).casefold()):
            return title[len(site + sep) :].strip()
    return title


# Links to the start of the document a page is a chunk of (DocBook's chapter pages link HOME).
_DOCUMENT_RELS = ("home", "start", "top")


def _document_name(doc) -> str:
    """Return the title of the document the page belongs to, from its home or start link."""
    for rel in _DOCUMENT_RELS:
        lowered = "translate(normalize-space(@rel), 'HOMESTARP', 'homestarp')"
        has = f"contains(concat(' ', {lowered}, ' '), ' {rel} ')"
        for title in doc.xpath(f"//link[@title][{has}]/@title"):
            if title.strip():
                return _clean(title)
    return ""


def _canonical(doc) -> str:
    rel = "contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')"
    links = doc.xpath(f"//link[@href][{rel}]")
    return links[0].get("href").strip() if links else ""


def parse_article(text: str, slug: str, source: str = "<html>") -> Article:
    """Parse one HTML page; raise BadContent naming source when it has no title or no body."""
    if not text.strip():
        raise BadContent(f"{source}: the file is empty; an HTML article needs a title and a body")
    try:
        # As UTF-8 bytes: lxml refuses a str that opens with an XML declaration (XHTML pages),
        # and the file was read as UTF-8 whatever its <meta charset> says.
        # normalize(): control characters (NUL…) are no text and lxml refuses them in a tree.
        doc = lxml_html.document_fromstring(normalize(text).encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise BadContent(f"{source}: not readable as HTML: {exc}") from exc
    objects = _json_ld(doc, source)
    og_title = _meta(doc, "og:title")
    site = _meta(doc, "og:site_name") or _site_name(objects)
    part_of = site or _document_name(doc)
    page_title = _without_site_name(_clean(doc.findtext(".//title") or ""), site)
    date = _meta(doc, "article:published_time") or _ld_value(objects, "datePublished")
    canonical = _canonical(doc)
    # A manual's <meta name=keywords> often repeats its <title>: that is no keyword.
    keywords = [k for k in _keywords(doc, objects) if k.casefold() != page_title.casefold()]

    # The h1 and the <time> often sit in an article header, which goes with the furniture:
    # note where each was, and take the first that was inside the main content.
    h1s = [(_heading_text(h), h, set(h.iterancestors())) for h in doc.iter("h1")]
    times = [(t.get("datetime"), set(t.iterancestors())) for t in doc.xpath("//time[@datetime]")]
    root = main_content(doc)
    # An <h1> in the main content; else one beside it that is not furniture (a page-title
    # block above the text); a site's logo in its header went with the header.
    inside = [text for text, _, above in h1s if text and root in above]
    kept = [text for text, h, _ in h1s if text and doc in h.iterancestors()]
    headline = _ld_value(objects, "headline")
    title = next(iter(inside + kept), "") or og_title or headline or page_title
    if not title:
        raise BadContent(f"{source}: no title: give the page an <h1>, a <title> or og:title")
    if not date:
        date = next((_clean(t) for t, above in times if t and root in above), "")
    if re.match(r"\d{4}-\d\d-\d\d", date):
        date = date[:10]

    walker = _Walker(title)
    walker.walk(root)
    walker.close_section()
    sections = [s for s in walker.sections if s.heading and s.paragraphs]
    shown = {s.heading.casefold() for s in sections}
    # FAQ markup repeats what the page shows; only questions it does not show are added.
    sections += [e for e in _faq_entries(objects) if e.heading.casefold() not in shown]

    # A page titled "Configuration" is about the product its site or document names: that
    # name is part of its topic, as a search engine reads a page with its site.
    if part_of and part_of.casefold() not in {t.casefold() for t in (title, *keywords)}:
        keywords.append(part_of)
    article = Article(slug, title, date, keywords=keywords, canonical=canonical)
    article.add_sections(sections, source)
    if not article.passages:
        raise BadContent(f"{source}: no body text found under the title")
    return article
