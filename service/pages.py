"""The search page at /: a form that works without JavaScript, results rendered on the server.

The script in static/search.js only adds suggestions while typing; submitting is always a plain
GET to this page. Every piece of content is escaped by Jinja except the snippets, which the core
has already escaped and marked up with <mark>.
"""

from __future__ import annotations

import re
import time

from flask import Blueprint, Response, current_app, redirect, render_template, request

from index.articles import read_article
from index.errors import BadQuery, IndexMissing, IndexUnreadable
from index.search import search_and_answer

from .errors import ApiError
from .operations import declare_args
from .params import request_args
from .query_log import log_query
from .schemas import PAGE_SIZE, PageArgs
from .search_index import current_index

bp = Blueprint("pages", __name__)
declare_args(bp, "search_page", PageArgs)
# The box's maxlength: the declared limit of q, as typed.
QUERY_MAX_CHARS = PageArgs().fields["q"].max_chars
# What index.text.slugify() makes; anything else names no article.
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# No inline script or style anywhere: the page's own files only, and calls to its own API.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def site_link(url: str) -> str:
    """Return the link to a passage on the site (SITE_URL + the passage's path)."""
    if url.startswith(("https://", "http://")):  # a page's own canonical address
        return url
    return current_app.config.get("SITE_URL", "").rstrip("/") + url


@bp.get("/")
def search_page() -> tuple[str, int]:
    """Render the search box, and the results when a query was submitted."""
    context: dict = {
        "query": "",
        "site_link": site_link,
        "page_size": PAGE_SIZE,
        "query_max_chars": QUERY_MAX_CHARS,
    }
    if not request.args.get("q", "").strip():
        return render_template("search.html", **context), 200
    context["query"] = request.args.get("q", "")
    started = time.perf_counter()
    try:
        args = request_args()
        offset = args["offset"]
        found = search_and_answer(current_index(), args["q"], PAGE_SIZE, offset)
    except ApiError as exc:
        return render_template("search.html", error=exc.message, **context), exc.status
    except BadQuery as exc:
        return render_template("search.html", error=str(exc), **context), 400
    except (IndexMissing, IndexUnreadable):
        current_app.logger.exception("search page: index unavailable")
        message = "Search is not available right now. Please try again in a minute."
        return render_template("search.html", error=message, **context), 503
    # The page is where most people search: its queries go to the same log as the API's.
    log_query("/", found.results, started, answer=found.answer, offset=offset)
    context.update(query=args["q"].text, results=found.results, offset=offset, answer=found.answer)
    return render_template("search.html", **context), 200


@bp.get("/articles/<slug>")
def article_page(slug: str) -> Response | tuple[str, int]:
    """Send the reader to the site's article, or, with no SITE_URL, show it from the index."""
    if not _SLUG.fullmatch(slug):
        return render_template("article.html", slug=slug), 404
    if current_app.config.get("SITE_URL"):
        return redirect(site_link(f"/articles/{slug}"), 302)
    try:
        found = read_article(current_index(), slug)
    except (IndexMissing, IndexUnreadable):
        current_app.logger.exception("article page: index unavailable")
        message = "This page is not available right now. Please try again in a minute."
        return render_template("article.html", slug=slug, error=message), 503
    if found is None:
        return render_template("article.html", slug=slug), 404
    return render_template("article.html", article=found, slug=slug), 200


def page_headers(response: Response) -> Response:
    """Give the pages (and only them) their own security headers."""
    if request.blueprint != bp.name:
        return response
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    # Queries can be personal (health questions): no page they lead to learns them.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
