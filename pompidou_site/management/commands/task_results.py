"""What the worker did: the latest task results, failures first with their traceback.

django-tasks-db keeps every result in the database, a failed one with its exception and
traceback (the worker also logs it at ERROR level). This command reads them back:

    python manage.py task_results              # the latest 20 results, any status
    python manage.py task_results --failed     # failures only, each with its traceback
"""

from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from pompidou_site.scheduling import worker_is_running


class Command(BaseCommand):
    help = "List the latest background task results; --failed shows failures with their traceback"

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="Only failed tasks, with their traceback.")
        parser.add_argument("--limit", type=int, default=20, help="How many results to list (default: 20).")

    def handle(self, *args, failed, limit, **options):
        if worker_is_running():
            self.stdout.write("Worker: running (a task started or finished in the last few minutes).")
        else:
            self.stdout.write(self.style.WARNING("Worker: NOT running (no task started or finished lately)."))
        counts = dict(DBTaskResult.objects.values_list("status").annotate(count=Count("pk")).order_by())
        self.stdout.write(
            "Results: " + ", ".join(f"{counts.get(status, 0)} {status.lower()}" for status in TaskResultStatus.values)
        )

        results = DBTaskResult.objects.order_by("-enqueued_at")
        if failed:
            results = results.failed()
        for result in results[: max(limit, 0)]:
            when = timezone.localtime(result.finished_at or result.started_at or result.run_after)
            self.stdout.write(f"{when:%Y-%m-%d %H:%M:%S}  {result.status:<10}  {result.task_path}  {result.id}")
            if result.status == TaskResultStatus.FAILED:
                self.stdout.write(self.style.ERROR(result.traceback.rstrip()))
