"""Gunicorn settings for serving service.wsgi:app on a host (Lambda needs none of this).

Example:
    SEARCH_INDEX_DIR=index_data gunicorn -c scripts/gunicorn.conf.py service.wsgi:app

The gevent worker serves each connection in a greenlet, so clients that send slowly (or not at
all) cost a little memory each instead of a thread: the slow-client test holds 200 trickling
connections while other clients are answered (docs/reliability.md). Installed from
requirements-serve.txt.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Searching is CPU-bound Python: one process per core.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = os.environ.get("WORKER_CLASS", "gevent")
# Open connections per worker (greenlets); past it, new ones wait in the listen backlog.
worker_connections = 1000
threads = int(os.environ.get("THREADS", 4))  # the gthread worker's, if WORKER_CLASS=gthread
timeout = 30
graceful_timeout = 10
# Seconds a client has to send each request's line and headers (the gevent worker bounds that
# read by the keep-alive time, on a new connection too), and that an idle connection stays open.
# The body has BODY_READ_TIMEOUT (service/slow_clients.py).
keepalive = 5
# A query of 800 characters, each percent-encoded as up to 12 bytes, fits in the request line.
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190
accesslog = os.environ.get("ACCESS_LOG")  # unset: no access log (the load test's default)
# No user name (a Dialogflow secret can arrive as basic auth's), no query string (secrets and
# what people asked; the app's query log records queries), no referrer (it carries both).
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "warning")
# No worker recycling: the load test shows memory stays flat without it.
max_requests = 0


def _is_gevent(worker) -> bool:
    return type(worker).__module__ == "gunicorn.workers.ggevent"


def post_worker_init(worker):
    """Accept one connection at a time (gevent takes up to 100 per wake-up by default, so one
    worker would take a burst of new connections while the other idles)."""
    if _is_gevent(worker):
        from gevent.baseserver import BaseServer

        BaseServer.max_accept = 1


def post_request(worker, req, environ, resp):
    """Let the worker's other connections run before this one reads its next request
    (greenlets are not preempted; without this a busy connection can starve the rest)."""
    if _is_gevent(worker):
        import gevent

        gevent.sleep(0)
