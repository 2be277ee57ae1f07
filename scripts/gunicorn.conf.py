"""Gunicorn settings for serving service.wsgi:app on a host (Lambda needs none of this).

Example:
    SEARCH_INDEX_DIR=index_data gunicorn -c scripts/gunicorn.conf.py service.wsgi:app
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Searching is CPU-bound Python: one process per core, a few threads each to overlap I/O.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", 4))
timeout = 30
graceful_timeout = 10
keepalive = 5
# A query of 800 characters, each percent-encoded as up to 12 bytes, fits in the request line.
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190
accesslog = os.environ.get("ACCESS_LOG")  # unset: no access log (the load test's default)
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "warning")
# No worker recycling: the load test shows memory stays flat without it.
max_requests = 0
