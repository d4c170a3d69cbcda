"""Logging helpers: the request id on every line, JSON lines, and a brake on repeated warnings.

`LOGGING` in the settings wires them: the console handler carries `RequestIdFilter` and the
formatter chosen by `LOG_FORMAT` (`json` by default, `plain` in development).
"""

import logging
import re
import threading
import time
import uuid
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

# The id of the request being served in this thread, "-" outside a request.
request_id_var = ContextVar("request_id", default="-")

# What a proxy may hand us as X-Request-ID: a UUID or a similar token, nothing that could forge
# a log line (no spaces, quotes or control characters), and not too long.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")


def request_id_from(header_value):
    """The proxy's request id when it is a plausible one, otherwise a new random one."""
    if header_value and REQUEST_ID_PATTERN.match(header_value):
        return header_value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so that every line of one request can be found together."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            # Django logs a 4xx or 5xx response after the middleware is done, with the request
            # attached: its id is on the request.
            request_id = getattr(getattr(record, "request", None), "request_id", None)
            record.request_id = request_id or request_id_var.get()
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line: level, logger, message, request id, time and any `extra` fields."""

    def __init__(self, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        # ISO 8601 in UTC: the same clock in gunicorn's master and in Django's workers (which
        # switch the process to TIME_ZONE).
        kwargs.setdefault("timestamp", "time")
        super().__init__(**kwargs)


class RateLimitFilter(logging.Filter):
    """Lets one record through per `interval` seconds; the next one says how many were held back.

    For failures that repeat on every request while they last, such as an unreachable Redis:
    the log shows the failure once per period instead of once per request.
    """

    def __init__(self, interval=60):
        super().__init__()
        self.interval = float(interval)
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        self._last_passed = None
        self._suppressed = 0

    def filter(self, record):
        now = time.monotonic()
        with self._lock:
            if self._last_passed is not None and now - self._last_passed < self.interval:
                self._suppressed += 1
                return False
            record.suppressed_since_last = self._suppressed
            self._last_passed = now
            self._suppressed = 0
        return True


security_logger = logging.getLogger("pompidou_site.security")


def log_failed_login(sender, credentials, request=None, **kwargs):
    """`user_login_failed`: a WARNING with the username tried and the address it came from, never the password."""
    username = str(credentials.get("username", ""))[:150]
    meta = request.META if request is not None else {}
    security_logger.warning(
        "Failed login for %r from %s",
        username,
        meta.get("REMOTE_ADDR", "-"),
        extra={
            "event": "login_failed",
            "username": username,
            "remote_addr": meta.get("REMOTE_ADDR", ""),
            # As the proxy passed it on: the client's address when the proxy sets it, not proof.
            "forwarded_for": meta.get("HTTP_X_FORWARDED_FOR", "")[:200],
        },
    )
