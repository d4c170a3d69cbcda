"""`make bench`: the site's speed, measured the same way every time, and its budgets checked.

Serves the seeded site with the production settings under gunicorn (gunicorn.conf.py) on
PostgreSQL (BENCH_DATABASE_URL, a fresh `pompidou_bench` by default) or, when no PostgreSQL answers,
on a SQLite file; Redis (BENCH_REDIS_URL, database 8 by default) holds the caches when it answers.
For each page type, in one run, with `wrk` (Debian's):

- pages per second and p50/p99 latency with the page cache, and without it (PAGE_CACHE=false: every
  request renders, with the site-wide fragments cached), each as a ratio to a static file served
  by the same gunicorn in the same run;
- in-process, with Django's test client on the same database: SQL queries and CPU time
  (time.process_time) per uncached render.

Prints a table and writes .cache/bench/latest.json. Figures are reported; the budgets (queries at
most 8, cached pages at least half the static file's rate) are marked, not asserted, so that a
loaded CI machine never fails a build on a time.

Environment: BENCH_DURATION (wrk's -d, "10s"), BENCH_CONNECTIONS (16), BENCH_PORT (8190),
BENCH_DATABASE_URL, BENCH_REDIS_URL, WEB_CONCURRENCY (2), BENCH_RENDERS (in-process renders per
page, 30).
"""

import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".cache" / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
QUERY_BUDGET = 8
CACHED_RATE_BUDGET = 0.5

DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
PORT = int(os.environ.get("BENCH_PORT", "8190"))
RENDERS = int(os.environ.get("BENCH_RENDERS", "30"))
HEADERS = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Accept-Encoding": "br, gzip"}


def log(message):
    print(f"bench: {message}", flush=True)


def answers(command):
    return shutil.which(command[0]) and subprocess.run(command, capture_output=True, check=False).returncode == 0


def environment():
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="pompidou_site.settings.production",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{PORT}",
        MEDIA_ROOT=str(OUT / "media"),
        PORT=str(PORT),
        WEB_CONCURRENCY=env.get("WEB_CONCURRENCY", "2"),
        LOG_LEVEL="WARNING",
        DB_STATEMENT_TIMEOUT="0",
        PYTHONPATH=str(ROOT),
    )
    database = os.environ.get("BENCH_DATABASE_URL")
    if not database and answers(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]):
        database = "postgres://postgres@127.0.0.1:5432/pompidou_bench"
    if database and database.startswith("postgres"):
        name = database.rsplit("/", 1)[1]
        admin = database.rsplit("/", 1)[0] + "/postgres"
        for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
            subprocess.run(
                ["psql", "-q", admin, "-c", sql], check=True, env={**env, "PGOPTIONS": "--client-min-messages=warning"}
            )
    elif not database:
        sqlite = OUT / "bench.sqlite3"
        sqlite.unlink(missing_ok=True)
        database = f"sqlite:///{sqlite}"
    env["DATABASE_URL"] = database
    redis = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
    if answers(["redis-cli", "-u", redis, "ping"]):
        env["REDIS_URL"] = redis
        # The database is new: nothing cached from an earlier run may outlive it (only the site's keys).
        import redis as redis_client

        connection = redis_client.Redis.from_url(redis)
        for key in connection.scan_iter("pompidou*"):
            connection.delete(key)
    else:
        env.pop("REDIS_URL", None)
    return env


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


IN_PROCESS = r"""
import json, sys, time
import django
django.setup()
from django.conf import settings
from django.db import connection
from django.test import Client

settings.PAGE_CACHE_ENABLED = False
renders = int(sys.argv[1])

def first(model_label):
    from django.apps import apps
    model = apps.get_model(model_label)
    page = model.objects.live().public().filter(locale__language_code="en").order_by("path").first()
    return page.url if page else None

from pompidou_site.documents import public_documents
from wagtail.documents import get_document_model
document = public_documents(get_document_model().objects.order_by("pk")).first()
urls = {
    "home": "/en/",
    "programme index": first("programmes.ProgrammeIndexPage"),
    "programme": first("programmes.ProgrammePage"),
    "country project": first("programmes.CountryProjectPage"),
    "training outline": first("trainings.TrainingOutlinePage"),
    "search": "/en/search/?q=prison",
    "sitemap": "/sitemap.xml",
    "feed": "/en/feed/",
    "document": document.url if document else None,
    "404": "/en/no-such-page/",
}
client = Client(headers={"X-Forwarded-Proto": "https", "Accept-Encoding": "br, gzip"}, HTTP_HOST="127.0.0.1")
results = {}
for name, url in urls.items():
    if not url:
        continue
    for _ in range(2):
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    # Counted by a wrapper on the connection itself, whatever the request does with it.
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    started = time.process_time()
    for _ in range(renders):
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    cpu_ms = (time.process_time() - started) / renders * 1000
    results[name] = {"url": url, "status": response.status_code, "queries": len(queries), "cpu_ms": round(cpu_ms, 2)}
print(json.dumps(results))
"""


def in_process(env):
    output = subprocess.run(
        [PYTHON, "-c", IN_PROCESS, str(RENDERS)], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def static_url(env):
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}/en/", headers={**HEADERS, "Accept-Encoding": "identity"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our own local server)
        html = response.read().decode()
    return re.search(r'href="(/static/css/[^"]+\.css)"', html).group(1)


def start_gunicorn(env, page_cache):
    process = subprocess.Popen(
        [GUNICORN, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{PORT}"],
        cwd=ROOT,
        env={**env, "PAGE_CACHE": "true" if page_cache else "false"},
        stdout=subprocess.DEVNULL,
        stderr=(OUT / "gunicorn.log").open("a"),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{PORT}/health/", headers=HEADERS)
            urllib.request.urlopen(request, timeout=2).close()  # noqa: S310
            return process
        except (OSError, urllib.error.URLError):
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not answer within 60 seconds: see .cache/bench/gunicorn.log")


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=40)


def to_ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency"]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{PORT}{url}"], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    # The latency distribution's own lines: "69.50%" also ends the Thread Stats table's "+/- Stdev".
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rate": rate,
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def measure(env, urls, page_cache):
    process = start_gunicorn(env, page_cache)
    try:
        static = static_url(env)
        # Warm every page (and the page cache, when on) before measuring.
        for url in urls.values():
            for _ in range(3):
                request = urllib.request.Request(f"http://127.0.0.1:{PORT}{url}", headers=HEADERS)
                try:
                    urllib.request.urlopen(request, timeout=30).read()  # noqa: S310
                except urllib.error.HTTPError:
                    pass
        results = {"static file": {**wrk(static), "url": static}}
        for name, url in urls.items():
            results[name] = {**wrk(url), "url": url}
        for result in results.values():
            result["ratio_to_static"] = round(result["rate"] / results["static file"]["rate"], 3)
        return results
    finally:
        stop(process)


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return (
        f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def table(report):
    rows = [
        "| page | queries | CPU ms (uncached) | cached pages/s | × static | p50 / p99 ms "
        "| uncached pages/s | × static | p50 / p99 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    cached, uncached, process = report["cached"], report["uncached"], report["in_process"]
    for name in [*cached, *(name for name in process if name not in cached)]:
        c, u, p = cached.get(name), uncached.get(name, {}), process.get(name, {})
        if c is None:
            rows.append(f"| {name} | {p.get('queries', '')} | {p.get('cpu_ms', '')} | – | – | – | – | – | – |")
            continue
        queries = p.get("queries", "")
        if queries != "" and queries > QUERY_BUDGET:
            queries = f"{queries} (over {QUERY_BUDGET})"
        ratio = f"{c['ratio_to_static']:.2f}"
        if name not in ("static file", "document") and c["ratio_to_static"] < CACHED_RATE_BUDGET:
            ratio += " (under 0.5)"
        rows.append(
            f"| {name} | {queries} | {p.get('cpu_ms', '')} | {c['rate']:.0f} | {ratio} | {c['p50_ms']} / {c['p99_ms']} "
            f"| {u.get('rate', 0):.0f} | {u.get('ratio_to_static', 0):.2f} "
            f"| {u.get('p50_ms', '')} / {u.get('p99_ms', '')} |"
        )
    return "\n".join(rows)


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "gunicorn.log").write_text("")
    started = time.monotonic()
    env = environment()
    cache = f"Redis {env['REDIS_URL']}" if "REDIS_URL" in env else "files (no Redis)"
    log(f"database {env['DATABASE_URL'].split('@')[-1]}, cache {cache}")
    log("migrate, seed, collectstatic")
    manage(env, "migrate", "--noinput")
    manage(env, "load_seed_content")
    manage(env, "collectstatic", "--noinput")
    log(f"in-process: queries and CPU time over {RENDERS} renders per page")
    process = in_process(env)
    # Not the 404 page: no cache keeps an error (measured in-process only, for its CPU time).
    urls = {name: result["url"] for name, result in process.items() if result["status"] == 200}
    log(f"wrk -c{CONNECTIONS} -d{DURATION} per address, page cache on")
    cached = measure(env, urls, page_cache=True)
    log("the same with the page cache off (PAGE_CACHE=false)")
    uncached = measure(env, urls, page_cache=False)
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "cache": "redis" if "REDIS_URL" in env else "files",
        "workers": env["WEB_CONCURRENCY"],
        "duration": DURATION,
        "connections": CONNECTIONS,
        "in_process": process,
        "cached": cached,
        "uncached": uncached,
    }
    report["table"] = table(report)
    (OUT / "latest.json").write_text(json.dumps(report, indent=2))
    print()
    print(
        f"{report['date']} on {report['machine']}; {report['database']}, "
        f"cache in {report['cache']}, {report['workers']} gunicorn workers"
    )
    print(report["table"])
    print(f"\nWritten to {OUT / 'latest.json'} in {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    sys.exit(main())
