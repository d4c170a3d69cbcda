"""django-tasks-db's worker, which also queues the scheduled-publishing sweep when it starts.

Same options as the original (`--help`). The sweep then keeps itself going (pompidou_site/
scheduling.py), so a worker started on an empty queue publishes on time from its first minute,
and one started after a stop catches up at once with what fell due meanwhile.
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from django.utils import timezone

from pompidou_site.scheduling import ensure_sweep


class Command(DatabaseWorkerCommand):
    help = "Run the background worker: Wagtail's tasks, scheduled publishing and expiry, the site's tasks"

    def handle(self, *args, **options):
        ensure_sweep(run_after=timezone.now())
        super().handle(*args, **options)
