"""gunicorn settings for the production web service, read only from the environment.

Start it with `make serve`, i.e. `gunicorn --config python:skill.gunicorn_conf`. TLS is not
terminated here: put the service behind a load balancer, reverse proxy or tunnel that holds the
certificate Alexa connects to on port 443. docs/web-service.md lists every variable with its default.
"""

from __future__ import annotations

import os

wsgi_app = "skill.web:create_app(production=True)"

bind = [f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8080')}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
"""Threads let a worker keep answering from its chain cache while another thread waits on the
first download of a new certificate chain (up to 6 s)."""
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

control_socket_disable = True
"""gunicorn 24+ opens a management socket in $HOME by default; the service needs none."""

preload_app = True
"""Build the app once in the master, so a missing ALEXA_SKILL_ID or a bad setting stops the
start with one clear error instead of workers failing to boot one after another."""

log_level = os.environ.get("LOG_LEVEL", "INFO").upper()
logconfig_dict = {
    "root": {"level": log_level, "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": log_level, "handlers": [], "propagate": True},
        # No per-request access lines: the skill logs each request's type itself, and refusals.
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
    },
}
