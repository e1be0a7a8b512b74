"""Production server settings: `gunicorn portal.wsgi` reads this file from the project folder.

    PORTAL_ENV=production SECRET_KEY=… ALLOWED_HOSTS=… DATABASE_URL=postgres://… \
        REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/gunicorn portal.wsgi

GUNICORN_BIND and WEB_CONCURRENCY (worker processes) override the defaults below;
`make bench` serves the site this way.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Requests are mostly database work and template rendering, on as many cores as there are.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A worker silent this long is restarted. A CSV of every event streams for about a
# minute on a small machine, and must not be cut off.
timeout = 300
graceful_timeout = 30
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# The objects a worker loads with the application (modules, templates, translations, URL
# patterns) live as long as it does, yet each full run of Python's cycle collector walks
# them all: about 100 ms, in the middle of whichever request triggers it, which was most
# of a list page's 99th percentile. Frozen, they are left out of collections; it is done
# when the application is loaded and again once the first requests have filled the
# worker's caches.
FREEZE_AFTER_REQUESTS = 50


def _freeze():
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    _freeze()


def post_request(worker, req, environ, resp):
    if worker.nr == FREEZE_AFTER_REQUESTS:
        _freeze()
