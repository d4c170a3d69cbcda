"""The background worker: scheduled publishing and expiry on time, failures kept, editors warned.

These tests queue tasks in the database (django-tasks-db) and run the real `db_worker` command,
in-process, for one pass (`--batch`: run every task that is due, then stop). It runs inside the
test's transaction, so that the suite's shared data and rollback stay as they are; two things
only a separate process needs are switched off for that: SQLite's `BEGIN EXCLUSIVE` (the claim
is a savepoint here) and the periodic closing of stale connections. The clock is moved with
time-machine rather than waited for.
"""

import logging
import signal
import time
from datetime import timedelta

import pytest
import time_machine
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from pompidou_site.models import StandardPage
from pompidou_site.scheduling import NO_WORKER_WARNING, SWEEP_INTERVAL, publish_scheduled_task

from . import factories

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
WORKER_MODULE = "django_tasks_db.management.commands.db_worker"


@task()
def failing_task():
    raise ValueError("The partner's address book could not be read.")


@pytest.fixture
def database_tasks(settings):
    """Tasks queued in the database, as in production, instead of run inline."""
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def run_worker(database_tasks, monkeypatch):
    """One pass of the real worker command: every task due now runs, then it stops."""
    monkeypatch.setattr("django_tasks_db.utils.connection_requires_manual_exclusive_transaction", lambda _: False)
    monkeypatch.setattr(f"{WORKER_MODULE}.close_old_connections", lambda: None)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    yield run
    for number, handler in handlers.items():
        signal.signal(number, handler)


@pytest.fixture
def home(db):
    return factories.HomePageFactory(title="Pompidou Group", slug="home-worker")


def schedule(page, *, go_live_at=None, expire_at=None):
    """What the editor's Publish button does with dates set in the Settings tab."""
    page.go_live_at = go_live_at
    page.expire_at = expire_at
    page.save_revision().publish()
    return StandardPage.objects.get(pk=page.pk)


def queued_runs():
    return DBTaskResult.objects.filter(task_path=publish_scheduled_task.module_path, status=TaskResultStatus.READY)


def test_a_page_scheduled_a_few_seconds_ahead_is_live_after_the_workers_next_pass(
    home, run_worker, django_capture_on_commit_callbacks
):
    page = factories.StandardPageFactory(parent=home, title="Annual report 2026", live=False)
    go_live_at = timezone.now() + timedelta(seconds=5)
    with django_capture_on_commit_callbacks(execute=True):
        page = schedule(page, go_live_at=go_live_at)
    assert not page.live
    assert queued_runs().filter(run_after=go_live_at).exists(), "no run was queued for the go-live time"

    run_worker()
    page.refresh_from_db()
    assert not page.live, "the page went live before its time"

    with time_machine.travel(go_live_at + timedelta(seconds=1)):
        run_worker()
    page.refresh_from_db()
    assert page.live
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled").exists()
    assert page.get_latest_revision().approved_go_live_at is None


def test_an_expiry_unpublishes_the_page_on_the_workers_next_pass(home, run_worker, django_capture_on_commit_callbacks):
    page = factories.StandardPageFactory(parent=home, title="Call for trainers 2026")
    expire_at = timezone.now() + timedelta(seconds=5)
    with django_capture_on_commit_callbacks(execute=True):
        page = schedule(page, expire_at=expire_at)
    assert page.live
    assert queued_runs().filter(run_after=expire_at).exists(), "no run was queued for the expiry time"

    with time_machine.travel(expire_at + timedelta(seconds=1)):
        run_worker()
    page.refresh_from_db()
    assert not page.live
    assert page.expired
    assert PageLogEntry.objects.filter(page=page, action="wagtail.unpublish.scheduled").exists()


def test_the_sweep_catches_a_schedule_nobody_queued_within_a_minute(home, run_worker):
    page = factories.StandardPageFactory(parent=home, title="Training calendar", live=False)
    go_live_at = timezone.now() + timedelta(seconds=20)
    # No on-commit callbacks run: the timed run is never queued, as when a schedule is set in a
    # migration or a restored database. The sweep the worker queues on start must catch it.
    page = schedule(page, go_live_at=go_live_at)
    run_worker()
    assert not StandardPage.objects.get(pk=page.pk).live

    next_sweep = queued_runs().get()
    assert next_sweep.run_after <= timezone.now() + SWEEP_INTERVAL
    with time_machine.travel(next_sweep.run_after + timedelta(seconds=1)):
        run_worker()
    assert StandardPage.objects.get(pk=page.pk).live
    assert queued_runs().count() == 1, "each sweep queues exactly one next sweep"


def test_a_failing_task_is_recorded_with_its_traceback_and_logged(run_worker, caplog):
    result = failing_task.enqueue()
    with caplog.at_level(logging.ERROR, logger="django_tasks"):
        run_worker()

    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    stored = DBTaskResult.objects.get(pk=result.id)
    assert stored.exception_class_path == "builtins.ValueError"
    assert "The partner's address book could not be read." in stored.traceback
    assert any(record.levelno == logging.ERROR and result.id in record.getMessage() for record in caplog.records)


def test_task_results_lists_failures_with_their_traceback(run_worker, capsys):
    failing_task.enqueue()
    run_worker()
    call_command("task_results", "--failed")
    output = capsys.readouterr().out
    assert "Worker: running" in output
    assert "1 failed" in output
    assert "tests.test_worker.failing_task" in output
    assert "ValueError: The partner's address book could not be read." in output


def test_a_failing_sweep_is_recorded_and_tried_again_a_minute_later(run_worker, monkeypatch):
    def broken_publish_scheduled(*args, **kwargs):
        raise RuntimeError("The database went away.")

    monkeypatch.setattr("wagtail.management.commands.publish_scheduled.Command.handle", broken_publish_scheduled)
    run_worker()

    failed = DBTaskResult.objects.failed().get(task_path=publish_scheduled_task.module_path)
    assert "The database went away." in failed.traceback
    assert queued_runs().filter(run_after__lte=timezone.now() + SWEEP_INTERVAL).count() == 1


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def warnings_shown(response):
    assert response.status_code == 200
    return response.content.decode().count(escape(str(NO_WORKER_WARNING)))


def test_the_edit_screen_warns_when_no_worker_runs_and_a_schedule_is_pending(client, superuser, home, database_tasks):
    client.force_login(superuser)
    page = factories.StandardPageFactory(parent=home, title="Annual report 2026", live=False)
    page = schedule(page, go_live_at=timezone.now() + timedelta(days=1))

    assert warnings_shown(client.get(edit_url(page))) == 1


def test_no_warning_without_a_schedule_or_while_the_worker_runs(client, superuser, home, run_worker):
    client.force_login(superuser)
    unscheduled = factories.StandardPageFactory(parent=home, title="About us")
    assert warnings_shown(client.get(edit_url(unscheduled))) == 0

    scheduled = schedule(
        factories.StandardPageFactory(parent=home, title="Annual report 2026", live=False),
        go_live_at=timezone.now() + timedelta(days=1),
    )
    assert warnings_shown(client.get(edit_url(scheduled))) == 1
    run_worker()
    assert warnings_shown(client.get(edit_url(scheduled))) == 0


def test_an_editor_who_schedules_a_page_without_a_worker_is_told_once(client, superuser, home, database_tasks):
    client.force_login(superuser)
    go_live_at = timezone.localtime(timezone.now() + timedelta(days=1))
    url = reverse("wagtailadmin_pages:add", args=["pompidou_site", "standardpage", home.pk])
    data = nested_form_data(
        {
            "title": "Annual report 2026",
            "slug": "annual-report-2026",
            "introduction": "What the Pompidou Group did in 2026.",
            "body": streamfield([]),
            "comments": inline_formset([]),
            "go_live_at": go_live_at.strftime("%Y-%m-%d %H:%M"),
        }
    )
    response = client.post(url, {**data, "action-publish": "action-publish"}, follow=True)

    page = StandardPage.objects.get(slug="annual-report-2026")
    assert not page.live
    assert page.scheduled_revision is not None
    assert warnings_shown(response) == 1

    # Opening the page again still says so: the warning lasts as long as the problem.
    assert warnings_shown(client.get(edit_url(page))) == 1


def _sqlite_connection(path, alias):
    """A connection to `path` with the site's SQLite options, as the server and the worker each have."""
    from django.db.backends.sqlite3.base import DatabaseWrapper
    from django.db.utils import ConnectionHandler

    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}})
    connection = DatabaseWrapper({**handler.settings["default"], "OPTIONS": dict(settings.SQLITE_OPTIONS)}, alias=alias)
    connection.ensure_connection()
    return connection


def _begin(connection):
    # What transaction.atomic() runs first on SQLite: BEGIN, in the configured transaction mode.
    connection._start_transaction_under_autocommit()


def test_on_sqlite_a_write_while_the_worker_writes_waits_instead_of_failing(tmp_path):
    """The server and the worker share one SQLite file: an editor's publish that reads, then writes,
    while the worker holds the write lock must wait for it, not fail with "database is locked"."""
    import threading

    path = tmp_path / "shared.sqlite3"
    server = _sqlite_connection(path, "server")
    server.cursor().execute("CREATE TABLE page (title TEXT)")
    worker_holds_the_lock, errors = threading.Event(), []

    def worker_writes():
        # Django's connections belong to their thread, as they belong to their process.
        worker = _sqlite_connection(path, "worker")
        try:
            _begin(worker)
            worker.cursor().execute("INSERT INTO page VALUES ('from the worker')")
            worker_holds_the_lock.set()
            time.sleep(0.5)
            worker.cursor().execute("COMMIT")
        except Exception as error:  # noqa: BLE001 - the assertion below says what happened
            errors.append(error)
        finally:
            worker_holds_the_lock.set()
            worker.close()

    thread = threading.Thread(target=worker_writes)
    thread.start()
    worker_holds_the_lock.wait(5)
    try:
        _begin(server)
        cursor = server.cursor()
        cursor.execute("SELECT COUNT(*) FROM page")
        cursor.execute("INSERT INTO page VALUES ('from the editor')")
        cursor.execute("COMMIT")
    except Exception as error:  # noqa: BLE001 - the assertion below says what happened
        errors.append(error)
    thread.join()
    cursor = server.cursor()
    cursor.execute("SELECT title FROM page ORDER BY rowid")
    titles = [row[0] for row in cursor.fetchall()]
    server.close()
    assert not errors, errors
    assert titles == ["from the worker", "from the editor"]
