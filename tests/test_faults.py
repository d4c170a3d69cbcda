"""Faults: health endpoints, Redis down, database down, timeouts, and the logs that tell of them.

The same scenarios under a running gunicorn on PostgreSQL are in `.ci/db_outage_check.py`
(`make fault-check`).
"""

import io
import json
import logging
import os
import time
import uuid
from unittest import mock

import pytest

from django.core.cache import caches
from django.db import OperationalError, connection, connections
from django.template.loader import render_to_string
from django.template.response import SimpleTemplateResponse
from django.test import override_settings
from django.utils import translation

from pompidou_site.log import RateLimitFilter, request_id_var
from pompidou_site.settings.base import database_timeouts

UNUSED_REDIS = "redis://127.0.0.1:6390/0"
REAL_REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")


def redis_cache(location):
    """The production cache settings (django-redis, short timeouts, errors ignored) at `location`."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"pompidou-test-{uuid.uuid4().hex[:8]}",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25, "IGNORE_EXCEPTIONS": True},
        }
    }


def refuse_database():
    """Every query fails as it does when PostgreSQL refuses connections."""
    return mock.patch.object(
        connections["default"],
        "ensure_connection",
        side_effect=OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused'),
    )


@pytest.fixture
def console_output():
    """What the console handler (the one production writes to stdout) writes during the test."""
    handler = next(handler for handler in logging.getLogger().handlers if handler.get_name() == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


@pytest.fixture
def redis_log_brake():
    """The once-a-minute filter on django-redis's log, reset so that the test sees its first line."""
    brake = next(f for f in logging.getLogger("django_redis.cache").filters if isinstance(f, RateLimitFilter))
    brake.reset()
    yield brake
    brake.reset()


# ---- Health endpoints ---------------------------------------------------------------------------


def test_liveness_answers_without_touching_the_database_or_the_cache(client, db):
    with refuse_database(), override_settings(CACHES=redis_cache(UNUSED_REDIS)):
        response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_is_200_when_the_database_and_the_cache_answer(client, db):
    response = client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_readiness_is_503_naming_the_database_when_its_cursor_fails(client, db):
    with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("server closed")):
        response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "cache": "ok"}


def test_readiness_is_503_naming_the_cache_when_redis_is_down(client, db):
    with override_settings(CACHES=redis_cache(UNUSED_REDIS)):
        response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "unavailable"}


def test_readiness_is_503_when_the_cache_raises(client, db):
    with mock.patch("pompidou_site.views.cache") as broken_cache:
        broken_cache.set.side_effect = ConnectionError("Redis went away")
        response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable"


def test_the_load_balancer_health_check_keeps_to_the_database(client, db):
    """/health/ stays 200 with Redis down, so that a load balancer keeps a site that still serves."""
    with override_settings(CACHES=redis_cache(UNUSED_REDIS)):
        assert client.get("/health/").json() == {"status": "ok", "database": "ok"}
    with refuse_database():
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


@override_settings(SECURE_SSL_REDIRECT=True)
@pytest.mark.parametrize("path", ["/health/", "/health/live/", "/health/ready/"])
def test_health_endpoints_answer_over_plain_http(client, db, path):
    assert client.get(path).status_code == 200
    assert client.get("/en/").status_code == 301  # while the site itself goes to HTTPS


# ---- Redis is a cache, not a single point of failure ----------------------------------------------


def test_pages_still_answer_with_redis_down_and_it_is_logged_once(client, site_tree, caplog, redis_log_brake):
    caplog.set_level(logging.WARNING, logger="django_redis.cache")
    with override_settings(CACHES=redis_cache(UNUSED_REDIS)):
        started = time.monotonic()
        for url in [site_tree.home.url, site_tree.programme.url, site_tree.home_fr.url, "/en/countries/"]:
            assert client.get(url).status_code == 200, url
        elapsed = time.monotonic() - started
        assert client.get("/health/ready/").json()["cache"] == "unavailable"
    redis_lines = [record for record in caplog.records if record.name == "django_redis.cache"]
    assert len(redis_lines) == 1, "one line per failure period, not one per request"
    assert redis_lines[0].exc_info is not None  # the reason, for whoever reads the log
    assert elapsed < 10  # refused at once, never a timeout per cache call


def test_the_admin_still_answers_with_redis_down(client, site_tree, superuser, redis_log_brake):
    client.force_login(superuser)
    with override_settings(CACHES=redis_cache(UNUSED_REDIS)):
        for url in ["/admin/", f"/admin/pages/{site_tree.home.pk}/", f"/admin/pages/{site_tree.programme.pk}/edit/"]:
            assert client.get(url).status_code == 200, url


def test_the_redis_log_brake_lets_a_line_through_again_after_its_period():
    brake = RateLimitFilter(interval=60)
    record = logging.LogRecord("django_redis.cache", logging.ERROR, __file__, 1, "Exception ignored", None, None)
    with mock.patch("pompidou_site.log.time.monotonic", side_effect=[1000.0, 1001.0, 1002.0, 1061.0]):
        assert [brake.filter(record) for _ in range(4)] == [True, False, False, True]
    assert record.suppressed_since_last == 2


def test_the_cache_works_with_a_real_redis(client, db):
    with override_settings(CACHES=redis_cache(REAL_REDIS)):
        cache = caches["default"]
        key = f"faults-test-{uuid.uuid4().hex}"
        cache.set(key, {"answer": 42}, timeout=30)
        try:
            assert cache.get(key) == {"answer": 42}
        finally:
            cache.delete(key)
        assert client.get("/health/ready/").json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_sessions_are_not_kept_in_the_cache(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


# ---- Database unreachable: 503 with a friendly page -------------------------------------------


def assert_friendly_503(response, language="en"):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html and 'id="main-content"' in html  # the site's layout
    assert "Traceback" not in html
    return html


def test_the_503_page_renders_without_the_database():
    # No database access in this test: any query would raise. In English whatever language an
    # earlier test's request left active.
    with translation.override("en"):
        html = render_to_string("503.html")
    assert "The site is temporarily unavailable" in html and 'id="main-content"' in html


def test_a_page_answers_503_with_retry_after_when_the_database_refuses(client, site_tree):
    url = site_tree.programme.url
    with refuse_database():
        response = client.get(url)
    html = assert_friendly_503(response)
    assert "The site is temporarily unavailable" in html
    assert response["Cache-Control"] == "no-store"


def test_the_503_page_speaks_french_under_fr(client, site_tree):
    url = site_tree.home_fr.url
    with refuse_database():
        response = client.get(url)
    html = assert_friendly_503(response, language="fr")
    assert "Le site est momentanément indisponible" in html


@pytest.mark.parametrize("path", ["/en/search/?q=prisons", "/en/countries/", "/en/no-such-page/", "/sitemap.xml"])
def test_every_kind_of_page_answers_503_when_the_database_refuses(client, site_tree, path):
    with refuse_database():
        assert_friendly_503(client.get(path))


def test_a_database_error_while_rendering_the_template_is_a_503(client, site_tree):
    with mock.patch.object(
        SimpleTemplateResponse, "rendered_content", new_callable=mock.PropertyMock, side_effect=OperationalError
    ):
        assert_friendly_503(client.get("/en/search/?q=prisons"))


class RefusingMiddleware:
    """Stands for a middleware that reads the database (sessions, authentication, redirects)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("the database system is starting up")


def test_a_database_error_in_another_middleware_is_a_503(client, site_tree, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_faults.RefusingMiddleware"]
    client.raise_request_exception = False
    response = client.get(site_tree.home.url)
    assert_friendly_503(response)
    assert response["X-Request-ID"]  # still through the outer middleware


def test_other_errors_are_still_the_500_page(client, site_tree):
    client.raise_request_exception = False
    # A page served by Wagtail's own Page.serve (programme pages serve through RoutablePageMixin).
    url = site_tree.country_project.url
    with mock.patch("wagtail.models.Page.serve", side_effect=ValueError("a bug")):
        response = client.get(url)
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_site_recovers_when_the_database_returns(client, site_tree):
    url = site_tree.home.url
    with refuse_database():
        assert client.get(url).status_code == 503
    assert client.get(url).status_code == 200


# ---- Timeouts -----------------------------------------------------------------------------------


def test_postgresql_gets_connect_statement_and_lock_timeouts_from_the_environment(monkeypatch):
    defaults = database_timeouts({"ENGINE": "django.db.backends.postgresql", "OPTIONS": {}})
    assert defaults["OPTIONS"] == {
        "connect_timeout": 5,
        "options": "-c statement_timeout=15000 -c lock_timeout=5000",
    }
    monkeypatch.setenv("DB_CONNECT_TIMEOUT", "2")
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "0")
    monkeypatch.setenv("DB_LOCK_TIMEOUT", "1.5")
    tuned = database_timeouts({"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"options": "-c search_path=x"}})
    assert tuned["OPTIONS"] == {
        "connect_timeout": 2,
        "options": "-c search_path=x -c statement_timeout=0 -c lock_timeout=1500",
    }
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}
    assert database_timeouts(dict(sqlite)) == sqlite


def test_a_stuck_query_fails_fast(db, monkeypatch):
    """On PostgreSQL a long pg_sleep is cut off by the statement timeout; SQLite has no such statement."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "15s"
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "5s"
        monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "0.3")
        settings_dict = {**connection.settings_dict, "OPTIONS": {}}
        short = type(connections["default"])(database_timeouts(settings_dict))
        started = time.monotonic()
        try:
            with pytest.raises(OperationalError, match="statement timeout"), short.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(5)")
        finally:
            short.close()
        assert time.monotonic() - started < 3
    else:
        assert connection.vendor == "sqlite"
        assert "options" not in connection.settings_dict["OPTIONS"]
        assert connection.settings_dict["OPTIONS"].get("timeout", 5) <= 20


# ---- Logs: request id, one JSON line per request, failed logins ---------------------------------


def json_lines(buffer):
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_each_request_gets_an_id_returned_as_a_header(client, site_tree):
    first = client.get(site_tree.home.url)["X-Request-ID"]
    second = client.get(site_tree.home.url)["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_valid_request_id_from_the_proxy_is_kept_and_a_forged_one_replaced(client, site_tree):
    given = str(uuid.uuid4())
    assert client.get(site_tree.home.url, headers={"X-Request-ID": given})["X-Request-ID"] == given
    forged = 'x" level="CRITICAL\nfake line'
    assert client.get(site_tree.home.url, headers={"X-Request-ID": forged})["X-Request-ID"] != forged


def test_one_json_line_per_request_every_line_with_its_request_id(client, site_tree, console_output):
    given = "proxy-1234abcd"
    response = client.get("/en/no-such-page/", headers={"X-Request-ID": given})
    assert response.status_code == 404
    lines = json_lines(console_output)
    assert lines and all(line["request_id"] == given for line in lines)
    (access,) = [line for line in lines if line["logger"] == "pompidou_site.requests"]
    assert access["message"] == "GET /en/no-such-page/ 404"
    assert access["status"] == 404 and access["method"] == "GET" and access["path"] == "/en/no-such-page/"
    assert access["duration_ms"] >= 0
    assert {"time", "level"} <= access.keys()
    assert any(line["logger"] == "django.request" and line["level"] == "WARNING" for line in lines)
    assert request_id_var.get() == "-"  # and nothing left behind for the thread's next request


def test_a_database_outage_is_logged_as_one_error_line_with_the_request_id(client, site_tree, console_output):
    url = site_tree.home.url
    with refuse_database():
        response = client.get(url)
    errors = [line for line in json_lines(console_output) if line["level"] == "ERROR"]
    assert [line["logger"] for line in errors] == ["pompidou_site.faults"]
    assert errors[0]["request_id"] == response["X-Request-ID"]
    assert "Connection refused" in errors[0]["message"]


def test_a_failed_login_is_a_warning_with_username_and_address_never_the_password(client, db, caplog):
    caplog.set_level(logging.WARNING, logger="pompidou_site.security")
    client.post("/admin/login/", {"username": "mallory", "password": "not-the-password-123"}, REMOTE_ADDR="192.0.2.7")
    (record,) = [record for record in caplog.records if record.name == "pompidou_site.security"]
    assert record.levelno == logging.WARNING
    assert record.username == "mallory" and record.remote_addr == "192.0.2.7"
    assert "not-the-password-123" not in caplog.text
    assert "not-the-password-123" not in json.dumps(record.__dict__, default=str)


def test_other_packages_loggers_reach_the_same_json_handler(console_output):
    """django-axes (lockouts) and any other library log through the root logger's console handler."""
    logging.getLogger("axes.watch_login").warning("AXES: Locked out %s", "mallory")
    (line,) = json_lines(console_output)
    assert line["logger"] == "axes.watch_login" and line["message"] == "AXES: Locked out mallory"
