# A command-line check: it reports by printing, and runs the project's own tools.
# ruff: noqa: T201, S603
"""Faults under a running gunicorn on PostgreSQL and Redis, with the production settings.

`make fault-check` runs it; `.ci/run` too. On a fresh database of its own it migrates, seeds,
collects the static files and starts gunicorn on 127.0.0.1 with a Redis server of its own; then:

1. everything answers, with one JSON log line per request carrying the request id;
2. Redis stopped: pages still 200, readiness 503 naming the cache, the failure logged once (not
   once per request); Redis back: readiness 200 again;
3. the database refusing connections (ALLOW_CONNECTIONS false, its backends terminated): pages
   503 with Retry-After and the friendly page, liveness 200; connections allowed again: 200s;
4. a table locked by another session: the page fails fast with 503 (lock_timeout), no hang;
5. a long query is cut off by the statement timeout.

Settings from the environment: POSTGRES_ADMIN_URL (a superuser, default
postgres://postgres@127.0.0.1:5432/postgres), FAULT_CHECK_DB (default pompidou_faultcheck; dropped
and created again), FAULT_CHECK_PORT and FAULT_CHECK_REDIS_PORT (default: free ports).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("FAULT_CHECK_DB", "pompidou_faultcheck")
HOST = "example.org"
FRIENDLY_TEXT = "The site is temporarily unavailable"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = int(os.environ.get("FAULT_CHECK_PORT") or free_port())
REDIS_PORT = int(os.environ.get("FAULT_CHECK_REDIS_PORT") or free_port())


def step(message):
    print(f"--- {message}", flush=True)


def fail(message):
    raise SystemExit(f"FAULT CHECK FAILED: {message}")


def admin(statement, *params):
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(statement, params or None)


def database_url():
    base = ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{DB_NAME}"


def environment(**overrides):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pompidou_site.settings.production",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or os.urandom(32).hex(),
        "ALLOWED_HOSTS": HOST,
        "WAGTAILADMIN_BASE_URL": f"https://{HOST}",
        "DATABASE_URL": database_url(),
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        "PORT": str(PORT),
        "DB_CONNECT_TIMEOUT": "2",
        "DB_LOCK_TIMEOUT": "2",
    }
    env.update(overrides)
    return env


def manage(*args, **env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=environment(**env), check=True)


def get(path, timeout=20):
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}", headers={"Host": HOST, "X-Forwarded-Proto": "https"}
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - our own server
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    return status, headers, body.decode("utf-8", "replace"), time.monotonic() - started


def expect(path, status, within=None):
    actual, headers, body, elapsed = get(path)
    print(f"GET {path} -> {actual} in {elapsed:.2f} s")
    if actual != status:
        fail(f"expected {status} for {path}, got {actual}: {body[:300]}")
    if within is not None and elapsed > within:
        fail(f"{path} took {elapsed:.1f} s, more than {within} s")
    return headers, body


def wait_for(path, status, seconds):
    deadline = time.monotonic() + seconds
    while True:
        try:
            actual = get(path, timeout=5)[0]
        except OSError:
            actual = None
        if actual == status:
            return
        if time.monotonic() > deadline:
            fail(f"{path} did not answer {status} within {seconds} s (last: {actual})")
        time.sleep(0.5)


def log_lines(log_path):
    lines = []
    for raw in log_path.read_text().splitlines():
        try:
            lines.append(json.loads(raw))
        except json.JSONDecodeError:
            fail(f"a log line is not JSON: {raw[:200]}")
    return lines


class Processes:
    def __init__(self, scratch):
        self.scratch = scratch
        self.redis = None
        self.gunicorn = None

    def start_redis(self):
        self.redis = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--bind", "127.0.0.1", "--port", str(REDIS_PORT)]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.scratch)],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", REDIS_PORT)) == 0:
                    return
            time.sleep(0.1)
        fail("redis-server did not start")

    def stop_redis(self):
        if self.redis:
            self.redis.terminate()
            self.redis.wait(timeout=10)
            self.redis = None

    def start_gunicorn(self, log_path):
        self.gunicorn = subprocess.Popen(
            [GUNICORN, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{PORT}"],
            cwd=ROOT,
            env=environment(),
            stdout=log_path.open("w"),
            stderr=(self.scratch / "gunicorn-stderr.log").open("w"),
        )
        wait_for("/health/live/", 200, 30)

    def stop_all(self):
        if self.gunicorn:
            self.gunicorn.send_signal(signal.SIGTERM)
            try:
                self.gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.gunicorn.kill()
            self.gunicorn = None
        self.stop_redis()


def main():
    scratch = Path(tempfile.mkdtemp(prefix="fault-check-"))
    log_path = scratch / "gunicorn-stdout.log"
    processes = Processes(scratch)
    try:
        step(f"Fresh database {DB_NAME}: migrate, seed, collectstatic")
        admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME)))
        admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
        # Migrations and the seed may run longer statements than a web request: no statement timeout.
        manage("migrate", "--noinput", "--verbosity", "0", DB_STATEMENT_TIMEOUT="0")
        manage("load_seed_content", DB_STATEMENT_TIMEOUT="0", LOG_LEVEL="WARNING", MEDIA_ROOT=str(scratch / "media"))
        manage("collectstatic", "--noinput", "--verbosity", "0")
        processes.start_redis()
        os.environ["MEDIA_ROOT"] = str(scratch / "media")
        processes.start_gunicorn(log_path)

        step("1. Everything answers, one JSON log line per request with its id")
        _, body = expect("/health/ready/", 200)
        if json.loads(body) != {"status": "ok", "database": "ok", "cache": "ok"}:
            fail(f"readiness body: {body}")
        headers, _ = expect("/en/", 200)
        request_id = headers["X-Request-ID"]
        expect("/fr/", 200)
        time.sleep(0.5)
        lines = log_lines(log_path)
        access = [line for line in lines if line.get("logger") == "pompidou_site.requests"]
        matching = [line for line in access if line.get("request_id") == request_id]
        if len(matching) != 1 or matching[0]["status"] != 200 or matching[0]["path"] != "/en/":
            fail(f"no single access line for request {request_id}: {matching}")
        if any("gunicorn.access" == line.get("logger") for line in lines):
            fail("gunicorn wrote its own access line too")
        print(f"request {request_id}: {matching[0]['message']} in {matching[0]['duration_ms']} ms")

        step("2. Redis stopped: pages still answer, readiness names the cache, logged once")
        processes.stop_redis()
        lines_before = len(log_lines(log_path))
        for _ in range(5):
            for path in ("/en/", "/fr/", "/en/countries/", "/en/search/?q=prison"):
                expect(path, 200, within=5)
        _, body = expect("/health/ready/", 503)
        if json.loads(body) != {"status": "error", "database": "ok", "cache": "unavailable"}:
            fail(f"readiness body with Redis down: {body}")
        expect("/health/", 200)
        time.sleep(0.5)
        new_lines = log_lines(log_path)[lines_before:]
        redis_lines = [line for line in new_lines if line.get("logger") == "django_redis.cache"]
        print(f"django_redis.cache log lines for 21 requests: {len(redis_lines)}")
        if not 1 <= len(redis_lines) <= 2:  # at most once a minute in each of the two workers
            fail(f"expected the Redis failure logged once per worker, got {len(redis_lines)} lines")
        processes.start_redis()
        wait_for("/health/ready/", 200, 10)
        print("Redis back: readiness 200 again")

        step("3. The database refuses connections: 503 with Retry-After; restored: 200")
        admin(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(DB_NAME)))
        admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", DB_NAME)
        try:
            for path, text in [
                ("/en/", FRIENDLY_TEXT),
                ("/fr/", "Le site est momentanément indisponible"),
                ("/en/countries/", FRIENDLY_TEXT),
                ("/en/search/?q=prison", FRIENDLY_TEXT),
                ("/sitemap.xml", FRIENDLY_TEXT),
            ]:
                headers, body = expect(path, 503, within=5)
                if not headers.get("Retry-After") or text not in body or "Traceback" in body:
                    fail(f"{path}: no Retry-After, or not the friendly page: {body[:300]}")
            _, body = expect("/health/ready/", 503)
            if json.loads(body)["database"] != "unavailable":
                fail(f"readiness body with the database down: {body}")
            expect("/health/", 503)
            expect("/health/live/", 200)
        finally:
            admin(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(DB_NAME)))
        wait_for("/en/", 200, 15)
        expect("/health/ready/", 200)
        print("The database is back: pages 200 without a restart")

        step("4. A table locked by another session: 503 within the lock timeout, no hang")
        with psycopg.connect(database_url()) as locker:
            locker.execute("LOCK TABLE wagtailcore_page IN ACCESS EXCLUSIVE MODE")
            headers, _ = expect("/en/countries/", 503, within=8)
            locker.rollback()
        expect("/en/countries/", 200)

        step("5. A long query is cut off by the statement timeout")
        probe = (
            "import time, django; django.setup()\n"
            "from django.db import OperationalError, connection\n"
            "started = time.monotonic()\n"
            "try:\n"
            "    connection.cursor().execute('SELECT pg_sleep(10)')\n"
            "except OperationalError as error:\n"
            "    assert 'statement timeout' in str(error), error\n"
            "    print(f'pg_sleep(10) cancelled after {time.monotonic() - started:.2f} s')\n"
            "    assert time.monotonic() - started < 3\n"
            "else:\n"
            "    raise SystemExit('pg_sleep(10) was not cancelled')\n"
        )
        subprocess.run([PYTHON, "-c", probe], cwd=ROOT, env=environment(DB_STATEMENT_TIMEOUT="1"), check=True)

        print("Fault check passed.")
    except BaseException:
        for name in ("gunicorn-stdout.log", "gunicorn-stderr.log"):
            path = scratch / name
            if path.exists():
                print(f"--- {name} (last lines)", file=sys.stderr)
                print("\n".join(path.read_text().splitlines()[-30:]), file=sys.stderr)
        raise
    finally:
        processes.stop_all()
        try:
            admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME)))
        except psycopg.Error as error:
            print(f"Could not drop {DB_NAME}: {error}", file=sys.stderr)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
