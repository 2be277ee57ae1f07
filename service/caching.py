"""HTTP caching tied to the index version: ETag, Cache-Control and 304 on If-None-Match.

A successful GET's ETag is weak (a body differs in `took_ms`, not in meaning) and made of the
index version the request was answered from plus a hash of the code, the relevant settings and
the request URL. A browser or CDN keeps the response for CACHE_MAX_AGE / CACHE_S_MAXAGE seconds,
then revalidates: until a rebuild or a redeploy it gets 304 Not Modified, after one the new body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, request

from .search_index import answering_index

ROOT = Path(__file__).resolve().parent.parent
# What a response is made from besides the index: the code, templates and static files.
_CODE_SUFFIXES = {".py", ".html", ".css", ".js"}
# Settings that change a response body.
_BODY_SETTINGS = ("SITE_URL",)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Return a hash of the source of index/ and service/ (changes with every redeploy)."""
    digest = hashlib.sha256()
    for folder in ("index", "service"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def etag_for(app: Flask) -> str:
    """Return the ETag value (unquoted) of the current request's response."""
    index = answering_index()
    version = index.version if index is not None else "none"
    settings = "\0".join(str(app.config.get(name, "")) for name in _BODY_SETTINGS)
    url = request.path + "?" + request.query_string.decode("latin-1")
    digest = hashlib.sha256(f"{code_fingerprint()}\0{settings}\0{url}".encode()).hexdigest()
    return f"{version}-{digest[:16]}"


def init_caching(app: Flask) -> Callable[[Response], Response]:
    """Return the hook giving successful GETs Cache-Control and an ETag, and 304 on a match."""
    code_fingerprint()  # read the files once at start-up, not on the first request
    cache_control = (
        f"public, max-age={app.config['CACHE_MAX_AGE']}, s-maxage={app.config['CACHE_S_MAXAGE']}"
    )

    def cache_headers(response: Response) -> Response:
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if request.endpoint in (None, "static"):
            return response  # Flask's static files carry their own ETag and Last-Modified
        if "no-store" in response.headers.get("Cache-Control", ""):
            return response  # e.g. /health: always fresh
        response.headers.setdefault("Cache-Control", cache_control)
        response.set_etag(etag_for(app), weak=True)
        had_date = "Date" in response.headers
        # Weak comparison, as RFC 9110 asks for If-None-Match; this also answers "*".
        response = response.make_conditional(request)
        if not had_date:
            del response.headers["Date"]  # the server or API Gateway sets its own
        return response

    return cache_headers
