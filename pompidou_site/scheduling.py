"""Scheduled publishing and expiry, run by the worker (`manage.py db_worker`).

Wagtail records a scheduled go-live on the revision (`approved_go_live_at`) and an expiry on the
object (`expire_at`), then relies on something running its `publish_scheduled` command. Here that
something is one task, `publish_scheduled_task`, queued in the database by django-tasks-db:

- Queued for the exact time, whenever an editor schedules a revision (a revision saved with
  `approved_go_live_at`) or publishes something with an expiry date (the `published` signal), so
  that go-live and expiry happen within the worker's polling interval (a second) of their time.
- Plus a safety sweep: every run of the task, whatever its outcome, makes sure another run is due
  within the next minute. Nothing is missed if a timed run was lost (a schedule set in a data
  migration or the shell, a database restored from a backup), and a failing run is retried a
  minute later. The sweep is a queued task like any other rather than a loop inside the worker:
  it runs, fails and is recorded the same way, several workers share it, and `db_worker` stays
  django-tasks-db's own command. Our `db_worker` only queues the first sweep when it starts.

The sweep doubles as the worker's heartbeat: when no task has started or finished for a few
minutes, no worker is running, and `worker_is_running()` says so; the page editor then warns
that a schedule will not be kept (see wagtail_hooks.py).
"""

from datetime import timedelta

from django_tasks import TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.models import Revision
from wagtail.signals import published

SWEEP_INTERVAL = timedelta(minutes=1)
# A running worker starts a task at least once a SWEEP_INTERVAL; silence for longer than this
# means it is stopped (or stuck). Long enough for a slow task to hold the sweep up a little.
WORKER_SILENCE_LIMIT = timedelta(minutes=3)
# Successful results are kept for a week to look into; failed ones until someone prunes them.
SUCCESSFUL_RESULTS_KEPT = timedelta(days=7)

NO_WORKER_WARNING = _(
    "No background worker has run in the last few minutes, so this page will not go live or "
    "expire at its scheduled time. Ask the site’s administrator to start the worker "
    "(python manage.py db_worker)."
)


@task()
def publish_scheduled_task():
    """Publish what is due and unpublish what has expired, then make sure the next sweep is queued."""
    try:
        call_command("publish_scheduled")
    finally:
        ensure_sweep(run_after=timezone.now() + SWEEP_INTERVAL)
        DBTaskResult.objects.successful().filter(finished_at__lt=timezone.now() - SUCCESSFUL_RESULTS_KEPT).delete()


def uses_database_backend():
    """Whether tasks are queued for a worker (the database backend) rather than run inline."""
    return isinstance(publish_scheduled_task.get_backend(), DatabaseBackend)


def pending_runs():
    return DBTaskResult.objects.filter(
        backend_name=publish_scheduled_task.get_backend().alias,
        task_path=publish_scheduled_task.module_path,
        status=TaskResultStatus.READY,
    )


def ensure_sweep(run_after):
    """Queue a run for `run_after` unless one is already due by then (idempotent)."""
    if not uses_database_backend():
        return
    if not pending_runs().filter(run_after__lte=run_after).exists():
        publish_scheduled_task.using(run_after=run_after).enqueue()


def queue_run_at(when):
    """Queue a run for the moment something is due, once the current transaction commits."""
    if not uses_database_backend() or when is None:
        return

    def enqueue():
        if not pending_runs().filter(run_after=when).exists():
            publish_scheduled_task.using(run_after=when).enqueue()

    transaction.on_commit(enqueue)


def worker_is_running():
    """Whether a worker has started or finished a task within the last few minutes."""
    if not uses_database_backend():
        return False
    since = timezone.now() - WORKER_SILENCE_LIMIT
    return DBTaskResult.objects.filter(Q(started_at__gte=since) | Q(finished_at__gte=since)).exists()


def schedule_is_pending(page):
    """Whether the page waits for the worker: a revision scheduled to go live, or a live page that expires."""
    return page.scheduled_revision is not None or (page.live and page.expire_at is not None)


def queue_scheduled_revision(sender, instance, raw=False, **kwargs):
    if not raw and instance.approved_go_live_at is not None:
        queue_run_at(instance.approved_go_live_at)


def queue_expiry(sender, instance, **kwargs):
    queue_run_at(getattr(instance, "expire_at", None))


def connect_receivers():
    post_save.connect(queue_scheduled_revision, sender=Revision, dispatch_uid="queue_scheduled_revision")
    published.connect(queue_expiry, dispatch_uid="queue_expiry")
