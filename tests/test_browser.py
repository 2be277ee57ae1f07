"""End to end in Debian's headless Chromium, driven by Playwright, against a real server process.

Skipped when Chromium is not installed, unless REQUIRE_BROWSER is set (.ci/run sets it after
installing the browser), so CI can never pass by skipping these.
"""

from __future__ import annotations

import json
import os
import re
import threading
import urllib.parse
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .conftest import ROOT
from .servers import free_port, gunicorn

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
if not CHROMIUM.is_file():
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError(f"REQUIRE_BROWSER is set but {CHROMIUM} is missing")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EMBED_HOST = "https://search.example.com"  # the placeholder in the documented snippet


def _documented_snippet() -> str:
    """Return the embeddable snippet exactly as docs/search-box.md documents it."""
    page = (ROOT / "docs" / "search-box.md").read_text()
    section = page[page.index("## Embedding the box") :]
    return re.search(r"```html\n(.*?)```", section, re.S).group(1)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Two other sites on 127.0.0.1 that embed the box: one allowed by CORS_ORIGINS, one not."""
    servers = {}
    for name in ("allowed", "refused"):
        folder = tmp_path_factory.mktemp(name)
        server = ThreadingHTTPServer(
            ("127.0.0.1", free_port()), partial(_QuietHandler, directory=str(folder))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers[name] = (server, folder, f"http://127.0.0.1:{server.server_port}")
    yield {name: (folder, base) for name, (_, folder, base) in servers.items()}
    for server, _, _ in servers.values():
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def server(multi_index_dir, sites):
    """The app in its own process on 127.0.0.1, allowing the 'allowed' site's origin."""
    env = {"CORS_ORIGINS": sites["allowed"][1]}
    with gunicorn(multi_index_dir, workers=1, threads=4, env=env) as base:
        for folder, _ in sites.values():
            html = _documented_snippet().replace(EMBED_HOST, base)
            (folder / "index.html").write_text(
                f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Site</title>"
                f"</head><body><h1>Another site</h1>{html}</body></html>"
            )
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    """A fresh page; fails the test if the page broke its Content-Security-Policy or threw."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    assert problems == []


def _api(server: str, route: str, q: str) -> dict:
    url = f"{server}/{route}?{urllib.parse.urlencode({'q': q})}"
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def _box(page: Page):
    return page.get_by_role("combobox", name="Search the articles and FAQ")


def test_type_see_suggestions_pick_with_the_keyboard_see_ranked_results(server, page):
    page.goto(server + "/")
    box = _box(page)
    box.press_sequentially("restless leg syn", delay=40)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expected = [s["text"] for s in _api(server, "suggest", "restless leg syn")["suggestions"]]
    expect(listbox.locator(".fs-option-text")).to_have_text(expected)
    assert expected[0] == "restless leg syndrome"

    box.press("ArrowDown")
    first = page.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("Enter")

    page.wait_for_url(re.compile(r"/\?q=restless\+leg\+syndrome$"))
    ranked = [r["section"] for r in _api(server, "search", "restless leg syndrome")["results"]]
    expect(page.locator(".fs-result-title")).to_have_text(ranked)
    expect(page.locator(".fs-snippet mark").first).to_have_text(
        re.compile("restless", re.IGNORECASE)
    )
    expect(page.locator(".fs-answer")).to_be_visible()
    expect(_box(page)).to_have_value("restless leg syndrome")


def test_arrows_move_escape_closes_and_focus_is_visible(server, page):
    page.goto(server + "/")
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    page.keyboard.press("Shift+Tab")
    box = _box(page)
    box.focus()
    box.press_sequentially("s", delay=40)
    options = page.get_by_role("option")
    expect(options.nth(2)).to_be_visible()
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    box.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("Escape")
    expect(page.get_by_role("listbox", include_hidden=True)).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("s")  # Escape closed the list, it did not clear the box
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_clicking_a_faq_question_shows_its_answer(server, page):
    page.goto(server + "/")
    _box(page).press_sequentially("is cast iron s", delay=40)
    question = page.get_by_role("option", name=re.compile("Is cast iron safe for glass cooktops"))
    expect(question).to_contain_text("FAQ")
    question.click()
    page.wait_for_url(re.compile(r"q=Is\+cast\+iron\+safe"))
    expect(page.locator(".fs-result-title").first).to_have_text(
        "Is cast iron safe for glass cooktops?"
    )
    expect(page.locator(".fs-answer-text")).to_contain_text("lift the pan")


def test_did_you_mean_is_followed(server, page):
    page.goto(server + "/?q=restles+leg+syndrom")
    expect(page.locator(".fs-result-title").first).to_be_visible()
    page.get_by_role("link", name="restless leg syndrome", exact=True).click()
    page.wait_for_url(re.compile(r"q=restless\+leg\+syndrome$"))
    expect(page.locator(".fs-corrected")).to_have_count(0)
    expect(page.locator(".fs-result")).not_to_have_count(0)


def test_an_unknown_query_shows_the_empty_state(server, page):
    page.goto(server + "/")
    box = _box(page)
    box.fill("chocolate cake recipe")
    box.press("Enter")
    expect(page.locator(".fs-empty-title")).to_have_text("No results for “chocolate cake recipe”.")


def test_the_form_works_without_javascript(server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server + "/")
        box = page.get_by_label("Search the articles and FAQ")
        expect(box).not_to_have_attribute("role", "combobox")  # the script did not run
        # A section only the seed article has: the check is the form's, not the ranking's (a
        # fixture article is titled after iron deficiency and rightly outranks the seed's section).
        box.fill("peripheral neuropathy")
        box.press("Enter")
        page.wait_for_url(re.compile(r"q=peripheral\+neuropathy$"))
        expect(page.locator(".fs-result-title").first).to_have_text("Peripheral Neuropathy")
        expect(page.locator(".fs-snippet mark").first).to_be_visible()
        expect(page.get_by_role("listbox", include_hidden=True)).to_have_count(0)
    finally:
        context.close()


def test_the_page_fits_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(server + "/?q=how+to+season+cast+iron")
        expect(page.locator(".fs-result").first).to_be_visible()
        box = _box(page)
        box.fill("")
        box.press_sequentially("season", delay=40)
        listbox = page.get_by_role("listbox")
        expect(listbox).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        right = page.evaluate("document.querySelector('.fs-button').getBoundingClientRect().right")
        assert right <= 360
    finally:
        context.close()


def test_the_box_embedded_on_an_allowed_site_calls_the_api_cross_origin(server, sites, page):
    page.goto(sites["allowed"][1] + "/index.html")
    with page.expect_response(lambda r: "/suggest?" in r.url) as caught:
        page.get_by_role("combobox").press_sequentially("iron d", delay=40)
    response = caught.value
    assert response.headers["access-control-allow-origin"] == sites["allowed"][1]
    first = _api(server, "suggest", "iron d")["suggestions"][0]["text"]
    expect(page.get_by_role("option").first).to_contain_text(first)
    page.get_by_role("combobox").press("ArrowDown")
    page.get_by_role("combobox").press("Enter")
    page.wait_for_url(f"{server}/?{urllib.parse.urlencode({'q': first})}")
    top = _api(server, "search", first)["results"][0]["section"]
    expect(page.locator(".fs-result-title").first).to_have_text(top)


def test_a_site_not_on_the_list_gets_no_suggestions(server, sites, browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(sites["refused"][1] + "/index.html")
        with page.expect_event("requestfailed", lambda r: "/suggest?" in r.url):
            page.get_by_role("combobox").press_sequentially("iron d", delay=40)
        expect(page.get_by_role("listbox", include_hidden=True)).to_be_hidden()
        expect(page.get_by_role("option")).to_have_count(0)
    finally:
        context.close()
