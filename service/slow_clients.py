"""A deadline for a request body sent slowly, when self-hosted under gunicorn.

API Gateway hands Lambda whole requests. A server of our own reads from the client: one that
sends its body a byte a second would keep its connection, and the greenlet or thread serving it,
for as long as it likes. So the body (at most MAX_CONTENT_LENGTH) is read before any route, in
BODY_READ_TIMEOUT seconds in all; a client that takes longer gets 408 `request_timeout` and its
connection is closed. The request headers have their own bound (scripts/gunicorn.conf.py).
"""

from __future__ import annotations

import io
import socket
import threading

from flask import Flask, Response, current_app, request

from .errors import error_response


def _stop_reading(sock: socket.socket, fired: threading.Event) -> None:
    fired.set()
    try:
        # A blocked read returns at once with what it has; the response can still be sent.
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass  # already closed by the client


def init_read_deadline(app: Flask) -> None:
    """Read every request body within BODY_READ_TIMEOUT seconds, or answer 408."""

    @app.before_request
    def _read_body_in_time() -> Response | None:
        sock = request.environ.get("gunicorn.socket")
        chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
        if sock is None or not (request.content_length or chunked):
            return None  # not a gunicorn socket (Lambda, the test client), or no body
        seconds = float(current_app.config["BODY_READ_TIMEOUT"])
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        fired = threading.Event()
        # A timer, not a socket timeout: gunicorn's reader retries each short read, so only a
        # deadline for the whole body bounds a client that trickles it.
        timer = threading.Timer(seconds, _stop_reading, (sock, fired))
        timer.daemon = True
        timer.start()
        stream = request.environ["wsgi.input"]
        try:
            want = request.content_length or limit + 1
            data = stream.read(want)
        except OSError:
            data = b""
            if not fired.is_set():
                return error_response(400, "bad_request", "the request body ended early")
        finally:
            timer.cancel()
        if fired.is_set():
            return error_response(
                408, "request_timeout", f"the request body did not arrive within {seconds:g} s"
            )
        # The routes read the body as usual, from memory now.
        request.environ["wsgi.input"] = io.BytesIO(data)
        return None
