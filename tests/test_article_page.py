"""/articles/<slug>: with no SITE_URL, the article a result links to, rebuilt from the index."""

from __future__ import annotations

from index.build import build_index
from index.content import load_article
from service.app import create_app

from .conftest import ROOT, make_content
from .test_page import _page

SLUG = "restless-leg-syndrome"


def test_a_result_link_opens_the_article_at_its_section(client):
    page, _ = _page(client, "/?q=is+rls+genetic")
    link = page.find("a", href=f"/articles/{SLUG}#genetic-predisposition")
    assert link, "the answer links to its section"
    path, _, anchor = link[0]["href"].partition("#")
    article, html = _page(client, path)
    source = load_article(ROOT / "content" / "articles" / f"{SLUG}.txt")
    assert article.text("fs-article-title") == source.title
    assert article.text("fs-article-date") == source.date
    # Every section is there, in order, under a heading whose anchor the results link to.
    ids = [a["id"] for a in article.find("section") if "id" in a]
    assert ids == [p.slug for p in source.passages]
    assert anchor in ids
    headings = [a["href"] for a in article.find("a", **{"class": "fs-anchor"})]
    assert headings == [f"#{p.slug}" for p in source.passages if p.kind != "intro"]
    assert article.text("fs-anchor") == " ".join(
        p.section for p in source.passages if p.kind != "intro"
    )
    for passage in source.passages:
        first = passage.text.split("\n\n")[0]
        assert " ".join(first.split()) in " ".join(article.text("fs-article-section").split())


def test_the_answer_url_of_the_api_is_a_working_page(client):
    url = client.get("/answer?q=iron+deficiency+and+dopamine").get_json()["answer"]["url"]
    response = client.get(url.partition("#")[0])
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_article_text_is_escaped(tmp_path):
    content = make_content(tmp_path / "content")
    (content / "articles" / "markup.txt").write_text(
        'Markup <img src=x onerror="alert(1)"> Guide\n\nMar 3, 2024\n\n'
        "Tags <b>bold</b>\n\n"
        "Writing <script>alert(2)</script> in templates & layouts is a classic mistake.\n"
    )
    build_index(content, tmp_path / "index")
    client = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "index")}).test_client()
    page, html = _page(client, "/articles/markup")
    for raw in ["<script>alert", "<img src=", "<b>bold", 'onerror="alert']:
        assert raw not in html, raw
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert page.text("fs-article-title") == 'Markup <img src=x onerror="alert(1)"> Guide'


def test_unknown_or_malformed_slugs_are_a_404_page(client):
    for path in ["/articles/no-such-article", "/articles/Restless-Leg-Syndrome", "/articles/a--b"]:
        page, html = _page(client, path, status=404)
        assert "No article is called" in page.text("fs-error")


def test_with_site_url_the_article_is_the_site_s(index_dir):
    client = create_app(
        {"SEARCH_INDEX_DIR": str(index_dir), "SITE_URL": "https://www.example.com/"}
    ).test_client()
    response = client.get(f"/articles/{SLUG}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"https://www.example.com/articles/{SLUG}"
    page, _ = _page(client, "/?q=is+rls+genetic")
    assert page.find("a", href=f"https://www.example.com/articles/{SLUG}#genetic-predisposition")


def test_the_index_being_missing_is_a_503_page(tmp_path):
    client = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "none")}).test_client()
    page, html = _page(client, f"/articles/{SLUG}", status=503)
    assert "not available" in page.text("fs-error")
    assert str(tmp_path) not in html
