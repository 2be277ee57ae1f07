"""Markdown articles: front matter, headings and question headings become passages; code
blocks and raw HTML never do."""

from pathlib import Path

import pytest

from index.content import load_article, load_articles
from index.errors import BadContent

MARKDOWN = Path(__file__).parent / "fixtures" / "markdown"


def test_front_matter_gives_title_date_url_and_keywords():
    article = load_article(MARKDOWN / "composting-at-home.md")
    assert article.title == "Composting at Home"
    assert article.date == "2024-04-22"
    assert article.url == "https://garden.example/compost/"
    assert article.keywords == ["compost", "compost heap", "garden waste"]


def test_headings_are_sections_and_questions_are_faq_entries():
    article = load_article(MARKDOWN / "composting-at-home.md")
    assert [(p.section, p.kind) for p in article.passages] == [
        ("Composting at Home", "intro"),  # the "# " title repeated under front matter
        ("Greens and browns", "section"),
        ("How often should I turn my compost?", "faq"),
        ("Signs the heap needs air", "section"),
        ("Can I compost cooked food?", "faq"),
        ("Measuring the temperature", "section"),
    ]
    greens = article.passages[1].text
    assert "equal volumes of each & mix them" in greens  # the entity decoded
    assert "tea bags — green" in greens  # a table row


def test_code_blocks_and_raw_html_are_never_passage_text():
    article = load_article(MARKDOWN / "composting-at-home.md")
    everything = " ".join(f"{p.section} {p.text}" for p in article.passages)
    for code in ("reading_celsius", "print(", "indented_code_block", "trackCompostReaders"):
        assert code not in everything
    # The text after the code blocks still belongs to its section.
    assert article.passages[-1].text.endswith("kills most weed seeds.")


def test_without_front_matter_the_first_heading_is_the_title():
    article = load_article(MARKDOWN / "bike-puncture.md")
    assert (article.title, article.date, article.url) == (
        "Fixing a Bike Puncture",
        "",
        "/articles/bike-puncture",
    )
    assert [p.kind for p in article.passages] == ["intro", "faq", "section", "faq"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no title"),
        ("Just a paragraph with no heading and no front matter.\n", "no title"),
        ("# A Title Alone\n\n```\ncode only\n```\n", "no body text"),
        ("---\ntitle: [unclosed\n---\n\nBody.\n", "front matter is not valid YAML"),
        ("---\ntitle: {a: 1}\n---\n\nBody text.\n", "'title' must be text"),
    ],
)
def test_bad_markdown_stops_the_build_naming_the_file(tmp_path, text, message):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "broken-notes.md").write_text(text)
    with pytest.raises(BadContent, match=message) as info:
        load_articles(tmp_path)
    assert "broken-notes.md" in str(info.value)


def test_windows_line_ends_keep_front_matter_and_code_blocks(tmp_path):
    page = tmp_path / "windows-notes.md"
    text = (MARKDOWN / "composting-at-home.md").read_text()
    page.write_bytes(text.replace("\n", "\r\n").encode())
    article = load_article(page)
    assert (article.title, article.date) == ("Composting at Home", "2024-04-22")
    assert "indented_code_block" not in " ".join(p.text for p in article.passages)


def test_a_question_heading_followed_by_a_remark_is_an_faq_entry(tmp_path):
    page = tmp_path / "privoxy.md"
    page.write_text(
        "# Privoxy questions\n\nWhat it is.\n\n"
        "## Can Privoxy make mistakes? This does not sound very scientific.\n\n"
        "Rules can be wrong.\n\n## Installing\n\nUse the package.\n"
    )
    assert [(p.section, p.kind) for p in load_article(page).passages] == [
        ("Privoxy questions", "intro"),
        ("Can Privoxy make mistakes? This does not sound very scientific.", "faq"),
        ("Installing", "section"),
    ]
