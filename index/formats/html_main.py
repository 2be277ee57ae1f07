"""Find an HTML page's main content: drop scripts, navigation, banners, sharing and comments.

A readability-style heuristic over lxml (measured against trafilatura in bench/html_extract.py
and docs/content.md): markup that is never content goes first (scripts, styles, form controls),
then page furniture named by its element (nav, aside, footer, header), its ARIA role or the
words of its class and id (cookie, share, comments…), unless it holds most of the page's text;
then the root is <main>, else the largest <article>, else the block whose paragraphs score
highest; inside it, blocks made mostly of links (language lists, tables of contents) go too.
"""

from __future__ import annotations

import re

from lxml import etree

# Never text a reader sees as the article (a <noscript> fallback repeats or nags).
_JUNK_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "canvas",
    "iframe",
    "object",
    "embed",
    # Form controls, not <form>: some sites (ASP.NET WebForms) wrap the whole page in one.
    "button",
    "input",
    "select",
    "textarea",
    "dialog",
    "head",
)
_FURNITURE_TAGS = frozenset(("nav", "aside", "footer", "header", "menu"))
_FURNITURE_ROLES = frozenset(
    (
        "navigation",
        "banner",
        "contentinfo",
        "complementary",
        "dialog",
        "alertdialog",
        "search",
        "menu",
        "menubar",
        "toolbar",
    )
)
# Class or id words that name furniture: a whole word ("nav", "toc") or part of one ("sharedaddy",
# "comments-area", "gdpr-consent-banner").
_FURNITURE_WORDS = frozenset(
    (
        "nav",
        "navbar",
        "menu",
        "toc",
        "header",
        "footer",
        "masthead",
        "colophon",
        "sidebar",
        "widget",
        "related",
        "banner",
        "popup",
        "modal",
        "skip",
        "pager",
        "pagination",
        "breadcrumb",
        "breadcrumbs",
        "topbar",
        "ad",
        "ads",
        "toplang",
        "bottomlang",
    )
)
_FURNITURE_PARTS = re.compile(
    r"cookie|consent|gdpr|shar(?:e|ing)|social|comment|disqus|respond|newsletter|subscri"
    r"|advert|promo|breadcrumb|navigation"
)
_PROTECTED = frozenset(("html", "body", "main", "article"))
_PARAGRAPHS = ("p", "li", "dd", "pre", "td", "blockquote")
# A block holding a larger share of the page's text is content whatever its class says.
_PROTECT_SHARE = 0.5
_LINK_DENSITY = 0.5
_ROOT_SHARE = 0.8


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]


def _is_furniture(el) -> bool:
    if el.tag in _FURNITURE_TAGS:
        return True
    if (el.get("role") or "").lower() in _FURNITURE_ROLES:
        return True
    # Hidden is not furniture: an accordion's answers are hidden until a reader opens them.
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    return any(w in _FURNITURE_WORDS for w in _words(names)) or bool(
        _FURNITURE_PARTS.search(names.lower())
    )


def _text_length(el) -> int:
    return len(" ".join(el.text_content().split()))


def _link_density(el) -> float:
    total = _text_length(el)
    if not total:
        return 0.0
    links = sum(_text_length(a) for a in el.iter("a"))
    return links / total


def _drop(el) -> None:
    """Remove el, keeping its tail text (the parent's words after it)."""
    el.drop_tree()


def _strip_junk(doc) -> None:
    for el in list(doc.iter(*_JUNK_TAGS)):
        if el.getparent() is not None:
            _drop(el)
    for el in list(doc.iter(etree.Comment, etree.ProcessingInstruction)):
        if el.getparent() is not None:
            _drop(el)


def _strip_furniture(doc) -> None:
    total = max(_text_length(doc), 1)
    for el in list(doc.iter()):
        if not isinstance(el.tag, str) or el.tag in _PROTECTED or el.getparent() is None:
            continue
        # An element inside one already dropped is detached from the page: skip it.
        if el.getroottree().getroot() is not doc:
            continue
        if _is_furniture(el) and _text_length(el) / total < _PROTECT_SHARE:
            _drop(el)


def _score_root(body):
    """Return the smallest block holding most of the page's paragraph text and its sections.

    Paragraphs score as readability scores them (one point, one per comma, one per hundred
    characters up to three); the root is the deepest element whose paragraphs add up to
    _ROOT_SHARE of the page's, widened while the block around it holds more section headings
    (furniture is gone by now, so those are the article's).
    """
    points: dict = {}
    total = 0.0
    for para in body.iter(*_PARAGRAPHS):
        length = _text_length(para)
        if length < 25:
            continue
        score = 1 + para.text_content().count(",") + min(length / 100, 3)
        total += score
        for holder in para.iterancestors():
            points[holder] = points.get(holder, 0.0) + score
            if holder is body:
                break
    best, best_depth = body, 0
    for el, score in points.items():
        if score >= _ROOT_SHARE * total:
            depth = sum(1 for _ in el.iterancestors())
            if depth > best_depth:
                best, best_depth = el, depth
    # A long first section can hold most of the text on its own: the block around it that
    # also holds the later, shorter sections is the article.
    while best is not body and _headings(best.getparent()) > _headings(best):
        best = best.getparent()
    return best


def _headings(el) -> int:
    return sum(1 for _ in el.iter("h2", "h3"))


def _choose_root(doc):
    body = doc.find("body")
    body = body if body is not None else doc
    main = body.find(".//main")
    if main is None:
        main = next(iter(body.xpath(".//*[@role='main']")), None)
    if main is not None:
        return main
    articles = body.findall(".//article")
    if articles:
        return max(articles, key=_text_length)
    return _score_root(body)


def _strip_link_lists(root) -> None:
    """Drop blocks that are mostly links (language lists, tables of contents), innermost first.

    Innermost first, so a section holding one such list is judged on what is left; a block
    with a section heading in it is never dropped whole.
    """
    for el in reversed(list(root.iter("div", "p", "ul", "ol", "table", "section"))):
        if el is root or el.getparent() is None or next(el.iter("h2", "h3"), None) is not None:
            continue
        if next(el.iter("a"), None) is not None and _link_density(el) > _LINK_DENSITY:
            _drop(el)


def main_content(doc):
    """Strip what is never content from doc (in place) and return the main content element."""
    _strip_junk(doc)
    _strip_furniture(doc)
    root = _choose_root(doc)
    _strip_link_lists(root)
    return root
