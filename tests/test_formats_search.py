"""HTML and Markdown articles search and answer like the text ones, through the Flask client."""

import shutil
import subprocess
import sys

import pytest

from index.build import build_index
from service.app import create_app

from .conftest import FIXTURES, ROOT, make_content


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    """An app over the seed article plus every HTML and Markdown fixture."""
    root = tmp_path_factory.mktemp("formats")
    content = make_content(root / "content")
    for page in [*(FIXTURES / "html").glob("*.html"), *(FIXTURES / "markdown").glob("*.md")]:
        shutil.copy(page, content / "articles" / page.name)
    build_index(content, root / "index")
    return create_app({"SEARCH_INDEX_DIR": str(root / "index")}).test_client()


@pytest.mark.parametrize(
    ("question", "passage", "url"),
    [
        (
            "why does my sourdough starter smell like acetone",
            "sourdough-starter/why-does-my-starter-smell-like-acetone",
            "https://bakery.example/guides/sourdough-starter#why-does-my-starter-smell-like-acetone",
        ),
        (
            "what is the liquid on top of a starter",  # a <details> entry
            "sourdough-starter/what-is-the-liquid-on-top-of-my-starter",
            None,
        ),
        (
            "how long does a starter keep in the fridge",  # FAQPage JSON-LD only
            "sourdough-starter/how-long-can-a-starter-stay-in-the-fridge",
            None,
        ),
        (
            "do rain gardens attract mosquitoes",
            "rain-gardens/do-rain-gardens-breed-mosquitoes",
            "/articles/rain-gardens#do-rain-gardens-breed-mosquitoes",
        ),
        ("which port does https use", "apache-ssl-faq/which-port-does-https-use", None),
        (
            "how often should I turn compost",
            "composting-at-home/how-often-should-i-turn-my-compost",
            "https://garden.example/compost/#how-often-should-i-turn-my-compost",
        ),
        (
            "how do I find the hole in my inner tube",
            "bike-puncture/how-do-i-find-the-hole-in-an-inner-tube",
            None,
        ),
    ],
)
def test_questions_are_answered_from_html_and_markdown_articles(client, question, passage, url):
    body = client.get("/answer", query_string={"q": question}).get_json()
    assert body["answer"] is not None, question
    assert body["answer"]["id"] == passage
    if url:
        assert body["answer"]["url"] == url
    top = client.get("/search", query_string={"q": question}).get_json()["results"][0]
    assert top["id"] == passage


@pytest.mark.parametrize(
    ("query", "phrase"),
    [
        ("starter Bubbles twelve years old buckwheat", "twelve years old"),  # a reader's comment
        ("accept all cookies personalised offers", "personalised offers"),  # a cookie banner
        ("library opening hours december", "opening hours"),  # a sidebar widget
        ("reading_celsius heap thermometer", "reading_celsius"),  # a Markdown code block
    ],
)
def test_page_furniture_and_code_are_never_found(client, query, phrase):
    results = client.get("/search", query_string={"q": query, "limit": 50}).get_json()["results"]
    assert all(phrase not in r["text"] for r in results)
    answer = client.get("/answer", query_string={"q": query}).get_json()["answer"]
    assert answer is None or phrase not in answer["text"]


def test_markup_in_an_html_article_is_escaped_where_it_is_shown(client):
    query = {"q": "recipe card script alert crumb"}
    top = client.get("/search", query_string=query).get_json()["results"][0]
    assert "<script>alert('crumb')</script>" in top["text"]  # JSON carries the text as text
    assert "<script>" not in top["snippet"]
    assert "&lt;<mark>script</mark>&gt;" in top["snippet"]
    page = client.get("/", query_string=query).get_data(as_text=True)
    assert "alert(&#39;crumb&#39;)" in page or "alert(&#x27;crumb&#x27;)" in page
    assert "<script>alert(" not in page


def test_health_counts_every_format(client):
    body = client.get("/health").get_json()
    assert body["articles"] == 8
    assert body["passages"] > 40


def test_a_canonical_address_is_linked_as_it_is_whatever_site_url_says(tmp_path):
    content = make_content(tmp_path / "content")
    shutil.copy(FIXTURES / "html" / "sourdough-starter.html", content / "articles")
    build_index(content, tmp_path / "index")
    app = create_app(
        {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "SITE_URL": "https://faq.example"}
    )
    page = app.test_client().get("/", query_string={"q": "starter smell acetone"})
    html = page.get_data(as_text=True)
    assert 'href="https://bakery.example/guides/sourdough-starter#why-does-my-starter' in html
    assert "https://faq.examplehttps://" not in html
    assert 'href="https://faq.example/articles/restless-leg-syndrome#' in app.test_client().get(
        "/", query_string={"q": "iron deficiency"}
    ).get_data(as_text=True)


def test_the_article_page_shows_an_html_article_escaped(client):
    page = client.get("/articles/sourdough-starter")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Why does my starter smell like acetone?" in html
    assert "&lt;script&gt;alert(" in html
    assert "<script>alert(" not in html


def test_answering_needs_none_of_the_build_time_readers(tmp_path):
    """The Lambda package has requirements.txt only: the service must run without lxml,
    markdown-it-py or PyYAML (requirements-build.txt), even over HTML and Markdown articles."""
    content = make_content(tmp_path / "content")
    shutil.copy(FIXTURES / "html" / "rain-gardens.html", content / "articles")
    shutil.copy(FIXTURES / "markdown" / "bike-puncture.md", content / "articles")
    build_index(content, tmp_path / "index")
    script = (
        "import sys\n"
        "for name in ('lxml', 'markdown_it', 'mdurl', 'yaml'):\n"
        "    sys.modules[name] = None  # importing any of them now fails\n"
        "from service.app import create_app\n"
        f"app = create_app({{'SEARCH_INDEX_DIR': {str(tmp_path / 'index')!r}}})\n"
        "c = app.test_client()\n"
        "def ask(q):\n"
        "    print('got', c.get('/answer', query_string={'q': q}).get_json()['answer']['id'])\n"
        "ask('do rain gardens breed mosquitoes')\n"
        "ask('why do I keep getting punctures')\n"
        "print('got', c.get('/articles/rain-gardens').status_code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    got = [line[4:] for line in done.stdout.splitlines() if line.startswith("got ")]
    assert got == [
        "rain-gardens/do-rain-gardens-breed-mosquitoes",
        "bike-puncture/why-do-i-keep-getting-punctures",
        "200",
    ]


def _chapter(product: str, port_answer: str) -> str:
    """A DocBook-style chapter page: titled by the chapter, its product named by its home link."""
    return (
        f"<html><head><title>Configuration</title>"
        f'<link rel="HOME" title="{product} Frequently Asked Questions" href="index.html">'
        "</head><body><h1>Configuration</h1><p>Settings live in one file.</p>"
        f"<h2>How do I change the listening port?</h2><p>{port_answer}</p>"
        "<h2>Where is the configuration file?</h2><p>In the program's folder.</p>"
        "</body></html>"
    )


def test_a_chapter_page_is_about_the_product_its_document_names(tmp_path):
    content = make_content(tmp_path / "content")
    articles = content / "articles"
    (articles / "ferrow-config.html").write_text(
        _chapter("Ferrow", "Edit the listen line and give the new port number, then restart it.")
    )
    (articles / "quillet-config.html").write_text(
        _chapter("Quillet", "Set the port option to the number you want; it is read on start.")
    )
    build_index(content, tmp_path / "index")
    client = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "index")}).test_client()
    for product, slug in (("ferrow", "ferrow-config"), ("quillet", "quillet-config")):
        body = client.get("/search", query_string={"q": f"change the {product} port"}).get_json()
        assert body["results"][0]["id"] == f"{slug}/how-do-i-change-the-listening-port"
