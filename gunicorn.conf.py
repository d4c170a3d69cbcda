"""Gunicorn settings for the production container (`gunicorn --config gunicorn.conf.py`).

Everything that depends on the host comes from the environment: PORT, WEB_CONCURRENCY,
GUNICORN_THREADS, FORWARDED_ALLOW_IPS and LOG_LEVEL.
"""

import errno
import multiprocessing
import os
import socket

wsgi_app = "pompidou_site.wsgi:application"

# In a container the port is published by the orchestrator, so listen on every interface.
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"  # noqa: S104

# cpu_count() sees the host's cores, not the container's share: cap the default and let the
# platform set WEB_CONCURRENCY when it knows better.
MAX_DEFAULT_WORKERS = 8
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, MAX_DEFAULT_WORKERS)))

# Threads, so that a slow client downloading a large document through Wagtail's serve view holds
# one thread rather than a whole worker. Four: rendering is CPU-bound Python (one thread runs at a
# time under the GIL), so more threads add no throughput, only memory and contention; fewer would
# let two or three slow downloads stall a worker. Workers: WEB_CONCURRENCY, see above.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

timeout = 30
# Time a worker gets to finish its requests after a restart or a deploy's SIGTERM.
graceful_timeout = 30
keepalive = 5

# Each worker listens on a socket of its own (SO_REUSEPORT, Linux; gunicorn 22 and later bind it
# in the worker) and the kernel spreads new connections across them. With one shared socket the
# workers race to accept, and the busiest one wins: measured (2 workers, wrk -c16, 2 cores), all
# 16 kept-alive connections went to one worker in 2 runs out of 3, which halved the rate of cached
# pages and static files for the whole run while the other worker sat idle. With a socket each,
# 15 runs in a row split them between 5/11 and 8/8. The cost: connections still waiting on a
# worker's own socket when that worker exits (a crash, a timeout, a deploy) are reset instead of
# being taken by another worker. Workers are not recycled (below), so that is rare.
reuse_port = True


def on_starting(server):
    """Refuse to start where another server already listens.

    SO_REUSEPORT would otherwise let a second gunicorn (a stale one, a second `make` target) bind
    the same port without an error and silently take half the traffic.
    """
    for address in server.cfg.address:
        if not isinstance(address, tuple):
            continue  # A Unix socket: gunicorn's own check applies.
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address[:2])
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    raise SystemExit(f"{address[0]}:{address[1]} is already in use by another server") from None
                raise


# Workers are not recycled after a number of requests (gunicorn's own default, MAX_REQUESTS=0).
# Measured: a worker's memory stayed flat at about 165 MB over 100,000 uncached renders of every
# page type (the in-process copies of the cache are capped by PAGE_CACHE_LOCAL_BYTES), so there is
# no leak to contain. A restart costs more than it saves: at 1000 a worker serving static files or
# cached pages restarted every second or so, which halved the static rate and put its p99 near
# 400 ms; at 50000, once a minute under load, and each time the restarting worker's kept-alive
# connections came back to the others before it was up again, leaving it idle until clients
# reconnect. Set MAX_REQUESTS (with a tenth of it as jitter) if a release ever leaks.
max_requests = int(os.environ.get("MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10

# The heartbeat file in memory rather than on the container's overlay filesystem, where an
# fchmod can stall a worker long enough to be killed. Gunicorn creates the file with mkstemp.
SHARED_MEMORY_DIR = "/dev/shm"  # noqa: S108
worker_tmp_dir = SHARED_MEMORY_DIR if os.path.isdir(SHARED_MEMORY_DIR) else None

# The proxy or load balancer whose X-Forwarded-* headers are trusted. Gunicorn's own default is
# loopback only; set FORWARDED_ALLOW_IPS to the proxy's address or network.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout and stderr, where the container platform collects them. No access log: the
# application writes one line per request itself (pompidou_site.middleware.RequestLogMiddleware),
# with its request id, so gunicorn's own would only double it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# Gunicorn's own lines (workers starting, timeouts) in the application's format: JSON unless
# LOG_FORMAT=plain. The access logger is silenced, not configured, for the reason above.
if os.environ.get("LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "pompidou_site.log.JsonFormatter"}},
        "filters": {"request_id": {"()": "pompidou_site.log.RequestIdFilter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": loglevel.upper(), "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }

# The orchestrator manages the process; a control socket in the shared home directory would only
# collide with another Gunicorn on the same host.
control_socket_disable = True
