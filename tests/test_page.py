"""The search page at / through the test client: server-rendered results, escaping, headers."""

import json
import re
from html.parser import HTMLParser

from index.build import build_index
from service.app import create_app

from .conftest import make_content


class _Page(HTMLParser):
    """Collect what the tests look at: tags with attributes, and text by class."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[str | None] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag not in {"meta", "link", "input", "br", "img"}:
            self._open.append(attributes.get("class"))

    def handle_endtag(self, tag):
        if tag not in {"meta", "link", "input", "br", "img"} and self._open:
            self._open.pop()

    def handle_data(self, data):
        for cls in self._open:
            if cls:
                self.texts.setdefault(cls, []).append(data)

    def text(self, cls: str) -> str:
        """Return the text inside elements of this class, whitespace collapsed."""
        return " ".join(" ".join(self.texts.get(cls, [])).split())

    def find(self, tag: str, **attrs) -> list[dict]:
        """Return the attributes of every tag of this name with these attribute values."""
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def _page(client, url: str, status: int = 200) -> tuple[_Page, str]:
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    return _Page(html), html


def test_the_start_page_is_a_labelled_search_form(client):
    page, _ = _page(client, "/")
    form = page.find("form", role="search")[0]
    assert form["method"] == "get" and form["action"] == "/"
    assert form["data-suggest-url"] == "/suggest"
    field = page.find("input", name="q")[0]
    assert page.find("label", **{"for": field["id"]})
    assert page.find("meta", name="viewport")
    assert page.text("fs-hint")
    assert not page.find("meta", name="robots")


def test_results_are_rendered_on_the_server(client):
    page, html = _page(client, "/?q=iron+deficiency+and+dopamine")
    api = client.get("/search?q=iron deficiency and dopamine").get_json()
    titles = page.texts["fs-result-title"]
    assert [t.strip() for t in titles if t.strip()] == [r["section"] for r in api["results"]]
    first_link = page.find("a", href=api["results"][0]["url"])
    assert first_link
    assert "<mark>dopamine</mark>" in html
    assert page.find("input", name="q")[0]["value"] == "iron deficiency and dopamine"
    assert page.find("meta", name="robots", content="noindex")
    assert f"{api['total']} results" in page.text("fs-count")


def test_the_best_answer_is_shown_above_the_results(client):
    page, html = _page(client, "/?q=is+rls+genetic")
    answer = client.get("/answer?q=is rls genetic").get_json()["answer"]
    assert page.text("fs-answer-text") == answer["text"]
    assert html.index("fs-answer") < html.index("fs-results")
    # Results, but none that answers confidently: no answer box.
    assert client.get("/answer?q=kidney recipe").get_json()["answer"] is None
    page, html = _page(client, "/?q=kidney+recipe")
    assert page.texts["fs-result-title"]
    assert "fs-answer" not in html


def test_a_list_answer_links_each_item(client):
    page, _ = _page(client, "/?q=reason+for+restless+leg+syndrome")
    answer = client.get("/answer?q=reason for restless leg syndrome").get_json()["answer"]
    assert page.text("fs-answer-text") == answer["text"]
    links = [a["href"] for a in page.find("a") if "#" in a.get("href", "")]
    assert [i["url"] for i in answer["items"]] == links[: len(answer["items"])]
    assert page.text("fs-answer-items") == " ".join(i["title"] for i in answer["items"])


def test_a_corrected_query_offers_did_you_mean(client):
    page, _ = _page(client, "/?q=restles+leg+syndrom")
    link = page.find("a", **{"class": "fs-corrected-link"})[0]
    assert link["href"] == "/?q=restless+leg+syndrome"
    assert page.text("fs-corrected-link") == "restless leg syndrome"
    followed, _ = _page(client, link["href"])
    assert not followed.find("a", **{"class": "fs-corrected-link"})
    assert followed.texts["fs-result-title"]


def test_no_results_gets_a_clear_empty_state(client):
    page, _ = _page(client, "/?q=chocolate+cake+recipe")
    assert "No results for “chocolate cake recipe”" in page.text("fs-empty-title")
    assert not page.find("ol", **{"class": "fs-results"})


def test_an_empty_query_shows_the_start_page(client):
    page, _ = _page(client, "/?q=+++")
    assert page.text("fs-hint")
    assert not page.text("fs-error")


def test_bad_input_is_explained_on_the_page(client):
    page, _ = _page(client, "/?q=" + "a" * 300, status=400)
    assert "longer than 200" in page.text("fs-error")
    page, _ = _page(client, "/?q=%2A", status=400)
    assert page.text("fs-error") == "the query has no words to search for"
    page, _ = _page(client, "/?q=iron&offset=-3", status=400)
    assert "offset" in page.text("fs-error")


def test_pages_of_results_link_to_each_other(multi_client):
    first, _ = _page(multi_client, "/?q=iron+pan+heat+oil+water+dry+legs")
    total = multi_client.get("/search?q=iron pan heat oil water dry legs").get_json()["total"]
    assert total > 10
    next_link = first.find("a", rel="next")[0]["href"]
    assert "offset=10" in next_link
    second, _ = _page(multi_client, next_link)
    assert second.find("a", rel="prev")
    assert second.find("ol", start="11")


def test_the_index_being_missing_is_a_503_page(tmp_path):
    client = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "none")}).test_client()
    page, html = _page(client, "/?q=iron", status=503)
    assert "not available" in page.text("fs-error")
    assert str(tmp_path) not in html


def test_links_use_site_url(index_dir):
    client = create_app(
        {"SEARCH_INDEX_DIR": str(index_dir), "SITE_URL": "https://www.example.com/"}
    ).test_client()
    page, _ = _page(client, "/?q=iron+deficiency")
    assert page.find(
        "a", href="https://www.example.com/articles/restless-leg-syndrome#iron-deficiency"
    )


def test_every_piece_of_content_is_escaped(tmp_path):
    content = make_content(tmp_path / "content")
    (content / "articles" / "markup.txt").write_text(
        'Markup <img src=x onerror="alert(1)"> Guide\n\n'
        "Tags <b>bold</b>\n\n"
        "Writing <script>alert(2)</script> in templates & layouts is a classic mistake.\n"
    )
    build_index(content, tmp_path / "index")
    client = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "index")}).test_client()
    query = '<script>alert(3)</script> templates "><img src=y onerror=alert(4)>'
    response = client.get("/", query_string={"q": query})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "templates" in _Page(html).text("fs-snippet")
    for raw in ["<script>alert", "<img src=", "<b>bold", 'onerror="alert', "onerror=alert(4)>"]:
        assert raw not in html, raw
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;<mark>script</mark>&gt;" in html or "&lt;script&gt;" in html


def test_the_page_sends_security_headers_and_no_inline_script(client):
    response = client.get("/?q=iron")
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'none'"
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = response.get_data(as_text=True)
    page = _Page(html)
    assert all(attrs.get("src") for attrs in page.find("script"))
    assert not re.search(r"<[^>]+\son\w+\s*=", html)  # no inline event handlers
    assert not re.search(r"<[^>]+\sstyle\s*=", html)  # no inline styles either


def test_the_script_and_stylesheet_are_served(client):
    page, _ = _page(client, "/")
    script = page.find("script")[0]["src"]
    stylesheet = page.find("link", rel="stylesheet")[0]["href"]
    with client.get(script) as js:
        assert js.status_code == 200
        assert js.mimetype in ("text/javascript", "application/javascript")
        assert b"data-suggest-url" in js.data
        etag = js.headers["ETag"]
    with client.get(stylesheet) as css:
        assert css.status_code == 200 and css.mimetype == "text/css"
    # Static files revalidate with their own validators (redeploys change them).
    with client.get(script, headers={"If-None-Match": etag}) as cached:
        assert cached.status_code == 304


def test_a_search_on_the_page_is_logged_like_an_api_query(client, caplog):
    from service import query_log

    query_log.logger.addHandler(caplog.handler)
    try:
        client.get("/?q=is+rls+genetic")
        client.get("/")  # the empty start page is not a query
    finally:
        query_log.logger.removeHandler(caplog.handler)
    [line] = [json.loads(r.getMessage()) for r in caplog.records]
    assert (line["route"], line["query"], line["answered"]) == ("/", "is rls genetic", True)
