"""HTML articles: the main content's sections and FAQ entries become passages; page furniture,
scripts, styles, code and comments never do. Real pages from Debian's apache2-doc and
aspell-doc packages, and pages written for the purpose (tests/fixtures/html/README.md)."""

from pathlib import Path

import pytest

from index.content import load_article, load_articles
from index.errors import BadContent

HTML = Path(__file__).parent / "fixtures" / "html"


def _everything(article) -> str:
    """Every word the index would hold for the article's passages."""
    return " ".join(
        [article.title, *article.keywords] + [f"{p.section} {p.text}" for p in article.passages]
    )


def test_blog_post_sections_and_every_kind_of_faq_entry():
    article = load_article(HTML / "sourdough-starter.html")
    assert article.title == "Keeping a Sourdough Starter Alive"  # the h1, not <title>'s "| Blog"
    assert article.date == "2024-03-05"
    assert article.keywords == ["sourdough starter", "levain", "wild yeast"]
    assert [(p.section, p.kind) for p in article.passages] == [
        ("Keeping a Sourdough Starter Alive", "intro"),
        ("Feeding schedule", "section"),  # the permalink's ¶ is not part of the heading
        ("Feeding ratio for a slow starter", "section"),
        ("Why does my starter smell like acetone?", "faq"),  # a question heading
        ("What is the liquid on top of my starter?", "faq"),  # <details><summary>
        ("Which flour works best for a new starter?", "faq"),  # <dt>/<dd>
        ("How long can a starter stay in the fridge?", "faq"),  # FAQPage JSON-LD
        ("Can I use tap water?", "faq"),
    ]
    fridge = article.passages[6]
    assert fridge.text.startswith("A mature starter keeps for about two weeks in the fridge")
    assert "<" not in fridge.text  # the JSON-LD answer's tags are gone


def test_canonical_link_is_the_result_url():
    article = load_article(HTML / "sourdough-starter.html")
    assert article.url == "https://bakery.example/guides/sourdough-starter"


def test_entities_are_decoded_and_markup_in_text_stays_text():
    article = load_article(HTML / "sourdough-starter.html")
    schedule = article.passages[1].text
    assert "flour and water — for example 50 g of each." in schedule
    assert "&mdash;" not in schedule and "&nbsp;" not in schedule
    acetone = article.passages[3].text
    assert "<script>alert('crumb')</script>" in acetone  # the page's literal text, as text


@pytest.mark.parametrize(
    "furniture",
    [
        "We use cookies",  # cookie banner
        "Accept all cookies",
        "Shop flour",  # navigation
        "Skip to content",
        "Share on Facebook",  # share buttons
        "Share this",
        "Overnight focaccia",  # related posts
        "Bubbles is twelve years old",  # the comment section
        "Margot",
        "Leave a Reply",
        "All rights reserved",  # footer
        "weekly newsletter",
        "Posted in",
        "dataLayer",  # scripts
        "font-family",  # styles
        "flour   = 50 g",  # a code block
        "water = 50 g",
    ],
)
def test_blog_post_furniture_scripts_and_code_never_become_passages(furniture):
    assert furniture not in _everything(load_article(HTML / "sourdough-starter.html"))


def test_page_without_main_or_article_finds_its_content_by_its_paragraphs():
    article = load_article(HTML / "rain-gardens.html")
    assert article.title == "Rain gardens: a beginner's FAQ"  # JSON-LD headline over <title>
    assert article.date == "2023-09-18"  # JSON-LD datePublished inside an @graph
    # The site the page is part of (its WebSite JSON-LD) is part of what the page is about.
    assert article.keywords == ["rain garden", "stormwater", "Greenfield Council"]
    assert article.url == "/articles/rain-gardens"
    assert [p.section for p in article.passages] == [
        "Rain gardens: a beginner's FAQ",
        "Where should I put a rain garden?",
        "How big should a rain garden be?",
        "Plants that cope with wet feet",
        "Do rain gardens breed mosquitoes?",
    ]
    everything = _everything(article)
    for furniture in (
        "Log in",
        "Environment",  # breadcrumb
        "Follow us",
        "Bin collection days",  # sidebar widgets
        "Library opening hours",
        "lawn no longer floods",  # Disqus comments
        "cookies for analytics",  # consent banner
        "Town Hall",  # footer
    ):
        assert furniture not in everything


def test_real_manual_page_keeps_its_sections_and_drops_its_furniture():
    article = load_article(HTML / "apache-dns-caveats.html")
    assert article.title == "Issues Regarding DNS and Apache HTTP Server"
    assert article.date == ""
    assert [p.section for p in article.passages] == [
        "Issues Regarding DNS and Apache HTTP Server",
        "A Simple Example",
        "Denial of Service",
        'The "main server" Address',
        "Tips to Avoid These Problems",
    ]
    assert article.passages[0].text.startswith("This page could be summarized with the statement")
    everything = _everything(article)
    for furniture in (
        "Available Languages",
        "Modules | Directives",
        "Report a bug",
        "Copyright 2026",
        "Apache HTTP Server Version 2.4",
        "prettyPrint",
        "ServerAdmin webgirl@example.dom",  # the configuration examples are code blocks
    ):
        assert furniture not in everything


def test_real_faq_page_question_headings_are_faq_entries():
    article = load_article(HTML / "apache-ssl-faq.html")
    faqs = [p for p in article.passages if p.kind == "faq"]
    assert len(faqs) == 9
    assert all(p.section.endswith("?") for p in faqs)
    ports = next(p for p in faqs if p.section == "Which port does HTTPS use?")
    assert ports.text.startswith(
        "You can run HTTPS on any port, but the standards specify port 443"
    )
    # The page's section headings that do not ask ("Installation") hold no text of their own.
    assert "Installation" not in [p.section for p in article.passages]


def test_real_texinfo_page_takes_its_title_from_title_and_drops_navigation():
    article = load_article(HTML / "aspell-through-a-pipe.html")
    assert article.title == "GNU Aspell 0.60.8: Through A Pipe"
    assert article.passages[0].section == "Through A Pipe"  # "6.2" is navigation
    everything = _everything(article)
    assert "goes into a pipe mode" in everything
    for furniture in ("Next:", "Previous:", "Up:", "Table of contents", "a.summary-letter"):
        assert furniture not in everything


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("", "the file is empty"),
        (
            "<html><body><p>" + "Words without any title at all. " * 5 + "</p></body></html>",
            "no title",
        ),
        (
            "<html><head><title>Only furniture</title></head><body><nav><a href='/'>Home</a>"
            "</nav><h1>Only furniture</h1><footer>Copyright</footer></body></html>",
            "no body text",
        ),
        (
            "<html><head><title>T</title><script type='application/ld+json'>{\"@type\": "
            "</script></head><body><p>Body text.</p></body></html>",
            "JSON-LD block 1 is not valid JSON",
        ),
    ],
)
def test_bad_pages_stop_the_build_naming_the_file(tmp_path, page, message):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "broken-page.html").write_text(page)
    with pytest.raises(BadContent, match=message) as info:
        load_articles(tmp_path)
    assert "broken-page.html" in str(info.value)


def test_xhtml_page_with_an_xml_declaration_and_numbered_headings(tmp_path):
    page = tmp_path / "numbered-manual.html"
    page.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Manual</title></head><body>'
        "<h1>Chapter 2: Keeping Bees</h1><p>Bees need a dry hive and a water source nearby.</p>"
        "<h2>2.4: Why do bees swarm?</h2><p>A crowded colony raises a queen; half leaves.</p>"
        "<h2>10 Plants Bees Love</h2><p>Lavender, borage and clover flower for months.</p>"
        "</body></html>"
    )
    article = load_article(page)
    assert article.title == "Keeping Bees"
    assert [(p.section, p.kind) for p in article.passages] == [
        ("Keeping Bees", "intro"),
        ("Why do bees swarm?", "faq"),
        ("10 Plants Bees Love", "section"),  # a number that is part of the heading stays
    ]


def test_title_block_beside_the_content_and_table_rows(tmp_path):
    page = tmp_path / "div-soup.html"
    page.write_text(
        "<html><head><title>Ferry times | Harbour Board</title></head><body>"
        "<header><h1 class='logo'>Harbour Board</h1><nav><a href='/'>Home</a></nav></header>"
        "<div class='page-title'><h1>Ferry times and fares</h1></div>"
        "<div class='content'><p>Ferries leave the north pier every hour, weather allowing, "
        "from early morning until late evening.</p>"
        "<h2>Fares</h2><table><tr><th>Ticket</th><th>Price</th></tr>"
        "<tr><td>Adult single</td><td>4.50</td></tr></table></div></body></html>"
    )
    article = load_article(page)
    assert article.title == "Ferry times and fares"  # not the logo's h1, not <title>
    fares = article.passages[1]
    assert fares.section == "Fares"
    assert fares.text == "Ticket — Price\n\nAdult single — 4.50"


def test_answers_hidden_in_an_accordion_are_kept(tmp_path):
    page = tmp_path / "accordion.html"
    page.write_text(
        "<html><body><main><h1>Thermostat help</h1>"
        "<p>Answers to what owners ask most about the wall thermostat.</p>"
        "<div class='accordion'><h2>How do I reset the thermostat?</h2>"
        "<div class='panel' style='display: none' hidden aria-hidden='true'>"
        "<p>Hold the mode button for ten seconds until the screen flashes.</p></div></div>"
        "</main></body></html>"
    )
    article = load_article(page)
    reset = article.passages[1]
    assert (reset.section, reset.kind) == ("How do I reset the thermostat?", "faq")
    assert reset.text == "Hold the mode button for ten seconds until the screen flashes."


def test_a_page_wrapped_in_one_form_keeps_its_content(tmp_path):
    page = tmp_path / "webforms.html"
    page.write_text(
        "<html><body><form id='aspnetForm' method='post'><input type='hidden' value='xyz'>"
        "<h1>Parking permits</h1><p>Residents may hold two permits for each household, "
        "renewed every April.</p><h2>Can visitors park?</h2><p>Yes, with a day voucher.</p>"
        "<button>Search the site</button></form></body></html>"
    )
    article = load_article(page)
    assert [p.section for p in article.passages] == ["Parking permits", "Can visitors park?"]
    assert "Search the site" not in " ".join(p.text for p in article.passages)


def test_definition_lists_grouped_in_divs_and_nested_ones(tmp_path):
    page = tmp_path / "glossary.html"
    page.write_text(
        "<html><body><main><h1>Kiln glossary</h1><dl>"
        "<div><dt>What is bisque firing?</dt><dd>The first, lower firing of raw clay.</dd></div>"
        "<dt>Cone</dt><dd>A heat gauge.<dl><dt>Cone 6</dt><dd>About 1220 degrees.</dd></dl></dd>"
        "</dl></main></body></html>"
    )
    article = load_article(page)
    assert [(p.section, p.kind, p.text) for p in article.passages] == [
        ("Kiln glossary", "intro", "Cone: A heat gauge.\n\nCone 6: About 1220 degrees."),
        ("What is bisque firing?", "faq", "The first, lower firing of raw clay."),
    ]


@pytest.mark.parametrize(
    ("head", "title"),
    [
        (
            "<title>Ferry times | Harbour Board</title>"
            "<meta property='og:site_name' content='Harbour Board'>",
            "Ferry times",
        ),
        (
            "<title>Harbour Board – Ferry times</title>"
            '<script type="application/ld+json">{"@type": "WebSite", "name": "Harbour Board"}'
            "</script>",
            "Ferry times",
        ),
        ("<title>Ferry times | Timetables</title>", "Ferry times | Timetables"),  # no site named
    ],
)
def test_a_title_from_title_loses_the_site_name(tmp_path, head, title):
    page = tmp_path / "ferries.html"
    page.write_text(
        f"<html><head>{head}</head><body><p>Ferries leave the north pier every hour, "
        "from early morning until late evening.</p></body></html>"
    )
    assert load_article(page).title == title


def test_the_extractor_benchmark_reports_every_fixture_kept_whole(capsys):
    from scripts.bench_html_extract import main

    assert main(["--only", "ours (lxml)"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6  # five pages and the total
    assert lines[-1].split()[-6:] == ["article", "20/20", "headings", "14/14", "leaked", "0"]


def test_a_question_heading_followed_by_a_remark_is_an_faq_entry(tmp_path):
    # Headings of the Privoxy FAQ (privoxy 3.0.34, faq/general.html): the markup says heading,
    # so a remark after the question does not make it a statement.
    page = tmp_path / "privoxy-general.html"
    page.write_text(
        "<html><head><title>General Information</title></head><body>"
        "<h1>General Information</h1><p>What Privoxy is and what it does.</p>"
        "<h3>Can Privoxy make mistakes? This does not sound very scientific.</h3>"
        "<p>Actions are applied by rules, and rules can be wrong.</p>"
        "<h3>How much does Privoxy slow my browsing down? This has to add extra time to"
        " browsing.</h3><p>It has to parse every page, which is barely noticeable.</p>"
        "<h3>Privoxy is not a silver bullet.</h3><p>No program blocks every ad.</p>"
        "<p>Is it slow? Usually not.</p>"
        "</body></html>"
    )
    article = load_article(page)
    assert [(p.section, p.kind) for p in article.passages] == [
        ("General Information", "intro"),
        ("Can Privoxy make mistakes? This does not sound very scientific.", "faq"),
        (
            "How much does Privoxy slow my browsing down? This has to add extra time to browsing.",
            "faq",
        ),
        ("Privoxy is not a silver bullet.", "section"),
    ]
    # A paragraph that asks and answers stays text of its section.
    assert "Is it slow? Usually not." in article.passages[-1].text


def test_a_minor_heading_reads_as_a_line_without_its_numbering(tmp_path):
    # Privoxy FAQ 1.17: its h4 sub-questions are lines of the entry, read aloud without "1.17.1.".
    page = tmp_path / "help.html"
    page.write_text(
        "<html><head><title>Help</title></head><body><h1>Help</h1><p>Intro text.</p>"
        "<h3>1.17. I would like to help you, what can I do?</h3>"
        "<h4>1.17.1. Would you like to participate?</h4><p>We need testers.</p>"
        "<h4>1.17.2. Would you like to donate?</h4><p>Donations go to servers.</p>"
        "</body></html>"
    )
    entry = load_article(page).passages[-1]
    assert entry.section == "I would like to help you, what can I do?"
    assert entry.text.split("\n\n") == [
        "Would you like to participate?",
        "We need testers.",
        "Would you like to donate?",
        "Donations go to servers.",
    ]


def test_permalinks_hidden_from_screen_readers_are_no_words_of_a_heading(tmp_path):
    # Headings of FFmpeg's FAQ (ffmpeg-doc 5.1, manual/faq.html, made by texi2html): each ends
    # in aria-hidden "#" and "TOC" links, which made its questions read as statements.
    links = (
        '<span class="pull-right"><a class="anchor" href="#q" aria-hidden="true">#</a> '
        '<a class="anchor" href="#toc-q" aria-hidden="true">TOC</a></span>'
    )
    page = tmp_path / "faq.html"
    page.write_text(
        "<html><head><title>FFmpeg FAQ</title></head><body><h1>FFmpeg FAQ</h1><p>Intro.</p>"
        f'<h3 class="section">1.1 Why doesn&rsquo;t FFmpeg support feature [xyz]?{links}</h3>'
        "<p>Because no one has taken on that task yet.</p>"
        f'<h3 class="section">1.2 ffmpeg does not work; what is wrong?{links}</h3>'
        "<p>Try a make distclean in the ffmpeg source directory before the build.</p>"
        "</body></html>"
    )
    article = load_article(page)
    assert [(p.section, p.kind) for p in article.passages[1:]] == [
        ("Why doesn’t FFmpeg support feature [xyz]?", "faq"),
        ("ffmpeg does not work; what is wrong?", "faq"),
    ]
