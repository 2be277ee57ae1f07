"""Property-based fuzzing of the HTML and Markdown readers: any text either parses into an
article or stops with BadContent naming the file, never another error (a crash of the build).

About 15 s with CI's full budget (600 pages a reader), a few seconds locally."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.errors import BadContent
from index.formats import html, markdown

from .strategies import examples

SOURCE = "articles/fuzzed-page"
# Pieces pages are made of, so generated text reaches the readers' every branch.
HTML_PIECES = [
    "<h1>Title</h1>",
    "<h2>Why?</h2>",
    "<h3>Part 1.2 of it</h3>",
    "<p>Some words, with commas.</p>",
    "<details><summary>Can I?</summary>Yes.</details>",
    "<details>no summary</details>",
    "<dl><dt>What is it?</dt><dd>A thing.</dd><dt>Term</dt></dl>",
    "<nav><a href='/'>Home</a></nav>",
    "<div class='comments'><p>Nice!</p></div>",
    "<main>",
    "</main>",
    "<article>",
    "<table><tr><td>a</td><th>b</th></tr></table>",
    "<pre>code()</pre>",
    "<script>x()</script>",
    "<style>p{}</style>",
    "<time datetime='2024-01-02'>x</time>",
    "<meta property='og:title' content='OG'>",
    "<link rel='canonical' href='https://e.example/p'>",
    '<script type="application/ld+json">{"@type": "FAQPage", "mainEntity": '
    '[{"@type": "Question", "name": "Q?", "acceptedAnswer": {"text": "<b>A</b>"}}]}</script>',
    '<script type="application/ld+json">{"@graph": [1, "x", {"@type": ["FAQPage"], '
    '"mainEntity": {"name": 3}}]}</script>',
    "&amp; &lt;b&gt; &#0; &#xD800;",
    '<?xml version="1.0" encoding="UTF-8"?>',
    "<!-- comment -->",
    "\x00\ufeff\u202e",
]
MARKDOWN_PIECES = [
    "---\ntitle: T\ndate: 2024-01-02\nurl: /x\nkeywords: [a, b]\n---\n",
    "---\ntitle: [\n---\n",
    "---\n- a list\n---\n",
    "---\ndate: {a: 1}\n---\n",
    "# Title\n",
    "## Why?\n",
    "### Part\n",
    "#### Minor\n",
    "Some words, with commas.\n",
    "- item\n",
    "> quote\n",
    "| a | b |\n| - | - |\n| 1 | 2 |\n",
    "```\ncode\n```\n",
    "    indented code\n",
    "<script>x()</script>\n",
    "![alt text](img.png) &amp; &#0;\n",
    "\n",
]


def _pages(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces) | st.text(max_size=40), max_size=25).map("".join)


def _parses_or_names_the_file(parse, text: str) -> None:
    try:
        article = parse(text, "fuzzed-page", SOURCE)
    except BadContent as exc:
        assert str(exc).startswith(SOURCE)
        return
    assert article.title and article.passages
    assert all(p.text.strip() for p in article.passages)


@settings(
    max_examples=examples(600),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_pages(HTML_PIECES))
def test_html_reader_parses_or_refuses_naming_the_file(text):
    _parses_or_names_the_file(html.parse_article, text)


@settings(
    max_examples=examples(600),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_pages(MARKDOWN_PIECES))
def test_markdown_reader_parses_or_refuses_naming_the_file(text):
    _parses_or_names_the_file(markdown.parse_article, text)
